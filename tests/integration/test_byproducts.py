"""The by-product exchange: GET /materials, POST/GET /byproducts,
GET/PATCH /byproducts/{id}, POST /byproducts/{id}/close and
GET /byproducts/{id}/matches: who may do what, every bad input, the
list's filters, search and cursors, and the matches' score.

Other tests of this module post by-products too: list and match
assertions look for this test's own ids or made-up words.
"""

import datetime
import json
import math
import unicodedata

import pytest

import conftest
from conftest import (API, UUID_RE, assert_bad_bodies, assert_etag,
                      assert_problem, assert_rfc3339_utc, cantho_today,
                      db_count, db_rows, db_value, get, ids, in_order,
                      made_up_word, new_user, patch, post, walk_pages)

BP = f"{API}/byproducts"
MATERIALS = f"{API}/materials"

DOC_KEYS = {"id", "organization", "kind", "material", "material_code",
            "quantity_tonnes_per_month", "commune", "district",
            "description", "available_until", "status", "version",
            "created_at", "updated_at", "closed_at"}
ORG_KEYS = {"id", "name", "kind", "verified", "commune", "district"}
REASONS = {"same material code", "similar material", "quantity fits",
           "nearby", "available"}


# --- helpers ----------------------------------------------------------------


def body(**overrides):
    b = {
        "kind": "offer",
        "material": f"Trấu lúa khô {made_up_word()}",
        "material_code": "rice_husk",
        "quantity_tonnes_per_month": 120.5,
        "commune": "phuong_thot_not",
        "description": "Trấu từ nhà máy xay xát gạo, độ ẩm dưới 12%.",
        "available_until": str(cantho_today() + datetime.timedelta(days=365)),
    }
    for key, value in overrides.items():
        if value is ...:
            b.pop(key, None)
        else:
            b[key] = value
    return b


def create(user, **overrides):
    r = post(BP, body(**overrides), token=user.token)
    assert r.status_code == 201, f"{r.status_code}: {r.text}"
    doc = r.json()
    assert_etag(r, doc)
    return doc


def tag(doc):
    return f'"{doc["version"]}"'


def change(user, doc, b, if_match=None):
    return patch(f"{BP}/{doc['id']}", b, token=user.token,
                 headers={"If-Match": if_match or tag(doc)})


def close(user, doc, if_match=None):
    headers = {"If-Match": if_match} if if_match else None
    return post(f"{BP}/{doc['id']}/close", token=user.token, data=b"",
                content_type=None, headers=headers)


def page(params, token):
    return conftest.list_page(BP, params, token)


def walk(token, **params):
    return walk_pages(lambda p: page(p, token), params)


def matches(user, doc, **params):
    return walk_pages(lambda p: conftest.list_page(
        f"{BP}/{doc['id']}/matches", p, user.token), params)


def rows_with(word):
    return db_count("SELECT count(*) FROM byproducts WHERE material LIKE"
                    " '%' || :'w' || '%'", w=word)


def assert_shape(doc):
    assert set(doc) == DOC_KEYS, sorted(doc)
    assert UUID_RE.match(doc["id"])
    assert set(doc["organization"]) == ORG_KEYS, doc["organization"]
    assert doc["kind"] in ("offer", "want")
    assert doc["status"] in ("open", "closed")
    assert isinstance(doc["quantity_tonnes_per_month"], (int, float))
    assert_rfc3339_utc(doc["created_at"])
    assert_rfc3339_utc(doc["updated_at"])
    assert "@" not in json.dumps(doc["organization"])


@pytest.fixture(scope="module")
def mill(base_url):
    """A rice mill in Thốt Nốt: offers husk."""
    return new_user("enterprise", sector="rice_food_processing",
                    commune="phuong_thot_not")


@pytest.fixture(scope="module")
def brewery(base_url):
    """A brewery in Ninh Kiều: wants husk for its boiler."""
    return new_user("enterprise", sector="beverages",
                    commune="phuong_cai_khe")


