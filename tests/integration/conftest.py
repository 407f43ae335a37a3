"""Shared helpers and fixtures for the integration tests.

The tests talk to a running server (TM_BASE_URL) and, where they must
look behind the API, to its database through psql (TM_DATABASE_URL).
`make test` (conf/tm.sh test) sets everything up:

  TM_BASE_URL      http://127.0.0.1:PORT
  TM_DATABASE_URL  libpq conninfo of the server's database
  TM_ROOT          repository root (tmctl lives in var/build)
  TM_KORE_LOG      the server's log file
  TM_TMCTL         the tmctl of the build under test
  TM_PGCTL, TM_PGDATA, TM_PGDIR   to restart PostgreSQL (test_ops.py)

Every test makes its own accounts with random emails and tax codes, and
its own listings and needs with made-up words, and asserts on what it
made: no test counts the rows of a table or the items of a whole list,
so the files run in any order, any subset, and beside other tests that
write at the same time. Tests wait for the state they need (wait_for)
rather than sleep, and take the one status the contract gives.

Every HTTP response any test receives (through `requests`, whichever
way it is called) is checked on arrival: it must not contain a password
hash, a password any test has sent, a token or API key other than in
the answer that creates it, or the stored verifier of one. At the end
of the run, the bodies are checked once more against every verifier
and hash in the database, and the server log against every password
and token.
"""

import base64
import datetime
import hashlib
import json
import os
import pathlib
import re
import secrets
import subprocess
import sys
import threading
import time
import unicodedata
import uuid

import pytest
import requests

sys.path.insert(1, str(pathlib.Path(__file__).resolve().parents[1]))
from queries_def import load_queries  # noqa: E402  (tests/queries_def.py)

ROOT = pathlib.Path(os.environ.get("TM_ROOT")
                    or pathlib.Path(__file__).resolve().parents[2])
BASE_URL = (os.environ.get("TM_BASE_URL") or "").rstrip("/")
DATABASE_URL = os.environ.get("TM_DATABASE_URL") or ""
KORE_LOG = os.environ.get("TM_KORE_LOG") or ""
TMCTL = pathlib.Path(os.environ.get("TM_TMCTL")
                     or ROOT / "var" / "build" / "tmctl")
PSQL = ("/usr/lib/postgresql/15/bin/psql"
        if os.path.exists("/usr/lib/postgresql/15/bin/psql") else "psql")

API = "/api/v1"
TIMEOUT = 20
# make test SAN=1: the module runs under AddressSanitizer.
SANITIZED = os.environ.get("TM_SAN") == "1"

UUID_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RFC3339_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
TOKEN_RE = re.compile(r"^tm[sk]_[A-Za-z0-9_-]{64}$")

ACCOUNT_KEYS = {"id", "email", "display_name", "role", "agency", "status",
                "organization", "version", "created_at", "updated_at"}
ORGANIZATION_KEYS = {"id", "kind", "name", "tax_code", "commune",
                     "district", "sector", "address", "phone", "website",
                     "verified", "version", "created_at", "updated_at"}
PROBLEM_KEYS = {"type", "title", "status", "detail"}

# The JSON members of request bodies that carry passwords.
PASSWORD_MEMBERS = ("password", "current_password", "new_password")


# --- the leak guard ---------------------------------------------------------


class LeakGuard:
    """What no response body may contain, and every body seen so far."""

    def __init__(self):
        self.lock = threading.Lock()
        self.secrets = {}       # text -> what it is
        self.log_secrets = {}   # subset that must not reach the log
        self.bodies = []        # (what, bytes)

    def add(self, text, what, log=True):
        if not text or len(text) < 10:
            return
        with self.lock:
            self.secrets.setdefault(text, what)
            if log:
                self.log_secrets.setdefault(text, what)

    def add_token(self, token):
        """A session token or API key: itself, and its stored verifier
        in every spelling a careless server might print it."""
        self.add(token, "a session token or API key")
        self.add(token[4:], "a session token or API key without prefix")
        verifier = token_verifier(token)
        if verifier is None:
            return
        for text in (verifier.hex(), verifier.hex().upper(),
                     base64.b64encode(verifier).decode(),
                     base64.urlsafe_b64encode(verifier).decode()
                     .rstrip("=")):
            self.add(text, "the stored verifier of a token", log=True)

    def snapshot(self):
        with self.lock:
            return dict(self.secrets)


