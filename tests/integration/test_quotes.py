"""Quote requests: the state machine and its history, who may do what,
Idempotency-Key, expiry, races, the message thread, lists and counts.

Each test makes its own enterprise and vendor (new_user), so the lists
and counts of one test hold only its own requests.
"""

import concurrent.futures
import datetime
import uuid

import pytest

from conftest import (API, NEEDS, TECH, UUID_RE, assert_etag,
                      assert_problem, assert_rfc3339_utc, call, cantho_today,
                      create_staff, db_count, db_rows, db_value, get,
                      new_user, post, publish_tech, wait_for)

QR = f"{API}/quote-requests"
STATES = ["requested", "quoted", "accepted", "declined", "withdrawn",
          "expired"]
# Every move the contract draws: (from, action) -> (to, who).
MOVES = {("requested", "quote"): ("quoted", "vendor"),
         ("quoted", "accept"): ("accepted", "enterprise"),
         ("quoted", "decline"): ("declined", "enterprise"),
         ("requested", "withdraw"): ("withdrawn", "enterprise"),
         ("quoted", "withdraw"): ("withdrawn", "enterprise")}
ACTIONS = ["quote", "accept", "decline", "withdraw"]
ACTOR = {"quote": "vendor", "accept": "enterprise", "decline": "enterprise",
         "withdraw": "enterprise"}


# --- helpers ----------------------------------------------------------------


def quote_body(**fields):
    body = {"price_vnd": 1_250_000_000,
            "valid_until": (cantho_today()
                            + datetime.timedelta(days=30)).isoformat(),
            "delivery_days": 45, "terms": "Thanh toán 30% khi ký hợp đồng."}
    body.update(fields)
    return body


# What the tests' vendors list: a wastewater plant for pangasius.
PLANT = {"title": "Hệ thống xử lý nước thải cá tra", "trl": 8,
         "summary": "Xử lý nước thải chế biến thủy sản.",
         "category": "wastewater_treatment", "sectors": ["seafood_processing"]}


def create(enterprise, tech, key=None, **fields):
    body = {"technology_id": tech["id"],
            "message": "Xin báo giá cho nhà máy 20 tấn/ngày."}
    body.update(fields)
    headers = {"Idempotency-Key": key} if key is not None else None
    return post(QR, body, token=enterprise.token, headers=headers)


