"""POST /accounts (registration), GET /me and PUT /me/password.

Every rejected registration is checked twice: the answer is a 4xx
problem+json naming what is wrong, and nothing reached the database.
"""

import json
import subprocess
import unicodedata

import pytest

from conftest import (API, DATABASE_URL, PSQL, PgLogSince,
                      assert_account_shape, assert_bad_bodies,
                      assert_etag, assert_problem, db_rows, db_value,
                      error_fields, login, login_ok, me, new_password,
                      nothing_written, pg_log_path, post, put, register,
                      registration, unique_email, unique_tax_code)


# --- success ----------------------------------------------------------------


def test_register_vendor_returns_the_account(base_url):
    body = registration("vendor", email=unique_email("MixedCase").upper())
    r = register(body)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    assert_account_shape(doc, "vendor")
    assert doc["email"] == body["email"].lower()
    assert doc["display_name"] == body["display_name"]
    assert doc["status"] == "active"
    assert doc["agency"] is None
    assert doc["version"] == 1
    org = doc["organization"]
    assert org["name"] == body["organization"]["name"]
    assert org["tax_code"] == body["organization"]["tax_code"]
    assert org["district"] == "ninh_kieu"
    assert org["sector"] == "seafood_processing"
    assert org["address"] is None and org["phone"] is None \
        and org["website"] is None
    assert org["verified"] is False
    assert_etag(r, doc)
    assert doc["created_at"] == doc["updated_at"]


