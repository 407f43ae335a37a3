"""What a request costs on make cluster (docs/scale.md, section 1).

For each request below, wrk runs through haproxy at 32 connections, and
the CPU time (user and system, /proc/PID/stat) that the Kore nodes, the
PostgreSQL servers (primary and standby) and haproxy used meanwhile is
divided by the requests answered.

    make cluster
    python3 tests/bench/cluster_cost.py [SECONDS]    # 8 by default

The figures are the whole machine's: wrk shares its cores, as the
nodes, both databases and haproxy do.
"""

import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIR = pathlib.Path(os.environ.get("TM_CLUSTER_DIR", ROOT / "var/cluster"))
PORT = int(os.environ.get("PORT", "8080"))
BASE = f"http://127.0.0.1:{PORT}"
os.environ.setdefault("TM_BASE_URL", BASE)
sys.path.insert(0, str(ROOT / "tests/integration"))
import conftest as it  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def children():
    """pid -> its parent, for every process."""
    parent = {}
    for p in pathlib.Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            parent[int(p.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parent


def tree(root):
    """root and every process below it."""
    parent = children()
    found, grew = {root}, True
    while grew:
        below = {p for p, pp in parent.items() if pp in found} - found
        found |= below
        grew = bool(below)
    return found


def cpu(pids):
    """Seconds of CPU the processes used so far (the living ones)."""
    total = 0
    for pid in pids:
        try:
            f = (pathlib.Path("/proc") / str(pid) / "stat").read_text()
        except OSError:
            continue
        fields = f.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def groups():
    """Which processes are whose, read again before each run (a worker
    or a backend may have been replaced since)."""
    first = lambda path: int(path.read_text().split()[0])  # noqa: E731
    kore = set()
    for n in (1, 2):
        pidfile = DIR / f"node{n}" / "kore.pid"
        if pidfile.exists():
            kore |= tree(first(pidfile))
    pg = set()
    for db in ("primary", "standby"):
        pidfile = DIR / db / "pgdata" / "postmaster.pid"
        if pidfile.exists():
            pg |= tree(first(pidfile))
    return {"kore": kore, "pg": pg,
            "haproxy": tree(first(DIR / "haproxy.pid"))}


def wrk(path, seconds, token=None):
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", BASE + path]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         check=True).stdout
    requests = int(out.split(" requests in ")[0].split()[-1])
    bad = "Non-2xx" in out or "Socket errors" in out
    return requests, bad


def measure(label, path, seconds, token=None):
    wrk(path, 2, token)    # warm the caches and the plans
    procs = groups()
    before = {k: cpu(v) for k, v in procs.items()}
    start = time.monotonic()
    n, bad = wrk(path, seconds, token)
    wall = time.monotonic() - start
    used = {k: cpu(v) - before[k] for k, v in procs.items()}
    us = {k: 1e6 * v / max(n, 1) for k, v in used.items()}
    print(f"| {label} | {n / wall:,.0f} | {us['kore']:.0f} | {us['pg']:.0f}"
          f" | {us['haproxy']:.0f} |{' errors' if bad else ''}")


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    if not (DIR / "haproxy.pid").exists():
        sys.exit(f"{DIR}/haproxy.pid is missing: run make cluster first")
    user = it.new_user("vendor")
    token = user.token
    techs = it.get(f"{it.API}/technologies?limit=1").json()["items"]
    print("| request | req/s | Kore µs | PostgreSQL µs | haproxy µs |")
    print("| --- | --- | --- | --- | --- |")
    if techs:
        measure("`GET /technologies/{id}`, anonymous",
                f"{it.API}/technologies/{techs[0]['id']}", seconds)
    q = "?q=n%C6%B0%E1%BB%9Bc%20th%E1%BA%A3i"
    measure("`GET /technologies?q=nước thải`, anonymous",
            f"{it.API}/technologies{q}", seconds)
    measure("`GET /categories`", f"{it.API}/categories", seconds)
    measure("`GET /me`", f"{it.API}/me", seconds, token)
    measure("`GET /technologies?q=nước thải`, signed in",
            f"{it.API}/technologies{q}", seconds, token)


if __name__ == "__main__":
    main()
