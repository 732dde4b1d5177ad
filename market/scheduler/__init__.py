"""The scheduler: one active process by lease, periodic sweepers, and a record of every run."""
