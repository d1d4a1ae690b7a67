# ruff: noqa: RUF001  (Japanese, Chinese and Korean text and punctuation are the point here)
"""Languages are data (issue 13): a language is an entry of signatures/policy/languages.json plus
its words under its tag in categories/*.json and cues.json. Japanese is the proof, with a sample
policy written for this project; a Korean entry added to a copy of the data, with no code, is
read too. SDK aliases take any language tag as well."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import scanner.policy.analyse as analyse_module
import scanner.policy.segment as segment_module
import scanner.policy.vocabulary as vocabulary_module
from scanner.policy import PolicyAnalysis, analyse_policy, load_policy, policy_from_text
from scanner.policy.analyse import detect_language
from scanner.policy.model import MIXED_LANGUAGE
from scanner.policy.vocabulary import load_vocabulary, policy_data_dir, validate_vocabulary
from scanner.resources import data_dir
from scanner.signatures.catalog import schema_problems, sdk_from_doc

REPO = Path(__file__).resolve().parent.parent
JA_POLICY = REPO / "samples" / "policies" / "rakufun-shop-policy-ja.md"


def analyse(text: str, fmt: str = "txt") -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt=fmt), sdks=())


# --------------------------------------------------------------------------- Japanese


@pytest.fixture(scope="module")
def ja() -> PolicyAnalysis:
    return analyse_policy(load_policy(str(JA_POLICY)))


JA_DISCLOSED = {
    "camera": "バーコードを読み取るため、カメラへのアクセス",
    "album": "お客様が選んだ写真や動画にのみアクセス",
    "storage": "端末のストレージにアクセス",
    "location_precise": "GPSで現在地を取得",
    "location_coarse": "GPSで現在地を取得",
    "device_id": "端末識別子と広告IDを取得",
    "phone_state": "電話の状態を取得",
    "network_identifiers": "SSID）とMACアドレスを取得",
    "installed_apps": "インストールされているアプリの一覧を取得",
    "microphone": "マイクへのアクセスを求めます",
    "contacts": "端末の連絡先へのアクセス",
    "clipboard": "クリップボードの内容を読み取ります",
    "motion_sensors": "加速度センサーを使用します",
    "calendar": "カレンダーへのアクセスを求めます",
}


def test_the_japanese_sample_is_read_as_japanese(ja: PolicyAnalysis) -> None:
    assert ja.language == "ja"
    disclosed = {c.category for c in ja.categories if c.status == "disclosed"}
    assert disclosed == set(JA_DISCLOSED)
    assert ja.disclosure("sms").status == "denied"
    assert ja.disclosure("call_log").status == "denied"


@pytest.mark.parametrize(("category", "sentence"), sorted(JA_DISCLOSED.items()))
def test_every_japanese_disclosure_points_at_its_sentence(
    ja: PolicyAnalysis, category: str, sentence: str
) -> None:
    best = ja.disclosure(category).evidence[0]
    assert sentence in best.text
    assert best.strength != "heading"
    assert best.term in best.text


def test_japanese_evidence_offsets_point_into_the_text(ja: PolicyAnalysis) -> None:
    text = load_policy(str(JA_POLICY)).text
    for disclosure in ja.categories:
        for e in disclosure.evidence:
            assert text[e.start : e.end] == e.text
            assert text[e.term_start : e.term_start + len(e.term)] == e.term


def test_japanese_names_sdks_and_keeps_its_traps_apart(ja: PolicyAnalysis) -> None:
    assert {"admob", "firebase-analytics"} <= {t.sdk_id for t in ja.third_parties}
    assert analyse("ご登録の電話番号にSMSで認証コードを送信します。").disclosure("sms").status != (
        "disclosed"
    )
    assert (
        analyse("当社は位置情報を取得しません。").disclosure("location_precise").status == "denied"
    )
    consent = analyse("お客様の同意なく位置情報を第三者に提供しません。")
    assert consent.disclosure("location_precise").status == "disclosed"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We collect your location to show nearby stores.", "en"),
        ("我们会收集您的位置信息，以便为您推荐附近的门店。", "zh-Hans"),
        ("我們會收集您的位置資訊與裝置識別碼，以提供附近門市資訊。", "zh-Hant"),
        ("近くの店舗を表示するため、位置情報を取得します。", "ja"),
        ("我们与メルカリ合作，不会收集您的通讯录，也不会读取您的短信。", "zh-Hans"),
        ("We collect 位置信息 and the device ID when you open 附近门店 in the app today.", "mixed"),
        ("", "en"),
    ],
)
def test_the_language_is_told_from_the_data(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_the_report_schemas_take_every_language_of_the_data() -> None:
    vocab = load_vocabulary()
    tags = [*vocab.tags, *(v for lang in vocab.languages for v in lang.variants), MIXED_LANGUAGE]
    report = json.loads(
        (data_dir("reports") / "schema" / "scan-result.schema.json").read_text(encoding="utf-8")
    )
    policy = json.loads(
        (policy_data_dir() / "schema" / "policy-analysis.schema.json").read_text(encoding="utf-8")
    )
    patterns = [
        report["properties"]["policy"]["properties"]["language"]["pattern"],
        policy["properties"]["language"]["pattern"],
    ]
    for pattern in patterns:
        assert all(re.match(pattern, tag) for tag in tags), pattern
        assert not re.match(pattern, "Japanese")


# --------------------------------------------------------------------------- a language is data


KOREAN = {
    "name": "Korean",
    "about": "Words separated by spaces, written in Hangul; the negation follows the verb.",
    "spaced": True,
    "letters": "가-힣",
    "detect": {"chars": "가-힣", "unit": "char", "per_word": 2.5, "segment_share": 0.2,
               "document_share": 0.6},
    "near": 24,
    "clause_breaks": ".;:",
    "negation": {
        "cues": ["절대"], "verbs": ["수집", "이용", "접근"], "passive": ["않습니다", "않음"],
        "direct_window": 0, "window": 20, "passive_window": 12, "order": "verb_first",
        "needs_verb": ["절대"], "breaks_before": "", "breaks_after": ".",
    },
    "list_joiners": [",", "및"],
    "restoring_window": 8,
    "bracket_max_inner": 12,
}  # fmt: skip


@pytest.fixture
def with_korean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the vocabulary with a Korean entry and one Korean term, read instead of the
    bundled one: no code is changed."""
    folder = tmp_path / "policy"
    shutil.copytree(policy_data_dir(), folder)
    langs_path = folder / "languages.json"
    langs = json.loads(langs_path.read_text(encoding="utf-8"))
    langs["languages"]["ko"] = KOREAN
    langs_path.write_text(json.dumps(langs, ensure_ascii=False), encoding="utf-8")
    for path in (folder / "categories").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["examples"]["ko"] = {
            "positive": ["위치 정보를 수집합니다."],
            "negative": ["카메라는 사용하지 않습니다."],
        }
        if path.stem == "location_precise":
            doc["terms"]["ko"] = ["위치 정보"]
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    caches = (load_vocabulary, analyse_module._compiled, segment_module._abbreviations)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(vocabulary_module, "policy_data_dir", lambda: folder)
    yield folder
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()