def test_register_enterprise_with_every_optional_field(base_url):
    body = registration(
        "enterprise", district="thot_not", sector="rice_food_processing",
        address="Lô 12, Khu công nghiệp Thốt Nốt, phường Thới Thuận",
        phone="+84 292 3812 345", website="https://gaothotnot.example.vn",
        tax_code=unique_tax_code() + "-001")
    r = register(body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert_account_shape(doc, "enterprise")
    org = doc["organization"]
    for key in ("name", "tax_code", "district", "sector", "address",
                "phone", "website"):
        assert org[key] == body["organization"][key], key


def test_registration_stores_what_me_returns(base_url):
    body = registration("vendor", address="Số 1 Đại lộ Hòa Bình")
    created = register(body)
    assert created.status_code == 201, created.text
    token = login_ok(body["email"], body["password"])
    r = me(token)
    assert r.status_code == 200, r.text
    assert r.json() == created.json()
    assert_etag(r)


def test_optional_fields_may_be_null(base_url):
    body = registration("vendor", address=None, phone=None, website=None)
    r = register(body)
    assert r.status_code == 201, r.text
    org = r.json()["organization"]
    assert org["address"] is None and org["phone"] is None \
        and org["website"] is None


def test_charset_parameter_is_accepted(base_url):
    body = registration("vendor")
    r = post(f"{API}/accounts", data=json.dumps(body).encode(),
             content_type="application/json; charset=utf-8")
    assert r.status_code == 201, r.text


VIETNAMESE = {
    "display_name": "Trần Thị Ánh Tuyết",
    "name": "Công ty Cổ phần Chế biến Thủy sản Ô Môn – Đồng bằng",
    "address": "Số 27, đường Nguyễn Trãi, phường Tân An, quận Ninh Kiều, "
               "thành phố Cần Thơ",
}


def _vietnamese_body(normal_form):
    nf = {k: unicodedata.normalize(normal_form, v)
          for k, v in VIETNAMESE.items()}
    return registration("vendor", display_name=nf["display_name"],
                        name=nf["name"], address=nf["address"])


@pytest.mark.parametrize("escaped", [False, True],
                         ids=["raw-utf8", "json-escapes"])
def test_vietnamese_round_trips_exactly(base_url, escaped):
    body = _vietnamese_body("NFC")
    r = post(f"{API}/accounts",
             data=json.dumps(body, ensure_ascii=escaped).encode("utf-8"))
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["display_name"] == VIETNAMESE["display_name"]
    assert doc["organization"]["name"] == VIETNAMESE["name"]
    assert doc["organization"]["address"] == VIETNAMESE["address"]
    token = login_ok(body["email"], body["password"])
    again = me(token).json()
    assert again["display_name"] == VIETNAMESE["display_name"]
    assert again["organization"]["name"] == VIETNAMESE["name"]
    stored = db_rows("SELECT a.display_name, o.name, o.address"
                     " FROM accounts a JOIN organizations o"
                     " ON o.id = a.org_id WHERE a.id = :'id'", id=doc["id"])
    assert stored == [[VIETNAMESE["display_name"], VIETNAMESE["name"],
                       VIETNAMESE["address"]]]


def test_nfd_input_comes_back_nfc(base_url):
    body = _vietnamese_body("NFD")
    assert body["display_name"] != VIETNAMESE["display_name"]
    r = register(body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["display_name"] == VIETNAMESE["display_name"]
    assert doc["organization"]["name"] == VIETNAMESE["name"]
    assert doc["organization"]["address"] == VIETNAMESE["address"]
    stored = db_value("SELECT display_name FROM accounts WHERE id = :'id'",
                      id=doc["id"])
    assert stored == VIETNAMESE["display_name"]


def test_lengths_count_characters_not_bytes(base_url):
    # 120 and 200 characters of two or three UTF-8 bytes each: at the
    # limits, accepted.
    body = registration("vendor", display_name="Ệ" * 120, name="ữ" * 200)
    r = register(body)
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == "Ệ" * 120


def test_password_of_exactly_ten_characters_is_accepted(base_url):
    password = "Mk" + new_password()[-8:]
    assert len(password) == 10
    body = registration("vendor", password=password)
    assert register(body).status_code == 201
    assert login(body["email"], password).status_code == 201


def test_password_is_stored_only_as_argon2id(base_url):
    body = registration("vendor")
    r = register(body)
    assert r.status_code == 201
    stored = db_value("SELECT password_hash FROM accounts WHERE id = :'id'",
                      id=r.json()["id"])
    assert stored.startswith("$argon2id$")
    assert body["password"] not in stored


# --- rejected registrations: nothing is written -----------------------------


def _rejected(body_or_data, status, fields=None, content_type=None,
              email=None, tax_code=None):
    """Sends a registration that must fail; checks the problem and that
    neither the email nor the tax code reached the database."""
    if isinstance(body_or_data, (bytes, str)):
        kw = {"data": body_or_data}
    else:
        kw = {"body": body_or_data}
        org = body_or_data.get("organization") \
            if isinstance(body_or_data, dict) else None
        if email is None and isinstance(body_or_data, dict) \
                and isinstance(body_or_data.get("email"), str):
            email = body_or_data["email"]
        if tax_code is None and isinstance(org, dict) \
                and isinstance(org.get("tax_code"), str):
            tax_code = org["tax_code"]
    if content_type is not None:
        kw["content_type"] = content_type
    r = post(f"{API}/accounts", **kw)
    doc = assert_problem(r, status, fields)
    nothing_written(email, tax_code)
    return doc


def test_malformed_json_is_400(base_url):
    email, tax = unique_email(), unique_tax_code()
    _rejected(f'{{"email": "{email}", "organization": {{"tax_code": '
              f'"{tax}"'.encode(), 400, email=email, tax_code=tax)


@pytest.mark.parametrize("data", [
    b'{"email": "a@b.vn",}',
    b"{'email': 'a@b.vn'}",
    b'{"email": "a@b.vn"} trailing',
    b'{}{}',
    b'\xef\xbb\xbf{}',
    b'{"email": "a@b.vn"',
    b'nul',
    b'{"a": 01}',
], ids=["trailing-comma", "single-quotes", "trailing-garbage",
        "two-documents", "bom", "unterminated", "bad-literal",
        "leading-zero"])
def test_not_json_is_400(base_url, data):
    _rejected(data, 400)


@pytest.mark.parametrize("content_type", [
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/json; charset=latin1",
    "application/jsonp",
    "multipart/form-data; boundary=x",
])
def test_wrong_content_type_is_415(base_url, content_type):
    body = registration("vendor")
    _rejected(json.dumps(body).encode(), 415, content_type=content_type,
              email=body["email"], tax_code=body["organization"]["tax_code"])


def test_missing_content_type_is_415(base_url):
    body = registration("vendor")
    r = post(f"{API}/accounts", data=json.dumps(body).encode(),
             content_type=None)
    assert_problem(r, 415)
    nothing_written(body["email"], body["organization"]["tax_code"])


def test_empty_body_is_400(base_url):
    _rejected(b"", 400)


def test_two_megabyte_body_is_413(base_url):
    body = registration("vendor", address="x" * (2 * 1024 * 1024))
    r = post(f"{API}/accounts", body)
    assert_problem(r, 413)
    nothing_written(body["email"], body["organization"]["tax_code"])


def test_body_just_over_one_mebibyte_is_413(base_url):
    body = registration("vendor", address="")
    data = json.dumps(body).encode()
    pad = 1024 * 1024 + 1 - len(data)
    body["organization"]["address"] = "y" * pad
    data = json.dumps(body).encode()
    assert len(data) == 1024 * 1024 + 1
    _rejected(data, 413, email=body["email"],
              tax_code=body["organization"]["tax_code"])


def test_wrong_types_name_every_field(base_url):
    body = {"email": 42, "password": True, "display_name": ["An"],
            "role": {"r": 1}, "organization": {
                "name": 1.5, "tax_code": 3001234567, "district": False,
                "sector": None, "address": 7, "phone": 84292,
                "website": {}}}
    doc = _rejected(body, 422, [
        "email", "password", "display_name", "role", "organization.name",
        "organization.tax_code", "organization.district",
        "organization.sector", "organization.address",
        "organization.phone", "organization.website"])
    assert doc["errors"], doc


@pytest.mark.parametrize("value", ["acme", 12, [], True])
def test_organization_must_be_an_object(base_url, value):
    body = registration("vendor", organization=value)
    _rejected(body, 422, ["organization"])


@pytest.mark.parametrize("value", [[], "text", 3, None, True])
def test_body_must_be_an_object(base_url, value):
    """Well-formed JSON of the wrong type: a validation error (422), not
    malformed JSON (400)."""
    r = post(f"{API}/accounts", data=json.dumps(value).encode())
    assert error_fields(assert_problem(r, 422))


def test_empty_object_names_every_required_field(base_url):
    _rejected({}, 422, ["email", "password", "display_name", "role",
                        "organization"])


def test_empty_organization_names_its_required_fields(base_url):
    body = registration("vendor", organization={})
    _rejected(body, 422, ["organization.name", "organization.tax_code",
                          "organization.commune", "organization.sector"])


@pytest.mark.parametrize("field", ["email", "password", "display_name",
                                   "role", "organization"])
def test_each_required_field(base_url, field):
    body = registration("vendor")
    tax = body["organization"]["tax_code"]
    del body[field]
    _rejected(body, 422, [field], tax_code=tax)


@pytest.mark.parametrize("field", ["email", "password", "display_name",
                                   "role"])
def test_required_field_null(base_url, field):
    body = registration("vendor")
    email = body["email"]
    body[field] = None
    _rejected(body, 422, [field], email=email)


@pytest.mark.parametrize("field", ["name", "tax_code", "sector"])
def test_each_required_organization_field(base_url, field):
    body = registration("vendor")
    del body["organization"][field]
    _rejected(body, 422, [f"organization.{field}"])


def test_an_organization_without_a_place_is_422_naming_its_commune(
        base_url):
    """A commune, or a district alone: without either, the commune is
    what is missing."""
    body = registration("vendor")
    del body["organization"]["district"]
    _rejected(body, 422, ["organization.commune"],
              tax_code=body["organization"]["tax_code"])


@pytest.mark.parametrize("field,value", [
    ("nickname", "An"), ("is_admin", True), ("agency", "dost"),
    ("organization.verified_by", "x"), ("organization.kind", "vendor"),
])
def test_unknown_fields_are_422(base_url, field, value):
    _rejected(_with(field, value), 422, [field])


def _with(field, value):
    """A registration with field ("organization.x" for a member of the
    organization) set to value."""
    body = registration("vendor")
    if field.startswith("organization."):
        body["organization"][field.split(".", 1)[1]] = value
    else:
        body[field] = value
    return body


@pytest.mark.parametrize("field,value", [
    ("id", "6f1c0c4e-8a5b-4f3e-9d2a-1b2c3d4e5f60"),
    ("status", "active"),
    ("version", 7),
    ("created_at", "2026-01-01T00:00:00Z"),
    ("updated_at", "2026-01-01T00:00:00Z"),
    ("organization.id", "6f1c0c4e-8a5b-4f3e-9d2a-1b2c3d4e5f60"),
    ("organization.verified", True),
])
def test_read_only_fields_are_422(base_url, field, value):
    _rejected(_with(field, value), 422, [field])


def test_duplicate_member_is_422(base_url):
    body = registration("vendor")
    text = json.dumps(body)
    other = unique_email()
    data = text[:-1] + f', "email": "{other}"}}'
    _rejected(data.encode(), 422, ["email"], email=body["email"],
              tax_code=body["organization"]["tax_code"])
    nothing_written(other)


@pytest.mark.parametrize("field,value", [
    ("email", "a" * 250 + "@x.vn"),
    ("password", "p" * 257),
    ("display_name", "D" * 121),
    ("name", "N" * 201),
    ("address", "A" * 301),
    ("phone", "0" * 31),
    ("website", "https://x.vn/" + "w" * 290),
])
def test_overlong_strings_are_422(base_url, field, value):
    body = registration("vendor", **{field: value})
    name = field if field in ("email", "password", "display_name") \
        else f"organization.{field}"
    _rejected(body, 422, [name])


@pytest.mark.parametrize("field,value", [
    ("display_name", ""), ("display_name", "   "), ("display_name", "\t\n"),
    ("name", ""), ("name", "  "),
])
def test_empty_and_blank_strings_are_422(base_url, field, value):
    body = registration("vendor", **{field: value})
    name = field if field == "display_name" else f"organization.{field}"
    _rejected(body, 422, [name])


@pytest.mark.parametrize("field", ["display_name", "name", "address",
                                   "email", "password"])
@pytest.mark.parametrize("char", ["\u0001", "\u001b", "\u007f", "\u0008"],
                         ids=["soh", "esc", "del", "backspace"])
def test_control_characters_are_422(base_url, field, char):
    value = {"display_name": f"An{char}", "name": f"Công ty{char}",
             "address": f"Số 1{char}", "email": f"a{char}b@x.vn",
             "password": f"pass{char}word-{new_password()}"}[field]
    body = registration("vendor", **{field: value})
    name = field if field in ("email", "password", "display_name") \
        else f"organization.{field}"
    _rejected(body, 422, [name])


def test_escaped_nul_is_400(base_url):
    body = registration("vendor", display_name="An\u0000Admin")
    data = json.dumps(body).encode()
    assert b"\\u0000" in data
    _rejected(data, 400, email=body["email"],
              tax_code=body["organization"]["tax_code"])


@pytest.mark.parametrize("bad", [
    b"\xff", b"\xfe\xff", b"\x80abc", b"\xc3", b"\xc3(", b"\xe1\xbb",
    b"\xf8\x88\x80\x80\x80",
], ids=["ff", "fe-ff", "lone-continuation", "truncated-2",
        "bad-continuation", "truncated-3", "five-byte"])
def test_invalid_utf8_in_a_value_is_400(base_url, bad):
    body = registration("vendor", display_name="@@BAD@@")
    data = json.dumps(body).encode().replace(b"@@BAD@@", b"An " + bad)
    _rejected(data, 400, email=body["email"],
              tax_code=body["organization"]["tax_code"])


def test_deeply_nested_json_is_400(base_url):
    body = registration("vendor")
    text = json.dumps(body)
    deep = "[" * 5000 + "]" * 5000
    data = text[:-1] + f', "nickname": {deep}}}'
    _rejected(data.encode(), 400, email=body["email"],
              tax_code=body["organization"]["tax_code"])


@pytest.mark.parametrize("tax_code", [
    "123456789", "12345678901", "123456789a", "1234567890-12",
    "1234567890-1234", "1234567890_123", "1234567890-abc", " 1234567890",
    "1234567890 ", "12345 67890", "١٢٣٤٥٦٧٨٩٠", "１２３４５６７８９０",
    "-123456789", "+123456789", "0x12345678", "",
])
def test_bad_tax_codes_are_422(base_url, tax_code):
    body = registration("vendor", tax_code=tax_code)
    _rejected(body, 422, ["organization.tax_code"])


@pytest.mark.parametrize("field,value", [
    ("district", "district_9"), ("district", "ninh_kieu_x"),
    ("district", "Ninh Kiều"), ("district", "NINH_KIEU"),
    ("sector", "steel_making"), ("sector", "Seafood"),
    ("sector", "seafood processing"),
])
def test_unknown_district_or_sector_is_422(base_url, field, value):
    body = registration("vendor", **{field: value})
    _rejected(body, 422, [f"organization.{field}"])


@pytest.mark.parametrize("role", ["admin", "agency", "Vendor", "guest", ""])
def test_self_registration_role_must_be_vendor_or_enterprise(base_url, role):
    body = registration("vendor", role=role)
    _rejected(body, 422, ["role"])


@pytest.mark.parametrize("password", ["", "short", "123456789",
                                      "ệệệệệệệệệ"])
def test_password_shorter_than_ten_is_422(base_url, password):
    body = registration("vendor", password=password)
    _rejected(body, 422, ["password"])


@pytest.mark.parametrize("email", [
    "plainaddress", "@techmarket.test", "a@b", "a@@b.vn", "a b@c.vn",
    "a@b..vn", "a@.vn", "a@b.", "a,b@c.vn", "a;b@c.vn", "<a@b.vn>",
    "a@b@c.vn", "ab",
])
def test_bad_emails_are_422(base_url, email):
    body = registration("vendor", email=email)
    _rejected(body, 422, ["email"])


@pytest.mark.parametrize("field,value", [
    ("phone", "call me"), ("phone", "123"), ("phone", "0292+3812345"),
    ("website", "javascript:alert(1)"), ("website", "ftp://x.vn"),
    ("website", "www.example.vn"), ("website", "https://a b.vn"),
])
def test_bad_phone_and_website_are_422(base_url, field, value):
    body = registration("vendor", **{field: value})
    _rejected(body, 422, [f"organization.{field}"])


def test_all_field_errors_come_at_once(base_url):
    body = registration("vendor", email="nope", password="short",
                        role="admin", tax_code="12", district="Nowhere")
    body["extra"] = 1
    _rejected(body, 422, ["email", "password", "role",
                          "organization.tax_code", "organization.district",
                          "extra"])


# --- conflicts --------------------------------------------------------------


def test_duplicate_email_is_409_whatever_its_case(base_url):
    first = registration("vendor")
    assert register(first).status_code == 201
    second = registration("enterprise", email=first["email"].upper())
    r = register(second)
    assert_problem(r, 409)
    assert db_value("SELECT count(*) FROM accounts WHERE email = :'e'",
                    e=first["email"].lower()) == "1"
    nothing_written(tax_code=second["organization"]["tax_code"])


def test_duplicate_tax_code_is_409(base_url):
    first = registration("vendor")
    assert register(first).status_code == 201
    second = registration("enterprise",
                          tax_code=first["organization"]["tax_code"])
    r = register(second)
    assert_problem(r, 409)
    nothing_written(email=second["email"])
    assert db_value("SELECT count(*) FROM organizations"
                    " WHERE tax_code = :'t'",
                    t=first["organization"]["tax_code"]) == "1"


def test_conflict_detail_says_which(base_url):
    first = registration("vendor")
    assert register(first).status_code == 201
    by_email = assert_problem(register(registration(
        "vendor", email=first["email"])), 409, None)
    by_tax = assert_problem(register(registration(
        "vendor", tax_code=first["organization"]["tax_code"])), 409)
    assert by_email["detail"] != by_tax["detail"]


# --- GET /me ----------------------------------------------------------------


def test_me_returns_the_account_with_etag(vendor_ro):
    r = me(vendor_ro.token)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert_account_shape(doc, "vendor")
    assert doc["id"] == vendor_ro.id
    assert doc["email"] == vendor_ro.email
    assert_etag(r, doc)


def test_me_for_enterprise(enterprise_ro):
    doc = me(enterprise_ro.token).json()
    assert_account_shape(doc, "enterprise")
    assert doc["organization"]["sector"] == "textiles_garments"
    assert doc["organization"]["district"] == "o_mon"


# --- PUT /me/password -------------------------------------------------------


def test_password_change_ends_other_sessions(vendor):
    other = login_ok(vendor.email, vendor.password)
    new = new_password()
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new},
            token=vendor.token)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert me(vendor.token).status_code == 200
    assert_problem(me(other), 401)
    assert_problem(login(vendor.email, vendor.password), 401)
    fresh = login_ok(vendor.email, new)
    assert me(fresh).status_code == 200
    assert me(vendor.token).status_code == 200


