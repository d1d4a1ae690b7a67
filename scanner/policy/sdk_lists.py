# ruff: noqa: RUF001, RUF002, RUF003  (Chinese text and punctuation are the point of this module)
"""Read a policy's SDK list as a list: every row names a third party, known to the catalogue or not.

Chinese policies list their SDKs as tables (SDK名称 | 公司名称 | 使用目的 | 收集信息 | 链接), as
blocks
of label lines ("SDK名称：…" / "公司名称：…", under a title line or not), or as numbered items
("极光推送"：该SDK由"…"提供); English ones as a list of "third-party services" (often
"Name - purpose" or a list of links) or one heading per service. `listed_sdks` finds those rows;
`with_listed_sdks` makes each one a `ThirdPartyDisclosure` and lets the row decide what it names:
a name or alias merely found inside a row's data or company column (AAID in "收集信息", a
company that owns ten SDKs) is not a disclosure of its own.

How a row resolves to catalogue SDKs (`_resolve_row`):
1. an alias of an SDK in the row's name ("微信OpenSDK" -> wechat-opensdk); when several SDKs
   share it (友盟+), the row's purpose narrows them, else all stay;
2. else the company: its SDKs (all its maker's, when the catalogue gives the company's name to
   one of them as an alias), narrowed by the kind of service the row's name and purpose name
   (推送 -> push). One left: that SDK. Several left: all of them only when the row's name is
   generic ("SDK", the company's own name) and they are of one kind (JPush and JCore); a
   specific name the catalogue does not know ("腾讯云慧眼人脸核身SDK" by Tencent), or a generic
   one for SDKs of several kinds, stays unknown with its company, since a company name that
   owns many SDKs must not disclose all of them;
3. else the row is an unknown third party with its name and company as written.

Outside lists, a mention of an app or platform as a login, share or payment target ("微信登录",
"log in with QQ", "share to Weibo") is not an SDK disclosure unless the sentence says an SDK is
embedded (`_is_target_mention`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from scanner.policy.model import (
    PolicyDocument,
    PolicyEvidence,
    Segment,
    SegmentKind,
    ThirdPartyDisclosure,
    ThirdPartyKind,
)
from scanner.policy.normalize import normalise
from scanner.policy.vocabulary import load_vocabulary, policy_data_dir, term_key, word_regex
from scanner.signatures.catalog import SdkSignature, load_json, sdk_taxonomy
from scanner.text import has_cjk

LANGUAGES = ("en", "zh-Hans")
_ROLE_ORDER = ("permission", "link", "company", "data", "name", "purpose", "other")
"""A label is given the first role whose word it holds: 第三方SDK提供方的公司名称 is a company,
not a name, 共享信息名称 data, and 隐私政策链接 a link, not data."""

_NUMBERING = re.compile(
    r"^\s*(?:[\u2460-\u2473\u2776-\u277f]|\d{1,3}(?:\.\d{1,3})*[、.．)）]?|[(（]\d{1,3}[)）]"
    r"|[(（]?[一二三四五六七八九十]{1,3}[)）、.．]|[-*•·●○■]|[a-z][.)])\s*"
)
_LABEL = re.compile(r"^(?P<label>[^：:\n]{1,24}?)\s*[：:]\s*(?P<value>.*)$", re.S)
_QUOTES = '“”"「」『』《》*【】'
_BY_COMPANY = re.compile(
    r"^(?:[“\"「](?P<quoted>[^“”\"「」：:，,。]{1,30})[”\"」]|(?P<name>[^“”\"「」：:，,。]{2,30})\s*[：:])"
    r"\s*[：:]?\s*(?P<between>[^。；;]{0,24}?)(?:该sdk|该插件|该服务)?由\s*[“\"「]?"
    r"(?P<company>[^“”\"「」，,。；;]{2,40}?)[”\"」]?\s*(?:提供|开发|运营)",
    re.I,
)
_EN_ITEM = re.compile(
    r"^(?P<name>[^\-–—:(（,;.]{2,60}?)\s*(?:\s[-–—]\s|:|\(|（|,|;|$| is | are | for )"
)
_MINOR_WORDS = frozenset({"for", "and", "of", "by", "the", "from", "in", "on", "to", "&", "sdk"})
MAX_ROWS = 2000
"""Rows read per policy: real SDK lists have tens; a hostile one with a million rows must not
make the catalogue lookup of every row the cost of a scan."""
_MAX_TITLE = 40
"""A title line of a label block, or a list item's name, is short."""


@dataclass(frozen=True)
class ListedSdk:
    """One row of a policy's SDK list."""

    name: str
    """The SDK (or service) name as written."""
    company: str | None
    """The company as written, when the row gives one."""
    purpose: str | None
    first: int
    """Index of the row's first segment in `PolicyDocument.segments`."""
    last: int
    """Index of its last segment."""
    name_start: int
    """Offset of `name` in the document text."""


