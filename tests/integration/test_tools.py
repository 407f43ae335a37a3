"""The operator's commands, run as a user runs them (conf/tm.sh, which
`make admin`, `make demo-accounts` and `make run` call), from a copy of
the checkout's conf/, sql/ and assets/ in a temporary directory, so that
nothing here touches the checkout's var/ or a `make run` going on in it.

`make admin` refuses what is not an email, an empty password and an
existing account that is not an admin (unless FORCE=1), and puts neither
the password nor its hash on a command line (ps) or in an environment;
`make
demo-accounts` refuses a DATABASE_URL; `make run` says in one line that
its port is taken, before starting anything; and a whole run on a
private cluster: plain steps, DEMO=0, demo accounts that sign in (and
are reset by a second run), and Ctrl-C stopping Kore and the cluster.
"""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

from conftest import (API, DATABASE_URL, LEAKS, ROOT, SANITIZED, TMCTL,
                      need_db, new_password, unique_email, wait_for)
from test_migrate import psql, url_of

# Variables of the user's shell that would change what tm.sh does.
TOOL_VARS = ("DATABASE_URL", "FORCE", "DEMO", "TM_DEMO", "HOST", "PORT",
             "TM_SECRETS_DIR")


@pytest.fixture(scope="module")
def root():
    """A checkout without var/: tm.sh finds its files beside itself."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="techmarket-tools."))
    d.chmod(0o755)     # the postgres user reaches a private cluster here
    for sub in ("conf", "sql", "assets"):
        shutil.copytree(ROOT / sub, d / sub)
    yield d
    tm(d, "stop", timeout=60)
    pgdata = d / "var" / "pg" / "pgdata"
    if pgdata.is_symlink():     # its home in /var/tmp (conf/tm.sh db_home)
        shutil.rmtree(pgdata.resolve().parent, ignore_errors=True)
    shutil.rmtree(d, ignore_errors=True)


def tool_env(root, **env):
    e = {k: v for k, v in os.environ.items() if k not in TOOL_VARS}
    e["TM_BUILD"] = str(TMCTL.parent)
    e["TM_SECRETS_DIR"] = str(root / "secrets")
    e.update({k: str(v) for k, v in env.items()})
    return e


def tm(root, *args, input="", timeout=120, **env):
    return subprocess.run([str(root / "conf" / "tm.sh"), *args],
                          input=input, capture_output=True, text=True,
                          timeout=timeout, env=tool_env(root, **env))


@pytest.fixture
def fresh():
    """The URL of a new, empty database, dropped afterwards."""
    need_db()
    name = f"tm_tools_{uuid.uuid4().hex[:12]}"
    psql(DATABASE_URL, f"CREATE DATABASE {name}")
    yield url_of(name)
    psql(DATABASE_URL, f"DROP DATABASE {name} WITH (FORCE)")


def untouched(url):
    """Nothing was migrated into url."""
    return psql(url, "SELECT to_regclass('accounts') IS NULL") == [["t"]]


def one_line(p):
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"not one line: {p.stderr!r}"
    return lines[0]


def admin(root, url, email, password, **env):
    p = tm(root, "admin", email, input=password + "\n", DATABASE_URL=url,
           **env)
    LEAKS.add(password, "a password given to make admin", log=False)
    return p


def role_of(url, email):
    return psql(url, "SELECT role, password_hash LIKE '$argon2id$%' "
                     f"FROM accounts WHERE email = '{email}'")


# --- make admin -------------------------------------------------------------


def test_admin_refuses_what_is_not_an_email(root, fresh):
    for email in ("not-an-email", "a@b", "two@at@x.vn", "sp ace@x.vn",
                  "@x.vn"):
        p = admin(root, fresh, email, new_password())
        assert p.returncode == 1, p.stdout
        assert "is not an email address" in one_line(p)
    assert untouched(fresh)


def test_admin_refuses_an_empty_password(root, fresh):
    for stdin in ("", "\n"):
        p = tm(root, "admin", unique_email("admin"), input=stdin,
               DATABASE_URL=fresh)
        assert p.returncode == 1, p.stdout
        assert "empty password" in one_line(p)
    assert untouched(fresh)


def test_admin_makes_and_resets_an_admin(root, fresh):
    email = unique_email("admin")
    p = admin(root, fresh, email.upper(), new_password())
    assert p.returncode == 0, p.stderr
    assert role_of(fresh, email) == [["admin", "t"]]
    first = psql(fresh, "SELECT password_hash FROM accounts "
                        f"WHERE email = '{email}'")
    # An admin again: its password is reset, no FORCE needed.
    assert admin(root, fresh, email, new_password()).returncode == 0
    assert psql(fresh, "SELECT password_hash FROM accounts "
                       f"WHERE email = '{email}'") != first


# Records each program's arguments and environment, NUL-separated, one
# file per run, then runs the real program.
SPY = """#!/bin/sh
d=%(log)s
n=$(mktemp "$d/run.XXXXXX")
{ printf '%%s\\0' "$0" "$@"; printf '\\n--env--\\n'; env -0; } >"$n"
exec %(real)s "$@"
"""


def test_admin_puts_no_secret_on_a_command_line(root, fresh, tmp_path):
    """What ps shows any user: the arguments of psql and of tmctl, seen
    by spies standing in for them; their environments too."""
    pgbin = pathlib.Path("/usr/lib/postgresql/15/bin")
    log = tmp_path / "runs"
    log.mkdir()
    copy = tmp_path / "checkout"
    for sub in ("conf", "sql", "assets"):
        shutil.copytree(root / sub, copy / sub)
    spies = tmp_path / "spies"
    spies.mkdir()
    build = tmp_path / "build"
    build.mkdir()
    for name, real, where in (("psql", pgbin / "psql", spies),
                              ("tmctl", TMCTL, build)):
        spy = where / name
        spy.write_text(SPY % {"log": log, "real": real})
        spy.chmod(0o755)
    for prog in pgbin.iterdir():
        if prog.name != "psql":
            (spies / prog.name).symlink_to(prog)
    tm_sh = copy / "conf" / "tm.sh"
    text = tm_sh.read_text()
    assert f"\nPGBIN={pgbin}\n" in text
    tm_sh.write_text(text.replace(f"\nPGBIN={pgbin}\n",
                                  f"\nPGBIN={spies}\n"))
    email = unique_email("admin")
    password = new_password()
    LEAKS.add(password, "a password given to make admin", log=False)
    p = tm(copy, "admin", email, input=password + "\n", DATABASE_URL=fresh,
           TM_BUILD=build)
    assert p.returncode == 0, p.stderr
    stored = psql(fresh, "SELECT password_hash FROM accounts "
                         f"WHERE email = '{email}'")[0][0]
    assert stored.startswith("$argon2id$")
    runs = [f.read_bytes() for f in log.iterdir()]
    names = [r.split(b"\0", 1)[0].rsplit(b"/", 1)[-1] for r in runs]
    assert b"psql" in names and b"tmctl" in names, names
    for run in runs:
        args, env = run.split(b"\n--env--\n", 1)
        assert stored.encode() not in args and b"$argon2id$" not in args
        assert password.encode() not in args
        assert stored.encode() not in env and password.encode() not in env


def test_admin_refuses_an_existing_account_unless_forced(root, fresh):
    email = unique_email("officer")
    assert tm(root, "migrate", fresh).returncode == 0
    psql(fresh, "INSERT INTO accounts (email, password_hash, display_name,"
                " role, agency) VALUES"
                f" ('{email}', '!', 'Cán bộ', 'agency', 'dost')")
    p = admin(root, fresh, email, new_password())
    assert p.returncode == 1
    line = one_line(p)
    assert "existing agency account, not an admin" in line and \
        "FORCE=1" in line, line
    assert role_of(fresh, email) == [["agency", "f"]]
    p = admin(root, fresh, email, new_password(), FORCE="yes")
    assert p.returncode == 1 and "FORCE must be 1" in one_line(p)
    assert role_of(fresh, email) == [["agency", "f"]]
    p = admin(root, fresh, email, new_password(), FORCE=1)
    assert p.returncode == 0, p.stderr
    assert role_of(fresh, email) == [["admin", "t"]]


# --- make demo-accounts, make run -------------------------------------------


def test_demo_accounts_refuse_a_database_url(root, fresh):
    p = tm(root, "demo-accounts", DATABASE_URL=fresh)
    assert p.returncode == 1
    assert "DATABASE_URL is set" in one_line(p)
    assert untouched(fresh)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_on_a_taken_port_says_so_and_starts_nothing(root, fresh):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = tm(root, "run", PORT=port, DATABASE_URL=fresh, timeout=60)
    assert p.returncode == 1
    assert f"port {port} on 127.0.0.1 is taken" in one_line(p)
    assert "serving" not in p.stdout
    assert untouched(fresh)
    assert not (root / "var" / "pg").exists()


def demo_logins(out):
    """{role: (email, password)} from make demo-accounts' table."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"^\s+(vendor|enterprise|agency \((?:dost|doit)\)|admin)"
                     r"\s+(\S+@\S+)\s+(\S+)", line)
        if m:
            found[m.group(1)] = (m.group(2), m.group(3))
            LEAKS.add(m.group(3), "a demo account's password", log=False)
    return found


