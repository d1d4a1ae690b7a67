"""`privacy-scan batch` on a 2-worker LocalCluster: per-app results equal `scan`, re-runs do no
work, failures are results, a killed worker loses no app, and the catalogue report."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from browser import find_chromium, open_page
from conftest import APKS, SHOP_POLICY, VIDEO_POLICY, sample_apk
from realworld import REAL_WORLD_DIR

from scanner.batch import runner
from scanner.batch.catalogue import load_catalogue, render_csv, spreadsheet_safe
from scanner.batch.host import ScanHost
from scanner.batch.inputs import ManifestError, plan_jobs
from scanner.batch.job import BatchSettings, CrashKind, Job, Status, result_key
from scanner.batch.runner import _summary
from scanner.batch.store import INDEX_NAME, SEVERITY_COLUMNS
from scanner.cli import main
from scanner.errors import ExitCode
from scanner.extract import app_suffixes

XSS_LABEL = "<script>alert(1)</script>&\"'"
"""label-xss's label (scanner's fixture app)."""
XSS_NAME = "broken<img src=x onerror=alert(1)>&\"'.apk"
"""A file name that is markup: the catalogue lists it among the apps that could not be scanned."""


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def index(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(folder / INDEX_NAME)
    db.row_factory = sqlite3.Row
    return db


def rows(folder: Path) -> dict[str, sqlite3.Row]:
    with index(folder) as db:
        return {r["key"]: r for r in db.execute("SELECT * FROM apps")}


def scan_json(tmp: Path, app: Path, policy: Path | None) -> tuple[int, str]:
    """What `scan APP [--policy P] --json` writes, and its exit code."""
    out = tmp / f"scan-{app.name}-{policy.name if policy else 'none'}.json"
    args = ["scan", str(app), "--json", str(out), "-q"]
    if policy is not None:
        args += ["--policy", str(policy)]
    rc = main(args)
    return rc, out.read_text(encoding="utf-8")


def result_of(folder: Path, key: str) -> str:
    return (folder / "apps" / key[:2] / key / "result.json").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- inputs


def test_manifests_csv_and_jsonl_with_relative_paths_and_default_policy(tmp_path: Path) -> None:
    shop, notes = sample_apk("shopping-demo"), sample_apk("plain-notes")
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(shop, folder / "shop.apk")
    (folder / "apps.csv").write_text(
        f"app,policy\nshop.apk,{VIDEO_POLICY}\n{notes}\n\n", encoding="utf-8"
    )
    (folder / "more.jsonl").write_text(
        json.dumps({"app": "shop.apk"}) + "\n" + json.dumps({"app": str(notes)}) + "\n",
        encoding="utf-8",
    )
    plan = plan_jobs([str(folder / "apps.csv"), str(folder / "more.jsonl")], str(SHOP_POLICY))
    pairs = [(Path(j.app).name, Path(j.policy).name if j.policy else None) for j in plan.jobs]
    # The row's own policy wins; rows without one take --policy; the copy and the JSONL row of
    # the same bytes and policy are one job, the four rows stay four sources.
    assert pairs == [
        ("shop.apk", VIDEO_POLICY.name),
        ("plain-notes.apk", SHOP_POLICY.name),
        ("shop.apk", SHOP_POLICY.name),
    ]
    assert len(plan.sources) == 4
    assert plan.jobs[0].key == result_key(sha256(shop), str(VIDEO_POLICY))
    assert plan.jobs[0].app == str(folder / "shop.apk")


def test_same_bytes_under_two_names_are_one_job(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.apk"
    shutil.copy(sample_apk("plain-notes"), copy)
    plan = plan_jobs([str(sample_apk("plain-notes")), str(copy)], None)
    assert [j.key for j in plan.jobs] == [sha256(copy)]
    assert len(plan.sources) == 2
    other = plan_jobs([str(sample_apk("plain-notes")), str(sample_apk("video-demo"))], None)
    assert len(other.jobs) == 2


def test_an_unreadable_app_still_gets_a_job_and_key(tmp_path: Path) -> None:
    plan = plan_jobs([str(tmp_path / "missing.apk")], None)
    (job,) = plan.jobs
    assert job.sha256 is None and job.key.startswith("ref-")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.csv", "a.apk,p.md,extra\n", "row 1: expected app[,policy]"),
        ("bad.jsonl", "{not json\n", "line 1: not JSON"),
        ("bad.jsonl", '{"policy": "p.md"}\n', 'line 1: expected {"app"'),
        ("bad.jsonl", '{"app": "a.apk", "policy": 3}\n', "line 1: policy must be"),
    ],
)
def test_malformed_manifests_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    manifest = tmp_path / name
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        plan_jobs([str(manifest)], None)
    assert expected in info.value.message
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out"), "-q"]) == 2
    assert expected in capsys.readouterr().err


def test_workers_and_scheduler_together_is_a_usage_error(tmp_path: Path) -> None:
    app = str(sample_apk("plain-notes"))
    args = ["batch", app, "--out", str(tmp_path), "--workers", "2", "--scheduler", "tcp://x:1"]
    assert main(args) == 2


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("counts", "exit_zero", "code"),
    [
        ({("ok", "pass"): 3}, False, ExitCode.OK),
        ({("ok", "pass"): 3, ("ok", "fail"): 1}, False, ExitCode.FINDINGS),
        ({("ok", "fail"): 1}, True, ExitCode.OK),
        ({("ok", "fail"): 1, ("failed", "AppInputError"): 1}, True, ExitCode.INPUT_ERROR),
        (
            {("ok", "pass"): 1, ("failed", CrashKind.WORKER_LOST.value): 1},
            False,
            ExitCode.INPUT_ERROR,
        ),
        (
            {("failed", "AppInputError"): 1, ("failed", "InternalError"): 1},
            False,
            ExitCode.INTERNAL_ERROR,
        ),
    ],
)
def test_exit_code_is_the_worst_over_the_apps(
    counts: dict[tuple[str, str | None], int], exit_zero: bool, code: ExitCode
) -> None:
    assert _summary(sum(counts.values()), 0, counts, exit_zero).exit_code is code


# --------------------------------------------------------------------------- a catalogue


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """Batch over the sample apps (--policy the shop's), a manifest giving video-demo its own
    policy and naming plain-notes again, and a file that is not an app."""
    tmp = tmp_path_factory.mktemp("catalogue")
    bad = tmp / XSS_NAME
    bad.write_bytes(b"not a zip at all")
    manifest = tmp / "apps.csv"
    manifest.write_text(
        f"{sample_apk('video-demo')},{VIDEO_POLICY}\n{sample_apk('plain-notes')}\n",
        encoding="utf-8",
    )
    out = tmp / "out"
    args = [str(APKS), str(manifest), str(bad), "--policy", str(SHOP_POLICY)]
    rc = main(["batch", *args, "--out", str(out), "--workers", "2", "-q"])
    return tmp, out, rc


def test_batch_results_equal_scan_app_by_app(catalogue: tuple[Path, Path, int]) -> None:
    tmp, out, rc = catalogue
    stored = rows(out)
    apps = sorted(p for p in APKS.iterdir() if p.suffix in app_suffixes())  # what a folder yields
    pairs = [(p, SHOP_POLICY) for p in apps] + [(sample_apk("video-demo"), VIDEO_POLICY)]
    worst = ExitCode.OK
    for app, policy in pairs:
        key = result_key(sha256(app), str(policy))
        scan_rc, expected = scan_json(tmp, app, policy)
        assert result_of(out, key) == expected, app.name
        row = stored[key]
        assert row["status"] == "ok"
        assert row["gate"] == ("fail" if scan_rc == ExitCode.FINDINGS else "pass"), app.name
        doc = json.loads(expected)
        assert row["findings"] == doc["summary"]["findings"]
        assert [row[s] for s in SEVERITY_COLUMNS] == [
            doc["summary"]["by_severity"][s] for s in SEVERITY_COLUMNS
        ]
        assert row["sdk_ids"].split() == sorted(s["id"] for s in doc["sdks"])
        assert row["package"] == doc["app"]["package"] and row["sha256"] == sha256(app)
        worst = max(worst, ExitCode(scan_rc))
    # plain-notes listed twice with the same policy is one result; the broken file is one more.
    assert len(stored) == len(pairs) + 1
    assert worst is ExitCode.FINDINGS and rc == ExitCode.INPUT_ERROR


def test_a_bad_input_is_a_recorded_result(catalogue: tuple[Path, Path, int]) -> None:
    tmp, out, _ = catalogue
    bad = tmp / XSS_NAME
    (row,) = [r for r in rows(out).values() if r["status"] == "failed"]
    assert row["key"] == result_key(sha256(bad), str(SHOP_POLICY))
    assert row["error_kind"] == "AppInputError" and row["gate"] is None
    assert row["error_message"].startswith(str(bad))
    failure = json.loads(result_of(out, row["key"]))
    assert failure["error"]["kind"] == "AppInputError"
    # `scan` says the same about it.
    assert main(["scan", str(bad), "-q", "--policy", str(SHOP_POLICY)]) == ExitCode.INPUT_ERROR


def test_sdk_ids_and_rule_counts_are_queryable(catalogue: tuple[Path, Path, int]) -> None:
    _, out, _ = catalogue
    with index(out) as db:
        with_jpush = {r[0] for r in db.execute("SELECT key FROM app_sdks WHERE sdk_id = 'jpush'")}
        by_column = {
            r["key"]
            for r in db.execute("SELECT key, sdk_ids FROM apps")
            if "jpush" in r["sdk_ids"].split()
        }
        assert with_jpush == by_column and with_jpush
        for key, findings in db.execute("SELECT key, findings FROM apps WHERE status = 'ok'"):
            (total,) = db.execute(
                "SELECT COALESCE(SUM(count), 0) FROM app_rules WHERE key = ?", (key,)
            ).fetchone()
            assert total == findings


def test_catalogue_html_in_chromium(catalogue: tuple[Path, Path, int]) -> None:
    tmp, out, _ = catalogue
    page = tmp / "report" / "catalogue.html"
    page.parent.mkdir()
    assert main(["report", str(out), "--html", str(page), "--csv", str(tmp / "c.csv")]) == 0
    text = page.read_text(encoding="utf-8")
    assert "<img" not in text and "broken&lt;img src=x onerror=alert(1)&gt;&amp;&#34;&#39;" in text
    assert "<script" not in text and "http://" not in text and "https://" not in text
    # SDK prevalence from the sdk_ids column, counted here, not by the report's query.
    with index(out) as db:
        embedding: Counter[str] = Counter()
        for (ids,) in db.execute("SELECT sdk_ids FROM apps WHERE status = 'ok'"):
            embedding.update(ids.split())
        failing = {r[0] for r in db.execute("SELECT key FROM apps WHERE gate = 'fail'")}
        failed = {r[0] for r in db.execute("SELECT key FROM apps WHERE status = 'failed'")}
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium on PATH (apt-get install chromium)")
    with open_page(binary) as tab:
        tab.goto(page.as_uri())
        assert tab.run.requests == [page.as_uri()]
        assert tab.run.errors() == []
        shown = tab.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#sdk-prevalence tbody tr')]"
            ".map(r => [r.dataset.sdk, Number(r.querySelector('.embedding').textContent)]))"
        )
        links = tab.evaluate(
            "[...document.querySelectorAll("
            "'#failing-apps tr[data-key], #failed-apps tr[data-key]')]"
            ".map(r => [r.dataset.key, r.querySelector('a').href])"
        )
        counts = tab.evaluate(
            "['total', 'gate-failed', 'failed'].map(i => "
            "Number(document.getElementById('count-' + i).textContent))"
        )
    assert shown == dict(embedding)
    assert {k for k, _ in links} == failing | failed
    for key, href in links:
        target = Path(href.removeprefix("file://"))
        assert target.is_file() and target.parent.name == key
    assert counts == [len(rows(out)), len(failing), len(failed)]


def test_catalogue_csv_lists_every_app(catalogue: tuple[Path, Path, int]) -> None:
    _, out, _ = catalogue
    table = list(csv.DictReader(io.StringIO(render_csv(load_catalogue(out)))))
    assert {r["key"] for r in table} == set(rows(out))
    xss = [r for r in table if r["package"] == "org.example.labelxss"]
    assert xss and all(r["label"] == XSS_LABEL for r in xss)


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_spreadsheet_formulas_are_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["com.example", "a=b", "", "1.0"])
def test_ordinary_cells_are_left_alone(cell: str) -> None:
    assert spreadsheet_safe(cell) == cell


# --------------------------------------------------------------------------- re-runs


def test_rerun_does_no_work_retries_a_failure_once_and_force_redoes(tmp_path: Path) -> None:
    bad = tmp_path / "broken.apk"
    bad.write_bytes(b"PK\x03\x04 truncated")
    notes = sample_apk("plain-notes")
    out = tmp_path / "out"
    args = ["batch", str(notes), str(bad), "--out", str(out), "--workers", "2", "-q"]
    assert main(args) == ExitCode.INPUT_ERROR
    first = rows(out)
    good, failed = result_key(sha256(notes), None), result_key(sha256(bad), None)
    assert first[good]["status"] == "ok" and first[failed]["failed_runs"] == 1

    def files() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in (out / "apps").rglob("*") if p.is_file()}

    before = files()
    assert main(args) == ExitCode.INPUT_ERROR  # the failure is retried once, the rest is kept
    second = rows(out)
    assert second[good]["scanned_at"] == first[good]["scanned_at"]
    assert second[failed]["failed_runs"] == 2
    kept = {p: t for p, t in files().items() if good in str(p)}
    assert kept == {p: t for p, t in before.items() if good in str(p)}

    snapshot = files()

    def no_cluster(options: object) -> None:
        raise AssertionError("a re-run with nothing to do started a cluster")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "_client", no_cluster)
        assert main(args) == ExitCode.INPUT_ERROR  # nothing left to do: no cluster, no file
    assert files() == snapshot
    assert {k: tuple(r) for k, r in rows(out).items()} == {k: tuple(r) for k, r in second.items()}

    assert main([*args, "--force"]) == ExitCode.INPUT_ERROR
    forced = rows(out)
    assert all(files()[p] != t for p, t in snapshot.items())
    assert forced[good]["attempts"] == 2 and forced[failed]["failed_runs"] == 3


def test_gate_follows_fail_on_of_the_latest_run_and_exit_zero(tmp_path: Path) -> None:
    shop = sample_apk("shopping-demo")
    out = tmp_path / "out"
    base = ["batch", str(shop), "--policy", str(SHOP_POLICY), "--out", str(out), "-q"]
    assert main([*base, "--workers", "1"]) == ExitCode.FINDINGS
    assert main([*base, "--exit-zero"]) == ExitCode.OK  # kept result, gate still failing
    (row,) = rows(out).values()
    assert row["gate"] == "fail"
    high, medium = row["high"], row["medium"]
    assert high > 0 and medium > 0


# --------------------------------------------------------------------------- crashes


def test_a_killed_scan_process_is_retried_then_recorded() -> None:
    app = sample_apk("plain-notes")
    job = Job(str(app), None, result_key(sha256(app), None), sha256(app))
    shared = BatchSettings(generated_at="now")
    host = ScanHost()

    def kill(times: int) -> threading.Thread:
        def run() -> None:
            killed: set[int] = set()
            deadline = time.monotonic() + 20
            while len(killed) < times and time.monotonic() < deadline:
                proc = host.proc
                if proc is not None and proc.pid not in killed and proc.poll() is None:
                    time.sleep(0.05)  # started: it is importing or scanning
                    proc.kill()
                    killed.add(proc.pid)
                time.sleep(0.005)

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    try:
        killer = kill(1)
        once = host.run(job, shared)
        killer.join()
        assert once.status is Status.OK and once.attempts == 2
        host.stop()
        killer = kill(2)
        twice = host.run(job, shared)
        killer.join()
        assert twice.status is Status.FAILED and twice.attempts == 2
        assert twice.error_kind == CrashKind.SCAN_PROCESS_CRASHED.value
        assert "killed by SIGKILL" in (twice.error_message or "")
        # A host that lost its process starts a new one for the next app.
        assert host.run(job, shared).status is Status.OK
    finally:
        host.stop()


def test_a_killed_worker_loses_no_app(tmp_path: Path) -> None:
    import dask
    from batch_crash import KillWorkerOn
    from distributed import Client, LocalCluster

    from scanner.batch.worker import task_key

    apps = [sample_apk(n) for n in ("plain-notes", "shopping-demo", "video-demo", "traps-demo")]
    doomed, unlucky = apps[1], apps[2]
    key = {a: result_key(sha256(a), None) for a in apps}
    marker = tmp_path / "killed-once"
    out = tmp_path / "out"
    config = {
        "distributed.scheduler.allowed-failures": 1,
        # One task per worker at a time: a dying worker takes only the task it was running.
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with (
        dask.config.set(config),
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(KillWorkerOn(task_key(key[doomed]), task_key(key[unlucky]), marker))
        rc = main(
            [
                "batch",
                *map(str, apps),
                "--out",
                str(out),
                "--scheduler",
                cluster.scheduler_address,
                "-q",
            ]
        )
    stored = rows(out)
    assert set(stored) == set(key.values())  # every app has a result
    assert marker.exists()  # the worker running `unlucky` was killed once
    assert stored[key[doomed]]["status"] == "failed"
    assert stored[key[doomed]]["error_kind"] == CrashKind.WORKER_LOST.value
    for app in apps:
        if app is doomed:
            continue
        assert stored[key[app]]["status"] == "ok", app.name
        assert result_of(out, key[app]) == scan_json(tmp_path, app, None)[1], app.name
    assert rc == ExitCode.INPUT_ERROR
    # A re-run retries the lost app once (and, with no plugin now, scans it).
    rerun = main(["batch", *map(str, apps), "--out", str(out), "--workers", "1", "-q"])
    assert rerun in (ExitCode.OK, ExitCode.FINDINGS)
    assert rows(out)[key[doomed]]["status"] == "ok"


# --------------------------------------------------------------------------- real apps


@pytest.mark.realworld
def test_batch_of_registry_apps_equals_scan(tmp_path: Path) -> None:
    folder = REAL_WORLD_DIR / "apps"
    apps = sorted(folder.glob("*.apk")) if folder.is_dir() else []
    if not apps:
        pytest.skip(f"no real-world apps in {folder}: run scripts/fetch_real_world.py")
    out = tmp_path / "out"
    main(["batch", str(folder), "--out", str(out), "--workers", "2", "-q"])
    stored = rows(out)
    assert len(stored) == len({sha256(a) for a in apps})
    for app in apps:
        key = result_key(sha256(app), None)
        assert stored[key]["status"] == "ok", app.name
        assert result_of(out, key) == scan_json(tmp_path, Path(os.path.abspath(app)), None)[1]


@pytest.mark.realworld
def test_the_time_budget_holds_inside_the_worker(tmp_path: Path) -> None:
    app = REAL_WORLD_DIR / "apps" / "Yosemite.apk"
    if not app.is_file():
        pytest.skip(f"{app} is absent: run scripts/fetch_real_world.py")
    out = tmp_path / "out"
    args = [str(app), "--timeout", "0.1", "-q"]
    assert main(["batch", *args, "--out", str(out), "--workers", "1"]) == ExitCode.INPUT_ERROR
    (row,) = rows(out).values()
    assert row["status"] == "failed" and row["error_kind"] == "LimitExceeded"
    assert "time budget of 0.1 s exceeded" in row["error_message"]
    assert main(["scan", *args]) == ExitCode.INPUT_ERROR  # as scan itself says


def test_apps_and_policies_by_url_are_fetched_by_the_workers(tmp_path: Path) -> None:
    import functools
    import http.server

    served = tmp_path / "www"
    served.mkdir()
    shutil.copy(sample_apk("shopping-demo"), served / "shop.apk")
    shutil.copy(SHOP_POLICY, served / "policy.md")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        manifest = tmp_path / "apps.jsonl"
        manifest.write_text(
            json.dumps({"app": f"{base}/shop.apk", "policy": f"{base}/policy.md"})
            + "\n"
            + json.dumps({"app": f"{base}/missing.apk"})
            + "\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        rc = main(["batch", str(manifest), "--out", str(out), "--workers", "1", "-q"])
    finally:
        server.shutdown()
    by_app = {r["app"].rsplit("/", 1)[1]: r for r in rows(out).values()}
    shop, missing = by_app["shop.apk"], by_app["missing.apk"]
    assert shop["status"] == "ok" and shop["sha256"] == sha256(served / "shop.apk")
    assert shop["key"].startswith("ref-") and shop["policy"] == f"{base}/policy.md"
    local = tmp_path / "shop-local.json"
    main(
        ["scan", str(served / "shop.apk"), "--policy", str(SHOP_POLICY), "-q", "--json", str(local)]
    )
    fetched = json.loads(result_of(out, shop["key"]))
    expected = json.loads(local.read_text(encoding="utf-8"))
    assert fetched["summary"] == expected["summary"] and fetched["sdks"] == expected["sdks"]
    assert missing["status"] == "failed" and missing["error_kind"] == "AppInputError"
    assert "404" in missing["error_message"]
    assert rc == ExitCode.INPUT_ERROR


# --------------------------------------------------------------------------- report CLI, docs


def test_report_needs_a_catalogue_folder_and_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path), "--html", str(tmp_path / "c.html")]) == 2
    assert "no index.sqlite" in capsys.readouterr().err
    assert not (tmp_path / "c.html").exists()
    (tmp_path / INDEX_NAME).write_bytes(b"not sqlite" * 100)
    assert main(["report", str(tmp_path), "--csv", str(tmp_path / "c.csv")]) == 2
    assert "not a catalogue index" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 2


def test_docs_name_every_index_column_and_failure_kind() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "catalogue.md").read_text("utf-8")
    db = sqlite3.connect(":memory:")
    from scanner.batch.store import INDEX_SCHEMA

    db.executescript(INDEX_SCHEMA)
    for table in ("apps", "app_rules", "app_sdks", "sources"):
        for column in db.execute(f"PRAGMA table_info({table})"):
            assert f"`{column[1]}`" in docs, (table, column[1])
    for kind in CrashKind:
        assert f"`{kind.value}`" in docs, kind


def test_a_scan_process_past_its_hard_deadline_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.batch import host as host_module

    # No grace: the worker's deadline is the budget itself, which always passes before the scan
    # process can answer (its own budget starts only once it has read the job).
    monkeypatch.setattr(host_module, "HARD_DEADLINE_GRACE", 0.0)
    app = sample_apk("plain-notes")
    job = Job(str(app), None, result_key(sha256(app), None), sha256(app))
    host = ScanHost()
    try:
        outcome = host.run(job, BatchSettings(timeout=0.1, generated_at="now"))
        assert host.proc is None  # stopped, not left running
        assert outcome.status is Status.FAILED and outcome.error_kind == "LimitExceeded"
        assert "the scan process was stopped" in (outcome.error_message or "")
        assert json.loads(outcome.result_json)["error"]["kind"] == "LimitExceeded"
        # The next app gets a fresh process and the normal budget.
        assert host.run(job, BatchSettings(generated_at="now")).status is Status.OK
    finally:
        host.stop()


def test_progress_lines_and_bar_name_each_app_without_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from scanner.batch.host import failure_outcome
    from scanner.batch.progress import Bar, Lines

    shared = BatchSettings(generated_at="now")
    job = Job("/apps/[bold]odd[/bold].apk", None, "k")
    failed = failure_outcome(job, "AppInputError", "not a zip", shared)
    for progress in (Lines(), Bar()):
        progress.start(1, 2)
        progress.advance(failed)
        progress.finish()
        err = capsys.readouterr().err
        assert "1 app(s) to scan, 2 already done" in err
        assert "/apps/[bold]odd[/bold].apk" in err and "AppInputError" in err