LEAKS = LeakGuard()


def token_raw(token):
    """The 48 bytes (selector || secret) a token encodes, or None."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    text = token[4:]
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        return None
    return raw if len(raw) == 48 else None


def token_selector_hex(token):
    raw = token_raw(token)
    assert raw is not None, f"not a well-formed token: {token!r}"
    return raw[:16].hex()


def token_verifier(token):
    """BLAKE2b-256 of the secret half: what the server stores."""
    raw = token_raw(token)
    if raw is None:
        return None
    return hashlib.blake2b(raw[16:], digest_size=32).digest()


def _note_request(request):
    body = request.body
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return
    if not isinstance(body, str) or len(body) > 200000:
        return
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in PASSWORD_MEMBERS and isinstance(value, str):
                    LEAKS.add(value, f"the password sent as {key!r}")
                    LEAKS.add(unicodedata.normalize("NFC", value),
                              f"the password sent as {key!r}")
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def _check_response(request, response):
    body = response.content or b""
    what = f"{request.method} {request.url} -> {response.status_code}"
    assert b"$argon2" not in body, \
        f"{what}: the response contains a password hash: {body[:300]!r}"
    for text, kind in LEAKS.snapshot().items():
        assert text.encode("utf-8") not in body, \
            f"{what}: the response contains {kind}"
    if response.headers.get("Content-Type", "").startswith(
            "application/json") and len(body) < 100000:
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict):
            for member in ("token", "key"):
                if token_raw(doc.get(member)) is not None:
                    LEAKS.add_token(doc[member])
    with LEAKS.lock:
        LEAKS.bodies.append((what, body[:200000]))


_real_send = requests.sessions.Session.send


# Every test signs in from an address of its own (198.18.0.0/15, the
# benchmarking range): the test server trusts loopback as a proxy
# (TM_TRUSTED_PROXIES in conf/tm.sh), so X-Forwarded-For names the client
# and one test's failed sign-ins never count against another's. A test
# that sends the header itself chooses its own address.
class _ClientAddress:
    def __init__(self):
        self.n = secrets.randbelow(1 << 17)
        self.current = None

    def next(self):
        self.n = (self.n + 1) % (1 << 17)
        self.current = f"198.{18 + (self.n >> 16)}.{(self.n >> 8) & 255}." \
            f"{self.n & 255}"
        return self.current


CLIENT_ADDRESS = _ClientAddress()


@pytest.fixture(autouse=True)
def client_address():
    """This test's own client address (X-Forwarded-For)."""
    return CLIENT_ADDRESS.next()


def _guarded_send(self, request, **kwargs):
    _note_request(request)
    if CLIENT_ADDRESS.current is not None \
            and "X-Forwarded-For" not in request.headers:
        request.headers["X-Forwarded-For"] = CLIENT_ADDRESS.current
    response = _real_send(self, request, **kwargs)
    _check_response(request, response)
    return response


requests.sessions.Session.send = _guarded_send


@pytest.fixture(scope="session", autouse=True)
def leak_guard():
    """At the end, the database's verifiers and hashes against every
    body seen, and the server log against every password and token."""
    yield LEAKS
    if not BASE_URL or not DATABASE_URL:
        return
    problems = []
    stored = db_rows("SELECT encode(verifier, 'hex') FROM credentials"
                     " UNION ALL SELECT password_hash FROM accounts")
    needles = {row[0].encode() for row in stored if row and row[0]}
    for what, body in LEAKS.bodies:
        for needle in needles:
            if needle in body:
                problems.append(f"{what}: contains a stored verifier or "
                                "password hash")
                break
    if KORE_LOG and os.path.exists(KORE_LOG):
        log = pathlib.Path(KORE_LOG).read_bytes()
        with LEAKS.lock:
            log_secrets = dict(LEAKS.log_secrets)
        for text, kind in log_secrets.items():
            if text.encode("utf-8") in log:
                problems.append(f"the server log contains {kind}")
        if b"$argon2" in log:
            problems.append("the server log contains a password hash")
    assert not problems, "\n".join(sorted(set(problems))[:20])


