"""Pattern lookups whose cost does not grow with the number of signatures.

A catalogue of hundreds of SDKs names thousands of glob patterns (components, native libraries,
meta-data keys, assets, Objective-C class prefixes) and a few εxodus regexes. Trying every
pattern on every name costs names x patterns; these indexes bucket the patterns by the literal
text they start (or end) with, so a lookup tries only the patterns that share it:

- a pattern without wildcards is one dict entry;
- a pattern with a literal head (`libjcore*.so`, `com.adjust.sdk.*`) sits in the bucket of that
  head; a name is looked up at each head length the index holds (a few dozen at most, however
  many patterns), and only that bucket's patterns are matched;
- a pattern that starts with a wildcard and ends with literal text (`*supplierconfig.json`)
  sits in the bucket of its tail, looked up the same way from the end;
- whatever is left (a pattern that is all wildcards) is tried on every name: none ships today.

`DottedGlobIndex` does the same for class names, keyed by the package of the literal head and
walked package by package, memoised per package: an app has far fewer packages than classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase

_WILDCARD = re.compile(r"[*?\[]")


def _literal_head(pattern: str) -> str:
    found = _WILDCARD.search(pattern)
    return pattern if found is None else pattern[: found.start()]


def _literal_tail(pattern: str) -> str:
    """The literal text after the last wildcard ('' when the pattern ends in one)."""
    last = max(pattern.rfind("*"), pattern.rfind("?"), pattern.rfind("]"))
    return pattern[last + 1 :]


def _in_order(ids: Iterable[str], rank: dict[str, int]) -> tuple[str, ...]:
    """De-duplicated ids in signature order, so results do not depend on bucket order."""
    return tuple(sorted(set(ids), key=rank.__getitem__))


class GlobIndex:
    """(glob pattern, id) pairs, matched with `fnmatchcase`, looked up by literal head or tail."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._rank: dict[str, int] = {}
        self._exact: dict[str, list[str]] = {}
        self._heads: dict[str, list[tuple[str, str]]] = {}
        self._tails: dict[str, list[tuple[str, str]]] = {}
        self.loose: list[tuple[str, str]] = []
        """Patterns with no literal head or tail: tried on every name."""
        for pattern, sid in pairs:
            self._rank.setdefault(sid, len(self._rank))
            head = _literal_head(pattern)
            if head == pattern:
                self._exact.setdefault(pattern, []).append(sid)
            elif head:
                self._heads.setdefault(head, []).append((pattern, sid))
            elif tail := _literal_tail(pattern):
                self._tails.setdefault(tail, []).append((pattern, sid))
            else:
                self.loose.append((pattern, sid))
        self._head_lengths = sorted({len(h) for h in self._heads})
        self._tail_lengths = sorted({len(t) for t in self._tails})

    def __bool__(self) -> bool:
        return bool(self._rank)

    def matches(self, name: str) -> tuple[str, ...]:
        """Ids of every pattern that matches `name`, in the order their ids were first given."""
        found = list(self._exact.get(name, ()))
        size = len(name)
        for length in self._head_lengths:
            if length > size:
                break
            for pattern, sid in self._heads.get(name[:length], ()):
                if fnmatchcase(name, pattern):
                    found.append(sid)
        for length in self._tail_lengths:
            if length > size:
                break
            for pattern, sid in self._tails.get(name[size - length :], ()):
                if fnmatchcase(name, pattern):
                    found.append(sid)
        found += [sid for pattern, sid in self.loose if fnmatchcase(name, pattern)]
        return _in_order(found, self._rank) if found else ()


def package_of(class_name: str) -> str:
    """The dotted package of a dotted class name ('' in the default package)."""
    return class_name.rsplit(".", 1)[0] if "." in class_name else ""


