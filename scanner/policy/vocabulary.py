# ruff: noqa: RUF001  (Chinese punctuation and typographic quotes are matched on purpose)
"""The policy vocabulary (signatures/policy/): the languages the reader knows (languages.json),
terms per capability category and language, and the cues that keep keyword matching honest
(negation, cookies, IP-derived location, third parties).

Every word list is keyed by a language tag of languages.json; nothing here names a language.
Traditional Chinese has no lists of its own: it is converted to Simplified before matching (see
`scanner.policy.normalize`), and so are the terms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema

from scanner.errors import SignatureError
from scanner.policy.normalize import cased, normalise
from scanner.resources import data_dir
from scanner.signatures.catalog import category_order
from scanner.text import has_cjk


def category_ids() -> tuple[str, ...]:
    """The capability taxonomy (one id per file of signatures/capabilities/), in its display
    order (signatures/taxonomy/capability-order.json)."""
    return category_order()


_SEPARATORS = re.compile(r"[\s\-]+")
_WORDISH = re.compile(r"\w")


_EAST_ASIAN = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
"""Han characters, kana and Hangul: scripts whose words a term may be glued to (位置情報を,
위치정보를), so a term holding one matches anywhere, not as a whole word."""


def unspaced_script(text: str) -> bool:
    """True when `text` holds a character of a script matched anywhere (see `_EAST_ASIAN`)."""
    return _EAST_ASIAN.search(text) is not None


def term_key(text: str) -> str:
    """Spelling-insensitive key: lower case, no spaces or hyphens, straight apostrophes."""
    return _SEPARATORS.sub("", text.lower().replace("’", "'"))


# --------------------------------------------------------------------------- term matcher


def _trie_pattern(terms: Iterable[str], fold_case: bool = True, word_end: str = "") -> str:
    """A regex alternation shaped as a trie: fast in `re`, and greedy, so the longest term wins.

    `word_end` is put where a term ends on a letter or digit (a plural ending and a word boundary,
    for Latin terms); a term ending on punctuation ("MAC/") needs none."""
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        folded = term.lower() if fold_case else term
        for ch in _SEPARATORS.sub(" ", folded.replace("’", "'")).strip():
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any], prev: str) -> str:
        alternatives = []
        for ch in sorted(k for k in node if k):
            if ch == " ":
                piece = r"[\s\-]*"
            else:
                piece = re.escape(ch)
                if prev and prev != " " and (unspaced_script(prev) != unspaced_script(ch)):
                    piece = r"\s?" + piece
            alternatives.append(piece + emit(node[ch], ch))
        end = word_end if word_end and _WORDISH.match(prev) else ""
        if not alternatives:
            return end
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" not in node:
            return body
        return f"(?:{body}|{end})" if end else f"(?:{body})?"

    return emit(trie, "")


class TermMatcher:
    """Finds vocabulary terms in normalised (lower-case, Simplified) text.

    Terms with a character of a script written without spaces between words (Han, kana, Hangul)
    match anywhere; other terms match whole words, with an optional plural ending. Each match
    reports the payloads of its term (e.g. category ids)."""

    def __init__(self, terms: Mapping[str, Sequence[str]], case_sensitive: bool = False) -> None:
        self._payloads: dict[str, list[str]] = {}
        self._case_sensitive = case_sensitive
        # Terms are normalised like the text they are looked for in (Japanese kanji go through
        # the same t2s table as Chinese text, full-width letters fold), so any script matches.
        fold = cased if case_sensitive else normalise
        folded: list[str] = []
        for term, payloads in terms.items():
            term = fold(term)
            folded.append(term)
            key = self._key(term)
            bucket = self._payloads.setdefault(key, [])
            bucket.extend(p for p in payloads if p not in bucket)
        cjk = [t for t in folded if unspaced_script(t)]
        ascii_ = [t for t in folded if not unspaced_script(t)]
        patterns = []
        # Word boundaries only on a side where the term has a letter or digit: "/MAC" matches in
        # "IMSI/MAC" and "MAC/" in "MAC/IMEI", while "MAC" does not match in "MACHINE".
        plural = "" if case_sensitive else "(?:e?s)?"
        end = rf"{plural}(?![A-Za-z0-9_])"
        for word_start in (True, False):
            group = [t for t in ascii_ if (_WORDISH.match(t[:1]) is not None) == word_start]
            if group:
                before = r"(?<![A-Za-z0-9_])" if word_start else ""
                trie = _trie_pattern(group, fold_case=not case_sensitive, word_end=end)
                patterns.append(rf"{before}(?:{trie})")
        if cjk:
            patterns.append(f"(?:{self._trie(cjk)})")
        self._regex = re.compile("|".join(patterns)) if patterns else None

    def _trie(self, terms: Sequence[str]) -> str:
        return _trie_pattern(terms, fold_case=not self._case_sensitive)

    def _key(self, text: str) -> str:
        return _SEPARATORS.sub("", text) if self._case_sensitive else term_key(text)

    def finditer(self, text: str) -> Iterator[tuple[int, int, list[str]]]:
        """(start, end, payloads) of every match, left to right, not overlapping."""
        if self._regex is None:
            return
        for match in self._regex.finditer(text):
            key = self._key(match.group())
            payloads = self._payloads.get(key)
            if payloads is None and not self._case_sensitive:
                for suffix in ("es", "s"):
                    if key.endswith(suffix) and key[: -len(suffix)] in self._payloads:
                        payloads = self._payloads[key[: -len(suffix)]]
                        break
            if payloads:
                yield match.start(), match.end(), payloads


def word_regex(words: Iterable[str], cjk_anywhere: bool = True) -> re.Pattern[str]:
    """Alternation of cue words/phrases for normalised text: whole words for Latin ones."""
    words = [normalise(w) for w in words]
    ascii_ = sorted({w for w in words if not unspaced_script(w)}, key=len, reverse=True)
    cjk = sorted({w for w in words if unspaced_script(w)}, key=len, reverse=True)
    parts = []
    if ascii_:
        alternation = "|".join(r"[\s\-]+".join(map(re.escape, a.split())) for a in ascii_)
        parts.append(rf"(?<![A-Za-z0-9_])(?:{alternation})(?![A-Za-z0-9_])")
    if cjk:
        parts.append("|".join(map(re.escape, cjk)))
    return re.compile("|".join(parts) if parts else r"(?!x)x")


# --------------------------------------------------------------------------- data files


@dataclass(frozen=True)
class LanguageSpec:
    """One language the reader knows (an entry of signatures/policy/languages.json): how its
    script is told apart and how its sentences negate; its words sit under its tag elsewhere."""

    tag: str
    spec: Mapping[str, Any]

    @property
    def spaced(self) -> bool:
        """Words are separated by spaces (match whole words)."""
        return bool(self.spec["spaced"])

    @property
    def detect(self) -> Mapping[str, Any]:
        """How a text or segment is told to be in this language."""
        detect: Mapping[str, Any] = self.spec["detect"]
        return detect

    @property
    def variants(self) -> tuple[str, ...]:
        """Tags of written variants read through this language (zh-Hant for zh-Hans)."""
        return tuple(self.detect.get("variants", {}))


@dataclass(frozen=True)
class CategoryVocabulary:
    """The terms of one capability category (signatures/policy/categories/<id>.json)."""

    id: str
    terms: Mapping[str, tuple[str, ...]]
    """Language tag -> terms."""
    exclude: Mapping[str, tuple[str, ...]]
    """Language -> phrases that contain a term but are not about the capability."""
    examples: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Language tag or variant (zh-Hant) -> positive / negative example sentences."""
    sources: tuple[str, ...]

    @property
    def searched_terms(self) -> tuple[str, ...]:
        """Every term looked for, in the order of languages.json."""
        return tuple(t for terms in self.terms.values() for t in terms)


