"""Signing in: registration, login with rate limits, short-lived access tokens, refresh and logout."""
