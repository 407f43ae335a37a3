#!/usr/bin/python3
"""bench.py -- drives `make bench` against the server and cluster that
conf/tm.sh bench started: seeds data, runs wrk on each endpoint and
pgbench on the same SQL, then a login storm; then loads BENCH_TECHS
technologies (bench_data.sql) and an enterprise's need and does the same
for the market: a technology by random id, three searches, the need's
matches; at the end the search mix (issue 14): for each size in
BENCH_MIX_SIZES and generator in BENCH_MIX_GENS, it loads that many
technologies of that generator alone (bench_data.sql or
bench_varied.sql), VACUUM ANALYZEs, draws BENCH_MIX_QUERIES distinct
queries from the data (search_mix.py), replays them in random order at
BENCH_CONNS connections (mix.lua), runs each alone at one connection
(median of 3; the ten slowest are printed), measures phrase-in-title
precision at 20 over the multi-word ones, and says which of the issue's
targets pass. Prints the table.

Standard library only. Environment (set by conf/tm.sh):
  TM_BASE_URL, TM_DATABASE_URL, TM_ROOT, BENCH_DIR (scratch, removed
  afterwards), TM_ACCESS_LOG, PGBIN; optional BENCH_SECONDS (10),
  BENCH_WARMUP (2), BENCH_CONNS (64), BENCH_THREADS (2),
  BENCH_STORM_CONNS (20), BENCH_SEED (10000), BENCH_TECHS (100000),
  BENCH_IDS (10000: how many random published ids GET /technologies/{id}
  picks from), BENCH_MATCH_CONNS (64, the matches row's connections),
  BENCH_APPS (100000: funding applications for the decisions row, a
  tenth for wrk's warm-up, four tenths for its run, half for pgbench),
  BENCH_BYPRODUCTS (100000: open by-products, byproducts_data.sql, for
  the by-product matches row, run at BENCH_MATCH_CONNS), BENCH_ONLY
  ("byproducts": that row alone, for working on it; "matches": the two
  matching rows and freshness alone; "search": the search mix alone,
  saved in var/bench/search.txt), BENCH_NEEDS (999: open needs loaded
  for the matching rows, tests/bench/needs_data.sql).
  BENCH_MIX_SIZES ("100000 1000000"), BENCH_MIX_GENS ("bench varied"),
  BENCH_MIX_QUERIES (400), BENCH_MIX_SEED (14): the search mix's sizes,
  generators, queries and the seed they are drawn with.
  BENCH_CP_REPORTS (50000: cleaner-production reports of one year for
  the summary row).
"""

import base64
import glob
from http.client import HTTPConnection
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import search_mix  # noqa: E402  (tests/bench/search_mix.py)
from queries_def import load_queries  # noqa: E402  (tests/queries_def.py)

ROOT = os.environ["TM_ROOT"]
BASE = os.environ["TM_BASE_URL"]
DBURL = os.environ["TM_DATABASE_URL"]
DIR = os.environ["BENCH_DIR"]
ACCESS_LOG = os.environ.get("TM_ACCESS_LOG")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
HERE = os.path.dirname(os.path.abspath(__file__))


def env_int(name, default):
    v = os.environ.get(name) or str(default)
    if not re.fullmatch(r"[1-9][0-9]*", v):
        sys.exit(f"bench: {name} must be a positive integer, not {v!r}")
    return int(v)


SECONDS = env_int("BENCH_SECONDS", 10)
WARMUP = env_int("BENCH_WARMUP", 2)
CONNS = env_int("BENCH_CONNS", 64)
THREADS = env_int("BENCH_THREADS", 2)
STORM_CONNS = env_int("BENCH_STORM_CONNS", 20)
SEED = env_int("BENCH_SEED", 10000)
TECHS = env_int("BENCH_TECHS", 100000)
IDS = env_int("BENCH_IDS", 10000)
MATCH_CONNS = env_int("BENCH_MATCH_CONNS", 64)
APPS = env_int("BENCH_APPS", 100000)
BYPRODUCTS = env_int("BENCH_BYPRODUCTS", 100000)
ONLY = os.environ.get("BENCH_ONLY") or ""
CP_REPORTS = env_int("BENCH_CP_REPORTS", 50000)
CP_YEAR = 2025

VENDOR = "bench-vendor@bench.example"
PASSWORD = "bench-password-0123"
STORM_PREFIX = "storm-"
ENTERPRISE = "bench-enterprise@bench.example"
NEED = {"title": "Cần hệ thống xử lý nước thải cho nhà máy chế biến cá tra",
        "category": "wastewater_treatment", "sector": "seafood_processing",
        "district": "ninh_kieu", "budget_max_vnd": 3000000000}
# Typical searches: no diacritics, with diacritics, a longer phrase.
SEARCHES = ("xu ly nuoc thai", "điện mặt trời", "lò hơi đốt trấu")
SEARCH_TARGET_MS = 20		# the p50 at 1,000,000 technologies
MAX_ERROR_SHARE = 0.01
GZIP = ("Accept-Encoding: gzip",)	# what a browser sends
PGBENCH_SCRIPTS = 128		# pgbench's limit of -f

children = []			# running Popen objects, killed on the way out
failures = []


class BenchError(Exception):
    pass


def log(msg):
    print(msg, flush=True)


# --- HTTP and SQL helpers -------------------------------------------