def create_ok(enterprise, tech, **fields):
    r = create(enterprise, tech, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def act(user, qid, action, body=None, **kw):
    if body is None and action == "quote":
        body = quote_body()
    return post(f"{QR}/{qid}/{action}", body, token=user.token, **kw)


def act_ok(user, qid, action, body=None):
    r = act(user, qid, action, body)
    assert r.status_code == 200, f"{action}: {r.status_code} {r.text}"
    return r.json()


def to_state(deal, state):
    """Moves deal's request to state along the contract's moves."""
    qid = deal.q["id"]
    path = {"requested": [], "quoted": ["quote"],
            "accepted": ["quote", "accept"],
            "declined": ["quote", "decline"],
            "withdrawn": ["withdraw"], "expired": ["quote"]}[state]
    doc = deal.q
    for action in path:
        doc = act_ok(deal.party(ACTOR[action]), qid, action)
    if state == "expired":
        backdate(qid)
        doc = get(f"{QR}/{qid}", token=deal.e.token).json()
    assert doc["status"] == state
    return doc


def backdate(qid, days=1):
    """valid_until before today in Can Tho: as if time had passed."""
    db_rows("UPDATE quote_requests SET valid_until = tm_cantho_today() - "
            ":days WHERE id = :'id'", id=qid, days=days)


class Deal:
    def __init__(self):
        self.e = new_user("enterprise", sector="seafood_processing",
                          district="cai_rang")
        self.v = new_user("vendor", district="ninh_kieu")
        self.tech = publish_tech(self.v, PLANT)
        self.q = create_ok(self.e, self.tech)

    def party(self, who):
        return self.e if who == "enterprise" else self.v


@pytest.fixture
def deal(base_url):
    return Deal()


@pytest.fixture(scope="module")
def outsiders(base_url, admin):
    """Everyone but the two parties: another enterprise and vendor, an
    agency and an admin."""
    return {"enterprise": new_user("enterprise"),
            "vendor": new_user("vendor"),
            "agency": create_staff(admin, "agency", "dost"),
            "admin": admin}


# --- creation ---------------------------------------------------------------


def test_create_returns_the_request_with_its_history(deal):
    q = deal.q
    assert UUID_RE.match(q["id"])
    assert q["status"] == "requested"
    assert q["technology"]["id"] == deal.tech["id"]
    assert q["technology"]["title"] == deal.tech["title"]
    assert q["technology"]["vendor"]["id"] == deal.tech["vendor"]["id"]
    assert q["enterprise"]["id"] == deal.e.account["organization"]["id"]
    assert q["quote"] is None and q["need_id"] is None
    assert q["version"] == 1
    assert_rfc3339_utc(q["created_at"])
    [h] = q["history"]
    assert (h["action"], h["from"], h["to"]) == ("request", None,
                                                  "requested")
    assert h["by"]["id"] == deal.e.id
    assert h["by"]["organization"]["id"] == q["enterprise"]["id"]
    assert_rfc3339_utc(h["at"])


def test_create_sends_an_etag_and_location(deal):
    r = create(deal.e, deal.tech)
    assert r.status_code == 201
    assert_etag(r, r.json())
    assert r.headers["Location"] == f"{QR}/{r.json()['id']}"
    assert get(r.headers["Location"], token=deal.v.token).json() == r.json()


def test_create_with_quantity_and_own_need(deal):
    r = post(NEEDS, {"title": "Cần xử lý nước thải", "category":
                     "wastewater_treatment", "sector": "seafood_processing",
                     "district": "cai_rang"}, token=deal.e.token)
    assert r.status_code == 201
    q = create_ok(deal.e, deal.tech, need_id=r.json()["id"], quantity=2)
    assert q["need_id"] == r.json()["id"] and q["quantity"] == 2


def test_text_is_stored_nfc(deal):
    import unicodedata
    q = create_ok(deal.e, deal.tech,
                  message=unicodedata.normalize("NFD", "Xin báo giá"))
    assert q["message"] == "Xin báo giá"


@pytest.mark.parametrize("who", ["vendor", "agency", "admin"])
def test_only_an_enterprise_creates(deal, outsiders, who):
    user = deal.v if who == "vendor" else outsiders[who]
    r = create(user, deal.tech)
    assert_problem(r, 403)


def test_create_without_credentials_is_401(deal):
    r = post(QR, {"technology_id": deal.tech["id"], "message": "x"})
    assert_problem(r, 401)


def test_unpublished_technology_is_422(deal):
    draft = post(TECH, {"title": "Bản nháp công nghệ", "trl": 3,
                        "summary": "Chưa công bố.",
                        "category": "wastewater_treatment"},
                 token=deal.v.token).json()
    for tid in (draft["id"], str(uuid.uuid4())):
        r = create(deal.e, {"id": tid})
        assert_problem(r, 422, ["technology_id"])
    before = db_count("SELECT count(*) FROM quote_requests "
                      "WHERE technology_id = :'t'", t=draft["id"])
    assert before == 0


def test_someone_elses_need_is_422(deal, outsiders):
    other = post(NEEDS, {"title": "Nhu cầu của người khác",
                         "category": "wastewater_treatment",
                         "sector": "beverages", "district": "o_mon"},
                 token=outsiders["enterprise"].token).json()
    r = create(deal.e, deal.tech, need_id=other["id"])
    assert_problem(r, 422, ["need_id"])


@pytest.mark.parametrize("body,fields", [
    ({}, ["technology_id", "message"]),
    ({"technology_id": "not-a-uuid", "message": "x"}, ["technology_id"]),
    ({"technology_id": None, "message": "x"}, ["technology_id"]),
    ({"message": ""}, ["technology_id", "message"]),
    ({"message": "x" * 5001}, ["technology_id", "message"]),
    ({"message": 5}, ["technology_id", "message"]),
    ({"quantity": 0, "message": "x"}, ["technology_id", "quantity"]),
    ({"quantity": "2", "message": "x"}, ["technology_id", "quantity"]),
    ({"status": "accepted", "message": "x"}, ["technology_id", "status"]),
    ({"quote": {}, "message": "x"}, ["technology_id", "quote"]),
    ({"price": 5, "message": "x"}, ["technology_id", "price"]),
])
def test_invalid_create_is_422(deal, body, fields):
    r = post(QR, body, token=deal.e.token)
    assert_problem(r, 422, fields)


def test_malformed_json_is_400(deal):
    r = call("POST", QR, token=deal.e.token, data=b'{"message": ')
    assert_problem(r, 400)


# --- Idempotency-Key ----------------------------------------------------------


def test_same_key_same_body_returns_the_original_response(deal):
    key = f"k-{uuid.uuid4()}"
    first = create(deal.e, deal.tech, key=key)
    assert first.status_code == 201
    act_ok(deal.v, first.json()["id"], "quote")
    again = create(deal.e, deal.tech, key=key)
    assert again.status_code == 201
    assert again.json() == first.json(), "not the original response"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert db_count("SELECT count(*) FROM quote_requests "
                    "WHERE enterprise_id = :'o'",
                    o=deal.e.account["organization"]["id"]) == 2


def test_same_key_other_body_is_422(deal):
    key = f"k-{uuid.uuid4()}"
    assert create(deal.e, deal.tech, key=key).status_code == 201
    r = create(deal.e, deal.tech, key=key, message="Một nội dung khác")
    assert_problem(r, 422)


def test_keys_are_per_account(deal):
    other = new_user("enterprise")
    key = f"k-{uuid.uuid4()}"
    a = create(deal.e, deal.tech, key=key)
    b = create(other, deal.tech, key=key)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["enterprise"]["id"] == \
        other.account["organization"]["id"]


def test_a_failed_creation_keeps_no_key(deal):
    key = f"k-{uuid.uuid4()}"
    assert_problem(create(deal.e, {"id": str(uuid.uuid4())}, key=key), 422)
    r = create(deal.e, deal.tech, key=key)
    assert r.status_code == 201, "the key was spent by a failed request"


def test_parallel_requests_with_one_key_create_one(deal):
    key = f"k-{uuid.uuid4()}"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        rs = list(pool.map(lambda _: create(deal.e, deal.tech, key=key),
                           range(8)))
    assert {r.status_code for r in rs} == {201}
    assert len({r.json()["id"] for r in rs}) == 1
    assert db_count("SELECT count(*) FROM quote_requests q "
                    "JOIN idempotency_keys k ON k.response::json->>'id' = "
                    "q.id::text WHERE k.key = :'k'", k=key) == 1


@pytest.mark.parametrize("key", ["x" * 256, "khóa", "a b", "a\tb", ""])
def test_bad_keys_are_400(deal, key):
    r = call("POST", QR, token=deal.e.token,
             data=('{"technology_id": "%s", "message": "x"}'
                   % deal.tech["id"]).encode(),
             headers={"Idempotency-Key": key.encode("utf-8")})
    if key in ("", "khóa", "a\tb"):
        # Kore itself refuses these header values, in plain text.
        assert r.status_code == 400
    else:
        assert_problem(r, 400)
    assert db_count("SELECT count(*) FROM quote_requests WHERE "
                    "enterprise_id = :'o'",
                    o=deal.e.account["organization"]["id"]) == 1


# --- the state machine ----------------------------------------------------------


@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_from_every_state(start, action):
    deal = Deal()
    before = to_state(deal, start)
    actor = deal.party(ACTOR[action])
    r = act(actor, deal.q["id"], action)
    if (start, action) in MOVES:
        assert r.status_code == 200, r.text
        doc = r.json()
        to = MOVES[start, action][0]
        assert doc["status"] == to
        assert doc["version"] == before["version"] + 1
        assert len(doc["history"]) == len(before["history"]) + 1
        h = doc["history"][-1]
        assert (h["action"], h["from"], h["to"]) == (action, start, to)
        assert h["by"]["id"] == actor.id
        assert get(f"{QR}/{deal.q['id']}",
                   token=deal.e.token).json() == doc
    else:
        body = assert_problem(r, 409)
        assert start in body["detail"], body
        after = get(f"{QR}/{deal.q['id']}", token=deal.e.token).json()
        assert after["status"] == start
        assert after["history"] == before["history"]


def test_quote_carries_the_offer(deal):
    body = quote_body(price_vnd=990_000_000, delivery_days=10)
    q = act_ok(deal.v, deal.q["id"], "quote", body)
    assert q["quote"]["price_vnd"] == 990_000_000
    assert q["quote"]["valid_until"] == body["valid_until"]
    assert q["quote"]["delivery_days"] == 10
    assert q["quote"]["terms"] == body["terms"]
    assert_rfc3339_utc(q["quote"]["quoted_at"])


def test_valid_until_today_is_fine_and_yesterday_is_422(deal):
    yesterday = (cantho_today() - datetime.timedelta(days=1)).isoformat()
    r = act(deal.v, deal.q["id"], "quote",
            quote_body(valid_until=yesterday))
    assert_problem(r, 422, ["valid_until"])
    q = act_ok(deal.v, deal.q["id"], "quote",
               quote_body(valid_until=cantho_today().isoformat()))
    assert q["status"] == "quoted"


@pytest.mark.parametrize("body,fields", [
    ({}, ["price_vnd", "valid_until"]),
    ({"price_vnd": -1, "valid_until": "2030-01-01"}, ["price_vnd"]),
    ({"price_vnd": 1.5, "valid_until": "2030-01-01"}, ["price_vnd"]),
    ({"price_vnd": 1, "valid_until": "2030-02-30"}, ["valid_until"]),
    ({"price_vnd": 1, "valid_until": "2030-01-01",
      "delivery_days": -1}, ["delivery_days"]),
    ({"price_vnd": 1, "valid_until": "2030-01-01", "status": "quoted"},
     ["status"]),
])
def test_invalid_quote_is_422_and_changes_nothing(deal, body, fields):
    r = act(deal.v, deal.q["id"], "quote", body)
    assert_problem(r, 422, fields)
    assert get(f"{QR}/{deal.q['id']}",
               token=deal.v.token).json()["status"] == "requested"


def test_moves_take_an_optional_note(deal):
    act_ok(deal.v, deal.q["id"], "quote")
    doc = act_ok(deal.e, deal.q["id"], "decline",
                 {"note": "Giá cao hơn ngân sách."})
    assert doc["history"][-1]["note"] == "Giá cao hơn ngân sách."
    assert_problem(act(deal.e, deal.q["id"], "withdraw", {"reason": "x"}),
                   422, ["reason"])


def test_if_match_is_honoured_when_sent(deal):
    r = act(deal.v, deal.q["id"], "quote", headers={"If-Match": '"7"'})
    assert_problem(r, 412)
    r = act(deal.v, deal.q["id"], "quote",
            headers={"If-Match": f'"{deal.q["version"]}"'})
    assert r.status_code == 200
    assert_etag(r, r.json())


# --- who may do what ------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_the_other_party_is_403(deal, action):
    to_state(deal, "quoted" if action != "quote" else "requested")
    other = deal.v if ACTOR[action] == "enterprise" else deal.e
    assert_problem(act(other, deal.q["id"], action), 403)


@pytest.mark.parametrize("who", ["enterprise", "vendor", "agency", "admin"])
def test_outsiders_get_404_for_everything(deal, outsiders, who):
    user, qid = outsiders[who], deal.q["id"]
    to_state(deal, "quoted")
    assert_problem(get(f"{QR}/{qid}", token=user.token), 404)
    for action in ACTIONS:
        assert_problem(act(user, qid, action), 404)
    assert_problem(get(f"{QR}/{qid}/messages", token=user.token), 404)
    assert_problem(post(f"{QR}/{qid}/messages", {"body": "Chào"},
                        token=user.token), 404)
    assert get(f"{QR}/{qid}", token=deal.e.token).json()["status"] == \
        "quoted"


def test_unknown_and_malformed_ids_are_404(deal):
    for qid in (str(uuid.uuid4()), "not-a-uuid"):
        assert_problem(get(f"{QR}/{qid}", token=deal.e.token), 404)
        assert_problem(act(deal.e, qid, "withdraw"), 404)
        assert_problem(get(f"{QR}/{qid}/messages", token=deal.e.token), 404)


def test_both_parties_read_it(deal):
    for user in (deal.e, deal.v):
        r = get(f"{QR}/{deal.q['id']}", token=user.token)
        assert r.status_code == 200
        assert r.json() == deal.q
        assert_etag(r, deal.q)


def test_lists_are_for_the_parties_kinds_only(outsiders):
    for who in ("agency", "admin"):
        assert_problem(get(QR, token=outsiders[who].token), 403)
    assert_problem(get(QR), 401)


# --- races --------------------------------------------------------------------


def race(calls):
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda f: f(), calls))