def test_password_change_bumps_version(vendor):
    before = me(vendor.token).json()["version"]
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new_password()},
            token=vendor.token)
    assert r.status_code == 204
    after = me(vendor.token)
    assert after.json()["version"] == before + 1
    assert_etag(after)


def test_password_change_with_wrong_current_password_is_422(vendor):
    other = login_ok(vendor.email, vendor.password)
    r = put(f"{API}/me/password", {"current_password": "not-" + new_password(),
                                   "new_password": new_password()},
            token=vendor.token)
    assert_problem(r, 422, ["current_password"])
    assert me(other).status_code == 200
    assert login(vendor.email, vendor.password).status_code == 201


@pytest.mark.parametrize("body,fields", [
    ({}, ["current_password", "new_password"]),
    ({"current_password": "x"}, ["new_password"]),
    ({"current_password": "x", "new_password": "short"}, ["new_password"]),
    ({"current_password": 5, "new_password": []},
     ["current_password", "new_password"]),
    ({"current_password": "x", "new_password": "y" * 10, "email": "a@b.vn"},
     ["email"]),
    ({"current_password": "x", "new_password": "y" * 257}, ["new_password"]),
])
def test_password_change_validation(vendor_ro, body, fields):
    r = put(f"{API}/me/password", body, token=vendor_ro.token)
    assert_problem(r, 422, fields)
    assert login(vendor_ro.email, vendor_ro.password).status_code == 201