def http(method, path, body=None, token=None, timeout=30, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def psql(*args, sql=None):
    cmd = [f"{PGBIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
           "-d", DBURL, *args]
    p = subprocess.run(cmd, input=sql, capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"psql failed: {p.stderr.strip()}")
    return p.stdout.strip()


def run(cmd, timeout):
    """Run a benchmark tool, killable from the signal handler."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    children.append(p)		# killed in __main__ if anything goes wrong
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{cmd[0]} did not finish in {timeout} s")
    children.remove(p)
    if p.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:3])}... exited {p.returncode}:\n"
                         + out)
    return out


# --- the SQL the server runs, read from app/queries.def ---------------

def pgbench_statement(queries, qname, params):
    """The statement with $n as pgbench variables; fills params."""
    if qname not in queries:
        raise BenchError(f"{qname} not found in app/queries.def")
    sql = queries[qname]
    prefix = qname[2:].lower()

    def var(m):
        name = f"{prefix}_{m.group(1)}"
        if name not in params:
            raise BenchError(f"no value for ${m.group(1)} of {qname}")
        return ":" + name
    if ";" in sql or "\\" in sql:
        raise BenchError(f"{qname} holds a ';' or a backslash that "
                         "pgbench would misread")
    # \gset fails the transaction unless exactly one row comes back, as
    # the server expects: a lookup that missed would be timed otherwise.
    return re.sub(r"\$(\d+)", var, sql) + " \\gset r_\n"


# --- wrk and pgbench ------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def parse_wrk(out):
    def num(pattern, default=None):
        m = re.search(pattern, out)
        if m is None:
            if default is None:
                raise BenchError("cannot parse wrk output:\n" + out)
            return default
        return m.groups()
    rps = float(num(r"Requests/sec:\s*([\d.]+)")[0])
    total = int(num(r"(\d+) requests in")[0])
    v, unit = num(r"\n\s*99%\s+([\d.]+)(us|ms|s|m|h)\b")
    v50, unit50 = num(r"\n\s*50%\s+([\d.]+)(us|ms|s|m|h)\b")
    non2xx = int(num(r"Non-2xx or 3xx responses:\s*(\d+)", ("0",))[0])
    sock = num(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
               r"timeout (\d+)", ("0", "0", "0", "0"))
    return {"rps": rps, "p99": float(v) * UNITS[unit],
            "p50": float(v50) * UNITS[unit50], "total": total,
            "non2xx": non2xx, "errors": sum(map(int, sock)),
            "socket": ", ".join(f"{k} {n}" for k, n in
                                zip(("connect", "read", "write", "timeout"),
                                    sock))}


def check_errors(name, r):
    """Print wrk's error counts; note a failure above 1 %."""
    line = (f"  {name}: {r['total']} requests, non-2xx {r['non2xx']}, "
            f"socket errors: {r['socket']}")
    log(line)
    bad = r["non2xx"] + r["errors"]
    if r["total"] == 0:
        msg = (f"FAILED: {name}: no request completed in {SECONDS} s "
               f"({r['socket']})")
        log("  " + msg)
        failures.append(msg)
    elif bad > MAX_ERROR_SHARE * r["total"]:
        msg = (f"FAILED: {name}: {bad} of {r['total']} requests were "
               f"non-2xx or socket errors (over {MAX_ERROR_SHARE:.0%})")
        log("  " + msg)
        failures.append(msg)


def wrk_cmd(path, conns, seconds, token=None, script=None, script_args=(),
            timeout=10, headers=()):
    cmd = ["wrk", "-c", str(conns), "-t", str(min(THREADS, conns)),
           "-d", f"{seconds}s", "--timeout", f"{timeout}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(BASE + path)
    if script_args:
        cmd += ["--", *script_args]
    return cmd


def quiesce(limit=600):
    """Wait until no query is running: a slow endpoint's requests that
    wrk gave up on (or pgbench's last transactions) would otherwise
    still hold the cores when the next run starts."""
    t = time.monotonic()
    calm = 0
    while calm < 2:		# twice in a row, a step apart
        busy = int(psql(sql="SELECT count(*) FROM pg_stat_activity"
                        " WHERE state = 'active' AND pid <> pg_backend_pid()"
                        " AND backend_type = 'client backend'"))
        calm = calm + 1 if busy == 0 else 0
        if time.monotonic() - t > limit:
            raise BenchError(f"{busy} queries still running after {limit} s")
        time.sleep(0.1 if calm else 0.5)
    waited = time.monotonic() - t
    if waited > 1:
        log(f"  waited {waited:.1f} s for the previous run's queries")


def wrk(name, path, token=None, conns=None, script=None, script_args=(),
        warmup=True, headers=()):
    conns = conns or CONNS
    quiesce()
    log(f"wrk {name}: {WARMUP if warmup else 0} s warm-up, {SECONDS} s at "
        f"{conns} connections")
    if warmup:
        run(wrk_cmd(path, conns, WARMUP, token, script, script_args,
                    headers=headers), WARMUP + 30)
        quiesce()		# what wrk left running when it stopped
    r = parse_wrk(run(wrk_cmd(path, conns, SECONDS, token, script,
                              script_args, headers=headers), SECONDS + 30))
    check_errors(name, r)
    return r


def percentile(values, q):
    values.sort()
    return values[max(0, math.ceil(q * len(values)) - 1)]


def pgbench(name, script, defines, mode="prepared", conns=None,
            skip_first=False):
    """tps, p50 and p99 (ms) of the script (or of [(script, weight)]),
    percentiles from the per-transaction log; skip_first leaves each
    client's first transaction (its PREPAREs) out of them."""
    conns = conns or CONNS
    quiesce()
    log(f"pgbench {name}: {WARMUP} s warm-up, {SECONDS} s at {conns} "
        "clients")
    base = [f"{PGBIN}/pgbench", "-n", "-M", mode, "-c", str(conns),
            "-j", str(min(THREADS, conns))]
    for path, weight in ([(script, 1)] if isinstance(script, str)
                         else script):
        base += ["-f", f"{path}@{weight}"]
    for k, v in defines.items():
        base += ["-D", f"{k}={v}"]
    # Generous: clients finish the transaction they are in when time is
    # up, and a matching transaction takes seconds.
    run(base + ["-T", str(WARMUP), DBURL], WARMUP + 120)
    quiesce()
    prefix = os.path.join(DIR, "pgbench-" + re.sub(r"\W+", "_", name))
    out = run(base + ["-T", str(SECONDS), "-l", "--log-prefix", prefix,
                      DBURL], SECONDS + 120)
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)",
                  out)
    if m is None:
        raise BenchError("cannot parse pgbench output:\n" + out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if failed and int(failed.group(1)) > 0:
        failures.append(f"FAILED: pgbench {name}: {failed.group(1)} failed "
                        "transactions")
    lat, first = [], []
    for f in glob.glob(prefix + ".*"):
        with open(f) as fh:
            # client transaction_no time_us script_no epoch us
            for line in fh:
                w = line.split()
                (first if skip_first and w[1] == "1" else lat).append(
                    int(w[2]))
        os.unlink(f)
    if not lat:		# a slow statement and a short run
        skip_first, lat = False, first
    if not lat:
        raise BenchError(f"pgbench {name} logged no transactions")
    p99 = percentile(lat, 0.99) / 1000.0
    p50 = percentile(lat, 0.50) / 1000.0
    log(f"  pgbench {name}: {len(lat)} transactions"
        f"{' (first of each client left out)' if skip_first else ''}, "
        f"{failed.group(1) if failed else 0} failed")
    return {"tps": float(m.group(1)), "p99": p99, "p50": p50}


# --- the steps ------------------------------------------------------

def prepare():
    """Register the vendor, seed SQL data, log in: (token, account id)."""
    status, body = http("POST", "/api/v1/accounts", {
        "email": VENDOR, "password": PASSWORD,
        "display_name": "Bench Vendor", "role": "vendor",
        "organization": {"name": "Bench Vendor Co", "tax_code": "6000000001",
                         "district": "ninh_kieu",
                         "sector": "seafood_processing"}})
    if status != 201:
        raise BenchError(f"registering {VENDOR}: {status} {body}")
    t = time.monotonic()
    psql("-v", f"n={SEED}", "-v", f"vendor={VENDOR}",
         "-v", f"storm_n={STORM_CONNS}", "-f", os.path.join(HERE, "seed.sql"))
    counts = psql(sql="SELECT (SELECT count(*) FROM accounts) || ' accounts, '"
                  " || (SELECT count(*) FROM credentials) || ' credentials'")
    log(f"seeded in {time.monotonic() - t:.1f} s: {counts}")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": VENDOR, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"logging in: {status} {body}")
    token = body["token"]
    status, me = http("GET", "/api/v1/me", token=token)
    if status != 200:
        raise BenchError(f"GET /api/v1/me: {status} {me}")
    return token, me["id"]


def selector_of(token):
    """The token is tms_ + base64url(selector[16] || secret[32])."""
    if not token.startswith("tms_"):
        raise BenchError(f"unexpected token shape {token[:4]}...")
    raw = base64.urlsafe_b64decode(token[4:] + "=" * (-len(token[4:]) % 4))
    if len(raw) != 48:
        raise BenchError(f"token holds {len(raw)} bytes, not 48")
    return "\\x" + raw[:16].hex()


def write_scripts(account_id, selector):
    """pgbench scripts from app/queries.def, checked against the data."""
    queries = load_queries()
    # No standby here: the server asks no caller_writes (false).
    params = {"auth_lookup_1": selector, "auth_lookup_2": "session",
              "auth_lookup_3": "false", "account_get_1": account_id}
    scripts = {}
    for name, qnames in (("categories", ["Q_CATEGORIES"]),
                         ("me", ["Q_AUTH_LOOKUP", "Q_ACCOUNT_GET"])):
        path = os.path.join(DIR, f"{name}.sql")
        with open(path, "w") as f:
            f.write(f"-- generated by tests/bench/bench.py from "
                    f"app/queries.def: {', '.join(qnames)}\n")
            for q in qnames:
                f.write(pgbench_statement(queries, q, params))
        scripts[name] = path
    # The lookup must find the vendor, or pgbench would time a miss.
    got = psql(sql=f"PREPARE a(bytea, text, boolean) AS "
               f"{queries['Q_AUTH_LOOKUP']};"
               f"\nEXECUTE a('{selector}', 'session', false);")
    if account_id not in got.split("|"):
        raise BenchError(f"Q_AUTH_LOOKUP does not find the vendor: {got!r}")
    return scripts, params


def storm(token):
    """GET /me at CONNS connections while STORM_CONNS keep logging in."""
    dur = WARMUP + SECONDS + 1
    log(f"login storm: {STORM_CONNS} connections logging in for {dur} s; "
        f"GET /api/v1/me at {CONNS} connections, {WARMUP} s warm-up, "
        f"{SECONDS} s measured")
    cmd = wrk_cmd("/api/v1/sessions", STORM_CONNS, dur,
                  script=os.path.join(HERE, "login.lua"),
                  script_args=(STORM_PREFIX, str(STORM_CONNS), PASSWORD,
                               str(min(THREADS, STORM_CONNS))),
                  timeout=dur + 30)	# slow logins are the finding
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    children.append(p)
    run(wrk_cmd("/api/v1/me", CONNS, WARMUP, token), WARMUP + 30)
    me = parse_wrk(run(wrk_cmd("/api/v1/me", CONNS, SECONDS, token),
                       SECONDS + 30))
    try:
        out, _ = p.communicate(timeout=dur + 30)
    except subprocess.TimeoutExpired:
        raise BenchError("the login storm's wrk did not finish")
    children.remove(p)
    if p.returncode != 0:
        raise BenchError(f"login storm wrk exited {p.returncode}:\n{out}")
    check_errors("GET /api/v1/me during storm", me)
    logins = parse_wrk(out)
    m = re.search(r"logins: 201 (\d+), non-201 (\d+)", out)
    if m is None:
        raise BenchError("login.lua printed no counts:\n" + out)
    logins["created"], logins["non201"] = int(m.group(1)), int(m.group(2))
    check_errors("POST /api/v1/sessions (storm)", logins)
    return me, logins


# --- the market -----------------------------------------------------

def sql_literal(v):
    """A parameter as the server sends it: text, or NULL."""
    if v is None:
        return "NULL"
    v = str(v)
    # pgbench would take a ':' for a variable, a backslash for a command.
    if ":" in v or "\\" in v or "\n" in v:
        raise BenchError(f"cannot put {v!r} in a pgbench script")
    return "'" + v.replace("'", "''") + "'"


def execute(qname, params):
    if not params:
        return f"EXECUTE {qname[2:].lower()}"
    return (f"EXECUTE {qname[2:].lower()}("
            + ", ".join(sql_literal(p) for p in params) + ")")


def prepared_script(name, queries, qnames, body):
    """A pgbench script (run with -M simple) whose clients PREPARE the
    statements of app/queries.def under the server's names, untouched, in
    their first transaction, and then EXECUTE them with the server's
    parameters. Unlike -M prepared with variables, which can only send
    strings, a parameter can be NULL, as the server's are, so the plans
    (custom or generic) are the server's."""
    lines = [f"-- generated by tests/bench/bench.py from app/queries.def: "
             f"{', '.join(qnames)}",
             "-- run with -M simple -D prepared=0; each client's first "
             "transaction also PREPAREs",
             "\\if :prepared = 0"]
    for q in qnames:
        if q not in queries:
            raise BenchError(f"{q} not found in app/queries.def")
        sql = queries[q]
        if ";" in sql or "\\" in sql or "\n" in sql or \
                re.search(r"(?<!:):(?!:)", sql):
            raise BenchError(f"{q} holds a ';', a backslash, a newline or a "
                             "':' that pgbench would misread")
        lines.append(f"PREPARE {q[2:].lower()} AS {sql};")
    lines += ["\\set prepared 1", "\\endif"] + body
    path = os.path.join(DIR, f"{name}.sql")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def psql_execute(queries, qname, params):
    """The statement's rows, run by psql as the pgbench script runs it."""
    out = psql(sql=f"PREPARE {qname[2:].lower()} AS {queries[qname]};\n"
               f"{execute(qname, params)};")
    return out.split("\n") if out else []


def cursor_ids(rows):
    """The ids of list rows: of their cursor column, "key|id", the last
    one or, in a search, the one before the suggestion (JSON or empty)."""
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    return [re.findall(r"\|(" + uuid + r")(?=\||$)", r)[-1] for r in rows]


def search_key(q):
    """A file name for the search: "điện mặt trời" -> search_dien_mat_troi."""
    ascii_q = unicodedata.normalize("NFKD", q.replace("đ", "d").replace(
        "Đ", "D")).encode("ascii", "ignore").decode()
    return "search_" + re.sub(r"\W+", "_", ascii_q)


def market_prepare():
    """Load TECHS technologies, register an enterprise, post its need.
    Returns {"token", "org", "need", "ids" (file), "nids"}."""
    status, body = http("POST", "/api/v1/accounts", {
        "email": ENTERPRISE, "password": PASSWORD,
        "display_name": "Bench Enterprise", "role": "enterprise",
        "organization": {"name": "Bench Enterprise Co",
                         "tax_code": "6000000002", "district": "ninh_kieu",
                         "sector": "seafood_processing"}})
    if status != 201:
        raise BenchError(f"registering {ENTERPRISE}: {status} {body}")
    log(f"loading {TECHS} technologies (tests/bench/bench_data.sql)")
    t = time.monotonic()
    psql("-v", f"n={TECHS}", "-f", os.path.join(HERE, "bench_data.sql"))
    # Now rather than autovacuum in the middle of a run.
    psql(sql="VACUUM (ANALYZE) technologies")
    psql(sql="VACUUM (ANALYZE) organizations")
    published = int(psql(sql="SELECT count(*) FROM technologies"
                         " WHERE status = 'published'"))
    log(f"loaded and vacuumed in {time.monotonic() - t:.1f} s: "
        f"{published} published technologies")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": ENTERPRISE, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"logging in {ENTERPRISE}: {status} {body}")
    token = body["token"]
    status, me = http("GET", "/api/v1/me", token=token)
    if status != 200 or not (me["organization"] or {}).get("id"):
        raise BenchError(f"GET /api/v1/me as {ENTERPRISE}: {status} {me}")
    status, need = http("POST", "/api/v1/needs", NEED, token=token)
    if status != 201:
        raise BenchError(f"POST /api/v1/needs: {status} {need}")
    # Random published ids for wrk and pgbench alike.
    ids = psql(sql="SELECT id FROM technologies WHERE status = 'published'"
               f" ORDER BY random() LIMIT {IDS}").split("\n")
    path = os.path.join(DIR, "tech_ids.txt")
    with open(path, "w") as f:
        f.write("\n".join(ids) + "\n")
    return {"token": token, "org": me["organization"]["id"],
            "need": need["id"], "ids": path, "nids": len(ids),
            "first_id": ids[0]}


def market_scripts(m):
    """pgbench scripts for the market rows, each checked against the
    endpoint: the same statement must give the same rows."""
    queries = load_queries()
    limit1 = 21		# the default page of 20 and one to tell if more
    scripts = {}

    # A technology by id. pgbench has no strings to pick from, and a
    # lookup in SQL would be a second round trip in the transaction
    # (as long as the EXECUTE, measured): the ids are dealt out over its
    # most scripts, 128, each weighted by its share and choosing one of
    # its own by an \\if chain (a few µs of pgbench's CPU), so each
    # transaction is the EXECUTE alone.
    with open(m["ids"]) as f:
        ids = f.read().split()
    nscripts = min(PGBENCH_SCRIPTS, len(ids))
    scripts["tech_get"] = []
    for k in range(nscripts):
        mine = ids[k::nscripts]
        body = [f"\\set i random(1, {len(mine)})"]
        for j, tid in enumerate(mine, 1):
            body.append(f"\\{'if' if j == 1 else 'elif'} :i = {j}")
            # \gset: exactly one row, or the transaction fails.
            body.append(execute("Q_TECH_GET", [tid, None]) + " \\gset r_")
        body.append("\\endif")
        scripts["tech_get"].append((prepared_script(
            f"tech_get-{k + 1:03d}", queries, ["Q_TECH_GET"], body),
            len(mine)))
    status, doc = http("GET", f"/api/v1/technologies/{m['first_id']}")
    rows = psql_execute(queries, "Q_TECH_GET", [m["first_id"], None])
    if status != 200 or doc.get("id") != m["first_id"] or len(rows) != 1:
        raise BenchError(f"GET /api/v1/technologies/{m['first_id']}: "
                         f"{status}, Q_TECH_GET {len(rows)} rows")

    # Searches: $1 q, $2-$11 no filters, $12-$13 no cursor, $14 the page.
    for q in SEARCHES:
        params = [q] + [None] * 12 + [limit1]
        key = search_key(q)
        # The server's step: the generic plan forced, then the search,
        # in one transaction (\; makes them one query string).
        scripts[key] = prepared_script(
            key, queries, ["Q_PLAN_GENERIC", "Q_TECH_RELEVANCE"],
            [execute("Q_PLAN_GENERIC", []) + " \\; "
             + execute("Q_TECH_RELEVANCE", params) + ";"])
        status, body = http("GET", "/api/v1/technologies?q="
                            + urllib.parse.quote(q, safe=""))
        rows = psql_execute(queries, "Q_TECH_RELEVANCE", params)
        got = [t["id"] for t in body["items"]] if status == 200 else body
        if got != cursor_ids(rows)[:limit1 - 1] or not got:
            raise BenchError(f"search {q!r}: the endpoint gave {status} "
                             f"{got!r:.200}, Q_TECH_RELEVANCE {len(rows)} "
                             "other rows")
        log(f"  q={q}: {len(rows)} rows from Q_TECH_RELEVANCE, the "
            "endpoint's page matches")

    # The list without q, newest first: the search page as it opens
    # (the server asks Q_TECH_BROWSE when there is no q).
    params = [None] * 13 + [limit1]
    scripts["newest"] = prepared_script(
        "newest", queries, ["Q_TECH_BROWSE"],
        [execute("Q_TECH_BROWSE", params) + ";"])
    status, body = http("GET", "/api/v1/technologies")
    rows = psql_execute(queries, "Q_TECH_BROWSE", params)
    got = [t["id"] for t in body["items"]] if status == 200 else body
    if got != cursor_ids(rows)[:limit1 - 1] or not got:
        raise BenchError(f"newest: the endpoint gave {status} {got!r:.200},"
                         f" Q_TECH_BROWSE {len(rows)} other rows")

    # Matches: the statement the server runs for a page with rows (which
    # prove ownership: Q_NEED_OWNED only for an empty page).
    owned = [m["need"], m["org"]]
    params = [m["need"], m["org"], None, None, limit1]
    scripts["matches"] = prepared_script(
        "matches", queries, ["Q_PLAN_GENERIC", "Q_NEED_MATCHES"],
        [execute("Q_PLAN_GENERIC", []) + " \\; "
         + execute("Q_NEED_MATCHES", params) + ";"])
    if len(psql_execute(queries, "Q_NEED_OWNED", owned)) != 1:
        raise BenchError("Q_NEED_OWNED does not find the need")
    t = time.monotonic()
    status, body = http("GET", f"/api/v1/needs/{m['need']}/matches",
                        token=m["token"], timeout=600)
    took = time.monotonic() - t
    rows = psql_execute(queries, "Q_NEED_MATCHES", params)
    got = ([x["technology"]["id"] for x in body["items"]]
           if status == 200 else body)
    if got != cursor_ids(rows)[:limit1 - 1] or not got:
        raise BenchError(f"matches: the endpoint gave {status} {got!r:.200}"
                         f", Q_NEED_MATCHES {len(rows)} other rows")
    log(f"  matches: {len(rows)} rows from Q_NEED_MATCHES, the endpoint's "
        f"page matches ({took:.2f} s alone)")
    return scripts


def market(m, scripts):
    """The market rows: (name, wrk, pgbench) and the unloaded searches."""
    rows = []
    w = wrk("GET /api/v1/technologies/{id}", "/api/v1/technologies/",
            script=os.path.join(HERE, "tech_get.lua"),
            script_args=(m["ids"], "/api/v1/technologies/"))
    pg = pgbench("tech_get", scripts["tech_get"], {"prepared": 0},
                 mode="simple", skip_first=True)
    rows.append(("GET /api/v1/technologies/{id} *", w, pg))
    # The page asks what the anonymous API asks, then sends the shell.
    w = wrk("GET /cong-nghe/{id}", "/cong-nghe/",
            script=os.path.join(HERE, "tech_get.lua"),
            script_args=(m["ids"], "/cong-nghe/"), headers=GZIP)
    rows.append(("GET /cong-nghe/{id} (web page) *", w, pg))
    unloaded = []
    for q in SEARCHES:
        key = search_key(q)
        path = "/api/v1/technologies?q=" + urllib.parse.quote(q, safe="")
        name = f"GET /api/v1/technologies?q={q}"
        w = wrk(name, path)
        pg = pgbench(key, scripts[key], {"prepared": 0}, mode="simple",
                     skip_first=True)
        rows.append((name, w, pg))
        # Warm already: no warm-up.
        unloaded.append((q, wrk(name + " (1 connection)", path, conns=1,
                                warmup=False)))
    name = "GET /api/v1/technologies (no q, newest)"
    w = wrk(name, "/api/v1/technologies")
    pg = pgbench("newest", scripts["newest"], {"prepared": 0},
                 mode="simple", skip_first=True)
    rows.append((name, w, pg))
    name = "GET /api/v1/needs/{id}/matches"
    w = wrk(name, f"/api/v1/needs/{m['need']}/matches", token=m["token"],
            conns=MATCH_CONNS)
    pg = pgbench("matches", scripts["matches"], {"prepared": 0},
                 mode="simple", conns=MATCH_CONNS, skip_first=True)
    rows.append((name + " **", w, pg))
    return rows, unloaded


# --- matching: the match table and its queue ----------------------------

MATCH_VENDOR = "bench-match-vendor@bench.example"
MATCH_NEEDS = env_int("BENCH_NEEDS", 999)	# + the bench enterprise's
FRESH_ROUNDS = 5


def match_backlog():
    """Jobs waiting in matching's queue; None before it existed."""
    if psql(sql="SELECT to_regclass('match_jobs') IS NOT NULL") != "t":
        return None
    return int(psql(sql="SELECT count(*) FROM match_jobs"))


def match_drained(limit=900):
    """Waits until the server's workers drained matching's queue (a
    measurement meanwhile would share the cores with it)."""
    t = time.monotonic()
    first = left = match_backlog()
    while left:
        if time.monotonic() - t > limit:
            raise BenchError(f"matching's queue: {left} jobs left after "
                             f"{limit} s")
        time.sleep(0.2)
        left = match_backlog()
    if first:
        log(f"  matching's queue: {first} jobs drained in "
            f"{time.monotonic() - t:.1f} s")


def matches_prepare(m):
    """MATCH_NEEDS open needs more (tests/bench/needs_data.sql), and a
    vendor with a published technology made for the bench need (its
    title, category, sector, price within budget). Returns {"token",
    "org", "tech"} once the queue scored everything."""
    log(f"loading {MATCH_NEEDS} open needs (tests/bench/needs_data.sql)")
    t = time.monotonic()
    psql("-v", f"n={MATCH_NEEDS}", "-f", os.path.join(HERE, "needs_data.sql"))
    psql(sql="VACUUM (ANALYZE) needs")
    status, body = http("POST", "/api/v1/accounts", {
        "email": MATCH_VENDOR, "password": PASSWORD,
        "display_name": "Bench Match Vendor", "role": "vendor",
        "organization": {"name": "Bench Match Vendor Co",
                         "tax_code": "6000000004", "district": "ninh_kieu",
                         "sector": "seafood_processing"}})
    if status != 201:
        raise BenchError(f"registering {MATCH_VENDOR}: {status} {body}")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": MATCH_VENDOR, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"logging in {MATCH_VENDOR}: {status} {body}")
    token = body["token"]
    status, tech = http("POST", "/api/v1/technologies", {
        "title": NEED["title"], "summary": "Bể UASB và lọc sinh học.",
        "category": NEED["category"], "sectors": [NEED["sector"]],
        "trl": 8, "price_min_vnd": 1000000000,
        "price_max_vnd": 2000000000}, token=token)
    if status != 201:
        raise BenchError(f"POST /api/v1/technologies: {status} {tech}")
    status, tech = http("PATCH", f"/api/v1/technologies/{tech['id']}",
                        {"status": "published"}, token=token,
                        headers={"If-Match": f'"{tech["version"]}"'})
    if status != 200:
        raise BenchError(f"publishing: {status} {tech}")
    match_drained()
    needs = int(psql(sql="SELECT count(*) FROM needs WHERE status = 'open'"))
    log(f"  {needs} open needs, the match table filled, in "
        f"{time.monotonic() - t:.1f} s")
    return {"token": token, "org": tech["vendor"]["id"], "tech": tech,
            "needs": needs}


def matches_scripts(m, mm):
    """pgbench scripts of both sides, each checked against its endpoint;
    the unloaded time of one request each."""
    queries = load_queries()
    limit1 = 21
    scripts = {}
    for key, owned_q, q, path, token, owned in (
            ("need_matches", "Q_NEED_OWNED", "Q_NEED_MATCHES",
             f"/api/v1/needs/{m['need']}/matches", m["token"],
             [m["need"], m["org"]]),
            ("tech_matches", "Q_TECH_OWNED", "Q_TECH_MATCHES",
             f"/api/v1/technologies/{mm['tech']['id']}/matches",
             mm["token"], [mm["tech"]["id"], mm["org"]])):
        params = owned + [None, None, limit1]
        # The server asks the page first; rows prove ownership, so
        # owned_q runs only for an empty page (app/matches.c).
        # The server's step: the generic plan forced, then the page, in
        # one transaction (\; makes them one query string).
        scripts[key] = prepared_script(
            key, queries, ["Q_PLAN_GENERIC", q],
            [execute("Q_PLAN_GENERIC", []) + " \\; "
             + execute(q, params) + ";"])
        if len(psql_execute(queries, owned_q, owned)) != 1:
            raise BenchError(f"{owned_q} does not find the object")
        t = time.monotonic()
        status, body = http("GET", path, token=token, timeout=600)
        took = time.monotonic() - t
        rows = psql_execute(queries, q, params)
        side = "technology" if key == "need_matches" else "need"
        got = ([x[side]["id"] for x in body["items"]]
               if status == 200 else body)
        if got != cursor_ids(rows)[:limit1 - 1] or not got:
            raise BenchError(f"{key}: the endpoint gave {status} "
                             f"{got!r:.200}, {q} {len(rows)} other rows")
        log(f"  {key}: {len(rows)} rows from {q}, the endpoint's page "
            f"matches ({took * 1000:.1f} ms alone)")
    return scripts


def matches_rows(m, mm, scripts, need_row=True):
    """The technology's matches (and, alone, the need's) at MATCH_CONNS,
    each next to pgbench's ceiling."""
    rows = []
    sides = [("GET /api/v1/technologies/{id}/matches", "tech_matches",
              f"/api/v1/technologies/{mm['tech']['id']}/matches",
              mm["token"])]
    if need_row:
        sides.insert(0, ("GET /api/v1/needs/{id}/matches", "need_matches",
                         f"/api/v1/needs/{m['need']}/matches", m["token"]))
    mm["one"] = {}
    for name, key, path, token in sides:
        w = wrk(name, path, token=token, conns=MATCH_CONNS)
        pg = pgbench(key, scripts[key], {"prepared": 0}, mode="simple",
                     conns=MATCH_CONNS, skip_first=True)
        rows.append((name + " **", w, pg))
        # Warm already: no warm-up.
        mm["one"][name] = wrk(name + " (1 connection)", path, token=token,
                              conns=1, warmup=False)
    return rows


def match_freshness(m, mm):
    """ms from a PATCH of the technology's price (alternately over and
    within the bench need's budget) to the technology's matches showing
    it, polled every 10 ms: a list of FRESH_ROUNDS."""
    tech = mm["tech"]
    path = f"/api/v1/technologies/{tech['id']}/matches?limit=100"
    took = []

    def reasons():
        status, body = http("GET", path, token=mm["token"])
        if status != 200:
            raise BenchError(f"GET {path}: {status} {body}")
        for item in body["items"]:
            if item["need"]["id"] == m["need"]:
                return item["reasons"]
        return None
    for k in range(FRESH_ROUNDS):
        price = 5000000000 if k % 2 == 0 else 1000000000
        status, tech = http("PATCH", f"/api/v1/technologies/{tech['id']}",
                            {"price_min_vnd": price,
                             "price_max_vnd": price + 1000000000},
                            token=mm["token"],
                            headers={"If-Match": f'"{tech["version"]}"'})
        if status != 200:
            raise BenchError(f"PATCH the technology: {status} {tech}")
        t = time.monotonic()
        while True:
            got = reasons()
            within = got is not None and "within budget" in got
            if within == (price == 1000000000):
                break
            if time.monotonic() - t > 30:
                raise BenchError(f"freshness: no change after 30 s ({got})")
            time.sleep(0.01)
        took.append((time.monotonic() - t) * 1000)
    mm["tech"] = tech
    return took


def matches_note(mm, fresh):
    return (f"Matching: {mm['needs']} open needs; both sides read the "
            "match table that matching's queue keeps. Freshness, a PATCH "
            "of a technology's price to its matches showing it, "
            f"{len(fresh)} times: median {sorted(fresh)[len(fresh) // 2]:.0f}"
            f" ms, max {max(fresh):.0f} ms. One connection: "
            + "; ".join(f"{name} p50 {ms(w['p50'])}, p99 {ms(w['p99'])}, "
                        f"{rate(w['rps'])} req/s"
                        for name, w in mm.get("one", {}).items()) + ".")


def only_matches():
    """BENCH_ONLY=matches: the two matching rows and freshness alone."""
    m = market_prepare()
    mm = matches_prepare(m)
    scripts = matches_scripts(m, mm)
    rows = matches_rows(m, mm, scripts)
    fresh = match_freshness(m, mm)
    for name, w, pg in rows:
        log(f"\n{name}: {rate(w['rps'])} req/s, p99 {ms(w['p99'])}, p50 "
            f"{ms(w['p50'])} | pgbench same SQL {rate(pg['tps'])} tps, p99 "
            f"{ms(pg['p99'])}, p50 {ms(pg['p50'])} | ratio "
            f"{w['rps'] / pg['tps']:.2f} ({MATCH_CONNS} connections, "
            f"{TECHS} technologies, {mm['needs']} open needs)")
    log("\n" + matches_note(mm, fresh))
    return 1 if failures else 0


# --- by-product matches ------------------------------------------------

SYMBIOSIS = "bench-symbiosis@bench.example"
OFFER = {"kind": "offer", "material": "Trấu lúa từ nhà máy xay xát Thốt Nốt",
         "material_code": "rice_husk", "quantity_tonnes_per_month": 200,
         "commune": "phuong_thot_not",
         "description": "Trấu rời, độ ẩm dưới 12%."}


def byproducts_prepare():
    """Load BYPRODUCTS open by-products and post a mill's offer of rice
    husk: the one whose matches are measured. Returns its id, owner and
    the owner's token, and the pgbench script."""
    status, body = http("POST", "/api/v1/accounts", {
        "email": SYMBIOSIS, "password": PASSWORD,
        "display_name": "Bench Mill", "role": "enterprise",
        "organization": {"name": "Bench Rice Mill Thốt Nốt",
                         "tax_code": "6000000003",
                         "commune": "phuong_thot_not",
                         "sector": "rice_food_processing"}})
    if status != 201:
        raise BenchError(f"registering {SYMBIOSIS}: {status} {body}")
    log(f"loading {BYPRODUCTS} by-products "
        "(tests/bench/byproducts_data.sql)")
    t = time.monotonic()
    psql("-v", f"n={BYPRODUCTS}", "-f",
         os.path.join(HERE, "byproducts_data.sql"))
    status, body = http("POST", "/api/v1/sessions",
                        {"email": SYMBIOSIS, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"logging in {SYMBIOSIS}: {status} {body}")
    token = body["token"]
    status, offer = http("POST", "/api/v1/byproducts", OFFER, token=token)
    if status != 201:
        raise BenchError(f"POST /api/v1/byproducts: {status} {offer}")
    # The visibility map too: the code's entries come from the index only.
    psql(sql="VACUUM (ANALYZE) byproducts")
    log(f"loaded and vacuumed in {time.monotonic() - t:.1f} s")
    b = {"token": token, "id": offer["id"],
         "org": offer["organization"]["id"]}
    queries = load_queries()
    owned = [b["id"], b["org"]]
    params = [b["id"], b["org"], None, None, 21]
    b["script"] = prepared_script(
        "byproduct_matches", queries,
        ["Q_BYPRODUCT_OWNED", "Q_BYPRODUCT_MATCHES"],
        [execute("Q_BYPRODUCT_OWNED", owned) + ";",
         execute("Q_BYPRODUCT_MATCHES", params) + ";"])
    t = time.monotonic()
    status, body = http("GET", f"/api/v1/byproducts/{b['id']}/matches",
                        token=token, timeout=600)
    took = time.monotonic() - t
    rows = psql_execute(queries, "Q_BYPRODUCT_MATCHES", params)
    got = ([x["byproduct"]["id"] for x in body["items"]]
           if status == 200 else body)
    if got != cursor_ids(rows)[:20] or not got:
        raise BenchError(f"by-product matches: the endpoint gave {status} "
                         f"{got!r:.200}, Q_BYPRODUCT_MATCHES {len(rows)} "
                         "other rows")
    n = psql(sql="SELECT count(*) FROM byproducts s,"
             f" byproduct_candidates(s) c WHERE s.id = '{b['id']}'")
    log(f"  by-product matches: {n} candidates scored, the endpoint's "
        f"page matches Q_BYPRODUCT_MATCHES ({took * 1000:.1f} ms alone)")
    b["candidates"] = int(n)
    return b


def byproducts(b):
    """The row: the offer's matches at MATCH_CONNS, and pgbench."""
    name = "GET /api/v1/byproducts/{id}/matches"
    w = wrk(name, f"/api/v1/byproducts/{b['id']}/matches", token=b["token"],
            conns=MATCH_CONNS)
    pg = pgbench("byproduct_matches", b["script"], {"prepared": 0},
                 mode="simple", conns=MATCH_CONNS, skip_first=True)
    unloaded = wrk(name + " (1 connection)",
                   f"/api/v1/byproducts/{b['id']}/matches",
                   token=b["token"], conns=1, warmup=False)
    return [(name + " *****", w, pg)], unloaded


# --- the quote-request write path -------------------------------------

def quotes_prepare(vendor_token, m):
    """A published technology of the bench vendor, and who is who: the
    enterprise is the market's. Returns the ids, tokens and selectors."""
    status, tech = http("POST", "/api/v1/technologies", {
        "title": "Hệ thống xử lý nước thải cá tra 20 tấn/ngày", "trl": 8,
        "summary": "Bể sinh học hiếu khí.", "category":
        "wastewater_treatment", "sectors": ["seafood_processing"]},
        token=vendor_token)
    if status != 201:
        raise BenchError(f"POST /api/v1/technologies: {status} {tech}")
    status, tech = http("PATCH", f"/api/v1/technologies/{tech['id']}",
                        {"status": "published"}, token=vendor_token,
                        headers={"If-Match": f'"{tech["version"]}"'})
    if status != 200:
        raise BenchError(f"publishing: {status} {tech}")
    q = {"tech": tech["id"], "e_token": m["token"], "v_token": vendor_token,
         "valid": time.strftime("%Y-%m-%d",
                                time.gmtime(time.time() + 30 * 86400))}
    for side in ("e", "v"):
        status, me = http("GET", "/api/v1/me", token=q[f"{side}_token"])
        if status != 200:
            raise BenchError(f"GET /api/v1/me: {status} {me}")
        q[f"{side}_account"] = me["id"]
        q[f"{side}_org"] = me["organization"]["id"]
        q[f"{side}_sel"] = selector_of(q[f"{side}_token"])
    return q


def lookup(var):
    """The token lookup of a session whose selector is the pgbench
    variable var, as the server sends it without a standby ($3 false:
    no caller_writes to read)."""
    return f"EXECUTE auth_lookup(':{var}', 'session', false) \\gset a_"


def quotes_script(q):
    """The server's statements for one request, quote and accept, each
    request's token lookup included; bodies and selectors as -D values,
    which pgbench puts in as they are."""
    queries = load_queries()
    names = ["Q_AUTH_LOOKUP", "Q_QUOTE_CREATE", "Q_QUOTE_ACT"]
    body = [
        lookup("esel"),
        f"EXECUTE quote_create('{q['e_account']}', '{q['e_org']}', NULL,"
        " ':cbody') \\gset c_",
        lookup("vsel"),
        f"EXECUTE quote_act(':c_qid', '{q['v_account']}', '{q['v_org']}',"
        " 'quote', NULL, ':qbody') \\gset m_",
        lookup("esel"),
        f"EXECUTE quote_act(':c_qid', '{q['e_account']}', '{q['e_org']}',"
        " 'accept', NULL, '{}') \\gset m_"]
    path = prepared_script("quote_flow", queries, names, body)
    defines = {"esel": q["e_sel"], "vsel": q["v_sel"], "prepared": 0,
               "cbody": json.dumps({"technology_id": q["tech"],
                                    "message": "Xin báo giá cho dây chuyền "
                                    "20 tấn/ngày.", "quantity": 1},
                                   ensure_ascii=False),
               "qbody": json.dumps({"price_vnd": 1250000000,
                                    "valid_until": q["valid"],
                                    "delivery_days": 45})}
    return path, defines


def quotes(q, tag=""):
    """(name, wrk, pgbench) for the write path, both in flows a second:
    wrk counts requests (three a flow), pgbench scripts (one a flow)."""
    name = "POST /quote-requests, /quote, /accept ***" + tag
    w = wrk(name, "/api/v1/quote-requests",
            script=os.path.join(HERE, "quote_flow.lua"),
            script_args=(q["tech"], q["e_token"], q["v_token"], q["valid"]))
    path, defines = quotes_script(q)
    pg = pgbench("quote_flow", path, defines, mode="simple",
                 skip_first=True)
    pg["tps"] *= 3		# requests, as wrk counts them
    accepted = int(psql(sql="SELECT count(*) FROM quote_requests"
                        " WHERE status = 'accepted'"))
    created = int(psql(sql="SELECT count(*) FROM quote_requests"))
    log(f"  {created} quote requests written, {accepted} accepted")
    return [(name, w, pg)]


# --- the cost of the audit append ------------------------------------

# What "without the append" is: tm_audit replaced, in this throwaway
# database only, by a function of the same signature that appends
# nothing, so the server and pgbench run the very same statements minus
# the chain (the head row's lock, the hash, the row). The server has no
# switch that turns auditing off.
AUDIT_OFF = (
    "CREATE OR REPLACE FUNCTION tm_audit(p_actor uuid, p_action text,"
    " p_entity_type text, p_entity_id text, p_changes jsonb)"
    " RETURNS bigint LANGUAGE sql RETURN NULL::bigint")


def audit_cost(q, with_rows):
    """The quote write path again without the append; the ratios of
    with to without, for the server (wrk) and for pgbench."""
    psql(sql=AUDIT_OFF)
    try:
        rows = quotes(q, " (no audit)")
    finally:
        psql("-f", os.path.join(ROOT, "sql", "functions", "80_audit.sql"))
    (_, w1, pg1), (_, w0, pg0) = with_rows[0], rows[0]
    appended = int(psql(sql="SELECT count(*) FROM audit_log"
                        " WHERE action LIKE 'quote.%'"))
    log(f"  {appended} quote entries in the audit log")
    ratio = {"wrk": w1["rps"] / w0["rps"], "pgbench": pg1["tps"] / pg0["tps"],
             "verify": audit_verify()}
    return rows, ratio


def audit_verify():
    """GET /audit/verify over the chain the benchmark wrote: (entries,
    seconds, ok)."""
    email = "bench-admin@bench.example"
    hashed = subprocess.run([os.path.join(ROOT, "var", "build", "tmctl"),
                             "hash"], input=PASSWORD, capture_output=True,
                            text=True, check=True).stdout.strip()
    psql("-v", f"e={email}", "-v", f"h={hashed}",
         sql="SELECT admin_upsert(:'e', :'h')")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": email, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"admin login: {status} {body}")
    t0 = time.monotonic()
    status, v = http("GET", "/api/v1/audit/verify", token=body["token"],
                     timeout=600)
    if status != 200:
        raise BenchError(f"GET /api/v1/audit/verify: {status} {v}")
    return (v["entries"], time.monotonic() - t0, v["ok"])


# --- funding decisions -----------------------------------------------

def decisions_prepare(q):
    """An agency, its program, the bench technology flagged, APPS
    applications; id files for wrk's warm-up and run."""
    t = time.monotonic()
    psql("-v", f"vendor={VENDOR}", "-v", f"enterprise={q['e_org']}",
         "-v", f"tech={q['tech']}", "-v", f"n={APPS}",
         "-f", os.path.join(HERE, "funding_seed.sql"))
    log(f"{APPS} applications seeded in {time.monotonic() - t:.1f} s")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": "bench-agency@bench.example",
                         "password": PASSWORD})
    if status != 201:
        raise BenchError(f"agency login: {status} {body}")
    d = {"token": body["token"], "account": body["account"]["id"],
         "sel": selector_of(body["token"])}
    warm, half = APPS // 10, APPS // 2
    for name, lo, hi in (("warm", 1, warm), ("run", warm + 1, half)):
        ids = psql(sql=f"SELECT id FROM bench_apps WHERE n BETWEEN {lo}"
                   f" AND {hi} ORDER BY n")
        d[name] = os.path.join(DIR, f"decisions-{name}.txt")
        with open(d[name], "w") as f:
            f.write(ids + "\n")
    psql(sql=f"ALTER SEQUENCE bench_apps_next RESTART WITH {half + 1}")
    return d


