"""privacy-scan: audit a mobile app against its own privacy policy, statically."""

__version__ = "0.1.0"