def test_password_change_bad_bodies(vendor_ro):
    assert_bad_bodies("PUT", f"{API}/me/password", vendor_ro.token)


def test_new_password_is_stored_hashed(vendor):
    new = new_password()
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new}, token=vendor.token)
    assert r.status_code == 204
    stored = db_value("SELECT password_hash FROM accounts WHERE id = :'id'",
                      id=vendor.id)
    assert stored.startswith("$argon2id$") and new not in stored


def test_password_change_needs_a_session_not_an_api_key(vendor):
    """A leaked key must not take the account over."""
    key = post(f"{API}/api-keys", {"name": "tích hợp"},
               token=vendor.token).json()["key"]
    new = new_password()
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new}, token=key)
    assert_problem(r, 403)
    assert me(vendor.token).status_code == 200
    assert me(key).status_code == 200
    assert login(vendor.email, new).status_code == 401


def test_wrong_current_passwords_are_throttled_like_logins(vendor):
    """A stolen session cannot guess the password faster than a login:
    five wrong current passwords within 15 minutes, then 429."""
    user = vendor
    body = {"current_password": "wrong-password-1", "new_password":
            new_password()}
    for _ in range(5):
        assert_problem(put(f"{API}/me/password", body, token=user.token),
                       422, ["current_password"])
    r = put(f"{API}/me/password", {"current_password": user.password,
                                   "new_password": new_password()},
            token=user.token)
    assert_problem(r, 429)
    assert int(r.headers["Retry-After"]) > 0
    assert login(user.email, user.password).status_code == 201


