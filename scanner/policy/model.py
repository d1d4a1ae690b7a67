"""Typed, frozen results of the policy stage: a loaded document and what it discloses.

`load_policy` -> `PolicyDocument` (text + segments); `analyse_policy` -> `PolicyAnalysis`.
Every disclosure carries `PolicyEvidence` a reviewer can check: the sentence, list item or table
row as it reads in the policy, the heading it sits under and its character offsets into
`PolicyDocument.text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["sentence", "list_item", "table_row", "heading"]
"""What a segment is. Also the strength of evidence found in it: a heading alone is weaker."""

Status = Literal["disclosed", "denied", "heading_only", "not_mentioned"]
Polarity = Literal["positive", "denial"]
ThirdPartyKind = Literal["named", "generic", "table_row"]
Language = Literal["en", "zh-Hans", "zh-Hant", "mixed"]

STRENGTH_ORDER: dict[str, int] = {"sentence": 0, "table_row": 1, "list_item": 2, "heading": 3}
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
    format: str
    """txt | md | html | pdf"""
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
    """sentence | table_row | list_item | heading (weakest)."""
    polarity: Polarity = "positive"
    """denial when the sentence says the data is NOT collected or used."""


@dataclass(frozen=True)
class CategoryDisclosure:
    """What the policy says about one capability category of the taxonomy."""

    category: str
    status: Status
    """disclosed: a sentence, list item or table row says it; denied: only denials;
    heading_only: only a heading names it; not_mentioned: none of `searched_terms` occur."""
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
    """named: mentioned in text; table_row: a row of an SDK list; generic: no name given."""
    category: str | None
    """advertising | analytics | security | payment | push | login | ... (None when unknown)."""
    evidence: tuple[PolicyEvidence, ...]


@dataclass(frozen=True)
class PolicyAnalysis:
    """Everything `analyse_policy` found in one policy."""

    source: str
    format: str
    encoding: str | None
    language: Language
    categories: tuple[CategoryDisclosure, ...]
    """One per taxonomy category, in taxonomy order."""
    third_parties: tuple[ThirdPartyDisclosure, ...]
    """Named SDKs first (by id), then table rows without an SDK id, then generic disclosures."""

    def disclosure(self, category: str) -> CategoryDisclosure:
        """The disclosure of `category`; KeyError for a category outside the taxonomy."""
        for item in self.categories:
            if item.category == category:
                return item
        raise KeyError(category)

    def names_sdk(self, sdk_id: str) -> bool:
        """True when the policy names this SDK (in text or in an SDK table)."""
        return any(tp.sdk_id == sdk_id for tp in self.third_parties)

    def generic_categories(self) -> frozenset[str]:
        """Categories of third parties disclosed without a name (e.g. advertising partners)."""
        return frozenset(
            tp.category for tp in self.third_parties if tp.kind == "generic" and tp.category
        )
