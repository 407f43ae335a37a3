"""GET/POST /admin/accounts and PATCH /admin/accounts/{id}: staff
accounts, listing, verification, suspension, If-Match.
"""

import uuid

import pytest

from conftest import (API, admin_patch, assert_account_shape,
                      assert_bad_bodies, assert_etag, assert_problem, call,
                      create_staff, db_rows, get, ids, in_order, list_page,
                      login, login_ok, me, new_user, nothing_written, post,
                      staff_body, tag_version, unique_email, walk_pages)

ACCOUNTS = f"{API}/admin/accounts"


def create(admin, body):
    return post(ACCOUNTS, body, token=admin.token)


# --- admins themselves ------------------------------------------------------


def test_admin_me(admin):
    r = me(admin.token)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert_account_shape(doc, "admin")
    assert doc["organization"] is None and doc["agency"] is None
    assert_etag(r, doc)


# --- creating staff ---------------------------------------------------------


@pytest.mark.parametrize("agency", ["dost", "doit", "donre"])
def test_create_agency_account(admin, agency):
    body = staff_body("agency", agency)
    r = create(admin, body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert_account_shape(doc, "agency")
    assert doc["agency"] == agency
    assert doc["email"] == body["email"]
    assert doc["display_name"] == body["display_name"]
    assert doc["status"] == "active" and doc["organization"] is None
    assert_etag(r, doc)
    token = login_ok(body["email"], body["password"])
    assert me(token).json() == doc


def test_create_admin_account(admin):
    body = staff_body("admin", None, email=unique_email("Admin").upper())
    r = create(admin, body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert_account_shape(doc, "admin")
    assert doc["email"] == body["email"].lower()
    token = login_ok(body["email"], body["password"])
    assert get(f"{API}/admin/accounts", token=token).status_code == 200


def test_staff_display_name_is_nfc(admin):
    body = staff_body(display_name="Nguye\u0302\u0303n Thi\u0323 Ha\u0300")
    r = create(admin, body)
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == "Nguyễn Thị Hà"


def test_agency_without_agency_code_is_422(admin):
    body = staff_body("agency", None)
    assert_problem(create(admin, body), 422, ["agency"])
    nothing_written(body["email"])


@pytest.mark.parametrize("agency", ["", "dosT", "moit", "DOST", 5, None])
def test_agency_must_be_a_known_code(admin, agency):
    body = staff_body("agency", "dost")
    body["agency"] = agency
    assert_problem(create(admin, body), 422, ["agency"])
    nothing_written(body["email"])


def test_admin_with_an_agency_is_422(admin):
    body = staff_body("admin", "dost")
    assert_problem(create(admin, body), 422, ["agency"])
    nothing_written(body["email"])


@pytest.mark.parametrize("role", ["vendor", "enterprise", "root", "", None])
def test_registration_roles_through_admin_are_422(admin, role):
    body = staff_body("agency", "dost")
    body["role"] = role
    assert_problem(create(admin, body), 422, ["role"])
    nothing_written(body["email"])


@pytest.mark.parametrize("extra,fields", [
    ({"password": "short"}, ["password"]),
    ({"email": "not-an-email"}, ["email"]),
    ({"display_name": ""}, ["display_name"]),
    ({"organization": {"name": "x"}}, ["organization"]),
    ({"id": str(uuid.uuid4())}, ["id"]),
    ({"status": "suspended"}, ["status"]),
    ({"version": 3}, ["version"]),
    ({"verified": True}, ["verified"]),
])
def test_create_validation(admin, extra, fields):
    body = staff_body()
    body.update(extra)
    assert_problem(create(admin, body), 422, fields)
    nothing_written(body["email"])


def test_create_with_a_taken_email_is_409(admin, vendor_ro):
    body = staff_body(email=vendor_ro.email.upper())
    assert_problem(create(admin, body), 409)
    assert db_rows("SELECT role FROM accounts WHERE email = :'e'",
                   e=vendor_ro.email) == [["vendor"]]


def test_create_bad_bodies(admin):
    assert_bad_bodies("POST", ACCOUNTS, admin.token, content_type="text/html")


# --- who may ----------------------------------------------------------------


ADMIN_ROUTES = [
    ("GET", "/admin/accounts", None),
    ("POST", "/admin/accounts", {"email": "x@y.vn", "password": "p" * 12,
                                 "display_name": "X", "role": "admin"}),
    ("PATCH", "/admin/accounts/{id}", {"status": "suspended"}),
]


@pytest.mark.parametrize("method,path,body", ADMIN_ROUTES,
                         ids=[f"{m} {p}" for m, p, _ in ADMIN_ROUTES])
@pytest.mark.parametrize("who", ["vendor", "enterprise", "agency",
                                 "vendor-key"])
def test_non_admins_get_403(_non_admins, method, path, body, who):
    token = _non_admins[who]
    victim = _non_admins["victim"]
    r = call(method, API + path.replace("{id}", victim.id), token=token,
             body=body)
    assert_problem(r, 403)
    # Nothing changed.
    assert me(victim.token).status_code == 200
    assert db_rows("SELECT 1 FROM accounts WHERE email = 'x@y.vn'") == []


@pytest.fixture(scope="module")
def _non_admins(admin, vendor_ro, enterprise_ro, agency_ro):
    key = post(f"{API}/api-keys", {"name": "403"},
               token=vendor_ro.token).json()["key"]
    return {"vendor": vendor_ro.token, "enterprise": enterprise_ro.token,
            "agency": agency_ro.token, "vendor-key": key,
            "victim": enterprise_ro}


def test_admin_api_key_can_administer(admin):
    key = post(f"{API}/api-keys", {"name": "quản trị"},
               token=admin.token).json()["key"]
    assert get(f"{API}/admin/accounts?limit=1", token=key).status_code == 200
    body = staff_body()
    assert post(f"{API}/admin/accounts", body, token=key).status_code == 201


# --- listing ----------------------------------------------------------------


def test_list_shape(admin):
    doc = list_page(ACCOUNTS, token=admin.token)
    assert 1 <= len(doc["items"]) <= 20
    assert len(doc["items"]) == 20 or doc["next_cursor"] is None
    for item in doc["items"]:
        assert_account_shape(item)
    created = [i["created_at"] for i in doc["items"]]
    assert created == sorted(created, reverse=True)


def test_limit_one_walks_every_account_exactly_once(admin):
    """Others register meanwhile, ahead of the walk: every account that
    was there before it is met once (accounts are never deleted), ours
    in their place, newest first."""
    mine = [new_user("vendor").id, create_staff(admin, "agency", "doit").id]
    before = {row[0] for row in db_rows("SELECT id FROM accounts")}

    def page(params):
        doc = list_page(ACCOUNTS, params, admin.token)
        assert len(doc["items"]) == 1, doc
        return doc
    items = walk_pages(page, limit=1, max_pages=len(before) + 1000)
    seen = ids(items)
    assert len(seen) == len(set(seen)), "an account came twice"
    assert before <= set(seen), f"skipped: {sorted(before - set(seen))[:5]}"
    assert in_order(seen, mine) == mine[::-1]
    created = [i["created_at"] for i in items]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("query", [
    "?limit=0", "?limit=101", "?limit=abc", "?limit=-5", "?limit=",
    "?limit=1e1", "?limit=99999999999999999999",
    "?cursor=abc", "?cursor=abc.def", "?cursor=",
    "?sort=email", "?role=admin&role=vendor", "?q=x",
    "?role=superuser", "?role=", "?status=deleted", "?status=ACTIVE",
    "?role=%ff", "?role=%00", "?limit=%",
])
def test_list_bad_parameters_are_400(admin, query):
    assert_problem(get(f"{API}/admin/accounts{query}", token=admin.token), 400)


def test_list_limit_bounds(admin):
    doc = list_page(ACCOUNTS, {"limit": "100"}, admin.token)
    assert 1 <= len(doc["items"]) <= 100
    assert len(doc["items"]) == 100 or doc["next_cursor"] is None
    assert len(list_page(ACCOUNTS, {"limit": "1"}, admin.token)["items"]) == 1


def test_tampered_cursor_is_400(admin):
    cursor = get(f"{API}/admin/accounts?limit=1",
                 token=admin.token).json()["next_cursor"]
    assert cursor and "." in cursor
    payload, mac = cursor.split(".")
    swap = {"A": "B"}
    for i in (0, len(payload) // 2, len(payload) - 1):
        c = payload[i]
        bad = payload[:i] + swap.get(c, "A") + payload[i + 1:] + "." + mac
        assert_problem(get(f"{API}/admin/accounts?cursor={bad}",
                           token=admin.token), 400)
    bad = payload + "." + mac[:-1] + ("A" if mac[-1] != "A" else "Q")
    assert_problem(get(f"{API}/admin/accounts?cursor={bad}",
                       token=admin.token), 400)


@pytest.mark.parametrize("role", ["vendor", "enterprise", "agency", "admin"])
def test_filter_by_role(admin, role, vendor_ro, enterprise_ro, agency_ro):
    items = get(f"{API}/admin/accounts?role={role}&limit=100",
                token=admin.token).json()["items"]
    assert items and all(i["role"] == role for i in items)
    expected = {"vendor": vendor_ro, "enterprise": enterprise_ro,
                "agency": agency_ro, "admin": admin}[role]
    ids = _all_ids(admin, f"role={role}")
    assert expected.id in ids


def _all_ids(admin, query):
    params = dict(kv.split("=") for kv in query.split("&"))
    return ids(walk_pages(lambda p: list_page(ACCOUNTS, p, admin.token),
                          params))


def test_filter_by_status(admin, vendor):
    assert admin_patch(admin, vendor.id,
                       {"status": "suspended"}).status_code == 200
    suspended = _all_ids(admin, "status=suspended")
    assert vendor.id in suspended
    active = _all_ids(admin, "status=active")
    assert vendor.id not in active and admin.id in active
    both = _all_ids(admin, "status=suspended&role=vendor")
    assert vendor.id in both
    assert vendor.id not in _all_ids(admin, "status=suspended&role=agency")


# --- PATCH ------------------------------------------------------------------


def test_verify_an_organization(admin, enterprise):
    before = me(enterprise.token).json()
    assert before["organization"]["verified"] is False
    r = admin_patch(admin, enterprise.id, {"verified": True})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert_account_shape(doc, "enterprise")
    assert doc["organization"]["verified"] is True
    assert doc["version"] == before["version"] + 1
    assert_etag(r, doc)
    mine = me(enterprise.token)
    assert mine.json()["organization"]["verified"] is True
    assert mine.json() == doc
    assert_etag(mine)
    r = admin_patch(admin, enterprise.id, {"verified": False,
                                           "note": "Sai mã số thuế"})
    assert r.status_code == 200
    assert me(enterprise.token).json()["organization"]["verified"] is False


def test_if_match(admin, vendor):
    version = me(vendor.token).json()["version"]
    stale = f'"{version - 1}"' if version > 1 else f'"{version + 7}"'
    r = admin_patch(admin, vendor.id, {"verified": True}, if_match=stale)
    assert_problem(r, 412)
    assert me(vendor.token).json()["organization"]["verified"] is False
    r = admin_patch(admin, vendor.id, {"verified": True},
                    if_match=f'"{version}"')
    assert r.status_code == 200, r.text
    assert tag_version(r.headers["ETag"]) == version + 1
    assert r.json()["version"] == version + 1
    # The ETag just received is the one to use next; the old one is stale.
    undo = {"verified": False, "note": "Verified by mistake"}
    assert_problem(admin_patch(admin, vendor.id, undo,
                               if_match=f'"{version}"'), 412)
    r2 = admin_patch(admin, vendor.id, undo, if_match=r.headers["ETag"])
    assert r2.status_code == 200
    assert tag_version(r2.headers["ETag"]) == version + 2


@pytest.mark.parametrize("value", ["abc", '"abc"', "1", '"1', '""', '"-1"',
                                   '"99999999999999999999"', '"9999999999"',
                                   '"2147483648"'])
def test_malformed_if_match_is_412(admin, vendor_ro, value):
    r = admin_patch(admin, vendor_ro.id, {"verified": False}, if_match=value)
    assert_problem(r, 412)


def test_weak_if_match_never_matches(admin, vendor):
    """RFC 9110: If-Match compares strongly, so W/"n" is 412."""
    version = vendor.account["version"]
    r = admin_patch(admin, vendor.id, {"verified": True},
                    if_match=f'W/"{version}"')
    assert_problem(r, 412)


def test_if_match_star_matches_any_version(admin, vendor):
    r = admin_patch(admin, vendor.id, {"verified": True}, if_match="*")
    assert r.status_code == 200, r.text
    assert r.json()["organization"]["verified"] is True


def test_patch_unknown_account_is_404(admin):
    assert_problem(admin_patch(admin, str(uuid.uuid4()), {"verified": True}),
                   404)


@pytest.mark.parametrize("account_id", ["abc", "1", "' OR 1=1 --",
                                        "00000000-0000-0000-0000-00000000000z",
                                        "6f1c0c4e8a5b4f3e9d2a1b2c3d4e5f60"])
def test_patch_non_uuid_is_404(admin, account_id):
    assert_problem(admin_patch(admin, account_id, {"verified": True}), 404)


def test_verifying_an_account_without_organization_is_422(admin, agency):
    assert_problem(admin_patch(admin, agency.id, {"verified": True}), 422)
    assert_problem(admin_patch(admin, admin.id, {"verified": True}), 422)
    assert me(agency.token).json()["version"] == agency.account["version"]


@pytest.mark.parametrize("body,fields", [
    ({"status": "deleted"}, ["status"]),
    ({"status": "Active"}, ["status"]),
    ({"status": 1}, ["status"]),
    ({"verified": "yes"}, ["verified"]),
    ({"verified": 1}, ["verified"]),
    ({"id": str(uuid.uuid4())}, ["id"]),
    ({"email": "new@x.vn"}, ["email"]),
    ({"role": "admin"}, ["role"]),
    ({"version": 9}, ["version"]),
    ({"agency": "dost"}, ["agency"]),
    ({"display_name": "X"}, ["display_name"]),
])
def test_patch_validation(admin, vendor_ro, body, fields):
    r = admin_patch(admin, vendor_ro.id, body)
    assert_problem(r, 422, fields)
    assert me(vendor_ro.token).json()["role"] == "vendor"


def test_patch_bad_bodies(admin, vendor_ro):
    assert_bad_bodies("PATCH", f"{ACCOUNTS}/{vendor_ro.id}", admin.token)


def test_suspension_stops_sessions_and_keys_at_once(admin, vendor):
    key = post(f"{API}/api-keys", {"name": "k"}, token=vendor.token) \
        .json()["key"]
    second = login_ok(vendor.email, vendor.password)
    r = admin_patch(admin, vendor.id, {"status": "suspended"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "suspended"
    for token in (vendor.token, second, key):
        assert_problem(me(token), 401)
        assert_problem(get(f"{API}/api-keys", token=token), 401)
    assert_problem(login(vendor.email, vendor.password), 403)
    # Re-activated: the old credentials stay dead, a new login works.
    r = admin_patch(admin, vendor.id, {"status": "active"})
    assert r.status_code == 200 and r.json()["status"] == "active"
    for token in (vendor.token, second, key):
        assert_problem(me(token), 401)
    fresh = login_ok(vendor.email, vendor.password)
    assert me(fresh).json()["status"] == "active"


def test_suspending_an_agency(admin, agency):
    assert admin_patch(admin, agency.id,
                       {"status": "suspended"}).status_code == 200
    assert_problem(me(agency.token), 401)
    assert_problem(login(agency.email, agency.password), 403)


def test_suspending_twice_and_empty_patch(admin, vendor):
    v = me(vendor.token).json()["version"]
    r = admin_patch(admin, vendor.id, {})
    assert r.status_code == 200, r.text
    assert r.json()["version"] >= v
    assert me(vendor.token).status_code == 200
    for _ in range(2):
        r = admin_patch(admin, vendor.id, {"status": "suspended"})
        assert r.status_code == 200 and r.json()["status"] == "suspended"


def test_patch_leaves_other_fields_alone(admin, enterprise):
    before = me(enterprise.token).json()
    r = admin_patch(admin, enterprise.id, {"verified": True})
    after = r.json()
    for key in ("id", "email", "display_name", "role", "agency", "status",
                "created_at"):
        assert after[key] == before[key], key
    for key in ("name", "tax_code", "district", "sector", "address",
                "phone", "website"):
        assert after["organization"][key] == before["organization"][key]