# --- HTTP -------------------------------------------------------------------


_local = threading.local()


def _session():
    s = getattr(_local, "session", None)
    if s is None:
        s = _local.session = requests.Session()
    return s


def need_server():
    if not BASE_URL:
        pytest.skip("TM_BASE_URL is not set: no server to test against")


def need_db():
    need_server()
    if not DATABASE_URL:
        pytest.skip("TM_DATABASE_URL is not set: no database to look into")


def pg_log_path():
    """The test cluster's PostgreSQL log (conf/tm.sh: TM_PGDIR/pg.log,
    maybe a link into /var/tmp)."""
    pgdir = os.environ.get("TM_PGDIR")
    if not pgdir:
        pytest.skip("TM_PGDIR is not set: no database log to look into")
    return pathlib.Path(os.path.realpath(os.path.join(pgdir, "pg.log")))


class PgLogSince:
    """with PgLogSince() as log: ...; log.text is what PostgreSQL logged
    meanwhile."""

    def __enter__(self):
        self.path = pg_log_path()
        self.start = self.path.stat().st_size
        self.text = ""
        return self

    def __exit__(self, *exc):
        with open(self.path, "rb") as f:
            f.seek(self.start)
            self.text = f.read().decode("utf-8", "replace")
        return False


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def call(method, path, token=None, body=None, data=None, headers=None,
         content_type="application/json", **kwargs):
    """One request. body: a JSON value, sent as raw UTF-8; data: bytes or
    str sent as they are (with content_type unless None)."""
    need_server()
    h = {}
    if token is not None:
        h.update(bearer(token))
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    if data is not None and content_type is not None:
        h["Content-Type"] = content_type
    if headers:
        h.update(headers)
    kwargs.setdefault("timeout", TIMEOUT)
    return _session().request(method, BASE_URL + path, data=data,
                              headers=h, **kwargs)


def get(path, token=None, **kw):
    return call("GET", path, token=token, **kw)


def post(path, body=None, token=None, **kw):
    return call("POST", path, token=token, body=body, **kw)


def put(path, body=None, token=None, **kw):
    return call("PUT", path, token=token, body=body, **kw)


def patch(path, body=None, token=None, **kw):
    return call("PATCH", path, token=token, body=body, **kw)


def delete(path, token=None, **kw):
    return call("DELETE", path, token=token, **kw)


def media_type(response):
    return (response.headers.get("Content-Type") or "").split(";")[0] \
        .strip().lower()


