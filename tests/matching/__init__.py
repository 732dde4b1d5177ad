"""Optimiser tests: no database."""