def decisions_script(d):
    """The server's statements for one approval: the token lookup, the
    facts, the decision (the signed text as the server would write it,
    but not signed: the database never checks a signature). One more,
    cheap, statement picks the next application."""
    queries = load_queries()
    signed = ('{"amount_approved_vnd":1000,"application_id":":aid",'
              '"decided_at":":f_decided_at","decision":"approved"}')
    body = [
        "SELECT id AS aid FROM bench_apps"
        " WHERE n = (SELECT nextval('bench_apps_next')) \\gset",
        lookup("asel"),
        "EXECUTE decision_facts(':aid', NULL, 'doit') \\gset f_",
        f"EXECUTE decide(':aid', NULL, 'doit', '{d['account']}', 'approved',"
        f" ':f_version', '1000', NULL, ':f_decided_at', '{signed}',"
        " 'bench', 'bench') \\gset d_"]
    return prepared_script("decisions", queries,
                           ["Q_AUTH_LOOKUP", "Q_DECISION_FACTS", "Q_DECIDE"],
                           body)


def decisions(d):
    """Approvals against one program's budget: every one locks and adds
    to the same row."""
    name = "POST /funding-applications/{id}/decision ****"
    script = os.path.join(HERE, "decision.lua")
    nthreads = str(min(THREADS, CONNS))
    quiesce()
    log(f"wrk {name}: {WARMUP} s warm-up, {SECONDS} s at {CONNS} "
        "connections")
    run(wrk_cmd("/", CONNS, WARMUP, None, script,
                (d["warm"], nthreads, d["token"])), WARMUP + 30)
    w = wrk(name, "/", script=script,
            script_args=(d["run"], nthreads, d["token"]), warmup=False)
    pg = pgbench("decisions", decisions_script(d),
                 {"asel": d["sel"], "prepared": 0}, mode="simple",
                 skip_first=True)
    got = psql(sql="SELECT committed_vnd || ' committed, ' || (SELECT"
               " count(*) FROM funding_applications WHERE program_code ="
               " 'bench_fund' AND status = 'approved') || ' approved'"
               " FROM funding_programs WHERE code = 'bench_fund'")
    log(f"  bench_fund: {got}")
    return [(name, w, pg)]


