"""Hostile input: SQL injection in every string, credentials that are
almost right on every signed-in route, broken encodings, bodies built
to make the server work hard, and odd headers. Whatever arrives, the
answer is a 4xx problem+json, never a 5xx, and nothing is written.
"""

import concurrent.futures
import json
import socket
import time
import urllib.parse
import uuid

import pytest
import requests

from conftest import (API, BASE_URL, admin_patch, assert_problem, call,
                      create_staff, db_count, db_rows, db_value, delete,
                      expire_session, get, login, login_ok, me,
                      new_password, new_user, nothing_written, patch, post,
                      put, registration, server_trouble, staff_body,
                      unique_email, unique_tax_code, wait_for)

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE accounts; --",
    "\"; DELETE FROM organizations; --",
    "1'; SELECT pg_sleep(5); --",
    "$$; DROP TABLE credentials; $$",
    "Robert'); DROP TABLE students;--",
    "' UNION SELECT password_hash FROM accounts --",
    "%' AND 1=1 --",
    "\\'; TRUNCATE sign_in_attempts; --",
    "admin'--",
    "E'\\x27' || chr(39)",
    "); COMMIT; BEGIN; --",
]


def _email_from(text):
    """A valid email whose local part keeps the injection's SQL-ish
    characters (the format allows quotes, dashes, parentheses...)."""
    local = "".join(c for c in text if c not in ' "\\<>,;@')[:40] or "x"
    return f"{local}.{uuid.uuid4().hex[:8]}@techmarket.test"


# --- SQL injection ----------------------------------------------------------


def _injected_registration(inj):
    password = f"{inj} {new_password()}"
    website = "https://x.vn/?q=" + urllib.parse.quote(inj, safe="'();$%")
    return registration("vendor", email=_email_from(inj), password=password,
                        display_name=inj, name=f"{inj} Co", address=inj,
                        website=website.replace(" ", ""))


# pg_sleep(5) in an injection: were it run as SQL, the request could not
# answer in less than this, however idle the machine.
SLEEP_S = 5.0


def _registered_without_sleeping(inj):
    """Registers with inj in every free-text field; when inj would sleep
    if run as SQL, the request must answer in less than SLEEP_S. One
    slow answer may be the machine's load (a registration hashes a
    password); an injection that runs makes every answer slow, so the
    fastest of three is what counts."""
    fastest = None
    for _ in range(3):
        body = _injected_registration(inj)
        t0 = time.monotonic()
        r = post(f"{API}/accounts", body)
        secs = time.monotonic() - t0
        fastest = secs if fastest is None else min(fastest, secs)
        if "pg_sleep" not in inj or fastest < SLEEP_S:
            return body, r
    pytest.fail(f"each registration took {fastest:.1f} s or more: the "
                "injected pg_sleep ran")


@pytest.mark.parametrize("inj", INJECTIONS)
def test_injection_in_free_text_is_stored_literally(base_url, inj):
    body, r = _registered_without_sleeping(inj)
    password = body["password"]
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["email"] == body["email"].lower()
    assert doc["display_name"] == inj
    assert doc["organization"]["name"] == f"{inj} Co"
    assert doc["organization"]["address"] == inj
    assert doc["organization"]["website"] == body["organization"]["website"]
    stored = db_rows("SELECT a.email, a.display_name, o.name, o.address"
                     " FROM accounts a JOIN organizations o ON o.id = a.org_id"
                     " WHERE a.id = :'id'", id=doc["id"])
    assert stored == [[body["email"].lower(), inj, f"{inj} Co", inj]]
    token = login_ok(body["email"], password)
    assert me(token).json() == doc


@pytest.mark.parametrize("inj", INJECTIONS)
@pytest.mark.parametrize("field", ["tax_code", "district", "sector", "phone",
                                   "role"])
