# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Turn a policy in any input format into a flat list of blocks: headings, paragraphs, list items
and table rows. Navigation, scripts, styles, footers and inline images are dropped here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from scanner.errors import PolicyInputError
from scanner.text import CJK_IDEOGRAPHS

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]

_CJK = f"\u3000-\u303f{CJK_IDEOGRAPHS}\uff00-\uffef"
"""Chinese characters plus CJK and full-width punctuation."""
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\n]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_TERMINAL = tuple(".。!！?？;；:：,，、")
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?\d{1,3}(?:\.\d{1,3})*[)）.、．]?|[(（][a-zA-Z一二三四五六七八九十]{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.．]|[IVXivx]{1,5}[.)]|[a-zA-Z][.)])\s*"
)
_BULLET = re.compile(
    r"^\s*(?:[-*+•·●○■□▪◆◇►▶✓]|\d{1,3}[.)、．](?!\d)|[(（]\d{1,3}[)）]|[a-z][.)]\s)\s*"
)


@dataclass
class Block:
    """One line of the readable document."""

    kind: BlockKind
    text: str
    level: int = 0
    """Heading level (1 = top), 0 when unknown."""
    cells: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    is_header_row: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def clean_inline(text: str) -> str:
    """Collapse whitespace; drop the spaces a line break leaves between two Chinese characters."""
    return _SPACES.sub(" ", _CJK_GAP.sub("", text)).strip()


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return len(re.findall(rf"[{_CJK}]", text)) / len(text)


def looks_like_heading(line: str) -> bool:
    """A short line without sentence punctuation at its end, in plain text."""
    text = line.strip()
    if not text or text.endswith(_TERMINAL) or text.startswith(("http://", "https://")):
        return False
    body = _NUMBERING.sub("", text, count=1)
    if not body:
        return False
    if _cjk_share(body) > 0.3:
        return len(body) <= 30 and not text.endswith(("及", "和", "或", "与", "等"))
    words = body.split()
    if len(words) > 12 or len(text) > 90 or text.count(",") >= 2:
        return False
    if words[-1] in ("and", "or"):
        return False  # one item of a list that runs on ("...unique to your device; and")
    if re.search(r"\s[-–—]\s+[a-z]", text):
        return False
    first = next((c for c in body if c.isalpha()), "")
    return first.isupper()


def reads_like_sentence(text: str) -> bool:
    """Too long and too punctuated to be a heading: a whole sentence marked up as one (scraped
    policies put `####` or a setext rule under paragraphs), which must count as a sentence."""
    body = _NUMBERING.sub("", text.strip(), count=1)
    if _cjk_share(body) > 0.3:
        punctuated = re.search(r"[，。；,]", body) is not None
        return len(body) > 30 and (punctuated or body.endswith(("。", "；")))
    words = len(body.split())
    return (words > 16 and re.search(r"[,.;]", body) is not None) or (
        words > 8 and body.endswith(".")
    )


# --------------------------------------------------------------------------- plain text


def _split_cells(line: str) -> list[str] | None:
    if "\t" in line.strip():
        cells = [c.strip() for c in line.strip().split("\t")]
    elif line.count("|") >= 2 or line.count("｜") >= 2:
        cells = [c.strip() for c in re.split(r"[|｜]", line.strip().strip("|｜"))]
    else:
        return None
    cells = [c for c in cells if c]
    return cells if len(cells) >= 2 else None


_SENTENCE_END = tuple(".。!！?？;；")
_LIST_OPENER = re.compile(r"[:：]\s*(?:\S+\s*){0,6}$")
"""A line that ends with a colon, or with a colon and the first few words of what it introduces
("we automatically record information, including: Your location")."""


def opens_list(line: str) -> bool:
    """The line introduces a list: the short lines right under it are its items, not headings."""
    return not line.endswith(_SENTENCE_END) and _LIST_OPENER.search(line) is not None


def text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text policy: one line, one block."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    # A run of short lines right under a line that opens a list ("...including:") is the list's
    # items, which disclose, not a run of headings, which do not; a blank line ends the run.
    in_list = False

    def flush_table() -> None:
        if table:
            blocks.extend(table_blocks(table, header_given=False))
            table.clear()

    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line:
            flush_table()
            in_list = False
            continue
        cells = _split_cells(line)
        if cells is not None:
            table.append(cells)
            continue
        flush_table()
        line = _SPACES.sub(" ", line)
        heading_like = looks_like_heading(line)
        if heading_like and in_list:
            blocks.append(Block("list_item", line))
            continue
        # An item too long to look like a heading keeps the run going; a sentence ends it.
        in_list = opens_list(line) or (in_list and not line.endswith(_SENTENCE_END))
        if heading_like:
            blocks.append(Block("heading", line))
        elif _BULLET.match(line):
            blocks.append(Block("list_item", line))
        else:
            blocks.append(Block("paragraph", line))
    flush_table()
    return blocks