@pytest.fixture(scope="module")
def vendor_bp(base_url):
    return new_user("vendor", district="binh_thuy")


@pytest.fixture(scope="module")
def staff(admin):
    return conftest.create_staff(admin, "agency", "doit")


# --- the materials list -----------------------------------------------------


def test_materials_are_at_least_15_with_both_names(base_url):
    r = get(MATERIALS)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) >= 15
    codes = [m["code"] for m in items]
    assert len(set(codes)) == len(codes)
    for m in items:
        assert set(m) == {"code", "name_vi", "name_en"}, m
        assert m["name_vi"] and m["name_en"]
    for code in ("rice_husk", "rice_straw", "husk_ash", "fish_scraps",
                 "fish_fat", "shrimp_shells", "spent_grain",
                 "brewery_yeast", "wastewater_sludge", "organic_sludge",
                 "plastic_scraps", "paper_carton", "scrap_metal",
                 "waste_heat", "co2", "wood_chips", "bagasse"):
        assert code in codes, code
    husk = next(m for m in items if m["code"] == "rice_husk")
    assert husk["name_vi"] == "Trấu"


def test_materials_are_cached_and_answer_304(base_url):
    r = get(MATERIALS)
    assert r.headers.get("Cache-Control") == "public, max-age=86400"
    tag_ = r.headers.get("ETag")
    assert tag_ and tag_.startswith('"')
    r2 = get(MATERIALS, headers={"If-None-Match": tag_})
    assert r2.status_code == 304 and r2.content == b""
    assert get(MATERIALS, headers={"If-None-Match": '"x"'}) \
        .status_code == 200


def test_materials_take_no_parameters(base_url):
    assert_problem(get(MATERIALS, params={"q": "trau"}), 400)


# --- create -----------------------------------------------------------------


def test_create_returns_every_field(mill):
    b = body(quantity_tonnes_per_month=0.5)
    r = post(BP, b, token=mill.token)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert_shape(doc)
    assert_etag(r, doc)
    assert doc["version"] == 1 and doc["status"] == "open"
    assert doc["closed_at"] is None
    for key in ("kind", "material", "material_code",
                "quantity_tonnes_per_month", "commune", "description",
                "available_until"):
        assert doc[key] == b[key], key
    assert doc["district"] == "thot_not"
    org = mill.account["organization"]
    assert doc["organization"] == {
        "id": org["id"], "name": org["name"], "kind": "enterprise",
        "verified": False, "commune": "phuong_thot_not",
        "district": "thot_not"}
    assert mill.email not in r.text


def test_a_vendor_may_offer_and_want(vendor_bp):
    for kind in ("offer", "want"):
        doc = create(vendor_bp, kind=kind, commune=..., district="binh_thuy")
        assert doc["kind"] == kind and doc["commune"] is None
        assert doc["district"] == "binh_thuy"


def test_optional_fields_may_be_left_out_or_null(mill):
    doc = create(mill, material_code=None, description=...,
                 available_until=None)
    assert doc["material_code"] is None and doc["description"] == ""
    assert doc["available_until"] is None


def test_quantities_are_kept_to_the_kilogram(mill):
    assert create(mill, quantity_tonnes_per_month=12.3456)[
        "quantity_tonnes_per_month"] == 12.346
    assert create(mill, quantity_tonnes_per_month=1000000)[
        "quantity_tonnes_per_month"] == 1000000
    assert create(mill, quantity_tonnes_per_month=3)[
        "quantity_tonnes_per_month"] == 3


def test_vietnamese_is_stored_as_sent_in_nfc(mill):
    nfd = unicodedata.normalize("NFD", "Bã hèm bia ướt " + made_up_word())
    doc = create(mill, material=nfd)
    assert doc["material"] == unicodedata.normalize("NFC", nfd)


