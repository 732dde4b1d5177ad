"""Community Market (社区点单): the Litestar service."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("community-market")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
