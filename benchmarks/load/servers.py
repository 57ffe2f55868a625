"""The servers' own figures, read from /proc: CPU-seconds and resident memory of the process behind a port.

CPU per page view is the server's CPU (user + system, every thread, the event loop's
message sending included) over a phase divided by the views it served; /proc is what
the kernel charged, so the client's own CPU on the same machine is not counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Sample:
    cpu: float  # CPU-seconds since the process started
    rss: int  # bytes resident


def listening_pid(port: int) -> int:
    """The process listening on TCP `port` (of this user): /proc/net/tcp's inode, then /proc/*/fd."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(cols[9])
    if not inodes:
        raise LookupError(f"nothing listens on port {port}: start the server first or pass --pid")
    targets = {f"socket:[{i}]" for i in inodes}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in targets:
                    return int(proc.name)
        except OSError:
            continue
    raise LookupError(f"port {port} is open but its process is not readable (another user?): pass --pid")


def sample(pid: int) -> Sample:
    """CPU-seconds (utime + stime) and resident bytes of `pid` now."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15 of stat
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return Sample(cpu, rss)