def test_only_enterprises_and_vendors_create(admin, staff):
    word = made_up_word()
    for token in (admin.token, staff.token):
        assert_problem(post(BP, body(material=word), token=token), 403)
    assert_problem(post(BP, body(material=word)), 401)
    assert_problem(post(BP, body(material=word), token="tms_" + "A" * 64),
                   401)
    assert rows_with(word) == 0


BAD_FIELDS = [
    ({"kind": ...}, "kind"),
    ({"kind": "sell"}, "kind"),
    ({"kind": 1}, "kind"),
    ({"material": ...}, "material"),
    ({"material": ""}, "material"),
    ({"material": "   "}, "material"),
    ({"material": "x" * 201}, "material"),
    ({"material": 42}, "material"),
    ({"material": "a\u0007b"}, "material"),
    ({"material": ["trấu"]}, "material"),
    ({"material_code": "nope_nope"}, "material_code"),
    ({"material_code": "Rice Husk"}, "material_code"),
    ({"material_code": 3}, "material_code"),
    ({"quantity_tonnes_per_month": ...}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": 0}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": -1}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": 0.0001}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": 1000000.5},
     "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": "12"}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": True}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": {}}, "quantity_tonnes_per_month"),
    ({"commune": ..., "district": ...}, "commune"),
    ({"commune": "phuong_ba_dinh"}, "commune"),
    ({"commune": ..., "district": "ha_noi"}, "district"),
    ({"district": "ninh_kieu"}, "commune"),
    ({"commune": 7}, "commune"),
    ({"description": "x" * 5001}, "description"),
    ({"description": 5}, "description"),
    ({"available_until": "2027-02-30"}, "available_until"),
    ({"available_until": "31/12/2027"}, "available_until"),
    ({"available_until": "2020-01-01"}, "available_until"),
    ({"available_until": 20271231}, "available_until"),
    ({"id": "6f1c2b7e-3d4a-4f5b-9c8d-1e2f3a4b5c6d"}, "id"),
    ({"status": "closed"}, "status"),
    ({"organization": {"name": "x"}}, "organization"),
    ({"version": 3}, "version"),
    ({"closed_at": None}, "closed_at"),
    ({"owner_email": "a@b.vn"}, "owner_email"),
]


@pytest.mark.parametrize("overrides,field", BAD_FIELDS,
                         ids=[f for _, f in BAD_FIELDS])
def test_a_bad_field_is_422_naming_it_and_writes_nothing(mill, overrides,
                                                          field):
    word = made_up_word()
    b = body(**overrides)
    if "material" not in overrides:
        b["material"] = f"Trấu {word}"
    assert_problem(post(BP, b, token=mill.token), 422, [field])
    assert rows_with(word) == 0


def test_a_nul_character_is_refused_and_writes_nothing(mill):
    word = made_up_word()
    assert_problem(post(BP, body(material=f"Trấu {word}\u0000"),
                        token=mill.token), 400)
    assert rows_with(word) == 0


def test_a_yesterday_is_past_but_today_is_not(mill):
    today = cantho_today()
    assert create(mill, available_until=str(today))["available_until"] \
        == str(today)
    assert_problem(post(BP, body(available_until=str(
        today - datetime.timedelta(days=1))), token=mill.token), 422,
        ["available_until"])


def test_huge_numbers_are_out_of_range_not_500(mill):
    word = made_up_word()
    raw = json.dumps(body(material=word)).replace(
        '120.5', '1e400').encode()
    r = post(BP, token=mill.token, data=raw)
    assert_problem(r, 422, ["quantity_tonnes_per_month"])
    assert rows_with(word) == 0


def test_malformed_bodies(mill):
    assert_bad_bodies("POST", BP, token=mill.token)
    assert_problem(post(BP, [body()], token=mill.token), 422)