@pytest.mark.parametrize("a,b", [("accept", "withdraw"),
                                 ("accept", "accept"),
                                 ("accept", "decline"),
                                 ("decline", "withdraw")])
def test_racing_moves_leave_one_outcome(a, b):
    for _ in range(3):
        deal = Deal()
        qid = to_state(deal, "quoted")["id"]
        rs = race([lambda: act(deal.e, qid, a), lambda: act(deal.e, qid, b)]
                  * 3)
        codes = sorted(r.status_code for r in rs)
        assert codes == [200] + [409] * 5, codes
        won = next(r.json() for r in rs if r.status_code == 200)
        doc = get(f"{QR}/{qid}", token=deal.v.token).json()
        assert doc == won
        assert [h["from"] for h in doc["history"]].count("quoted") == 1
        assert db_count("SELECT count(*) FROM quote_history WHERE "
                        "quote_request_id = :'q'", q=qid) == 3


def test_racing_quotes_leave_one(deal):
    qid = deal.q["id"]
    rs = race([lambda: act(deal.v, qid, "quote")] * 6)
    assert sorted(r.status_code for r in rs) == [200] + [409] * 5


# --- expiry ---------------------------------------------------------------------


def test_a_quote_past_its_date_reads_expired(deal):
    quoted = to_state(deal, "quoted")
    backdate(deal.q["id"])
    doc = get(f"{QR}/{deal.q['id']}", token=deal.e.token).json()
    assert doc["status"] == "expired"
    h = doc["history"][-1]
    assert (h["action"], h["from"], h["to"], h["by"]) == \
        ("expire", "quoted", "expired", None)
    valid = datetime.date.fromisoformat(db_value(
        "SELECT valid_until FROM quote_requests WHERE id = :'q'",
        q=deal.q["id"]))
    # The end of valid_until in Can Tho (UTC+7) is 17:00 UTC that day.
    assert h["at"] == f"{valid.isoformat()}T17:00:00Z"
    assert len(doc["history"]) == len(quoted["history"]) + 1