def assert_problem(response, status, fields=None):
    """An RFC 9457 answer with this status; returns its body. fields: the
    errors[].field values that must all be present (422)."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: "
        f"{response.text[:600]}")
    assert media_type(response) == "application/problem+json", \
        response.headers.get("Content-Type")
    doc = response.json()
    assert isinstance(doc, dict), doc
    missing = PROBLEM_KEYS - doc.keys()
    assert not missing, f"problem without {missing}: {doc}"
    assert doc["status"] == status, doc
    for key in ("type", "title", "detail"):
        assert isinstance(doc[key], str) and doc[key], doc
    if status == 401:
        assert response.headers.get("WWW-Authenticate", "") \
            .lower().startswith("bearer"), response.headers
    if fields is not None:
        named = error_fields(doc)
        assert set(fields) <= set(named), \
            f"errors should name {sorted(fields)}, name {named}: {doc}"
    return doc


def assert_bad_bodies(method, path, token=None, body=b"{}",
                      content_type="text/plain"):
    """Malformed JSON and an empty body are 400; a body sent as another
    media type is 415."""
    for data in (b"{", b"[", b""):
        assert_problem(call(method, path, token=token, data=data), 400)
    assert_problem(call(method, path, token=token, data=body,
                        content_type=content_type), 415)


def error_fields(doc):
    errors = doc.get("errors")
    assert isinstance(errors, list), f"no errors[] in {doc}"
    for e in errors:
        assert isinstance(e.get("field"), str), e
        assert isinstance(e.get("message"), str) and e["message"], e
    return [e["field"] for e in errors]


# --- the database -----------------------------------------------------------


def db_rows(sql, **params):
    """Rows (lists of str; NULL is '') of sql run by psql; params are
    psql variables: write :'name' in sql for a quoted literal."""
    need_db()
    cmd = [PSQL, "-X", "-q", "-A", "-t", "-F", "\x1f", "-R", "\x1e",
           "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=terse",
           "-d", DATABASE_URL]
    for name, value in params.items():
        cmd += ["-v", f"{name}={value}"]
    p = subprocess.run(cmd, input=sql, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, f"psql failed: {p.stderr.strip()}"
    out = p.stdout.rstrip("\n")
    return [rec.split("\x1f") for rec in out.split("\x1e")
            if rec.strip("\n") != ""]


def db_value(sql, **params):
    rows = db_rows(sql, **params)
    return rows[0][0] if rows else None


def db_count(sql, **params):
    return int(db_value(sql, **params))


# Listings whose place or keys are not their vendor's (migration 027's
# invariant, kept by its triggers): none, in any database.
LISTINGS_OFF_THEIR_VENDOR = (
    "SELECT count(*) FROM technologies t JOIN organizations o"
    " ON o.id = t.vendor_id WHERE (t.district, t.commune, t.keys)"
    " IS DISTINCT FROM (o.district, o.commune, tm_keys(t.category,"
    " o.district, o.commune, t.vendor_id))")


def nothing_written(email=None, tax_code=None):
    """Asserts no account has email and no organization tax_code."""
    accounts, orgs = db_rows(
        "SELECT (SELECT count(*) FROM accounts WHERE email = lower(:'e')),"
        " (SELECT count(*) FROM organizations WHERE tax_code = :'t')",
        e=email if email is not None else "",
        t=tax_code if tax_code is not None else "")[0]
    assert accounts == "0", f"an account for {email!r} was written"
    assert orgs == "0", f"an organization with tax code {tax_code!r} exists"


def expire_session(token):
    db_rows("UPDATE credentials SET expires_at = now() - interval '1 second'"
            " WHERE selector = decode(:'s', 'hex')",
            s=token_selector_hex(token))


def credential_id(token):
    return db_value("SELECT id FROM credentials"
                    " WHERE selector = decode(:'s', 'hex')",
                    s=token_selector_hex(token))


# --- accounts ---------------------------------------------------------------


_issued = set()
_issued_lock = threading.Lock()


def rand_hex(n=12):
    return secrets.token_hex((n + 1) // 2)[:n]


def unique_email(tag="user"):
    return f"{tag}.{uuid.uuid4().hex[:16]}@techmarket.test"


def unique_tax_code():
    while True:
        code = f"{secrets.randbelow(10 ** 10):010d}"
        with _issued_lock:
            if code not in _issued:
                _issued.add(code)
                return code


def new_password():
    return f"Pw-{secrets.token_hex(8)}"


def registration(role="vendor", /, **overrides):
    """A valid registration body; keyword arguments replace members
    (organization members too, by their own name: tax_code=...)."""
    org = {
        "name": "Công ty TNHH Công nghệ Xanh Cần Thơ",
        "tax_code": unique_tax_code(),
        "district": "ninh_kieu",
        "sector": "seafood_processing",
    }
    body = {
        "email": unique_email(role),
        "password": new_password(),
        "display_name": "Nguyễn Văn An",
        "role": role,
        "organization": org,
    }
    # A commune alone: the district it lies in is derived.
    if "commune" in overrides and "district" not in overrides:
        del org["district"]
    for key, value in overrides.items():
        if key in ("name", "tax_code", "commune", "district", "sector",
                   "address", "phone", "website"):
            org[key] = value
        else:
            body[key] = value
    return body


class User:
    def __init__(self, email, password, role, account, token):
        self.email = email
        self.password = password
        self.role = role
        self.account = account
        self.token = token

    @property
    def id(self):
        return self.account["id"]

    @property
    def headers(self):
        return bearer(self.token)

    def __repr__(self):
        return f"User({self.role} {self.email})"


def register(body):
    return post(f"{API}/accounts", body)


def login(email, password, **kw):
    return post(f"{API}/sessions", {"email": email, "password": password},
                **kw)


def login_ok(email, password):
    r = login(email, password)
    assert r.status_code == 201, f"login failed: {r.status_code} {r.text}"
    return r.json()["token"]


def new_user(role="vendor", **overrides):
    body = registration(role, **overrides)
    r = register(body)
    assert r.status_code == 201, f"registration failed: {r.status_code} " \
        f"{r.text}"
    token = login_ok(body["email"], body["password"])
    return User(body["email"], body["password"], role, r.json(), token)


def make_admin():
    """An admin the way `make admin` makes one: tmctl hash, then
    admin_upsert in psql, then a login over HTTP."""
    need_db()
    email = unique_email("admin")
    password = new_password()
    LEAKS.add(password, "an admin's password")
    p = subprocess.run([str(TMCTL), "hash"], input=password,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"tmctl hash failed: {p.stderr}"
    hashed = p.stdout.strip()
    assert hashed.startswith("$argon2id$"), "tmctl hash printed no hash"
    db_rows("SELECT admin_upsert(:'email', :'hash')", email=email,
            hash=hashed)
    token = login_ok(email, password)
    account = get(f"{API}/me", token=token).json()
    return User(email, password, "admin", account, token)


def staff_body(role="agency", agency="dost", **overrides):
    """A valid POST /admin/accounts body (no agency member when agency is
    None); keyword arguments replace members."""
    body = {"email": unique_email(role), "password": new_password(),
            "display_name": "Sở Khoa học và Công nghệ", "role": role}
    if agency is not None:
        body["agency"] = agency
    body.update(overrides)
    return body


def create_staff(admin, role="agency", agency="dost", **overrides):
    """An agency or admin account made by an admin, signed in."""
    body = staff_body(role, agency, **overrides)
    r = post(f"{API}/admin/accounts", body, token=admin.token)
    assert r.status_code == 201, f"staff creation failed: {r.status_code} " \
        f"{r.text}"
    token = login_ok(body["email"], body["password"])
    return User(body["email"], body["password"], role, r.json(), token)


def admin_patch(admin, account_id, body, if_match=None):
    headers = {"If-Match": if_match} if if_match is not None else None
    return patch(f"{API}/admin/accounts/{account_id}", body,
                 token=admin.token, headers=headers)


def verify(admin, *users):
    """An admin verifies the users' organizations (what funding needs)."""
    for user in users:
        r = admin_patch(admin, user.id, {"verified": True})
        assert r.status_code == 200, f"{r.status_code}: {r.text}"
        assert r.json()["organization"]["verified"] is True


