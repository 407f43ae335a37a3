"""POST/GET /api-keys and DELETE /api-keys/{id}: keys are shown once,
authenticate like sessions, and belong to one account.
"""

import uuid

import pytest

from conftest import (API, TOKEN_RE, UUID_RE, PgLogSince,
                      assert_bad_bodies, assert_problem,
                      assert_rfc3339_utc, credential_id, db_rows, delete, get,
                      me, post, token_selector_hex, token_verifier)


def create_key(user, name="tích hợp ERP"):
    r = post(f"{API}/api-keys", {"name": name}, token=user.token)
    assert r.status_code == 201, r.text
    return r.json()


def list_keys(token, query=""):
    r = get(f"{API}/api-keys{query}", token=token)
    assert r.status_code == 200, r.text
    return r.json()


def test_create_shows_the_key_once(vendor):
    r = post(f"{API}/api-keys", {"name": "Kết nối hệ thống kế toán"},
             token=vendor.token)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert "no-store" in r.headers.get("Cache-Control", "")
    doc = r.json()
    assert set(doc) == {"id", "name", "key", "created_at"}
    assert UUID_RE.match(doc["id"])
    assert doc["name"] == "Kết nối hệ thống kế toán"
    assert TOKEN_RE.match(doc["key"]) and doc["key"].startswith("tmk_")
    assert_rfc3339_utc(doc["created_at"])
    listed = get(f"{API}/api-keys", token=vendor.token)
    assert listed.status_code == 200
    assert doc["key"] not in listed.text
    assert doc["key"][4:] not in listed.text
    items = listed.json()["items"]
    assert [i["id"] for i in items] == [doc["id"]]
    assert set(items[0]) == {"id", "name", "created_at"}
    assert items[0]["name"] == doc["name"]
    assert items[0]["created_at"] == doc["created_at"]


def test_key_is_stored_only_as_a_hash(vendor):
    key = create_key(vendor)["key"]
    rows = db_rows("SELECT encode(verifier, 'hex'), row_to_json(c)::text"
                   " FROM credentials c"
                   " WHERE selector = decode(:'s', 'hex')",
                   s=token_selector_hex(key))
    assert len(rows) == 1
    verifier, whole = rows[0]
    assert verifier == token_verifier(key).hex()
    assert key not in whole and key[4:] not in whole


def test_key_authenticates_like_a_session(vendor):
    key = create_key(vendor)["key"]
    r = me(key)
    assert r.status_code == 200, r.text
    assert r.json() == me(vendor.token).json()
    # ...but managing keys needs a session: a leaked key cannot mint more.
    assert_problem(get(f"{API}/api-keys", token=key), 403)
    assert_problem(post(f"{API}/api-keys", {"name": "made with a key"},
                        token=key), 403)


def test_key_survives_logout_of_the_session_that_made_it(vendor):
    key = create_key(vendor)["key"]
    assert delete(f"{API}/sessions/current",
                  token=vendor.token).status_code == 204
    assert me(key).status_code == 200


def test_delete_key(vendor):
    doc = create_key(vendor)
    keep = create_key(vendor, "giữ lại")
    r = delete(f"{API}/api-keys/{doc['id']}", token=vendor.token)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_problem(me(doc["key"]), 401)
    assert me(keep["key"]).status_code == 200
    ids = [i["id"] for i in list_keys(vendor.token)["items"]]
    assert ids == [keep["id"]]
    assert_problem(delete(f"{API}/api-keys/{doc['id']}", token=vendor.token),
                   404)


def test_a_key_cannot_delete_keys(vendor):
    doc = create_key(vendor)
    other = create_key(vendor, "khác")
    assert_problem(delete(f"{API}/api-keys/{other['id']}",
                          token=doc["key"]), 403)
    assert me(other["key"]).status_code == 200
    assert delete(f"{API}/api-keys/{doc['id']}",
                  token=vendor.token).status_code == 204
    assert_problem(me(doc["key"]), 401)


def test_another_accounts_key_is_404_and_keeps_working(vendor, enterprise):
    theirs = create_key(enterprise)
    r = delete(f"{API}/api-keys/{theirs['id']}", token=vendor.token)
    assert_problem(r, 404)
    mine_missing = delete(f"{API}/api-keys/{uuid.uuid4()}",
                          token=vendor.token)
    # The same answer as for a key that does not exist at all.
    a, b = r.json(), mine_missing.json()
    a.pop("request_id", None)
    b.pop("request_id", None)
    assert a == b
    assert me(theirs["key"]).status_code == 200
    assert theirs["id"] not in get(f"{API}/api-keys",
                                   token=vendor.token).text


def test_a_session_is_not_an_api_key(vendor):
    """DELETE /api-keys/{id} with the id of a session credential."""
    other = post(f"{API}/sessions", {"email": vendor.email,
                                     "password": vendor.password}).json()
    session_id = credential_id(other["token"])
    assert_problem(delete(f"{API}/api-keys/{session_id}",
                          token=vendor.token), 404)
    assert me(other["token"]).status_code == 200
    assert session_id not in get(f"{API}/api-keys", token=vendor.token).text


@pytest.mark.parametrize("key_id", [
    "not-a-uuid", "1", "00000000-0000-0000-0000-00000000000g",
    "00000000-0000-0000-0000-0000000000001", "%27%20OR%201%3D1--",
    "6f1c0c4e8a5b4f3e9d2a1b2c3d4e5f60",
])
def test_delete_with_a_malformed_id_is_404(vendor_ro, key_id):
    assert_problem(delete(f"{API}/api-keys/{key_id}",
                          token=vendor_ro.token), 404)


