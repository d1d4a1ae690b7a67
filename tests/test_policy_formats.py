# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Inputs: txt, md, html, PDF, an http(s) URL; encodings detected, not assumed; errors name the
input (PolicyInputError -> exit code 2)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.errors import PolicyInputError
from scanner.policy import analyse_policy, load_policy

ZH_HANS = (
    "隐私政策\n一、我们收集的信息\n为了拍照上传头像，我们会申请相机权限。\n"
    "我们不会收集您的通讯录。\n二、第三方SDK\n我们接入了支付宝SDK用于支付。\n"
)
ZH_HANT = (
    "隱私權政策\n一、我們收集的資料\n為了拍照上傳頭像，我們會申請相機權限。\n"
    "我們不會收集您的通訊錄。\n二、第三方SDK\n我們接入了支付寶SDK用於支付。\n"
)
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Privacy</title>
<style>.camera { color: red }</style><script>var clipboard = navigator.clipboard;</script></head>
<body>
<header><nav><a href="/">Home</a> <a href="/login">Log in</a>
<a href="/contacts">Contacts</a></nav></header>
<div class="site-menu"><a href="/a">Microphone deals</a></div>
<main>
<h1>Privacy Policy</h1>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ" alt="logo">
<h2>1. Camera</h2>
<p>We use your camera
   to scan QR codes.</p>
<ul><li>We read your <b>photo album</b> when you pick an avatar.</li>
<li>We do not collect your contacts.</li></ul>
<h2>2. Third-party SDKs</h2>
<table>
<tr><th>SDK name</th><th>Company</th><th>Purpose</th><th>Data collected</th></tr>
<tr><td>JPush</td><td>Aurora Mobile</td><td>push notifications</td>
<td>device identifiers (IMEI, Android ID)</td></tr>
<tr><td>ZetaCrash</td><td>Zeta Ltd</td><td>crash analysis</td><td>crash logs</td></tr>
</table>
</main>
<footer><p>Follow us on Facebook. We use your microphone.</p></footer>
</body></html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def check_chinese(source: str) -> None:
    a = analyse_policy(load_policy(source))
    assert a.disclosure("camera").status == "disclosed"
    assert a.disclosure("contacts").status == "denied"
    assert a.names_sdk("alipay")
    assert a.disclosure("camera").evidence[0].heading in (
        "一、我们收集的信息",
        "一、我們收集的資料",
    )


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        (ZH_HANS, "utf-8", "utf-8"),
        (ZH_HANS, "utf-8-sig", "utf-8-sig"),
        (ZH_HANS, "utf-16", "utf-16"),
        (ZH_HANS, "utf-16-le", "utf-16-le"),
        (ZH_HANS, "gbk", "gb18030"),
        (ZH_HANS, "gb18030", "gb18030"),
        (ZH_HANT, "big5", "big5"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, text: str, encoding: str, detected: str) -> None:
    source = write(tmp_path, "policy.txt", text.encode(encoding))
    doc = load_policy(source)
    assert doc.encoding == detected
    assert "相机权限" in doc.text or "相機權限" in doc.text
    check_chinese(source)


def test_html_drops_navigation_scripts_footer_and_images(tmp_path: Path) -> None:
    source = write(tmp_path, "policy.html", HTML.encode("utf-8"))
    doc = load_policy(source)
    assert doc.format == "html"
    for gone in ("Log in", "navigator", "color: red", "base64", "Microphone deals", "Follow us"):
        assert gone not in doc.text
    a = analyse_policy(doc)
    assert a.disclosure("camera").evidence[0].text == "We use your camera to scan QR codes."
    assert a.disclosure("camera").evidence[-1].strength == "heading"
    assert a.disclosure("album").evidence[0].strength == "list_item"
    assert a.disclosure("contacts").status == "denied"
    for absent in ("microphone", "clipboard"):
        assert a.disclosure(absent).status == "not_mentioned"
    assert not a.names_sdk("facebook-analytics")


def test_html_sdk_table_is_parsed_row_by_row(tmp_path: Path) -> None:
    a = analyse_policy(load_policy(write(tmp_path, "policy.htm", HTML.encode("utf-8"))))
    jpush = next(t for t in a.third_parties if t.sdk_id == "jpush")
    assert jpush.kind == "table_row"
    assert jpush.evidence[0].text.startswith("JPush | Aurora Mobile")
    assert a.disclosure("device_id").evidence[0].strength == "table_row"
    unknown = next(t for t in a.third_parties if t.name == "ZetaCrash")
    assert (unknown.sdk_id, unknown.kind, unknown.category) == (None, "table_row", "analytics")


