"""make backup and make restore, through conf/tm.sh's own code paths with
DATABASE_URL naming databases of the test cluster: a backup taken while
a client keeps creating technologies holds every one acknowledged before
it started; restored into a new database and served by a second Kore
with the same secrets directory, its audit chain verifies, its signed
flag, decision and checkpoints verify against that server's /keys, and
the old sessions sign in. A restore never lands on data; an older dump
is migrated to the code's schema.
"""

import os
import pathlib
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

from conftest import (API, DATABASE_URL, LISTINGS_OFF_THEIR_VENDOR, ROOT,
                      SANITIZED, TECH, TMCTL,
                      need_db, new_user, post, publish_tech, verify)
from test_funding import (APPS, BOILER, World, apply, flag_ok,
                          openssl_verify)
from test_migrate import VERSIONS, psql, url_of

TM = ROOT / "conf" / "tm.sh"
DUMP_RE = re.compile(r"^/.*/techmarket-\d{8}T\d{6}Z\.dump$")


def tm(*args, timeout=300, **env):
    """conf/tm.sh args, with env (DATABASE_URL above all) over the test's
    own environment."""
    e = {k: v for k, v in os.environ.items() if k not in ("FORCE",)}
    e["TM_BUILD"] = str(TMCTL.parent)
    e.update({k: str(v) for k, v in env.items()})
    return subprocess.run([str(TM), *args], capture_output=True, text=True,
                          timeout=timeout, env=e)


def backup(url, into):
    p = tm("backup", DATABASE_URL=url, BACKUP_DIR=into)
    assert p.returncode == 0, f"backup failed: {p.stderr}"
    path = p.stdout.strip()
    assert DUMP_RE.match(path), f"not a backup's path: {p.stdout!r}"
    assert "secrets directory" in p.stderr, p.stderr
    return pathlib.Path(path)


