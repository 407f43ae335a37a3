"""Conditional GETs of documents: If-None-Match → 304.

A document's ETag is "<version>-<hash of its bytes>", so it changes with
anything the document embeds (its vendor's name and verified flag),
not only with its own version; a 304 comes only after the query has
decided the caller may see the document at all.
"""

import pytest

from conftest import (API, NEEDS, TECH, admin_patch, assert_etag,
                      assert_problem, call, created, etag, get, made_up_word,
                      me, new_user, patch, post, publish_tech, tag_version,
                      verify)

pytestmark = pytest.mark.usefixtures("base_url")


def tech_body():
    return {"title": f"Lò hơi đốt trấu {made_up_word()}", "trl": 7,
            "summary": "Thay lò than bằng lò đốt trấu.",
            "category": "renewable_energy",
            "sectors": ["rice_food_processing"]}


def need_body():
    return {"title": f"Cần lò hơi đốt trấu {made_up_word()}",
            "description": "Nhà máy xay xát 200 tấn/ngày.",
            "category": "renewable_energy",
            "sector": "rice_food_processing", "district": "ninh_kieu",
            "budget_max_vnd": 900_000_000, "deadline": "2027-03-31"}


def conditional(path, tag, token=None, method="GET"):
    return call(method, path, token=token, headers={"If-None-Match": tag})


def cache_control(r):
    """Who asks shapes a document: anonymous readers revalidate; what a
    token read is kept nowhere (test_privsep.py)."""
    if "Authorization" in r.request.headers:
        return "no-store"
    return "private, no-cache"


def assert_not_modified(r, tag):
    assert r.status_code == 304, f"{r.status_code}: {r.text}"
    assert r.content == b""
    assert r.headers.get("ETag") == tag
    assert r.headers.get("Cache-Control") == cache_control(r)


def fetched(path, token=None):
    r = get(path, token=token)
    assert r.status_code == 200, f"{r.status_code}: {r.text}"
    assert_etag(r)
    assert r.headers.get("Cache-Control") == cache_control(r)
    return r


def test_a_document_is_not_sent_again_to_who_has_it(vendor):
    tech = publish_tech(vendor, tech_body())
    path = f"{TECH}/{tech['id']}"
    tag = fetched(path).headers["ETag"]
    assert tag_version(tag) == tech["version"]
    for header in (tag, f"W/{tag}", f'"x", {tag}', "*"):
        assert_not_modified(conditional(path, header), tag)
    assert_not_modified(conditional(path, tag, method="HEAD"), tag)
    # Another tag, or the version alone (the If-Match form), is not it.
    # The last digit changed (to 0 it was the same tag, one time in 16).
    other = tag[:-2] + ("1" if tag[-2] == "0" else "0") + '"'
    for header in ('"x"', etag(tech), other):
        r = conditional(path, header)
        assert r.status_code == 200 and r.json()["id"] == tech["id"]


def test_verifying_the_vendor_changes_the_tag_not_the_version(admin):
    vendor = new_user("vendor")
    tech = publish_tech(vendor, tech_body())
    path = f"{TECH}/{tech['id']}"
    before = fetched(path)
    assert before.json()["vendor"]["verified"] is False
    verify(admin, vendor)
    r = conditional(path, before.headers["ETag"])
    assert r.status_code == 200, "a stale verified flag was kept as fresh"
    assert r.json()["vendor"]["verified"] is True
    assert r.json()["version"] == before.json()["version"]
    assert r.headers["ETag"] != before.headers["ETag"]
    assert_etag(r)
    assert_not_modified(conditional(path, r.headers["ETag"]),
                        r.headers["ETag"])
    # The version in If-Match still guards the vendor's own change.
    r = patch(path, {"trl": 8}, token=vendor.token,
              headers={"If-Match": before.headers["ETag"]})
    assert r.status_code == 200, r.text


def test_renaming_the_enterprise_changes_its_needs_tag(enterprise):
    need = created(NEEDS, enterprise, need_body())
    path = f"{NEEDS}/{need['id']}"
    before = fetched(path)
    org = get(f"{API}/me/organization", token=enterprise.token)
    name = f"Công ty TNHH {made_up_word()}"
    r = patch(f"{API}/me/organization", {"name": name},
              token=enterprise.token,
              headers={"If-Match": org.headers["ETag"]})
    assert r.status_code == 200, r.text
    r = conditional(path, before.headers["ETag"])
    assert r.status_code == 200
    assert r.json()["enterprise"]["name"] == name
    assert r.headers["ETag"] != before.headers["ETag"]


def test_a_tag_opens_nothing_its_holder_may_not_see(vendor, enterprise):
    draft = created(TECH, vendor, tech_body())
    path = f"{TECH}/{draft['id']}"
    tag = fetched(path, token=vendor.token).headers["ETag"]
    assert_not_modified(conditional(path, tag, token=vendor.token), tag)
    assert_problem(conditional(path, tag), 404)
    assert_problem(conditional(path, "*", token=enterprise.token), 404)


def test_quotes_accounts_and_organizations_answer_304(vendor, enterprise):
    tech = publish_tech(vendor, tech_body())
    r = post(f"{API}/quote-requests",
             {"technology_id": tech["id"],
              "message": "Xin báo giá lắp đặt cho nhà máy 200 tấn/ngày."},
             token=enterprise.token)
    assert r.status_code == 201, r.text
    path = f"{API}/quote-requests/{r.json()['id']}"
    for token in (enterprise.token, vendor.token):
        tag = fetched(path, token=token).headers["ETag"]
        assert_not_modified(conditional(path, tag, token=token), tag)
    assert_problem(conditional(path, "*", token=new_user("enterprise").token),
                   404)
    for path in (f"{API}/me", f"{API}/me/organization"):
        tag = fetched(path, token=vendor.token).headers["ETag"]
        assert_not_modified(conditional(path, tag, token=vendor.token), tag)


def test_a_change_answers_with_the_tag_a_read_then_gives(vendor, admin):
    tech = publish_tech(vendor, tech_body())
    path = f"{TECH}/{tech['id']}"
    r = patch(path, {"trl": 8}, token=vendor.token,
              headers={"If-Match": etag(tech)})
    assert r.status_code == 200
    assert_not_modified(conditional(path, r.headers["ETag"],
                                    token=vendor.token), r.headers["ETag"])
    account = admin_patch(admin, vendor.id, {"verified": True})
    assert account.status_code == 200
    assert_not_modified(conditional(f"{API}/me", account.headers["ETag"],
                                    token=vendor.token),
                        account.headers["ETag"])
    assert me(vendor.token).json()["organization"]["verified"] is True
