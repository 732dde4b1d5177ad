"""Service tests: database, HTTP and command line."""