@dataclass(frozen=True)
class Vocabulary:
    """All policy vocabulary, compiled."""

    categories: tuple[CategoryVocabulary, ...]
    cues: Mapping[str, Any]
    languages: tuple[LanguageSpec, ...]
    """In the order of languages.json."""

    @property
    def tags(self) -> tuple[str, ...]:
        """The language tags, in order."""
        return tuple(lang.tag for lang in self.languages)

    def category(self, category_id: str) -> CategoryVocabulary:
        """The vocabulary of one category."""
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(category_id)

    def cue_words(self, *path: str) -> tuple[str, ...]:
        """All words under cues[path...] for every language, flattened."""
        node: Any = self.cues
        for key in path:
            node = node[key]
        if isinstance(node, Mapping):
            return tuple(w for words in node.values() for w in words)
        return tuple(node)

    @cached_property
    def _header_keys(self) -> dict[str, frozenset[str]]:
        """Role -> the keys of its column titles in every language (normalised once)."""
        return {
            role: frozenset(term_key(normalise(w)) for ws in words.values() for w in ws)
            for role, words in self.cues["table_headers"].items()
        }

    def header_roles(self, cells: Sequence[str]) -> dict[str, int]:
        """Role (name, company, purpose, data, link, permission, used) -> column index, for a
        table header row; empty when the row does not read like a header."""
        roles: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = term_key(normalise(cell.strip().strip("：:*")))
            if not key or len(key) > 24:
                continue
            for role, keys in self._header_keys.items():
                if role in roles:
                    continue
                if key in keys:
                    roles[role] = index
                    break
        if len(roles) >= 2 or ("permission" in roles and len(cells) >= 2):
            return roles
        return {}


