"""Needs, enterprises' requests: POST/GET/PATCH/DELETE /needs[/{id}] and
the public list of open needs with its filters, keyset cursors and
diacritic-insensitive Vietnamese search.

Other tests post needs too, so list assertions either search for made-up
words only this module uses or look for this module's ids.
"""

import threading
import unicodedata
import uuid

import pytest

import conftest
from conftest import (NEEDS, UUID_RE, assert_create_refused, assert_etag,
                      assert_problem, assert_rfc3339_utc, created, db_count,
                      db_rows, delete, etag, get, ids, in_order,
                      made_up_word, moved, new_user, patch, post, walk_pages,
                      without, word_like_no_other)

# The contract's fields; updated_at is this server's extension.
CONTRACT_KEYS = {"id", "enterprise", "title", "description", "category",
                 "sector", "commune", "district", "budget_max_vnd",
                 "deadline", "status", "version", "created_at"}
DOC_KEYS = CONTRACT_KEYS | {"updated_at"}


# --- helpers ----------------------------------------------------------------


def need_body(**overrides):
    body = {
        "title": f"Cần hệ thống xử lý nước thải chế biến thủy sản "
                 f"{made_up_word()}",
        "description": "Nhà máy fillet cá tra 120 tấn/ngày; nước thải "
                       "đầu ra phải đạt QCVN 11-MT:2015/BTNMT cột A.",
        "category": "wastewater_treatment",
        "sector": "seafood_processing",
        "district": "ninh_kieu",
        "budget_max_vnd": 3_000_000_000,
        "deadline": "2027-03-31",
    }
    body.update(overrides)
    return body


def org(user):
    return user.account["organization"]


def create_need(user, **overrides):
    return created(NEEDS, user, need_body(**overrides))


def patch_need(user, nid, body, if_match=None):
    headers = {"If-Match": if_match} if if_match is not None else None
    return patch(f"{NEEDS}/{nid}", body, token=user.token, headers=headers)


def set_status(user, doc, status):
    return moved(NEEDS, user, doc, status)


def get_need(nid, token=None):
    return get(f"{NEEDS}/{nid}", token=token)


def list_page(params=None, token=None):
    doc = conftest.list_page(NEEDS, params, token,
                             conftest.search_keys(params))
    for item in doc["items"]:
        assert item["status"] == "open", item
    return doc


def walk(params=None, limit=100):
    """Every item of the list, following next_cursor."""
    return walk_pages(list_page, params, limit)


def search_ids(q, **params):
    return ids(walk(dict(params, q=q)))


def needs_of(user):
    return db_count("SELECT count(*) FROM needs WHERE enterprise_id = :'o'",
                    o=org(user)["id"])


