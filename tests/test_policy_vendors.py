# ruff: noqa: RUF001  (Chinese policy text is the point of these tests)
"""A company named in a policy's prose (scanner/policy/analyse.py, scanner/policy/operator.py):
the maker of several kinds of SDK stands for none of them unless the sentence says which, the
maker named beside its SDK is that SDK's company, and the policy's own operator is no third
party. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest
from test_rules import _scan, _sdk

from scanner.compare import audit
from scanner.policy import PolicyAnalysis, analyse_policy
from scanner.policy.loader import policy_from_text
from scanner.policy.operator import is_operator, operator_names


def _analyse(text: str, fmt: str = "txt") -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt=fmt))


def _sdk_ids(analysis: PolicyAnalysis) -> set[str]:
    return {t.sdk_id for t in analysis.third_parties if t.sdk_id and analysis.names_sdk(t.sdk_id)}


def _companies(analysis: PolicyAnalysis) -> set[str]:
    return {t.name for t in analysis.third_parties if t.sdk_id is None and t.kind == "named"}


# --------------------------------------------------------------------------- a maker of many SDKs


def test_a_company_of_many_kinds_of_sdk_named_for_several_purposes_is_the_company() -> None:
    analysis = _analyse(
        "我们会把设备信息提供给深圳市腾讯计算机系统有限公司，用于地图展示和消息推送。"
    )
    assert not {i for i in _sdk_ids(analysis) if i.startswith("tencent")}
    # A data flow to it: the company is still a named third party.
    assert "深圳市腾讯计算机系统有限公司" in _companies(analysis)


def test_a_company_named_for_one_kind_of_sdk_names_that_sdk() -> None:
    analysis = _analyse("为了向您推送消息，我们接入了深圳市和讯华谷信息技术有限公司提供的推送SDK。")
    assert {"jpush", "jcore"} <= _sdk_ids(analysis)


def test_a_bare_vendor_name_for_two_kinds_of_service_is_no_sdk() -> None:
    analysis = _analyse("Huawei receives the device identifier to show ads and measure app events.")
    assert not {i for i in _sdk_ids(analysis) if i.startswith("huawei")}
    assert "Huawei" in _companies(analysis)


def test_a_bare_vendor_name_for_one_kind_of_service_still_names_its_sdk() -> None:
    analysis = _analyse("We send the device token to Huawei so that it can deliver push messages.")
    assert "huawei-push" in _sdk_ids(analysis)


def test_a_company_name_that_is_one_sdks_alias_stands_for_the_company() -> None:
    # The catalogue gives 北京火山引擎科技有限公司 as an alias of its analytics SDK, but the
    # company makes push, RTC and APM SDKs too.
    analysis = _analyse("我们会与北京火山引擎科技有限公司共享您的设备型号。")
    assert not analysis.names_sdk("bytedance-applog")
    assert "北京火山引擎科技有限公司" in _companies(analysis)


def test_the_product_name_of_that_company_still_names_its_sdk() -> None:
    analysis = _analyse("我们使用火山引擎增长分析统计页面的访问次数。")
    assert analysis.names_sdk("bytedance-applog")


def test_a_company_named_as_the_store_the_app_is_sold_in_is_a_target() -> None:
    analysis = _analyse("You can buy the full version of the app in the Google Play Store.")
    assert [(t.name, t.kind) for t in analysis.third_parties] == [("Google", "target")]
    store = _analyse("您可以在vivo应用商店下载本应用的新版本。")
    assert [(t.name, t.kind) for t in store.third_parties] == [("vivo", "target")]


def test_a_company_sent_data_is_no_target() -> None:
    analysis = _analyse("We send crash reports to Google so that it can group them.")
    assert "Google" in _companies(analysis)


def test_an_sdk_said_to_be_embedded_is_named_though_the_store_is_mentioned() -> None:
    text = (
        "The app embeds the Google Play Billing Library to sell upgrades in the Google Play Store."
    )
    assert _analyse(text).names_sdk("google-play-billing")


# --------------------------------------------------------------------------- the SDK's maker


def test_the_maker_named_beside_its_sdk_is_that_sdks_company() -> None:
    analysis = _analyse("Bugly（由深圳市腾讯计算机系统有限公司提供）会在应用崩溃时收集崩溃日志。")
    bugly = next(t for t in analysis.third_parties if t.sdk_id == "bugly")
    assert bugly.company == "深圳市腾讯计算机系统有限公司"
    assert not _companies(analysis)


def test_the_maker_under_the_heading_of_its_sdk_is_no_other_party() -> None:
    text = (
        "# Crash reports\n\n## Visual Studio App Center\n\n"
        "We use Visual Studio App Center to learn why the app crashed.\n\n"
        "The crash reports are stored by Microsoft for ninety days.\n"
    )
    analysis = _analyse(text, fmt="md")
    assert "Microsoft" not in _companies(analysis)
    centre = next(t for t in analysis.third_parties if t.sdk_id == "appcenter-analytics")
    assert centre.company == "Microsoft"


def test_a_vendor_for_one_kind_of_service_under_its_sdks_heading_names_that_service() -> None:
    text = (
        "# Services\n\n## Google Analytics\n\n"
        "We use Google Analytics to count visits.\n\n"
        "Google delivers our push notifications.\n"
    )
    analysis = _analyse(text, fmt="md")
    assert {"google-analytics", "firebase-messaging"} <= _sdk_ids(analysis)


def test_a_vendor_under_the_heading_of_another_vendors_sdk_stays_a_party() -> None:
    text = (
        "# Notifications\n\n## OneSignal\n\n"
        "We use OneSignal to send notifications.\n\n"
        "Crash reports are stored by Microsoft for ninety days.\n"
    )
    assert "Microsoft" in _companies(_analyse(text, fmt="md"))


# --------------------------------------------------------------------------- the operator


_OWN = "本政策适用于星河网络科技有限公司（以下简称“vivo阅读”或“我们”）提供的阅读服务。\n\n"


def test_the_operator_is_read_from_the_opening_lines() -> None:
    doc = policy_from_text(_OWN + "我们会收集您的设备型号。")
    assert operator_names(doc) == ("星河网络科技有限公司", "vivo阅读")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('Lumen Apps Inc. ("we", "us") makes this app.', ("Lumen Apps Inc",)),
        ("We, Harbor Notes Ltd., respect your privacy, and so on.", ("Harbor Notes Ltd",)),
        ("我们（青松文具有限公司）重视您的隐私。", ("青松文具有限公司",)),
        # A short name for the policy itself is no operator.
        ("我们制定了《青松隐私政策》（以下简称“本政策”），请您阅读。", ()),
        ("We collect your email address to sign you in.", ()),
    ],
)
def test_operator_cues(text: str, names: tuple[str, ...]) -> None:
    assert operator_names(policy_from_text(text)) == names


def test_the_operators_own_brand_is_no_third_party() -> None:
    analysis = _analyse(_OWN + "vivo将采取合理的措施保护您的信息。我们会通过vivo向您推送消息。")
    assert not {i for i in _sdk_ids(analysis) if i.startswith("vivo")}
    assert "vivo" not in _companies(analysis)


def test_the_brand_of_another_operator_is_a_third_party() -> None:
    text = "本政策适用于星河网络科技有限公司提供的阅读服务。\n\n我们会通过vivo向您推送消息。"
    assert "vivo-push" in _sdk_ids(_analyse(text))


def test_an_sdk_of_the_operators_brand_named_as_such_is_still_named() -> None:
    analysis = _analyse(_OWN + "我们集成了vivo推送SDK，用于向您推送消息。")
    assert analysis.names_sdk("vivo-push")


@pytest.mark.parametrize(
    ("name", "operators", "expected"),
    [
        ("vivo", ("vivo浏览器",), True),
        ("Huawei", ("Huawei Technologies Co., Ltd.",), True),
        ("Meta", ("Metadata Labs Ltd",), False),
        ("vivo", ("星河网络科技有限公司",), False),
        ("vivo", (), False),
    ],
)
def test_is_operator(name: str, operators: tuple[str, ...], expected: bool) -> None:
    assert is_operator(name, operators) is expected


# ----------------------------------------------------------------- what compare makes of it


def _rules_for(analysis: PolicyAnalysis, sdk_id: str) -> list[str]:
    findings = audit(_scan(sdks=(_sdk(sdk_id),)), analysis).findings
    return [f.rule.id for f in findings if f.subject == sdk_id and f.rule.id.startswith("PS10")]


def test_the_operators_brand_does_not_hide_its_embedded_sdk() -> None:
    analysis = _analyse(_OWN + "vivo将采取合理的措施保护您的信息。我们会通过vivo向您推送消息。")
    assert _rules_for(analysis, "vivo-push") == ["PS101"]


def test_a_vendor_named_for_another_of_its_sdks_is_still_ps103() -> None:
    analysis = _analyse(_OWN + "我们集成了vivo推送SDK，用于向您推送消息。")
    assert _rules_for(analysis, "vivo-push") == []
    assert _rules_for(analysis, "vivo-ads") == ["PS103"]


def test_a_row_that_names_only_the_vendor_is_ps103() -> None:
    text = (
        "第三方SDK目录\n\nSDK名称：SDK\n公司名称：维沃移动通信有限公司\n"
        "使用目的：提供手机厂商的系统服务\n收集信息：设备标识符\n"
    )
    analysis = _analyse(text)
    assert not {i for i in _sdk_ids(analysis) if i.startswith("vivo")}
    findings = audit(_scan(sdks=(_sdk("vivo-push"),)), analysis).findings
    mine = [f for f in findings if f.subject == "vivo-push" and f.rule.id.startswith("PS10")]
    assert [f.rule.id for f in mine] == ["PS103"]
    assert "names its vendor (维沃移动通信有限公司) but not this SDK" in mine[0].message


def test_a_company_named_in_prose_is_its_sdks_vendor() -> None:
    analysis = _analyse("We send crash reports to Google so that it can group them.")
    assert _rules_for(analysis, "crashlytics") == ["PS103"]


def test_another_company_named_in_prose_is_not_its_vendor() -> None:
    analysis = _analyse("We send crash reports to Microsoft so that it can group them.")
    assert _rules_for(analysis, "crashlytics") == ["PS101"]


def test_the_analysis_keeps_the_operator_for_the_compare_stage() -> None:
    ours = _analyse("本隐私政策适用于vivo浏览器提供的全部服务。我们会收集您的设备信息。")
    assert ours.operators == ("vivo浏览器",)
    scan = _scan(sdks=(_sdk("vivo-push"),))
    (finding,) = [f for f in audit(scan, ours).findings if f.subject == "vivo-push"]
    assert finding.severity.value == "info"
    # A third party's app that only mentions vivo names no operator: a real finding.
    theirs = _analyse("我们会通过vivo推送服务向您发送通知。")
    assert theirs.operators == ()
