"""tmctl migrate, against databases of its own made beside the server's
in the test cluster: a fresh database gets every migration and function,
a second run changes nothing, a landed migration that changed stops it
and so does a failing one (with nothing applied), rows from before
checksums take the files', and two runs at once both succeed, one after
the other. The demo data loads again and again, changing nothing the
second time, and places every demo organization in a commune.
"""

import hashlib
import os
import re
import shutil
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import DATABASE_URL, PSQL, ROOT, TMCTL, need_db, wait_for

SQL = ROOT / "sql"
VERSIONS = sorted(p.stem for p in SQL.glob("[0-9][0-9][0-9]_*.sql"))


def url_of(name):
    """DATABASE_URL with another database."""
    if DATABASE_URL.startswith(("postgres://", "postgresql://")):
        u = urllib.parse.urlsplit(DATABASE_URL)
        return urllib.parse.urlunsplit(u._replace(path="/" + name))
    return f"{DATABASE_URL} dbname={name}"


def psql(url, sql):
    """Rows of sql, each a list of str."""
    p = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-F", "|",
                        "-v", "ON_ERROR_STOP=1", "-d", url],
                       input=sql, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, f"psql failed: {p.stderr.strip()}"
    return [line.split("|") for line in p.stdout.splitlines() if line]


def migrate(url, *args, sql=SQL):
    return subprocess.run([str(TMCTL), "migrate", "--sql", str(sql), *args,
                           url], capture_output=True, text=True,
                          timeout=120)


