"""Verification that gates (API.md, "Verification: what it gates"): the
verified filter on technologies (pages and facets agree), vendor and
enterprise verified in documents, DOST flags only verified vendors'
technologies, only verified enterprises apply for funding, both sides
of a quote see each other's verified, a withdrawal needs a note, is
recorded and gates again; and the admins' queue GET
/admin/organizations.
"""

import pytest

from conftest import (API, NEEDS, RFC3339_UTC_RE, TECH, admin_patch,
                      assert_problem, create_staff, db_rows,
                      get, list_page, made_up_word, new_user, post,
                      publish_tech, put, search_keys, verify,
                      walk_pages)
from test_funding import accepted_quote

QR = f"{API}/quote-requests"
APPS = f"{API}/funding-applications"
ORGS = f"{API}/admin/organizations"
EN = {"Accept-Language": "en"}
# The organization's own document (GET /me/organization) and the rest.
QUEUE_KEYS = {"id", "kind", "name", "tax_code", "commune", "district",
              "sector", "address", "phone", "website", "verified",
              "version", "created_at", "updated_at", "verified_at",
              "accounts", "last_verification"}


def tech_body(word, n=0, price=None):
    body = {"title": f"Lò hơi {word} số {n}", "trl": 7,
            "summary": "Thay lò than bằng lò đốt trấu.",
            "category": "renewable_energy",
            "sectors": ["rice_food_processing"]}
    if price is not None:
        body["price_min_vnd"] = price
    return body


def flag(dost, tech, program="st_fund", eligible=True):
    body = {"program_code": program, "eligible": eligible}
    if eligible:
        body["max_support_pct"] = 40
    return put(f"{TECH}/{tech['id']}/funding", body,
               token=dost.token, headers=EN)


def dost_program():
    rows = db_rows("SELECT code FROM funding_programs WHERE agency = 'dost' "
                   "ORDER BY code LIMIT 1")
    return rows[0][0]


def apply(enterprise, quote, program):
    return post(APPS, {"program_code": program,
                       "quote_request_id": quote["id"],
                       "amount_requested_vnd": 1000,
                       "description": "Hỗ trợ đầu tư."},
                token=enterprise.token, headers=EN)


def withdraw(admin, user, note="Mã số thuế không khớp"):
    r = admin_patch(admin, user.id, {"verified": False, "note": note})
    assert r.status_code == 200, r.text
    assert r.json()["organization"]["verified"] is False
    return r.json()


def events(org_id):
    return db_rows("SELECT verified, coalesce(note, ''), "
                   "coalesce(by_account::text, ''), "
                   "at > now() - interval '5 minutes' "
                   "FROM verification_events WHERE org_id = :'o' "
                   "ORDER BY id", o=org_id)


def org_id(user):
    return user.account["organization"]["id"]


# --- the technologies' verified filter -------------------------------------


@pytest.fixture(scope="module")
def market(admin):
    """Three listings of a verified vendor and three of an unverified
    one, all with a word of their own in the title."""
    word = made_up_word()
    yes, no = new_user("vendor"), new_user("vendor")
    verify(admin, yes)
    techs = {"yes": [], "no": []}
    for n in range(3):
        techs["yes"].append(publish_tech(yes, tech_body(word, n,
                                                        price=1000 + n)))
        techs["no"].append(publish_tech(no, tech_body(word, n + 3,
                                                      price=2000 + n)))
    return word, yes, no, techs


def listed(params):
    return walk_pages(lambda p: list_page(TECH, p, keys=search_keys(p)),
                      params, limit=2)


@pytest.mark.parametrize("sort", ["relevance", "newest", "price_asc",
                                  "price_desc"])
def test_verified_filter_keeps_one_side_in_every_sort(market, sort):
    word, yes, no, techs = market
    for value, side in (("true", "yes"), ("false", "no")):
        items = listed({"q": word, "sort": sort, "verified": value})
        assert {t["id"] for t in items} == \
            {t["id"] for t in techs[side]}, (value, sort)
        assert all(t["vendor"]["verified"] is (value == "true")
                   for t in items)
    every = listed({"q": word, "sort": sort})
    assert len(every) == 6