def test_injection_in_formatted_fields_is_422(base_url, inj, field):
    body = registration("vendor", **{field: inj})
    r = post(f"{API}/accounts", body)
    name = "role" if field == "role" else f"organization.{field}"
    assert_problem(r, 422, [name])
    nothing_written(body["email"])


@pytest.mark.parametrize("inj", INJECTIONS)
def test_injection_in_login_is_just_a_wrong_login(base_url, inj):
    # Not an email: refused as such, before the database sees it.
    assert_problem(login(inj, inj + "-" + new_password()), 422, ["email"])
    r = login(unique_email("inj"), f"{inj} {new_password()}")
    assert_problem(r, 401)
    # In an email's local part: a wrong login where that is an email.
    r = login(f"{inj}@x.vn", f"{inj} {new_password()}")
    assert r.status_code in (401, 422), r.text
    assert_problem(r, r.status_code)


@pytest.mark.parametrize("inj", INJECTIONS)
def test_injection_in_api_key_name_is_stored_literally(vendor_ro, inj):
    r = post(f"{API}/api-keys", {"name": inj}, token=vendor_ro.token)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == inj
    assert db_value("SELECT name FROM credentials WHERE id = :'id'",
                    id=r.json()["id"]) == inj
    delete(f"{API}/api-keys/{r.json()['id']}", token=vendor_ro.token)


@pytest.mark.parametrize("inj", INJECTIONS)
def test_injection_in_staff_accounts(admin, inj):
    body = {"email": _email_from(inj), "password": f"{inj} {new_password()}",
            "display_name": inj, "role": "agency", "agency": "doit"}
    r = post(f"{API}/admin/accounts", body, token=admin.token)
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == inj
    body["agency"] = inj
    body["email"] = unique_email()
    assert_problem(post(f"{API}/admin/accounts", body, token=admin.token),
                   422, ["agency"])


@pytest.mark.parametrize("inj", INJECTIONS)
def test_injection_in_query_path_and_headers(admin, inj):
    q = urllib.parse.quote(inj)
    for query in (f"role={q}", f"status={q}", f"limit={q}", f"cursor={q}"):
        assert_problem(get(f"{API}/admin/accounts?{query}",
                           token=admin.token), 400)
    assert_problem(patch(f"{API}/admin/accounts/{q}", {"verified": True},
                         token=admin.token), 404)
    assert_problem(delete(f"{API}/api-keys/{q}", token=admin.token), 404)
    r = admin_patch(admin, admin.id, {}, if_match=inj.encode("utf-8"))
    assert_problem(r, 412)
    r = get(f"{API}/me", token=admin.token,
            headers={"Accept-Language": inj, "X-Request-Id": inj})
    assert r.status_code == 200, r.text


def test_injection_did_no_harm(base_url):
    for table in ("accounts", "organizations", "credentials",
                  "sign_in_attempts", "password_attempts", "districts", "communes", "sectors",
                  "categories"):
        db_count(f"SELECT count(*) FROM {table}")
    assert db_count("SELECT count(*) FROM districts") == 28
    assert db_count("SELECT count(*) FROM communes") == 103


# --- every signed-in route, every almost-right credential -------------------


def _flip(token, index=30):
    c = token[index]
    return token[:index] + ("A" if c != "A" else "B") + token[index + 1:]


SIGNED_IN = [
    ("DELETE", "/sessions/current", None),
    ("GET", "/me", None),
    ("PUT", "/me/password", {"current_password": "whatever-1234",
                             "new_password": "whatever-5678"}),
    ("POST", "/api-keys", {"name": "should not exist"}),
    ("GET", "/api-keys", None),
    ("DELETE", "/api-keys/{key}", None),
    ("GET", "/admin/accounts", None),
    ("POST", "/admin/accounts", {"email": "{email}", "password": "p" * 14,
                                 "display_name": "X", "role": "admin"}),
    ("PATCH", "/admin/accounts/{id}", {"status": "suspended"}),
    ("GET", "/me/organization", None),
    ("PATCH", "/me/organization", {"phone": "0292 3000 000"}),
]

