"""Read a policy's bytes from a file or an http(s) URL and decode them, detecting the encoding.

Every failure is a `PolicyInputError` naming the input, so the CLI prints one line and exits 2.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import charset_normalizer
import httpx

from scanner.errors import PolicyInputError
from scanner.limits import (
    MAX_POLICY_BYTES,
    MAX_POLICY_HTML_TAGS,
    MAX_POLICY_TEXT_CHARS,
    POLICY_FETCH_TIMEOUT,
)
from scanner.text import CJK_IDEOGRAPHS

USER_AGENT = "privacy-scan/0.1 (privacy policy audit)"

FORMAT_BY_SUFFIX = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
SUPPORTED = ".txt, .md, .html, .htm, .pdf or an http(s) URL"


@dataclass(frozen=True)
class RawPolicy:
    """Undecoded bytes and what is known about them before decoding."""

    source: str
    data: bytes
    format: str
    declared_charset: str | None = None
    """A charset named by the HTTP Content-Type header."""


def is_url(source: str) -> bool:
    """True for an http:// or https:// address."""
    return re.match(r"(?i)https?://", source) is not None


def sniff_format(data: bytes) -> str:
    """Guess the format of bytes that came without a usable name or content type."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "txt"
    text_head = data[:2048].replace(b"\x00", b"").lower()
    if b"<html" in text_head or b"<!doctype html" in text_head:
        return "html"
    return "txt"


def read_file(source: str, max_bytes: int = MAX_POLICY_BYTES) -> RawPolicy:
    """Read a policy file; its extension decides the format (none: sniffed)."""
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix and suffix not in FORMAT_BY_SUFFIX:
        raise PolicyInputError(source, f"unknown policy format {suffix!r} (expected {SUPPORTED})")
    try:
        if path.is_dir():
            raise PolicyInputError(source, "is a folder, not a policy file")
        size = path.stat().st_size
        if size > max_bytes:
            raise PolicyInputError(source, f"too large ({size} bytes; the limit is {max_bytes})")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PolicyInputError(source, "no such file") from exc
    except OSError as exc:
        raise PolicyInputError(source, f"cannot read ({exc.strerror or exc})") from exc
    fmt = FORMAT_BY_SUFFIX.get(suffix) or sniff_format(data)
    return RawPolicy(source=source, data=data, format=fmt)


def fetch_url(
    source: str, timeout: float = POLICY_FETCH_TIMEOUT, max_bytes: int = MAX_POLICY_BYTES
) -> RawPolicy:
    """Download a policy with a timeout and a size cap; the Content-Type decides the format."""
    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                max_redirects=5,
                headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain, */*"},
            ) as client,
            client.stream("GET", source) as response,
        ):
            if response.status_code >= 400:
                raise PolicyInputError(
                    source, f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise PolicyInputError(
                    source, f"too large ({declared} bytes; the limit is {max_bytes})"
                )
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise PolicyInputError(source, f"too large (over {max_bytes} bytes)")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise PolicyInputError(source, f"cannot fetch ({type(exc).__name__}: {exc})") from exc
    data = b"".join(chunks)
    return RawPolicy(
        source=source,
        data=data,
        format=_format_of_response(content_type, source, data),
        declared_charset=_charset_of(content_type),
    )


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _format_of_response(content_type: str, url: str, data: bytes) -> str:
    mime = content_type.split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime == "application/pdf":
        return "pdf"
    if mime in ("text/markdown", "text/x-markdown"):
        return "md"
    suffix = Path(urlparse(url).path).suffix.lower()
    if suffix in FORMAT_BY_SUFFIX:
        return FORMAT_BY_SUFFIX[suffix]
    if mime == "text/plain":
        return "txt"
    return sniff_format(data)


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY_CHINESE = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}


def decode(raw: RawPolicy) -> tuple[str, str]:
    """Return (text, encoding). The encoding is detected: BOM, strict UTF-8, UTF-16 without BOM,
    a declared charset (HTTP header or HTML meta), then charset-normalizer."""
    data = raw.data
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise PolicyInputError(raw.source, "is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(raw, data.decode(encoding, errors="replace"), encoding)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(raw, data.decode(utf16, errors="replace"), utf16)
    try:
        return _checked(raw, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise PolicyInputError(raw.source, "is binary data, not text")
    for declared in (
        raw.declared_charset,
        _html_meta_charset(data) if raw.format == "html" else None,
    ):
        if declared:
            name = _LEGACY_CHINESE.get(declared.lower(), declared)
            try:
                return _checked(raw, data.decode(name), name)
            except (LookupError, UnicodeDecodeError):
                pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise PolicyInputError(raw.source, "is not text in any encoding that could be detected")
    encoding = _LEGACY_CHINESE.get(best.encoding.lower(), best.encoding)
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = str(best)
    return _checked(raw, text, encoding)


_PLAUSIBLE = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f" + CJK_IDEOGRAPHS + r"\uff00-\uffef]"
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes present, and one byte order decodes to plausible text."""
    if b"\x00" not in data or len(data) % 2:
        return None
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            sample = data[:8192].decode(encoding)
        except UnicodeDecodeError:
            continue
        score = len(_PLAUSIBLE.findall(sample)) / max(1, len(sample))
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score > 0.9 else None


def _html_meta_charset(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    return match.group(1).decode("ascii", "replace") if match else None


def _checked(raw: RawPolicy, text: str, encoding: str) -> tuple[str, str]:
    """Reject decoded text that is mostly control characters or replacement marks (binary)."""
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\r\n\f")
    )
    if sample and bad > max(3, len(sample) // 50):
        raise PolicyInputError(raw.source, "is binary data, not text")
    if not text.strip():
        raise PolicyInputError(raw.source, "is empty")
    if raw.format == "html" and text.count("<") > MAX_POLICY_HTML_TAGS:
        raise PolicyInputError(
            raw.source,
            f"holds too many HTML tags for a privacy policy (over {MAX_POLICY_HTML_TAGS})",
        )
    readable = _visible_length(text) if raw.format == "html" else len(text)
    if readable > MAX_POLICY_TEXT_CHARS:
        raise PolicyInputError(
            raw.source,
            f"holds too much text for a privacy policy ({readable} characters; the limit is "
            f"{MAX_POLICY_TEXT_CHARS})",
        )
    return text, encoding


_SCRIPT_OR_STYLE = re.compile(r"<(script|style)")


def _visible_length(html: str) -> int:
    """About how many characters of an HTML page are text (tags, scripts and styles left out).

    Linear on purpose: regexes such as `<script.*?</script>` or `<[^>]*>` are quadratic on a
    page full of unclosed tags."""
    if len(html) <= MAX_POLICY_TEXT_CHARS:
        return len(html)
    lower = html.lower()
    visible = 0
    pos = 0
    for opening in _SCRIPT_OR_STYLE.finditer(lower):
        if opening.start() < pos:
            continue
        visible += _text_outside_tags(html, pos, opening.start())
        closing = lower.find(f"</{opening.group(1)}", opening.end())
        if closing < 0:
            return visible
        pos = closing
    return visible + _text_outside_tags(html, pos, len(html))


def _text_outside_tags(html: str, start: int, end: int) -> int:
    count = 0
    pos = start
    while pos < end:
        tag = html.find("<", pos, end)
        if tag < 0:
            return count + end - pos
        count += tag - pos
        close = html.find(">", tag, end)
        if close < 0:
            return count
        pos = close + 1
    return count