# --- revoke_api_keys: a password change that also ends the API keys --------


def _key(user, name="tích hợp"):
    r = post(f"{API}/api-keys", {"name": name}, token=user.token)
    assert r.status_code == 201, r.text
    return r.json()["key"]


@pytest.mark.parametrize("extra", [{}, {"revoke_api_keys": False},
                                   {"revoke_api_keys": None}])
def test_password_change_keeps_api_keys_unless_asked(vendor, extra):
    key = _key(vendor)
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new_password(), **extra},
            token=vendor.token)
    assert r.status_code == 204, r.text
    assert me(key).status_code == 200
    assert me(vendor.token).status_code == 200


def test_password_change_with_revoke_api_keys_ends_every_key(vendor):
    other = login_ok(vendor.email, vendor.password)
    keys = [_key(vendor), _key(vendor, "ci")]
    new = new_password()
    r = put(f"{API}/me/password", {"current_password": vendor.password,
                                   "new_password": new,
                                   "revoke_api_keys": True},
            token=vendor.token)
    assert r.status_code == 204, r.text
    for key in keys:
        assert_problem(me(key), 401)
    assert_problem(me(other), 401)
    # The session that asked stays, and the new password signs in.
    assert me(vendor.token).status_code == 200
    assert me(login_ok(vendor.email, new)).status_code == 200
    assert db_value("SELECT count(*) FROM credentials WHERE account_id ="
                    " :'id' AND kind = 'api_key' AND revoked_at IS NULL",
                    id=vendor.id) == "0"