def test_html_charset_from_meta(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="gbk"></head><body><p>{ZH_HANS}</p></body></html>'
    doc = load_policy(write(tmp_path, "p.html", page.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert "相机权限" in doc.text


def test_markdown_permission_table_and_headings(tmp_path: Path) -> None:
    md = (
        "# 隐私政策\n\n## 权限说明\n\n| 权限名称 | 使用目的 | 是否使用 |\n|---|---|---|\n"
        "| 相机 | 扫码、拍照上传头像 | 是 |\n| 麦克风 | 语音搜索 | 否 |\n\n"
        "* [首页](https://example.com)\n* ![](data:image/png;base64,AAAA)\n"
    )
    doc = load_policy(write(tmp_path, "policy.md", md.encode("utf-8")))
    assert "首页" not in doc.text and "base64" not in doc.text
    a = analyse_policy(doc)
    camera = a.disclosure("camera")
    assert camera.status == "disclosed"
    assert camera.evidence[0].strength == "table_row"
    assert camera.evidence[0].heading == "权限说明"
    assert a.disclosure("microphone").status == "denied"


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with Helvetica text, built by hand (offsets computed)."""
    content = (
        "BT /F1 11 Tf 50 750 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_pdf(tmp_path: Path) -> None:
    pdf = minimal_pdf(
        [
            "Privacy Policy",
            "To scan QR codes we request access to the camera of your device when you",
            "use the scanner. We do not collect your contacts.",
        ]
    )
    doc = load_policy(write(tmp_path, "policy.pdf", pdf))
    assert doc.format == "pdf" and doc.encoding is None
    a = analyse_policy(doc)
    camera = a.disclosure("camera")
    assert camera.status == "disclosed"
    assert "camera of your device when you use the scanner." in camera.evidence[0].text
    assert a.disclosure("contacts").status == "denied"


# --------------------------------------------------------------------------- URL


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        pages = {
            "/policy": (200, "text/html; charset=utf-8", HTML.encode("utf-8")),
            "/policy.txt": (200, "text/plain; charset=big5", ZH_HANT.encode("big5")),
            "/huge": (200, "text/plain", b"camera " * 200_000),
        }
        status, ctype, body = pages.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_html(server: str) -> None:
    doc = load_policy(server + "/policy")
    assert doc.format == "html" and doc.source == server + "/policy"
    assert analyse_policy(doc).disclosure("camera").status == "disclosed"


def test_url_declared_charset(server: str) -> None:
    doc = load_policy(server + "/policy.txt")
    assert doc.encoding == "big5"
    check_chinese(server + "/policy.txt")


def test_url_404_names_the_input(server: str) -> None:
    with pytest.raises(PolicyInputError) as info:
        load_policy(server + "/missing")
    assert info.value.source == server + "/missing"
    assert "404" in info.value.message


def test_url_size_cap(server: str) -> None:
    with pytest.raises(PolicyInputError, match="too large"):
        load_policy(server + "/huge", max_bytes=100_000)


def test_url_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/policy"
    with pytest.raises(PolicyInputError) as info:
        load_policy(url, timeout=3)
    assert info.value.source == url
    assert "cannot fetch" in info.value.message


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b" \n\n\t\n", "is empty"),
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("policy.docx", b"PK\x03\x04", "unknown policy format"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "not a readable PDF"),
        (
            "nav-only.html",
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "no readable text",
        ),
    ],
)
def test_unreadable_inputs_raise_policy_input_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    source = write(tmp_path, name, data)
    with pytest.raises(PolicyInputError) as info:
        load_policy(source)
    assert info.value.source == source
    assert message in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyInputError, match="no such file"):
        load_policy(str(tmp_path / "nope.txt"))


# --------------------------------------------------------------------------- CLI


def test_cli_prints_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    source = write(tmp_path, "policy.txt", ZH_HANT.encode("big5"))
    out = tmp_path / "analysis.json"
    assert main(["policy", source, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "camera" in printed and "disclosed" in printed and "alipay" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "privacy-scan/policy-analysis/1"
    assert data["language"] == "zh-Hant" and data["encoding"] == "big5"
    camera = next(c for c in data["categories"] if c["category"] == "camera")
    assert camera["status"] == "disclosed" and camera["evidence"][0]["text"].startswith("為了拍照")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_error_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(tmp_path / "missing.html")
    assert main(["policy", source]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and source in err


def test_markdown_hard_wrapped_lines_are_one_paragraph_and_a_setext_title_stays_its_line() -> None:
    from scanner.policy.blocks import markdown_blocks

    text = (
        "Title of the policy\n"
        "===================\n"
        "With your permission we read your\n"
        "location to show nearby stores\n"
        "Partners\n"
        "--------\n"
        "1. We share crash reports with\n"
        "   our crash reporting partner.\n"
        "2.2 支付宝SDK  \n"
        "应用场景：支付\n"
        "Each line of this one ends its sentence.\n"
        "So this line stands alone.\n"
    )
    blocks = [(b.kind, b.text) for b in markdown_blocks(text)]
    assert blocks == [
        ("heading", "Title of the policy"),
        ("paragraph", "With your permission we read your location to show nearby stores"),
        ("heading", "Partners"),
        ("list_item", "We share crash reports with our crash reporting partner."),
        ("paragraph", "2.2 支付宝SDK"),
        ("paragraph", "应用场景：支付"),
        ("paragraph", "Each line of this one ends its sentence."),
        ("paragraph", "So this line stands alone."),
    ]
