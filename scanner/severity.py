"""Finding severities, in order. The one place that says which severity is worse."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters; members are declared from least to most severe."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for high: compare ranks, never the strings."""
        return _ORDER.index(self)


_ORDER: tuple[Severity, ...] = tuple(Severity)

DEFAULT_FAIL_ON = Severity.HIGH
"""The release gate's default threshold: the CLI, the settings and every report agree on it."""