def access_summary():
    """Statuses per route in the server's access log, as a cross-check."""
    if not ACCESS_LOG or not os.path.exists(ACCESS_LOG):
        return []
    counts = {}
    with open(ACCESS_LOG, errors="replace") as f:
        for line in f:
            w = line.split()
            # ts reqid address method route status duration account
            if len(w) == 8 and w[5].isdigit() and w[6].endswith("ms"):
                key = (w[3] + " " + w[4], w[5])
                counts[key] = counts.get(key, 0) + 1
    return [f"  {route:<28} {status} x {n}"
            for (route, status), n in sorted(counts.items())]


def ms(v):
    return f"{v:.2f}ms"


def rate(v):
    """req/s or tps: whole numbers, but a slow endpoint's 0.9 is not 1."""
    return f"{v:.0f}" if v >= 100 else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def table(rows, market_rows, unloaded, m, me, logins, b=None):
    conf = (f"wrk/pgbench: {CONNS} connections, {THREADS} threads, "
            f"{SECONDS} s after {WARMUP} s warm-up; "
            f"per worker {os.environ.get('TM_DB_CONNS') or 3} reading + "
            f"{os.environ.get('TM_DB_WRITE_CONNS') or 2} writing "
            f"connections; "
            f"{os.cpu_count()} CPUs; {SEED} seeded accounts; "
            f"{TECHS} technologies for the market rows")
    width = max(26, *(len(r[0]) for r in rows + market_rows))
    head = (f"{'endpoint':<{width}} {'req/s':>9} {'p99':>9}  | "
            f"{'pgbench same SQL tps':>20} {'p99':>9}  | ratio | "
            f"{'p50':>9} {'pg p50':>9}")
    lines = [time.strftime("make bench, %Y-%m-%d %H:%M:%S %Z"), conf, "",
             head, "-" * len(head)]

    def row(name, w, pg, p50=False):
        if pg is None:
            return (f"{name:<{width}} {rate(w['rps']):>9} {ms(w['p99']):>9}"
                    f"  | {'-':>20} {'':>9}  |")
        line = (f"{name:<{width}} {rate(w['rps']):>9} {ms(w['p99']):>9}  | "
                f"{rate(pg['tps']):>20} {ms(pg['p99']):>9}  | "
                f"{w['rps'] / pg['tps']:>5.2f}")
        if p50:
            line += f" | {ms(w['p50']):>9} {ms(pg['p50']):>9}"
        return line
    for name, w, pg in rows:
        lines.append(row(name, w, pg))
    lines.append(f"market, {TECHS} technologies:")
    for name, w, pg in market_rows:
        lines.append(row(name, w, pg, "?q=" in name))
    lines.append("")

    def note(text):
        lines.extend(textwrap.wrap(text, 100, subsequent_indent="   "))

    note(f"* wrk and pgbench pick uniformly among the same {m['nids']} "
         "random published ids; pgbench spreads them over "
         f"{min(PGBENCH_SCRIPTS, m['nids'])} weighted scripts that pick "
         "one with \\set random() and \\if, so its transaction is the "
         "one EXECUTE.")
    note(f"** at {MATCH_CONNS} connections / pgbench clients "
         "(BENCH_MATCH_CONNS); pgbench runs Q_PLAN_GENERIC and "
         "Q_NEED_MATCHES (or Q_TECH_MATCHES) in one transaction, as the "
         "server does for a page with rows.")
    note("*** the quote-request write path: each wrk connection creates "
         "a request as the enterprise, quotes it as the vendor, accepts it "
         "as the enterprise, and again; req/s counts the three requests. "
         "Its pgbench script runs the same statements (each request's token "
         "lookup and its write, each in its own transaction) as one script, "
         "so its p99 is a whole flow's; its tps column is three times the "
         "scripts a second, requests as wrk counts them.")
    note("**** approvals of distinct applications of one program (each "
         "adds to its committed amount under the program row's lock), "
         "signed with Ed25519 by the server; the pgbench script runs the "
         "same three statements per approval (token lookup, facts, "
         "decision) plus one primary-key read that picks the next "
         "application, and no signing.")
    if b is not None:
        note(f"***** {BYPRODUCTS} open by-products; a mill's offer of "
             f"rice husk, {b['candidates']} candidates scored, at "
             f"{MATCH_CONNS} connections / pgbench clients; pgbench runs "
             "Q_BYPRODUCT_OWNED then Q_BYPRODUCT_MATCHES, as the server "
             f"does. One connection at a time: p50 {ms(b['one']['p50'])},"
             f" p99 {ms(b['one']['p99'])}, {rate(b['one']['rps'])} req/s.")
    note("Market pgbench scripts: -M simple; each client PREPAREs the "
         "statements of app/queries.def as they are, then EXECUTEs them with "
         "the server's parameters, NULLs included, so the plans are the "
         "server's (its first transaction, with the PREPAREs, is left out "
         "of the percentiles). Parsing the short EXECUTE text costs "
         "pgbench a little that -M prepared would not: it shows only next "
         "to the fast GET /technologies/{id}.")
    note(f"***** {CP_REPORTS} reports of {CP_YEAR} (BENCH_CP_REPORTS, "
         "tests/bench/cp_reports_data.sql) summed per former district, as "
         "an agency; pgbench runs the token lookup and Q_CP_SUMMARY, as "
         "the server does. The CSV row is the same aggregate written as "
         "CSV by the server.")
    lines.append("")
    note(f"Search p50, target under {SEARCH_TARGET_MS} ms at "
         f"1,000,000 technologies; here {TECHS}. At {CONNS} connections "
         "(p50 column) it is mostly queueing; one connection at a time, "
         "wrk only:")
    for q, w in unloaded:
        verdict = "under" if w["p50"] < SEARCH_TARGET_MS else "OVER"
        lines.append(f"  q={q:<20} p50 {ms(w['p50']):>9} ({verdict} "
                     f"target)  p99 {ms(w['p99']):>9}  {rate(w['rps'])} "
                     "req/s")
    lines.append("")
    lines.append(f"GET /api/v1/me during {STORM_CONNS}-conn login storm: "
                 f"{me['rps']:.0f} req/s, p99 {ms(me['p99'])}; "
                 f"logins {logins['rps']:.1f}/s "
                 f"(p99 {ms(logins['p99'])}, non-201: {logins['non201']})")
    return lines


