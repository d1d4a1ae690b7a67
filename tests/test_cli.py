"""The command line, called in-process through main(argv) -> exit code."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, SHOP_POLICY, sample_apk

from scanner.cli import main

SCHEMA = json.loads((REPO / "reports" / "schema" / "scan-result.schema.json").read_text())

# A small tracker file in the εxodus format ({"trackers": {"<id>": {...}}}), written by the tests
# so they do not need the real database. The trackers are made up, except AppsFlyer, whose package
# a built-in signature already covers.
EXODUS_TRACKERS = {
    "trackers": {
        "901": {
            "id": 901,
            "name": "Pinpoint Beacons",
            "description": "Made-up location tracker for the tests.",
            "creation_date": "2026-03-01",
            "code_signature": "com.example.pinpoint.|org.example.pinbeacon.",
            "network_signature": "pinpoint\\.example",
            "website": "https://pinpoint.example",
            "categories": ["Location"],
            "documentation": [],
        },
        "902": {
            "id": 902,
            "name": "Orbit Metrics",
            "description": "Made-up tracker known by one class name only.",
            "creation_date": "2026-03-01",
            "code_signature": ".OrbitMetricsManager",
            "network_signature": "",
            "website": "https://orbit.example",
            "categories": ["Analytics"],
            "documentation": [],
        },
        "903": {
            "id": 903,
            "name": "AppsFlyer",
            "description": "Covered by the built-in appsflyer signature.",
            "creation_date": "2026-03-01",
            "code_signature": "com.appsflyer.",
            "network_signature": "appsflyer\\.com",
            "website": "https://www.appsflyer.com",
            "categories": ["Analytics"],
            "documentation": [],
        },
        "904": {
            "id": 904,
            "name": "Network Only",
            "description": "No code signature: cannot be found statically.",
            "creation_date": "2026-03-01",
            "code_signature": "",
            "network_signature": "netonly\\.example",
            "website": "https://netonly.example",
            "categories": ["Advertisement"],
            "documentation": [],
        },
    }
}


@pytest.fixture
def exodus_file(tmp_path: Path) -> Path:
    path = tmp_path / "exodus_trackers.json"
    path.write_text(json.dumps(EXODUS_TRACKERS, ensure_ascii=False), encoding="utf-8")
    return path


def test_scan_writes_json_that_matches_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert main(["scan", str(sample_apk("shopping-demo")), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["app"]["package"] == "com.rakufun.shop"
    assert {s["id"] for s in doc["sdks"] if s["status"] == "present"} >= {"alipay", "jpush"}
    assert all(s["evidence"] for s in doc["sdks"])
    assert "Rakufun Shop" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["video-demo", "plain-notes", "label-xss", "shopping-demo-v2"])
def test_every_sample_validates(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out.json"
    assert main(["scan", str(sample_apk(name)), "--json", str(out), "-q"]) == 0
    jsonschema.validate(json.loads(out.read_text()), SCHEMA)


def test_schema_rejects_a_result_missing_evidence(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    main(["scan", str(sample_apk("shopping-demo")), "--json", str(out), "-q"])
    doc = json.loads(out.read_text())
    doc["sdks"][0]["evidence"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "junk.apk"
    bad.write_bytes(b"this is not a zip")
    out = tmp_path / "out.json"
    assert main(["scan", str(bad), "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "junk.apk"
    bad.write_bytes(b"nope")
    assert main(["--debug", "scan", str(bad)]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan"]) == 2
    assert main(["no-such-command"]) == 2


def test_unwritable_output_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing-dir" / "out.json"
    assert main(["scan", str(sample_apk("plain-notes")), "--json", str(out), "-q"]) == 2
    assert "missing-dir" in capsys.readouterr().err


def _jar(path: Path, *classes: str) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name in classes:
            zf.writestr(name, b"\xca\xfe\xba\xbe")
    return path


def test_exodus_signatures_add_trackers(
    tmp_path: Path, exodus_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A jar holding one class of a tracker that only the εxodus file knows.
    jar = _jar(tmp_path / "pinpoint.jar", "com/example/pinpoint/Geo.class", "com/example/App.class")
    out = tmp_path / "out.json"
    assert main(["scan", str(jar), "--json", str(out), "-q"]) == 0
    assert json.loads(out.read_text())["sdks"] == []
    assert main(["scan", str(jar), "--json", str(out), "-q", "--signatures", str(exodus_file)]) == 0
    doc = json.loads(out.read_text())
    assert [(s["id"], s["name"]) for s in doc["sdks"]] == [("exodus-901", "Pinpoint Beacons")]
    assert "exodus:exodus_trackers.json" in doc["signature_sets"]


def test_exodus_bare_class_name_must_start_the_simple_name(
    tmp_path: Path, exodus_file: Path
) -> None:
    out = tmp_path / "out.json"
    args = ["--json", str(out), "-q", "--signatures", str(exodus_file)]
    hit = _jar(tmp_path / "orbit.jar", "net/example/orbit/OrbitMetricsManager.class")
    assert main(["scan", str(hit), *args]) == 0
    assert [s["name"] for s in json.loads(out.read_text())["sdks"]] == ["Orbit Metrics"]
    near = _jar(tmp_path / "near.jar", "net/example/orbit/MyOrbitMetricsManager.class")
    assert main(["scan", str(near), *args]) == 0
    assert json.loads(out.read_text())["sdks"] == []


def test_exodus_import_does_not_duplicate_builtin_sdks(tmp_path: Path, exodus_file: Path) -> None:
    out = tmp_path / "out.json"
    assert (
        main(
            [
                "scan",
                str(sample_apk("video-demo")),
                "--json",
                str(out),
                "-q",
                "--signatures",
                str(exodus_file),
            ]
        )
        == 0
    )
    ids = [s["id"] for s in json.loads(out.read_text())["sdks"]]
    assert "appsflyer" in ids
    assert not any(i.startswith("exodus-") for i in ids), ids


def test_the_real_exodus_database_adds_nothing_twice(tmp_path: Path) -> None:
    # The full εxodus database, when ../shared/data holds a copy (it never enters the repo).
    real = REPO.parent / "shared" / "data" / "exodus_trackers.json"
    if not real.is_file():
        pytest.skip("../shared/data/exodus_trackers.json is not beside the repo")
    out = tmp_path / "out.json"
    args = ["--json", str(out), "-q", "--signatures", str(real)]
    assert main(["scan", str(sample_apk("video-demo")), *args]) == 0
    ids = [s["id"] for s in json.loads(out.read_text())["sdks"]]
    assert "appsflyer" in ids and not any(i.startswith("exodus-") for i in ids), ids


def test_exodus_import_counts_what_it_leaves_out(exodus_file: Path) -> None:
    from scanner.signatures.catalog import builtin_sdks
    from scanner.signatures.exodus import load_exodus

    imported = load_exodus(exodus_file, builtin_sdks())
    assert sorted(s.id for s in imported.signatures) == ["exodus-901", "exodus-902"]
    assert imported.merged_into_builtin == 1  # AppsFlyer
    assert imported.skipped_empty == 1  # network signature only
    pinpoint = next(s for s in imported.signatures if s.id == "exodus-901")
    assert pinpoint.packages == ("com.example.pinpoint", "org.example.pinbeacon")
    assert pinpoint.category == "analytics"  # εxodus "Location" is filed under analytics


def test_bad_signature_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "trackers.json"
    bad.write_text('{"not": "trackers"}')
    assert main(["scan", str(sample_apk("plain-notes")), "--signatures", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err


def test_signatures_validate_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signatures", "validate"]) == 0
    assert "valid" in capsys.readouterr().out


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "privacy-scan" in proc.stdout


@pytest.mark.parametrize("app", ["samples/ipa/shopping-demo.ipa", "samples/apks/shopping-demo.apk"])
def test_a_quiet_scan_process_writes_nothing_on_stderr(tmp_path: Path, app: str) -> None:
    """The whole process, exit included: lief's bindings print "leaked instance" pages when
    objects are still alive at exit, which the exit-time collector freeze used to cause."""
    import subprocess
    import sys

    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", str(REPO / app), "-q", "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1) and out.is_file()
    assert proc.stderr == ""


def test_audit_json_matches_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    policy = REPO / "samples" / "policies" / "rakufun-shop-policy.md"
    assert (
        main(
            [
                "scan",
                str(sample_apk("shopping-demo")),
                "--policy",
                str(policy),
                "--json",
                str(out),
                "-q",
                "--exit-zero",
            ]
        )
        == 0
    )
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["summary"]["worst"] == "high"
    assert {c["owner"] for c in doc["call_sites"] if c["category"] == "clipboard"} == {
        None,
        "umeng-analytics",
    }
    doc["findings"][0]["severity"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


def test_batch_scans_every_app_and_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apps = tmp_path / "apps"
    apps.mkdir()
    for name in ("plain-notes", "video-demo"):
        (apps / f"{name}.apk").write_bytes(sample_apk(name).read_bytes())
    (apps / "broken.apk").write_bytes(b"not a zip at all")
    out = tmp_path / "out"
    out.mkdir()
    code = main(["scan", str(apps), "--json", str(out / "r.json"), "-q"])
    assert code == 2  # the worst result: one app could not be read
    names = sorted(p.name for p in out.iterdir())
    assert names == ["r.broken.json", "r.plain-notes.json", "r.video-demo.json"]
    err = capsys.readouterr().err
    assert "broken.apk" in err and err.count("\n") == 1
    # The failed app is a result too: its file says why, so no app of a batch goes missing.
    failed = json.loads((out / "r.broken.json").read_text())
    assert failed["error"]["kind"] == "AppInputError"
    assert "unknown file type" in failed["error"]["message"]
    assert "findings" not in failed
    assert json.loads((out / "r.video-demo.json").read_text())["app"]["package"]


def test_batch_exit_code_is_the_worst_gate_result(tmp_path: Path) -> None:
    policy = REPO / "samples" / "policies" / "rakufun-shop-policy.md"
    plain, shop = str(sample_apk("plain-notes")), str(sample_apk("shopping-demo"))
    assert main(["scan", plain, plain, "--policy", str(policy), "-q"]) == 0
    assert main(["scan", plain, shop, "--policy", str(policy), "-q"]) == 1


def test_time_budget_gives_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.errors import TimeBudgetExceeded, time_budget

    with pytest.raises(TimeBudgetExceeded), time_budget(0.05):
        while True:
            pass


def test_empty_folder_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds no app file" in err and ".apk" in err and ".apks" in err


def test_every_output_format_renders_and_is_written(tmp_path: Path) -> None:
    from scanner.report.formats import OutputFormat

    policy = REPO / "samples" / "policies" / "rakufun-shop-policy.md"
    args = ["scan", str(sample_apk("shopping-demo")), "--policy", str(policy), "-q", "--exit-zero"]
    for fmt in OutputFormat:
        out = tmp_path / f"report.{fmt.value}"
        assert main([*args, f"--{fmt.value}", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "Rakufun Shop" in text or "com.rakufun.shop" in text, fmt


def test_output_file_has_ordinary_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "out.json"
    assert main(["scan", str(sample_apk("plain-notes")), "--json", str(out), "-q"]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_output_named_dash_is_stdout_and_the_terminal_report_moves_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--json -` pipes the document: stdout holds exactly one JSON document, no file named
    `-` appears, and the human-readable report goes to stderr; two outputs on stdout, or one per
    app of a batch, are a usage error (exit 2)."""
    monkeypatch.chdir(tmp_path)
    app = str(sample_apk("plain-notes"))
    assert main(["scan", app, "--json", "-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["app"]["package"] == "org.example.notes"
    assert "org.example.notes" in err and not (tmp_path / "-").exists()
    assert main(["policy", str(SHOP_POLICY), "--json", "-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["language"] == "en" and err
    assert main(["scan", app, "--json", "-", "--sarif", "-"]) == 2
    assert "only one output" in capsys.readouterr().err
    assert main(["scan", app, app, "--json", "-"]) == 2
    assert not (tmp_path / "-").exists()