def me(token):
    return get(f"{API}/me", token=token)


def assert_rfc3339_utc(value):
    assert isinstance(value, str) and RFC3339_UTC_RE.match(value), value


def assert_account_shape(doc, role=None):
    assert set(doc) == ACCOUNT_KEYS, sorted(doc)
    assert UUID_RE.match(doc["id"]), doc["id"]
    assert doc["email"] == doc["email"].lower()
    assert isinstance(doc["display_name"], str)
    assert doc["status"] in ("active", "suspended")
    assert isinstance(doc["version"], int) and doc["version"] >= 1
    assert_rfc3339_utc(doc["created_at"])
    assert_rfc3339_utc(doc["updated_at"])
    if role is not None:
        assert doc["role"] == role
    if doc["role"] in ("vendor", "enterprise"):
        org = doc["organization"]
        assert isinstance(org, dict) and set(org) == ORGANIZATION_KEYS, org
        assert UUID_RE.match(org["id"])
        assert isinstance(org["verified"], bool)
        assert doc["agency"] is None
    else:
        assert doc["organization"] is None
    if doc["role"] == "agency":
        assert doc["agency"] in ("dost", "doit", "donre")
    elif doc["role"] == "admin":
        assert doc["agency"] is None


def doc_etag(version, body):
    """A document's ETag: "<version>-<BLAKE2b-64 of its bytes>"."""
    return f'"{version}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'


