"""`python -m scanner` is the same as the `privacy-scan` command."""

from scanner.cli import entry_point

entry_point()
