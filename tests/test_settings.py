"""The settings table: command-line options, configuration keys and their checks agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, sample_apk

from scanner.cli import main
from scanner.report.formats import FORMAT_HELP, OutputFormat
from scanner.settings import CONFIG_KEYS, SCAN_OPTIONS, ConfigError, Settings, resolve
from scanner.severity import DEFAULT_FAIL_ON, Severity

SHOP_POLICY = REPO / "samples" / "policies" / "rakufun-shop-policy.md"


def test_every_output_format_has_an_option_and_a_config_key() -> None:
    flags = {o.flag for o in SCAN_OPTIONS}
    for fmt in OutputFormat:
        assert FORMAT_HELP[fmt]
        assert f"--{fmt.value}" in flags and fmt.value in CONFIG_KEYS


def test_every_table_row_is_a_settings_field_or_an_output() -> None:
    fields = set(Settings.__dataclass_fields__)
    outputs = {f.value for f in OutputFormat}
    assert {o.key for o in SCAN_OPTIONS} - outputs <= fields
    assert {o.key for o in SCAN_OPTIONS} >= (fields - {"outputs"})


def test_command_line_wins_over_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".privacy-scan.toml").write_text('fail_on = "low"\njobs = 2\ntimeout = 30\n')
    from_file = resolve({}, tmp_path)
    assert (from_file.fail_on, from_file.jobs, from_file.timeout) == (Severity.LOW, 2, 30.0)
    given = resolve({"fail_on": "medium", "jobs": 1}, tmp_path)
    assert (given.fail_on, given.jobs, given.timeout) == (Severity.MEDIUM, 1, 30.0)
    assert resolve({}, tmp_path / "nowhere").fail_on == DEFAULT_FAIL_ON


def test_config_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.privacy-scan]\npolicy = "docs/privacy.md"\njson = "out/r.json"\n'
        'signatures = ["a.json", "b.json"]\n'
    )
    s = resolve({}, tmp_path)
    assert s.policy == str(tmp_path / "docs" / "privacy.md")
    assert s.outputs == ((OutputFormat.JSON, tmp_path / "out" / "r.json"),)
    assert s.signatures == (tmp_path / "a.json", tmp_path / "b.json")
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-scan]\npolicy = "https://x.test/p"\n')
    assert resolve({}, tmp_path).policy == "https://x.test/p"


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ('fail_on = "critical"', "fail_on"),
        ("jobs = 0", "jobs"),
        ('timeout = "soon"', "timeout"),
        ('exit_zero = "yes"', "exit_zero"),
        ("json = 3", "json"),
        ('write_baseline = "b.json"', "write_baseline"),
    ],
)
def test_a_bad_config_value_names_the_setting(tmp_path: Path, line: str, wrong: str) -> None:
    (tmp_path / ".privacy-scan.toml").write_text(line + "\n")
    with pytest.raises(ConfigError, match=wrong):
        resolve({}, tmp_path)


def test_timeout_in_the_config_file_is_accepted_and_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It was documented but refused as an unknown setting.
    (tmp_path / ".privacy-scan.toml").write_text("timeout = 45\n")
    assert resolve({}, tmp_path).timeout == 45.0
    monkeypatch.chdir(tmp_path)
    assert main(["scan", str(sample_apk("plain-notes")), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_debug_after_the_subcommand_shows_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "junk.apk"
    bad.write_bytes(b"nope")
    assert main(["scan", str(bad), "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "junk.apk" in err


def test_reports_default_to_the_cli_gate(tmp_path: Path) -> None:
    # Rendered without a threshold, the HTML and Markdown reports speak of the CLI's default gate.
    from scanner.compare import audit
    from scanner.pipeline import scan_app
    from scanner.policy import analyse_policy, load_policy
    from scanner.report.html import render_html
    from scanner.report.markdown import render_markdown

    outcome = audit(
        scan_app(sample_apk("shopping-demo")), analyse_policy(load_policy(str(SHOP_POLICY)))
    )
    md = render_markdown(outcome)
    assert f"at or above {DEFAULT_FAIL_ON.value}" in md or DEFAULT_FAIL_ON.value in md
    assert render_html(outcome, generated_at="x") == render_html(
        outcome, generated_at="x", fail_on=DEFAULT_FAIL_ON
    )
    assert render_markdown(outcome) == render_markdown(outcome, fail_on=DEFAULT_FAIL_ON)
    assert render_markdown(outcome) != render_markdown(outcome, fail_on=Severity.INFO)


def test_a_failed_app_in_a_batch_is_written_in_every_format(tmp_path: Path) -> None:
    broken = tmp_path / "broken.apk"
    broken.write_bytes(b"PK\x03\x04 truncated")
    plain = tmp_path / "plain.apk"
    plain.write_bytes(sample_apk("plain-notes").read_bytes())
    args = ["scan", str(broken), str(plain), "-q"]
    for fmt in OutputFormat:
        args += [f"--{fmt.value}", str(tmp_path / f"r.{fmt.value}")]
    assert main(args) == 2
    sarif = json.loads((tmp_path / "r.broken.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert "broken.apk" in (tmp_path / "r.broken.markdown").read_text()
    page = (tmp_path / "r.broken.html").read_text()
    assert "could not be scanned" in page and "<script" not in page
    assert json.loads((tmp_path / "r.plain.json").read_text())["app"]["package"]


def test_the_policy_package_exports_what_it_lists() -> None:
    import scanner.policy as policy

    assert sorted(policy.__all__) == sorted(policy._HOME)
    for name in policy.__all__:
        assert getattr(policy, name) is not None
    with pytest.raises(AttributeError):
        _ = policy.no_such_name  # type: ignore[attr-defined]