def policy_data_dir() -> Path:
    """signatures/policy/ in a checkout or an installed wheel."""
    return data_dir("signatures") / "policy"


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(path, f"cannot read policy vocabulary: {exc}") from exc


def validate_vocabulary(folder: Path | None = None) -> list[str]:
    """Every problem in the policy vocabulary files; empty when all are valid."""
    folder = folder or policy_data_dir()
    problems: list[str] = []
    schemas = {
        name: jsonschema.Draft202012Validator(_read(folder / "schema" / f"{name}.schema.json"))
        for name in ("category", "cues", "languages")
    }

    def check(doc: Any, schema: str, name: str) -> None:
        for err in schemas[schema].iter_errors(doc):
            where = "/".join(str(p) for p in err.absolute_path) or "<root>"
            problems.append(f"{name}: {where}: {err.message}")

    languages: dict[str, Any] = {}
    try:
        lang_doc = _read(folder / "languages.json")
        check(lang_doc, "languages", "languages.json")
        if isinstance(lang_doc, dict) and isinstance(lang_doc.get("languages"), dict):
            languages = lang_doc["languages"]
    except SignatureError as exc:
        problems.append(str(exc))
    spaced = {
        tag for tag, spec in languages.items() if isinstance(spec, dict) and spec.get("spaced")
    }
    variants = {
        variant
        for spec in languages.values()
        if isinstance(spec, dict)
        for variant in spec.get("detect", {}).get("variants", {})
    }
    defaults = [
        t for t, s in languages.items() if isinstance(s, dict) and s["detect"].get("default")
    ]
    if languages and len(defaults) != 1:
        problems.append(
            f"languages.json: exactly one language needs detect/default, not {defaults}"
        )
    known = set(languages)
    seen = set()
    for path in sorted((folder / "categories").glob("*.json")):
        try:
            doc = _read(path)
        except SignatureError as exc:
            problems.append(str(exc))
            continue
        check(doc, "category", path.name)
        if not isinstance(doc, dict):
            continue
        if doc.get("id") != path.stem:
            problems.append(f"{path.name}: id {doc.get('id')!r} does not match the file name")
        seen.add(doc.get("id"))
        for key in ("terms", "exclude"):
            for lang in sorted(set(doc.get(key, {})) - known):
                problems.append(f"{path.name}: {key}: {lang!r} is not a language of languages.json")
        for lang in sorted(set(doc.get("examples", {})) - known - variants):
            problems.append(f"{path.name}: examples: {lang!r} is not a language or variant")
        for lang in sorted((known | variants) - set(doc.get("examples", {}))):
            problems.append(f"{path.name}: examples: none in {lang!r}")
        for lang, terms in doc.get("terms", {}).items():
            for term in terms if lang in spaced else ():
                if has_cjk(term):
                    problems.append(f"{path.name}: {lang} term {term!r} holds Chinese")
    taxonomy = set(category_ids())
    for missing in sorted(taxonomy - seen):
        problems.append(f"categories/{missing}.json: missing (every taxonomy category needs one)")
    for extra in sorted(seen - taxonomy, key=str):
        problems.append(f"categories/{extra}.json: not a taxonomy category")
    try:
        cues = _read(folder / "cues.json")
        check(cues, "cues", "cues.json")
        problems.extend(_unknown_categories(cues, taxonomy))
        problems.extend(_unknown_languages(cues, known))
    except SignatureError as exc:
        problems.append(str(exc))
    return problems