@dataclass(frozen=True)
class _Cues:
    labels: dict[str, re.Pattern[str]]
    list_cues: re.Pattern[str]
    generic_parties: re.Pattern[str]
    company_suffix: re.Pattern[str]
    generic_names: frozenset[str]
    target_en: re.Pattern[str]
    target_zh: re.Pattern[str]
    target_after_en: re.Pattern[str]
    """The name is followed by a target word ("QQ login", "Facebook account login")."""
    target_before_en: re.Pattern[str]
    """The name follows "log in with", "share to", "pay with" (other names may sit between)."""
    target_after_zh: re.Pattern[str]
    """微信登录, QQ帐号登录, Google 帳戶登入, "微信、QQ登录", Google Pay 付款."""
    target_before_zh: re.Pattern[str]
    """分享到微信, 分享至微博."""
    sentence_categories: frozenset[str]
    """SDK categories whose name in a sentence that speaks of logging in or sharing is a target."""
    embedded: re.Pattern[str]
    category_words: dict[str, re.Pattern[str]]
    data_terms: frozenset[str]
    """Every capability term of the vocabulary: a name that is one (AAID, 广告标识符) names data."""


def _words(node: Any) -> list[str]:
    return [w for lang in LANGUAGES for w in node.get(lang, ())]


def _alt_words(words: Iterable[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(r"[\s\-]*".join(map(re.escape, w.split())) for w in ordered)


def _substring_regex(words: Iterable[str]) -> re.Pattern[str]:
    """Any of `words` anywhere (labels are short, so an English word inside another is rare and
    harmless: a label is only ever compared with other labels)."""
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered) or r"(?!x)x")


@cache
def _cues() -> _Cues:
    data = load_json(policy_data_dir() / "sdk-lists.json")
    suffixes = _words(data["company_suffixes"])
    # A channel of the app on a platform (微信公众号, a mini program) is a target too.
    en = _alt_words([*data["target_words"]["en"], *data["channel_words"]["en"]])
    zh = _alt_words([*data["target_words"]["zh-Hans"], *data["channel_words"]["zh-Hans"]])
    account = r"(?:账号|帐号|账户|帐户|帐戶|账戶)"
    third_party = {
        name: {lang: list(words.get(lang, ())) for lang in LANGUAGES}
        for name, words in load_vocabulary().cues["third_party"]["categories"].items()
    }
    for name, extra in data.get("purpose_words", {}).items():
        for lang in LANGUAGES:
            third_party.setdefault(name, {}).setdefault(lang, []).extend(extra.get(lang, ()))
    return _Cues(
        labels={role: _substring_regex(_words(data["field_labels"][role])) for role in _ROLE_ORDER},
        list_cues=word_regex(_words(data["list_cues"])),
        generic_parties=word_regex(_words(data["generic_parties"])),
        company_suffix=re.compile(
            "(?:"
            + "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
            + r")\W*$",
            re.I,
        ),
        generic_names=frozenset(_key(w) for w in _words(data["generic_names"])),
        target_en=word_regex(data["target_words"]["en"]),
        target_zh=word_regex(data["target_words"]["zh-Hans"]),
        target_after_en=re.compile(rf"^\s*(?:account\s+)?(?:{en})(?![a-z])"),
        target_before_en=re.compile(
            rf"(?<![a-z])(?:{en})(?:\s+in|\s+up)?\s+(?:with|to|via|on|using|through)\s+"
            r"(?:your\s+)?(?:[\w+.]+(?:\s+[\w+.]+)?\s*(?:,|or|and|/)\s*)*$"
        ),
        target_after_zh=re.compile(
            rf"^\s*{account}?\s*(?:[、,，或和及与/]\s*[^\s，。；、,]{{1,12}}?\s*{account}?\s*)*"
            rf"(?:{zh})"
        ),
        target_before_zh=re.compile(
            r"(?:分享到|分享至|分享给|转发到|转发至)(?:[^，。；]{0,12}[、或和及/])?\s*$"
        ),
        sentence_categories=frozenset(data["target_sentence_categories"]),
        embedded=word_regex(_words(data["embedded_cues"])),
        category_words={name: word_regex(_words(words)) for name, words in third_party.items()},
        data_terms=frozenset(
            term_key(normalise(t)) for c in load_vocabulary().categories for t in c.searched_terms
        ),
    )


def _key(text: str) -> str:
    return re.sub(r"[\s\-_.·•、,，:：()（）\[\]【】\"'“”‘’*]+", "", normalise(text))


def label_role(label: str) -> str | None:
    """The field a row label or column title names (name, company, purpose, data, link,
    permission, other), or None when it is not a field label."""
    text = normalise(label).strip(" *#").strip(_QUOTES)
    text = _NUMBERING.sub("", text, count=1).strip()
    if not text or len(text) > 24:
        return None
    for role in _ROLE_ORDER:
        if _cues().labels[role].search(text):
            return role
    return None


def _clean(value: str) -> str:
    value = _NUMBERING.sub("", value.strip(), count=1)
    return value.strip().strip(_QUOTES).strip()


def looks_like_company(text: str) -> bool:
    """The text ends in a company suffix (有限公司, Inc.): a company's name, not a product's."""
    return bool(_cues().company_suffix.search(normalise(text).strip()))


# --------------------------------------------------------------------------- finding rows