def test_expired_counts_and_lists_agree(deal):
    to_state(deal, "quoted")
    backdate(deal.q["id"])
    for user, role in ((deal.e, "sent"), (deal.v, "received")):
        body = get(QR, token=user.token, params={"role": role}).json()
        assert body["counts"]["expired"] == 1
        assert body["counts"]["quoted"] == 0
        assert [q["id"] for q in get(QR, token=user.token, params={
            "status": "expired"}).json()["items"]] == [deal.q["id"]]
        assert get(QR, token=user.token,
                   params={"status": "quoted"}).json()["items"] == []


def test_moves_on_an_expired_quote_are_409(deal):
    to_state(deal, "quoted")
    backdate(deal.q["id"])
    for action in ("accept", "decline", "withdraw"):
        body = assert_problem(act(deal.e, deal.q["id"], action), 409)
        assert "expired" in body["detail"]
    assert_problem(act(deal.v, deal.q["id"], "quote"), 409)


def test_the_sweep_writes_each_expiry_once(deal):
    to_state(deal, "quoted")
    backdate(deal.q["id"], days=3)
    seen = get(f"{QR}/{deal.q['id']}", token=deal.e.token).json()
    # The server's own sweep may come first or between the two (it runs
    # every 500 ms under make test); and other tests' expiries are swept
    # too, so only this request's rows are counted.
    for _ in range(2):
        db_value("SELECT quote_sweep()")
        assert db_value("SELECT status FROM quote_requests WHERE id = :'q'",
                        q=deal.q["id"]) == "expired"
        assert db_count("SELECT count(*) FROM quote_history WHERE "
                        "quote_request_id = :'q' AND action = 'expire'",
                        q=deal.q["id"]) == 1
    after = get(f"{QR}/{deal.q['id']}", token=deal.e.token).json()
    assert after["history"] == seen["history"], \
        "the written expiry differs from the one shown before"
    assert after["status"] == "expired"