def fold(text):
    """What the server's tm_fold does, near enough for made-up words."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d")
                                 .replace("Đ", "D"))
    return "".join(c for c in text
                   if not unicodedata.combining(c)).lower()


def assert_doc_shape(doc):
    assert set(doc) == DOC_KEYS, sorted(doc)
    assert UUID_RE.match(doc["id"]), doc["id"]
    assert set(doc["enterprise"]) == {"id", "name", "verified"}, \
        doc["enterprise"]
    assert isinstance(doc["enterprise"]["verified"], bool)
    assert doc["status"] in ("open", "closed")
    assert isinstance(doc["version"], int) and doc["version"] >= 1
    assert_rfc3339_utc(doc["created_at"])
    assert_rfc3339_utc(doc["updated_at"])


@pytest.fixture(scope="module")
def owner(base_url):
    """The enterprise whose needs most tests here work with."""
    return new_user("enterprise", sector="seafood_processing",
                    district="ninh_kieu")


# --- create -----------------------------------------------------------------


def test_create_returns_an_open_need_with_every_field(owner):
    title = "Cần công nghệ xử lý nước thải giàu đạm từ chế biến cá tra " \
            + made_up_word()
    body = need_body(title=title,
                     description="Lưu lượng 800 m³/ngày; Ô Môn, Cần Thơ.\n"
                                 "Ưu tiên giải pháp tiết kiệm điện.",
                     deadline="2027-02-28", budget_max_vnd=3_000_000_000)
    assert body["title"] == unicodedata.normalize("NFC", body["title"])
    r = post(NEEDS, body, token=owner.token)
    assert r.status_code == 201, r.text
    assert r.headers.get("Content-Type", "").startswith("application/json")
    doc = r.json()
    assert_doc_shape(doc)
    assert_etag(r, doc)
    assert doc["version"] == 1
    assert doc["status"] == "open"
    assert doc["enterprise"] == {"id": org(owner)["id"],
                                 "name": org(owner)["name"],
                                 "verified": False}
    for key in ("title", "description", "category", "sector", "district",
                "budget_max_vnd", "deadline"):
        assert doc[key] == body[key], key
    assert doc["commune"] is None, "a district alone leaves no commune"
    assert doc["deadline"] == "2027-02-28"
    assert isinstance(doc["budget_max_vnd"], int)

    again = get_need(doc["id"])
    assert again.status_code == 200, again.text
    assert again.json() == doc
    assert_etag(again)
    stored = db_rows("SELECT title, description, deadline::text, status"
                     " FROM needs WHERE id = :'id'", id=doc["id"])
    assert stored == [[body["title"], body["description"], "2027-02-28",
                       "open"]]


def test_create_with_only_the_required_fields(owner):
    body = {"title": "Cần lò hơi đốt trấu", "category": "energy_efficiency",
            "sector": "rice_food_processing", "district": "thot_not"}
    r = post(NEEDS, body, token=owner.token)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert_doc_shape(doc)
    assert doc["description"] == ""
    assert doc["budget_max_vnd"] is None
    assert doc["deadline"] is None
    assert doc["status"] == "open"


def test_nfd_text_comes_back_nfc(owner):
    nfc = {"title": "Cần thiết bị thu hồi nhiệt khí thải lò sấy",
           "description": "Đốt củi; nhiệt độ khói 180 °C, Phong Điền."}
    body = need_body(**{k: unicodedata.normalize("NFD", v)
                        for k, v in nfc.items()})
    assert body["title"] != nfc["title"]
    r = post(NEEDS, body, token=owner.token)
    assert r.status_code == 201, r.text
    doc = r.json()
    for key, value in nfc.items():
        assert doc[key] == value, key
    assert get_need(doc["id"]).json()["title"] == nfc["title"]


@pytest.mark.parametrize("who", ["vendor_ro", "agency_ro", "admin"])
def test_create_by_other_roles_is_403(request, who):
    user = request.getfixturevalue(who)
    assert_create_refused(NEEDS, "needs", need_body(), 403, user.token)


@pytest.mark.parametrize("token", [None, "tms_" + "A" * 64, "garbage"])
def test_create_without_valid_credentials_is_401(base_url, token):
    assert_create_refused(NEEDS, "needs", need_body(), 401, token)


# One member set to what the contract refuses: (id, member, value); the
# error names that member.
BAD_MEMBERS = [
    ("null-title", "title", None), ("blank-title", "title", "  "),
    ("long-title", "title", "x" * 201), ("number-title", "title", 42),
    ("february-30", "deadline", "2027-02-30"),
    ("month-13", "deadline", "2027-13-01"),
    ("not-iso-date", "deadline", "31/03/2027"),
    ("timestamp-not-date", "deadline", "2027-03-31T00:00:00Z"),
    ("unknown-district", "district", "ha_noi"),
    ("unknown-sector", "sector", "mining"),
    ("unknown-category", "category", "teleportation"),
    ("malformed-category", "category", "Wastewater Treatment"),
    ("negative-budget", "budget_max_vnd", -1),
    ("float-budget", "budget_max_vnd", 1.5e9),
    ("string-budget", "budget_max_vnd", "3000000000"),
    ("read-only-id", "id", str(uuid.uuid4())),
    ("read-only-enterprise", "enterprise",
     {"id": str(uuid.uuid4()), "name": "Khác"}),
    ("read-only-status", "status", "open"),
    ("read-only-status-closed", "status", "closed"),
    ("read-only-version", "version", 1),
    ("read-only-created-at", "created_at", "2026-01-01T00:00:00Z"),
    ("unknown-field", "priority", "high"),
]

INVALID_CREATES = [
    pytest.param(without(need_body(), key), [key], id=f"no-{key}")
    for key in ("title", "category", "sector")
] + [
    # Without a commune or a district, the commune is what is missing.
    pytest.param(without(need_body(), "district"), ["commune"],
                 id="no-place"),
] + [
    pytest.param(need_body(**{key: value}), [key], id=name)
    for name, key, value in BAD_MEMBERS
] + [
    pytest.param(need_body(title=None, district="ha_noi", colour="red"),
                 ["title", "colour"], id="several-errors"),
]


@pytest.mark.parametrize("body,fields", INVALID_CREATES)
def test_invalid_create_is_422_and_writes_nothing(owner, body, fields):
    before = needs_of(owner)
    doc = assert_problem(post(NEEDS, body, token=owner.token), 422, fields)
    for e in doc["errors"]:
        assert e["field"], doc
    assert needs_of(owner) == before, "a rejected create wrote a need"


def test_unknown_code_is_named_in_english_too(owner):
    r = post(NEEDS, need_body(sector="mining"), token=owner.token,
             headers={"Accept-Language": "en"})
    assert_problem(r, 422, ["sector"])


def test_year_zero_deadline_is_a_field_error(owner):
    """0000-01-01 passes the format check but PostgreSQL's date type has
    no year 0: a validation error like any other, naming deadline."""
    before = needs_of(owner)
    r = post(NEEDS, need_body(deadline="0000-01-01"), token=owner.token)
    assert_problem(r, 422, ["deadline"])
    assert needs_of(owner) == before


def test_title_of_200_characters_is_fine(owner):
    title = "ữ" * 200
    assert create_need(owner, title=title)["title"] == title


def test_text_that_grows_under_nfc_is_a_field_error(owner):
    """U+0344 is one code point that NFC turns into two: 150 of them
    pass the length check as sent, not once normalised: a 422 naming
    the field."""
    before = needs_of(owner)
    r = post(NEEDS, need_body(title="Máy " + "\u0344" * 150),
             token=owner.token)
    assert_problem(r, 422, ["title"])
    assert needs_of(owner) == before


def test_malformed_json_is_400(owner):
    before = needs_of(owner)
    r = post(NEEDS, data='{"title": "Cần'.encode(), token=owner.token)
    assert_problem(r, 400)
    assert needs_of(owner) == before


def test_wrong_content_type_is_415(owner):
    r = post(NEEDS, data=b"title=x", token=owner.token,
             content_type="application/x-www-form-urlencoded")
    assert_problem(r, 415)


# --- reading and visibility -------------------------------------------------


def test_open_need_is_public(owner, enterprise_ro, vendor_ro):
    doc = create_need(owner)
    for token in (None, enterprise_ro.token, vendor_ro.token, owner.token):
        r = get_need(doc["id"], token=token)
        assert r.status_code == 200, r.text
        assert r.json() == doc
        assert_etag(r)


def test_closed_need_is_visible_only_to_its_enterprise(owner, enterprise_ro,
                                                       vendor_ro):
    word = made_up_word()
    doc = create_need(owner, title=f"Cần máy ép bùn băng tải {word}")
    assert search_ids(word) == [doc["id"]]
    closed = set_status(owner, doc, "closed")
    for token in (None, enterprise_ro.token, vendor_ro.token):
        assert_problem(get_need(doc["id"], token=token), 404)
    mine = get_need(doc["id"], token=owner.token)
    assert mine.status_code == 200, mine.text
    assert mine.json() == closed
    assert mine.json()["status"] == "closed"
    assert search_ids(word) == []
    assert search_ids(word, sort="newest") == []
    assert doc["id"] not in ids(walk())
    assert doc["id"] not in ids(walk({"category": doc["category"],
                                      "district": doc["district"]}))


def test_not_found_is_404(owner):
    assert_problem(get_need(str(uuid.uuid4()), token=owner.token), 404)
    assert_problem(get_need(str(uuid.uuid4())), 404)


@pytest.mark.parametrize("nid", ["not-a-uuid", "123",
                                 "6f1c0000-0000-0000-0000-00000000000g",
                                 "%27%20OR%201%3D1--"])
def test_non_uuid_id_is_404(owner, nid):
    assert_problem(get_need(nid, token=owner.token), 404)
    assert_problem(get_need(nid), 404)


def test_bad_token_on_a_public_read_is_401(owner):
    doc = create_need(owner)
    assert_problem(get_need(doc["id"], token="tms_" + "B" * 64), 401)


# --- PATCH ------------------------------------------------------------------


def test_patch_updates_fields_and_bumps_the_version(owner):
    doc = create_need(owner)
    change = {"title": "Cần hệ thống lọc sinh học MBBR cho nước thải",
              "description": "Thay bể hiếu khí cũ.",
              "category": "water_saving", "sector": "beverages",
              "district": "co_do", "budget_max_vnd": 1_500_000_000,
              "deadline": "2028-02-29"}
    r = patch_need(owner, doc["id"], change, etag(doc))
    assert r.status_code == 200, r.text
    new = r.json()
    assert_doc_shape(new)
    assert_etag(r, new)
    assert new["version"] == doc["version"] + 1
    for key, value in change.items():
        assert new[key] == value, key
    assert new["id"] == doc["id"]
    assert new["enterprise"] == doc["enterprise"]
    assert new["created_at"] == doc["created_at"]
    assert new["status"] == "open"
    assert get_need(doc["id"]).json() == new


def test_patch_null_clears_optional_fields(owner):
    doc = create_need(owner)
    r = patch_need(owner, doc["id"], {"budget_max_vnd": None,
                                      "deadline": None,
                                      "description": None}, etag(doc))
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["budget_max_vnd"] is None
    assert new["deadline"] is None
    assert new["description"] == ""
    assert new["title"] == doc["title"]


def test_close_and_open_again(owner):
    doc = create_need(owner)
    closed = set_status(owner, doc, "closed")
    assert closed["version"] == doc["version"] + 1
    reopened = set_status(owner, closed, "open")
    assert reopened["version"] == doc["version"] + 2
    r = get_need(doc["id"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open"
    # Closing twice in a row is harmless too.
    twice = set_status(owner, set_status(owner, reopened, "closed"),
                       "closed")
    assert twice["status"] == "closed"


@pytest.mark.parametrize("field", ["title", "category", "sector",
                                   "district", "status"])
def test_patch_null_required_field_is_422(owner, field):
    doc = create_need(owner)
    r = patch_need(owner, doc["id"], {field: None}, etag(doc))
    assert_problem(r, 422, [field])
    assert get_need(doc["id"]).json() == doc


INVALID_PATCHES = [
    pytest.param({"status": "archived"}, ["status"], id="status-archived"),
    pytest.param({"status": "draft"}, ["status"], id="status-draft"),
    pytest.param({"district": "ha_noi"}, ["district"],
                 id="unknown-district"),
    pytest.param({"category": "teleportation"}, ["category"],
                 id="unknown-category"),
    pytest.param({"sector": "mining"}, ["sector"], id="unknown-sector"),
    pytest.param({"deadline": "2027-02-30"}, ["deadline"], id="bad-date"),
    pytest.param({"budget_max_vnd": -5}, ["budget_max_vnd"],
                 id="negative-budget"),
    pytest.param({"title": "ab"}, ["title"], id="short-title"),
    pytest.param({"id": str(uuid.uuid4())}, ["id"], id="read-only-id"),
    pytest.param({"enterprise": {"id": str(uuid.uuid4())}}, ["enterprise"],
                 id="read-only-enterprise"),
    pytest.param({"version": 7}, ["version"], id="read-only-version"),
    pytest.param({"urgent": True}, ["urgent"], id="unknown-field"),
]


@pytest.mark.parametrize("body,fields", INVALID_PATCHES)
def test_invalid_patch_is_422_and_changes_nothing(owner, body, fields):
    doc = create_need(owner)
    assert_problem(patch_need(owner, doc["id"], body, etag(doc)), 422,
                   fields)
    assert get_need(doc["id"]).json() == doc


def test_patch_without_if_match_is_428(owner):
    doc = create_need(owner)
    assert_problem(patch_need(owner, doc["id"], {"title": "Cần máy mới"}),
                   428)
    assert get_need(doc["id"]).json() == doc


@pytest.mark.parametrize("value", ['"2"', '"0"', "2", 'W/"1"', '"x"',
                                   '"99999999999"'])
def test_patch_with_a_non_matching_if_match_is_412(owner, value):
    doc = create_need(owner)
    assert_problem(patch_need(owner, doc["id"], {"title": "Cần máy mới"},
                              value), 412)
    assert get_need(doc["id"]).json() == doc


def test_stale_etag_is_412_after_a_change(owner):
    doc = create_need(owner)
    new = set_status(owner, doc, "closed")
    assert_problem(patch_need(owner, doc["id"], {"status": "open"},
                              etag(doc)), 412)
    assert get_need(doc["id"], token=owner.token).json() == new


def test_patch_with_if_match_star_applies_to_any_version(owner):
    doc = create_need(owner)
    doc = set_status(owner, doc, "closed")
    r = patch_need(owner, doc["id"], {"status": "open",
                                      "title": "Cần máy lọc mới"}, "*")
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["version"] == doc["version"] + 1
    assert new["status"] == "open"
    assert new["title"] == "Cần máy lọc mới"
    assert_etag(r, new)


def test_patch_by_someone_else(owner, enterprise_ro, vendor_ro, admin):
    doc = create_need(owner)
    body = {"title": "Cần chiếm đoạt", "status": "closed"}
    assert_problem(patch_need(enterprise_ro, doc["id"], body, etag(doc)), 404)
    assert_problem(patch_need(enterprise_ro, doc["id"], body, "*"), 404)
    assert_problem(patch_need(vendor_ro, doc["id"], body, etag(doc)), 403)
    assert_problem(patch_need(admin, doc["id"], body, etag(doc)), 403)
    assert_problem(patch(f"{NEEDS}/{doc['id']}", body,
                         headers={"If-Match": etag(doc)}), 401)
    assert get_need(doc["id"]).json() == doc


def test_patch_unknown_or_malformed_id_is_404(owner):
    assert_problem(patch_need(owner, str(uuid.uuid4()), {"title": "Cần x"},
                              '"1"'), 404)
    assert_problem(patch_need(owner, "nope", {"title": "Cần x"}, '"1"'),
                   404)


def test_parallel_patches_with_the_same_etag(owner):
    doc = create_need(owner)
    n = 6
    barrier = threading.Barrier(n)
    results = [None] * n

    def one(i):
        barrier.wait(timeout=10)
        try:
            results[i] = patch_need(owner, doc["id"],
                                    {"title": f"Cần máy số {i}"}, etag(doc))
        except Exception as e:  # reported below
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert codes == [200] + [412] * (n - 1), codes
    winner = next(r for r in results if r.status_code == 200).json()
    now = get_need(doc["id"]).json()
    assert now == winner
    assert now["version"] == doc["version"] + 1


# --- DELETE -----------------------------------------------------------------


@pytest.mark.parametrize("status", ["open", "closed"])
def test_delete_own(owner, status):
    doc = create_need(owner)
    if status == "closed":
        doc = set_status(owner, doc, "closed")
    r = delete(f"{NEEDS}/{doc['id']}", token=owner.token)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_problem(get_need(doc["id"], token=owner.token), 404)
    assert_problem(get_need(doc["id"]), 404)
    assert_problem(delete(f"{NEEDS}/{doc['id']}", token=owner.token), 404)
    assert db_count("SELECT count(*) FROM needs WHERE id = :'id'",
                    id=doc["id"]) == 0


def test_delete_by_someone_else(owner, enterprise_ro, vendor_ro):
    doc = create_need(owner)
    assert_problem(delete(f"{NEEDS}/{doc['id']}",
                          token=enterprise_ro.token), 404)
    assert_problem(delete(f"{NEEDS}/{doc['id']}", token=vendor_ro.token),
                   403)
    assert_problem(delete(f"{NEEDS}/{doc['id']}"), 401)
    assert get_need(doc["id"]).json() == doc


def test_delete_unknown_or_malformed_id_is_404(owner):
    assert_problem(delete(f"{NEEDS}/{uuid.uuid4()}", token=owner.token),
                   404)
    assert_problem(delete(f"{NEEDS}/xyz", token=owner.token), 404)


# --- the list ---------------------------------------------------------------


@pytest.fixture(scope="module")
def batch(owner):
    """Five open needs sharing a made-up word, oldest first, and a sixth
    with the word that is closed."""
    word = made_up_word()
    docs = [create_need(owner, title=f"Cần bể lọc số {i} {word}")
            for i in range(5)]
    closed = set_status(owner, create_need(owner, title=f"Cần bể {word}"),
                        "closed")
    return word, docs, closed


def test_list_is_public_and_newest_first(batch):
    word, docs, _ = batch
    page = list_page({"limit": "100"})
    created = [item["created_at"] for item in page["items"]]
    assert created == sorted(created, reverse=True)
    for item in page["items"]:
        assert_doc_shape(item)
    newest = ids(walk({"q": word, "sort": "newest"}))
    assert newest == [d["id"] for d in reversed(docs)]
    # Without q, the default sort is newest too.
    everything = ids(walk())
    mine = [i for i in everything if i in {d["id"] for d in docs}]
    assert mine == [d["id"] for d in reversed(docs)]


def test_list_items_are_the_documents(batch):
    word, docs, _ = batch
    items = walk({"q": word, "sort": "newest"})
    assert items == list(reversed(docs))


@pytest.fixture(scope="module")
def many(owner):
    """21 open needs sharing a made-up word, oldest first."""
    word = made_up_word()
    return word, [create_need(owner, title=f"Cần máy sấy số {i} {word}")
                  for i in range(21)]


def test_default_limit_is_20(many):
    word, docs = many
    page = list_page({"q": word, "sort": "newest"})
    assert ids(page["items"]) == ids(reversed(docs))[:20]
    assert page["next_cursor"]
    # The whole list holds at least these 21: its first page is 20 too.
    assert len(list_page()["items"]) == 20


@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_walk_with_small_pages_returns_every_open_need_once(batch, sort):
    word, docs, closed = batch
    got = ids(walk({"q": word, "sort": sort}, limit=1))
    assert len(got) == len(set(got)), got
    assert set(got) == {d["id"] for d in docs}
    two = ids(walk({"q": word, "sort": sort}, limit=2))
    assert sorted(two) == sorted(got)
    if sort == "newest":
        assert two == got


def test_walk_of_the_whole_list_returns_every_open_need_once(batch):
    """Other tests' needs come and go meanwhile: what this module owns is
    met once, in place, and the whole walk stays newest first."""
    word, docs, closed = batch
    items = walk(limit=7)
    got = ids(items)
    assert len(got) == len(set(got)), "an id came twice"
    assert in_order(got, ids(docs)) == ids(reversed(docs))
    assert closed["id"] not in got
    created = [item["created_at"] for item in items]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("query", [
    "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
    "limit=1e2", "cursor=garbage", "cursor=", "colour=red",
    "limit=5&limit=6", "sort=price_asc", "sort=bogus", "status=closed",
    "q=%C3%28", "category=%FF"])
def test_bad_list_parameters_are_400(base_url, query):
    assert_problem(get(f"{NEEDS}?{query}"), 400)


def test_limit_100_is_fine(many):
    word, docs = many
    page = list_page({"q": word, "sort": "newest", "limit": "100"})
    assert ids(page["items"]) == ids(reversed(docs))
    assert page["next_cursor"] is None
    page = list_page({"limit": "100"})
    assert len(page["items"]) == 100 or page["next_cursor"] is None
    assert len(page["items"]) >= len(docs)


def test_cursor_is_bound_to_its_sort(batch):
    word, docs, _ = batch
    newest = list_page({"q": word, "sort": "newest", "limit": "1"})
    relevant = list_page({"q": word, "limit": "1"})
    assert newest["next_cursor"] and relevant["next_cursor"]
    assert_problem(get(NEEDS, params={"q": word, "limit": "1",
                                      "cursor": newest["next_cursor"]}),
                   400)
    assert_problem(get(NEEDS, params={"q": word, "sort": "newest",
                                      "limit": "1",
                                      "cursor": relevant["next_cursor"]}),
                   400)


def test_tampered_cursor_is_400(batch):
    word, _, _ = batch
    cursor = list_page({"q": word, "sort": "newest",
                        "limit": "1"})["next_cursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    assert_problem(get(NEEDS, params={"q": word, "sort": "newest",
                                      "limit": "1", "cursor": flipped}), 400)


@pytest.fixture(scope="module")
def spread(owner):
    """Needs sharing a made-up word across categories, sectors and
    districts."""
    word = made_up_word()
    specs = [("wastewater_treatment", "seafood_processing", "ninh_kieu"),
             ("energy_efficiency", "beverages", "cai_rang"),
             ("solid_waste", "seafood_processing", "o_mon"),
             ("energy_efficiency", "textiles_garments", "o_mon")]
    docs = [create_need(owner, title=f"Nhu cầu {word} số {i}", category=c,
                        sector=s, district=d)
            for i, (c, s, d) in enumerate(specs)]
    return word, docs


@pytest.mark.parametrize("params", [
    {"category": "energy_efficiency"},
    {"category": "wastewater_treatment"},
    {"sector": "seafood_processing"},
    {"sector": "beverages"},
    {"district": "o_mon"},
    {"district": "cai_rang"},
    {"category": "energy_efficiency", "district": "o_mon"},
    {"category": "solid_waste", "sector": "beverages"},
    {"category": "air_emissions"},
], ids=lambda p: "+".join(f"{k}={v}" for k, v in p.items()))
def test_filters(spread, params):
    word, docs = spread
    expected = {d["id"] for d in docs
                if all(d[k] == v for k, v in params.items())}
    for sort in ("newest", "relevance"):
        assert set(search_ids(word, sort=sort, **params)) == expected
    # Without q: every item obeys the filter, and ours are there.
    items = walk(params)
    for item in items:
        for key, value in params.items():
            assert item[key] == value, (key, item)
    assert expected <= set(ids(items))


def test_unknown_filter_code_finds_nothing(spread):
    assert not list_page({"category": "teleportation"})["items"]


@pytest.fixture(scope="module")
def vietnamese(owner):
    """A need whose title has a made-up word with diacritics and đ."""
    a, b = made_up_word(4), made_up_word(4)
    word = f"đ{a}ươ{b}ỗ"
    assert fold(word) == f"d{a}uo{b}o"
    doc = create_need(owner, title=f"Cần lò hơi đốt trấu {word} "
                                   "cho nhà máy xay xát",
                      description="Điện mặt trời áp mái đi kèm.")
    return word, doc


@pytest.mark.parametrize("how", ["as-written", "folded", "upper",
                                 "nfd", "with-other-words",
                                 "folded-with-other-words"])
def test_search_ignores_diacritics_and_case(vietnamese, how):
    word, doc = vietnamese
    q = {"as-written": word,
         "folded": fold(word),
         "upper": word.upper(),
         "nfd": unicodedata.normalize("NFD", word),
         "with-other-words": f"lò hơi {word}",
         "folded-with-other-words": f"lo hoi dot trau {fold(word)}"}[how]
    assert search_ids(q) == [doc["id"]]


def test_search_for_a_word_nobody_wrote_finds_nothing(vietnamese):
    assert search_ids(word_like_no_other()) == []


def test_relevance_puts_title_hits_first(owner):
    word = made_up_word()
    in_description = create_need(owner, title="Cần máy nén khí tiết kiệm",
                                 description=f"Liên quan {word}.")
    in_title = create_need(owner, title=f"Cần máy {word} tiết kiệm")
    assert search_ids(word) == [in_title["id"], in_description["id"]]


@pytest.mark.parametrize("q", ["' OR 1=1 --", '"nước thải', "a & b | !c",
                               "(xử lý)", "100%", "\\", ":*", "<->"])
def test_free_text_is_never_an_error(base_url, q):
    r = get(NEEDS, params={"q": q})
    assert r.status_code == 200, f"{r.status_code}: {r.text[:300]}"
    assert isinstance(r.json()["items"], list)


def test_q_over_200_characters_is_400(base_url):
    assert_problem(get(NEEDS, params={"q": "ỹ" * 201}), 400)
    list_page({"q": "ỹ" * 200})
