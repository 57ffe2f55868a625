"""Render the deployment files (nginx site, systemd units) from the templates beside this module.

One generator for what is shipped and what is tested: `scripts/serve.sh`, the fault script and
`tests/test_deploy.py` start nginx on a configuration rendered here, and a server gets its files
from the same functions (`python -m deploy.render nginx ...` / `systemd ...`, docs/deploy.md).
Templates hold `{{name}}` placeholders (nginx's own `$variables` stay untouched).
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NGINX = Path("/usr/sbin/nginx")
ROUTE_COOKIE = "monitor_route"
UPSTREAM_HEADER = "X-Monitor-Upstream"  # test and trial configurations only: which server answered
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every `{{name}}`; a placeholder without a value is an error, not an empty string."""
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for placeholder(s) {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _template(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- Streamlit and the build


def streamlit_command(port: int | str, *, python: str | Path = sys.executable,
                      secrets: Path | None = None) -> list[str]:
    """One Streamlit server on 127.0.0.1:`port` (cwd: the checkout, so .streamlit/config.toml applies)."""
    cmd = [str(python), "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    if secrets is not None:
        cmd += ["--secrets.files", str(secrets)]
    return cmd


def build_command(*, python: str | Path = sys.executable) -> list[str]:
    return [str(python), "-m", "monitor", "build"]


def warm_command(urls: list[str], *, python: str | Path = sys.executable) -> list[str]:
    """Warm each server on its own address (`deploy.warm`): after it starts, after a new catalog."""
    return [str(python), "-m", "deploy.warm", *urls]


# ---------------------------------------------------------------- nginx


@dataclass(frozen=True)
class Tls:
    """TLS is terminated by nginx; the Streamlit servers speak plain HTTP on 127.0.0.1 only."""

    certificate: Path
    key: Path


def nginx_site(ports: list[int], *, listen: str = "443 ssl", server_name: str = "_",
               tls: Tls | None = None, redirect_listen: str | None = "80",
               debug_upstream: bool = False) -> str:
    """The site file: an upstream of `ports` on 127.0.0.1 with the route cookie, WebSocket upgrade.

    With `tls`, nginx listens with TLS on `listen` and redirects plain HTTP on `redirect_listen`
    to it, and the route cookie is `Secure`. `debug_upstream` adds a response header naming the server that
    answered (tests and trials; never on a real site: it tells the world the internal ports)."""
    if not ports:
        raise ValueError("at least one Streamlit port")
    tls_lines = ""
    redirect = ""
    if tls is not None:
        tls_lines = (f"    ssl_certificate {tls.certificate};\n    ssl_certificate_key {tls.key};\n"
                     "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_cache shared:monitor_tls:10m;\n")
        if redirect_listen is not None:
            redirect = (f"server {{\n    listen {redirect_listen};\n    server_name {server_name};\n"
                        "    return 301 https://$host$request_uri;\n}\n\n")
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
    proxy_headers = "\n".join(f"        proxy_set_header {h};" for h in (
        "Host $http_host", "X-Real-IP $remote_addr", "X-Forwarded-For $proxy_add_x_forwarded_for",
        "X-Forwarded-Proto $scheme"))
    # a location that adds a header inherits none from the server block: each location gets them all
    extra = []
    if tls is not None:
        extra.append('add_header Strict-Transport-Security "max-age=31536000" always;')
    if debug_upstream:
        extra.append(f"add_header {UPSTREAM_HEADER} $upstream_addr always;")
    debug = "\n".join(f"        {line}" for line in extra)
    return fill(_template("nginx/monitor.conf"), {
        "cookie_secure": "; Secure" if tls is not None else "",
        "upstream_servers": servers, "redirect_server": redirect, "listen": listen,
        "server_name": server_name, "tls": tls_lines, "proxy_headers": proxy_headers,
        "debug_header": debug,
    })


def nginx_trial(prefix: Path, ports: list[int], listen_port: int, *, debug_upstream: bool = True,
                tls: Tls | None = None, redirect_port: int | None = None) -> Path:
    """A complete nginx configuration under `prefix` for a run on 127.0.0.1:`listen_port` in the
    foreground (no root, nothing outside `prefix`); returns the nginx.conf to pass with -c.
    With `tls`: HTTPS on `listen_port`, the redirect from plain HTTP on `redirect_port`."""
    prefix = prefix.resolve()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    listen = f"127.0.0.1:{listen_port}" + (" ssl" if tls else "")
    redirect = f"127.0.0.1:{redirect_port}" if redirect_port else None
    site = nginx_site(ports, listen=listen, server_name="127.0.0.1", tls=tls, redirect_listen=redirect,
                      debug_upstream=debug_upstream)
    (prefix / "monitor.conf").write_text(site, encoding="utf-8")
    # as root, nginx's workers would run as nobody and could not use the temp folders made here
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(fill(_template("nginx/test-main.conf"), {"prefix": str(prefix), "user": user}),
                    encoding="utf-8")
    return conf


def nginx_command(conf: Path, *, test: bool = False) -> list[str]:
    """nginx with everything under the configuration's folder (`-p`), the error log there too."""
    cmd = [str(NGINX), "-p", str(conf.parent), "-e", str(conf.parent / "error.log"), "-c", str(conf)]
    return [*cmd, "-t", "-q"] if test else cmd


# ---------------------------------------------------------------- systemd


UNITS = ("monitor@.service", "monitor-build.service", "monitor-build.timer", "monitor-build.path")


def systemd_units(*, root: Path = ROOT, data_dir: Path, audit_dir: Path, user: str = "monitor",
                  group: str | None = None, env_file: Path = Path("/etc/monitor/monitor.env"),
                  secrets: Path | None = Path("/etc/monitor/secrets.toml"), memory_max: str = "4G",
                  build_every: str = "15min", ports: list[int] | None = None) -> dict[str, str]:
    """The unit files by name. `%i` (the instance) is each Streamlit server's port; `ports` are the
    servers the build unit warms after a build (those of the nginx site, 8501 and 8502 by default)."""
    python = root / ".venv" / "bin" / "python"
    values = {
        "user": user, "group": group or user, "root": str(root), "data_dir": str(data_dir),
        "audit_dir": str(audit_dir), "env_file": str(env_file), "memory_max": memory_max,
        "build_every": build_every,
        "streamlit_command": shlex.join(streamlit_command("%i", python=python, secrets=secrets)),
        "build_command": shlex.join(build_command(python=python)),
        "warm_self": shlex.join(warm_command(["http://127.0.0.1:%i"], python=python)),
        "warm_all": shlex.join(warm_command([f"http://127.0.0.1:{p}" for p in ports or [8501, 8502]],
                                            python=python)),
    }
    return {name: fill(_template(f"systemd/{name}"), values) for name in UNITS}


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.render", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ng = sub.add_parser("nginx", help="the nginx site file, to stdout")
    ng.add_argument("--ports", type=int, nargs="+", default=[8501, 8502])
    ng.add_argument("--server-name", default="_")
    ng.add_argument("--certificate", type=Path, help="TLS certificate (full chain); with --key")
    ng.add_argument("--key", type=Path)
    ng.add_argument("--listen", help="default: '443 ssl' with TLS, else 80")
    sd = sub.add_parser("systemd", help="the unit files, into a folder")
    sd.add_argument("--out", type=Path, required=True)
    sd.add_argument("--data-dir", type=Path, required=True)
    sd.add_argument("--audit-dir", type=Path, default=Path("/var/log/monitor"))
    sd.add_argument("--user", default="monitor")
    sd.add_argument("--root", type=Path, default=ROOT, help="the checkout with its .venv")
    sd.add_argument("--build-every", default="15min")
    sd.add_argument("--ports", type=int, nargs="+", default=[8501, 8502],
                    help="the servers' ports (as in the nginx site): the build warms them")
    args = parser.parse_args(argv)
    if args.what == "nginx":
        if (args.certificate is None) != (args.key is None):
            parser.error("--certificate and --key go together")
        tls = Tls(args.certificate, args.key) if args.certificate else None
        listen = args.listen or ("443 ssl" if tls else "80")
        sys.stdout.write(nginx_site(args.ports, listen=listen, server_name=args.server_name, tls=tls))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in systemd_units(root=args.root.resolve(), data_dir=args.data_dir.resolve(),
                                    audit_dir=args.audit_dir, user=args.user,
                                    build_every=args.build_every, ports=args.ports).items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
