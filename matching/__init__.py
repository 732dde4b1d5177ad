"""The optimiser: pure, synchronous, no database; it never imports the service."""