@pytest.fixture
def databases():
    """new(): the URL of a new, empty database; all dropped afterwards."""
    need_db()
    made = []

    def new():
        name = f"tm_restore_{uuid.uuid4().hex[:12]}"
        psql(DATABASE_URL, f"CREATE DATABASE {name}")
        made.append(name)
        return url_of(name)
    yield new
    for name in made:
        psql(DATABASE_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def backups():
    d = pathlib.Path(tempfile.mkdtemp(prefix="techmarket-backups."))
    yield d / "kept"
    shutil.rmtree(d, ignore_errors=True)


class Writer(threading.Thread):
    """Creates technologies until stopped, noting when each 201 came."""

    def __init__(self, vendor):
        super().__init__(daemon=True)
        self.vendor = vendor
        self.acked = []         # (monotonic time of the answer, id)
        self.failed = []
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            body = dict(BOILER, title=f"Lò hơi sao lưu {n} {uuid.uuid4()}")
            try:
                r = post(TECH, body, token=self.vendor.token)
            except requests.RequestException as e:
                self.failed.append(repr(e))
                continue
            if r.status_code == 201:
                self.acked.append((time.monotonic(), r.json()["id"]))
            else:
                self.failed.append(f"{r.status_code} {r.text[:200]}")


class Server:
    """A second Kore on another database, with the test server's
    secrets directory and assets (conf/tm.sh write_conf)."""

    def __init__(self, url):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="techmarket-rs."))
        port = free_port()
        conf = self.dir / "techmarket.conf"
        subprocess.run(["bash", "-c", 'source "$TM"; write_conf "$1" "$2"',
                        "-", str(port), str(conf)], check=True,
                       env=dict(os.environ, TM=str(TM),
                                TM_BUILD=str(TMCTL.parent)))
        env = dict(os.environ, DATABASE_URL=url)
        if SANITIZED:
            # A sanitized module: its runtime must come first, as
            # conf/tm.sh (san_env) gives the test server its own.
            env.update(LD_PRELOAD=subprocess.run(
                ["cc", "-print-file-name=libasan.so"], check=True,
                capture_output=True, text=True).stdout.strip(),
                ASAN_OPTIONS="detect_leaks=0")
        self.log = open(self.dir / "kore.log", "wb")
        self.proc = subprocess.Popen(["kore", "-fnr", "-c", str(conf)],
                                     cwd=self.dir, env=env,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.tail()
            try:
                if requests.get(self.base + "/readyz",
                                timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the restored server is not ready: "
                             f"{self.tail()}")

    def tail(self):
        return (self.dir / "kore.log").read_text(errors="replace")[-2000:]

    def get(self, path, token=None):
        h = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(self.base + path, headers=h, timeout=60)

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keys_of(server):
    r = server.get(f"{API}/keys")
    assert r.status_code == 200, r.text
    return {k["key_id"]: k["public_key"] for k in r.json()["items"]}


def signed_world(admin):
    """A signed DOST flag and a signed, approved decision."""
    w = World(admin)
    flag_ok(w.dost, w.tech, w.program, pct=40)
    r = apply(w.e, w.quote, w.program, 400_000_000)
    assert r.status_code == 201, r.text
    app = r.json()
    r = post(f"{APPS}/{app['id']}/review", token=w.agency.token)
    assert r.status_code == 200, r.text
    r = post(f"{APPS}/{app['id']}/decision",
             {"decision": "approved", "amount_approved_vnd": 300_000_000,
              "note": "Duyệt"}, token=w.agency.token)
    assert r.status_code == 200, r.text
    return w, app["id"]


def test_a_backup_under_writes_restores_whole(admin, databases, backups):
    world, app_id = signed_world(admin)
    vendor = new_user("vendor")
    verify(admin, vendor)
    writer = Writer(vendor)
    writer.start()
    try:
        # Writes before, during and after the dump.
        while len(writer.acked) < 20:
            assert writer.is_alive() and not writer.failed, writer.failed
            time.sleep(0.05)
        started = time.monotonic()
        path = backup(DATABASE_URL, backups)
        ended = time.monotonic()
        n = len(writer.acked)
        while len(writer.acked) < n + 5 and writer.is_alive():
            time.sleep(0.05)
    finally:
        writer.stop.set()
        writer.join(30)
    assert not writer.failed, writer.failed[:5]
    before = [i for t, i in writer.acked if t < started]
    during = [i for t, i in writer.acked if started <= t < ended]
    assert len(before) >= 20 and len(writer.acked) > len(before)

    # Owner-only, in an owner-only directory.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]

    url = databases()
    p = tm("restore", str(path), DATABASE_URL=url)
    assert p.returncode == 0, f"restore failed: {p.stdout}\n{p.stderr}"
    assert "migrating: up to date" in p.stdout, p.stdout
    assert "holds every key that signed this data" in p.stdout, p.stdout

    ids = ",".join(f"'{i}'" for i in before)
    got = {r[0] for r in psql(url, "SELECT id FROM technologies"
                                   f" WHERE id IN ({ids})")}
    assert got == set(before), \
        f"{len(set(before) - got)} acknowledged writes lost"
    # A consistent snapshot: whatever the dump holds of the writes made
    # while it ran has its audit entry too.
    org = vendor.account["organization"]["id"]
    kept = {r[0] for r in psql(url, "SELECT id FROM technologies"
                                    f" WHERE vendor_id = '{org}'")}
    logged = {r[0] for r in psql(url, "SELECT entity_id FROM audit_log "
                                      "WHERE action = 'technology.create'")}
    assert kept <= logged, f"rows without their audit entry: {kept - logged}"
    assert kept <= set(before) | set(during) | {i for _, i in writer.acked}

    server = Server(url)
    try:
        head = int(psql(url, "SELECT seq FROM audit_chain")[0][0])
        r = server.get(f"{API}/audit/verify", token=admin.token)
        assert r.status_code == 200, r.text
        v = r.json()
        assert v["ok"] is True and v["reason"] is None, v
        assert v["entries"] == head and v["checkpoints"] >= 1, v

        keys = keys_of(server)
        r = server.get(f"{APPS}/{app_id}", token=world.e.token)
        assert r.status_code == 200, r.text
        sig = r.json()["decision"]["signature"]
        assert openssl_verify(sig, keys[sig["key_id"]])
        r = server.get(f"{TECH}/{world.tech['id']}/funding")
        assert r.status_code == 200, r.text
        sig = r.json()["items"][0]["signature"]
        assert openssl_verify(sig, keys[sig["key_id"]])
        r = server.get(f"{API}/audit/checkpoints?limit=100")
        assert r.status_code == 200, r.text
        cps = r.json()["items"]
        assert cps
        for cp in cps:
            assert openssl_verify({"signed": cp["signed"],
                                   "value": cp["signature"]},
                                  keys[cp["key_id"]]), cp
    finally:
        server.close()

    # Beside a secrets directory without those keys, restore's last
    # step (restore_secrets_check) says so.
    nokeys = backups.parent / "nokeys"
    nokeys.mkdir(mode=0o700)
    p = subprocess.run(["bash", "-c", 'source "$TM"; '
                        'restore_secrets_check "$1"', "-", url],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, TM=str(TM), DATABASE_URL=url,
                                TM_SECRETS_DIR=str(nokeys)))
    assert p.returncode == 0, p.stderr
    assert f"lacks the public key of {sig['key_id']}" in p.stderr, p.stderr


