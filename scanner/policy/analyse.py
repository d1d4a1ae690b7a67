# ruff: noqa: RUF001, RUF002  (Chinese text and punctuation are the point of this module)
"""Decide, for every capability category, whether a policy discloses it, and which third parties
it names, with the sentences that say so.

Matching runs once over the whole normalised text (Simplified, lower case, same length as the
original); each match is then judged in its segment: excluded phrases, cookie context, negation
(a denial), IP-derived location (approximate, not precise), heading-only mentions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scanner.policy.model import (
    MIXED_LANGUAGE,
    CategoryDisclosure,
    Polarity,
    PolicyAnalysis,
    PolicyDocument,
    PolicyEvidence,
    Segment,
    Status,
    ThirdPartyDisclosure,
    ThirdPartyKind,
)
from scanner.policy.normalize import cased, lower, normalise, traditional_share
from scanner.policy.operator import is_operator, operator_names
from scanner.policy.sdk_lists import looks_like_company, with_listed_sdks
from scanner.policy.vendor_lists import vendor_list_names
from scanner.policy.vocabulary import (
    OTHER_SENSE_EXCLUDE,
    LanguageSpec,
    TermMatcher,
    Vocabulary,
    category_ids,
    load_vocabulary,
    term_key,
    word_regex,
)
from scanner.signatures.catalog import SdkSignature, capabilities, sdk_taxonomy
from scanner.text import has_cjk

_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|s\.a|ag|bv|pte)\.?)+$", re.I
)
_URLISH = re.compile(r"://|www\.|@|\.(?:com|cn|net|org|io|co|jp|html?)\b", re.I)
# --------------------------------------------------------------------------- compiled cues


@dataclass(frozen=True)
class _LangCues:
    """One language of languages.json, compiled. Two shapes of language are built by the same
    code: spaced ones (words between spaces, matched as whole words: English) and unspaced ones
    (words glued together, matched anywhere: Chinese, Japanese); nothing below names a language."""

    tag: str
    spaced: bool
    active: re.Pattern[str]
    """Negation + processing verb before the term (we do not collect, 不会读取)."""
    direct: re.Pattern[str]
    """A bare negation right before the term (will not self-start, 不会自启动)."""
    passive: re.Pattern[str]
    """A negation after the term (are never uploaded, 不会被上传, 取得しません)."""
    subject: re.Pattern[str]
    kept_then: re.Pattern[str]
    """A processing verb and a contrast word right before a negation: the data is handled, only
    something further is denied (接收但不记录, collect but do not sell)."""
    contrast: re.Pattern[str]
    conditional: re.Pattern[str]
    not_negation: re.Pattern[str]
    """Words that hold a negation cue but negate nothing (包括但不限于, not limited to)."""
    direct_window: int
    window: int
    passive_window: int
    near: int
    """Characters either side of a term searched for cookie and location qualifiers."""
    breaks_before: re.Pattern[str] | None
    """Characters that stop a negation before the term from reaching it."""
    breaks_after: re.Pattern[str] | None
    verb_first: bool
    verbs: re.Pattern[str]
    """Processing verbs: in a verb-first language a negation after the term belongs to the first
    verb after it (保存し、送信しません denies only 送信)."""
    generic: re.Pattern[str]
    """Generic third parties: category words before a party noun (advertising partners,
    广告合作伙伴)."""
    restoring: re.Pattern[str]
    """A reading verb and at most `restoring_window` characters, anchored at the term."""
    list_restoring: re.Pattern[str]
    """A reading verb and at most `listed_data.window` characters of one clause, anchored at
    the term: the verb that governs a list of data the term is an item of."""
    list_tail: re.Pattern[str]
    """What ends a list of data right after its last item (等参数, and other data)."""
    pair: re.Pattern[str]
    """`name (other name) [suffix]`: a permission named with another in brackets."""
    side: re.Pattern[str]
    """The first name of a pair, anchored at the bracket."""
    suffix: str
    """The suffix implied when none follows the brackets."""
    joiner: str
    """What joins a name and its suffix (a space, or nothing)."""
    detect: _Detect


@dataclass(frozen=True)
class _Detect:
    """How a text is told to be in one language (languages.json `detect`)."""

    chars: re.Pattern[str]
    word: bool
    per_word: float
    marker: re.Pattern[str] | None
    marker_share: float
    displaces: frozenset[str]
    segment_share: float | None
    document_share: float
    default: bool
    variants: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _Context:
    """A kind of sentence that names a term without disclosing it (cues.json
    `not_disclosure_contexts`): a copyright clause, a notification channel, ..."""

    name: str
    categories: frozenset[str]
    cues: re.Pattern[str]
    unless: re.Pattern[str]
    in_heading: bool


@dataclass(frozen=True)
class _Compiled:
    vocab: Vocabulary
    terms: TermMatcher
    excludes: dict[str, re.Pattern[str]]
    generic_location: frozenset[str]
    cookie: re.Pattern[str]
    coarse: re.Pattern[str]
    precise: re.Pattern[str]
    langs: dict[str, _LangCues]
    """Language tag -> its compiled cues, in the order of languages.json."""
    default_lang: str
    self_named: dict[str, re.Pattern[str]]
    category_words: dict[str, re.Pattern[str]]
    negative_values: frozenset[str]
    contexts: tuple[_Context, ...]
    context_categories: frozenset[str]
    """Every category some non-disclosing sentence kind explains away."""
    purposes: tuple[tuple[frozenset[str], dict[str, re.Pattern[str]]], ...]
    """Shared terms: the categories that share them, and each one's purpose words."""
    permission_suffix: re.Pattern[str]
    """A permission-name suffix in any language (权限, permission): a heading holding one names a
    permission."""
    heading_body: re.Pattern[str]
    """Words that make the paragraph under a permission heading its description (用于, used to)."""
    heading_reach: int
    ip_anchor: re.Pattern[str]
    ip_place: re.Pattern[str]
    ip_verb: re.Pattern[str]
    ip_window: int
    wifi_anchor: re.Pattern[str]
    wifi_partner: re.Pattern[str]
    wifi_place: re.Pattern[str]
    wifi_window: int
    wifi_adjacent: int


def _alt(words: Iterable[str]) -> str:
    ordered = sorted({normalise(w) for w in words}, key=len, reverse=True)
    return "|".join(r"[\s\-]+".join(map(re.escape, w.split())) for w in ordered) or r"(?!x)x"


def _words(node: Mapping[str, Sequence[str]]) -> list[str]:
    """Every word of a language-tag -> words map."""
    return [w for words in node.values() for w in words]