def test_revoke_api_keys_with_a_wrong_password_revokes_nothing(vendor):
    key = _key(vendor)
    r = put(f"{API}/me/password", {"current_password": "not-" +
                                   new_password(),
                                   "new_password": new_password(),
                                   "revoke_api_keys": True},
            token=vendor.token)
    assert_problem(r, 422, ["current_password"])
    assert me(key).status_code == 200


@pytest.mark.parametrize("value", ["true", 1, [], {}])
def test_revoke_api_keys_must_be_a_boolean(vendor_ro, value):
    key = _key(vendor_ro)
    r = put(f"{API}/me/password", {"current_password": vendor_ro.password,
                                   "new_password": new_password(),
                                   "revoke_api_keys": value},
            token=vendor_ro.token)
    assert_problem(r, 422, ["revoke_api_keys"])
    assert me(key).status_code == 200
    assert login(vendor_ro.email, vendor_ro.password).status_code == 201


# --- lengths as stored, and no row of accounts in the database's log --------

# U+FB2C is one character that NFC makes three (a composition exclusion):
# 50 of them are 150 characters as stored, past display_name's 120.
GROWS = "\ufb2c"


def test_pg_log_is_its_owners_only():
    log = pg_log_path()
    assert log.stat().st_mode & 0o077 == 0, oct(log.stat().st_mode)
    assert log.parent.stat().st_mode & 0o044 == 0, \
        oct(log.parent.stat().st_mode)