def sign_in(base, email, password):
    return requests.post(f"{base}{API}/sessions",
                         json={"email": email, "password": password},
                         timeout=30)


@pytest.mark.skipif(SANITIZED, reason="Kore needs the ASan runtime preloaded")
def test_run_demo_accounts_and_ctrl_c(root):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = root / "run.log"
    with open(log, "w") as out:
        run = subprocess.Popen([str(root / "conf" / "tm.sh"), "run"],
                               stdout=out, stderr=subprocess.STDOUT,
                               env=tool_env(root, PORT=port, TM_DEMO=0),
                               start_new_session=True)
    try:
        wait_for(lambda: "serving on" in log.read_text()
                 or run.poll() is not None, timeout=180)
        text = log.read_text()
        assert run.poll() is None, text
        for step in ("creating the PostgreSQL cluster in var/pg",
                     "starting PostgreSQL in var/pg",
                     "migrating: ", "demo data: skipped (DEMO=0)",
                     f"serving on {base}/ (Ctrl-C stops Kore and "
                     "PostgreSQL)"):
            assert step in text, f"{step!r} not in {text}"
        assert requests.get(f"{base}/healthz", timeout=10).status_code \
            == 200
        url = (f"host={(root / 'var' / 'pg' / 'sock').resolve()} "
               "dbname=techmarket user=techmarket")
        assert psql(url, "SELECT count(*) FROM organizations"
                         " WHERE id::text LIKE 'de00000%'") == [["0"]]

        # Every role signs in with what make demo-accounts printed.
        p = tm(root, "demo-accounts")
        assert p.returncode == 0, p.stderr
        first = demo_logins(p.stdout)
        assert set(first) == {"vendor", "enterprise", "agency (dost)",
                              "agency (doit)", "admin"}, p.stdout
        for role, (email, password) in first.items():
            r = sign_in(base, email, password)
            assert r.status_code == 201, (role, r.text)
            account = r.json()["account"]
            assert account["role"] == role.split()[0]
            if role.startswith("agency"):
                assert account["agency"] == role[8:-1]
        assert psql(url, "SELECT count(*) > 0 FROM technologies t JOIN"
                         " accounts a ON a.org_id = t.vendor_id WHERE"
                         f" a.email = '{first['vendor'][0]}'") == [["t"]]

        # Again: new passwords, the old ones no longer sign in.
        p = tm(root, "demo-accounts")
        assert p.returncode == 0, p.stderr
        second = demo_logins(p.stdout)
        assert sign_in(base, *first["admin"]).status_code == 401
        assert sign_in(base, *second["admin"]).status_code == 201

        # Ctrl-C: the terminal signals the whole foreground group.
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    text = log.read_text()
    assert "stopping PostgreSQL (var/pg)" in text, text
    assert not (root / "var" / "pg" / "pgdata" / "postmaster.pid").exists()
    assert not (root / "var" / "run" / "kore.pid").exists()
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))     # Kore is gone
