"""N Streamlit servers on 127.0.0.1 behind nginx, as one object: for `scripts/serve.sh`, the fault
script and the tests.

The servers are started with the command the systemd unit runs (`render.streamlit_command`), all on
the same data folder and with MONITOR_BUILDS=0 (they only read; builds are run by whoever owns the
cluster, as monitor-build.service does on a server). nginx runs in the foreground on a configuration
rendered by `render.nginx_trial`, everything under one folder. Every process gets its own process
group, so `stop()` (or a test's teardown) ends it with all its children.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy import render


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(url: str, timeout: float = 2.0) -> bool:
    """Whether `url`/_stcore/health answers "ok"."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


def _end(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


@dataclass
class Backend:
    """One Streamlit server of the cluster."""

    port: int
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """As nginx names it in $upstream_addr."""
        return f"127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.is_file() else ""


@dataclass
class Cluster:
    """`n` Streamlit servers and nginx in front; `url` is nginx's address."""

    data_dir: Path
    n: int = 2
    workdir: Path = Path("/tmp")
    port: int | None = None  # nginx's port; a free one when None
    env: dict[str, str] = field(default_factory=dict)
    secrets: Path | None = None
    debug_upstream: bool = True
    warm: bool = False  # warm each server (deploy.warm) once healthy, before nginx sends readers
    backends: list[Backend] = field(default_factory=list)
    warmed: list[str] = field(default_factory=list)  # the warm-ups' lines, newest last
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> Cluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.backends = [Backend(free_port(), self.workdir / f"streamlit-{i}.log") for i in range(self.n)]
        try:
            for backend in self.backends:
                self._launch(backend)
            for backend in self.backends:
                self._wait_healthy(backend, timeout)
            if self.warm:
                self.warm_servers()
            conf = render.nginx_trial(self.workdir / "nginx", [b.port for b in self.backends], self.port,
                                      debug_upstream=self.debug_upstream)
            check = subprocess.run(render.nginx_command(conf, test=True), capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"nginx rejected {conf}:\n{check.stderr}")
            self.nginx = subprocess.Popen(render.nginx_command(conf), stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + 30
            while not health(self.url):
                if self.nginx.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not answer on {self.url}:\n{self.nginx_log()}")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self, backend: Backend) -> None:
        env = {**os.environ, "MONITOR_DATA_DIR": str(self.data_dir), "MONITOR_BUILDS": "0", **self.env}
        with backend.log.open("ab") as out:
            backend.proc = subprocess.Popen(
                render.streamlit_command(backend.port, secrets=self.secrets), cwd=render.ROOT, env=env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_healthy(self, backend: Backend, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not health(backend.url):
            if not backend.running():
                raise RuntimeError(f"streamlit on {backend.port} exited:\n{backend.log_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit on {backend.port} not healthy in {timeout:.0f} s")
            time.sleep(0.1)

    def warm_servers(self, backends: list[Backend] | None = None) -> list[str]:
        """Warm the servers on their own addresses (`deploy.warm`, in a child process like the systemd
        unit's); returns its lines ("warmed <url>: N views in S s[, K failed: ...]")."""
        urls = [b.url for b in backends or self.backends]
        env = {**os.environ, "MONITOR_DATA_DIR": str(self.data_dir), **self.env}
        done = subprocess.run(render.warm_command(urls), cwd=render.ROOT, env=env, capture_output=True,
                              text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("warmed ")] or \
            [f"warm-up failed: {done.stderr.strip()[-500:]}"]
        self.warmed += lines
        return lines

    def kill(self, backend: Backend, sig: int = signal.SIGKILL) -> None:
        """End one server abruptly (a crash, an OOM kill): its sessions' state is gone with it."""
        _end(backend.proc, sig)

    def restart(self, backend: Backend, timeout: float = 120.0) -> None:
        _end(backend.proc)
        self._launch(backend)
        self._wait_healthy(backend, timeout)
        if self.warm:
            self.warm_servers([backend])

    def backend_at(self, address: str) -> Backend:
        """The backend nginx named in its upstream header ("127.0.0.1:port", the last one tried)."""
        last = address.split(",")[-1].strip()
        return next(b for b in self.backends if b.address == last)

    def nginx_log(self) -> str:
        path = self.workdir / "nginx" / "error.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        _end(self.nginx, signal.SIGQUIT)
        for backend in self.backends:
            _end(backend.proc)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
