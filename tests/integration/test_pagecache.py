"""The page cache (app/pagecache.c): anonymous searches are kept in each
worker and answered from there until a commit that touches technologies
or organizations notifies tm_changes; then every worker shows the change
within a second. Signed-in callers always read the database.

The cache is seen at work by changing a row with the notification held
back (session_replication_role = replica skips the trigger): the kept
answer is then the old one until a notification arrives.
"""

import time

import requests

from conftest import (BASE_URL, TECH, TIMEOUT, db_rows, etag, get,
                      made_up_word, make_admin, new_user, patch,
                      publish_tech, verify, word_like_no_other)

FRESH = 1.0		# seconds: the bound for every worker


def tech_body(title):
    return {"title": title, "summary": "Giảm chi phí xử lý cho nhà máy.",
            "category": "wastewater_treatment",
            "sectors": ["seafood_processing"], "trl": 7,
            "price_min_vnd": 100_000_000}


def search(word, token=None, fresh_connection=False):
    """The titles an anonymous (or token's) search for word finds; on a
    fresh connection, which Kore may hand to either worker."""
    if fresh_connection:
        r = requests.get(f"{BASE_URL}{TECH}", params={"q": word},
                         headers={"Connection": "close"}, timeout=TIMEOUT)
    else:
        r = get(TECH, params={"q": word}, token=token)
    assert r.status_code == 200, f"{r.status_code}: {r.text[:300]}"
    return [t["title"] for t in r.json()["items"]]


def everywhere(word, want, seconds=FRESH, probes=8):
    """Polls until probes fresh connections in a row all find want (a
    predicate on the titles), at most seconds; the seconds it took."""
    t0 = time.monotonic()
    while True:
        if all(want(search(word, fresh_connection=True))
               for _ in range(probes)):
            return time.monotonic() - t0
        assert time.monotonic() - t0 < seconds, \
            f"{word}: not every worker shows the change after {seconds} s"
        time.sleep(0.02)


def settled():
    """Lets the notification of the test's own last change reach both
    workers: an answer worked out while one arrives is not kept."""
    time.sleep(0.2)


def quietly(sql, **params):
    """sql with this session's triggers off: no notification is sent."""
    db_rows("SET session_replication_role = replica;\n" + sql, **params)


def test_a_kept_answer_lasts_until_a_notification():
    vendor = new_user("vendor")
    word = made_up_word()
    t = publish_tech(vendor, tech_body(f"Máy ép bùn {word}"))
    settled()
    assert search(word) == [f"Máy ép bùn {word}"]
    quietly("UPDATE technologies SET title = 'Máy ép bùn ' || :'w' || "
            "' mới' WHERE id = :'id'", w=word, id=t["id"])
    # The same worker (this keep-alive connection) kept the old answer...
    assert search(word) == [f"Máy ép bùn {word}"]
    # ...which a signed-in caller never sees.
    assert search(word, token=vendor.token) == [f"Máy ép bùn {word} mới"]
    db_rows("SELECT pg_notify('tm_changes', 'test')")
    everywhere(word, lambda titles: titles == [f"Máy ép bùn {word} mới"])


def test_a_change_shows_on_every_worker_within_a_second():
    vendor = new_user("vendor")
    # new is searched before any title holds it.
    old, new = made_up_word(), word_like_no_other()
    t = publish_tech(vendor, tech_body(f"Lò sấy {old}"))
    for _ in range(8):
        assert search(old, fresh_connection=True) == [f"Lò sấy {old}"]
        assert search(new, fresh_connection=True) == []
    r = patch(f"{TECH}/{t['id']}", {"title": f"Lò sấy {new}"},
              token=vendor.token, headers={"If-Match": etag(t)})
    assert r.status_code == 200, r.text
    everywhere(old, lambda titles: titles == [])
    everywhere(new, lambda titles: titles == [f"Lò sấy {new}"])


def test_archiving_and_a_vendor_change_show_within_a_second():
    vendor = new_user("vendor")
    word = made_up_word()
    t = publish_tech(vendor, tech_body(f"Biogas {word}"))
    first = get(TECH, params={"q": word}).json()["items"][0]
    assert first["vendor"]["verified"] is False
    for _ in range(8):
        search(word, fresh_connection=True)
    # Organizations notify too: the vendor's verification is in the
    # documents a search shows.
    verify(make_admin(), vendor)
    t0 = time.monotonic()
    while True:
        items = [requests.get(f"{BASE_URL}{TECH}", params={"q": word},
                              headers={"Connection": "close"},
                              timeout=TIMEOUT).json()["items"]
                 for _ in range(8)]
        if all(i and i[0]["vendor"]["verified"] for i in items):
            break
        assert time.monotonic() - t0 < FRESH, "verification not shown"
        time.sleep(0.02)
    r = patch(f"{TECH}/{t['id']}", {"status": "archived"},
              token=vendor.token,
              headers={"If-Match": etag(get(f"{TECH}/{t['id']}").json())})
    assert r.status_code == 200, r.text
    everywhere(word, lambda titles: titles == [])


def doc_everywhere(tid, want, probes=8):
    """Polls until probes fresh connections in a row all get an answer
    for GET /technologies/{tid} that want accepts, at most FRESH s."""
    t0 = time.monotonic()
    while True:
        if all(want(requests.get(f"{BASE_URL}{TECH}/{tid}",
                                 headers={"Connection": "close"},
                                 timeout=TIMEOUT))
               for _ in range(probes)):
            return
        assert time.monotonic() - t0 < FRESH, \
            f"{tid}: not every worker shows the change after {FRESH} s"
        time.sleep(0.02)


def test_a_kept_document_follows_its_changes():
    """Anonymous reads of a technology are kept too, with their ETag and
    304; a PATCH shows at once to its writer and within a second to
    everyone; an archived listing is gone within a second."""
    vendor = new_user("vendor")
    word = made_up_word()
    t = publish_tech(vendor, tech_body(f"Bơm nhiệt {word}"))
    url = f"{TECH}/{t['id']}"
    settled()
    first = get(url)
    assert first.status_code == 200 and first.json()["title"].endswith(word)
    tag = first.headers["ETag"]
    quietly("UPDATE technologies SET summary = 'Đổi lặng lẽ.' "
            "WHERE id = :'id'", id=t["id"])
    again = get(url)
    assert again.status_code == 200 and again.text == first.text, \
        "the same worker read the database: nothing was kept"
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert get(url, headers={"If-None-Match": tag}).status_code == 304
    r = patch(url, {"title": f"Bơm nhiệt {word} mới"}, token=vendor.token,
              headers={"If-Match": etag(t)})
    assert r.status_code == 200, r.text
    # Its writer, signed in, reads the database.
    assert get(url, token=vendor.token).json()["title"].endswith("mới")
    doc_everywhere(t["id"], lambda x: x.status_code == 200
                   and x.json()["title"].endswith("mới")
                   and x.json()["summary"] == "Đổi lặng lẽ.")
    r = patch(url, {"status": "archived"}, token=vendor.token,
              headers={"If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.text
    doc_everywhere(t["id"], lambda x: x.status_code == 404)