def only_byproducts():
    """BENCH_ONLY=byproducts: the by-product row alone."""
    b = byproducts_prepare()
    rows, one = byproducts(b)
    (name, w, pg), = rows
    log(f"\n{name}: {rate(w['rps'])} req/s, p99 {ms(w['p99'])}, p50 "
        f"{ms(w['p50'])} | pgbench same SQL {rate(pg['tps'])} tps, p99 "
        f"{ms(pg['p99'])}, p50 {ms(pg['p50'])} | ratio "
        f"{w['rps'] / pg['tps']:.2f} ({MATCH_CONNS} connections, "
        f"{BYPRODUCTS} by-products, {b['candidates']} candidates)\n"
        f"one connection: {rate(one['rps'])} req/s, p50 {ms(one['p50'])}, "
        f"p99 {ms(one['p99'])}")
    return 1 if failures else 0


# --- cleaner-production summary ---------------------------------------

def cp_prepare():
    """CP_REPORTS reports of CP_YEAR and an agency that signs in;
    returns its token, selector and the endpoint's totals checked."""
    t = time.monotonic()
    psql("-v", f"n={CP_REPORTS}", "-v", f"year={CP_YEAR}",
         "-v", f"vendor={VENDOR}",
         "-f", os.path.join(HERE, "cp_reports_data.sql"))
    # The summary reads the index alone once the visibility map is set;
    # measured: the first pass after the load leaves pages to a second.
    psql(sql="VACUUM (ANALYZE) cp_reports")
    psql(sql="VACUUM cp_reports")
    log(f"{CP_REPORTS} cleaner-production reports loaded and vacuumed in "
        f"{time.monotonic() - t:.1f} s")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": "bench-cp@bench.example",
                         "password": PASSWORD})
    if status != 201:
        raise BenchError(f"agency login: {status} {body}")
    c = {"token": body["token"], "sel": selector_of(body["token"]),
         "path": f"/api/v1/cp-reports/summary?year={CP_YEAR}"
                 "&group_by=district"}
    status, doc = http("GET", c["path"], token=c["token"])
    if status != 200 or doc["totals"]["reports"] != CP_REPORTS or \
            len(doc["groups"]) != 28:
        raise BenchError(f"GET {c['path']}: {status} {str(doc)[:300]}")
    return c