_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")


def _unknown_languages(node: Any, known: set[str], where: str = "") -> list[str]:
    """Keys of cues.json that are language tags but not languages of languages.json. Every map
    keyed by tags holds lists of words (the schema checks the shapes)."""
    problems: list[str] = []
    if isinstance(node, dict):
        for key, child in node.items():
            if _TAG.match(key) and isinstance(child, list) and key not in known:
                problems.append(f"cues.json: {where}/{key}: not a language of languages.json")
            problems.extend(_unknown_languages(child, known, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            problems.extend(_unknown_languages(child, known, f"{where}/{i}"))
    return problems


def _unknown_categories(cues: Any, taxonomy: set[str]) -> list[str]:
    """cues.json entries that name a category outside the taxonomy (the schema checks shapes
    only)."""
    named: list[tuple[str, object]] = []
    if isinstance(cues, dict):
        kinds = cues.get("not_disclosure_contexts", {}).get("kinds", {})
        for name, kind in kinds.items() if isinstance(kinds, dict) else ():
            for category in kind.get("categories", ()) if isinstance(kind, dict) else ():
                named.append((f"not_disclosure_contexts/kinds/{name}", category))
        for number, group in enumerate(cues.get("shared_term_purposes", ())):
            if isinstance(group, dict):
                for category in [*group.get("categories", ()), *group.get("purposes", {})]:
                    named.append((f"shared_term_purposes/{number}", category))
    return [
        f"cues.json: {where}: {category!r} is not a taxonomy category"
        for where, category in named
        if category not in taxonomy
    ]


OTHER_SENSE_EXCLUDE = "exclude"
"""`PolicyEvidence.reason` of a term inside an `exclude` phrase ("SMS verification code")."""


def other_sense_wording(reason: str | None) -> str:
    """How a finding says the policy names a term without disclosing it, completing "the policy
    names SMS ...": a context kind's `reported_as` (cues.json), or the wording for an `exclude`
    phrase."""
    if reason == OTHER_SENSE_EXCLUDE:
        return "only in a phrase about something else"
    kinds = load_vocabulary().cues["not_disclosure_contexts"]["kinds"]
    kind = kinds.get(reason or "")
    return str(kind["reported_as"]) if kind else "only in another sense"


@cache
def load_vocabulary() -> Vocabulary:
    """The bundled vocabulary, validated (SignatureError listing every problem otherwise)."""
    folder = policy_data_dir()
    problems = validate_vocabulary(folder)
    if problems:
        raise SignatureError(folder, "; ".join(problems))
    languages = tuple(
        LanguageSpec(tag, spec)
        for tag, spec in _read(folder / "languages.json")["languages"].items()
    )
    tags = [lang.tag for lang in languages]
    categories = []
    for category_id in category_ids():
        doc = _read(folder / "categories" / f"{category_id}.json")
        categories.append(
            CategoryVocabulary(
                id=category_id,
                terms={lang: tuple(doc["terms"].get(lang, ())) for lang in tags},
                exclude={lang: tuple(doc.get("exclude", {}).get(lang, ())) for lang in tags},
                examples={
                    lang: {kind: tuple(v) for kind, v in ex.items()}
                    for lang, ex in doc.get("examples", {}).items()
                },
                sources=tuple(doc["sources"]),
            )
        )
    return Vocabulary(
        categories=tuple(categories), cues=_read(folder / "cues.json"), languages=languages
    )
