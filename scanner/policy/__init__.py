"""The policy stage: read a privacy policy and decide what it discloses, with evidence.

doc = load_policy("policy.html")          # path or http(s) URL
analysis = analyse_policy(doc)            # one CategoryDisclosure per taxonomy category
analysis.disclosure("camera").status      # disclosed | denied | heading_only | not_mentioned
analysis.names_sdk("alipay")
"""

from __future__ import annotations

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