def test_text_that_grows_under_nfc_is_422_and_no_hash_reaches_the_log(
        base_url, admin):
    assert len(unicodedata.normalize("NFC", GROWS * 50)) == 150
    with PgLogSince() as log:
        _rejected(registration("vendor", display_name=GROWS * 50), 422,
                  ["display_name"])
        _rejected(registration("vendor", name=GROWS * 70), 422,
                  ["organization.name"])
        email = unique_email("staff")
        r = post(f"{API}/admin/accounts", {
            "email": email, "password": new_password(),
            "display_name": GROWS * 41, "role": "admin"}, token=admin.token)
        assert_problem(r, 422, ["display_name"])
        assert db_value("SELECT count(*) FROM accounts WHERE email = :'e'",
                        e=email) == "0"
        # What NFC leaves at the limit is taken.
        r = register(registration("vendor", display_name=GROWS * 40))
        assert r.status_code == 201, r.text
        assert r.json()["display_name"] == unicodedata.normalize(
            "NFC", GROWS * 40)
    # Refused before the database: no CHECK failed, no row was quoted.
    assert "$argon2id$" not in log.text
    assert "violates check constraint" not in log.text, log.text


def test_a_failing_check_on_accounts_quotes_no_row(vendor):
    """The validator's backstop (sql/023_private_rows.sql): whatever
    slips past it is refused without the row, hash and all."""
    p = subprocess.run(
        [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
         "VERBOSITY=verbose", "-d", DATABASE_URL, "-c",
         "UPDATE accounts SET display_name = repeat('x', 121)"
         f" WHERE id = '{vendor.id}'"],
        capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "23514" in p.stderr and "accounts_display_name_check" in p.stderr
    assert "$argon2id$" not in p.stderr and "Failing row" not in p.stderr
    p = subprocess.run(
        [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
         "VERBOSITY=verbose", "-d", DATABASE_URL, "-c",
         "UPDATE credentials SET name = repeat('x', 101)"
         f" WHERE account_id = '{vendor.id}'"],
        capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "credentials_name_check" in p.stderr
    assert "Failing row" not in p.stderr