def cp_reports(c):
    """The summary, JSON and CSV, next to pgbench's ceiling."""
    queries = load_queries()
    params = [str(CP_YEAR), "district"]
    script = prepared_script(
        "cp_summary", queries, ["Q_AUTH_LOOKUP", "Q_CP_SUMMARY"],
        [lookup("asel"),
         execute("Q_CP_SUMMARY", params) + " \\gset s_"])
    name = "GET /cp-reports/summary *****"
    w = wrk(name, c["path"], token=c["token"])
    pg = pgbench("cp_summary", script, {"asel": c["sel"], "prepared": 0},
                 mode="simple", skip_first=True)
    rows = [(name, w, pg)]
    csv_script = prepared_script(
        "cp_summary_csv", queries, ["Q_AUTH_LOOKUP", "Q_CP_SUMMARY_CSV"],
        [lookup("asel"),
         execute("Q_CP_SUMMARY_CSV", params) + ";"])
    name = "GET /cp-reports/summary, CSV"
    w = wrk(name, c["path"], token=c["token"],
            script=os.path.join(HERE, "cp_csv.lua"))
    pg = pgbench("cp_summary_csv", csv_script,
                 {"asel": c["sel"], "prepared": 0}, mode="simple",
                 skip_first=True)
    rows.append((name, w, pg))
    return rows