def listed_sdks(doc: PolicyDocument) -> tuple[ListedSdk, ...]:
    """Every row of every SDK table, label block, "由…提供" item, third-party list and
    enumeration of SDKs or makers inside a sentence."""
    rows: list[ListedSdk] = []
    rows.extend(_table_rows(doc))
    taken = {i for r in rows for i in range(r.first, r.last + 1)}
    for found in (_label_blocks(doc), _provided_by_items(doc), _service_lists(doc)):
        for row in found:
            span = set(range(row.first, row.last + 1))
            if span & taken:
                continue
            taken |= span
            rows.append(row)
    # An enumeration inside one sentence gives several rows of one segment.
    inline = [r for r in _inline_lists(doc) if r.first not in taken]
    rows.extend(inline)
    rows.sort(key=lambda r: r.first)
    return tuple(rows[:MAX_ROWS])


def _header_roles(cells: Sequence[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = label_role(cell)
        if role is not None and role not in roles:
            roles[role] = index
    if "permission" in roles and "company" not in roles:
        return {}  # a table of permissions, not of SDKs
    if ("name" in roles or "company" in roles) and len(roles) >= 2:
        return roles
    return {}


def _table_rows(doc: PolicyDocument) -> Iterator[ListedSdk]:
    """Rows of tables whose header names SDKs or companies. The header may sit below a title
    row spanning the table (the reader then takes the title for the header), so a row that
    reads like a header becomes the header of the rows after it."""
    roles: dict[str, int] = {}
    previous: tuple[str, ...] | None = None
    for index, seg in enumerate(doc.segments):
        if not seg.cells:
            roles, previous = {}, None
            continue
        if seg.header != previous:
            roles, previous = _header_roles(seg.header), seg.header
        found = _header_roles(seg.cells)
        if found and (seg.kind is SegmentKind.HEADING or _all_labels(seg.cells)):
            roles = found
            continue
        if not roles or seg.kind is not SegmentKind.TABLE_ROW:
            continue
        row = _row_of_cells(doc, index, seg, roles)
        if row is not None:
            yield row


def _all_labels(cells: Sequence[str]) -> bool:
    return sum(1 for c in cells if label_role(c)) >= max(2, len([c for c in cells if c]) - 1)


def _row_of_cells(
    doc: PolicyDocument, index: int, seg: Segment, roles: dict[str, int]
) -> ListedSdk | None:
    cells = seg.cells

    def cell(role: str) -> str:
        at = roles.get(role)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    company = cell("company")
    name = cell("name")
    if not name or (looks_like_company(name) and not company):
        # No name column, or the "名称" column holds the company: the name is the first other
        # cell that is not a company (功能类型 | 第三方名称 | 使用目的: the first column).
        taken = {roles.get("company"), roles.get("name")}
        other = next(
            (
                c.strip()
                for i, c in enumerate(cells)
                if i not in taken and c.strip() and not looks_like_company(c)
            ),
            "",
        )
        if name and looks_like_company(name):
            company = company or name
        name = other if len(other) <= _MAX_TITLE else ""
    if not name:
        return None
    if _is_generic_party(name, company):
        return None
    text = doc.segment_text(seg)
    at = text.find(name)
    return ListedSdk(
        name=name,
        company=company or None,
        purpose=cell("purpose") or None,
        first=index,
        last=index,
        name_start=seg.start + max(0, at),
    )


def _is_generic_party(name: str, company: str | None) -> bool:
    """An unnamed kind of partner (广告服务 by 广告主和/或其委托的代理商) listed as a row."""
    if "sdk" in normalise(name):
        return False
    party = company if company else name
    return bool(_cues().generic_parties.search(normalise(party)))


def _label(doc: PolicyDocument, seg: Segment) -> tuple[str, str] | None:
    """(role, value) when the segment is a "label：value" line of a row."""
    text = doc.segment_text(seg).strip()
    m = _LABEL.match(_NUMBERING.sub("", text, count=1))
    if m is None:
        return None
    role = label_role(m.group("label"))
    if role is None:
        return None
    return role, m.group("value").strip()


def _label_blocks(doc: PolicyDocument) -> Iterator[ListedSdk]:
    """Runs of "label：value" lines with a name or a company, under a short title line or
    starting with the name label."""
    segments = doc.segments
    index = 0
    while index < len(segments):
        seg = segments[index]
        if seg.cells or _label(doc, seg) is None:
            index += 1
            continue
        start = index
        fields: dict[str, tuple[str, int]] = {}
        while index < len(segments) and not segments[index].cells:
            found = _label(doc, segments[index])
            if found is None:
                break
            role, value = found
            if role == "name" and fields:
                break  # the next row begins with its name
            if value and role not in fields:
                offset = doc.segment_text(segments[index]).find(value)
                fields[role] = (value, segments[index].start + max(0, offset))
            index += 1
        end = index - 1
        # A row says who (a name or a company) and why or what data: front matter ("url:",
        # "date:") and a list of kinds of data ("聯絡資料：…") do not.
        if not {"name", "company"} & set(fields):
            continue
        if not {"purpose", "data"} & set(fields) or len(fields) < 2:
            continue
        title = _title(doc, start)
        first = start if title is None else start - 1
        name_value = fields.get("name")
        if name_value is None:
            if title is None:
                continue
            text = doc.segment_text(segments[first])
            name = _clean(text)
            name_value = (name, segments[first].start + max(0, text.find(name)))
        name, name_start = name_value
        company = fields.get("company", ("", 0))[0] or None
        if not name or len(name) > 80 or _is_generic_party(name, company):
            continue
        yield ListedSdk(
            name=name.strip(_QUOTES).strip(),
            company=company,
            purpose=fields.get("purpose", ("", 0))[0] or None,
            first=first,
            last=end,
            name_start=name_start,
        )


def _title(doc: PolicyDocument, index: int) -> str | None:
    """The short line right above a label block that names its SDK ("**OPPO推送SDK**",
    "①微信开放平台SDK", "推送通知消息（OPPO推送SDK）")."""
    if index == 0:
        return None
    seg = doc.segments[index - 1]
    if seg.cells or _label(doc, seg) is not None:
        return None
    text = _clean(doc.segment_text(seg))
    if not text or len(text) > _MAX_TITLE or text.endswith(("。", ".", "：", ":", "；")):
        return None
    return text


def _provided_by_items(doc: PolicyDocument) -> Iterator[ListedSdk]:
    """Items that name an SDK and say who provides it: 1.2.1 "极光推送"：该SDK由"…"提供."""
    for index, seg in enumerate(doc.segments):
        if seg.cells or seg.kind is SegmentKind.HEADING:
            continue
        text = doc.segment_text(seg)
        body = _NUMBERING.sub("", text, count=1)
        m = _BY_COMPANY.match(body)
        if m is None or not has_cjk(body[: m.end()]):
            continue
        group = "quoted" if m.group("quoted") else "name"
        name = m.group(group).strip()
        company = m.group("company").strip()
        if not name or len(name) > _MAX_TITLE or name.startswith(("我们", "本", "该", "第三方")):
            continue
        if not looks_like_company(company) and (_CLAUSE_ZH.search(company) or len(company) > 16):
            continue  # "由与我们合作的第三方支付机构向您提供": a clause, not who provides it
        offset = len(text) - len(body)
        yield ListedSdk(
            name=name,
            company=company,
            purpose=None,
            first=index,
            last=index,
            name_start=seg.start + offset + m.start(group),
        )


_LOOK_BACK = 3
"""Segments before a run of list items searched for what introduces it (a wrapped paragraph is
one segment per line in Markdown)."""


def _introduces_list(doc: PolicyDocument, index: int) -> bool:
    """A segment just before a run of list items (or the heading above) says a list of
    third-party services or SDKs follows."""
    cues = _cues()
    seg = doc.segments[index]
    texts = [seg.heading or ""]
    if seg.kind is SegmentKind.HEADING:
        texts.append(doc.segment_text(seg))
    for back in range(index, max(-1, index - _LOOK_BACK), -1):
        other = doc.segments[back]
        if other.kind is SegmentKind.HEADING or other.cells:
            break
        texts.append(doc.segment_text(other))
    return any(text and cues.list_cues.search(normalise(text)) for text in texts)


def _line_item(doc: PolicyDocument, index: int) -> bool:
    """A plain-text line under a line ending in a colon (the list has no bullets): "Alipay
    (支付宝) - payment" after "We use the following SDKs:"."""
    seg = doc.segments[index]
    if seg.kind is not SegmentKind.SENTENCE or index == 0:
        return False
    if seg.start > 0 and doc.text[seg.start - 1] != "\n":
        return False
    for back in range(index - 1, max(-1, index - 12), -1):
        prev = doc.segments[back]
        if prev.kind is not SegmentKind.SENTENCE:
            return False
        line_start = prev.start == 0 or doc.text[prev.start - 1] == "\n"
        if line_start and doc.segment_text(prev).rstrip().endswith((":", "：")):
            return True
    return False


def _proper_name(name: str) -> bool:
    """A list item that is a name ("Google AdMob", "Firebase Crashlytics"), not a phrase
    ("To facilitate our Service;")."""
    if has_cjk(name):
        return True
    words = [w for w in re.split(r"[\s/]+", name) if w]
    if not words or len(words) > 6:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _MINOR_WORDS for w in words)


def _names_itself(title: str, following: str) -> bool:
    words = [w for w in re.findall(r"\w+", normalise(title)) if len(w) >= 4 or has_cjk(w)]
    text = normalise(following)
    return any(w in text for w in words)


def _service_lists(doc: PolicyDocument) -> Iterator[ListedSdk]:
    """Items of a list introduced as third-party services / SDKs, and sub-headings under a
    heading that says so (one heading per service)."""
    segments = doc.segments
    services: set[str] = set()
    """Headings taken for services: the heading a segment records is the one right above it,
    so the second service's heading sits "under" the first one's."""
    run_end, run_ok = -2, False
    for index, seg in enumerate(segments):
        if seg.kind is SegmentKind.HEADING and index + 1 < len(segments):
            parent = seg.heading or ""
            title = doc.segment_text(seg)
            if _cues().list_cues.search(normalise(title)):
                continue  # a sub-heading that itself introduces the list
            if parent in services:
                # A sibling service, or the next section ("Contact"): a service's own text
                # names it.
                if not _names_itself(title, doc.segment_text(segments[index + 1])):
                    continue
            elif not (parent and _cues().list_cues.search(normalise(parent))):
                continue
        elif seg.kind is SegmentKind.LIST_ITEM or _line_item(doc, index):
            # The run of items is judged once, by what stands before its first item (one look
            # back per item would be quadratic on a policy of a hundred thousand items).
            if run_end != index - 1:
                run_ok = index > 0 and _introduces_list(doc, index - 1)
            run_end = index
            if not run_ok:
                continue
        else:
            continue
        text = doc.segment_text(seg)
        body = _NUMBERING.sub("", text, count=1)
        m = _EN_ITEM.match(body)
        name = (m.group("name") if m else body).strip().strip(_QUOTES).strip()
        if not name or len(name) > _MAX_TITLE or not _proper_name(name):
            continue
        clause = len(name) > 20 or body.rstrip().endswith(("；", "。", ";", "，"))
        if has_cjk(name) and "sdk" not in normalise(name) and clause:
            continue  # a clause of a Chinese list, not a name
        if seg.kind is SegmentKind.HEADING:
            services.add(text)
        offset = len(text) - len(body)
        rest = body[m.end("name") :].strip(" -–—:：,") if m else ""
        yield ListedSdk(
            name=name,
            company=None,
            purpose=rest or None,
            first=index,
            last=index,
            name_start=seg.start + offset + (m.start("name") if m else 0),
        )


_INLINE_ZH = re.compile(
    r"(?:sdk|厂商|制造商)[^。；：:（(]{0,8}?(?:包括|包含|如下|例如|比如)\s*[：:]?\s*"
    r"(?P<items>[^。；;]{2,400})"
)
_INLINE_ZH_BRACKETS = re.compile(
    r"(?:sdk|厂商|制造商)\s*[（(]\s*(?P<items>[^。；;（）()]{2,200})[）)]"
)
_INLINE_EN = re.compile(
    r"(?<![a-z])(?:sdks|third[- ]party (?:services|sdks|providers|partners|libraries)|"
    r"service providers)[^.;:]{0,24}?(?:such as|including|like|include|:)\s*"
    r"(?P<items>[^.;]{2,400})"
)
_ITEM_SPLIT = re.compile(r"[、,，/]|\s+(?:and|or)\s+|(?<=[\u4e00-\u9fff])[和及与或](?=\S)")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_CLAUSE_ZH = re.compile(r"[我您你的是了将会当后以在对从其]|功能|信息|数据|方式|目的|收集|公司")
_MAX_INLINE = 12
"""Characters of a Chinese enumeration item; longer ones are clauses, not names."""


def _inline_lists(doc: PolicyDocument) -> Iterator[ListedSdk]:
    """Names enumerated in a sentence that speaks of SDKs or of the makers data goes to:
    "这些SDK包括：Vivo Push、OPPO Push、华为推送", "终端设备制造商（华为、小米、OPPO）",
    "third-party services such as Firebase and Sentry"."""
    for index, seg in enumerate(doc.segments):
        if seg.cells or seg.kind is SegmentKind.HEADING:
            continue
        text = doc.segment_text(seg)
        norm = normalise(text)
        for regex in (_INLINE_ZH, _INLINE_ZH_BRACKETS, _INLINE_EN):
            m = regex.search(norm)
            if m is None:
                continue
            start = m.start("items")
            items = text[start : m.end("items")]
            offset = 0
            found: list[tuple[str, int]] = []
            for part in _ITEM_SPLIT.split(items):
                at = items.find(part, offset)
                offset = max(offset, at + len(part))
                name = _BRACKETED.sub("", part).strip().strip(_QUOTES).strip()
                name = re.sub(r"(?:等|etc\.?)$", "", name).strip()
                name = re.sub(r"^(?:例如|比如|如|包括|e\.g\.)\s*", "", name).strip()
                if len(name) < 2 or not _inline_name(name):
                    continue
                found.append((name, seg.start + start + max(0, at + part.find(name))))
            if len(found) < 2:
                continue  # one name is a sentence that mentions it, not a list
            for name, name_start in found:
                # The sentence says what the names are for (推送): it narrows a brand.
                yield ListedSdk(name, None, text, index, index, name_start)
            break


def _inline_name(name: str) -> bool:
    if has_cjk(name):
        # A name, not a clause: short, and none of the words a clause or a kind of data has.
        return len(name) <= _MAX_INLINE and not _CLAUSE_ZH.search(name)
    return len(name) <= _MAX_TITLE and _proper_name(name)


# --------------------------------------------------------------------------- resolving rows


@dataclass(frozen=True)
class _Catalogue:
    by_id: dict[str, SdkSignature]
    aliases: tuple[tuple[str, str, bool], ...]
    """(normalised alias, SDK id, the alias is a company or brand name), longest first."""
    made_by: dict[str, tuple[str, ...]]
    """SDK id -> every SDK of its vendor (itself included)."""


@cache
def _catalogue(sdks: tuple[SdkSignature, ...]) -> _Catalogue:
    owners: dict[str, dict[str, str]] = {}
    """alias key -> SDK id -> category."""
    companies: set[str] = set()
    for sdk in sdks:
        names = sdk.policy_names
        vendor = _key(sdk.vendor.split(" (")[0])
        for alias in names:
            key = _key(alias)
            if len(key) < 2 or (not has_cjk(key) and len(key) < 3):
                continue
            owners.setdefault(key, {})[sdk.id] = sdk.category
            if looks_like_company(alias) or key == vendor:
                companies.add(key)
        if len(vendor) >= 3:
            owners.setdefault(vendor, {})[sdk.id] = sdk.category
            companies.add(vendor)
    entries: list[tuple[str, str, bool]] = []
    for key, ids in owners.items():
        # A name that SDKs of different kinds share (百度, 友盟, Facebook) is the company's
        # brand, not one SDK's name.
        brand = key in companies or len(set(ids.values())) > 1
        entries.extend((key, sdk_id, brand) for sdk_id in ids)
    entries.sort(key=lambda e: -len(e[0]))
    vendors: dict[str, list[str]] = {}
    for sdk in sdks:
        vendors.setdefault(_key(sdk.vendor.split(" (")[0]), []).append(sdk.id)
    return _Catalogue(
        by_id={s.id: s for s in sdks},
        aliases=tuple(entries),
        made_by={i: tuple(ids) for ids in vendors.values() for i in ids},
    )


def _contains(haystack: str, needle: str) -> bool:
    """`needle` in `haystack`, whole words for Latin names ("mob" is not in "admob")."""
    if has_cjk(needle):
        return needle in haystack
    at = haystack.find(needle)
    while at >= 0:
        before = haystack[at - 1] if at else ""
        after = haystack[at + len(needle)] if at + len(needle) < len(haystack) else ""
        if not (before.isascii() and before.isalnum()) and not (
            after.isascii() and after.isalnum()
        ):
            return True
        at = haystack.find(needle, at + 1)
    return False


def _named_ids(cat: _Catalogue, text: str, companies: bool) -> list[str]:
    """SDK ids whose alias (company aliases only when `companies`) the text holds; the longest
    alias wins, so 腾讯浏览服务 is not also read as 腾讯."""
    key = _key(text)
    found: list[str] = []
    best = 0
    for alias, sdk_id, is_company in cat.aliases:
        if is_company != companies or len(alias) < best:
            continue
        if _contains(key, alias):
            best = len(alias)
            if sdk_id not in found:
                found.append(sdk_id)
    return found


def _wanted(text: str) -> frozenset[str]:
    """SDK categories a row's name and purpose point to (推送 -> push)."""
    taxonomy = sdk_taxonomy()
    norm = normalise(text)
    return frozenset(
        cat
        for name, regex in _cues().category_words.items()
        if regex.search(norm)
        for cat in taxonomy.covered(name)
    )


def _kinds_named(text: str) -> frozenset[str]:
    norm = normalise(text)
    return frozenset(n for n, r in _cues().category_words.items() if r.search(norm))


def _is_generic_name(row: ListedSdk) -> bool:
    key = _key(row.name)
    if key in _cues().generic_names or not key:
        return True
    return row.company is not None and (key in _key(row.company) or looks_like_company(row.name))


def resolve_row(row: ListedSdk, sdks: Sequence[SdkSignature]) -> tuple[str, ...]:
    """The catalogue SDKs a row names (empty: unknown to the catalogue); see the module doc."""
    cat = _catalogue(tuple(sdks))
    wanted = _wanted(f"{row.name} {row.purpose or ''}")
    by_name = _named_ids(cat, row.name, companies=False)
    if by_name:
        narrowed = [i for i in by_name if cat.by_id[i].category in wanted] or by_name
        return tuple(dict.fromkeys([*narrowed, *_companions(row, narrowed, cat)]))
    brand_ids = _brand_ids(row, cat)
    if brand_ids:
        narrowed = [i for i in brand_ids if cat.by_id[i].category in wanted]
        # The kind the purpose names outright (analytics) before the kinds it covers (apm).
        named_kinds = _kinds_named(f"{row.name} {row.purpose or ''}")
        exact = [i for i in narrowed if cat.by_id[i].category in named_kinds]
        return tuple(exact or narrowed or brand_ids)
    company_ids = _named_ids(cat, row.company or "", companies=True) + [
        i for i in _named_ids(cat, row.name, companies=True)
    ]
    # A company's name the catalogue gives one of its SDKs as an alias (维沃移动通信有限公司 for
    # vivo Push) names the company, which makes its other SDKs too.
    company_ids = list(dict.fromkeys(s for i in company_ids for s in (i, *cat.made_by[i])))
    if not company_ids:
        return ()
    # A name that points to a kind of service keeps the company's SDKs of that kind only; a
    # name that says nothing of its kind keeps them all, and then only a generic name (or a
    # company with a single SDK) may stand for them.
    name_wants = _wanted(row.name)
    kinds = name_wants or wanted
    if kinds:
        company_ids = [i for i in company_ids if cat.by_id[i].category in kinds]
    generic = _is_generic_name(row) or _brand_only(row, cat)
    if len(company_ids) == 1 and (kinds or generic):
        return tuple(company_ids)
    if company_ids and generic:
        # The kind the row names outright (定位 -> location) before the kinds it covers.
        named_kinds = _kinds_named(f"{row.name} {row.purpose or ''}")
        exact = [i for i in company_ids if cat.by_id[i].category in named_kinds] or company_ids
        if len({cat.by_id[i].category for i in exact}) == 1:
            return tuple(exact)  # the company's one line of that product (JPush and JCore)
        # "SDK" by a company of many kinds of SDK, for a purpose several serve: the row names
        # the company, not which of its products (an unknown row with its company).
    return ()


def _companions(row: ListedSdk, named: Sequence[str], cat: _Catalogue) -> list[str]:
    """The row's company's other SDKs, when all it makes is of one kind with the named SDK
    (和讯华谷 makes JPush and the JCore it needs): listing one lists the company's single
    line of product. A company of many kinds (Tencent) adds nothing."""
    if not row.company:
        return []
    owned = _named_ids(cat, row.company, companies=True)
    kinds = {cat.by_id[i].category for i in owned}
    if not owned or len(kinds) != 1 or kinds != {cat.by_id[i].category for i in named}:
        return []
    return [i for i in owned if i not in named]


def _brand_ids(row: ListedSdk, cat: _Catalogue) -> tuple[str, ...]:
    """A row named by a brand the catalogue gives several SDKs as an alias ("Facebook SDK",
    友盟+) names all of them: the row's purpose lists what the one SDK does for the app."""
    key = _key(row.name)
    bare = _NAME_SDK.sub("", key)
    ids = [i for alias, i, brand in cat.aliases if brand and alias in (key, bare)]
    return tuple(dict.fromkeys(i for i in ids if not looks_like_company(cat.by_id[i].name)))


def _brand_only(row: ListedSdk, cat: _Catalogue) -> bool:
    """The row's name is no more than a company's brand and the word SDK (友盟+, 百度SDK), so it
    stands for the company's SDKs; 百度小说SDK names one product, not the brand."""
    key = _NAME_SDK.sub("", _key(row.name))
    return any(brand and alias == key for alias, _id, brand in cat.aliases)


_NAME_SDK = re.compile(r"sdk|插件|服务|组件")


# --------------------------------------------------------------------------- merging


def _evidence(doc: PolicyDocument, row: ListedSdk) -> PolicyEvidence:
    first, last = doc.segments[row.first], doc.segments[row.last]
    strength = SegmentKind.TABLE_ROW if first.cells else first.kind
    if strength is SegmentKind.HEADING and not first.cells:
        strength = SegmentKind.LIST_ITEM  # a service's own sub-heading under a list heading
    return PolicyEvidence(
        text=doc.text[first.start : last.end],
        heading=first.heading,
        start=first.start,
        end=last.end,
        term=row.name,
        term_start=row.name_start,
        strength=strength,
    )


def _category_of(row: ListedSdk) -> str | None:
    norm = normalise(f"{row.purpose or ''} {row.name}")
    return next((n for n, r in _cues().category_words.items() if r.search(norm)), None)


def _names_data(e: PolicyEvidence, sdk: SdkSignature | None) -> bool:
    """The matched name is a kind of data ("we read the AAID", 广告标识符), not the SDK of that
    name; one that carries the vendor's brand (Google Advertising ID) still names the SDK."""
    if term_key(normalise(e.term)) not in _cues().data_terms:
        return False
    brand = _key(sdk.vendor.split()[0]) if sdk is not None and sdk.vendor else ""
    return not (brand and brand in _key(e.term))


_SENTENCE_END = re.compile(r"[.。!！?？;；]")
_TARGET_REACH = 80
"""Characters either side of a name searched for "log in with …" / "…登录"."""


def _is_target_mention(doc: PolicyDocument, e: PolicyEvidence, sdk: SdkSignature | None) -> bool:
    """The sentence names the app or platform only as where to log in, share or pay ("微信登录",
    "log in with QQ", "share to Weibo", "Google Pay 付款"), and says nothing of an SDK being
    embedded. A login or social SDK's name is a target anywhere in a sentence about logging in
    or sharing (以 Facebook 或 Google 帳戶登入); other names only right before or after the
    target word, so a processor the payment is handed to (交由 Stripe 處理) stays named."""
    cues = _cues()
    sentence = normalise(e.text)
    # A hard-wrapped line is cut into one segment per line: read on to the end of the sentence.
    rest = normalise(doc.text[e.end : e.end + 200])
    cut = _SENTENCE_END.search(rest)
    if not _SENTENCE_END.search(sentence[-1:]) and rest:
        sentence_full = sentence + " " + (rest[: cut.end()] if cut else rest)
    else:
        sentence_full = sentence
    if cues.embedded.search(sentence_full):
        return False
    at = e.term_start - e.start
    term = sentence[at : at + len(e.term)]
    # The target words sit next to the name: a bounded window keeps the patterns linear on a
    # sentence of a hundred thousand characters.
    before = sentence[max(0, at - _TARGET_REACH) : at]
    after = sentence[at + len(e.term) : at + len(e.term) + _TARGET_REACH]
    zh = has_cjk(term) or has_cjk(sentence[max(0, at - 8) : at + len(term) + 8])
    words = cues.target_zh if zh else cues.target_en
    for m in words.finditer(term):
        if m.end() == len(term) or (not zh and m.start() == 0):
            return True  # 微信登录, Facebook Login, Sign in with Google
    if zh and (cues.target_after_zh.search(after) or cues.target_before_zh.search(before)):
        return True
    if not zh and (cues.target_after_en.search(after) or cues.target_before_en.search(before)):
        return True
    if sdk is not None and sdk.category in cues.sentence_categories:
        payless = re.sub(r"支付|付款|(?<![a-z])pay(?![a-z])", "", sentence_full)
        return any(r.search(payless) for r in (cues.target_zh, cues.target_en))
    return False


def with_listed_sdks(
    doc: PolicyDocument,
    found: Sequence[ThirdPartyDisclosure],
    sdks: Sequence[SdkSignature],
) -> tuple[ThirdPartyDisclosure, ...]:
    """`found` (what the name search found) with every SDK-list row made a named third party.

    Inside a row only the row speaks: evidence `found` took from a row's other columns is
    dropped. Outside rows, a name that is a kind of data (AAID) is not evidence, and an SDK
    named only as a login / share / payment target becomes a `TARGET` party (kept for the
    reviewer, not a disclosure). Order: named SDKs by id, then targets, then unknown rows and
    named companies, then generic disclosures (as `PolicyAnalysis.third_parties` says)."""
    rows = listed_sdks(doc)
    starts = [doc.segments[r.first].start for r in rows]
    ends = [doc.segments[r.last].end for r in rows]

    def in_row(e: PolicyEvidence) -> bool:
        at = bisect.bisect_right(starts, e.term_start) - 1  # rows are in document order
        return at >= 0 and e.term_start < ends[at]

    by_id: dict[str, ThirdPartyDisclosure] = {}
    others: list[ThirdPartyDisclosure] = []
    generic: list[ThirdPartyDisclosure] = []
    catalogue = _catalogue(tuple(sdks))
    target_only: dict[str, ThirdPartyDisclosure] = {}
    for tp in found:
        if tp.kind is ThirdPartyKind.GENERIC:
            generic.append(tp)
            continue
        kept = tuple(e for e in tp.evidence if not in_row(e))
        targets: tuple[PolicyEvidence, ...] = ()
        sdk = catalogue.by_id.get(tp.sdk_id) if tp.sdk_id is not None else None
        if tp.sdk_id is not None:
            kept = tuple(e for e in kept if not _names_data(e, sdk))
        if tp.sdk_id is not None or tp.kind is ThirdPartyKind.NAMED:
            # A company too ("purchases in the Google Play Store"): where the user buys.
            targets = tuple(e for e in kept if _is_target_mention(doc, e, sdk))
            kept = tuple(e for e in kept if e not in targets)
        if not kept:
            if targets:
                target = replace(tp, evidence=targets, kind=ThirdPartyKind.TARGET)
                if tp.sdk_id is None:
                    others.append(target)
                else:
                    target_only[tp.sdk_id] = target
            continue
        kind = tp.kind
        if kind is ThirdPartyKind.TABLE_ROW and not any(e.strength == "table_row" for e in kept):
            kind = ThirdPartyKind.NAMED
        tp = replace(tp, evidence=kept, kind=kind)
        if tp.sdk_id is None:
            others.append(tp)
        else:
            by_id[tp.sdk_id] = tp

    taxonomy = sdk_taxonomy()
    for row in rows:
        evidence = _evidence(doc, row)
        ids = resolve_row(row, sdks)
        if not ids:
            others.append(
                ThirdPartyDisclosure(
                    sdk_id=None,
                    name=row.name,
                    kind=ThirdPartyKind.TABLE_ROW,
                    category=_category_of(row),
                    evidence=(evidence,),
                    company=row.company,
                )
            )
            continue
        for sdk_id in ids:
            earlier = by_id.get(sdk_id)
            if earlier is None:
                by_id[sdk_id] = ThirdPartyDisclosure(
                    sdk_id=sdk_id,
                    name=row.name,
                    kind=ThirdPartyKind.TABLE_ROW,
                    category=taxonomy.label(catalogue.by_id[sdk_id].category),
                    evidence=(evidence,),
                    company=row.company,
                )
            else:
                by_id[sdk_id] = replace(
                    earlier,
                    name=row.name,
                    kind=ThirdPartyKind.TABLE_ROW,
                    evidence=(*earlier.evidence, evidence),
                    company=earlier.company or row.company,
                )
    named = [by_id[k] for k in sorted(by_id)]
    only_targets = [target_only[k] for k in sorted(target_only) if k not in by_id]
    return (*named, *only_targets, *others, *generic)