def test_every_error_has_both_languages(mill):
    b = body(kind="sell")
    vi = assert_problem(post(BP, b, token=mill.token), 422)
    en = assert_problem(post(BP, b, token=mill.token,
                             headers={"Accept-Language": "en"}), 422)
    assert vi["detail"] != en["detail"]


# --- read -------------------------------------------------------------------


def test_any_signed_in_caller_reads_an_open_entry(mill, brewery, staff,
                                                  admin):
    doc = create(mill)
    for user in (mill, brewery, staff, admin):
        r = get(f"{BP}/{doc['id']}", token=user.token)
        assert r.status_code == 200, r.text
        assert r.json() == doc
        assert_etag(r)
    assert_problem(get(f"{BP}/{doc['id']}"), 401)


def test_a_read_answers_304_to_its_tag(mill, brewery):
    doc = create(mill)
    r = get(f"{BP}/{doc['id']}", token=brewery.token)
    r2 = get(f"{BP}/{doc['id']}", token=brewery.token,
             headers={"If-None-Match": r.headers["ETag"]})
    assert r2.status_code == 304


def test_unknown_and_malformed_ids_are_404(mill):
    assert_problem(get(f"{BP}/6f1c2b7e-3d4a-4f5b-9c8d-1e2f3a4b5c6d",
                       token=mill.token), 404)
    assert_problem(get(f"{BP}/not-a-uuid", token=mill.token), 404)
    assert_problem(get(f"{BP}/' OR 1=1 --", token=mill.token), 404)


# --- change -----------------------------------------------------------------


def test_the_owner_changes_fields_with_if_match(mill):
    doc = create(mill)
    r = change(mill, doc, {"material": "Tro trấu sau lò hơi",
                           "material_code": "husk_ash",
                           "quantity_tonnes_per_month": 30,
                           "commune": "phuong_o_mon",
                           "description": None, "available_until": None})
    assert r.status_code == 200, r.text
    new = r.json()
    assert_etag(r, new)
    assert new["version"] == doc["version"] + 1
    assert new["material"] == "Tro trấu sau lò hơi"
    assert new["material_code"] == "husk_ash"
    assert new["quantity_tonnes_per_month"] == 30
    assert (new["commune"], new["district"]) == ("phuong_o_mon", "o_mon")
    assert new["description"] == "" and new["available_until"] is None
    assert new["kind"] == doc["kind"] and new["created_at"] == \
        doc["created_at"]
    got = get(f"{BP}/{doc['id']}", token=mill.token)
    assert got.json() == new and got.headers["ETag"] == r.headers["ETag"]


def test_another_session_of_the_owner_may_change_it(mill):
    """The organization owns the entry, not the session."""
    doc = create(mill)
    token = conftest.login_ok(mill.email, mill.password)
    assert change(conftest.User(mill.email, mill.password, "enterprise",
                                mill.account, token), doc,
                  {"quantity_tonnes_per_month": 7}).status_code == 200


def test_a_change_needs_a_current_if_match(mill):
    doc = create(mill)
    url = f"{BP}/{doc['id']}"
    assert_problem(patch(url, {"material": "x"}, token=mill.token), 428)
    assert_problem(change(mill, doc, {"material": "x"}, if_match='"9"'),
                   412)
    assert_problem(change(mill, doc, {"material": "x"},
                          if_match='W/"1"'), 412)
    assert change(mill, doc, {"material": "y"}, if_match="*") \
        .status_code == 200
    assert_problem(change(mill, doc, {"material": "z"}), 412)
    assert get(url, token=mill.token).json()["material"] == "y"