def test_verified_filter_without_q_and_with_others(market):
    word, yes, no, techs = market
    got = listed({"vendor_id": org_id(yes), "verified": "true"})
    assert {t["id"] for t in got} == {t["id"] for t in techs["yes"]}
    assert listed({"vendor_id": org_id(yes), "verified": "false"}) == []
    got = listed({"vendor_id": org_id(no), "verified": "false",
                  "sort": "price_asc"})
    assert [t["id"] for t in got] == [t["id"] for t in techs["no"]]
    assert listed({"vendor_id": org_id(no), "verified": "true"}) == []


def test_facets_follow_the_verified_filter(market):
    word = market[0]
    for value, n in (("true", 3), ("false", 3), (None, 6)):
        params = {"q": word, "facets": "true", "limit": "100"}
        if value is not None:
            params["verified"] = value
        doc = list_page(TECH, params, keys=search_keys(params, True))
        assert len(doc["items"]) == n
        assert doc["facets"]["category"] == {"renewable_energy": n}
        assert doc["facets"]["sector"] == {"rice_food_processing": n}


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", "", "null"])
def test_a_bad_verified_value_is_400_naming_it(value):
    doc = assert_problem(get(TECH, params={"verified": value}, headers=EN),
                         400)
    assert doc["detail"] == \
        "Invalid value for the query parameter verified"


def test_documents_show_verified_and_a_withdrawal_regates(admin, vendor):
    word = made_up_word()
    tech = publish_tech(vendor, tech_body(word))
    assert tech["vendor"]["verified"] is False
    assert listed({"q": word, "verified": "true"}) == []
    verify(admin, vendor)
    assert get(f"{TECH}/{tech['id']}").json()["vendor"]["verified"] is True
    assert [t["id"] for t in listed({"q": word, "verified": "true"})] == \
        [tech["id"]]
    withdraw(admin, vendor)
    assert get(f"{TECH}/{tech['id']}").json()["vendor"]["verified"] is False
    assert listed({"q": word, "verified": "true"}) == []
    assert [t["id"] for t in listed({"q": word, "verified": "false"})] == \
        [tech["id"]]


def test_needs_show_the_enterprise_verified(admin, enterprise):
    body = {"title": f"Cần xử lý nước thải {made_up_word()}",
            "description": "Nước thải chế biến thủy sản.",
            "category": "wastewater_treatment", "sector": "beverages",
            "district": "cai_rang"}
    r = post(NEEDS, body, token=enterprise.token)
    assert r.status_code == 201, r.text
    need = r.json()
    assert need["enterprise"] == {"id": org_id(enterprise),
                                  "name": need["enterprise"]["name"],
                                  "verified": False}
    verify(admin, enterprise)
    assert get(f"{NEEDS}/{need['id']}").json()["enterprise"][
        "verified"] is True


# --- funding gates ----------------------------------------------------------


@pytest.fixture
def deal(admin):
    class Deal:
        pass
    d = Deal()
    d.dost = create_staff(admin, "agency", "dost")
    d.v = new_user("vendor")
    d.e = new_user("enterprise")
    d.tech = publish_tech(d.v, tech_body(made_up_word()))
    d.program = dost_program()
    return d


def test_dost_flags_only_verified_vendors_technologies(admin, deal):
    body = assert_problem(flag(deal.dost, deal.tech, deal.program), 409)
    assert "vendor is not verified" in body["detail"], body
    assert get(f"{TECH}/{deal.tech['id']}").json()["funding"] is None
    # Vietnamese names the reason too.
    r = put(f"{TECH}/{deal.tech['id']}/funding",
            {"program_code": deal.program, "eligible": True,
             "max_support_pct": 40}, token=deal.dost.token)
    assert "chưa được xác minh" in assert_problem(r, 409)["detail"]
    # Taking a flag back is always allowed.
    r = flag(deal.dost, deal.tech, deal.program, eligible=False)
    assert r.status_code == 200, r.text
    verify(admin, deal.v)
    r = flag(deal.dost, deal.tech, deal.program)
    assert r.status_code == 200, r.text
    assert get(f"{TECH}/{deal.tech['id']}").json()["funding"]["eligible"]
    # A withdrawal gates again: no new flag, but DOST may take its back.
    withdraw(admin, deal.v)
    assert_problem(flag(deal.dost, deal.tech, deal.program), 409)
    r = flag(deal.dost, deal.tech, deal.program, eligible=False)
    assert r.status_code == 200, r.text