def start(url):
    return subprocess.Popen([str(TMCTL), "migrate", "--sql", str(SQL), url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def landed(url):
    return psql(url, "SELECT version, checksum, applied_at"
                     " FROM schema_migrations ORDER BY version")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ok(p):
    assert p.returncode == 0, f"tmctl migrate: {p.returncode}\n{p.stderr}"
    return p


@pytest.fixture
def fresh():
    """The URL of a new, empty database, dropped afterwards."""
    need_db()
    name = f"tm_migrate_{uuid.uuid4().hex[:12]}"
    psql(DATABASE_URL, f"CREATE DATABASE {name}")
    yield url_of(name)
    psql(DATABASE_URL, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def migrated(fresh):
    ok(migrate(fresh))
    return fresh


def test_a_fresh_database_gets_every_migration_and_function(fresh):
    p = ok(migrate(fresh))
    assert p.stdout.splitlines() == [f"migrated {v}" for v in VERSIONS]
    rows = landed(fresh)
    assert [r[0] for r in rows] == VERSIONS
    for version, checksum, _ in rows:
        assert checksum == sha256(SQL / f"{version}.sql"), version
    # A function only sql/functions/ defines.
    assert psql(fresh, "SELECT 'tech_query'::regproc")
    # What 003 and 005 stored on the database, 009 took away again.
    assert psql(fresh, "SELECT count(*) FROM pg_db_role_setting"
                       " WHERE setdatabase = (SELECT oid FROM pg_database"
                       " WHERE datname = current_database())") == [["0"]]


def test_a_second_run_changes_nothing(migrated):
    before = landed(migrated)
    p = ok(migrate(migrated))
    assert p.stdout == "" and p.stderr == ""
    assert landed(migrated) == before


def test_functions_are_applied_on_every_run(migrated):
    psql(migrated, "CREATE OR REPLACE FUNCTION tm_cursor_rank(k text)"
                   " RETURNS real LANGUAGE sql IMMUTABLE RETURN 42")
    ok(migrate(migrated))
    assert psql(migrated, "SELECT tm_cursor_rank('2 x')") == [["2"]]


def copy_of_sql(tmp_path):
    copy = tmp_path / "sql"
    shutil.copytree(SQL, copy)
    return copy


def test_a_changed_landed_migration_stops_it(migrated, tmp_path):
    sql = copy_of_sql(tmp_path)
    with open(sql / "003_accounts.sql", "a") as f:
        f.write("-- edited after it landed\n")
    psql(migrated, "CREATE OR REPLACE FUNCTION tm_cursor_rank(k text)"
                   " RETURNS real LANGUAGE sql IMMUTABLE RETURN 42")
    before = landed(migrated)
    p = migrate(migrated, sql=sql)
    assert p.returncode == 1, p.stderr
    assert "003_accounts.sql has changed" in p.stderr, p.stderr
    assert p.stdout == ""
    # Nothing ran: the functions were not applied either.
    assert landed(migrated) == before
    assert psql(migrated, "SELECT tm_cursor_rank('2 x')") == [["42"]]


def test_a_failing_migration_applies_nothing(migrated, tmp_path):
    sql = copy_of_sql(tmp_path)
    (sql / "998_fine.sql").write_text("CREATE TABLE tm_fine (x int);\n")
    (sql / "999_broken.sql").write_text(
        "CREATE TABLE tm_broken (x int);\n\n"
        "SELECT no_such_column FROM tm_broken;\n")
    p = migrate(migrated, sql=sql)
    assert p.returncode == 1
    assert "999_broken.sql" in p.stderr, p.stderr
    assert 'column "no_such_column" does not exist' in p.stderr, p.stderr
    assert "LINE 3" in p.stderr, p.stderr
    assert [r[0] for r in landed(migrated)] == VERSIONS
    assert psql(migrated, "SELECT to_regclass('tm_fine'),"
                          " to_regclass('tm_broken')") == [["", ""]]


def test_a_new_migration_applies_once(migrated, tmp_path):
    sql = copy_of_sql(tmp_path)
    (sql / "998_fine.sql").write_text("CREATE TABLE tm_fine (x int);\n")
    assert ok(migrate(migrated, sql=sql)).stdout == "migrated 998_fine\n"
    assert ok(migrate(migrated, sql=sql)).stdout == ""
    # The checkout without it is older than the database.
    p = migrate(migrated)
    assert p.returncode == 1 and "998_fine" in p.stderr, p.stderr


def test_rows_from_before_checksums_take_the_files(migrated):
    psql(migrated, "ALTER TABLE schema_migrations DROP COLUMN checksum")
    ok(migrate(migrated))
    for version, checksum, _ in landed(migrated):
        assert checksum == sha256(SQL / f"{version}.sql"), version


def test_two_migrates_at_once_take_turns(fresh):
    """Both wait on a lock held elsewhere, then run one after the other:
    one applies everything, the other finds nothing left to do."""
    holder = subprocess.Popen(
        [PSQL, "-X", "-q", "-d", fresh, "-c",
         "SELECT pg_advisory_lock(hashtextextended('tmctl migrate', 0)),"
         " pg_sleep(3)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: psql(
            fresh, "SELECT count(*) FROM pg_locks WHERE locktype ="
                   " 'advisory' AND granted AND database = (SELECT oid"
                   " FROM pg_database WHERE datname = current_database())")
            == [["1"]])
        runs = [start(fresh), start(fresh)]
        out = [r.communicate(timeout=120) for r in runs]
    finally:
        holder.wait(timeout=60)
    for r, (stdout, stderr) in zip(runs, out):
        assert r.returncode == 0, stderr
        assert "waiting for another migrate" in stderr, stderr
    applied = sorted(stdout.count("migrated ") for stdout, _ in out)
    assert applied == [0, len(VERSIONS)], out
    assert [r[0] for r in landed(fresh)] == VERSIONS


def test_demo_data_loads_again_and_again(migrated):
    count = ("SELECT count(*) FROM technologies"
             " WHERE id::text LIKE 'de000004-%'")
    ok(migrate(migrated, "--demo"))
    loaded = psql(migrated, count)
    assert int(loaded[0][0]) > 0
    ok(migrate(migrated, "--demo"))
    assert psql(migrated, count) == loaded


DEMO_SUMS = " UNION ALL ".join(
    f"(SELECT '{t}', md5(string_agg(t::text, '' ORDER BY id)) FROM {t} t"
    " WHERE id::text LIKE 'de00000%')"
    for t in ("organizations", "accounts", "technologies", "needs"))


def test_demo_data_has_a_place_in_the_new_city(migrated):
    """sql/demo/002_places.sql: every demo organization and need has a
    commune, in its district; a third of the organizations are in the
    former Hậu Giang and Sóc Trăng, with needs of their own; a second
    load changes no row, not even its updated_at."""
    ok(migrate(migrated, "--demo"))
    sums = psql(migrated, DEMO_SUMS)
    assert all(s for _, s in sums), sums
    ok(migrate(migrated, "--demo"))
    assert psql(migrated, DEMO_SUMS) == sums

    orgs = psql(migrated,
                "SELECT o.id, o.commune, c.district = o.district,"
                " d.former_province FROM organizations o"
                " LEFT JOIN communes c ON c.code = o.commune"
                " LEFT JOIN districts d ON d.code = o.district"
                " WHERE o.id::text LIKE 'de00000%'")
    assert orgs
    assert [o for o in orgs if not o[1] or o[2] != "t"] == []
    provinces = [o[3] for o in orgs]
    new = [p for p in provinces if p in ("hau_giang", "soc_trang")]
    assert 3 * len(new) >= len(orgs), provinces
    assert {"hau_giang", "soc_trang"} <= set(new)

    needs = psql(migrated,
                 "SELECT n.id, n.commune, c.district = n.district,"
                 " d.former_province, n.status, n.title_folded"
                 " FROM needs n LEFT JOIN communes c ON c.code = n.commune"
                 " LEFT JOIN districts d ON d.code = n.district"
                 " WHERE n.id::text LIKE 'de000005-%'")
    assert [n for n in needs if not n[1] or n[2] != "t"] == []
    open_in = {p: [n[5] for n in needs if n[3] == p and n[4] == "open"]
               for p in ("hau_giang", "soc_trang")}
    assert any(re.search(r"\btom\b", t) for t in open_in["soc_trang"])
    assert any(re.search(r"\b(mia|giay)\b", t)
               for t in open_in["hau_giang"])


def test_without_a_database_it_says_how(base_url):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = subprocess.run([str(TMCTL), "migrate"], capture_output=True,
                       text=True, timeout=30, env=env)
    assert p.returncode == 2
    assert "usage: tmctl migrate" in p.stderr