def table_blocks(rows: list[list[str]], header_given: bool) -> list[Block]:
    """Rows of one table; the first row is its header when marked so or when it reads like one."""
    from scanner.policy.vocabulary import load_vocabulary

    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    header: tuple[str, ...] = ()
    if header_given or (len(rows) > 1 and load_vocabulary().header_roles(rows[0])):
        header = tuple(rows[0])
        rows = rows[1:]
        out = [Block("table_row", " | ".join(header), cells=header, is_header_row=True)]
    else:
        out = []
    for row in rows:
        cells = tuple(row)
        out.append(
            Block("table_row", " | ".join(c for c in cells if c), cells=cells, header=header)
        )
    return out


# --------------------------------------------------------------------------- markdown

# The character classes below leave out the bracket that opens the next candidate ("[^\[\]]" rather
# than "[^\]]"), so a line of thousands of unclosed "[" or "](" is scanned once, not once per
# bracket (which is quadratic and hangs on a hostile policy).
_MD_SIGNS = re.compile(
    r"\]\([^()\s]*\)|^\s{0,3}#{1,6}\s|^\s*[-*+]\s+\[|^\s*\|.*\|\s*$|^[-=]{3,}\s*$", re.M
)


def looks_like_markdown(text: str) -> bool:
    """Plain text that is really Markdown (links, # headings, link lists, tables)."""
    signs = len(_MD_SIGNS.findall(text[:200000]))
    lines = max(1, text.count("\n"))
    return signs >= 3 and signs >= 0.02 * lines