@pytest.mark.parametrize("body,fields", [
    ({}, ["name"]),
    ({"name": ""}, ["name"]),
    ({"name": "   "}, ["name"]),
    ({"name": "k" * 101}, ["name"]),
    ({"name": 5}, ["name"]),
    ({"name": "ok", "scope": "all"}, ["scope"]),
    ({"name": "ok", "key": "tmk_" + "A" * 64}, ["key"]),
    ({"name": "ok", "id": str(uuid.uuid4())}, ["id"]),
    ({"name": "ok", "created_at": "2026-01-01T00:00:00Z"}, ["created_at"]),
    ({"name": "a\u0007b"}, ["name"]),
])
def test_create_validation(vendor_ro, body, fields):
    r = post(f"{API}/api-keys", body, token=vendor_ro.token)
    assert_problem(r, 422, fields)


def test_create_bad_bodies(vendor_ro):
    assert_bad_bodies("POST", f"{API}/api-keys", vendor_ro.token,
                      body=b'{"name":"x"}')


def test_name_of_100_vietnamese_characters_and_nfc(vendor):
    r = post(f"{API}/api-keys", {"name": "Đ" * 100}, token=vendor.token)
    assert r.status_code == 201, r.text
    nfd = "Ke\u0302\u0301 toa\u0301n"     # "Kế toán" decomposed
    r = post(f"{API}/api-keys", {"name": nfd}, token=vendor.token)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Kế toán"


def test_list_pagination(vendor):
    made = [create_key(vendor, f"khóa {i}")["id"] for i in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = list_keys(vendor.token, query)
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert pages == 3
    # Newest first, each exactly once.
    assert seen == list(reversed(made))
    full = list_keys(vendor.token)
    assert full["next_cursor"] is None
    assert [i["id"] for i in full["items"]] == seen


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?limit=abc",
                                   "?limit=-1", "?limit=", "?limit=1.5",
                                   "?cursor=abc", "?cursor=",
                                   "?colour=blue", "?limit=1&limit=2",
                                   "?limit=%zz"])
def test_list_bad_parameters_are_400(vendor_ro, query):
    assert_problem(get(f"{API}/api-keys{query}", token=vendor_ro.token), 400)


def test_list_limit_bounds_are_accepted(vendor_ro):
    for limit in (1, 100):
        assert get(f"{API}/api-keys?limit={limit}",
                   token=vendor_ro.token).status_code == 200


def test_tampered_cursor_is_400(vendor):
    for i in range(3):
        create_key(vendor, f"k{i}")
    cursor = list_keys(vendor.token, "?limit=1")["next_cursor"]
    assert cursor
    payload, mac = cursor.split(".")
    flipped = [
        ("A" if payload[0] != "A" else "B") + payload[1:] + "." + mac,
        payload + "." + ("A" if mac[0] != "A" else "B") + mac[1:],
        payload + "." + mac + "A",
        payload,
        "." + mac,
    ]
    for bad in flipped:
        assert_problem(get(f"{API}/api-keys?cursor={bad}",
                           token=vendor.token), 400)
    assert get(f"{API}/api-keys?cursor={cursor}",
               token=vendor.token).status_code == 200


def test_cursor_of_another_list_is_400(vendor, admin):
    for i in range(2):
        create_key(vendor, f"k{i}")
    r = get(f"{API}/admin/accounts?limit=1", token=admin.token)
    assert r.status_code == 200
    foreign = r.json()["next_cursor"]
    assert foreign
    assert_problem(get(f"{API}/api-keys?cursor={foreign}",
                       token=vendor.token), 400)


def test_at_most_fifty_live_keys(vendor):
    for i in range(50):
        r = post(f"{API}/api-keys", {"name": f"k{i}"}, token=vendor.token)
        assert r.status_code == 201, (i, r.text)
    r = post(f"{API}/api-keys", {"name": "one too many"}, token=vendor.token)
    assert_problem(r, 409)
    first = list_keys(vendor.token, "?limit=1")["items"][0]
    assert delete(f"{API}/api-keys/{first['id']}",
                  token=vendor.token).status_code == 204
    assert post(f"{API}/api-keys", {"name": "room again"},
                token=vendor.token).status_code == 201


def test_lists_show_only_ones_own_live_keys(vendor, enterprise):
    mine = create_key(vendor)
    create_key(enterprise)
    gone = create_key(vendor)
    delete(f"{API}/api-keys/{gone['id']}", token=vendor.token)
    ids = [i["id"] for i in list_keys(vendor.token)["items"]]
    assert ids == [mine["id"]]


def test_stored_key_row_is_an_api_key(vendor):
    doc = create_key(vendor, "loại")
    rows = db_rows("SELECT kind, name, expires_at IS NULL FROM credentials"
                   " WHERE id = :'id'", id=doc["id"])
    assert rows == [["api_key", "loại", "t"]]
    assert credential_id(doc["key"]) == doc["id"]


def test_a_name_that_nfc_makes_too_long_is_422(vendor):
    """Counted as stored: 34 U+FB2C are 102 characters in NFC, and a
    CHECK failing on credentials would quote the row's verifier."""
    name = "\ufb2c" * 34
    with PgLogSince() as log:
        r = post(f"{API}/api-keys", {"name": name}, token=vendor.token)
    assert_problem(r, 422, ["name"])
    assert "violates check constraint" not in log.text, log.text
    r = post(f"{API}/api-keys", {"name": "\ufb2c" * 33}, token=vendor.token)
    assert r.status_code == 201, r.text
    assert len(r.json()["name"]) == 99
