#!/usr/bin/python3
"""bench.py -- drives `make bench` against the server and cluster that
conf/tm.sh bench started: seeds data, runs wrk on each endpoint and
pgbench on the same SQL, then a login storm, and prints the table.

Standard library only. Environment (set by conf/tm.sh):
  TM_BASE_URL, TM_DATABASE_URL, TM_ROOT, BENCH_DIR (scratch, removed
  afterwards), TM_ACCESS_LOG, PGBIN; optional BENCH_SECONDS (10),
  BENCH_WARMUP (2), BENCH_CONNS (64), BENCH_THREADS (2),
  BENCH_STORM_CONNS (20), BENCH_SEED (10000).
"""

import base64
import glob
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

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

VENDOR = "bench-vendor@bench.example"
PASSWORD = "bench-password-0123"
STORM_PREFIX = "storm-"
MAX_ERROR_SHARE = 0.01

children = []			# running Popen objects, killed on the way out
failures = []


class BenchError(Exception):
    pass


def log(msg):
    print(msg, flush=True)


# --- HTTP and SQL helpers -------------------------------------------

def http(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
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


# --- the SQL the server runs, read from app/queries.c ---------------

def load_queries():
    """{Q_NAME: sql} from the designated initialisers in queries.c."""
    src = open(os.path.join(ROOT, "app", "queries.c")).read()
    # Drop comments, keeping string literals (which might hold "/*").
    src = re.sub(r'"(?:\\.|[^"\\\n])*"|/\*.*?\*/|//[^\n]*',
                 lambda m: m.group(0) if m.group(0)[0] == '"' else " ",
                 src, flags=re.S)
    lit = r'"(?:\\.|[^"\\\n])*"'
    # [Q_NAME] = { "name", writes, "sql" "continued" },
    entry = re.compile(r'\[(Q_\w+)\]\s*=\s*\{\s*' + lit + r'\s*,\s*[01]\s*,'
                       r'\s*((?:' + lit + r'\s*)+)\}')
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}
    out = {}
    for m in entry.finditer(src):
        parts = re.findall(lit, m.group(2))
        text = "".join(p[1:-1] for p in parts)
        out[m.group(1)] = re.sub(r"\\(.)", lambda e: escapes[e.group(1)],
                                 text)
    return out


