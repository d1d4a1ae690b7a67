# ruff: noqa: RUF001  (Chinese policy text is the point of these tests)
"""SDK lists read as lists (scanner/policy/sdk_lists.py): every row of a table, label block,
"由…提供" item or third-party-services list is a named third party, known to the catalogue or
not; a login / share / payment target is not an SDK disclosure.

The policies in samples/policies/sdk_lists/ are written for these tests (zh-Hans, zh-Hant, en;
Markdown, HTML, plain text). The real SDK-list policies labelled in tests/data/ are read from a
git-ignored cache, and that test skips when the cache is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO
from test_rules import _scan, _sdk

from scanner.compare import audit
from scanner.policy import PolicyAnalysis, analyse_policy, analysis_to_dict, load_policy
from scanner.policy.loader import policy_from_text
from scanner.policy.model import ThirdPartyDisclosure
from scanner.policy.sdk_lists import ListedSdk, label_role, listed_sdks, resolve_row
from scanner.signatures.catalog import builtin_sdks

sys.path.insert(0, str(REPO / "scripts"))
from eval_policy import (  # a developer script, not the package
    DEFAULT_SDK_CACHE,
    SDK_LABELS,
    Score,
    evaluate_sdk_lists,
    score_sdk_list,
)

LISTS = REPO / "samples" / "policies" / "sdk_lists"


def _analyse(name: str) -> PolicyAnalysis:
    return analyse_policy(load_policy(str(LISTS / name)))


def _party(analysis: PolicyAnalysis, name: str) -> ThirdPartyDisclosure:
    return next(t for t in analysis.third_parties if t.name == name)


def _named(analysis: PolicyAnalysis) -> set[str]:
    return {t.sdk_id for t in analysis.third_parties if t.sdk_id and analysis.names_sdk(t.sdk_id)}


# --------------------------------------------------------------------------- Markdown table


@pytest.fixture(scope="module")
def zhs_table() -> PolicyAnalysis:
    return _analyse("zhs_table.md")


def test_markdown_table_row_names_a_known_sdk_by_its_alias(zhs_table: PolicyAnalysis) -> None:
    xiaomi = next(t for t in zhs_table.third_parties if t.sdk_id == "xiaomi-push")
    assert xiaomi.kind == "table_row" and xiaomi.name == "小米推送"
    assert xiaomi.company == "北京小米移动软件有限公司"
    assert xiaomi.evidence[0].text.startswith("小米推送 | 北京小米移动软件有限公司")


def test_markdown_table_row_unknown_to_the_catalogue_keeps_name_and_company(
    zhs_table: PolicyAnalysis,
) -> None:
    row = _party(zhs_table, "云朵备份SDK")
    assert row.sdk_id is None and row.kind == "table_row"
    assert row.company == "杭州云朵数据有限公司"
    assert "把账本加密备份到云端" in row.evidence[0].text


def test_a_company_of_many_sdks_does_not_disclose_them_for_a_specific_name(
    zhs_table: PolicyAnalysis,
) -> None:
    # The row names one product by its own name: that SDK, not every SDK of its company.
    row = _party(zhs_table, "腾讯云慧眼人脸核身SDK")
    assert row.sdk_id == "tencent-faceid"
    tencent = {s for s in _named(zhs_table) if s.startswith(("tencent", "qq", "wechat"))}
    assert tencent == {"tencent-faceid"}


def test_a_brand_row_is_narrowed_by_its_purpose(zhs_table: PolicyAnalysis) -> None:
    # 友盟+ is the brand of four SDKs; the row's purpose (统计) picks the analytics one.
    assert zhs_table.names_sdk("umeng-analytics")
    assert not zhs_table.names_sdk("umeng-push") and not zhs_table.names_sdk("umeng-share")


def test_login_with_wechat_or_qq_is_not_an_sdk_disclosure(zhs_table: PolicyAnalysis) -> None:
    for sdk_id in ("wechat-opensdk", "qq-opensdk"):
        assert not zhs_table.names_sdk(sdk_id), sdk_id
        target = next(t for t in zhs_table.third_parties if t.sdk_id == sdk_id)
        assert target.kind == "target"
        assert "使用微信登录或QQ登录" in target.evidence[0].text


def test_a_sentence_that_says_the_sdk_is_embedded_still_names_it() -> None:
    text = "我们接入了微信开放平台SDK，用于微信登录和分享。"
    analysis = analyse_policy(policy_from_text(text))
    assert analysis.names_sdk("wechat-opensdk")
    english = analyse_policy(policy_from_text("The app embeds the QQ SDK to let you log in."))
    assert english.names_sdk("qq-opensdk")


@pytest.mark.parametrize(
    ("text", "sdk_id"),
    [
        ("You can log in with QQ.", "qq-opensdk"),
        ("Share a note to Weibo from the menu.", "weibo-sdk"),
        ("您可以将文章分享到微信好友。", "wechat-opensdk"),
        ("您也可以使用支付宝支付订单。", "alipay"),
    ],
)
def test_login_share_and_payment_targets_are_not_sdk_disclosures(text: str, sdk_id: str) -> None:
    assert not analyse_policy(policy_from_text(text)).names_sdk(sdk_id)


def test_a_payment_processor_is_named_not_a_target() -> None:
    # Stripe processes the payments: it receives data, it is not where the user pays.
    analysis = analyse_policy(policy_from_text("網頁上的訂閱付款交由 Stripe 處理。"))
    assert analysis.names_sdk("stripe")


# --------------------------------------------------------------------------- HTML table, zh-Hant


def test_html_table_in_traditional_chinese() -> None:
    zht = _analyse("zht_table.html")
    assert zht.language == "zh-Hant"
    assert _named(zht) == {"amap", "crashlytics"}
    jkopay = _party(zht, "街口支付SDK")
    assert jkopay.sdk_id is None and jkopay.company == "街口電子支付股份有限公司"
    assert jkopay.category == "payment"
    assert next(t for t in zht.third_parties if t.sdk_id == "facebook-login").kind == "target"


# --------------------------------------------------------------------------- plain-text blocks


@pytest.fixture(scope="module")
def blocks() -> PolicyAnalysis:
    return _analyse("zhs_blocks.txt")


def test_label_block_names_the_sdk_and_its_single_line_company(blocks: PolicyAnalysis) -> None:
    # 和讯华谷 makes only push SDKs (JPush and the JCore it needs): the row names both.
    assert {"jpush", "jcore"} <= _named(blocks)
    jpush = next(t for t in blocks.third_parties if t.sdk_id == "jpush")
    assert jpush.name == "极光推送SDK" and jpush.company == "深圳市和讯华谷信息技术有限公司"
    assert "隐私政策链接" in jpush.evidence[0].text


def test_label_block_under_a_title_line_without_a_name_label(blocks: PolicyAnalysis) -> None:
    row = _party(blocks, "书签同步")
    assert row.sdk_id is None and row.company == "北京书签云科技有限公司"


def test_provided_by_items(blocks: PolicyAnalysis) -> None:
    assert _party(blocks, "穿山甲").sdk_id == "pangle-csj"
    ink = _party(blocks, "墨水排版")
    assert ink.sdk_id is None and ink.company == "上海墨水软件有限公司"


def test_label_lines_without_a_name_or_company_are_no_row(blocks: PolicyAnalysis) -> None:
    names = {t.name for t in blocks.third_parties}
    assert not names & {"页面信息", "青柠阅读", "标题"}


# --------------------------------------------------------------------------- English lists


@pytest.fixture(scope="module")
def services() -> PolicyAnalysis:
    return _analyse("en_services.md")


def test_third_party_services_list_items_are_named_parties(services: PolicyAnalysis) -> None:
    assert {"admob", "sentry"} <= _named(services)
    vision = _party(services, "Leafcheck Vision SDK")
    assert vision.sdk_id is None and vision.kind == "table_row"


def test_a_link_only_item_under_a_services_sentence_is_kept(services: PolicyAnalysis) -> None:
    sentry = next(t for t in services.third_parties if t.sdk_id == "sentry")
    assert sentry.evidence[0].text == "Sentry"


def test_reasons_in_a_list_are_not_names(services: PolicyAnalysis) -> None:
    names = " ".join(t.name for t in services.third_parties)
    assert "facilitate" not in names and "analyzing" not in names
    assert "Leafcheck Cloud" not in {t.name for t in services.third_parties}


def test_english_share_target_is_not_a_disclosure(services: PolicyAnalysis) -> None:
    assert not services.names_sdk("wechat-opensdk")
    assert not services.names_sdk("google-sign-in")


def test_one_heading_per_service() -> None:
    headings = _analyse("en_headings.md")
    names = {t.name for t in headings.third_parties}
    assert {"Mapbox", "OneSignal"} <= names and "Contact" not in names
    assert headings.names_sdk("onesignal")


# --------------------------------------------------------------------------- resolving and labels


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("第三方SDK名称", "name"),
        ("第三方SDK提供方的公司名称", "company"),
        ("使用目的及功能场景", "purpose"),
        ("处理的个人信息类型", "data"),
        ("共享信息名称", "data"),
        ("隐私政策链接", "link"),
        ("權限名稱", "permission"),
        ("Provider", "company"),
        ("生效日期", None),
    ],
)
def test_label_roles(label: str, role: str | None) -> None:
    assert label_role(label) == role


@pytest.mark.parametrize(
    ("name", "company", "purpose", "expected"),
    [
        ("小米推送", "北京小米移动软件有限公司", None, {"xiaomi-push"}),
        ("小米通道SDK", "北京小米移动软件有限公司", "消息推送", {"xiaomi-push"}),
        ("小米联运SDK", "北京小米移动软件有限公司", "小米账号登录、支付", {"xiaomi-game"}),
        ("SDK", "深圳市腾讯计算机系统有限公司", "消息推送", {"tencent-tpns"}),
        # A company of many kinds of SDK, for a purpose two of them serve: the company only.
        ("SDK", "深圳市腾讯计算机系统有限公司", "地图展示和消息推送", set()),
        # The company's one line of that product: both.
        ("SDK", "深圳市和讯华谷信息技术有限公司", "消息推送", {"jpush", "jcore"}),
        # The catalogue gives this company name to vivo Push only, but vivo makes four SDKs.
        ("SDK", "维沃移动通信有限公司", None, set()),
        ("SDK", "维沃移动通信有限公司", "消息推送", {"vivo-push"}),
        ("腾讯图灵盾风险识别SDK", "深圳市腾讯计算机系统有限公司", "风险识别", set()),
        ("百度小说SDK", "北京百度网讯科技有限公司", "提供小说阅读服务", set()),
        ("Facebook SDK", "Meta Platforms, Inc.", "Login and app events", None),
    ],
)
def test_resolve_row(
    name: str, company: str, purpose: str | None, expected: set[str] | None
) -> None:
    ids = set(resolve_row(ListedSdk(name, company, purpose, 0, 0, 0), builtin_sdks()))
    if expected is None:
        assert ids == {"facebook-analytics", "facebook-login"}
    else:
        assert ids == expected


def test_a_permission_table_is_not_an_sdk_list() -> None:
    text = "| 权限名称 | 使用目的 |\n|---|---|\n| 相机 | 扫描二维码 |\n| 定位 | 推荐附近门店 |\n"
    assert listed_sdks(policy_from_text(text, "permissions.md")) == ()


def test_policy_json_carries_company_and_target_and_matches_its_schema(
    zhs_table: PolicyAnalysis,
) -> None:
    data = analysis_to_dict(zhs_table)
    schema_path = REPO / "signatures" / "policy" / "schema" / "policy-analysis.schema.json"
    jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))
    kinds = {t["kind"] for t in data["third_parties"]}
    assert {"table_row", "target"} <= kinds
    assert any(t["company"] == "杭州云朵数据有限公司" for t in data["third_parties"])


# --------------------------------------------------------------------------- compare rules


def test_ps101_is_quiet_for_an_sdk_listed_by_alias_and_company() -> None:
    policy = _analyse("zhs_table.md")
    ids = {f.subject for f in audit(_scan(sdks=(_sdk("xiaomi-push"),)), policy).findings}
    assert "xiaomi-push" not in ids


def test_an_sdk_named_only_as_a_login_target_is_vendor_named_only() -> None:
    """The policy names WeChat as a login option, not its SDK as part of the app: a low PS103
    with the login sentence as evidence, neither a PS101 (nothing said) nor no finding."""
    policy = _analyse("zhs_table.md")
    findings = audit(_scan(sdks=(_sdk("wechat-opensdk"),)), policy).findings
    mine = [f for f in findings if f.subject == "wechat-opensdk"]
    assert [f.rule.id for f in mine] == ["PS103"]
    assert "only as a way to log in" in mine[0].message
    assert "微信登录" in mine[0].policy_evidence[0].text
    assert not [f for f in findings if f.rule.id == "PS402" and f.subject == "wechat-opensdk"]


def test_ps402_keeps_a_brand_row_when_one_of_its_sdks_is_embedded() -> None:
    text = (
        "第三方SDK目录\n\nSDK名称：友盟+\n公司名称：友盟同欣（北京）科技有限公司\n"
        "收集信息：设备标识符\n"
    )
    policy = analyse_policy(policy_from_text(text))
    assert {"umeng-analytics", "umeng-push"} <= _named(policy)
    findings = audit(_scan(sdks=(_sdk("umeng-push"),)), policy).findings
    assert not [f for f in findings if f.rule.id == "PS402"]
    alone = audit(_scan(), policy).findings
    assert {f.subject for f in alone if f.rule.id == "PS402"} >= {"umeng-push"}


# --------------------------------------------------------------------------- measuring


def test_sdk_list_score_counts_rows_once_and_strays_as_false_positives() -> None:
    policy = _analyse("zhs_table.md")
    predicted = [t for t in policy.third_parties if t.kind not in ("generic", "target")]
    labels: list[dict[str, object]] = [
        {"name": "小米推送", "sdk": ["xiaomi-push"]},
        {"name": "云朵备份SDK", "sdk": []},
        {"name": "腾讯云慧眼人脸核身SDK", "sdk": []},
        {"name": "友盟+", "sdk": ["umeng-analytics"]},
        {"name": "神策分析", "sdk": ["sensors-data"]},
    ]
    score, mistakes = Score(), []
    score_sdk_list("zhs_table", predicted, labels, score, mistakes)
    assert (score.tp, score.fp, score.fn) == (4, 0, 1)
    assert mistakes == ["zhs_table: missed 神策分析"]
    score2, mistakes2 = Score(), []
    score_sdk_list("zhs_table", predicted, labels[:1], score2, mistakes2)
    assert (score2.tp, score2.fp) == (1, 3)


def test_real_sdk_list_policies_reach_the_acceptance_figures() -> None:
    cache = Path(DEFAULT_SDK_CACHE)
    if not cache.is_dir() or not any(cache.iterdir()):
        pytest.skip(f"real SDK-list policies not in {cache} (eval_policy.py --populate-sdk-cache)")
    ev = evaluate_sdk_lists(SDK_LABELS, cache)
    if ev.missing:
        pytest.skip(f"not in the cache: {', '.join(ev.missing)}")
    total = ev.overall()
    assert total.precision >= 0.90 and total.recall >= 0.90, ev.mistakes
    assert sum(ev.documents.values()) >= 10
    assert {lang.split()[0] for lang in ev.documents} >= {"en", "zh-Hans"}


def test_labels_file_names_where_each_text_lives() -> None:
    data = json.loads(SDK_LABELS.read_text(encoding="utf-8"))
    for item in data["policies"]:
        assert set(item) >= {"id", "repo", "commit", "path", "file", "lang", "third_parties"}
        assert len(item["commit"]) == 40 and item["third_parties"]
        assert "text" not in item  # labels and places only: the texts never enter the repo


# --------------------------------------------------------------------------- enumerations


def test_sdks_enumerated_in_a_sentence_are_rows() -> None:
    text = "为向您推送消息，这些SDK包括：vivo推送（仅vivo手机）、OPPO Push、云鹊推送等。"
    analysis = analyse_policy(policy_from_text(text))
    assert {"vivo-push", "oppo-push"} <= _named(analysis)
    assert _party(analysis, "云鹊推送").sdk_id is None


def test_makers_in_brackets_are_named_parties() -> None:
    text = "为适配消息推送，我们会与终端设备制造商（华为、小米、魅族等）共享设备型号。"
    names = {t.name for t in analyse_policy(policy_from_text(text)).third_parties}
    assert {"华为", "小米", "魅族"} <= names


def test_english_services_such_as() -> None:
    text = "We rely on third-party services such as Firebase Crashlytics and Acme Relay."
    analysis = analyse_policy(policy_from_text(text))
    assert "crashlytics" in _named(analysis)
    assert _party(analysis, "Acme Relay").sdk_id is None


@pytest.mark.parametrize(
    "text",
    [
        "（3）支付功能：支付功能由与我们合作的第三方支付机构向您提供服务。",
        "4、收集：指获得对个人信息的控制权的行为，包括由个人信息主体主动提供的信息。",
        "我们使用的SDK包括：用于统计的工具。",
    ],
)
def test_clauses_are_not_rows(text: str) -> None:
    assert listed_sdks(policy_from_text(text)) == ()
