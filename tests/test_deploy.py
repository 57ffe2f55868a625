"""The deployment files as shipped: rendered by deploy/render.py, checked by the tools that run them.

nginx is started for real on 127.0.0.1 with a generated configuration, in front of small stand-in
backends (HTTP servers in this process that answer with their own port and the headers they got),
so routing, stickiness, failover, the WebSocket upgrade headers and TLS termination are seen from
outside. The same configuration in front of real Streamlit servers and a browser:
tests/browser/test_deploy_proxy.py and the fault script (tests/browser/test_faults.py).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy import render
from deploy.cluster import _end, free_port

NGINX_MISSING = "nginx not found at /usr/sbin/nginx: scripts/test.sh installs Debian's package"


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"port": self.server.server_port, "path": self.path,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _stub(port: int) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _nginx(conf: Path, port: int) -> Iterator[None]:
    check = subprocess.run(render.nginx_command(conf, test=True), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(render.nginx_command(conf), start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket_open(port):
                break
            log = conf.parent / "error.log"
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield
    finally:
        _end(proc, signal.SIGQUIT)


@contextlib.contextmanager
def socket_open(port: int) -> Iterator[None]:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=1):
        yield


def _get(port: int, path: str = "/", cookie: str | None = None, headers: dict[str, str] | None = None,
         tls: bool = False) -> tuple[int, dict[str, str], dict]:
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        con = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ctx)
    else:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    hdrs = dict(headers or {})
    if cookie:
        hdrs["Cookie"] = cookie
    con.request("GET", path, headers=hdrs)
    resp = con.getresponse()
    body = resp.read()
    out = {k.lower(): v for k, v in resp.getheaders()}
    con.close()
    return resp.status, out, (json.loads(body) if out.get("content-type") == "application/json" else {})


def _route(headers: dict[str, str]) -> str:
    """The `monitor_route=...` pair from a Set-Cookie header."""
    return headers["set-cookie"].split(";")[0]


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[int, list[int], dict[int, ThreadingHTTPServer]]]:
    """nginx on a free port in front of two stand-in backends; yields (nginx port, backend ports, stubs)."""
    if not render.NGINX.is_file():
        pytest.fail(NGINX_MISSING, pytrace=False)
    ports = [free_port(), free_port()]
    port = free_port()
    conf = render.nginx_trial(tmp_path / "nginx", ports, port)
    with _stub(ports[0]) as a, _stub(ports[1]) as b, _nginx(conf, port):
        yield port, ports, {ports[0]: a, ports[1]: b}


# ---------------------------------------------------------------- rendering


def test_templates_have_every_placeholder_filled() -> None:
    units = render.systemd_units(data_dir=Path("/srv/monitor/data"), audit_dir=Path("/var/log/monitor"))
    sites = [render.nginx_site([8501, 8502]),
             render.nginx_site([8501], tls=render.Tls(Path("/c.pem"), Path("/k.pem")))]
    for text in [*units.values(), *sites]:
        assert "{{" not in text and "}}" not in text
    assert "--server.port %i" in units["monitor@.service"]
    assert "MONITOR_BUILDS=0" in units["monitor@.service"]  # the servers only read
    assert "MONITOR_BUILDS" not in units["monitor-build.service"]
    with pytest.raises(KeyError, match="nope"):
        render.fill("{{nope}}", {})


def test_servers_are_warmed_after_start_and_after_each_build() -> None:
    """Each server warms itself on its own port; the build warms every server of the site."""
    units = render.systemd_units(data_dir=Path("/srv/monitor/data"), audit_dir=Path("/var/log/monitor"),
                                 ports=[8601, 8602, 8603])
    server = [ln for ln in units["monitor@.service"].splitlines() if ln.startswith("ExecStartPost=")]
    assert server == ["ExecStartPost=-" + shlex.join(render.warm_command(
        ["http://127.0.0.1:%i"], python=render.ROOT / ".venv" / "bin" / "python"))]
    build = [ln for ln in units["monitor-build.service"].splitlines() if ln.startswith("ExecStopPost=")]
    assert len(build) == 1 and build[0].startswith("ExecStopPost=-")
    assert build[0].endswith(" -m deploy.warm http://127.0.0.1:8601 http://127.0.0.1:8602 http://127.0.0.1:8603")


def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """systemd's own check: unknown keys, bad values and missing executables are reported."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package)")
    units = render.systemd_units(data_dir=tmp_path / "data", audit_dir=tmp_path / "audit", user="root")
    for name, text in units.items():
        (tmp_path / name.replace("@.", "@8501.")).write_text(text)
    files = sorted(str(p) for p in tmp_path.glob("monitor*"))
    assert len(files) == len(render.UNITS)
    done = subprocess.run([tool, "verify", "--man=no", *files], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    # the check bites: an unknown key is reported
    (tmp_path / "monitor-build.service").write_text(units["monitor-build.service"] + "Bogus=1\n")
    bad = subprocess.run([tool, "verify", "--man=no", str(tmp_path / "monitor-build.service")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert "Unknown key" in bad.stderr


def test_the_render_command_prints_the_site_file() -> None:
    out = subprocess.run([sys.executable, "-m", "deploy.render", "nginx", "--ports", "8501", "8502", "8503"],
                         capture_output=True, text=True, cwd=render.ROOT, check=True)
    assert out.stdout == render.nginx_site([8501, 8502, 8503], listen="80")
    assert out.stdout.count("server 127.0.0.1:85") == 3


# ---------------------------------------------------------------- nginx in front of two backends


def test_route_cookie_spreads_clients_and_keeps_each_on_its_server(proxied) -> None:
    port, ports, _ = proxied
    seen: dict[str, int] = {}
    for _ in range(20):  # new visitors, all from 127.0.0.1: ip_hash would send all to one server
        status, headers, body = _get(port)
        assert status == 200
        cookie = _route(headers)
        assert cookie.startswith(f"{render.ROUTE_COOKIE}=") and "HttpOnly" in headers["set-cookie"]
        seen[cookie] = body["port"]
    assert set(seen.values()) == set(ports), "20 visitors all on one server"  # chance 2 * 2**-20
    for cookie, backend in seen.items():
        for path in ("/", "/programma", "/_stcore/health", "/static/js/x.js"):
            status, headers, body = _get(port, path, cookie=cookie)
            assert body["port"] == backend, (cookie, path)
            assert "set-cookie" not in headers  # a visitor with a route keeps it
            assert headers[render.UPSTREAM_HEADER.lower()] == f"127.0.0.1:{backend}"


def test_a_dead_server_hands_its_visitors_to_the_other(proxied) -> None:
    port, ports, stubs = proxied
    routes: dict[str, int] = {}
    while set(routes.values()) != set(ports):
        _, headers, body = _get(port)
        routes[_route(headers)] = body["port"]
    victim, survivor = ports
    stubs[victim].shutdown()
    stubs[victim].server_close()
    for cookie in routes:
        status, _, body = _get(port, cookie=cookie)
        assert status == 200 and body["port"] == survivor  # nobody gets an error page


def test_headers_for_streamlit_and_the_websocket_upgrade(proxied) -> None:
    port, _, _ = proxied
    _, _, page = _get(port, "/", headers={"Host": "monitor.denhaag.example"})
    assert page["headers"]["host"] == "monitor.denhaag.example"  # Streamlit checks the origin against it
    assert page["headers"]["x-forwarded-proto"] == "http"
    assert page["headers"]["x-forwarded-for"] == "127.0.0.1"
    _, _, stream = _get(port, "/_stcore/stream", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert stream["headers"]["upgrade"] == "websocket"
    assert stream["headers"]["connection"] == "upgrade"
    assert "upgrade" not in page["headers"]  # plain requests are not upgraded


def test_tls_is_terminated_by_nginx(tmp_path: Path) -> None:
    if not render.NGINX.is_file():
        pytest.fail(NGINX_MISSING, pytrace=False)
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    backend, port, plain = free_port(), free_port(), free_port()
    conf = render.nginx_trial(tmp_path / "nginx", [backend], port, tls=render.Tls(cert, key),
                              redirect_port=plain)
    with _stub(backend), _nginx(conf, port):
        status, headers, body = _get(port, "/", tls=True)
        assert status == 200 and body["headers"]["x-forwarded-proto"] == "https"
        assert "; Secure" in headers["set-cookie"]
        assert headers["strict-transport-security"] == "max-age=31536000"
        status, headers, _ = _get(plain, "/programma?lang=en")
        assert status == 301 and headers["location"] == "https://127.0.0.1/programma?lang=en"


def test_containerfile_copies_what_exists_and_runs_the_rendered_command() -> None:
    """The image is not built here (no container daemon on the test machine): what can be checked
    without one is that its sources exist and its command is the servers' command."""
    text = (render.ROOT / "Containerfile").read_text()
    for line in re.findall(r"^COPY (.+)$", text, flags=re.M):
        *sources, _dest = line.split()
        for src in sources:
            assert (render.ROOT / src).exists(), f"Containerfile copies {src}, which is not in the checkout"
    cmd = json.loads(re.search(r"^CMD (\[.*?\])$", text.replace("\\\n", ""), flags=re.M | re.S).group(1))
    expected = render.streamlit_command(8501, python="python")
    assert cmd == [a if a != "127.0.0.1" else "0.0.0.0" for a in expected]
    assert "MONITOR_BUILDS=0" in text