_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_REF_IMAGE = re.compile(r"!\[[^\[\]]*\]\[[^\[\]]*\]")
_MD_AUTOLINK = re.compile(r"<(https?://[^<>]+)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_MD_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_MD_TABLE_CELL_SEP = re.compile(r"\s*:?-{2,}:?\s*")
_MD_HTML_BLOCK = re.compile(
    r"^\s*<(?P<tag>table|div|p|h[1-6]|ul|ol|section|small|thead|tbody|tr|colgroup)[\s>]", re.I
)
_MD_HTML_CLOSING = re.compile(r"^\s*(?:</[a-z0-9]+>\s*|<br\s*/?>\s*|<hr\s*/?>\s*)+$", re.I)


def _is_table_separator(line: str) -> bool:
    """`|---|:--:|` and the like. Cell by cell: one regex over the whole line, with optional
    spaces on both sides of optional pipes, is quadratic on a long line of spaces."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return all(_MD_TABLE_CELL_SEP.fullmatch(cell) for cell in body.split("|"))


def _md_inline(text: str) -> tuple[str, bool]:
    """Markdown inline markup removed; also whether the line was nothing but links and images."""
    stripped = _MD_REF_IMAGE.sub("", _MD_IMAGE.sub("", text))
    only_links = stripped.strip() != "" and _MD_LINK.sub("", stripped).strip(" *-|") == ""
    plain = _MD_AUTOLINK.sub(r"\1", _MD_LINK.sub(lambda m: m.group(1), stripped))
    plain = _MD_EMPHASIS.sub("", plain).replace("\\_", "_").replace("\\*", "*")
    return clean_inline(plain), only_links


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of a Markdown policy (as scraped pages often are): nav link lists dropped."""
    lines = text.splitlines()
    blocks: list[Block] = []
    table: list[list[str]] = []
    i = 0

    def flush_table() -> None:
        if table:
            blocks.extend(table_blocks(table, header_given=len(table) > 1 and sep_seen[0]))
            table.clear()
        sep_seen[0] = False

    sep_seen = [False]
    # The paragraph or list item the previous line ended in: a hard-wrapped line continues it
    # (Markdown joins the lines of a paragraph), so a sentence is not cut at each line end.
    wrapped: Block | None = None
    # Lines joined onto a block, by the block's identity, joined once at the end: joining at
    # each line would re-read the whole paragraph per line (quadratic on a 10 MB paragraph).
    joined: dict[int, list[str]] = {}
    while i < len(lines):
        raw = lines[i]
        i += 1
        continues, wrapped = wrapped, None
        if not raw.strip():
            flush_table()
            continue
        html = _MD_HTML_BLOCK.match(raw)
        if html and not table:
            # Raw HTML in Markdown (an SDK table pasted as <table>, <p> paragraphs): read the
            # block with the HTML reader, a table up to its closing tag, else up to a blank line.
            i = _md_html_block(lines, i - 1, html.group("tag").lower(), blocks)
            continue
        if _MD_HTML_CLOSING.match(raw):
            continue
        if raw.strip().startswith("|") or (table and "|" in raw):
            if _is_table_separator(raw):
                sep_seen[0] = True
                continue
            cells = [_md_inline(c)[0] for c in raw.strip().strip("|").split("|")]
            table.append(cells)
            continue
        flush_table()
        if _MD_RULE.match(raw):
            if blocks and blocks[-1].kind == "paragraph" and raw.strip().startswith(("=", "-")):
                # A setext underline makes the line above it a heading. Under lines joined into
                # a paragraph, only the last line is: the paragraph above it stays one.
                parts = joined.get(id(blocks[-1]))
                last = parts[-1] if parts else blocks[-1].text
                if not reads_like_sentence(last):
                    if parts:
                        parts.pop()
                        blocks.append(Block("heading", last))
                    else:
                        blocks[-1].kind = "heading"
            continue
        heading = _MD_HEADING.match(raw)
        if heading:
            text_, _ = _md_inline(heading.group(2))
            if text_ and reads_like_sentence(text_):
                blocks.append(Block("paragraph", text_))
            elif text_:
                blocks.append(Block("heading", text_, level=len(heading.group(1))))
            continue
        item = _MD_LIST.match(raw)
        body = item.group(2) if item else raw
        plain, only_links = _md_inline(body)
        if (
            continues is not None
            and not item
            and plain
            and not lines[i - 2].endswith(("  ", "\\"))
            and not _NUMBERING.match(raw)
            and not (joined.get(id(continues)) or [continues.text])[-1].endswith(
                (*_SENTENCE_END, ":", "：")
            )
            and (
                id(continues) in joined
                or not looks_like_heading(continues.text)
                or plain[:1].islower()  # "...we read your / location": a sentence running on
            )
        ):
            # A line stays a block of its own after a hard line break (two spaces or a backslash
            # at the end of the line before), when it opens a numbered clause (2.2支付宝SDK), and
            # after a finished sentence or a heading-like line: scraped Markdown often puts one
            # block per line with no blank line between.
            joined.setdefault(id(continues), [continues.text]).append(plain)
            wrapped = continues
            continue
        if only_links and item and plain and _introduces_services(blocks):
            only_links = False  # "[AdMob](…)" under "third-party services used by the app"
        if only_links or not plain or plain in ("*", "-"):
            continue
        if item:
            # A bold item is a run-in heading unless it is a whole sentence set in bold.
            bold_only = re.fullmatch(r"\s*\*\*[^*]+\*\*\s*", body) is not None
            bold_only = bold_only and not reads_like_sentence(plain)
            indent = len(item.group(1).expandtabs(4))
            if bold_only or _item_introduces_section(lines, i, indent, plain):
                blocks.append(Block("heading", plain))
            else:
                blocks.append(Block("list_item", plain))
                wrapped = blocks[-1]
        else:
            blocks.append(Block("paragraph", plain))
            wrapped = blocks[-1]
    flush_table()
    for block in blocks:
        parts = joined.get(id(block))
        if parts is not None:
            block.text = clean_inline(" ".join(parts))
    return blocks


_SERVICES_CUE = re.compile(r"(?i)third[- ]?party|3rd[- ]party|service providers?|\bsdks?\b|第三方")


def _introduces_services(blocks: list[Block]) -> bool:
    """The paragraph or heading before the current list speaks of third-party services: its
    link-only items are the services, not navigation."""
    for block in reversed(blocks):
        if block.kind != "list_item":
            return _SERVICES_CUE.search(block.text) is not None
    return False


def _md_html_block(lines: list[str], start: int, tag: str, blocks: list[Block]) -> int:
    """Read the raw HTML block that starts at `lines[start]` into `blocks`; the index after it.
    The block runs to a blank line, and on to the end of any table it opened."""
    end = start
    opened = 0
    while end < len(lines):
        line = lines[end].lower()
        opened += line.count("<table") - line.count("</table>")
        end += 1
        if opened <= 0 and (tag == "table" or end >= len(lines) or not lines[end].strip()):
            break
    blocks.extend(html_blocks("\n".join(lines[start:end])))
    return end


def _item_introduces_section(lines: list[str], i: int, indent: int, plain: str) -> bool:
    """A list item with no end punctuation followed by a more indented plain paragraph."""
    if plain.endswith(_TERMINAL) or len(plain) > 60:
        return False
    start = i
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines):
        return False
    nxt = lines[i]
    if i == start and nxt.lstrip()[:1].islower():
        return False  # the item's sentence wraps onto the next line ("with / our partner.")
    nxt_indent = len(nxt) - len(nxt.lstrip(" \t"))
    return nxt_indent > indent and _MD_LIST.match(nxt) is None


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = {
    "script", "style", "noscript", "nav", "aside", "form", "svg", "iframe", "template",
    "button", "img", "picture", "video", "audio", "canvas", "select", "input", "textarea",
    "head", "link", "meta", "object", "embed", "map", "dialog",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "body", "blockquote", "pre", "address", "dl",
    "dt", "dd", "ul", "ol", "figure", "figcaption", "center", "details", "summary", "html",
    "header", "footer", "hr", "fieldset", "legend", "caption",
}  # fmt: skip
_NAV_TOKENS = {
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "footer", "sidebar",
    "topbar", "skip-link", "site-header", "site-footer", "cookie-banner", "share-buttons",
}  # fmt: skip