# --- the search mix (issue 14) ----------------------------------------

# Each generator's file and its vendors (what a load of the other one
# must not leave behind: the mix measures N rows of one generator).
GENERATORS = {
    "bench": ("bench_data.sql", "tax_code LIKE '19%' AND name LIKE "
              "'Nhà cung cấp thử tải %'"),
    "varied": ("bench_varied.sql", "id::text LIKE "
               "'00000000-0000-4000-a000-%' AND tax_code LIKE '0999%'"),
}
MIX_P99_MS = 50			# the targets, for every combination
MIX_ALONE_MS = 20
MIX_RPS_100K = 1500
MIX_PRECISION = 0.95
PAGE = 20			# the default page: precision at 20


def env_words(name, default, allowed=None):
    words = (os.environ.get(name) or default).split()
    for w in words:
        if (allowed is not None and w not in allowed) or (
                allowed is None and not re.fullmatch(r"[1-9][0-9]*", w)):
            sys.exit(f"bench: {name} takes {' '.join(allowed or ['sizes'])}"
                     f", not {w!r}")
    return words


MIX_SIZES = [int(w) for w in env_words("BENCH_MIX_SIZES", "100000 1000000")]
MIX_GENS = env_words("BENCH_MIX_GENS", "bench varied", GENERATORS)
MIX_QUERIES = env_int("BENCH_MIX_QUERIES", 400)
MIX_SEED = env_int("BENCH_MIX_SEED", 14)


def mix_load(gen, n):
    """n technologies of gen, the other generators' rows removed, then
    VACUUM ANALYZE. Returns (published rows, seconds the load took)."""
    file, _ = GENERATORS[gen]
    t = time.monotonic()
    # The rows before the mix may have asked for quotes and funding on
    # these listings; a load replaces them, and such a request would
    # stop it (its key to the technology: an error on the delete).
    for _, vendors in GENERATORS.values():
        techs = ("SELECT t.id FROM technologies t WHERE t.vendor_id IN"
                 f" (SELECT id FROM organizations WHERE {vendors})")
        psql(sql=f"DELETE FROM funding_applications WHERE technology_id"
             f" IN ({techs})")
        psql(sql=f"DELETE FROM quote_requests WHERE technology_id"
             f" IN ({techs})")
    for other, (_, vendors) in GENERATORS.items():
        if other != gen:
            psql(sql="DELETE FROM technologies WHERE vendor_id IN (SELECT id"
                 f" FROM organizations WHERE {vendors})")
    log(f"loading {n} technologies ({gen}: tests/bench/{file})")
    psql("-v", f"n={n}", "-f", os.path.join(HERE, file))
    loaded = time.monotonic() - t
    # A bulk load queues every listing for matching (sql/018); drained,
    # those jobs would compete with the searches measured here for an
    # hour at a million. The mix measures search, so they go.
    psql(sql="DELETE FROM match_jobs")
    psql(sql="VACUUM (ANALYZE) technologies")
    psql(sql="VACUUM (ANALYZE) organizations")
    published = int(psql(sql="SELECT count(*) FROM technologies"
                         " WHERE status = 'published'"))
    log(f"  loaded in {loaded:.1f} s, vacuumed in "
        f"{time.monotonic() - t - loaded:.1f} s: {published} published")
    return published, loaded


SEARCHER = "bench-searcher@bench.example"


def search_token():
    """A signed-in caller for the mix. Its searches read the database
    every time: the page cache serves anonymous callers only, so its
    numbers are the search's own, first pass or not."""
    status, body = http("POST", "/api/v1/accounts", {
        "email": SEARCHER, "password": PASSWORD,
        "display_name": "Bench Searcher", "role": "enterprise",
        "organization": {"name": "Bench Searcher Co",
                         "tax_code": "6000000005", "district": "ninh_kieu",
                         "sector": "seafood_processing"}})
    if status not in (201, 409):
        raise BenchError(f"registering {SEARCHER}: {status} {body}")
    status, body = http("POST", "/api/v1/sessions",
                        {"email": SEARCHER, "password": PASSWORD})
    if status != 201:
        raise BenchError(f"logging in {SEARCHER}: {status} {body}")
    return body["token"]


def mix_alone(mix, token):
    """Each query of the mix alone on one keep-alive connection, three
    times, signed in (so never from the page cache): the median in ms,
    and the last answer's first page."""
    url = urllib.parse.urlsplit(BASE)
    conn = HTTPConnection(url.hostname, url.port, timeout=120)
    auth = {"Authorization": f"Bearer {token}"}
    for e in mix:
        took = []
        for _ in range(3):
            t = time.perf_counter()
            conn.request("GET", e["path"], headers=auth)
            resp = conn.getresponse()
            body = resp.read()
            took.append((time.perf_counter() - t) * 1000.0)
        if resp.status != 200:
            raise BenchError(f"GET {e['path']}: {resp.status} "
                             f"{body[:200]!r}")
        e["ms"] = sorted(took)[1]
        e["titles"] = [i["title"] for i in json.loads(body)["items"]]
    conn.close()


