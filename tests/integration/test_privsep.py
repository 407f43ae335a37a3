"""Least privilege: Kore's workers, which parse what clients send, run as
an unprivileged user when the server is started by root; the secrets
directory is that user's alone; a worker that dies of SIGSYS (what a
seccomp violation is) is replaced and the server keeps answering; and
the headers that keep answers out of caches and content sniffers.
"""

import os
import pathlib
import platform
import shutil
import signal
import stat
import subprocess

import pytest

from conftest import (API, KORE_LOG, SANITIZED, TECH, get, kore_workers,
                      me, new_password, new_user, post, publish_tech,
                      server_trouble, unique_email, wait_for)
from test_technologies import tech_body

SECRETS = pathlib.Path(os.environ.get("TM_PGDIR") or "/nonexistent") / \
    "secrets"
# Measured under make test SAN=1: a replacement worker reports leaks of
# Kore's own (kore_malloc, kore_pool_init), most likely made in the parent
# it was forked from; the same run without a replacement reports nothing.
REPLACED_UNDER_SAN = pytest.mark.skipif(
    SANITIZED, reason="a replaced worker inherits Kore's parent's "
    "allocations, which LeakSanitizer reports as leaks of the new worker")
NOT_ROOT = "not run as root: Kore cannot change users, so tm.sh starts " \
    "it with -r and the workers keep the caller's own (unprivileged) uid"