class DottedGlobIndex:
    """(glob pattern, id) pairs over dotted class names (fnmatch's `*` crosses dots).

    A pattern is filed under the package of its literal head (`cn.jpush.android.service.Plugin*`
    under `cn.jpush.android.service`); a class can only match patterns filed under its own
    package or one of its parents, so a lookup walks those (memoised per package) and matches
    only their patterns. A pattern whose package part itself holds a wildcard goes to a
    `GlobIndex` tried on every class.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._by_package: dict[str, list[tuple[str, str]]] = {}
        anywhere: list[tuple[str, str]] = []
        for pattern, sid in pairs:
            head = _literal_head(pattern)
            if head == pattern:
                self._by_package.setdefault(package_of(pattern), []).append((pattern, sid))
            elif "." in head:
                self._by_package.setdefault(head.rsplit(".", 1)[0], []).append((pattern, sid))
            else:
                anywhere.append((pattern, sid))
        self._anywhere = GlobIndex(anywhere)
        self._cache: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_package) or bool(self._anywhere)

    def _candidates(self, package: str, floor: str) -> tuple[tuple[str, str], ...]:
        key = (package, floor)
        hit = self._cache.get(key)
        if hit is None:
            found: list[tuple[str, str]] = []
            candidate = package
            while candidate and candidate != floor:
                found += self._by_package.get(candidate, ())
                candidate = package_of(candidate)
            if not floor:
                found += self._by_package.get("", ())
            hit = self._cache[key] = tuple(found)
        return hit

    def may_match(self, package: str) -> bool:
        """Whether any pattern could name a class of this package (none: skip its classes)."""
        return bool(self._anywhere) or bool(self._candidates(package, ""))

    def matches(self, class_name: str, floor: str = "") -> tuple[str, ...]:
        """Ids of every pattern naming this class: those filed under its most specific package
        first (the first is the best claim), then patterns with a wildcard package part.

        With a `floor` (a package holding the class), patterns filed at the floor or above it
        do not count: the app's own namespace is not claimed by an SDK's `com.vendor.*`."""
        candidates = self._candidates(package_of(class_name), floor)
        found = [sid for p, sid in candidates if fnmatchcase(class_name, p)]
        if self._anywhere:
            found += self._anywhere.matches(class_name)
        return tuple(dict.fromkeys(found))


class ClassRegexIndex:
    """εxodus class-name regexes, bucketed by the literal word each must see.

    The importer writes two shapes: `.*\\.Word...` (a dotted segment starting with Word anywhere
    in the name) and `word\\.word...` anchored at the start. The first is filed under the first
    three characters of Word and a class is looked up by the first three characters of each of
    its segments; the second under its first three characters, looked up by the name's. Any
    other regex is tried on every class. A bucket's regexes are then matched for real.
    """

    KEY = 3

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._rank: dict[str, int] = {}
        self._segment: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self._start: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self._loose: list[tuple[re.Pattern[str], str]] = []
        self._package_cache: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {}
        for text, sid in pairs:
            self._rank.setdefault(sid, len(self._rank))
            compiled = re.compile(text)
            if text.startswith(".*\\.") and (word := _leading_word(text[4:])):
                self._segment.setdefault(word[: self.KEY], []).append((compiled, sid))
            elif not text.startswith(".") and (word := _leading_word(text)):
                self._start.setdefault(word[: self.KEY], []).append((compiled, sid))
            else:
                self._loose.append((compiled, sid))

    def __bool__(self) -> bool:
        return bool(self._rank)

    def _by_package(self, package: str) -> tuple[tuple[re.Pattern[str], str], ...]:
        hit = self._package_cache.get(package)
        if hit is None:
            tried = list(self._start.get(package[: self.KEY], ()))
            for segment in dict.fromkeys(package.split(".")[1:]):
                tried += self._segment.get(segment[: self.KEY], ())
            hit = self._package_cache[package] = tuple(tried)
        return hit

    def matches(self, class_name: str) -> tuple[str, ...]:
        """Ids of the regexes that match the class from its start (`re.match`)."""
        package, _, simple = class_name.rpartition(".")
        if package:
            tried = list(self._by_package(package))
            if self._segment:
                for segment in dict.fromkeys(simple.split("$")):
                    tried += self._segment.get(segment[: self.KEY], ())
        else:
            tried = list(self._start.get(simple[: self.KEY], ()))
        tried += self._loose
        if not tried:
            return ()
        found = [sid for rx, sid in dict.fromkeys(tried) if rx.match(class_name)]
        return _in_order(found, self._rank) if found else ()


def _leading_word(escaped: str) -> str:
    """The literal identifier characters a regex starts with (at least KEY of them), else ''."""
    word = re.match(r"[A-Za-z0-9_]+", escaped)
    text = word.group(0) if word else ""
    return text if len(text) >= ClassRegexIndex.KEY else ""