BAD_CREDENTIALS = [
    "none", "empty-bearer", "not-a-token", "basic", "tampered-session",
    "tampered-key", "expired", "revoked", "other-session-after-password",
    "suspended-session", "suspended-key", "deleted-key",
    "reactivated-old-session",
]


@pytest.fixture(scope="module")
def bad_credentials(admin):
    """An admin whose credentials have been made bad in every way, so a
    401 cannot be a 403 in disguise; and a victim key and account."""
    boss = create_staff(admin, "admin", None)
    spare = login_ok(boss.email, boss.password)
    gone = login_ok(boss.email, boss.password)
    old = login_ok(boss.email, boss.password)
    key = post(f"{API}/api-keys", {"name": "k"}, token=boss.token).json()
    dead_key = post(f"{API}/api-keys", {"name": "d"}, token=boss.token).json()
    assert delete(f"{API}/api-keys/{dead_key['id']}",
                  token=boss.token).status_code == 204
    expired = login_ok(boss.email, boss.password)
    expire_session(expired)
    assert delete(f"{API}/sessions/current", token=gone).status_code == 204
    new = new_password()
    assert put(f"{API}/me/password", {"current_password": boss.password,
                                      "new_password": new},
               token=spare).status_code == 204
    # "old" ended with the password change; "spare" lives on.
    suspended = create_staff(admin, "admin", None)
    skey = post(f"{API}/api-keys", {"name": "s"},
                token=suspended.token).json()["key"]
    assert admin_patch(admin, suspended.id,
                       {"status": "suspended"}).status_code == 200
    back = create_staff(admin, "admin", None)
    assert admin_patch(admin, back.id,
                       {"status": "suspended"}).status_code == 200
    assert admin_patch(admin, back.id,
                       {"status": "active"}).status_code == 200
    victim = new_user("vendor")
    victim_key = post(f"{API}/api-keys", {"name": "victim"},
                      token=victim.token).json()
    headers = {
        "none": {},
        "empty-bearer": {"Authorization": "Bearer "},
        "not-a-token": {"Authorization": "Bearer not-a-token"},
        "basic": {"Authorization": "Basic YWRtaW46YWRtaW4="},
        "tampered-session": {"Authorization": f"Bearer {_flip(spare)}"},
        "tampered-key": {"Authorization": f"Bearer {_flip(key['key'], 60)}"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "revoked": {"Authorization": f"Bearer {gone}"},
        "other-session-after-password": {"Authorization": f"Bearer {old}"},
        "suspended-session": {"Authorization": f"Bearer {suspended.token}"},
        "suspended-key": {"Authorization": f"Bearer {skey}"},
        "deleted-key": {"Authorization": f"Bearer {dead_key['key']}"},
        "reactivated-old-session": {"Authorization": f"Bearer {back.token}"},
    }
    return {"headers": headers, "victim": victim, "victim_key": victim_key,
            "spare": spare, "key": key["key"], "email": unique_email("never")}


@pytest.mark.parametrize("method,path,body", SIGNED_IN,
                         ids=[f"{m} {p}" for m, p, _ in SIGNED_IN])
@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
def test_bad_credentials_are_401_everywhere(bad_credentials, method, path,
                                            body, kind):
    bc = bad_credentials
    path = path.replace("{key}", bc["victim_key"]["id"]) \
        .replace("{id}", bc["victim"].id)
    if body is not None:
        body = json.loads(json.dumps(body).replace("{email}", bc["email"]))
    r = call(method, API + path, body=body, headers=bc["headers"][kind])
    assert_problem(r, 401)
    assert "bearer" in r.headers["WWW-Authenticate"].lower()


def test_bad_credentials_changed_nothing(bad_credentials):
    bc = bad_credentials
    nothing_written(bc["email"])
    assert me(bc["victim"].token).json()["status"] == "active"
    assert me(bc["victim_key"]["key"]).status_code == 200
    assert db_count("SELECT count(*) FROM credentials WHERE name ="
                    " 'should not exist'") == 0


def test_the_good_credentials_still_work(bad_credentials):
    assert me(bad_credentials["spare"]).status_code == 200
    assert me(bad_credentials["key"]).status_code == 200
    assert get(f"{API}/admin/accounts?limit=1",
               token=bad_credentials["key"]).status_code == 200


def test_token_with_a_non_ascii_byte_is_400(vendor):
    """Replacing one base64url character with a byte >= 0x80 must not
    give a token that still opens the account: Kore itself refuses such
    header bytes, with a bare 400, before the module sees them."""
    token = vendor.token
    while "_" not in token[4:] and "-" not in token[4:]:
        token = login_ok(vendor.email, vendor.password)
    i = max(token.rfind("_"), token.rfind("-"))
    assert i >= 4
    for byte in (b"\x80", b"\xdf", b"\xff"):
        raw = token[:i].encode() + byte + token[i + 1:].encode()
        r = requests.get(BASE_URL + API + "/me", timeout=10,
                         headers={"Authorization": b"Bearer " + raw})
        assert r.status_code == 400, f"{r.status_code}: {r.text}"


def test_oversized_authorization_header_is_401(base_url):
    r = get(f"{API}/me", headers={"Authorization": "Bearer tms_" + "A" * 3000})
    assert_problem(r, 401)


# --- encodings --------------------------------------------------------------


@pytest.mark.parametrize("bad", [
    b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf",
], ids=["overlong-2", "overlong-2b", "overlong-3", "overlong-4",
        "surrogate-high", "surrogate-low", "above-10ffff", "f7"])
def test_invalid_utf8_that_looks_well_formed_is_400(base_url, bad):
    body = registration("vendor", display_name="@@BAD@@")
    data = json.dumps(body).encode().replace(b"@@BAD@@", b"An" + bad)
    r = post(f"{API}/accounts", data=data)
    assert_problem(r, 400)
    nothing_written(body["email"], body["organization"]["tax_code"])


@pytest.mark.parametrize("bad", [b"\xc0\xaf", b"\xed\xa0\x80", b"\xff"])
def test_invalid_utf8_in_the_password_is_400(base_url, bad):
    body = registration("vendor", password="@@BAD@@")
    data = json.dumps(body).encode().replace(
        b"@@BAD@@", b"pass" + bad + b"word-" + new_password().encode())
    r = post(f"{API}/accounts", data=data)
    assert_problem(r, 400)
    nothing_written(body["email"], body["organization"]["tax_code"])


@pytest.mark.parametrize("bad", [b"\xc0\xaf", b"\xed\xa0\x80", b"\xff"])
def test_invalid_utf8_in_a_key_is_400(base_url, bad):
    body = registration("vendor")
    data = json.dumps(body).encode()[:-1] + b', "x' + bad + b'": 1}'
    r = post(f"{API}/accounts", data=data)
    # The answer itself must be valid UTF-8 JSON.
    try:
        r.content.decode("utf-8")
    except UnicodeDecodeError:
        pytest.fail(f"{r.status_code} answer is not UTF-8: {r.content!r}")
    assert_problem(r, 400)
    nothing_written(body["email"], body["organization"]["tax_code"])


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc00", "\\udbff\\u0041"])
def test_lone_surrogate_escapes_are_400(base_url, escape):
    """Text is stored exactly as sent: a lone surrogate cannot be, so it
    must not be silently replaced either. Like an escaped NUL, it is
    not text: the body is malformed."""
    body = registration("vendor", display_name="@@BAD@@")
    data = json.dumps(body).encode().replace(b"@@BAD@@",
                                             b"An" + escape.encode())
    assert_problem(post(f"{API}/accounts", data=data), 400)
    nothing_written(body["email"], body["organization"]["tax_code"])


def test_raw_nul_byte_is_400(base_url):
    body = registration("vendor", display_name="@@BAD@@")
    data = json.dumps(body).encode().replace(b"@@BAD@@", b"An\x00Admin")
    assert_problem(post(f"{API}/accounts", data=data), 400)
    nothing_written(body["email"], body["organization"]["tax_code"])


@pytest.mark.parametrize("where", ["key", "nested", "escaped-backslash"])
def test_escaped_nul_anywhere_is_400(base_url, where):
    body = registration("vendor")
    text = json.dumps(body)
    if where == "key":
        text = text[:-1] + ', "a\\u0000b": 1}'
    elif where == "nested":
        text = text.replace('"ninh_kieu"', '"ninh\\u0000kieu"')
    else:
        # "\\u0000" is a backslash and "u0000": harmless text, not NUL.
        text = text.replace('"Nguy', '"\\\\u0000 Nguy')
    r = post(f"{API}/accounts", data=text.encode())
    if where == "escaped-backslash":
        assert r.status_code == 201, r.text
        assert r.json()["display_name"].startswith("\\u0000 Nguy")
    else:
        assert_problem(r, 400)
        nothing_written(body["email"], body["organization"]["tax_code"])


def test_raw_control_character_in_a_string_is_400(base_url):
    body = registration("vendor", display_name="@@BAD@@")
    data = json.dumps(body).encode().replace(b"@@BAD@@", b"An\x01")
    assert_problem(post(f"{API}/accounts", data=data), 400)


def test_tab_and_newline_are_allowed_in_free_text(base_url):
    body = registration("vendor", address="Số 1\nĐường 2\tPhường 3")
    r = post(f"{API}/accounts", body)
    assert r.status_code == 201, r.text
    assert r.json()["organization"]["address"] == "Số 1\nĐường 2\tPhường 3"


def test_longest_password_in_four_byte_characters(base_url):
    password = "😀" * 256
    body = registration("vendor", password=password)
    r = post(f"{API}/accounts", body)
    assert r.status_code == 201, r.text
    assert login(body["email"], password).status_code == 201
    # One character less is another password.
    assert_problem(login(body["email"], "😀" * 255), 401)


def test_email_in_multibyte_characters_is_422(base_url):
    """254 characters may be far more than 255 bytes: the email is
    refused, naming the field, and no other email is stored (a cut one
    would be)."""
    email = f"x{uuid.uuid4().hex[:6]}@ab.cd" + "ü" * 150
    assert len(email) <= 254 and len(email.encode()) > 255
    r = post(f"{API}/accounts", registration("vendor", email=email))
    assert_problem(r, 422, ["email"])
    assert db_rows("SELECT email FROM accounts WHERE email LIKE :'p'",
                   p=email[:12] + "%") == []


def test_non_ascii_capitals_in_an_email_are_422(base_url):
    """Emails compare without case, and an "Ä" is not folded like an
    "A": such an email is refused as a validation error naming the
    field, not on a database rule with a bare 422."""
    local = f"Ärzte.{uuid.uuid4().hex[:8]}"
    email = f"{local}@techmarket.test"
    body = registration("vendor", email=email)
    assert_problem(post(f"{API}/accounts", body), 422, ["email"])
    nothing_written(email, body["organization"]["tax_code"])


def test_text_that_grows_under_nfc_is_a_field_error(base_url):
    """U+0344 is one code point that NFC turns into two: 120 of them pass
    the length check as sent, but not once normalized: a 422 naming the
    field (not a bare one from a database rule)."""
    body = registration("vendor", display_name="\u0344" * 120)
    assert_problem(post(f"{API}/accounts", body), 422, ["display_name"])
    nothing_written(body["email"], body["organization"]["tax_code"])


def test_staff_email_in_multibyte_characters_is_422(admin):
    email = f"y{uuid.uuid4().hex[:6]}@ab.cd" + "ö" * 150
    body = staff_body(email=email, display_name="Y")
    r = post(f"{API}/admin/accounts", body, token=admin.token)
    assert_problem(r, 422, ["email"])
    nothing_written(email)


# --- bodies built to make the server work -----------------------------------
#
# These run last (see conftest.py): a server that dies on one of them
# takes no other test down with it.


# A body built to make the server work is turned down in less than this
# (a registration that passes takes a fraction of it).
ATTACK_S = 3.0


def _attack(data):
    """Posts data to /accounts on a fresh connection; returns (response,
    what is wrong with the server afterwards). The answer must come in
    less than ATTACK_S: one slow answer may be the machine's load, but
    work that grows out of hand with the body makes every answer slow,
    so a slow one is asked again, up to three times in all, and the
    fastest counts."""
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        try:
            r = requests.post(BASE_URL + API + "/accounts", data=data,
                              headers={"Content-Type": "application/json"},
                              timeout=10.0)
        except requests.RequestException as e:
            r = None
            err = type(e).__name__
        times.append(time.monotonic() - t0)
        trouble = None if wait_for(lambda: server_trouble() is None, 2.0) \
            else server_trouble()
        if r is None:
            pytest.fail(f"no answer: {err} after {times[-1]:.1f} s, so the "
                        "worker that took the request died; the server "
                        f"now: {trouble or 'answers /healthz again'}",
                        pytrace=False)
        if trouble is not None or times[-1] < ATTACK_S:
            return r, trouble
    pytest.fail(f"turned down in {min(times):.1f} s at best, three times "
                f"over (limit {ATTACK_S} s)")


@pytest.mark.last
def test_one_mebibyte_string_is_422(base_url):
    body = registration("vendor", display_name="x" * (1024 * 1024 - 400))
    r, trouble = _attack(json.dumps(body).encode())
    assert trouble is None, trouble
    assert_problem(r, 422, ["display_name"])
    nothing_written(body["email"], body["organization"]["tax_code"])


@pytest.mark.last
@pytest.mark.speed
def test_fifteen_thousand_duplicate_keys(base_url):
    """Checking each member against the ones before it is quadratic:
    15,000 copies of "email" must still be turned down at once. (Fewer
    than 16,384 members, so this stays clear of the crash below.)"""
    member = b'"email":"a@b.vn",'
    n = 15000
    data = b"{" + member * n + b'"role":"vendor"}'
    r, trouble = _attack(data)
    assert trouble is None, trouble
    assert_problem(r, 422)
    assert len(r.json()["errors"]) <= 64


@pytest.mark.last
@pytest.mark.speed
@pytest.mark.parametrize("wrap", ["top-level", "in-a-field"])
def test_one_mebibyte_array(base_url, wrap):
    """Half a million members: yajl grows its array one element at a
    time with realloc, which for a block this size means mremap."""
    items = b"0," * (500 * 1024) + b"0"
    if wrap == "top-level":
        data = b"[" + items + b"]"
    else:
        data = b'{"organization": [' + items + b"]}"
    r, trouble = _attack(data)
    assert trouble is None, trouble
    # Well-formed JSON, the wrong shape: "" (the body) or "organization"
    # is not an object.
    assert_problem(r, 422)


def test_nesting_right_at_and_over_the_limit(base_url):
    body = registration("vendor")
    text = json.dumps(body)[:-1]
    for depth, status in ((31, 422), (40, 400), (100000, 400)):
        deep = "[" * depth + "]" * depth
        r = post(f"{API}/accounts",
                 data=(text + f', "deep": {deep}}}').encode())
        assert_problem(r, status)
    nothing_written(body["email"], body["organization"]["tax_code"])


def test_huge_numbers_are_type_errors(base_url):
    """Numbers no integer or double holds are still JSON numbers: a
    display name that is one is a 422 naming it."""
    body = registration("vendor")
    for number in ("1" + "0" * 400, "1e99999"):
        text = json.dumps(body).replace('"Nguy\\u1ec5n V\\u0103n An"',
                                        number)
        assert number in text
        assert_problem(post(f"{API}/accounts", data=text.encode()), 422,
                       ["display_name"])
    nothing_written(body["email"], body["organization"]["tax_code"])


# --- odd requests -----------------------------------------------------------


def test_many_query_parameters(admin):
    query = "&".join(f"p{i}=1" for i in range(200))
    assert_problem(get(f"{API}/admin/accounts?{query}", token=admin.token),
                   400)


def test_very_long_path_id(vendor_ro):
    assert_problem(delete(f"{API}/api-keys/{'a' * 300}",
                          token=vendor_ro.token), 404)
    # Longer than Kore's header buffer (4 KiB) takes: it closes the
    # connection before the module sees anything. A known limit of the
    # stack, pinned so that a change is noticed (a request target of
    # 2 KB or more but within the buffer is a bare 414: test_technologies).
    with pytest.raises(requests.ConnectionError):
        delete(f"{API}/api-keys/{'a' * 5000}", token=vendor_ro.token)


@pytest.mark.parametrize("method", ["PROPFIND", "TRACE", "CONNECT", "FOO"])
def test_strange_methods_are_400(base_url, method):
    """Kore knows GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS; it
    refuses any other method with a bare 400 before routing."""
    r = requests.request(method, BASE_URL + API + "/me", timeout=10)
    assert r.status_code == 400, f"{r.status_code}: {r.text[:200]}"


def _connect():
    """A raw connection to the server, for requests no client sends."""
    host, port = BASE_URL.split("//")[1].split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _post_accounts(headers="", body=""):
    return (f"POST {API}/accounts HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\n{headers}"
            f"Connection: close\r\n\r\n{body}").encode()


def test_post_without_content_length_is_411(base_url):
    """Kore's own bare answer, before the module sees the request."""
    with _connect() as s:
        s.sendall(_post_accounts())
        head = _read_to_close(s).split(b"\r\n", 1)[0]
    assert int(head.split()[1]) == 411, head


def test_content_length_larger_than_the_body(base_url):
    """The client ends its side with 98 bytes of the body missing: the
    server drops the connection without an answer, and stays well."""
    with _connect() as s:
        s.sendall(_post_accounts("Content-Length: 100\r\n", "{}"))
        s.shutdown(socket.SHUT_WR)
        assert _read_to_close(s) == b""
    assert get("/healthz").status_code == 200


def _server_has_read(sock, timeout=10.0):
    """Waits until the server has read everything sent on sock so far:
    the receive queue of its end of the connection (in /proc/net/tcp:
    the server runs on this host under make test) is empty."""
    here = sock.getsockname()[1]
    there = sock.getpeername()[1]

    def queue():
        with open("/proc/net/tcp") as f:
            for line in f.read().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == there and \
                        int(fields[2].split(":")[1], 16) == here:
                    return int(fields[4].split(":")[1], 16)
        return None

    if queue() is None:
        pytest.skip("the server's end of the connection is not on this "
                    "host: cannot tell when it has read")
    assert wait_for(lambda: queue() == 0, timeout, 0.005), \
        f"the server did not read {queue()} bytes in {timeout} s"


def _read_answer(sock):
    """One whole response (head and Content-Length body), or what came
    before the server closed."""
    out = b""
    while b"\r\n\r\n" not in out:
        chunk = sock.recv(65536)
        if not chunk:
            return out
        out += chunk
    head = out.split(b"\r\n\r\n", 1)[0].lower()
    length = int(next((line.split(b":", 1)[1] for line in head.split(b"\r\n")
                       if line.startswith(b"content-length:")), b"0"))
    while len(out.split(b"\r\n\r\n", 1)[1]) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        out += chunk
    return out


def _read_to_close(sock):
    """Every byte the server sends until it closes the connection."""
    out = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return out
        if not chunk:
            return out
        out += chunk


def _statuses(answer):
    return [int(line.split()[1]) for line in answer.split(b"\r\n")
            if line.startswith(b"HTTP/1.") and len(line.split()) > 1]


@pytest.mark.parametrize("method,path", [
    ("DELETE", f"{API}/sessions/current"),
    ("DELETE", f"{API}/categories"),
    ("GET", f"{API}/sectors"),
])
def test_a_body_is_never_read_as_a_second_request(base_url, method, path):
    """A GET or DELETE that carries Content-Length and a body: the body
    is that request's, never the next request on the connection. If the
    server reads it as a request of its own, the next client request on
    that connection gets a stranger's answer, and anyone who can put a
    body on a DELETE (through a proxy that forwards it) smuggles
    requests past the proxy."""
    rid = f"smuggled-{uuid.uuid4().hex[:12]}"
    follow = f"follow-{uuid.uuid4().hex[:12]}"
    inner = (f"GET {API}/districts HTTP/1.1\r\nHost: x\r\n"
             f"X-Request-Id: {rid}\r\n\r\n").encode()
    outer = (f"{method} {path} HTTP/1.1\r\nHost: x\r\n"
             "Content-Type: application/json\r\n"
             f"Content-Length: {len(inner)}\r\n\r\n").encode()
    with _connect() as sock:
        # Head and body in two segments, as clients and proxies send
        # them: the body only once the server has read the head.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(outer)
        _server_has_read(sock)
        sock.sendall(inner)
        first = _read_answer(sock)
        # The next request closes the connection once answered, so all
        # the server has to say on it is read to the end.
        try:
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         f"X-Request-Id: {follow}\r\n"
                         "Connection: close\r\n\r\n".encode())
            rest = _read_to_close(sock)
        except (BrokenPipeError, ConnectionResetError):
            rest = b""      # closed after the first answer: fine
    assert len(_statuses(first)) == 1, first[:300]
    assert rid.encode() not in first + rest, \
        "the body ran as a request of its own: " \
        f"{_statuses(first)} then {_statuses(rest)}"
    if rest:
        assert _statuses(rest) == [200] and follow.encode() in rest, \
            f"the next request got a stranger's answer: {rest[:200]!r}"