@pytest.mark.parametrize("b,field", [
    ({"kind": "want"}, "kind"),
    ({"status": "closed"}, "status"),
    ({"material": None}, "material"),
    ({"quantity_tonnes_per_month": None}, "quantity_tonnes_per_month"),
    ({"quantity_tonnes_per_month": 0}, "quantity_tonnes_per_month"),
    ({"district": None}, "district"),
    ({"material_code": "unknown_code"}, "material_code"),
    ({"available_until": "2001-01-01"}, "available_until"),
    ({"commune": "phuong_cai_khe", "district": "thot_not"}, "commune"),
    ({"version": 2}, "version"),
    ({"colour": "brown"}, "colour"),
])
def test_a_bad_change_is_422_and_changes_nothing(mill, b, field):
    doc = create(mill)
    assert_problem(change(mill, doc, b), 422, [field])
    after = get(f"{BP}/{doc['id']}", token=mill.token).json()
    assert after == doc


def test_others_cannot_change_or_close(mill, brewery, staff):
    doc = create(mill)
    assert_problem(change(brewery, doc, {"material": "x"}), 404)
    assert_problem(close(brewery, doc), 404)
    assert_problem(change(staff, doc, {"material": "x"}), 403)
    assert_problem(close(staff, doc), 403)
    assert_problem(patch(f"{BP}/{doc['id']}", {"material": "x"},
                         headers={"If-Match": "*"}), 401)
    assert get(f"{BP}/{doc['id']}", token=mill.token).json() == doc


def test_a_patch_of_malformed_bodies(mill):
    doc = create(mill)
    assert_bad_bodies("PATCH", f"{BP}/{doc['id']}", token=mill.token)


# --- close ------------------------------------------------------------------


def test_closing_is_final_and_hides_the_entry(mill, brewery):
    word = made_up_word()
    doc = create(mill, material=f"Trấu {word}")
    assert_problem(close(mill, doc, if_match='"5"'), 412)
    r = close(mill, doc, if_match=tag(doc))
    assert r.status_code == 200, r.text
    closed = r.json()
    assert_etag(r, closed)
    assert closed["status"] == "closed"
    assert_rfc3339_utc(closed["closed_at"])
    assert closed["version"] == doc["version"] + 1
    # Twice, or a change afterwards: 409, saying when.
    again = assert_problem(close(mill, closed), 409)
    assert closed["closed_at"] in again["detail"]
    assert_problem(change(mill, closed, {"material": "x"}), 409)
    # Gone for everyone else, and from lists and matches.
    assert_problem(get(f"{BP}/{doc['id']}", token=brewery.token), 404)
    assert get(f"{BP}/{doc['id']}", token=mill.token).json() == closed
    assert doc["id"] not in ids(walk(brewery.token, q=word))
    assert doc["id"] not in ids(walk(mill.token, q=word))


def test_close_without_if_match_closes_the_current_version(mill):
    doc = create(mill)
    r = close(mill, doc)
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_close_takes_no_body_fields(mill):
    doc = create(mill)
    url = f"{BP}/{doc['id']}/close"
    assert_problem(post(url, {"status": "open"}, token=mill.token), 422,
                   ["status"])
    assert_problem(post(url, token=mill.token, data=b"{"), 400)
    assert get(f"{BP}/{doc['id']}", token=mill.token).json()["status"] \
        == "open"
    r = post(url, {}, token=mill.token)
    assert r.status_code == 200 and r.json()["status"] == "closed"


# --- the list ---------------------------------------------------------------


@pytest.fixture(scope="module")
def listed(mill, brewery, vendor_bp):
    """Entries with one made-up word, of every kind and place."""
    w = made_up_word()
    docs = {
        "husk": create(mill, material=f"Trấu lúa {w}"),
        "straw": create(mill, material=f"Rơm rạ cuộn {w}",
                        material_code="rice_straw", commune=...,
                        district="co_do", description="Rơm khô sau thu "
                        "hoạch, cuộn tròn."),
        "want": create(brewery, kind="want",
                       material=f"Trấu làm chất đốt lò hơi {w}",
                       commune="phuong_cai_khe", description=None),
        "heat": create(vendor_bp, material=f"Hơi nước dư {w}",
                       material_code="waste_heat", commune=...,
                       district="binh_thuy", kind="offer",
                       description="Nhiệt thải từ lò đốt đồng phát"),
    }
    return w, docs


