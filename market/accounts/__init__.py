"""Accounts: residents, members and staff, their passwords and their role grants."""
