"""Tests: tests/matching needs no database, tests/market runs on SQLite and PostgreSQL."""
