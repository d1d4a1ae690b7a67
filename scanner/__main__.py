"""`python -m scanner` is the same as the `privacy-scan` command."""

from scanner import collect_less

collect_less()  # before the CLI's imports, which allocate the most

from scanner.cli import entry_point  # noqa: E402

entry_point()