def status_ids(pid, field):
    """The real, effective, saved and filesystem ids of Uid: or Gid:."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return [int(x) for x in line.split()[1:]]
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def workers():
    pids = sorted(pid for pid, state, _ in kore_workers()
                  if state not in ("Z", "X"))
    if not pids:
        pytest.skip("the Kore workers are unknown (TM_KORE_LOG unset)")
    return pids


def master():
    with open(os.path.join(os.path.dirname(KORE_LOG), "kore.pid")) as f:
        return int(f.read().strip())


def test_workers_are_not_root():
    pids = workers()
    if os.geteuid() != 0:
        pytest.skip(NOT_ROOT)
    # Started by root: only the parent, which parses nothing, stays root.
    assert status_ids(master(), "Uid")[0] == 0
    for pid in pids:
        for field in ("Uid", "Gid"):
            ids = status_ids(pid, field)
            assert 0 not in ids, f"worker {pid} runs with {field} {ids}"
    # Each worker runs with the supplementary groups of that user only.
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            groups = [line.split()[1:] for line in f
                      if line.startswith("Groups:")][0]
        assert "0" not in groups, f"worker {pid} keeps root's group"


def test_workers_keep_seccomp_on():
    for pid in workers():
        with open(f"/proc/{pid}/status") as f:
            mode = [line.split()[1] for line in f
                    if line.startswith("Seccomp:")][0]
        assert mode == "2", f"worker {pid}: Seccomp {mode}, not filtering"


def test_secrets_are_the_workers_alone():
    pids = workers()
    if os.geteuid() != 0:
        pytest.skip(NOT_ROOT)
    uid = status_ids(pids[0], "Uid")[0]
    assert uid != 0, "the workers are root"
    st = SECRETS.stat()
    assert st.st_uid == uid, "the workers do not own the secrets directory"
    assert stat.S_IMODE(st.st_mode) == 0o700
    files = [p for p in SECRETS.rglob("*") if p.is_file()]
    assert any(p.name == "signing.seed" for p in files)
    for p in files:
        st = p.lstat()
        assert st.st_uid == uid, f"{p} is not the workers'"
        assert stat.S_IMODE(st.st_mode) & 0o077 == 0, \
            f"{p} is open to others: {oct(st.st_mode)}"


@pytest.mark.last
@REPLACED_UNDER_SAN
def test_a_worker_killed_by_sigsys_is_replaced():
    before = workers()
    victim = before[0]
    os.kill(victim, signal.SIGSYS)
    assert wait_for(lambda: victim not in workers()
                    and len(workers()) == len(before)), \
        f"worker {victim} was not replaced: workers {workers()}"
    after = workers()
    # Only the victim went: every other worker is the one it was.
    assert set(before) - {victim} <= set(after), (before, after)
    with open(KORE_LOG, encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert f"({victim}) exited with status" in log
    assert "died from sandbox violation" in log
    # The new worker is unprivileged, sandboxed, and serves: fresh
    # connections land on every worker sooner or later.
    # (A worker is root for a moment after the fork, until it drops.)
    if os.geteuid() == 0:
        assert wait_for(lambda: all(0 not in status_ids(pid, "Uid")
                                    for pid in after)), \
            "the new worker runs as root"
    for _ in range(40):
        assert get("/healthz").status_code == 200
    assert server_trouble() is None, server_trouble()


# chroot(2), which no filter allows, by its number on each machine.
CHROOT = {"x86_64": 161, "aarch64": 51}


def threads(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def replaced(victim, count):
    return victim not in workers() and len(workers()) == count


@pytest.mark.last
@REPLACED_UNDER_SAN
def test_a_denied_call_in_the_event_loop_replaces_the_worker(tmp_path):
    """A real sandbox violation, made by the worker's own main thread (gdb
    makes it call chroot(2) where it waits in epoll_wait), in a worker
    whose Argon2id thread lives: Kore's filter kills only that thread.
    Before the watchdog (watchdog.c), the worker lingered with a dead
    event loop and the server answered nothing more."""
    gdb = shutil.which("gdb")
    if gdb is None:
        pytest.skip("gdb is not installed (conf/tm.sh deps installs it)")
    if platform.machine() not in CHROOT:
        pytest.skip(f"chroot's number on {platform.machine()} is unknown")
    before = workers()
    # Wrong passwords, each on a fresh connection, until a worker has
    # started its hashing thread.
    for _ in range(30):
        post(f"{API}/sessions", {"email": unique_email(),
                                 "password": new_password()},
             headers={"Connection": "close"})
        busy = [pid for pid in workers() if threads(pid) >= 2]
        if busy:
            break
    assert busy, "no worker started a task thread"
    victim = max(busy, key=threads)
    try:
        # gdb waits on for a thread that never comes back when the
        # process outlives it: the bug this test is about.
        p = subprocess.run(
            [gdb, "-nx", "-batch", "-p", str(victim),
             "-iex", "maint set internal-error quit yes",
             "-iex", "maint set internal-error corefile no",
             "-ex", "thread 1", "-ex",
             f"print (long)syscall({CHROOT[platform.machine()]}, \"/\")"],
            cwd=tmp_path, capture_output=True, text=True, timeout=30)
        said = p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        said = ""
    if "ptrace: Operation not permitted" in said:
        pytest.skip("gdb may not attach to the worker (not root, and "
                    "kernel.yama.ptrace_scope forbids it)")
    assert wait_for(lambda: replaced(victim, len(before)), timeout=20), \
        f"worker {victim} was not replaced: threads {threads(victim)}, " \
        f"state {[w for w in kore_workers() if w[0] == victim]}"
    # Only the victim went: every other worker is the one it was.
    assert set(before) - {victim} <= set(workers()), (before, workers())
    with open(KORE_LOG, encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert f"({victim}) exited with status 31" in log     # SIGSYS
    for _ in range(40):
        r = get("/healthz", headers={"Connection": "close"})
        assert r.status_code == 200
    assert server_trouble() is None, server_trouble()


# --- headers -----------------------------------------------------------------


def test_every_answer_says_nosniff():
    user = new_user("vendor")
    answers = [get("/healthz"), get(f"{API}/categories"),
               get(f"{API}/nowhere"), get(f"{API}/openapi.json"),
               get(f"{API}/me"), get(f"{API}/me", token=user.token),
               get(f"{API}/me", token="tms_" + "A" * 64)]
    for r in answers:
        assert r.headers.get("X-Content-Type-Options") == "nosniff", \
            f"{r.request.method} {r.url}: {r.status_code}"


def test_answers_to_credentials_are_no_store():
    vendor = new_user("vendor")
    tech = publish_tech(vendor, tech_body())
    path = f"{TECH}/{tech['id']}"
    # Anonymous reads keep their validators and revalidation.
    anon = get(path)
    assert anon.headers["Cache-Control"] == "private, no-cache"
    tag = anon.headers["ETag"]
    assert get(path, headers={"If-None-Match": tag}).status_code == 304
    signed = [get(path, token=vendor.token), me(vendor.token),
              get(f"{API}/categories", token=vendor.token),
              get(f"{API}/me/technologies", token=vendor.token),
              get(path, token=vendor.token, headers={"If-None-Match": tag}),
              # Refused credentials too: nothing about them is kept.
              get(f"{API}/me", token="tms_" + "A" * 64),
              get(f"{API}/nowhere", token=vendor.token)]
    for r in signed:
        assert r.headers.get("Cache-Control") == "no-store", \
            f"{r.request.method} {r.url}: {r.status_code} " \
            f"{r.headers.get('Cache-Control')}"
        # One Cache-Control, not two that disagree.
        assert "," not in r.headers["Cache-Control"]
    assert signed[0].headers.get("ETag"), "If-Match needs the tag still"