_NAV_WORDS = {"nav", "navbar", "breadcrumb", "footer", "menu"}


def _is_navigation(tag: Any) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    role = (tag.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "menu", "menubar", "search"):
        return True
    if tag.get("hidden") is not None or (tag.get("aria-hidden") or "").lower() == "true":
        return True
    style = (tag.get("style") or "").replace(" ", "").lower()
    if "display:none" in style:
        return True
    names = [*list(tag.get("class") or []), tag.get("id") or ""]
    for name in names:
        lowered = str(name).lower()
        if lowered in _NAV_TOKENS or set(re.split(r"[-_\s]+", lowered)) & _NAV_WORDS:
            return True
    # A page header or footer is navigation, unless it holds the policy's title.
    return tag.name in ("header", "footer") and tag.find(["h1", "h2"]) is None


class _HtmlWalker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.list_depth = 0

    def flush(self) -> None:
        text = clean_inline("".join(self.buffer))
        self.buffer.clear()
        if text:
            kind: BlockKind = "list_item" if self.list_depth else "paragraph"
            self.blocks.append(Block(kind, text))

    def walk(self, node: Any) -> None:
        """Visit the tree in document order with an explicit stack: a hostile page can nest
        elements far deeper than Python's recursion limit."""
        from bs4.element import Comment, NavigableString, Tag

        # Each frame: the children still to visit, and what to do once they are done.
        stack: list[tuple[Iterator[Any], Callable[[], None] | None]] = [(iter(node.children), None)]
        while stack:
            children, after = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if after is not None:
                    after()
                continue
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_navigation(child):
                continue
            name = child.name
            if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.flush()
                text = clean_inline(child.get_text(" "))
                if text:
                    self.blocks.append(Block("heading", text, level=int(name[1])))
            elif name == "br":
                self.flush()
            elif name == "li":
                self.flush()
                self.list_depth += 1
                stack.append((iter(child.children), self._end_list_item))
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in _BLOCK_TAGS:
                self.flush()
                stack.append((iter(child.children), self.flush))
            else:
                stack.append((iter(child.children), None))

    def _end_list_item(self) -> None:
        self.flush()
        self.list_depth -= 1

    def table(self, table: Any) -> None:
        rows: list[list[str]] = []
        header_given = False
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = tr.find_all(["td", "th"], recursive=False)
            texts = [clean_inline(c.get_text(" ")) for c in cells]
            if not rows and cells and all(c.name == "th" for c in cells):
                header_given = True
            if tr.find_parent("thead") is not None and not rows:
                header_given = True
            rows.append(texts)
        self.blocks.extend(table_blocks(rows, header_given=header_given))


def html_blocks(text: str) -> list[Block]:
    """Blocks of an HTML page: headings, paragraphs, list items and table rows of its content."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    root = soup.find("main") or soup.find("article") or soup.body or soup
    walker = _HtmlWalker()
    walker.walk(root)
    walker.flush()
    return walker.blocks


# --------------------------------------------------------------------------- PDF


def pdf_text(source: str, data: bytes) -> str:
    """The text of a PDF, with lines the layout wrapped joined back into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PolicyInputError(source, f"is not a readable PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise PolicyInputError(source, f"is not a readable PDF ({type(exc).__name__})") from exc
    return _unwrap("\n".join(pages))


def _unwrap(text: str) -> str:
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            out.append("")
            continue
        if (
            out
            and out[-1]
            and not out[-1].endswith(_TERMINAL)
            and len(out[-1]) >= 40
            and not _BULLET.match(line)
        ):
            joiner = "" if _cjk_share(out[-1][-1:] + line[:1]) == 1.0 else " "
            out[-1] = out[-1] + joiner + line
        else:
            out.append(line)
    return "\n".join(out)