def test_self_patch_by_a_vendor_is_403(vendor_ro):
    r = patch(f"{API}/admin/accounts/{vendor_ro.id}", {"verified": True},
              token=vendor_ro.token)
    assert_problem(r, 403)
    assert me(vendor_ro.token).json()["organization"]["verified"] is False


def _register_at_once(bodies):
    """The statuses of registering bodies all at once, each on a
    connection of its own and from an address of its own (the server
    trusts loopback's X-Forwarded-For): one address may hold only two
    of a worker's password hashes at once."""
    def go(item):
        i, body = item
        return requests.post(BASE_URL + API + "/accounts", json=body,
                             headers={"X-Forwarded-For": f"10.92.0.{i}"},
                             timeout=60).status_code

    with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(go, enumerate(bodies)))


def test_tax_code_race_gives_one_winner(base_url):
    tax = unique_tax_code()
    codes = _register_at_once([registration("vendor", tax_code=tax)
                               for _ in range(6)])
    assert sorted(codes) == [201] + [409] * 5, codes
    assert db_count("SELECT count(*) FROM organizations WHERE tax_code ="
                    " :'t'", t=tax) == 1


def test_email_race_gives_one_winner(base_url):
    email = unique_email("race")
    bodies = [registration("vendor", email=email if i % 2 else email.upper())
              for i in range(6)]
    codes = _register_at_once(bodies)
    assert sorted(codes) == [201] + [409] * 5, codes
    # The losers' organizations were rolled back with their accounts.
    taxes = [b["organization"]["tax_code"] for b in bodies]
    assert db_count("SELECT count(*) FROM organizations WHERE tax_code ="
                    " ANY(string_to_array(:'t', ','))",
                    t=",".join(taxes)) == 1