def test_the_list_is_newest_first_and_signed_in_only(listed, brewery):
    w, docs = listed
    got = ids(walk(brewery.token, q=w))
    assert got == [d["id"] for d in reversed(list(docs.values()))]
    assert_problem(get(BP, params={"q": w}), 401)


@pytest.mark.parametrize("params,wanted", [
    ({"kind": "want"}, ["want"]),
    ({"kind": "offer"}, ["husk", "straw", "heat"]),
    ({"material_code": "rice_husk"}, ["husk", "want"]),
    ({"material_code": "waste_heat"}, ["heat"]),
    ({"material_code": "no_such_code"}, []),
    ({"district": "co_do"}, ["straw"]),
    ({"district": "thot_not", "kind": "offer"}, ["husk"]),
    ({"commune": "phuong_cai_khe"}, ["want"]),
    ({"commune": "phuong_co_do"}, []),
    ({"kind": "want", "district": "ninh_kieu",
      "material_code": "rice_husk"}, ["want"]),
])
def test_filters_combine(listed, mill, params, wanted):
    w, docs = listed
    got = ids(walk(mill.token, q=w, **params))
    assert sorted(got) == sorted(docs[k]["id"] for k in wanted)


@pytest.mark.parametrize("q,wanted", [
    ("trau", ["husk", "want"]),
    ("TRẤU", ["husk", "want"]),
    ("trấu lò hơi", ["want"]),
    ("ROM RA", ["straw"]),
    ("dong phat", ["heat"]),
    ("nhiệt thải", ["heat"]),
])
def test_q_is_diacritic_insensitive(listed, mill, q, wanted):
    w, docs = listed
    got = ids(walk(mill.token, q=f"{q} {w}"))
    assert sorted(got) == sorted(docs[k]["id"] for k in wanted)


HOSTILE_Q = ['"', "'", "' OR 1=1 --", "'; DROP TABLE byproducts; --",
             "&|!():*", "!!!", "(((", "<->", "%", "_", "\\", "\\x00",
             "null", "<script>", "😀" * 100, "ắ" * 200, "\u0301" * 200,
             " " * 200, "a:* & b:*", "*"]


@pytest.mark.parametrize("q", HOSTILE_Q, ids=range(len(HOSTILE_Q)))
def test_hostile_q_is_never_an_error(listed, mill, q):
    r = get(BP, token=mill.token, params={"q": q})
    assert r.status_code == 200, f"{q!r}: {r.status_code} {r.text[:300]}"
    for item in r.json()["items"]:
        assert item["status"] == "open"


@pytest.mark.parametrize("params", [
    {"kind": "sell"}, {"kind": ""}, {"sort": "newest"}, {"limit": "0"},
    {"limit": "101"}, {"cursor": "garbage"}, {"q": "x" * 201},
    {"status": "closed"},
])
def test_bad_parameters_are_400(mill, params):
    assert_problem(get(BP, token=mill.token, params=params), 400)


def test_cursors_walk_every_entry_once(mill, brewery):
    w = made_up_word()
    made = [create(mill, material=f"Cám gạo {w} {i}",
                   material_code="rice_bran")["id"] for i in range(5)]
    pages = []
    params = {"q": w, "limit": "2"}
    while True:
        doc = page(params, brewery.token)
        pages.append(ids(doc["items"]))
        if doc["next_cursor"] is None:
            break
        params["cursor"] = doc["next_cursor"]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sum(pages, []) == list(reversed(made))


def test_a_cursor_of_another_list_is_400(mill, brewery):
    w = made_up_word()
    for i in range(3):
        create(mill, material=f"Vỏ tôm {w} {i}")
    cur = page({"q": w, "limit": "1"}, brewery.token)["next_cursor"]
    assert cur
    assert_problem(get(f"{API}/needs", params={"cursor": cur}), 400)


