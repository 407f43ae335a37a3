"""GET /me/technologies: a vendor's own listings in every status (the
web page /cua-toi lists them to edit), newest first, paged; only
vendors, each seeing its own.
"""

import pytest

import conftest
from conftest import (API, TECH, assert_problem, created, get, made_up_word,
                      moved, new_user, walk_pages)

MINE = f"{API}/me/technologies"


def body(word, n):
    return {"title": f"Công nghệ {word} số {n}", "summary": "Thử.",
            "category": "water_saving", "trl": 5}


@pytest.fixture(scope="module")
def shelf(base_url):
    """One vendor's five listings, oldest first: a draft, two published,
    an archived one and a second draft; another vendor's draft."""
    v = new_user("vendor")
    w = made_up_word()
    docs = [created(TECH, v, body(w, n)) for n in range(5)]
    docs[1] = moved(TECH, v, docs[1], "published")
    docs[2] = moved(TECH, v, docs[2], "published")
    docs[3] = moved(TECH, v, moved(TECH, v, docs[3], "published"),
                    "archived")
    other = new_user("vendor")
    theirs = created(TECH, other, body(w, 9))
    return {"v": v, "docs": docs, "other": other, "theirs": theirs}


def page(user, params=None):
    return conftest.list_page(MINE, params, user.token)


def ids(items):
    return [i["id"] for i in items]


def test_every_status_newest_first(shelf):
    got = page(shelf["v"])["items"]
    want = list(reversed(shelf["docs"]))
    assert ids(got) == ids(want)
    assert [i["status"] for i in got] == \
        ["draft", "archived", "published", "published", "draft"]
    # The documents GET /technologies/{id} gives their vendor.
    for item in got:
        r = get(f"{TECH}/{item['id']}", token=shelf["v"].token)
        assert r.status_code == 200 and r.json() == item


def test_another_vendor_sees_only_its_own(shelf):
    got = page(shelf["other"])["items"]
    assert ids(got) == [shelf["theirs"]["id"]]
    assert shelf["theirs"]["id"] not in ids(page(shelf["v"])["items"])


@pytest.mark.parametrize("status,which", [
    ("draft", [4, 0]), ("published", [2, 1]), ("archived", [3])])
def test_status_filter(shelf, status, which):
    got = page(shelf["v"], {"status": status})["items"]
    assert ids(got) == [shelf["docs"][i]["id"] for i in which]


@pytest.mark.parametrize("query,name", [
    ({"status": "open"}, "status"), ({"status": ""}, "status"),
    ({"status": "Draft"}, "status"), ({"sort": "newest"}, "sort"),
    ({"limit": "0"}, None), ({"cursor": "nope"}, None)])
def test_bad_parameters_are_400(shelf, query, name):
    r = get(MINE, params=query, token=shelf["v"].token)
    doc = assert_problem(r, 400)
    if name is not None:
        assert name in doc["detail"], doc


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_without_repeats(shelf, limit):
    got = walk_pages(lambda p: page(shelf["v"], p), {}, limit)
    assert ids(got) == ids(reversed(shelf["docs"]))
    drafts = walk_pages(lambda p: page(shelf["v"], p), {"status": "draft"},
                        1)
    assert ids(drafts) == [shelf["docs"][4]["id"], shelf["docs"][0]["id"]]


def test_a_cursor_of_another_list_is_400(shelf):
    first = conftest.list_page(TECH, {"limit": "1"})
    assert first["next_cursor"]
    r = get(MINE, params={"cursor": first["next_cursor"]},
            token=shelf["v"].token)
    assert_problem(r, 400)


def test_only_vendors(shelf, enterprise_ro, admin):
    assert_problem(get(MINE), 401)
    assert_problem(get(MINE, token="tms_" + "A" * 64), 401)
    assert_problem(get(MINE, token=enterprise_ro.token), 403)
    assert_problem(get(MINE, token=admin.token), 403)