def test_only_verified_enterprises_apply(admin, deal):
    verify(admin, deal.v)
    assert flag(deal.dost, deal.tech, deal.program).status_code == 200
    quote = accepted_quote(deal.e, deal.v, deal.tech)
    body = assert_problem(apply(deal.e, quote, deal.program), 409)
    assert "enterprise is not verified" in body["detail"], body
    assert db_rows("SELECT 1 FROM funding_applications "
                   "WHERE quote_request_id = :'q'", q=quote["id"]) == []
    verify(admin, deal.e)
    r = apply(deal.e, quote, deal.program)
    assert r.status_code == 201, r.text
    # Withdrawn: a second quote cannot be applied for.
    withdraw(admin, deal.e)
    quote2 = accepted_quote(deal.e, deal.v, deal.tech)
    body = assert_problem(apply(deal.e, quote2, deal.program), 409)
    assert "not verified" in body["detail"]


# --- quotes -----------------------------------------------------------------


def test_each_side_of_a_quote_sees_the_others_verified(admin, deal):
    q = post(QR, {"technology_id": deal.tech["id"], "message": "Báo giá?"},
             token=deal.e.token)
    assert q.status_code == 201, q.text
    q = q.json()
    assert q["technology"]["vendor"]["verified"] is False
    assert q["enterprise"]["verified"] is False
    verify(admin, deal.v)
    doc = get(f"{QR}/{q['id']}", token=deal.e.token).json()
    assert doc["technology"]["vendor"] == {
        "id": org_id(deal.v), "name": doc["technology"]["vendor"]["name"],
        "verified": True}
    assert doc["enterprise"]["verified"] is False
    verify(admin, deal.e)
    doc = get(f"{QR}/{q['id']}", token=deal.v.token).json()
    assert doc["enterprise"] == {"id": org_id(deal.e),
                                 "name": doc["enterprise"]["name"],
                                 "verified": True}
    assert doc["technology"]["vendor"]["verified"] is True
    for user, role in ((deal.e, "sent"), (deal.v, "received")):
        items = get(QR, token=user.token, params={"role": role}).json()[
            "items"]
        mine = [x for x in items if x["id"] == q["id"]]
        assert mine and mine[0]["enterprise"]["verified"] is True
        assert mine[0]["technology"]["vendor"]["verified"] is True


# --- withdrawing verification -----------------------------------------------


def test_a_withdrawal_needs_a_note(admin, vendor):
    verify(admin, vendor)
    for body in ({"verified": False}, {"verified": False, "note": None},
                 {"verified": False, "note": ""}):
        assert_problem(admin_patch(admin, vendor.id, body), 422, ["note"])
    # A note alone changes nothing: 422 too.
    assert_problem(admin_patch(admin, vendor.id, {"note": "x"}), 422,
                   ["note"])
    assert_problem(admin_patch(admin, vendor.id, {"verified": False,
                                                  "note": "x" * 2001}),
                   422, ["note"])
    assert get(f"{API}/me", token=vendor.token).json()["organization"][
        "verified"] is True
    assert len(events(org_id(vendor))) == 1


def test_every_change_is_recorded(admin, vendor):
    other_admin = create_staff(admin, "admin", None)
    verify(admin, vendor)
    # The same again changes nothing and records nothing.
    verify(admin, vendor)
    withdraw(other_admin, vendor, note="Giấy phép hết hạn")
    r = admin_patch(admin, vendor.id, {"verified": True,
                                       "note": "Đã bổ sung giấy phép"})
    assert r.status_code == 200, r.text
    assert events(org_id(vendor)) == [
        ["t", "", admin.id, "t"],
        ["f", "Giấy phép hết hạn", other_admin.id, "t"],
        ["t", "Đã bổ sung giấy phép", admin.id, "t"]]