def test_a_new_language_is_an_entry_in_the_data(with_korean: Path) -> None:
    assert validate_vocabulary(with_korean) == []
    assert detect_language("위치 정보를 수집합니다. 서비스 제공을 위해 사용합니다.") == "ko"
    found = analyse("서비스 제공을 위해 위치 정보를 수집합니다.").disclosure("location_precise")
    assert found.status == "disclosed"
    assert analyse("위치 정보를 수집하지 않습니다.").disclosure("location_precise").status == (
        "denied"
    )


def test_words_under_an_unknown_language_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    shutil.copytree(policy_data_dir(), folder)
    path = folder / "categories" / "camera.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["terms"]["ko"] = ["카메라"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    cues_path = folder / "cues.json"
    cues = json.loads(cues_path.read_text(encoding="utf-8"))
    cues["contrast"]["ko"] = ["하지만"]
    cues_path.write_text(json.dumps(cues, ensure_ascii=False), encoding="utf-8")
    problems = validate_vocabulary(folder)
    assert any("camera.json: terms: 'ko'" in p for p in problems)
    assert any("contrast/ko" in p for p in problems)


# --------------------------------------------------------------------------- SDK aliases


def _sdk_doc(aliases: dict[str, list[str]]) -> dict[str, object]:
    return {
        "id": "demo-push",
        "name": "Demo Push SDK",
        "vendor": "Demo Inc.",
        "category": "push",
        "tracking": True,
        "collects": ["device_id"],
        "detection": {"packages": ["com.demo.push"]},
        "aliases": aliases,
        "sources": ["written for this test"],
        "examples": {"positive": ["com.demo.push.Client"], "negative": ["com.demo.pusher.X"]},
    }


