"""`load_policy`: a path or URL -> `PolicyDocument` (readable text + segments)."""

from __future__ import annotations

from scanner.errors import PolicyInputError
from scanner.limits import MAX_POLICY_BYTES, POLICY_FETCH_TIMEOUT
from scanner.policy import blocks as block_parsers
from scanner.policy import segment
from scanner.policy.model import PolicyDocument, PolicyFormat
from scanner.policy.sources import RawPolicy, decode, fetch_url, is_url, read_file


def load_policy(
    source: str, *, timeout: float = POLICY_FETCH_TIMEOUT, max_bytes: int = MAX_POLICY_BYTES
) -> PolicyDocument:
    """Read a policy from a .txt / .md / .html / .htm / .pdf file or an http(s) URL.

    Raises PolicyInputError (naming `source`) when it cannot be read, is empty, binary or of an
    unknown format, or when the URL fails."""
    raw = fetch_url(source, timeout, max_bytes) if is_url(source) else read_file(source, max_bytes)
    return parse_policy(raw)


def parse_policy(raw: RawPolicy) -> PolicyDocument:
    """Decode and segment bytes already read."""
    fmt = raw.format
    if raw.format == "pdf":
        text, encoding = block_parsers.pdf_text(raw.source, raw.data), None
        blocks = block_parsers.text_blocks(text)
    else:
        text, encoding = decode(raw)
        if raw.format == "html":
            blocks = block_parsers.html_blocks(text)
        elif raw.format == "md":
            blocks = block_parsers.markdown_blocks(text)
        elif block_parsers.looks_like_markdown(text):
            fmt = "md"  # scraped pages are often saved as .txt
            blocks = block_parsers.markdown_blocks(text)
        else:
            blocks = block_parsers.text_blocks(text)
    full_text, segments = segment.build(blocks)
    if not segments:
        raise PolicyInputError(raw.source, "holds no readable text")
    return PolicyDocument(
        source=raw.source,
        format=PolicyFormat(fmt),
        encoding=encoding,
        text=full_text,
        segments=segments,
    )


def policy_from_text(text: str, source: str = "<text>", fmt: str = "txt") -> PolicyDocument:
    """A document from a string already in memory (tests, other stages)."""
    return parse_policy(RawPolicy(source=source, data=text.encode("utf-8"), format=fmt))