def pgbench_statement(queries, qname, params):
    """The statement with $n as pgbench variables; fills params."""
    if qname not in queries:
        raise BenchError(f"{qname} not found in app/queries.c")
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
    non2xx = int(num(r"Non-2xx or 3xx responses:\s*(\d+)", ("0",))[0])
    sock = num(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
               r"timeout (\d+)", ("0", "0", "0", "0"))
    return {"rps": rps, "p99": float(v) * UNITS[unit], "total": total,
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
    if r["total"] == 0 or bad > MAX_ERROR_SHARE * r["total"]:
        msg = (f"FAILED: {name}: {bad} of {r['total']} requests were "
               f"non-2xx or socket errors (over {MAX_ERROR_SHARE:.0%})")
        log("  " + msg)
        failures.append(msg)


def wrk_cmd(path, conns, seconds, token=None, script=None, script_args=(),
            timeout=10):
    cmd = ["wrk", "-c", str(conns), "-t", str(min(THREADS, conns)),
           "-d", f"{seconds}s", "--timeout", f"{timeout}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    cmd.append(BASE + path)
    if script_args:
        cmd += ["--", *script_args]
    return cmd


def wrk(name, path, token=None):
    log(f"wrk {name}: {WARMUP} s warm-up, {SECONDS} s at {CONNS} "
        "connections")
    run(wrk_cmd(path, CONNS, WARMUP, token), WARMUP + 30)
    r = parse_wrk(run(wrk_cmd(path, CONNS, SECONDS, token), SECONDS + 30))
    check_errors(name, r)
    return r


def percentile(values, q):
    values.sort()
    return values[max(0, math.ceil(q * len(values)) - 1)]


def pgbench(name, script, defines):
    """tps and p99 (ms) of the script, p99 from the per-transaction log."""
    log(f"pgbench {name}: {WARMUP} s warm-up, {SECONDS} s at {CONNS} "
        "clients")
    base = [f"{PGBIN}/pgbench", "-n", "-M", "prepared", "-c", str(CONNS),
            "-j", str(THREADS), "-f", script]
    for k, v in defines.items():
        base += ["-D", f"{k}={v}"]
    run(base + ["-T", str(WARMUP), DBURL], WARMUP + 60)
    prefix = os.path.join(DIR, "pgbench-" + re.sub(r"\W+", "_", name))
    out = run(base + ["-T", str(SECONDS), "-l", "--log-prefix", prefix,
                      DBURL], SECONDS + 60)
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)",
                  out)
    if m is None:
        raise BenchError("cannot parse pgbench output:\n" + out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if failed and int(failed.group(1)) > 0:
        failures.append(f"FAILED: pgbench {name}: {failed.group(1)} failed "
                        "transactions")
    lat = []
    for f in glob.glob(prefix + ".*"):
        with open(f) as fh:
            lat.extend(int(line.split()[2]) for line in fh)
        os.unlink(f)
    if not lat:
        raise BenchError(f"pgbench {name} logged no transactions")
    p99 = percentile(lat, 0.99) / 1000.0
    log(f"  pgbench {name}: {len(lat)} transactions, "
        f"{failed.group(1) if failed else 0} failed")
    return {"tps": float(m.group(1)), "p99": p99}


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
    """pgbench scripts from app/queries.c, checked against the data."""
    queries = load_queries()
    params = {"auth_lookup_1": selector, "auth_lookup_2": "session",
              "account_get_1": account_id}
    scripts = {}
    for name, qnames in (("categories", ["Q_CATEGORIES"]),
                         ("me", ["Q_AUTH_LOOKUP", "Q_ACCOUNT_GET"])):
        path = os.path.join(DIR, f"{name}.sql")
        with open(path, "w") as f:
            f.write(f"-- generated by tests/bench/bench.py from "
                    f"app/queries.c: {', '.join(qnames)}\n")
            for q in qnames:
                f.write(pgbench_statement(queries, q, params))
        scripts[name] = path
    # The lookup must find the vendor, or pgbench would time a miss.
    got = psql(sql=f"PREPARE a(bytea, text) AS {queries['Q_AUTH_LOOKUP']};"
               f"\nEXECUTE a('{selector}', 'session');")
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


def access_summary():
    """Statuses per route in the server's access log, as a cross-check."""
    if not ACCESS_LOG or not os.path.exists(ACCESS_LOG):
        return []
    counts = {}
    with open(ACCESS_LOG, errors="replace") as f:
        for line in f:
            w = line.split()
            # ts reqid method route status duration
            if len(w) == 6 and w[4].isdigit() and w[5].endswith("ms"):
                key = (w[2] + " " + w[3], w[4])
                counts[key] = counts.get(key, 0) + 1
    return [f"  {route:<28} {status} x {n}"
            for (route, status), n in sorted(counts.items())]


def ms(v):
    return f"{v:.2f}ms"


def table(rows, me, logins):
    conf = (f"wrk/pgbench: {CONNS} connections, {THREADS} threads, "
            f"{SECONDS} s after {WARMUP} s warm-up; "
            f"per worker {os.environ.get('TM_DB_CONNS') or 3} reading + "
            f"{os.environ.get('TM_DB_WRITE_CONNS') or 2} writing "
            f"connections; "
            f"{os.cpu_count()} CPUs; {SEED} seeded accounts")
    head = (f"{'endpoint':<26} {'req/s':>9} {'p99':>9}  | "
            f"{'pgbench same SQL tps':>20} {'p99':>9}  | ratio")
    lines = [time.strftime("make bench, %Y-%m-%d %H:%M:%S %Z"), conf, "",
             head, "-" * len(head)]
    for name, w, pg in rows:
        if pg is None:
            lines.append(f"{name:<26} {w['rps']:>9.0f} {ms(w['p99']):>9}  | "
                         f"{'-':>20} {'':>9}  |")
        else:
            lines.append(f"{name:<26} {w['rps']:>9.0f} {ms(w['p99']):>9}  | "
                         f"{pg['tps']:>20.0f} {ms(pg['p99']):>9}  | "
                         f"{w['rps'] / pg['tps']:.2f}")
    lines.append("")
    lines.append(f"GET /api/v1/me during {STORM_CONNS}-conn login storm: "
                 f"{me['rps']:.0f} req/s, p99 {ms(me['p99'])}; "
                 f"logins {logins['rps']:.1f}/s "
                 f"(p99 {ms(logins['p99'])}, non-201: {logins['non201']})")
    return lines


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    token, account_id = prepare()
    scripts, params = write_scripts(account_id, selector_of(token))
    rows = [("GET /healthz", wrk("GET /healthz", "/healthz"), None)]
    w = wrk("GET /api/v1/categories", "/api/v1/categories")
    rows.append(("GET /api/v1/categories", w,
                 pgbench("categories", scripts["categories"], {})))
    w = wrk("GET /api/v1/me", "/api/v1/me", token)
    rows.append(("GET /api/v1/me", w, pgbench("me", scripts["me"], params)))
    me, logins = storm(token)
    lines = table(rows, me, logins)
    summary = access_summary()
    if summary:
        lines += ["", "access log, responses by route and status:"] + summary
    if failures:
        lines += [""] + failures
    out_dir = os.path.join(ROOT, "var", "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "latest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for path in scripts.values():	# what pgbench ran, for the record
        shutil.copy(path, os.path.join(out_dir, "pgbench-"
                                       + os.path.basename(path)))
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
