"""Typed, frozen results of the policy stage: a loaded document and what it discloses.

`load_policy` -> `PolicyDocument` (text + segments); `analyse_policy` -> `PolicyAnalysis`.
Every disclosure carries `PolicyEvidence` a reviewer can check: the sentence, list item or table
row as it reads in the policy, the heading it sits under and its character offsets into
`PolicyDocument.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SegmentKind(StrEnum):
    """What a segment is. Also the strength of evidence found in it: a heading alone is weaker."""

    SENTENCE = "sentence"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"
    HEADING = "heading"


class Status(StrEnum):
    """What a policy says about one capability category."""

    DISCLOSED = "disclosed"
    """A sentence, list item or table row says it."""
    DENIED = "denied"
    """Only sentences saying the data is not collected or used."""
    HEADING_ONLY = "heading_only"
    """Only a heading names it."""
    OTHER_SENSE = "other_sense"
    """Its terms occur only in another sense: a verification code sent by SMS, a notification
    channel, a copyright clause, storage on the company's servers... Not a disclosure; the
    evidence (polarity `other_sense`, with its `reason`) lets a report show what was read."""
    NOT_MENTIONED = "not_mentioned"
    """None of the searched terms occur."""


class Polarity(StrEnum):
    POSITIVE = "positive"
    DENIAL = "denial"
    """The sentence says the data is NOT collected or used."""
    OTHER_SENSE = "other_sense"
    """The sentence names a term in another sense (its `reason` says which): no disclosure."""


class ThirdPartyKind(StrEnum):
    NAMED = "named"
    """Mentioned by name in the text."""
    GENERIC = "generic"
    """No name given (advertising partners, analytics providers)."""
    TABLE_ROW = "table_row"
    """A row of a table of SDKs."""
    TARGET = "target"
    """Named only as where to log in, share or pay (微信登录, "log in with QQ"), or as the store
    the app is sold in (the Google Play Store): no disclosure of the SDK or company, which
    `names_sdk` does not count (`scanner.policy.sdk_lists`)."""


MIXED_LANGUAGE = "mixed"
"""The language of a policy in which no language of signatures/policy/languages.json dominates.
Otherwise a policy's language is one of that file's tags (en, zh-Hans, ja, ...) or a variant it
names (zh-Hant): data, not an enum, so that a new language needs no code."""


class PolicyFormat(StrEnum):
    """How the policy was read (by suffix, Content-Type or sniffing)."""

    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"


STRENGTH_ORDER: dict[SegmentKind, int] = {
    SegmentKind.SENTENCE: 0,
    SegmentKind.TABLE_ROW: 1,
    SegmentKind.LIST_ITEM: 2,
    SegmentKind.HEADING: 3,
}
"""Best evidence first when sorting."""


@dataclass(frozen=True)
class Segment:
    """One sentence, list item, table row or heading of the policy."""

    kind: SegmentKind
    start: int
    """Offset of the first character in `PolicyDocument.text`."""
    end: int
    """Offset just past the last character."""
    heading: str | None
    """The nearest heading above the segment (None before the first heading)."""
    cells: tuple[str, ...] = ()
    """Table rows only: the cell texts, in column order."""
    header: tuple[str, ...] = ()
    """Table rows only: the column titles of the table the row belongs to (may be empty)."""


@dataclass(frozen=True)
class PolicyDocument:
    """A policy read from a file or URL, as plain text with its structure."""

    source: str
    """The path or URL it was read from."""
    format: PolicyFormat
    encoding: str | None
    """The detected character encoding (None for PDF, whose text is not byte-encoded)."""
    text: str
    """Readable text: markup, navigation, scripts and inline images removed; one block a line."""
    segments: tuple[Segment, ...]

    def segment_text(self, segment: Segment) -> str:
        """The text of `segment` as it reads in the policy."""
        return self.text[segment.start : segment.end]


@dataclass(frozen=True)
class PolicyEvidence:
    """A place in the policy that supports (or denies) a disclosure."""

    text: str
    """The sentence, list item, table row or heading, as in the policy."""
    heading: str | None
    """The heading it sits under."""
    start: int
    """Offset of `text` in `PolicyDocument.text`."""
    end: int
    term: str
    """The words that matched, as written in the policy."""
    term_start: int
    """Offset of `term` in `PolicyDocument.text`."""
    strength: SegmentKind
    """The kind of segment it was found in (a heading is the weakest)."""
    polarity: Polarity = Polarity.POSITIVE
    reason: str | None = None
    """For `other_sense` evidence: the sentence kind that explains the term away (a
    `not_disclosure_contexts` kind of cues.json), `exclude` (a phrase such as "SMS verification
    code", quoted whole as the term)."""


@dataclass(frozen=True)
class CategoryDisclosure:
    """What the policy says about one capability category of the taxonomy."""

    category: str
    status: Status
    evidence: tuple[PolicyEvidence, ...]
    """Best first: positive evidence by strength, then denials."""
    searched_terms: tuple[str, ...]
    """Every vocabulary term looked for, so a report can show that the policy is silent."""


@dataclass(frozen=True)
class ThirdPartyDisclosure:
    """A third party (SDK or company) the policy says it shares data with or embeds."""

    sdk_id: str | None
    """The SDK signature id, or None for a generic disclosure or an unrecognised table row."""
    name: str
    """The name as the policy writes it (or the category phrase for a generic disclosure)."""
    kind: ThirdPartyKind
    category: str | None
    """advertising | analytics | security | payment | push | login | ... (None when unknown)."""
    evidence: tuple[PolicyEvidence, ...]
    company: str | None = None
    """The company an SDK list's row gives, or the vendor a sentence names beside the SDK
    ("Bugly, provided by Tencent"), as written (None when neither does)."""


@dataclass(frozen=True)
class PolicyAnalysis:
    """Everything `analyse_policy` found in one policy."""

    source: str
    format: PolicyFormat
    encoding: str | None
    language: str
    """A language tag of signatures/policy/languages.json, a variant of one, or `mixed`."""
    categories: tuple[CategoryDisclosure, ...]
    """One per taxonomy category, in taxonomy order."""
    third_parties: tuple[ThirdPartyDisclosure, ...]
    """Named SDKs first (by id), then SDKs named only as login / share / payment targets, then
    table rows without an SDK id and named companies, then generic disclosures."""
    text: str = field(default="", repr=False, compare=False)
    """The policy's readable text, for rules that look for terms outside the category
    vocabulary (iOS data types, tracking domains); empty for an analysis built by hand."""
    operators: tuple[str, ...] = ()
    """The names the policy gives its own operator, as written (scanner.policy.operator):
    本政策适用于X, 我们(X), "X ("we")". An SDK that operator makes is its own code."""

    def disclosure(self, category: str) -> CategoryDisclosure:
        """The disclosure of `category`; KeyError for a category outside the taxonomy."""
        for item in self.categories:
            if item.category == category:
                return item
        raise KeyError(category)

    def names_sdk(self, sdk_id: str) -> bool:
        """True when the policy names this SDK (in text or in an SDK table); a mention as a
        login, share or payment target does not count."""
        return any(
            tp.sdk_id == sdk_id and tp.kind is not ThirdPartyKind.TARGET
            for tp in self.third_parties
        )

    def generic_categories(self) -> frozenset[str]:
        """Categories of third parties disclosed without a name (e.g. advertising partners)."""
        return frozenset(
            tp.category
            for tp in self.third_parties
            if tp.kind is ThirdPartyKind.GENERIC and tp.category
        )
