"""Every bound privacy-scan puts on its work, in one place (see docs/robustness.md).

A bound protects the scanner from hostile or huge input: when one is reached the scan stops with a
clear one-line error (exit code 2), or, where the bound only trims what is listed, says so in the
result. Raise one only with a measurement that shows the new value is still safe.
"""

from __future__ import annotations

DEFAULT_TIMEOUT = 600.0
"""Seconds of wall-clock time for one app (and for reading the policy), unless --timeout says."""

MAX_BATCH = 10_000
"""Apps in one `scan` invocation (files given plus those found in folders)."""
