"""Headless Chromium for the HTML report tests, driven over the DevTools protocol.

Only the standard library: Chromium is started with `--remote-debugging-port=0`, the port is read
from `DevToolsActivePort` in a fresh profile folder, and a minimal WebSocket client (RFC 6455,
client side, text frames) talks to the page target. While the page loads, every network request,
console message, uncaught exception and log entry (CSP violations arrive as `Log.entryAdded`) is
recorded, so a test can assert that nothing left the page and nothing went wrong.

Use `find_chromium()` to skip when no browser is installed (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """Path of a Chromium / Chrome binary on PATH, or None."""
    env = os.environ.get("PRIVACY_SCAN_CHROMIUM")
    if env:
        return env
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _WebSocket:
    """Just enough of a WebSocket client for the DevTools protocol on localhost."""

    def __init__(self, url: str, timeout: float) -> None:
        assert url.startswith("ws://"), url
        hostport, _, path = url[len("ws://") :].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"WebSocket handshake refused: {head[:200]!r}")

    def send(self, text: str) -> None:
        payload = text.encode()
        header = bytearray([0x81])  # FIN + text frame
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack("!H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read(8))
            payload = self._read(n)  # the server never masks
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):  # ping / pong: not used by DevTools, ignore
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()

    def close(self) -> None:
        self.sock.close()


@dataclass
class PageRun:
    """What happened while a page was open."""

    requests: list[str] = field(default_factory=list)
    """URL of every request the page made (the page itself included)."""
    failed_requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    """(level, text) of console API calls."""
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str, str]] = field(default_factory=list)
    """(source, level, text) of browser log entries: CSP violations, network errors, ..."""

    def errors(self) -> list[str]:
        """Everything that looks like a problem: console errors, exceptions, error/warning logs."""
        out = [f"console.{lvl}: {text}" for lvl, text in self.console if lvl in ("error", "assert")]
        out += [f"exception: {e}" for e in self.exceptions]
        out += [f"log {src}/{lvl}: {text}" for src, lvl, text in self.log if lvl in ("error",)]
        out += [f"request failed: {u}" for u in self.failed_requests]
        return out


class Page:
    """One page target: navigate, evaluate, screenshot."""

    def __init__(self, ws: _WebSocket, timeout: float) -> None:
        self.ws = ws
        self.timeout = timeout
        self.next_id = 0
        self.run = PageRun()
        self._events: list[dict[str, Any]] = []

    def _record(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        params = msg.get("params", {})
        if method == "Network.requestWillBeSent":
            self.run.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            self.run.failed_requests.append(
                f"{params.get('errorText')} ({params.get('requestId')})"
            )
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.run.console.append((params["type"], text))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            exc = details.get("exception", {})
            self.run.exceptions.append(exc.get("description") or details.get("text", ""))
        elif method == "Log.entryAdded":
            e = params["entry"]
            self.run.log.append((e.get("source", ""), e.get("level", ""), e.get("text", "")))
        if method:
            self._events.append(msg)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result, recording the events that arrive."""
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            self._record(msg)
        raise TimeoutError(method)

    def wait_for(self, event: str) -> dict[str, Any]:
        for i, msg in enumerate(self._events):
            if msg["method"] == event:
                del self._events[: i + 1]
                return msg
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            got: dict[str, Any] = json.loads(self.ws.recv())
            self._record(got)
            if got.get("method") == event:
                self._events.clear()
                return got
        raise TimeoutError(event)

    def settle(self, seconds: float = 0.3) -> None:
        """Drain events for a moment (late console messages, CSP reports)."""
        self.ws.sock.settimeout(seconds)
        try:
            while True:
                self._record(json.loads(self.ws.recv()))
        except TimeoutError:
            pass
        finally:
            self.ws.sock.settimeout(self.timeout)

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.settle()

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page and return its (JSON-serialisable) value."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def dom(self) -> str:
        """The document as serialised now (after scripts ran), like --dump-dom."""
        return str(self.evaluate("document.documentElement.outerHTML"))

    def screenshot(self, path: Path, width: int = 1280, height: int = 2000) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def pdf(self) -> bytes:
        """The page printed to PDF (uses the print stylesheet)."""
        return base64.b64decode(self.send("Page.printToPDF", printBackground=True)["data"])


def _devtools_port(profile: Path, proc: subprocess.Popen[bytes], timeout: float) -> int:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode} before listening")
        if port_file.exists():
            first = port_file.read_text().split("\n", 1)[0].strip()
            if first:
                return int(first)
        time.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port")


@contextmanager
def open_page(binary: str, timeout: float = 30.0) -> Iterator[Page]:
    """Start a fresh headless Chromium and yield its blank page, with all domains enabled."""
    profile = Path(tempfile.mkdtemp(prefix="privacy-scan-chromium-"))
    proc = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ws: _WebSocket | None = None
    try:
        port = _devtools_port(profile, proc, timeout)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
            targets = json.load(r)
        page_target = next(t for t in targets if t.get("type") == "page")
        ws = _WebSocket(page_target["webSocketDebuggerUrl"], timeout)
        page = Page(ws, timeout)
        for domain in ("Page", "Network", "Runtime", "Log"):
            page.send(f"{domain}.enable")
        yield page
    finally:
        if ws is not None:
            ws.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