def test_sdk_aliases_take_any_language_tag() -> None:
    aliases = {
        "en": ["Demo Push"],
        "zh-Hans": ["演示推送"],
        "zh-Hant": ["演示推播"],
        "ja": ["デモ通知"],
    }
    doc = _sdk_doc(aliases)
    assert schema_problems(doc, "sdk", Path("demo-push.json")) == []
    sdk = sdk_from_doc(doc)
    assert sdk.aliases_in("ja") == ("デモ通知",)
    assert sdk.aliases_in("en") == ("Demo Push",) and sdk.aliases_in("zh-Hans") == ("演示推送",)
    assert set(sdk.alias_names) == {"Demo Push", "演示推送", "演示推播", "デモ通知"}
    for text in (
        "通知の配信のため、デモ通知に端末識別子を送信します。",
        "我們使用演示推播傳送通知。",
    ):
        found = analyse_policy(policy_from_text(text, fmt="txt"), sdks=[sdk])
        assert [t.sdk_id for t in found.third_parties if t.sdk_id] == ["demo-push"], text


def test_sdk_aliases_reject_a_key_that_is_no_language_tag() -> None:
    problems = schema_problems(_sdk_doc({"Japanese": ["デモ通知"]}), "sdk", Path("x.json"))
    assert problems
    sdk = sdk_from_doc(_sdk_doc({"en": ["Demo Push"]}))
    found = analyse_policy(policy_from_text("デモ通知に送信します。", fmt="txt"), sdks=[sdk])
    assert not [t for t in found.third_parties if t.sdk_id]


# --------------------------------------------------------------------------- Traditional Chinese


def test_traditional_chinese_corpus_documents_disclose_every_category() -> None:
    # Traditional Chinese goes through OpenCC t2s with offsets kept; the corpus holds a zh-Hant
    # document disclosing each category, and the reader reads each of them so.
    corpus = REPO / "samples" / "policies" / "corpus"
    covered: set[str] = set()
    for labels_path in sorted(corpus.glob("*.labels.json")):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        if labels["language"] != "zh-Hant":
            continue
        stem = labels_path.name[: -len(".labels.json")]
        policy = next(p for p in corpus.glob(stem + ".*") if not p.name.endswith(".labels.json"))
        analysis = analyse_policy(load_policy(str(policy)))
        assert analysis.language == "zh-Hant", policy.name
        text = load_policy(str(policy)).text
        for category in labels["disclosed"]:
            disclosure = analysis.disclosure(category)
            assert disclosure.status == "disclosed", (policy.name, category)
            best = disclosure.evidence[0]
            assert text[best.term_start : best.term_start + len(best.term)] == best.term
            covered.add(category)
    assert covered == {c.id for c in load_vocabulary().categories}