def test_past_entries_leave_the_list(mill, brewery):
    w = made_up_word()
    doc = create(mill, material=f"Bã mía {w}")
    db_rows("UPDATE byproducts SET available_until = current_date - 3"
            " WHERE id = :'id'", id=doc["id"])
    assert ids(walk(brewery.token, q=w)) == []
    assert_problem(get(f"{BP}/{doc['id']}", token=brewery.token), 404)
    assert get(f"{BP}/{doc['id']}", token=mill.token).status_code == 200


# --- matches ----------------------------------------------------------------


def expected(a, b, km, today=None):
    """The README's score of b for a."""
    today = today or cantho_today()
    code = 0.35 if a["material_code"] and \
        a["material_code"] == b["material_code"] else 0
    qa, qb = a["quantity_tonnes_per_month"], b["quantity_tonnes_per_month"]
    qty = 0.15 * min(qa, qb) / max(qa, qb)
    near = 0.15 * max(0, 1 - km / 100)

    def days(d):
        if d["available_until"] is None:
            return None
        return (datetime.date.fromisoformat(d["available_until"])
                - today).days
    left = [x for x in (days(a), days(b)) if x is not None]
    avail = 0.10 * max(0, min(1, (min(left) if left else 90) / 90))
    return code, qty, near, avail


def test_matches_are_the_other_kind_of_other_organizations(mill, brewery,
                                                           vendor_bp):
    w = made_up_word()
    offer = create(mill, material=f"Trấu rời {w}",
                   quantity_tonnes_per_month=100, available_until=None)
    want = create(brewery, kind="want", material=f"Trấu rời {w}",
                  quantity_tonnes_per_month=50, available_until=None)
    own_want = create(mill, kind="want", material=f"Trấu rời {w}")
    other_offer = create(vendor_bp, material=f"Trấu rời {w}",
                         commune=..., district="binh_thuy")
    closed_want = create(vendor_bp, kind="want", material=f"Trấu rời {w}",
                         commune=..., district="binh_thuy")
    assert close(vendor_bp, closed_want).status_code == 200
    got = matches(mill, offer, limit=100)
    found = ids([m["byproduct"] for m in got])
    assert want["id"] in found
    for doc in (own_want, other_offer, closed_want, offer):
        assert doc["id"] not in found
    for m in got:
        assert set(m) == {"score", "reasons", "distance_km", "byproduct"}
        assert m["byproduct"]["kind"] == "want"
        assert m["byproduct"]["status"] == "open"
        assert m["byproduct"]["organization"]["id"] != \
            mill.account["organization"]["id"]
        assert 0 <= m["score"] <= 1
        assert set(m["reasons"]) <= REASONS
    scores = [(m["score"], m["byproduct"]["id"]) for m in got]
    assert scores == sorted(scores, reverse=True)
    # From the want's side, the offer.
    back = matches(brewery, want, limit=100)
    assert offer["id"] in ids([m["byproduct"] for m in back])
    assert other_offer["id"] in ids([m["byproduct"] for m in back])
    # No email of either side anywhere.
    text = json.dumps(got) + json.dumps(back)
    for user in (mill, brewery, vendor_bp):
        assert user.email not in text


def test_the_score_is_the_readmes(mill, brewery):
    w = made_up_word(12)
    offer = create(mill, material=f"Trấu {w}", quantity_tonnes_per_month=100,
                   available_until=None)
    want = create(brewery, kind="want", material=f"Trấu {w}",
                  commune="phuong_cai_khe",
                  quantity_tonnes_per_month=40, available_until=str(
                      cantho_today() + datetime.timedelta(days=45)))
    m = next(m for m in matches(mill, offer, limit=100)
             if m["byproduct"]["id"] == want["id"])
    km = float(db_value("SELECT tm_km('thot_not', 'ninh_kieu')"))
    assert m["distance_km"] == km
    code, qty, near, avail = expected(offer, want, km)
    # The same text: similarity 1, the full 0.25.
    assert abs(m["score"] - (code + 0.25 + qty + near + avail)) < 0.0011
    # 40 of 100 scores 0.06 of 0.15: less than half, no reason; 45 days
    # left scores half of availability's 0.10.
    assert m["reasons"] == ["same material code", "similar material",
                            "nearby", "available"]