def _class(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")


def _lang_cues(lang: LanguageSpec, cues: Mapping[str, Any]) -> _LangCues:
    spec, tag = lang.spec, lang.tag
    neg = spec["negation"]
    cue, verb, passive = _alt(neg["cues"]), _alt(neg["verbs"]), _alt(neg["passive"])
    direct_cues = _alt(c for c in neg["cues"] if c not in set(neg["needs_verb"]))
    subjects = _alt(cues["user_subject"].get(tag, ()))
    contrasts = _alt(cues["contrast"].get(tag, ()))
    letters = spec["letters"]
    breaks = re.escape(spec["clause_breaks"])
    tp = cues["third_party"]
    cat_cues = _alt(w for d in tp["categories"].values() for w in d.get(tag, ()))
    nouns = _alt(tp["party_nouns"].get(tag, ()))
    joiners = _alt(spec["list_joiners"])
    verbs = _alt(cues["not_disclosure_contexts"]["restoring_verbs"].get(tag, ()))
    window = spec["restoring_window"]
    listed = cues["not_disclosure_contexts"]["listed_data"]
    list_window = listed["window"]
    tails = _alt(listed["tails"].get(tag, ()))
    suffixes = cues["bracketed_permissions"]["suffixes"].get(tag) or [""]
    inner = spec["bracket_max_inner"]
    if lang.spaced:
        w = f"(?<![{letters}])"  # a word starts here
        e = f"(?![{letters}])"  # a word ends here
        word = f"[{letters}][{letters}'\\-]*"
        side_words = spec.get("bracket_side_words", 3)
        active = rf"{w}(?:{cue}){e}(?:[\s,]+[{letters}']+){{0,3}}?[\s,]+(?:{verb})[{letters}]*"
        direct = rf"{w}(?:{direct_cues}){e}"
        if neg["order"] == "cue_first":
            after = rf"{w}(?:{passive})\s+(?:[{letters}]+\s+)?(?:{verb})[{letters}]*"
        else:
            after = rf"{w}(?:{verb})[{letters}]*\s+(?:[{letters}]+\s+)?(?:{passive}){e}"
        subject = rf"{w}(?:{subjects})\s+(?:[{letters}]+\s+)?$"
        kept_then = rf"{w}(?:{verb})[{letters}]*\s*,?\s*(?:{contrasts}){e}\s*$"
        generic = (
            rf"{w}(?P<cues>(?:{cat_cues})(?:\s*(?:{joiners})\s*(?:{cat_cues}))*)"
            rf"(?:[\s\-]+[{letters}]+)?[\s\-]+(?:{nouns}){e}"
        )
        restoring = rf"{w}(?:{verbs}){e}[^{breaks}]{{0,{window}}}$"
        list_restoring = rf"{w}(?:{verbs}){e}[^{breaks}]{{0,{list_window}}}$"
        list_tail = rf"\s*,?\s*(?:{tails}){e}"
        side = rf"{w}(?:{word}\s+){{0,{side_words - 1}}}{word}\s*$"
        pair = (
            rf"{w}(?P<a>(?:{word}\s+){{0,{side_words - 1}}}{word})\s*\(\s*"
            rf"(?P<b>[{letters}][{letters}'\-/& ]{{0,{inner - 1}}}?)\s*\)"
            rf"(?:\s*(?P<suffix>{_alt(suffixes)}){e})?"
        )
        joiner = " "
    else:
        gap = f"[^{breaks}]"
        side_chars = spec.get("bracket_side_chars", 12)
        active = rf"(?:{cue}){gap}{{0,6}}?(?:{verb})"
        direct = rf"(?:{direct_cues})"
        reach = neg.get("after_gap", 3)
        inside = f"[^{breaks}、]"  # one negation never spans a list comma
        if neg["order"] == "cue_first":
            after = rf"(?:{passive}){inside}{{0,{reach}}}?(?:{verb})"
        else:
            after = rf"(?:{verb}){inside}{{0,{reach}}}?(?:{passive})"
        subject = rf"(?:{subjects}){gap}{{0,2}}$"
        kept_then = rf"(?:{verb})\s*[,，]?\s*(?:{contrasts})\s*$"
        generic = (
            rf"(?P<cues>(?:{cat_cues})(?:(?:{joiners})?(?:{cat_cues}))*)"
            rf"\s?[^{breaks}、\s]{{0,4}}?\s?(?:{nouns})"
        )
        restoring = rf"(?:{verbs}){gap}{{0,{window}}}$"
        list_restoring = rf"(?:{verbs}){gap}{{0,{list_window}}}$"
        list_tail = rf"\s?(?:{tails})"
        side = rf"[{letters}a-z0-9\-]{{1,{side_chars}}}\s?$"
        pair = (
            rf"(?P<a>[{letters}a-z0-9\-]{{1,{side_chars}}})\s?[（(]\s?"
            rf"(?P<b>[^（）(){breaks}、\s]{{1,{inner}}}?)\s?[）)]"
            rf"(?:\s?(?P<suffix>{_alt(suffixes)}))?"
        )
        joiner = ""
    detect = spec["detect"]
    marker = detect.get("marker")
    return _LangCues(
        tag=tag,
        spaced=lang.spaced,
        active=re.compile(active),
        direct=re.compile(direct),
        passive=re.compile(after),
        subject=re.compile(subject),
        kept_then=re.compile(kept_then),
        contrast=word_regex(cues["contrast"].get(tag, ())),
        conditional=word_regex(cues["conditional_exceptions"].get(tag, ())),
        not_negation=word_regex(neg.get("not_negations", ())),
        direct_window=neg["direct_window"],
        window=neg["window"],
        passive_window=neg["passive_window"],
        near=spec["near"],
        breaks_before=_class(re.escape(neg["breaks_before"])) if neg["breaks_before"] else None,
        breaks_after=_class(re.escape(neg["breaks_after"])) if neg["breaks_after"] else None,
        verb_first=neg["order"] == "verb_first",
        verbs=re.compile(verb),
        generic=re.compile(generic),
        restoring=re.compile(restoring),
        list_restoring=re.compile(list_restoring),
        list_tail=re.compile(list_tail),
        pair=re.compile(pair),
        side=re.compile(side),
        suffix=normalise(suffixes[0]),
        joiner=joiner,
        detect=_Detect(
            chars=_class(detect["chars"]),
            word=detect["unit"] == "word",
            per_word=float(detect.get("per_word", 1.0)),
            marker=_class(marker) if marker else None,
            marker_share=float(detect.get("marker_share", 0.0)),
            displaces=frozenset(detect.get("displaces", ())),
            segment_share=detect.get("segment_share"),
            document_share=float(detect["document_share"]),
            default=bool(detect.get("default", False)),
            variants=tuple(
                (variant, float(rule["t2s_changed_share"]))
                for variant, rule in detect.get("variants", {}).items()
            ),
        ),
    )


@cache
def _compiled() -> _Compiled:
    vocab = load_vocabulary()
    cues = vocab.cues
    terms: dict[str, list[str]] = {}
    for cat in vocab.categories:
        for term in cat.searched_terms:
            bucket = terms.setdefault(term, [])
            if cat.id not in bucket:
                bucket.append(cat.id)
    for term, category in _permission_terms(terms):
        terms.setdefault(term, []).append(category)
    precise = {term_key(normalise(t)) for t in vocab.category("location_precise").searched_terms}
    coarse = {term_key(normalise(t)) for t in vocab.category("location_coarse").searched_terms}
    tp = cues["third_party"]
    contexts = cues["not_disclosure_contexts"]
    langs = {lang.tag: _lang_cues(lang, cues) for lang in vocab.languages}
    return _Compiled(
        vocab=vocab,
        terms=TermMatcher(terms),
        excludes={
            cat.id: word_regex(_words(cat.exclude))
            for cat in vocab.categories
            if any(cat.exclude.values())
        },
        generic_location=frozenset(precise & coarse),
        cookie=word_regex(vocab.cue_words("cookie_context")),
        coarse=word_regex(vocab.cue_words("coarse_location_qualifiers")),
        precise=word_regex(vocab.cue_words("precise_location_markers")),
        langs=langs,
        default_lang=next(tag for tag, lc in langs.items() if lc.detect.default),
        self_named={name: word_regex(_words(d)) for name, d in tp["self_named_parties"].items()},
        category_words={name: word_regex(_words(d)) for name, d in tp["categories"].items()},
        negative_values=frozenset(
            term_key(normalise(v)) for v in vocab.cue_words("table_negative_values")
        ),
        contexts=tuple(
            _Context(
                name=name,
                categories=frozenset(kind["categories"]),
                cues=word_regex(_words(kind["cues"])),
                unless=word_regex(_words(kind["unless"])),
                in_heading=kind["in_heading"],
            )
            for name, kind in contexts["kinds"].items()
        ),
        context_categories=frozenset(
            cat for kind in contexts["kinds"].values() for cat in kind["categories"]
        ),
        purposes=tuple(
            (
                frozenset(group["categories"]),
                {cat: word_regex(_words(words)) for cat, words in group["purposes"].items()},
            )
            for group in cues["shared_term_purposes"]
        ),
        permission_suffix=word_regex(_words(cues["bracketed_permissions"]["suffixes"])),
        heading_body=word_regex(_words(cues["permission_heading_bodies"]["cues"])),
        heading_reach=cues["permission_heading_bodies"]["reach"],
        ip_anchor=word_regex(_words(cues["ip_derived_location"]["anchors"])),
        ip_place=word_regex(_words(cues["ip_derived_location"]["places"])),
        ip_verb=word_regex(_words(cues["ip_derived_location"]["verbs"])),
        ip_window=cues["ip_derived_location"]["window"],
        wifi_anchor=word_regex(_words(cues["wifi_locating"]["anchors"])),
        wifi_partner=word_regex(_words(cues["wifi_locating"]["partners"])),
        wifi_place=word_regex(_words(cues["wifi_locating"]["places"])),
        wifi_window=cues["wifi_locating"]["window"],
        wifi_adjacent=cues["wifi_locating"]["adjacent"],
    )


def _permission_terms(known: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """Permission names the vocabulary does not list, each with the category whose capability
    file holds it (signatures/capabilities/, the one place a permission is mapped): a row of a
    permission list that names only android.permission.BODY_SENSORS_BACKGROUND discloses body
    sensors. The bare constant is added when it has an underscore (READ_MEDIA_AUDIO; not ACCESS);
    a name the vocabulary already lists keeps the vocabulary's categories."""
    have = {term_key(t) for t in known}
    found: list[tuple[str, str]] = []
    for cap in capabilities():
        for permission in cap.permissions:
            bare = permission.rsplit(".", 1)[-1]
            for name in (permission, bare) if "_" in bare else (permission,):
                if term_key(name) not in have:
                    have.add(term_key(name))
                    found.append((name, cap.id))
    return found


def _language_of(c: _Compiled, text: str) -> str:
    """The language a segment is read in: the language whose characters make up more than its
    `segment_share` of the word characters (the most of them when several do; a language with a
    marker, such as kana, first takes the characters it shares), else the default language."""
    letters = max(1, len(re.findall(r"\w", text)))
    counts = {tag: len(lc.detect.chars.findall(text)) for tag, lc in c.langs.items()}
    for tag, count in _displaced(c, text, counts).items():
        counts[tag] = count
    best, best_count = c.default_lang, 0
    for tag, lc in c.langs.items():
        share = lc.detect.segment_share
        if share is not None and counts[tag] > share * letters and counts[tag] > best_count:
            best, best_count = tag, counts[tag]
    return best


def _displaced(c: _Compiled, text: str, counts: dict[str, int]) -> dict[str, int]:
    """Counts that a marker language takes away from the languages it displaces."""
    taken: dict[str, int] = {}
    for tag, lc in c.langs.items():
        marker = lc.detect.marker
        if marker is None or not counts[tag]:
            continue
        if len(marker.findall(text)) >= lc.detect.marker_share * counts[tag]:
            taken.update(dict.fromkeys(lc.detect.displaces, 0))
        else:
            taken[tag] = 0
    return taken


# --------------------------------------------------------------------------- per document


@dataclass
class _SegmentCues:
    lang: _LangCues
    active: list[tuple[int, int]]
    direct: list[tuple[int, int]]
    passive: list[tuple[int, int]]
    conditional: bool
    table_denied: bool


@dataclass(frozen=True)
class _SentenceKinds:
    present: tuple[_Context, ...]
    """Non-disclosing kinds whose cue is in the segment (or, for some, its heading)."""
    restored: frozenset[str]
    """Categories an `unless` phrase in the segment keeps disclosed."""
    meant: tuple[frozenset[str], ...]
    """Per shared-term group (`_Compiled.purposes`), the categories the segment names a purpose
    of."""


@dataclass
class _Doc:
    doc: PolicyDocument
    cased: str
    """Simplified, half-width, straight quotes; same length as the text."""
    norm: str
    """`cased`, lower-cased."""
    compiled: _Compiled
    starts: list[int] = field(default_factory=list)
    cues: dict[int, _SegmentCues] = field(default_factory=dict)
    contexts: dict[int, frozenset[str]] = field(default_factory=dict)
    kinds: dict[int, _SentenceKinds] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.doc.segments]

    def segment_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.doc.segments[index].end:
            return index
        return None

    def sentence_kinds(self, index: int) -> _SentenceKinds:
        """The non-disclosing sentence kinds of one segment, computed once per segment (a long
        segment with many terms must not be searched once per term)."""
        found = self.kinds.get(index)
        if found is None:
            seg = self.doc.segments[index]
            text = self.segment_norm(index)
            heading = normalise(seg.heading or "")
            contexts = self.compiled.contexts
            found = _SentenceKinds(
                present=tuple(
                    ctx
                    for ctx in contexts
                    if ctx.cues.search(text) or (ctx.in_heading and ctx.cues.search(heading))
                ),
                restored=frozenset(
                    cat
                    for ctx in contexts
                    for m in ctx.unless.finditer(text)
                    for cat in self._restored_by(ctx, m.group())
                ),
                meant=tuple(
                    frozenset(cat for cat, regex in purposes.items() if regex.search(text))
                    for _shared, purposes in self.compiled.purposes
                ),
            )
            self.kinds[index] = found
        return found

    def _restored_by(self, ctx: _Context, phrase: str) -> frozenset[str]:
        """The categories an `unless` phrase keeps disclosed: those of its kind that the phrase
        names as a term (the camera permission restores the camera, not the album a copyright
        clause also explains away), or all of its kind's when it names none (auto-fill the
        code)."""
        named = frozenset(
            cat for _s, _e, cats in self.compiled.terms.finditer(phrase) for cat in cats
        )
        return (named & ctx.categories) or ctx.categories

    def segment_norm(self, index: int) -> str:
        """The normalised text of one segment."""
        seg = self.doc.segments[index]
        return self.norm[seg.start : seg.end]

    def segment_cues(self, index: int) -> _SegmentCues:
        found = self.cues.get(index)
        if found is not None:
            return found
        seg = self.doc.segments[index]
        text = self.norm[seg.start : seg.end]
        lc = self.compiled.langs[_language_of(self.compiled, text)]

        false_cues = [(m.start(), m.end()) for m in lc.not_negation.finditer(text)]

        def spans(regex: re.Pattern[str]) -> list[tuple[int, int]]:
            return [
                (m.start() + seg.start, m.end() + seg.start)
                for m in regex.finditer(text)
                if not any(s <= m.start() < e for s, e in false_cues)
            ]

        found = _SegmentCues(
            lang=lc,
            active=spans(lc.active),
            direct=spans(lc.direct),
            passive=spans(lc.passive),
            conditional=lc.conditional.search(text) is not None,
            table_denied=self._table_denied(seg),
        )
        self.cues[index] = found
        return found

    def _table_denied(self, seg: Segment) -> bool:
        if seg.kind != "table_row" or not seg.header:
            return False
        roles = self.compiled.vocab.header_roles(seg.header)
        used = roles.get("used")
        if used is None or used >= len(seg.cells):
            return False
        return term_key(normalise(seg.cells[used])) in self.compiled.negative_values

    def context(self, index: int) -> frozenset[str]:
        """Generic third-party categories named in a segment (login, payment, ...)."""
        found = self.contexts.get(index)
        if found is None:
            seg = self.doc.segments[index]
            text = self.norm[seg.start : seg.end]
            found = frozenset(
                name for name, regex in self.compiled.category_words.items() if regex.search(text)
            )
            self.contexts[index] = found
        return found

    def evidence(
        self,
        index: int,
        start: int,
        end: int,
        polarity: str = "positive",
        reason: str | None = None,
    ) -> PolicyEvidence:
        seg = self.doc.segments[index]
        return PolicyEvidence(
            text=self.doc.text[seg.start : seg.end],
            heading=seg.heading,
            start=seg.start,
            end=seg.end,
            term=self.doc.text[start:end],
            term_start=start,
            strength=seg.kind,
            polarity=Polarity(polarity),
            reason=reason,
        )


def _is_denied(d: _Doc, index: int, start: int, end: int) -> bool:
    cues = d.segment_cues(index)
    if cues.table_denied:
        return True
    if cues.conditional:
        return False
    lc = cues.lang
    seg = d.doc.segments[index]
    for spans, limit in ((cues.active, lc.window), (cues.direct, lc.direct_window)):
        for s, e in spans:
            if s >= start:
                break
            gap = d.norm[e:start] if e <= start else ""
            if len(gap) > limit or lc.contrast.search(gap):
                continue
            if lc.breaks_before is not None and lc.breaks_before.search(gap):
                continue
            before = d.norm[max(seg.start, s - 24) : s]
            if lc.subject.search(before) or lc.kept_then.search(before):
                continue
            return True
    for s, _e in cues.passive:
        if s < end or s - end > lc.passive_window:
            continue
        gap = d.norm[end:s]
        if lc.contrast.search(gap) or (lc.breaks_after is not None and lc.breaks_after.search(gap)):
            continue
        if lc.verb_first and lc.verbs.search(gap):
            continue
        return True
    return False


MAX_OTHER_SENSE = 3
"""Other-sense sentences kept per category: enough to show a reviewer what was read."""


def _window(d: _Doc, seg: Segment, start: int, end: int, near: int) -> str:
    return d.norm[max(seg.start, start - near) : min(seg.end, end + near)]


def _categories_of_match(
    d: _Doc, index: int, start: int, end: int, categories: Sequence[str]
) -> tuple[list[str], dict[str, tuple[str, int, int]]]:
    """The categories a term match really supports, after exclusions and qualifiers; and those
    it names in another sense, each with the reason (`PolicyEvidence.reason`) and the words to
    quote (the term, or the whole `exclude` phrase: "SMS verification code")."""
    seg = d.doc.segments[index]
    c = d.compiled
    lc = d.segment_cues(index).lang
    near = _window(d, seg, start, end, lc.near)
    # A cookie or web-beacon cue near the term, or a menu, drops it without a reason shown: the
    # cue is a proximity test, which would often name the wrong reason to a reviewer (a list of
    # shared data that ends in "Cookie 資料" is about more than cookies).
    if _in_menu(d, seg, start, end) or c.cookie.search(near):
        return [], {}
    kept = []
    explained: dict[str, tuple[str, int, int]] = {}
    for category in categories:
        restored = category in c.context_categories and _restored(d, index, category)
        exclude = c.excludes.get(category)
        if exclude is not None and not restored:
            around = d.norm[max(seg.start, start - 30) : min(seg.end, end + 30)]
            offset = max(seg.start, start - 30)
            phrase = next(
                (
                    m
                    for m in exclude.finditer(around)
                    if m.start() + offset <= start and m.end() + offset >= end
                ),
                None,
            )
            if phrase is not None:
                explained[category] = (
                    OTHER_SENSE_EXCLUDE,
                    phrase.start() + offset,
                    phrase.end() + offset,
                )
                continue
        # A permission named as such (电话权限, the phone permission) is the app's own access,
        # whatever else the sentence is about (拨打电话联系客服 is why the app asks for it).
        named_permission = c.permission_suffix.search(d.norm, start, end) is not None
        if not restored and not named_permission and category in c.context_categories:
            kind = _non_disclosing_context(d, index, start, end, category)
            if kind is not None:
                explained[category] = (kind, start, end)
                continue
        kept.append(category)
    generic = term_key(d.norm[start:end]).rstrip("s") in {k.rstrip("s") for k in c.generic_location}
    if (
        "location_precise" in kept
        and generic
        and c.coarse.search(near)
        and not c.precise.search(near)
    ):
        kept.remove("location_precise")
    for number, (shared, _purposes) in enumerate(c.purposes):
        if shared <= set(kept):
            meant = d.sentence_kinds(index).meant[number]
            if meant and shared - meant:
                kept = [k for k in kept if k not in shared or k in meant]
    return kept, explained


_WORD = re.compile(r"[^\W\d_][\w'’\-/&]*")
_MENU_WORDS = 4
"""Words either side of a term read to tell a run of menu labels from a sentence."""


def _in_menu(d: _Doc, seg: Segment, start: int, end: int) -> bool:
    """A capitalised term among capitalised words only, with no sentence around it: the navigation
    menu or country picker of a scraped web page ("Home For Patients Locations/Appointments Make
    an Appointment", "Location United States Canada"), not a sentence about the data. Only for
    scripts with letter case, whose sentences mix lower-case words in."""
    term = d.doc.text[start:end]
    if not term[:1].isupper() or term.isupper():
        return False
    before = _WORD.findall(d.doc.text[seg.start : start])[-_MENU_WORDS:]
    after = _WORD.findall(d.doc.text[end : seg.end])[:_MENU_WORDS]
    around = [w for w in (*before, *after) if len(w) > 2]
    return len(around) >= _MENU_WORDS + 2 and all(w[0].isupper() for w in around)


def _restored(d: _Doc, index: int, category: str) -> bool:
    """A phrase in the sentence says the app itself reads the data (短信权限, auto-fill the
    code from the SMS), which no context or exclusion can explain away."""
    return category in d.sentence_kinds(index).restored


_VERB_REACH = 40
"""Characters before a term searched for a restoring verb: the longest verb plus the window."""


def _non_disclosing_context(d: _Doc, index: int, start: int, end: int, category: str) -> str | None:
    """The kind of sentence that names the term without disclosing it (a copyright clause, how
    we notify you, what we keep of your calls with customer service, a verification code), when
    no reading verb stands right before the term outside that kind's words, nor governs a list
    of data the term ends (收集您的手机型号、短信等参数); else None."""
    kinds = d.sentence_kinds(index).present
    if not kinds:
        return None
    seg = d.doc.segments[index]
    before = d.norm[max(seg.start, start - _VERB_REACH) : start]
    lc = d.segment_cues(index).lang
    verb = lc.restoring.search(before)
    if verb is None and lc.list_tail.match(d.norm, end, seg.end):
        verb = lc.list_restoring.search(before)
    for ctx in kinds:
        if category not in ctx.categories:
            continue
        if verb is not None and not ctx.cues.search(before[verb.start() :]):
            continue
        return ctx.name
    return None


_OPENING_BRACKET = re.compile(r"[（(]")
_REACH = 48
"""Characters before a bracket searched for the first name, and after it for the second."""


def _bracketed_matches(d: _Doc) -> Iterator[tuple[int, int, list[str]]]:
    """Terms that a bracket cuts in two: 相册（存储）权限 names 相册 and 存储权限, 存储（相册）
    names 存储权限 and 相册, photos (storage) permission names storage permission. Each side is read
    with the suffix after the brackets, or with the implied suffix when the other side alone
    names a category; only terms that run into the suffix are new (the rest the plain pass
    found). Looked for around each bracket only, so text without brackets costs nothing."""
    c = d.compiled
    text = d.norm
    # Unspaced languages first: their first name is a run of letters, which cannot reach back
    # over the words of a spaced one.
    langs = sorted(c.langs.values(), key=lambda lc: lc.spaced)
    for bracket in _OPENING_BRACKET.finditer(text):
        at = bracket.start()
        low, high = max(0, at - _REACH), min(len(text), at + _REACH)
        for lc in langs:
            side = lc.side.search(text, low, at)
            m = lc.pair.match(text, side.start(), high) if side else None
            if m is None or m.start("b") <= at:
                continue
            found = _pair_categories(c, m, lc.suffix, lc.joiner)
            if found is not None:
                yield found
                break


def _anchors_in_sentence(
    d: _Doc, anchors: re.Pattern[str], window: int
) -> Iterator[tuple[re.Match[str], int, int]]:
    """Each match of `anchors` in a segment, with the span `window` characters either side of it
    that stays inside the segment."""
    for anchor in anchors.finditer(d.norm):
        index = d.segment_at(anchor.start())
        if index is None:
            continue
        seg = d.doc.segments[index]
        yield anchor, max(seg.start, anchor.start() - window), min(seg.end, anchor.end() + window)


def _ip_location_matches(d: _Doc) -> Iterator[tuple[int, int, list[str]]]:
    """Approximate location told from the IP address (cues.json `ip_derived_location`): "your IP
    address may indicate your city" names no location term, yet says where the user is. The
    place word is the match, so negation and contexts are judged as for any term."""
    c = d.compiled
    for _anchor, low, high in _anchors_in_sentence(d, c.ip_anchor, c.ip_window):
        if c.ip_verb.search(d.norm, low, high) is None:
            continue
        place = c.ip_place.search(d.norm, low, high)
        if place is not None:
            yield place.start(), place.end(), ["location_coarse"]


def _wifi_locating_matches(d: _Doc) -> Iterator[tuple[int, int, list[str]]]:
    """Wi-Fi named as a way of locating the user (cues.json `wifi_locating`): "通过GPS或WiFi获取您的
    位置", "from GPS, Wi-Fi and cell towers" tell the user that nearby Wi-Fi networks are read, so
    they disclose network identifiers, though "WiFi" alone is no term (网络类型（WiFi/4G）is a
    connection type). The Wi-Fi word is the match, so negation and contexts are judged as for any
    term: it needs a place word in the same sentence, and another locating source beside it or the
    place word right after it (WiFi定位)."""
    c = d.compiled
    for anchor, low, high in _anchors_in_sentence(d, c.wifi_anchor, c.wifi_window):
        if c.wifi_place.search(d.norm, low, high) is None:
            continue
        near_low = max(low, anchor.start() - c.wifi_adjacent)
        near_high = min(high, anchor.end() + c.wifi_adjacent)
        if (
            c.wifi_partner.search(d.norm, near_low, near_high) is None
            and c.wifi_place.match(d.norm, anchor.end()) is None
            and c.wifi_place.match(d.norm, anchor.end() + 1) is None
        ):
            continue
        yield anchor.start(), anchor.end(), ["network_identifiers"]


def _permission_cell_matches(d: _Doc) -> Iterator[tuple[int, int, list[str]]]:
    """The permission column of a permission table names a permission without saying so: a row
    `存储 | 缓存图片` or `Phone | detect calls` is read as 存储权限 / phone permission, each row
    disclosing the categories its permission maps to. Only terms that run into the implied
    suffix are new (the plain pass found the rest)."""
    c = d.compiled
    for seg in d.doc.segments:
        if seg.kind != "table_row" or not seg.header:
            continue
        column = c.vocab.header_roles(seg.header).get("permission")
        if column is None or column >= len(seg.cells):
            continue
        cell = seg.cells[column].strip()
        at = d.doc.text.find(cell, seg.start, seg.end) if cell else -1
        if at < 0:
            continue
        name = d.norm[at : at + len(cell)]
        for lc in c.langs.values():
            if not lc.suffix or name.endswith(lc.suffix):
                continue
            candidate = name + lc.joiner + lc.suffix
            categories = [
                cat
                for s, e, cats in c.terms.finditer(candidate)
                if e > len(name) and s < len(name)
                for cat in cats
            ]
            if categories:
                yield at, at + len(cell), list(dict.fromkeys(categories))
                break


def _pair_categories(
    c: _Compiled, m: re.Match[str], suffix_implied: str, sep: str
) -> tuple[int, int, list[str]] | None:
    sides = {"a": m.group("a"), "b": m.group("b")}
    named = {k: any(True for _ in c.terms.finditer(v)) for k, v in sides.items()}
    suffix = m.group("suffix")
    categories: list[str] = []
    first = m.end()
    for key, side in sides.items():
        other = "b" if key == "a" else "a"
        if suffix is None and not named[other]:
            continue
        candidate = side + sep + (suffix or suffix_implied)
        for s, e, cats in c.terms.finditer(candidate):
            if e > len(side) and s < len(side):
                categories.extend(x for x in cats if x not in categories)
                first = min(first, m.start(key) + s)
    return (first, m.end(), categories) if categories else None


def _disclosures(d: _Doc) -> tuple[CategoryDisclosure, ...]:
    found: dict[str, list[PolicyEvidence]] = {cid: [] for cid in category_ids()}
    seen: set[tuple[str, int, str]] = set()
    matches = itertools.chain(
        d.compiled.terms.finditer(d.norm),
        _bracketed_matches(d),
        _permission_cell_matches(d),
        _ip_location_matches(d),
        _wifi_locating_matches(d),
    )
    elsewhere: dict[str, list[PolicyEvidence]] = {cid: [] for cid in category_ids()}
    for start, end, categories in matches:
        index = d.segment_at(start)
        if index is None:
            continue
        kept, explained = _categories_of_match(d, index, start, end, categories)
        for category, (reason, low, high) in explained.items():
            key = (category, index, reason)
            if key not in seen and len(elsewhere[category]) < MAX_OTHER_SENSE:
                seen.add(key)
                elsewhere[category].append(d.evidence(index, low, high, "other_sense", reason))
        if not kept:
            continue
        polarity = "denial" if _is_denied(d, index, start, end) else "positive"
        for category in kept:
            key = (category, index, polarity)
            if key in seen:
                continue
            seen.add(key)
            found[category].append(d.evidence(index, start, end, polarity))
    # A permission named by a heading is disclosed by the paragraph under it that says its use.
    for evidence in found.values():
        if any(e.polarity == "positive" and e.strength != "heading" for e in evidence):
            continue
        for heading in [e for e in evidence if e.polarity == "positive"]:
            body = _permission_heading_body(d, heading)
            if body is not None:
                evidence.append(body)
                break
    # A category another one covers (precise location covers approximate location) borrows the
    # covering category's positive evidence when it has no sentence of its own.
    for cap in capabilities():
        own = found[cap.id]
        if cap.covered_by and not any(
            e.polarity == "positive" and e.strength != "heading" for e in own
        ):
            for other in cap.covered_by:
                own.extend(e for e in found[other] if e.polarity == "positive")
    out = []
    for cat in d.compiled.vocab.categories:
        # Other-sense readings matter only where nothing else was read: they explain a silence.
        evidence = found[cat.id] or elsewhere[cat.id]
        evidence.sort(key=lambda e: (e.polarity != "positive", e.strength == "heading", e.start))
        out.append(
            CategoryDisclosure(
                category=cat.id,
                status=_status(evidence),
                evidence=tuple(evidence),
                searched_terms=cat.searched_terms,
            )
        )
    return tuple(out)


def _permission_heading_body(d: _Doc, heading: PolicyEvidence) -> PolicyEvidence | None:
    """The paragraph that describes a permission named by a heading (a permission list written as
    name line + use paragraph: 存储权限（写入） / 写入外部存储 / 用于将图片保存到本地): evidence
    pointing at that paragraph, with the heading's term, or None when the heading names no
    permission or no paragraph under it says what the permission is for."""
    c = d.compiled
    index = d.segment_at(heading.start)
    if index is None or not c.permission_suffix.search(d.segment_norm(index)):
        return None
    segments = d.doc.segments
    for j in range(index + 1, min(len(segments), index + 1 + c.heading_reach)):
        if segments[j].kind == "heading":
            continue
        text = d.segment_norm(j)
        cues = d.segment_cues(j)
        if not c.heading_body.search(text) or cues.active or cues.direct or cues.table_denied:
            return None
        seg = segments[j]
        return PolicyEvidence(
            text=d.doc.text[seg.start : seg.end],
            heading=seg.heading,
            start=seg.start,
            end=seg.end,
            term=heading.term,
            term_start=heading.term_start,
            strength=seg.kind,
            polarity=Polarity.POSITIVE,
        )
    return None


def _status(evidence: Sequence[PolicyEvidence]) -> Status:
    positive = [e for e in evidence if e.polarity == "positive"]
    if any(e.strength != "heading" for e in positive):
        return Status.DISCLOSED
    if any(e.polarity == "denial" for e in evidence):
        return Status.DENIED
    if positive:
        return Status.HEADING_ONLY
    if evidence:
        return Status.OTHER_SENSE
    return Status.NOT_MENTIONED


# --------------------------------------------------------------------------- third parties


@dataclass(frozen=True)
class _SdkIndex:
    by_id: dict[str, SdkSignature]
    alias_cased: TermMatcher
    alias_cjk: TermMatcher
    vendors: TermMatcher
    companies_cased: TermMatcher
    """Company names (北京火山引擎科技有限公司, "Google LLC") of makers of several SDKs."""
    companies_cjk: TermMatcher


def _vendor_name(vendor: str) -> str:
    name = vendor.split(" (")[0].strip()
    return _LEGAL_SUFFIX.sub("", name).strip(" ,")


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _spellings(alias: str) -> tuple[str, ...]:
    """`alias` and, for a brand written with a capital inside a word ("MobTech", "ShareSDK"),
    the same words capitalised only at their start ("Mobtech Sharesdk"): policies often write
    such brands so. The glued form is no ordinary word, so matching it stays safe; an alias of
    ordinary capitalisation ("Mob", "Branch") gets no other spelling."""
    if has_cjk(alias) or _INNER_CAPITAL.search(alias) is None:
        return (alias,)
    title = " ".join(w[:1].upper() + w[1:].lower() for w in alias.split(" "))
    return (alias, title) if title != alias else (alias,)


@cache
def _sdk_index(sdks: tuple[SdkSignature, ...]) -> _SdkIndex:
    cased_aliases: dict[str, list[str]] = {}
    cjk_aliases: dict[str, list[str]] = {}
    vendors: dict[str, list[str]] = {}
    companies_cased: dict[str, list[str]] = {}
    companies_cjk: dict[str, list[str]] = {}
    made_by: dict[str, list[str]] = {}
    for sdk in sdks:
        made_by.setdefault(_vendor_name(sdk.vendor).lower(), []).append(sdk.id)
    for sdk in sdks:
        siblings = made_by[_vendor_name(sdk.vendor).lower()]
        for alias in sdk.policy_names:
            if len(alias) < 2:
                continue
            if len(siblings) > 1 and looks_like_company(alias):
                # A company's name given as one SDK's alias (维沃移动通信有限公司 for vivo Push)
                # names the company, which makes the others too: a vendor, not that SDK.
                target = companies_cjk if has_cjk(alias) else companies_cased
                bucket = target.setdefault(normalise(alias) if has_cjk(alias) else alias, [])
                bucket.extend(i for i in siblings if i not in bucket)
                continue
            target = cjk_aliases if has_cjk(alias) else cased_aliases
            for form in _spellings(alias):
                bucket = target.setdefault(normalise(form) if has_cjk(form) else form, [])
                if sdk.id not in bucket:
                    bucket.append(sdk.id)
        vendor = _vendor_name(sdk.vendor)
        if len(vendor) >= 3 and not has_cjk(vendor):
            vendors.setdefault(vendor, []).append(sdk.id)
    return _SdkIndex(
        by_id={s.id: s for s in sdks},
        alias_cased=TermMatcher(cased_aliases, case_sensitive=True),
        alias_cjk=TermMatcher(cjk_aliases),
        vendors=TermMatcher(vendors, case_sensitive=True),
        companies_cased=TermMatcher(companies_cased, case_sensitive=True),
        companies_cjk=TermMatcher(companies_cjk),
    )


def _generic_of(sdk: SdkSignature) -> str:
    """The SDK's category as the generic third-party category a policy would use."""
    return sdk_taxonomy().label(sdk.category)


def _resolve(d: _Doc, index: int, candidates: Sequence[str], sdks: _SdkIndex) -> list[str]:
    """Narrow SDKs that share a name to those the sentence's purpose points to (友盟 is
    analytics, push and share; Facebook is login and analytics)."""
    taxonomy = sdk_taxonomy()
    wanted = {cat for generic in d.context(index) for cat in taxonomy.covered(generic)}
    chosen = [c for c in candidates if sdks.by_id[c].category in wanted]
    return chosen


def _named_under(
    d: _Doc, index: int, named_under: Mapping[str | None, set[str]], ids: Sequence[str]
) -> set[str]:
    """The vendor's SDKs named under the same heading as segment `index`."""
    heading = d.doc.segments[index].heading
    return named_under.get(heading, set()) & set(ids) if heading is not None else set()


_BARE_DOMAIN = re.compile(r"\.(?:com|net|org|io)[.,;:!?'\"’”]*")
"""What follows a name written as its bare domain, with the sentence's punctuation."""


def _in_url(text: str, start: int, end: int) -> bool:
    left = start
    while left > 0 and not text[left - 1].isspace() and text[left - 1] not in "（(「《":
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace() and text[right] not in "）)」》，。":
        right += 1
    if left == start and _BARE_DOMAIN.fullmatch(text[end:right]):
        # "Stripe.com", "Amazon.com": a company named by its bare domain, no address.
        return False
    return _URLISH.search(text[left:right]) is not None


def _sdk_table(d: _Doc, seg: Segment) -> dict[str, int] | None:
    if seg.kind != "table_row" or not seg.header:
        return None
    roles = d.compiled.vocab.header_roles(seg.header)
    if "company" in roles or (
        "name" in roles and re.search(r"(?i)sdk|第三方|third", seg.header[roles["name"]])
    ):
        return roles
    return None


def _is_operator_company(name: str, operators: tuple[str, ...]) -> bool:
    """`name` is a company's full name and the policy's operator."""
    return looks_like_company(name) and is_operator(name, operators)


def _whole_alias(sdks: _SdkIndex, name: str) -> str | None:
    """The one SDK `name` is, as a whole, an alias of ("华为Push"), or None."""
    for matcher, text in ((sdks.alias_cased, cased(name)), (sdks.alias_cjk, lower(cased(name)))):
        for start, end, ids in matcher.finditer(text):
            if start == 0 and end == len(text) and len(ids) == 1:
                return ids[0]
    return None


class _Spans:
    """Non-overlapping spans added in order of their start: whether a span overlaps one of them
    is a binary search, so a policy that names SDKs a hundred thousand times is read in
    n log n time (a scan of every span per match was quadratic)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect.bisect_left(self.starts, end) - 1
        return at >= 0 and self.ends[at] > start


def _third_parties(
    d: _Doc, sdks: Sequence[SdkSignature], operators: tuple[str, ...]
) -> tuple[ThirdPartyDisclosure, ...]:
    """Named SDKs, named companies and generic parties; `operators` are the names the policy
    gives itself (`operator_names`), which name no third party."""
    index_ = _sdk_index(tuple(sdks))
    cased_text = d.cased
    named: dict[str, list[PolicyEvidence]] = {}
    names: dict[str, str] = {}
    companies: dict[str, list[PolicyEvidence]] = {}
    claimed = _Spans()
    named_rows: set[int] = set()
    quoted: set[tuple[str, str, int]] = set()
    """(kind, SDK id or company, segment) already quoted: one sentence once per party, in
    constant time."""

    def add(sdk_id: str, seg_index: int, start: int, end: int) -> None:
        evidence = named.setdefault(sdk_id, [])
        names.setdefault(sdk_id, d.doc.text[start:end])
        if ("sdk", sdk_id, seg_index) not in quoted:
            quoted.add(("sdk", sdk_id, seg_index))
            evidence.append(d.evidence(seg_index, start, end))
        named_rows.add(seg_index)

    # (start, end, SDK ids, an SDK's alias, a company's full name)
    matches = [(s, e, ids, True, False) for s, e, ids in index_.alias_cased.finditer(cased_text)]
    matches += [(s, e, ids, True, False) for s, e, ids in index_.alias_cjk.finditer(d.norm)]
    matches += [(s, e, ids, False, False) for s, e, ids in index_.vendors.finditer(cased_text)]
    matches += [
        (s, e, ids, False, True) for s, e, ids in index_.companies_cased.finditer(cased_text)
    ]
    matches += [(s, e, ids, False, True) for s, e, ids in index_.companies_cjk.finditer(d.norm)]
    resolved: dict[str, str | None] = {}

    def resolve(name: str) -> str | None:
        # The same few candidate names come back in every list; a text of repeated lists
        # asks for them hundreds of thousands of times.
        if name not in resolved:
            resolved[name] = _whole_alias(index_, name)
        return resolved[name]

    matches += [
        (s, e, [sdk_id], True, False) for s, e, sdk_id in vendor_list_names(cased_text, resolve)
    ]
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0]), not m[3]))
    deferred: list[tuple[int, int, list[str], bool, bool, int]] = []
    named_in: dict[int, set[str]] = {}
    for start, end, ids, is_alias, is_company in matches:
        if claimed.overlaps(start, end):
            continue
        seg_index = d.segment_at(start)
        if seg_index is None or (
            not has_cjk(d.doc.text[start:end]) and _in_url(d.doc.text, start, end)
        ):
            continue
        claimed.add(start, end)
        if is_alias and _is_operator_company(d.doc.text[start:end], operators):
            # The operator's registered name as one SDK's alias (中国移动通信集团有限公司 in China
            # Mobile's own app) introduces the operator, not that SDK.
            continue
        if is_alias and len(ids) == 1:
            add(ids[0], seg_index, start, end)
            named_in.setdefault(seg_index, set()).add(ids[0])
        else:
            deferred.append((start, end, ids, is_alias, is_company, seg_index))
    # A name shared by several SDKs (友盟, a company name, a bare vendor) adds nothing when the
    # same sentence or row already names one of them, or, for a vendor, any SDK at all; nor a
    # vendor under a heading that names one of its SDKs ("App Center ... held by Microsoft": the
    # maker of the SDK that section is about), nor the policy's own operator (vivo in the vivo
    # browser's policy: `scanner.policy.operator`).
    named_under: dict[str | None, set[str]] = {}
    for sdk_id, evidence in named.items():
        for e in evidence:
            if e.heading is not None:
                named_under.setdefault(e.heading, set()).add(sdk_id)
    makers: dict[str, str] = {}
    """SDK id -> its vendor as the policy names it beside the SDK ("Bugly（由…腾讯…提供）")."""
    for start, end, ids, is_alias, is_company, seg_index in deferred:
        already = named_in.get(seg_index, set())
        own = already & set(ids)
        if own and not is_alias:
            # The maker of an SDK named beside it is that SDK's company, not one more party.
            for sdk_id in own:
                makers.setdefault(sdk_id, d.doc.text[start:end])
            continue
        # A company's full name is one entry of a list of companies as often as the maker of
        # the SDK beside it: only its own SDK there makes it redundant.
        if own or (already and not is_alias and not is_company):
            continue
        if not is_alias and is_operator(d.doc.text[start:end], operators):
            continue
        chosen = _resolve(d, seg_index, ids, index_)
        if not is_alias and len({index_.by_id[i].category for i in chosen}) > 1:
            # A company named for a purpose SDKs of several kinds of its serve ("vivo" with ads
            # and analytics, Tencent with maps, location and push) is the company: the sentence
            # does not say which product the app embeds. One kind left ("和讯华谷…提供的Push
            # SDK": JPush and the JCore it needs) is the company's line of that product.
            chosen = []
        if chosen:
            for sdk_id in chosen:
                add(sdk_id, seg_index, start, end)
        elif is_alias:
            for sdk_id in ids:
                add(sdk_id, seg_index, start, end)
        elif under := _named_under(d, seg_index, named_under, ids):
            for sdk_id in under:
                makers.setdefault(sdk_id, d.doc.text[start:end])
        else:
            vendor = d.doc.text[start:end]
            evidence = companies.setdefault(vendor, [])
            if ("company", vendor, seg_index) not in quoted:
                quoted.add(("company", vendor, seg_index))
                evidence.append(d.evidence(seg_index, start, end))

    out: list[ThirdPartyDisclosure] = []
    for sdk_id in sorted(named):
        evidence = named[sdk_id]
        in_table = any(e.strength == "table_row" for e in evidence)
        out.append(
            ThirdPartyDisclosure(
                sdk_id=sdk_id,
                name=names[sdk_id],
                kind=ThirdPartyKind.TABLE_ROW if in_table else ThirdPartyKind.NAMED,
                category=_generic_of(index_.by_id[sdk_id]),
                evidence=tuple(evidence),
                company=makers.get(sdk_id),
            )
        )
    for vendor in sorted(companies):
        if any(names[s] == vendor for s in names):
            continue
        out.append(
            ThirdPartyDisclosure(None, vendor, ThirdPartyKind.NAMED, None, tuple(companies[vendor]))
        )

    sdk_rows: set[int] = set()
    for seg_index, seg in enumerate(d.doc.segments):
        roles = _sdk_table(d, seg)
        if roles is None:
            continue
        sdk_rows.add(seg_index)
        if seg_index in named_rows:
            continue
        name_col = roles.get("name", roles.get("company"))
        name = seg.cells[name_col] if name_col is not None and name_col < len(seg.cells) else ""
        if not name.strip():
            continue
        purpose_col = roles.get("purpose")
        category = None
        if purpose_col is not None and purpose_col < len(seg.cells):
            purpose = normalise(seg.cells[purpose_col])
            category = next(
                (n for n, r in d.compiled.category_words.items() if r.search(purpose)), None
            )
        out.append(
            ThirdPartyDisclosure(
                None,
                name,
                ThirdPartyKind.TABLE_ROW,
                category,
                (d.evidence(seg_index, seg.start, seg.start + len(name)),),
            )
        )

    out.extend(_generic(d, claimed, sdk_rows))
    return tuple(out)


def _generic(d: _Doc, claimed: _Spans, sdk_rows: set[int]) -> list[ThirdPartyDisclosure]:
    c = d.compiled
    found: dict[str, list[PolicyEvidence]] = {}
    names: dict[str, str] = {}
    quoted: set[tuple[str, int]] = set()
    hits: list[tuple[int, int, set[str]]] = []
    for regex in (lc.generic for lc in c.langs.values()):
        for m in regex.finditer(d.norm):
            cues = m.group("cues")
            cats = {n for n, r in c.category_words.items() if r.search(cues)}
            hits.append((m.start(), m.end(), cats))
    for name, regex in c.self_named.items():
        for m in regex.finditer(d.norm):
            hits.append((m.start(), m.end(), {name}))
    hits.sort()
    for start, end, cats in hits:
        if claimed.overlaps(start, end):
            continue
        seg_index = d.segment_at(start)
        if seg_index is None or seg_index in sdk_rows:
            continue
        if _is_denied(d, seg_index, start, end):
            continue
        for cat in sorted(cats):
            evidence = found.setdefault(cat, [])
            names.setdefault(cat, d.doc.text[start:end])
            if (cat, seg_index) not in quoted:
                quoted.add((cat, seg_index))
                evidence.append(d.evidence(seg_index, start, end))
    order = list(c.category_words)
    return [
        ThirdPartyDisclosure(None, names[cat], ThirdPartyKind.GENERIC, cat, tuple(found[cat]))
        for cat in sorted(found, key=order.index)
    ]


# --------------------------------------------------------------------------- entry point


def detect_language(text: str) -> str:
    """The tag of the language (languages.json) that dominates `text`, or of its variant (zh-Hant:
    Chinese that t2s conversion changes a lot), or `mixed` when none has its `document_share`."""
    c = _compiled()
    units: dict[str, float] = {}
    for tag, lc in c.langs.items():
        if lc.detect.word:
            units[tag] = len(re.findall(rf"{lc.detect.chars.pattern}{{2,}}", text))
        else:
            units[tag] = len(lc.detect.chars.findall(text)) / lc.detect.per_word
    counts = {tag: round(units[tag] * c.langs[tag].detect.per_word) for tag in units}
    for tag, count in _displaced(c, text, counts).items():
        units[tag] = count
    total = sum(units.values())
    if total == 0:
        return c.default_lang
    best = max(units, key=lambda tag: units[tag])
    if units[best] < c.langs[best].detect.document_share * total:
        return MIXED_LANGUAGE
    for variant, share in c.langs[best].detect.variants:
        chinese, changed = traditional_share(text)
        if changed > share * chinese:
            return variant
    return best


def analyse_policy(
    doc: PolicyDocument, sdks: Sequence[SdkSignature] | None = None
) -> PolicyAnalysis:
    """What `doc` discloses: one `CategoryDisclosure` per taxonomy category, and third parties.

    `sdks` are the SDK signatures whose names and aliases are looked for (default: the bundled
    ones)."""
    if sdks is None:
        from scanner.signatures.catalog import builtin_sdks

        sdks = builtin_sdks()
    simplified = cased(doc.text)
    d = _Doc(doc=doc, cased=simplified, norm=lower(simplified), compiled=_compiled())
    operators = operator_names(doc)
    return PolicyAnalysis(
        source=doc.source,
        format=doc.format,
        encoding=doc.encoding,
        language=detect_language(doc.text),
        categories=_disclosures(d),
        third_parties=with_listed_sdks(doc, _third_parties(d, sdks, operators), sdks),
        text=doc.text,
        operators=operators,
    )