def test_a_restore_never_lands_on_data(admin, databases, backups):
    path = backup(DATABASE_URL, backups)
    count = psql(DATABASE_URL, "SELECT count(*) FROM accounts")
    for force in ("", "1"):
        p = tm("restore", str(path), DATABASE_URL=DATABASE_URL, FORCE=force)
        assert p.returncode != 0
        assert "is not empty" in p.stderr and "nothing done" in p.stderr, \
            p.stderr
    assert psql(DATABASE_URL, "SELECT count(*) FROM accounts") == count
    # Not a dump: refused before anything is touched.
    url = databases()
    junk = backups / "junk.dump"
    junk.write_bytes(b"PGDMP but not really")
    p = tm("restore", str(junk), DATABASE_URL=url)
    assert p.returncode != 0 and "is not a dump" in p.stderr, p.stderr
    assert psql(url, "SELECT to_regclass('accounts') IS NULL") == [["t"]]
    p = tm("restore", DATABASE_URL=url)
    assert p.returncode == 2 and "usage" in p.stderr


def sql_before_last_migration(dest):
    """sql/ as it stood before the last migration came: the functions of
    now may read what that migration makes (027's columns), so today's
    files less the migration are no database that ever was. From git,
    at the parent of the commit that added the migration (HEAD when it
    is not committed yet)."""
    def git(*args):
        p = subprocess.run(["git", "-C", str(ROOT), *args],
                           capture_output=True)
        return p.stdout if p.returncode == 0 else None
    added = git("log", "-1", "--diff-filter=A", "--format=%H", "--",
                f"sql/{VERSIONS[-1]}.sql")
    if added is None:
        pytest.skip("not a git checkout: no sql/ of before to build from")
    ref = f"{added.decode().strip()}^" if added.strip() else "HEAD"
    if git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}") is None:
        pytest.skip(f"a shallow clone: {ref} is not in it")
    tree = git("archive", ref, "sql")
    assert tree is not None, f"git archive {ref} sql failed"
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tree, check=True)
    (dest / "sql" / f"{VERSIONS[-1]}.sql").unlink(missing_ok=True)


