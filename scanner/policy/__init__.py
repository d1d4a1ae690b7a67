"""The policy stage: read a privacy policy and decide what it discloses, with evidence.

doc = load_policy("policy.html")          # path or http(s) URL
analysis = analyse_policy(doc)            # one CategoryDisclosure per taxonomy category
analysis.disclosure("camera").status      # disclosed | denied | heading_only | not_mentioned
analysis.names_sdk("alipay")

The names below are imported on first use (PEP 562), so importing `scanner.policy.model` for its
types (as the compare stage does) does not load the vocabulary, the HTML and PDF parsers or httpx:
a scan without --policy never pays for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.policy.analyse import analyse_policy, detect_language
    from scanner.policy.loader import load_policy, policy_from_text
    from scanner.policy.model import (
        CategoryDisclosure,
        PolicyAnalysis,
        PolicyDocument,
        PolicyEvidence,
        Segment,
        ThirdPartyDisclosure,
    )
    from scanner.policy.render import analysis_to_dict, render_text

_HOME = {
    "analyse_policy": "analyse",
    "detect_language": "analyse",
    "load_policy": "loader",
    "policy_from_text": "loader",
    "CategoryDisclosure": "model",
    "PolicyAnalysis": "model",
    "PolicyDocument": "model",
    "PolicyEvidence": "model",
    "Segment": "model",
    "ThirdPartyDisclosure": "model",
    "analysis_to_dict": "render",
    "render_text": "render",
}

__all__ = [
    "CategoryDisclosure",
    "PolicyAnalysis",
    "PolicyDocument",
    "PolicyEvidence",
    "Segment",
    "ThirdPartyDisclosure",
    "analyse_policy",
    "analysis_to_dict",
    "detect_language",
    "load_policy",
    "policy_from_text",
    "render_text",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