def tag_version(tag):
    """The version a document's ETag names; None for another shape."""
    m = re.fullmatch(r'"(\d+)-[0-9a-f]{16}"', tag or "")
    return int(m.group(1)) if m else None


def assert_etag(response, doc=None):
    """The ETag names the document's version and hashes the very bytes
    sent, so a change of anything it embeds changes the tag."""
    doc = doc if doc is not None else response.json()
    assert response.headers.get("ETag") == \
        doc_etag(doc["version"], response.content), \
        (response.headers.get("ETag"), doc.get("version"))


def wait_for(predicate, timeout=15.0, interval=0.2):
    """Polls predicate until it is true; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# --- lists and market documents --------------------------------------------


TECH = f"{API}/technologies"
NEEDS = f"{API}/needs"


def cantho_today():
    """Today in Can Tho (UTC+7 all year), where quotes and flags end."""
    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(hours=7)).date()


def made_up_word(n=10):
    """Letters only (one word to the search parser) and no real word in
    any language: only the data of the test that made it holds it."""
    return "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(n))


def word_like_no_other():
    """A query word the typo fallback finds nothing for. The vocabulary
    holds thousands of other tests' made-up words, and a 12-letter one
    came within the fallback's trigram similarity (0.2) of one of them
    (CI, 2026-12-02: 2 in 200,000 pairs share a start). At 24 letters
    10 million pairs stayed under 0.17."""
    return made_up_word(24)


def etag(doc):
    return f'"{doc["version"]}"'


def ids(items):
    return [item["id"] for item in items]


def without(body, *keys):
    """body less the members keys."""
    return {k: v for k, v in body.items() if k not in keys}


def created(path, user, body):
    """POSTs body to path as user; the 201's document (ETag checked)."""
    r = post(path, body, token=user.token)
    assert r.status_code == 201, f"{r.status_code}: {r.text}"
    doc = r.json()
    assert_etag(r, doc)
    return doc


def moved(path, user, doc, status):
    """PATCHes the status of path/{doc id} with doc's ETag; the 200's
    document."""
    r = patch(f"{path}/{doc['id']}", {"status": status}, token=user.token,
              headers={"If-Match": etag(doc)})
    assert r.status_code == 200, f"{r.status_code}: {r.text}"
    new = r.json()
    assert new["status"] == status, new
    assert_etag(r, new)
    return new


def publish_tech(vendor, body):
    """A technology of vendor made from body and published."""
    return moved(TECH, vendor, created(TECH, vendor, body), "published")


def assert_create_refused(path, table, body, status, token=None):
    """POST body to path is a status problem, and no row of table holds
    body's (made-up) title."""
    assert_problem(post(path, body, token=token), status)
    assert db_count(f"SELECT count(*) FROM {table} WHERE title = :'t'",
                    t=body["title"]) == 0, f"a refused create wrote {table}"


def list_page(path, params=None, token=None, keys=("items", "next_cursor")):
    """One page of a list: a 200 whose members are exactly keys, items a
    list and next_cursor null or a non-empty string."""
    r = get(path, token=token, params=params or {})
    assert r.status_code == 200, f"{r.status_code}: {r.text}"
    doc = r.json()
    assert set(doc) == set(keys), sorted(doc)
    assert isinstance(doc["items"], list)
    assert doc["next_cursor"] is None or \
        isinstance(doc["next_cursor"], str) and doc["next_cursor"]
    return doc