def test_the_server_sweeps(deal):
    """The timer in each worker writes an expiry down without anyone
    reading the request (make test runs the server with TM_SWEEP_MS=500)."""
    to_state(deal, "quoted")
    backdate(deal.q["id"])
    assert wait_for(lambda: db_value(
        "SELECT status FROM quote_requests WHERE id = :'q'",
        q=deal.q["id"]) == "expired", timeout=10), "no sweep came"
    assert db_count("SELECT count(*) FROM quote_history WHERE "
                    "quote_request_id = :'q' AND action = 'expire'",
                    q=deal.q["id"]) == 1


def test_a_quote_valid_through_today_is_not_expired(deal):
    to_state(deal, "quoted")
    db_rows("UPDATE quote_requests SET valid_until = tm_cantho_today() "
            "WHERE id = :'q'", q=deal.q["id"])
    assert get(f"{QR}/{deal.q['id']}",
               token=deal.e.token).json()["status"] == "quoted"
    assert act(deal.e, deal.q["id"], "accept").status_code == 200


# --- lists and counts -------------------------------------------------------------


def test_the_vendors_inbox(deal):
    second = create_ok(deal.e, deal.tech)
    third = create_ok(deal.e, deal.tech)
    act_ok(deal.v, third["id"], "quote")
    inbox = get(QR, token=deal.v.token,
                params={"role": "received", "status": "requested"}).json()
    assert [q["id"] for q in inbox["items"]] == [second["id"],
                                                 deal.q["id"]]
    assert inbox["counts"] == {"requested": 2, "quoted": 1, "accepted": 0,
                               "declined": 0, "withdrawn": 0, "expired": 0}
    assert "history" not in inbox["items"][0] or \
        inbox["items"][0]["history"] is None
    assert inbox["next_cursor"] is None