# --- the admins' queue -------------------------------------------------------


def queue(params, token):
    return walk_pages(lambda p: list_page(ORGS, p, token=token), params,
                      limit=100)


def test_the_queue_is_the_admins(admin, vendor_ro, enterprise_ro):
    dost = create_staff(admin, "agency", "dost")
    for user in (vendor_ro, enterprise_ro, dost):
        assert_problem(get(ORGS, token=user.token), 403)
    assert_problem(get(ORGS), 401)
    for value in ("yes", "1", ""):
        doc = assert_problem(get(ORGS, token=admin.token, headers=EN,
                                 params={"verified": value}), 400)
        assert doc["detail"] == \
            "Invalid value for the query parameter verified"
    assert_problem(get(ORGS, token=admin.token, params={"kind": "x"}), 400)
    assert_problem(get(ORGS, token=admin.token, params={"limit": "101"}),
                   400)


def test_the_queue_oldest_first_with_what_an_admin_needs(admin):
    a = new_user("vendor", commune="phuong_cai_khe", phone="0292123456",
                 website="https://xanh.example.vn", address="1 Hòa Bình")
    b = new_user("enterprise")
    c = new_user("vendor")
    verify(admin, b)
    waiting = queue({"verified": "false"}, admin.token)
    # created_at to the second here; the order is by its microseconds.
    stamps = [x["created_at"] for x in waiting]
    assert stamps == sorted(stamps)
    ids = [x["id"] for x in waiting]
    assert org_id(a) in ids and org_id(c) in ids and org_id(b) not in ids
    assert ids.index(org_id(a)) < ids.index(org_id(c))
    assert all(x["verified"] is False and x["kind"] in ("vendor",
                                                         "enterprise")
               for x in waiting)
    item = waiting[ids.index(org_id(a))]
    assert set(item) == QUEUE_KEYS
    org = a.account["organization"]
    for key in ("name", "tax_code", "commune", "district", "sector",
                "address", "phone", "website", "kind"):
        assert item[key] == org[key], key
    assert item["district"] == "ninh_kieu"
    assert item["verified_at"] is None
    assert RFC3339_UTC_RE.match(item["created_at"])
    assert item["accounts"] == [{"id": a.id, "email": a.email,
                                 "display_name": a.account["display_name"]}]
    assert item["last_verification"] is None
    done = queue({"verified": "true"}, admin.token)
    mine = [x for x in done if x["id"] == org_id(b)]
    assert len(mine) == 1 and mine[0]["verified"] is True
    assert RFC3339_UTC_RE.match(mine[0]["verified_at"])
    assert mine[0]["last_verification"]["verified"] is True
    assert mine[0]["last_verification"]["by"] == admin.id
    assert all(x["verified"] is True for x in done)
    every = {x["id"] for x in queue({}, admin.token)}
    assert {org_id(a), org_id(b), org_id(c)} <= every


def test_a_withdrawal_returns_to_the_queue_with_its_note(admin, vendor):
    verify(admin, vendor)
    withdraw(admin, vendor, note="Địa chỉ không có thật")
    item = [x for x in queue({"verified": "false"}, admin.token)
            if x["id"] == org_id(vendor)]
    assert len(item) == 1
    last = item[0]["last_verification"]
    assert last["verified"] is False
    assert last["note"] == "Địa chỉ không có thật"
    assert RFC3339_UTC_RE.match(last["at"])
    assert item[0]["verified_at"] is None


def test_the_queue_pages_agree(admin):
    for _ in range(3):
        new_user("vendor")
    whole = queue({"verified": "false"}, admin.token)
    paged = walk_pages(lambda p: list_page(ORGS, p, token=admin.token),
                       {"verified": "false"}, limit=25)
    assert [x["id"] for x in paged] == [x["id"] for x in whole]
    assert len(set(x["id"] for x in paged)) == len(paged)
    first = list_page(ORGS, {"verified": "false", "limit": "2"},
                      token=admin.token)
    assert len(first["items"]) == 2 and first["next_cursor"]
    # A cursor is the list's own.
    assert_problem(get(TECH, params={"cursor": first["next_cursor"]}), 400)