def walk_pages(page, params=None, limit=100, during=None, max_pages=2000):
    """Every item of a list, following next_cursor: page(params) fetches
    one page; during(n) runs after page n (to change the data in the
    middle of a walk)."""
    params = dict(params or {}, limit=str(limit))
    items = []
    for n in range(1, max_pages + 1):
        doc = page(params)
        assert len(doc["items"]) <= limit
        items += doc["items"]
        if during is not None:
            during(n)
        if doc["next_cursor"] is None:
            return items
        assert doc["items"], "an empty page with a next_cursor"
        params["cursor"] = doc["next_cursor"]
    pytest.fail(f"the walk did not end in {max_pages} pages")


def in_order(got, wanted):
    """The items of wanted, in the order they appear in got."""
    wanted = set(wanted)
    return [x for x in got if x in wanted]


# --- is the server still whole? ---------------------------------------------


def rss_kb(pid):
    """A process's resident memory, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def kore_workers():
    """(pid, state, threads) of each Kore worker, read from /proc through
    the kore.pid Kore writes next to its log; [] when that is unknown."""
    if not KORE_LOG:
        return []
    pidfile = os.path.join(os.path.dirname(KORE_LOG), "kore.pid")
    try:
        with open(pidfile) as f:
            master = int(f.read().strip())
        with open(f"/proc/{master}/task/{master}/children") as f:
            children = f.read().split()
    except (OSError, ValueError):
        return []
    workers = []
    for child in children:
        try:
            with open(f"/proc/{child}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            threads = len(os.listdir(f"/proc/{child}/task"))
        except (OSError, IndexError):
            continue
        workers.append((int(child), state, threads))
    return workers


def broken_workers():
    """Workers whose main thread is gone while the process lingers (a
    seccomp kill of the event loop leaves the task threads behind, so
    Kore never notices and never replaces the worker)."""
    return [f"worker pid {pid}: main thread dead (state {state}), "
            f"{threads} thread(s) left" for pid, state, threads
            in kore_workers() if state in ("Z", "X")]


def server_trouble(timeout=3.0):
    """None when /healthz answers on a fresh connection and every worker
    lives; else what is wrong."""
    problems = broken_workers()
    try:
        r = requests.get(BASE_URL + "/healthz", timeout=timeout)
        if r.status_code != 200:
            problems.append(f"/healthz answered {r.status_code}")
    except requests.RequestException as e:
        problems.append(f"/healthz did not answer in {timeout} s "
                        f"({type(e).__name__})")
    return "; ".join(problems) or None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "last: may break the server if a bug is there, so it "
        "runs after every other test")
    config.addinivalue_line(
        "markers", "speed: times a body that makes yajl grow an array one "
        "member at a time; under ASan every realloc copies, so skipped "
        "with make test SAN=1")


def pytest_collection_modifyitems(session, config, items):
    """Tests marked last (bodies built to hurt the server) go to the end:
    if one of them kills a worker, the rest of the run is unaffected."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
    if SANITIZED:
        skip = pytest.mark.skip(reason="a speed check, meaningless under ASan")
        for item in items:
            if item.get_closest_marker("speed") is not None:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def server_whole(request):
    """Fails a test at once, instead of after many time-outs, when an
    earlier test left the server broken; and drops this thread's
    keep-alive connection after a test that may have hurt a worker."""
    if BASE_URL and "test_openapi" not in request.node.nodeid:
        trouble = server_trouble()
        if trouble:
            _local.session = None
            pytest.fail(f"the server is broken (by an earlier test?): "
                        f"{trouble}", pytrace=False)
    yield
    if request.node.get_closest_marker("last") is not None:
        _local.session = None


# --- fixtures ---------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url():
    need_server()
    return BASE_URL


@pytest.fixture
def problem():
    """assert_problem(response, status, fields=None) -> body."""
    return assert_problem