def mix_precision(mix):
    """Phrase-in-title precision at 20 over the multi-word queries: per
    query, the first page's titles holding the folded query as a phrase,
    out of min(20, the published rows passing its filters whose title
    does); averaged over queries where that is not 0. (mean, queries)"""
    multi = [(k, e) for k, e in enumerate(mix)
             if len(search_mix.tokens(e["q"])) >= 2]
    if not multi:
        return None, 0
    lit = search_mix.sql_str
    # One statement a query, its words as constants, so that each uses
    # the index: the words as a phrase of title (weight A) words find the
    # candidates; the title, its folded words one space apart, decides.
    stmts = []
    for k, e in multi:
        words = search_mix.tokens(e["q"])
        f = e["filters"]
        stmts.append(
            f"SELECT {k}, count(*) FROM technologies t JOIN organizations o"
            " ON o.id = t.vendor_id WHERE t.status = 'published' AND "
            "t.search @@ to_tsquery('simple', "
            f"{lit(' <-> '.join(w + ':A' for w in words))})"
            + (f" AND t.category = {lit(f['category'])}"
               if "category" in f else "")
            + (f" AND o.commune = {lit(f['commune'])}"
               if "commune" in f else "")
            + (f" AND o.district = {lit(f['district'])}"
               if "district" in f else "")
            + " AND ' ' || regexp_replace(t.title_folded, '[^a-z0-9]+', "
            f"' ', 'g') || ' ' LIKE {lit('% ' + ' '.join(words) + ' %')};")
    got = [line.split("|") for line in
           psql(sql="\n".join(stmts)).splitlines() if line]
    got = [(int(k), int(c)) for k, c in got]
    possible = dict(got)
    scores = []
    for k, e in multi:
        phrase = " " + " ".join(search_mix.tokens(e["q"])) + " "
        hits = sum(1 for t in e["titles"][:PAGE]
                   if phrase in " " + " ".join(search_mix.tokens(t)) + " ")
        # A title the tsquery misses (a hyphenated word: the parser
        # adds its parts at later positions) counts once it was found.
        den = min(PAGE, max(possible[k], hits))
        if den > 0:
            scores.append(hits / den)
    return (sum(scores) / len(scores) if scores else None), len(scores)


def search_mix_rows():
    """For each size and generator: load, draw the mix, run it at CONNS
    connections (mix.lua) and each query alone, measure relevance.
    Returns the lines of the report."""
    lines = []
    for n in MIX_SIZES:
        for gen in MIX_GENS:
            published, loaded = mix_load(gen, n)
            token = search_token()	# a load can outlast a session
            t = time.monotonic()
            mix = search_mix.draw(lambda s: psql(sql=s), MIX_QUERIES,
                                  MIX_SEED)
            paths = os.path.join(DIR, f"mix-{gen}-{n}.txt")
            search_mix.write(mix, paths)
            log(f"  drew {len(mix)} queries in {time.monotonic() - t:.1f} s")
            name = f"search mix ({gen}, {n})"
            # Anonymous, as the public search page asks: what the page
            # cache kept serves the repeats. Then signed in: every
            # request reads the database.
            w = wrk(name, "/", script=os.path.join(HERE, "mix.lua"),
                    script_args=(paths,))
            wdb = wrk(name + ", signed in", "/", token=token,
                      script=os.path.join(HERE, "mix.lua"),
                      script_args=(paths,))
            quiesce()
            log(f"  each of the {len(mix)} queries alone, median of 3")
            mix_alone(mix, token)
            precision, nprec = mix_precision(mix)
            alone = sorted(e["ms"] for e in mix)
            slow = sorted(mix, key=lambda e: -e["ms"])[:10]
            lines.append(f"{name}: {len(mix)} queries, {published} "
                         f"published (loaded in {loaded:.0f} s)")
            lines.append(f"  {CONNS} connections, anonymous (the page "
                         f"cache keeps repeats): {rate(w['rps'])} req/s, "
                         f"p50 {ms(w['p50'])}, p99 {ms(w['p99'])}")
            lines.append(f"  {CONNS} connections, signed in (the database "
                         f"every time): {rate(wdb['rps'])} req/s, "
                         f"p50 {ms(wdb['p50'])}, p99 {ms(wdb['p99'])}")
            lines.append(f"  alone, signed in: p50 {ms(percentile(alone, 0.5))}, p90 "
                         f"{ms(percentile(alone, 0.9))}, max "
                         f"{ms(alone[-1])}; the ten slowest:")
            for e in slow:
                f = " ".join(f"{k}={v}" for k, v in e["filters"].items())
                # count: rows holding the drawn words, before any typo
                # and without the filter.
                lines.append(f"    {ms(e['ms']):>10}  {e['q']}"
                             f"{'  [' + f + ']' if f else ''}"
                             f"  ({', '.join(e['kind'])}; drawn words in "
                             f"{e['count']} rows)")
            lines.append("  relevance: phrase-in-title precision at 20 "
                         + (f"{precision:.3f}" if precision is not None
                            else "-") + f" over {nprec} multi-word queries")
            checks = [(f"p99 < {MIX_P99_MS} ms @{CONNS}",
                       w["p99"] < MIX_P99_MS, ms(w["p99"])),
                      (f"signed in p99 < {MIX_P99_MS} ms @{CONNS}",
                       wdb["p99"] < MIX_P99_MS, ms(wdb["p99"])),
                      (f"no query alone > {MIX_ALONE_MS} ms",
                       alone[-1] <= MIX_ALONE_MS, ms(alone[-1]))]
            if n == 100000:
                checks.append((f">= {MIX_RPS_100K} req/s at 100k",
                               w["rps"] >= MIX_RPS_100K, rate(w["rps"])))
                checks.append((f"signed in >= {MIX_RPS_100K} req/s at "
                               "100k", wdb["rps"] >= MIX_RPS_100K,
                               rate(wdb["rps"])))
            checks.append((f"precision >= {MIX_PRECISION}",
                           precision is not None
                           and precision >= MIX_PRECISION,
                           f"{precision:.3f}" if precision is not None
                           else "-"))
            lines.append("  targets: " + "; ".join(
                f"{c} {'pass' if ok else 'FAIL'} ({v})"
                for c, ok, v in checks))
            log("\n".join(lines[-(len(slow) + 7):]))
    return lines


def only_search():
    """BENCH_ONLY=search: the search mix alone."""
    lines = search_mix_rows()
    out_dir = os.path.join(ROOT, "var", "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "search.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    log("\n" + "\n".join(lines))
    log("\nsaved to var/bench/search.txt")
    return 1 if failures else 0


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if ONLY == "byproducts":
        return only_byproducts()
    if ONLY == "matches":
        return only_matches()
    if ONLY == "search":
        return only_search()
    token, account_id = prepare()
    scripts, params = write_scripts(account_id, selector_of(token))
    rows = [("GET /healthz", wrk("GET /healthz", "/healthz"), None)]
    # The web catalogue's shell, from memory (app/web.c), as browsers
    # take it: gzipped.
    rows.append(("GET / (web page, gzip)",
                 wrk("GET /", "/", headers=GZIP), None))
    w = wrk("GET /api/v1/categories", "/api/v1/categories")
    rows.append(("GET /api/v1/categories", w,
                 pgbench("categories", scripts["categories"], {})))
    w = wrk("GET /api/v1/me", "/api/v1/me", token)
    rows.append(("GET /api/v1/me", w, pgbench("me", scripts["me"], params)))
    me, logins = storm(token)
    m = market_prepare()
    mm = matches_prepare(m)
    market_sql = market_scripts(m)
    scripts.update(market_sql)
    market_rows, unloaded = market(m, market_sql)
    match_sql = matches_scripts(m, mm)
    market_rows += matches_rows(m, mm, match_sql, need_row=False)
    fresh = match_freshness(m, mm)
    q = quotes_prepare(token, m)
    quote_rows = quotes(q)
    audit_rows, audit_ratio = audit_cost(q, quote_rows)
    decision_rows = decisions(decisions_prepare(q))
    b = byproducts_prepare()
    scripts["byproduct_matches"] = b["script"]
    bp_rows, b["one"] = byproducts(b)
    cp_rows = cp_reports(cp_prepare())
    search_lines = search_mix_rows()
    lines = table(rows, market_rows + quote_rows + audit_rows
                  + decision_rows + bp_rows + cp_rows, unloaded, m, me,
                  logins, b)
    lines += [""] + textwrap.wrap(matches_note(mm, fresh), 100,
                                  subsequent_indent="   ")
    lines += [""] + search_lines
    lines += ["", "audit append on the quote write path, with / without "
              f"(tm_audit a no-op): server {audit_ratio['wrk']:.2f}, "
              f"pgbench {audit_ratio['pgbench']:.2f}; GET /audit/verify: "
              f"{audit_ratio['verify'][0]} entries in "
              f"{audit_ratio['verify'][1]:.2f} s, ok "
              f"{audit_ratio['verify'][2]}"]
    summary = access_summary()
    if summary:
        lines += ["", "access log, responses by route and status:"] + summary
    if failures:
        lines += [""] + failures
    out_dir = os.path.join(ROOT, "var", "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "latest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for name, path in scripts.items():	# what pgbench ran, for the record
        if isinstance(path, str):
            shutil.copy(path, os.path.join(out_dir, "pgbench-"
                                           + os.path.basename(path)))
            continue
        sub = os.path.join(out_dir, "pgbench-" + name)
        shutil.rmtree(sub, ignore_errors=True)
        os.makedirs(sub)
        for p, _ in path:
            shutil.copy(p, sub)
    log("\n" + "\n".join(lines))
    log("\nsaved to var/bench/latest.txt (pgbench scripts beside it)")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        rc = main()
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        rc = 1
    finally:
        for c in list(children):
            if c.poll() is None:
                c.kill()
                c.wait()
    sys.exit(rc)