def test_an_older_dump_is_migrated_on_restore(databases, backups):
    """A database at the next-to-last migration, backed up, restores
    into one the last migration then reaches."""
    old_sql = pathlib.Path(tempfile.mkdtemp(prefix="techmarket-oldsql."))
    try:
        sql_before_last_migration(old_sql)
        old = databases()
        # With the demo data of then: the last migration meets rows.
        p = subprocess.run([str(TMCTL), "migrate", "--demo", "--sql",
                            str(old_sql / "sql"), old], capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    finally:
        shutil.rmtree(old_sql, ignore_errors=True)
    path = backup(old, backups)
    new = databases()
    p = tm("restore", str(path), DATABASE_URL=new)
    assert p.returncode == 0, f"restore failed: {p.stdout}\n{p.stderr}"
    assert f"migrating: 1 applied ({VERSIONS[-1]})" in p.stdout, p.stdout
    versions = [r[0] for r in psql(new, "SELECT version FROM "
                                        "schema_migrations ORDER BY 1")]
    assert versions == VERSIONS
    # 027 gave every listing its vendor's place and its keys.
    assert int(psql(new, "SELECT count(*) FROM technologies")[0][0]) > 0
    assert psql(new, LISTINGS_OFF_THEIR_VENDOR) == [["0"]]


@pytest.fixture
def checkout():
    """A checkout of its own without var/ (as test_tools.py's), so its
    private cluster is not the developer's."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="techmarket-bk."))
    d.chmod(0o755)     # the postgres user reaches a private cluster here
    for sub in ("conf", "sql", "assets"):
        shutil.copytree(ROOT / sub, d / sub)
    yield d
    subprocess.run([str(d / "conf" / "tm.sh"), "stop"], capture_output=True,
                   timeout=60, env=dict(os.environ, TM_BUILD=str(TMCTL.parent)))
    pgdata = d / "var" / "pg" / "pgdata"
    if pgdata.is_symlink():     # its home in /var/tmp (conf/tm.sh db_home)
        shutil.rmtree(pgdata.resolve().parent, ignore_errors=True)
    shutil.rmtree(d, ignore_errors=True)


def test_the_private_cluster_is_made_kept_and_replaced_only_by_force(
        checkout, databases, backups):
    def run(*args, **env):
        e = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "FORCE")}
        e.update(TM_BUILD=str(TMCTL.parent),
                 TM_SECRETS_DIR=str(checkout / "secrets"))
        e.update({k: str(v) for k, v in env.items()})
        return subprocess.run([str(checkout / "conf" / "tm.sh"), *args],
                              capture_output=True, text=True, timeout=300,
                              env=e)

    def local(sql):
        return psql(f"host={(checkout / 'var' / 'pg' / 'sock').resolve()}"
                    " dbname=techmarket user=techmarket", sql)

    p = run("backup")
    assert p.returncode == 1 and "no private cluster" in p.stderr, p.stderr
    assert not (checkout / "var" / "pg").exists()
    # A small database of one admin, not the whole test database: this
    # cluster writes durably.
    small = databases()
    p = subprocess.run([str(TMCTL), "migrate", "--sql", str(ROOT / "sql"),
                        small], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    email = f"backup.{uuid.uuid4().hex[:12]}@techmarket.test"
    psql(small, f"SELECT admin_upsert('{email}', '$argon2id$v=19$m=65536,"
                "t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')")
    path = backup(small, backups)
    # No cluster yet: made, filled, migrated, and stopped again.
    p = run("restore", str(path))
    assert p.returncode == 0, f"restore failed: {p.stdout}\n{p.stderr}"
    assert not (checkout / "var" / "pg" / "pgdata" /
                "postmaster.pid").exists()
    p = run("restore", str(path))
    assert p.returncode == 1 and "FORCE=1 replaces it" in p.stderr, p.stderr
    # A cluster this command started is stopped as it ends: start it to
    # look, and leave it running so the next commands find it so.
    p = subprocess.run(["bash", "-c", 'source "$TM"; db_init_start '
                        '"$ROOT/var/pg"'], capture_output=True, text=True,
                       env=dict(os.environ, TM=str(checkout / "conf" /
                                                  "tm.sh")), timeout=120)
    assert p.returncode == 0, p.stderr
    assert local("SELECT count(*) FROM accounts WHERE email = "
                 f"'{email}'") == [["1"]]
    local("CREATE TABLE left_behind ()")
    p = run("restore", str(path), FORCE=1)
    assert p.returncode == 0, f"restore failed: {p.stdout}\n{p.stderr}"
    assert local("SELECT to_regclass('left_behind') IS NULL, count(*) "
                 "FROM accounts WHERE email = "
                 f"'{email}'") == [["t", "1"]]
    p = run("backup", BACKUP_DIR=backups)
    assert p.returncode == 0, p.stderr
    assert DUMP_RE.match(p.stdout.strip()), p.stdout