@pytest.fixture
def vendor(base_url):
    return new_user("vendor")


@pytest.fixture
def enterprise(base_url):
    return new_user("enterprise", sector="beverages", district="cai_rang")


@pytest.fixture(scope="module")
def vendor_ro(base_url):
    """A vendor that tests only read with: shared by a module."""
    return new_user("vendor")


@pytest.fixture(scope="module")
def enterprise_ro(base_url):
    return new_user("enterprise", sector="textiles_garments",
                    district="o_mon")


@pytest.fixture(scope="session")
def admin(base_url):
    """An admin whose session nobody revokes."""
    return make_admin()


@pytest.fixture
def agency(admin):
    return create_staff(admin, "agency", "dost")


@pytest.fixture(scope="module")
def agency_ro(admin):
    return create_staff(admin, "agency", "donre")


# --- search lists: the members of a page, the facets from items --------------

# The price_max_vnd keys of the technologies' facets (the search page's).
PRICE_FACETS = (100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000)


def search_keys(params, facets=False):
    """The members of a page of GET /technologies or /needs: suggestion
    on a first page with q, facets when asked for."""
    params = params or {}
    keys = ["items", "next_cursor"]
    if params.get("q") and not params.get("cursor"):
        keys.append("suggestion")
    if facets:
        keys.append("facets")
    return tuple(keys)


def tech_facets_of(items, districts):
    """The facets of GET /technologies?facets=true, counted from every
    item of the filter's walk; districts: {vendor organization id: its
    district} for the vendors among the items."""
    def n(pred):
        return sum(1 for i in items if pred(i))

    def cheap(limit):
        return lambda i: i["price_min_vnd"] is not None and \
            i["price_min_vnd"] <= limit

    counts = {}
    for key, of in (("category", lambda i: [i["category"]]),
                    ("sector", lambda i: i["sectors"]),
                    ("district",
                     lambda i: [districts[i["vendor"]["id"]]]),
                    ("trl", lambda i: [str(i["trl"])])):
        counts[key] = {}
        for i in items:
            for v in of(i):
                if v is not None:
                    counts[key][v] = counts[key].get(v, 0) + 1
    return dict(counts, total=len(items),
                funding_eligible={"true": n(lambda i: bool(
                    i["funding"] and i["funding"]["eligible"]))},
                verified={"true": n(lambda i: i["vendor"]["verified"])},
                price_max_vnd={str(k): n(cheap(k)) for k in PRICE_FACETS})


# --- matching's queue -------------------------------------------------------

# A change shows in the matches within this (the queue is drained off the
# request path, every 250 ms by default: README, "Matching"). Under the
# sanitizers the workers that tick and drain run several times slower,
# and once (CI, a full SAN run) a scene took longer: that pass looks for
# memory errors, the plain one holds the 2 s.
MATCH_FRESH_S = 6.0 if SANITIZED else 2.0


def eventually(check, timeout=MATCH_FRESH_S, step=0.05):
    """check()'s value once it stops failing (AssertionError, KeyError,
    ValueError), polled for up to timeout seconds; then its failure."""
    end = time.monotonic() + timeout
    while True:
        try:
            return check()
        except (AssertionError, KeyError, ValueError) as e:
            if time.monotonic() >= end:
                raise AssertionError(f"{e!r}; {queue_state()}") from e
        time.sleep(step)


def queue_state():
    """What the match queue held when a check gave up: whether it was
    behind (a backlog, an old job) or had nothing left to do."""
    jobs, oldest, needs = db_rows(
        "SELECT count(*), coalesce(extract(epoch FROM now() -"
        " min(queued_at))::int, 0), count(*) FILTER (WHERE kind = 'need')"
        " FROM match_jobs")[0]
    open_needs = db_count("SELECT count(*) FROM needs WHERE status = 'open'")
    return (f"match queue: {jobs} jobs ({needs} of needs), the oldest"
            f" {oldest} s; {open_needs} open needs")