def test_each_side_sees_its_side(deal):
    assert get(QR, token=deal.e.token, params={"role": "received"}).json() \
        == {"items": [], "next_cursor": None,
            "counts": {s: 0 for s in STATES}}
    sent = get(QR, token=deal.e.token).json()
    assert [q["id"] for q in sent["items"]] == [deal.q["id"]]
    assert get(QR, token=deal.v.token).json()["items"] == sent["items"]


def test_walk_with_limit_1(deal):
    ids = [deal.q["id"]] + [create_ok(deal.e, deal.tech)["id"]
                            for _ in range(4)]
    got, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = get(QR, token=deal.v.token, params=params).json()
        got += [q["id"] for q in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert got == list(reversed(ids))


@pytest.mark.parametrize("params", [{"role": "both"}, {"status": "open"},
                                    {"limit": 0}, {"limit": 101},
                                    {"cursor": "x"}, {"sort": "newest"}])
def test_bad_list_parameters_are_400(deal, params):
    assert_problem(get(QR, token=deal.e.token, params=params), 400)


# --- messages ---------------------------------------------------------------------


def test_a_thread_between_the_two_parties(deal):
    qid = deal.q["id"]
    r = post(f"{QR}/{qid}/messages", {"body": "Cho hỏi thời gian lắp đặt?"},
             token=deal.e.token)
    assert r.status_code == 201, r.text
    m = r.json()
    assert set(m) == {"id", "author", "body", "created_at"}
    assert m["author"]["id"] == deal.e.id
    assert m["author"]["name"] == deal.e.account["display_name"]
    assert_rfc3339_utc(m["created_at"])
    r = post(f"{QR}/{qid}/messages", {"body": "Khoảng 45 ngày."},
             token=deal.v.token)
    assert r.status_code == 201
    for user in (deal.e, deal.v):
        items = get(f"{QR}/{qid}/messages", token=user.token).json()["items"]
        assert [x["body"] for x in items] == ["Cho hỏi thời gian lắp đặt?",
                                             "Khoảng 45 ngày."]
        assert items[0] == m


def test_messages_are_paginated_in_order(deal):
    qid = deal.q["id"]
    sent = [f"Tin nhắn {i}" for i in range(7)]
    for i, text in enumerate(sent):
        user = deal.e if i % 2 == 0 else deal.v
        assert post(f"{QR}/{qid}/messages", {"body": text},
                    token=user.token).status_code == 201
    got, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = get(f"{QR}/{qid}/messages", token=deal.v.token,
                   params=params).json()
        got += [x["body"] for x in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert got == sent


@pytest.mark.parametrize("body,fields", [({}, ["body"]), ({"body": ""},
                                                         ["body"]),
                                        ({"body": "x" * 5001}, ["body"]),
                                        ({"body": "x", "author": "y"},
                                         ["author"])])
def test_invalid_messages_are_422(deal, body, fields):
    r = post(f"{QR}/{deal.q['id']}/messages", body, token=deal.e.token)
    assert_problem(r, 422, fields)
    assert get(f"{QR}/{deal.q['id']}/messages",
               token=deal.e.token).json()["items"] == []


def test_a_message_cursor_is_bound_to_its_list(deal):
    qid = deal.q["id"]
    for i in range(2):
        post(f"{QR}/{qid}/messages", {"body": f"m{i}"}, token=deal.e.token)
    cursor = get(f"{QR}/{qid}/messages", token=deal.e.token,
                 params={"limit": 1}).json()["next_cursor"]
    assert_problem(get(QR, token=deal.e.token, params={"cursor": cursor}),
                   400)


def test_hostile_text_is_kept_as_sent(deal):
    text = "'; DROP TABLE quote_requests; -- <script>alert(1)</script> 🙂"
    q = create_ok(deal.e, deal.tech, message=text)
    assert q["message"] == text
    r = post(f"{QR}/{q['id']}/messages", {"body": text}, token=deal.v.token)
    assert r.status_code == 201 and r.json()["body"] == text