def test_text_alone_finds_a_counterpart_without_a_code(mill, brewery):
    w = made_up_word(12)
    offer = create(mill, material=f"Vỏ trấu nghiền {w}", material_code=None)
    want = create(brewery, kind="want", material=f"Vỏ trấu nghiền {w}",
                  material_code=None)
    m = next(m for m in matches(mill, offer, limit=100)
             if m["byproduct"]["id"] == want["id"])
    assert "same material code" not in m["reasons"]
    assert "similar material" in m["reasons"]


def test_an_unrelated_material_is_no_candidate(mill, brewery):
    offer = create(mill, material=f"Trấu {made_up_word(12)}",
                   material_code="rice_husk")
    want = create(brewery, kind="want",
                  material=f"Phế liệu nhôm {made_up_word(12)}",
                  material_code="scrap_metal")
    assert want["id"] not in ids(
        [m["byproduct"] for m in matches(mill, offer, limit=100)])


def test_matches_are_deterministic_and_paged(mill, brewery):
    w = made_up_word()
    offer = create(mill, material=f"Mùn cưa {w}", material_code="wood_chips")
    for i in range(4):
        create(brewery, kind="want", material=f"Mùn cưa {w}",
               material_code="wood_chips",
               quantity_tonnes_per_month=10 * (i + 1))
    whole = matches(mill, offer, limit=100)
    assert matches(mill, offer, limit=100) == whole
    assert matches(mill, offer, limit=2) == whole


def test_matches_are_the_owners(mill, brewery, staff):
    offer = create(mill)
    url = f"{BP}/{offer['id']}/matches"
    assert_problem(get(url, token=brewery.token), 404)
    assert_problem(get(url, token=staff.token), 403)
    assert_problem(get(url), 401)
    assert_problem(get(f"{BP}/not-a-uuid/matches", token=mill.token), 404)
    assert_problem(get(url, token=mill.token, params={"limit": "500"}), 400)
    assert_problem(get(url, token=mill.token, params={"q": "x"}), 400)


def test_a_closed_or_past_entry_has_and_is_no_match(mill, brewery):
    w = made_up_word(12)
    offer = create(mill, material=f"Bã hèm {w}", material_code="spent_grain")
    want = create(brewery, kind="want", material=f"Bã hèm {w}",
                  material_code="spent_grain")
    assert want["id"] in ids([m["byproduct"]
                              for m in matches(mill, offer, limit=100)])
    db_rows("UPDATE byproducts SET available_until = current_date - 3"
            " WHERE id = :'id'", id=want["id"])
    assert want["id"] not in ids([m["byproduct"]
                                  for m in matches(mill, offer, limit=100)])
    assert close(mill, offer).status_code == 200
    assert matches(mill, offer, limit=100) == []


def test_every_way_to_candidates_has_an_index(base_url):
    """Each branch of the candidates can be read from an index (which
    one depends on the table's size: see the README's plan at
    100,000)."""
    plan = "\n".join(r[0] for r in db_rows(
        "SET enable_seqscan = off; EXPLAIN SELECT c.id FROM byproducts s,"
        " byproduct_candidates(s) c"
        " WHERE s.id = '6f1c2b7e-3d4a-4f5b-9c8d-1e2f3a4b5c6d'"))
    assert "Seq Scan" not in plan, plan
    assert "byproducts_code" in plan, plan
