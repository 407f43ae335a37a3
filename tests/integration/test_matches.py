"""Matching: GET /needs/{id}/matches (published technologies for the
need's enterprise) and GET /technologies/{id}/matches (open needs for the
technology's vendor), ranked by a deterministic score in 0..1 with the
reasons that make it up (README, "The market: search and matching"):

    same category 0.35, sector fits 0.20, within budget 0.15,
    text similarity up to 0.15 (trigram similarity of the folded titles,
    counting from 0.2, full weight at 0.5), funding eligible 0.10,
    same commune 0.05 or else same district 0.03; rounded to three
    decimals, ties broken on id. Each item shows distance_km between the
    vendor's and the need's districts.

Other tests publish, flag and archive technologies and post needs that
share categories and sectors with these, at the same time and in any
order, so lists are searched for this module's ids, two reads of a list
are compared on those ids only, and the ranking rules are checked over
whatever the lists hold.

Scores come from the match table, which matching's queue keeps off the
request path: a publication, a change or a new need shows within 2 s
(MATCH_FRESH_S), so the tests poll for it (eventually()); an archived
technology or a closed need leaves the lists at once (status is read
live).
"""

import struct
import subprocess
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest

from conftest import (API, DATABASE_URL, MATCH_FRESH_S, NEEDS, PSQL, TECH,
                      UUID_RE, assert_problem, created, db_count, db_rows,
                      db_value, etag, eventually, get, in_order, list_page,
                      made_up_word, moved, new_user, patch, walk_pages)

WEIGHTS = [("same category", Decimal("0.35")),
           ("sector fits", Decimal("0.20")),
           ("within budget", Decimal("0.15")),
           ("text similarity", Decimal("0.15")),
           ("funding eligible", Decimal("0.10")),
           ("same commune", Decimal("0.05")),
           ("same district", Decimal("0.03"))]
REASONS = [name for name, _ in WEIGHTS]

DISTRICT = "thot_not"       # the need's and the near vendor's
FAR = "vinh_thanh"          # the far vendor's


# --- helpers ----------------------------------------------------------------


def create_tech(user, **fields):
    return created(TECH, user, dict({
        "summary": "Giải pháp sản xuất sạch hơn cho nhà máy.", "trl": 7},
        **fields))


def set_tech_status(user, doc, status):
    return moved(TECH, user, doc, status)


def published(user, **fields):
    return set_tech_status(user, create_tech(user, **fields), "published")


def create_need(user, **fields):
    return created(NEEDS, user, fields)


def set_need_status(user, doc, status):
    return moved(NEEDS, user, doc, status)


def funded(tech):
    """Eligible for some program today, as the technology says itself."""
    return bool(tech["funding"] and tech["funding"]["eligible"])


def similarity(tech_id, need_id):
    """pg_trgm's similarity (a real) of the stored folded titles: the one
    input of the score the test cannot work out by itself."""
    return float32(db_value(
        "SELECT similarity(t.title_folded, n.title_folded)"
        " FROM technologies t, needs n"
        " WHERE t.id = :'t' AND n.id = :'n'", t=tech_id, n=need_id))


def similarities(tech_ids, need_ids):
    """{(tech id, need id): similarity} for every pair, in one query."""
    rows = db_rows(
        "SELECT t.id, n.id, similarity(t.title_folded, n.title_folded)"
        " FROM technologies t, needs n"
        " WHERE t.id = ANY (string_to_array(:'t', ',')::uuid[])"
        " AND n.id = ANY (string_to_array(:'n', ',')::uuid[])",
        t=",".join(tech_ids), n=",".join(need_ids))
    return {(t, n): float32(s) for t, n, s in rows}


def places(org_ids):
    """{organization id: (district, commune or None)}."""
    rows = db_rows("SELECT id, district, commune FROM organizations"
                   " WHERE id = ANY (string_to_array(:'o', ',')::uuid[])",
                   o=",".join(org_ids))
    return {o: (d, c or None) for o, d, c in rows}


def float32(text):
    """The exact value of a PostgreSQL real printed as text."""
    return Decimal(struct.unpack("f", struct.pack("f", float(text)))[0])


def expected(tech, need, vendor, sim=None):
    """(score, reasons, exact) by the README's table for a vendor at
    (district, commune), or in a district with no commune; exact is False
    when the text similarity term is partial, where the server's float to
    numeric conversions may move the third decimal by one."""
    district, commune = (vendor, None) if isinstance(vendor, str) \
        else vendor
    same_commune = commune is not None and commune == need["commune"]
    if sim is None:
        sim = similarity(tech["id"], need["id"])
    budget = need["budget_max_vnd"]
    price = tech["price_min_vnd"]
    terms = {
        "same category": tech["category"] == need["category"],
        "sector fits": need["sector"] in tech["sectors"],
        "within budget": (price is not None and budget is not None
                          and price <= budget),
        "text similarity": sim >= Decimal("0.2"),
        "funding eligible": funded(tech),
        "same commune": same_commune,
        "same district": not same_commune and district == need["district"],
    }
    score = sum((w for name, w in WEIGHTS
                 if terms[name] and name != "text similarity"), Decimal(0))
    if terms["text similarity"]:
        score += Decimal("0.15") * min(Decimal(1), sim / Decimal("0.5"))
    score = score.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    exact = sim < Decimal("0.2") or sim >= Decimal("0.5")
    return score, [name for name in REASONS if terms[name]], exact


def assert_scored(item, tech, need, vendor, sim=None):
    score, reasons, exact = expected(tech, need, vendor, sim)
    assert item["reasons"] == reasons, (item, reasons)
    got = Decimal(str(item["score"]))
    if exact:
        assert got == score, (item, score)
    else:
        assert abs(got - score) <= Decimal("0.001"), (item, score)


def matches_page(path, token, params=None):
    return list_page(path, params, token)


def walk(path, token, limit=100):
    return walk_pages(lambda p: list_page(path, p, token), limit=limit)


def need_matches(need, user, **kw):
    return walk(f"{NEEDS}/{need['id']}/matches", user.token, **kw)


def tech_matches(tech, user, **kw):
    return walk(f"{TECH}/{tech['id']}/matches", user.token, **kw)


def by_id(items, key):
    return {item[key]["id"]: item for item in items}


def own(items, scene):
    """The items about this module's technologies or needs, in their
    order: the rest is other tests' data, which changes meanwhile."""
    orgs = {u.account["organization"]["id"]
            for u in (scene.enterprise, scene.rival, scene.near, scene.far)}
    return [item for item in items
            if (item["technology"]["vendor"]["id"] if "technology" in item
                else item["need"]["enterprise"]["id"]) in orgs]


def assert_ranked(items, key):
    """Scores in 0..1 with at most three decimals, reasons known, order
    by score then id, both descending."""
    for item in items:
        assert set(item) == {"score", "reasons", "distance_km", key}, \
            sorted(item)
        km = item["distance_km"]
        assert km is None or (isinstance(km, (int, float))
                              and not isinstance(km, bool) and km >= 0), item
        assert (km == 0) == ("same commune" in item["reasons"]
                             or "same district" in item["reasons"]), item
        score = item["score"]
        assert isinstance(score, (int, float)) and \
            not isinstance(score, bool), item
        assert 0 <= score <= 1, item
        assert round(score, 3) == score, item
        reasons = item["reasons"]
        assert isinstance(reasons, list) and reasons, item
        assert set(reasons) <= set(REASONS), item
        assert reasons == [r for r in REASONS if r in reasons], item
        # A score is at least the sum of the named terms' weights (text
        # similarity counts from 0.06 when named: 0.15 * 0.2 / 0.5).
        floor = sum(Decimal("0.06") if name == "text similarity" else w
                    for name, w in WEIGHTS if name in reasons)
        assert Decimal(str(score)) >= floor, item
        assert UUID_RE.match(item[key]["id"]), item
    keys = [(item["score"], item[key]["id"]) for item in items]
    assert keys == sorted(keys, reverse=True), "not ranked by score, id"
    assert len({k for _, k in keys}) == len(keys), "an item came twice"


# --- the scenario -----------------------------------------------------------


@pytest.fixture(scope="module")
def scene(base_url):
    """An enterprise need and vendors' technologies around it:

    a  same category, sector fits, within budget, same title, vendor in
       the need's district: every term but funding
    b  same category only: over budget, other sectors, dissimilar title,
       vendor elsewhere
    e  sector fits only: another category, no price, dissimilar title
    c  a draft that would match like a
    r  an archived technology that would match like a
    d  unrelated category and sectors, dissimilar title: no candidate
    x  unrelated category and sectors, the need's very title: no
       candidate either, a title alone does not make a match
    """
    word = made_up_word()
    s = type("Scene", (), {})()
    s.word = word
    s.enterprise = new_user("enterprise", sector="seafood_processing",
                            district=DISTRICT)
    s.rival = new_user("enterprise", sector="seafood_processing",
                       district=DISTRICT)
    s.near = new_user("vendor", district=DISTRICT)
    s.far = new_user("vendor", district=FAR)
    title = f"Xử lý nước thải chế biến thủy sản {word}"
    s.need = create_need(s.enterprise, title=title,
                         description="Nước thải giàu đạm từ fillet cá tra.",
                         category="wastewater_treatment",
                         sector="seafood_processing", district=DISTRICT,
                         budget_max_vnd=3_000_000_000,
                         deadline="2027-06-30")
    s.a = published(s.near, title=title, category="wastewater_treatment",
                    sectors=["seafood_processing", "beverages"],
                    price_min_vnd=2_000_000_000, price_max_vnd=4_000_000_000)
    lamella = {"title": "Bể lắng Lamella công suất lớn",
               "category": "wastewater_treatment",
               "sectors": ["textiles_garments", "chemicals_plastics"],
               "price_min_vnd": 5_000_000_000,
               "price_max_vnd": 9_000_000_000}
    s.b = published(s.far, **lamella)
    # Identical to b: the same score, so the order falls to the id.
    s.b2 = published(s.far, **lamella)
    s.e = published(s.far, title="Máy nén khí biến tần",
                    category="energy_efficiency",
                    sectors=["seafood_processing"])
    like_a = {"title": title, "category": "wastewater_treatment",
              "sectors": ["seafood_processing"],
              "price_min_vnd": 1_000_000_000}
    s.c = create_tech(s.near, **like_a)
    s.r = set_tech_status(s.near, published(s.near, **like_a), "archived")
    s.d = published(s.far, title="Pin mặt trời áp mái",
                    category="renewable_energy",
                    sectors=["textiles_garments"], price_min_vnd=100_000_000)
    s.x = published(s.near, title=title, category="renewable_energy",
                    sectors=["textiles_garments"], price_min_vnd=100_000_000)
    s.district_of = {s.a["id"]: DISTRICT, s.b["id"]: FAR, s.b2["id"]: FAR,
                     s.e["id"]: FAR, s.d["id"]: FAR}
    eventually(lambda: settled(s))
    return s


def settled(s):
    """The queue has scored the scene: both sides list what they will."""
    listed = by_id(need_matches(s.need, s.enterprise), "technology")
    assert {s.a["id"], s.b["id"], s.b2["id"], s.e["id"]} <= set(listed)
    for tech, vendor in ((s.a, s.near), (s.b, s.far), (s.e, s.far)):
        assert s.need["id"] in by_id(tech_matches(tech, vendor), "need")


def test_scenario_is_what_the_tests_assume(scene):
    """Preconditions on the data, not the server: titles similar or
    dissimilar as designed."""
    assert similarity(scene.a["id"], scene.need["id"]) >= Decimal("0.5")
    for t in (scene.b, scene.e):
        assert similarity(t["id"], scene.need["id"]) < Decimal("0.2")
    # Below pg_trgm's % threshold (0.3): d is no candidate at all.
    assert similarity(scene.d["id"], scene.need["id"]) < Decimal("0.3")


def test_best_match_scores_every_term(scene):
    items = by_id(need_matches(scene.need, scene.enterprise), "technology")
    assert scene.a["id"] in items, "the best technology is not listed"
    a = items[scene.a["id"]]
    assert a["reasons"] == ["same category", "sector fits", "within budget",
                            "text similarity", "same district"]
    assert a["score"] == 0.88         # 0.35 + 0.20 + 0.15 + 0.15 + 0.03
    assert a["distance_km"] == 0
    assert_scored(a, scene.a, scene.need, DISTRICT)
    assert a["technology"] == scene.a


@pytest.mark.parametrize("name", ["b", "b2", "e"])
def test_partial_matches_score_by_the_table(scene, name):
    tech = getattr(scene, name)
    items = by_id(need_matches(scene.need, scene.enterprise), "technology")
    assert tech["id"] in items, f"technology {name} is not listed"
    got = items[tech["id"]]
    assert_scored(got, tech, scene.need, scene.district_of[tech["id"]])
    assert got["reasons"] == {"b": ["same category"],
                              "b2": ["same category"],
                              "e": ["sector fits"]}[name]
    assert got["score"] < items[scene.a["id"]]["score"]
    assert got["technology"] == tech


def test_same_category_outranks_sector_only(scene):
    got = [item["technology"]["id"]
           for item in need_matches(scene.need, scene.enterprise)]
    assert got.index(scene.a["id"]) < got.index(scene.b["id"]) \
        < got.index(scene.e["id"])


def test_unpublished_and_unrelated_technologies_are_not_listed(scene):
    got = by_id(need_matches(scene.need, scene.enterprise), "technology")
    assert scene.c["id"] not in got, "a draft is listed"
    assert scene.r["id"] not in got, "an archived technology is listed"
    assert scene.d["id"] not in got, "an unrelated technology is listed"
    assert scene.x["id"] not in got, "a title alone made a candidate"
    for item in got.values():
        assert item["technology"]["status"] == "published", item


def test_every_listed_technology_is_a_candidate_scored_by_the_table(scene):
    """Whoever published them: published, sharing the category or the
    sector (a similar title alone does not make a candidate), and scored
    by the table."""
    items = need_matches(scene.need, scene.enterprise)
    assert_ranked(items, "technology")
    techs = [item["technology"] for item in items]
    sims = similarities([t["id"] for t in techs], [scene.need["id"]])
    where = places([t["vendor"]["id"] for t in techs])
    for item, tech in zip(items, techs):
        sim = sims[tech["id"], scene.need["id"]]
        assert_scored(item, tech, scene.need, where[tech["vendor"]["id"]],
                      sim)
        assert (tech["category"] == scene.need["category"]
                or scene.need["sector"] in tech["sectors"]), item


def test_equal_scores_are_ordered_by_id(scene):
    items = need_matches(scene.need, scene.enterprise)
    got = [item["technology"]["id"] for item in items]
    scores = {item["technology"]["id"]: item["score"] for item in items}
    assert scores[scene.b["id"]] == scores[scene.b2["id"]]
    high, low = sorted([scene.b["id"], scene.b2["id"]], reverse=True)
    assert got.index(high) == got.index(low) - 1 or \
        all(scores[i] == scores[high]
            for i in got[got.index(high):got.index(low) + 1])
    assert got.index(high) < got.index(low)
    # A page boundary between the two loses neither.
    one = [item["technology"]["id"]
           for item in need_matches(scene.need, scene.enterprise, limit=1)]
    assert len(one) == len(set(one)), "a technology came twice"
    assert in_order(one, [high, low]) == [high, low]


def test_ranking_is_deterministic(scene):
    first = need_matches(scene.need, scene.enterprise)
    second = need_matches(scene.need, scene.enterprise)
    assert len(own(first, scene)) >= 4
    assert own(first, scene) == own(second, scene)
    assert_ranked(first, "technology")
    assert_ranked(second, "technology")


def test_walk_with_limit_1_returns_every_match_once(scene):
    whole = need_matches(scene.need, scene.enterprise)
    one = need_matches(scene.need, scene.enterprise, limit=1)
    assert_ranked(one, "technology")
    assert len(own(whole, scene)) >= 4
    assert own(one, scene) == own(whole, scene)
    page = matches_page(f"{NEEDS}/{scene.need['id']}/matches",
                        scene.enterprise.token, {"limit": "1"})
    assert len(page["items"]) == 1
    assert page["next_cursor"], "more than one match, but no next_cursor"


def listed_within_2_s(tech, scene):
    """The need's match of tech, polled for until the queue scored it."""
    def once():
        return by_id(need_matches(scene.need, scene.enterprise),
                     "technology")[tech["id"]]
    return eventually(once)


def test_new_publication_shows_within_2_s_and_archiving_at_once(scene):
    tech = create_tech(scene.near, title=f"Bể UASB {scene.word} cải tiến",
                       category="wastewater_treatment",
                       sectors=["seafood_processing"],
                       price_min_vnd=3_000_000_000)
    listed = by_id(need_matches(scene.need, scene.enterprise), "technology")
    assert tech["id"] not in listed
    tech = set_tech_status(scene.near, tech, "published")
    got = listed_within_2_s(tech, scene)
    assert_scored(got, tech, scene.need, DISTRICT)
    # Exactly at the budget is within it.
    assert "within budget" in got["reasons"]
    set_tech_status(scene.near, tech, "archived")
    listed = by_id(need_matches(scene.need, scene.enterprise), "technology")
    assert tech["id"] not in listed


# --- who may see a need's matches ------------------------------------------


def assert_only_for_the_owner(path, peer, other_role, admin):
    """404 for another party of the owner's kind (nothing is revealed),
    403 for other roles, 401 without valid credentials."""
    assert_problem(get(path, token=peer.token), 404)
    for user in (other_role, admin):
        assert_problem(get(path, token=user.token), 403)
    for token in (None, "tms_" + "C" * 64):
        assert_problem(get(path, token=token), 401)


def test_need_matches_for_others(scene, admin):
    assert_only_for_the_owner(f"{NEEDS}/{scene.need['id']}/matches",
                              scene.rival, scene.near, admin)


@pytest.mark.parametrize("nid", ["not-a-uuid", "42",
                                 "6f1c0000-0000-0000-0000-00000000000g"])
def test_need_matches_of_a_non_uuid_id_is_404(scene, nid):
    assert_problem(get(f"{NEEDS}/{nid}/matches",
                       token=scene.enterprise.token), 404)


def test_need_matches_of_an_unknown_need_is_404(scene):
    assert_problem(get(f"{NEEDS}/{uuid.uuid4()}/matches",
                       token=scene.enterprise.token), 404)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x",
                                   "cursor=garbage", "q=nuoc", "sort=score",
                                   "limit=1&limit=2"])
def test_bad_match_parameters_are_400(scene, query):
    assert_problem(get(f"{NEEDS}/{scene.need['id']}/matches?{query}",
                       token=scene.enterprise.token), 400)
    assert_problem(get(f"{TECH}/{scene.a['id']}/matches?{query}",
                       token=scene.near.token), 400)


def test_match_cursors_are_bound_to_their_list(scene):
    need_page = matches_page(f"{NEEDS}/{scene.need['id']}/matches",
                             scene.enterprise.token, {"limit": "1"})
    assert need_page["next_cursor"]
    assert_problem(get(f"{TECH}/{scene.a['id']}/matches",
                       token=scene.near.token,
                       params={"cursor": need_page["next_cursor"]}), 400)
    assert_problem(get(NEEDS, params={"cursor": need_page["next_cursor"]}),
                   400)


# --- the technology's side --------------------------------------------------


def test_technology_matches_list_the_need_with_the_same_score(scene):
    from_need = by_id(need_matches(scene.need, scene.enterprise),
                      "technology")
    for name in ("a", "b", "e"):
        tech = getattr(scene, name)
        vendor = scene.near if name == "a" else scene.far
        items = by_id(tech_matches(tech, vendor), "need")
        assert scene.need["id"] in items, f"the need is not listed for {name}"
        got = items[scene.need["id"]]
        want = from_need[tech["id"]]
        assert (got["score"], got["reasons"]) == \
            (want["score"], want["reasons"]), name
        assert got["need"] == scene.need
    a = by_id(tech_matches(scene.a, scene.near), "need")[scene.need["id"]]
    assert a["score"] == 0.88
    assert a["reasons"] == ["same category", "sector fits", "within budget",
                            "text similarity", "same district"]


def test_technology_matches_are_ranked_open_needs(scene):
    items = tech_matches(scene.a, scene.near)
    assert_ranked(items, "need")
    sims = similarities([scene.a["id"]], [i["need"]["id"] for i in items])
    for item in items:
        need = item["need"]
        assert need["status"] == "open", item
        assert_scored(item, scene.a, need, DISTRICT,
                      sims[scene.a["id"], need["id"]])
        assert (need["category"] == scene.a["category"]
                or need["sector"] in scene.a["sectors"]), item
    one = tech_matches(scene.a, scene.near, limit=1)
    assert_ranked(one, "need")
    assert own(items, scene) and own(one, scene) == own(items, scene)
    # The same rule from this side: the need's very title is no match.
    assert scene.need["id"] not in by_id(tech_matches(scene.x, scene.near),
                                         "need")
    assert own(tech_matches(scene.a, scene.near), scene) == \
        own(items, scene)


def test_closed_needs_are_not_listed(scene):
    need = create_need(scene.enterprise,
                       title=f"Nước thải thủy sản {scene.word} giai đoạn 2",
                       category="wastewater_treatment",
                       sector="seafood_processing", district="o_mon",
                       budget_max_vnd=1_000_000_000)
    got = eventually(lambda: by_id(tech_matches(scene.a, scene.near),
                                   "need")[need["id"]])
    assert_scored(got, scene.a, need, DISTRICT)
    assert "within budget" not in got["reasons"]
    assert "same district" not in got["reasons"]
    closed = set_need_status(scene.enterprise, need, "closed")
    assert need["id"] not in by_id(tech_matches(scene.a, scene.near),
                                   "need")
    # A closed need lists nothing either.
    assert need_matches(closed, scene.enterprise) == []
    set_need_status(scene.enterprise, closed, "open")
    eventually(lambda: by_id(tech_matches(scene.a, scene.near),
                             "need")[need["id"]])


def test_technology_matches_for_others(scene, admin):
    assert_only_for_the_owner(f"{TECH}/{scene.a['id']}/matches",
                              scene.far, scene.enterprise, admin)
    assert_problem(get(f"{TECH}/{uuid.uuid4()}/matches",
                       token=scene.near.token), 404)
    assert_problem(get(f"{TECH}/not-a-uuid/matches",
                       token=scene.near.token), 404)


def test_unflagged_technologies_score_no_funding(scene):
    assert not funded(scene.a) and not funded(scene.b)
    unflagged = [item for item in need_matches(scene.need, scene.enterprise)
                 if not funded(item["technology"])]
    assert {scene.a["id"], scene.b["id"]} <= \
        {item["technology"]["id"] for item in unflagged}
    for items in (unflagged, tech_matches(scene.a, scene.near),
                  tech_matches(scene.b, scene.far)):
        for item in items:
            assert "funding eligible" not in item["reasons"], item


# --- freshness: the queue that keeps the match table ------------------------


def fresh(check):
    """check() polled until it passes; the time it took, under 2 s."""
    t = time.monotonic()
    eventually(check)
    took = time.monotonic() - t
    assert took < MATCH_FRESH_S, took
    return took


def test_a_price_change_rescores_within_2_s(scene):
    tech = published(scene.near, title=f"Bể SBR {scene.word} tự động",
                     category="wastewater_treatment",
                     sectors=["seafood_processing"],
                     price_min_vnd=1_000_000_000)
    got = listed_within_2_s(tech, scene)
    assert "within budget" in got["reasons"]
    r = patch(f"{TECH}/{tech['id']}", {"price_min_vnd": 5_000_000_000,
                                       "price_max_vnd": 6_000_000_000},
              token=scene.near.token, headers={"If-Match": etag(tech)})
    assert r.status_code == 200, r.text
    tech = r.json()

    def over_budget():
        got = by_id(need_matches(scene.need, scene.enterprise),
                    "technology").get(tech["id"])
        # Still listed (the need's list is not full) or left it; if
        # listed, scored without the budget term.
        assert got is None or "within budget" not in got["reasons"], got
        if got is not None:
            assert_scored(got, tech, scene.need, DISTRICT)
            assert got["technology"]["price_min_vnd"] == 5_000_000_000
    fresh(over_budget)
    # The technology's side says the same.
    items = by_id(tech_matches(tech, scene.near), "need")
    assert "within budget" not in items[scene.need["id"]]["reasons"]


def test_a_need_change_rescores_within_2_s(scene):
    need = create_need(scene.rival, title=f"Xử lý nước thải {scene.word}",
                       category="wastewater_treatment",
                       sector="seafood_processing", district=FAR,
                       budget_max_vnd=100_000_000)
    got = eventually(lambda: by_id(tech_matches(scene.a, scene.near),
                                   "need")[need["id"]])
    assert "within budget" not in got["reasons"]
    r = patch(f"{NEEDS}/{need['id']}", {"budget_max_vnd": 9_000_000_000},
              token=scene.rival.token, headers={"If-Match": etag(need)})
    assert r.status_code == 200, r.text

    def in_budget():
        got = by_id(tech_matches(scene.a, scene.near), "need")[need["id"]]
        assert "within budget" in got["reasons"], got
    fresh(in_budget)


def test_a_vendors_move_rescores_its_technologies_within_2_s(scene):
    vendor = new_user("vendor", district=FAR)
    tech = published(vendor, title=f"Bể MBBR {scene.word}",
                     category="wastewater_treatment",
                     sectors=["seafood_processing"])
    got = listed_within_2_s(tech, scene)
    assert "same district" not in got["reasons"]
    me = f"{API}/me/organization"
    r = get(me, token=vendor.token)
    assert r.status_code == 200, r.text
    r = patch(me, {"district": DISTRICT}, token=vendor.token,
              headers={"If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.text

    def moved_near():
        got = by_id(need_matches(scene.need, scene.enterprise),
                    "technology")[tech["id"]]
        assert "same district" in got["reasons"], got
        assert got["distance_km"] == 0
    fresh(moved_near)


def test_the_queue_drains_and_its_backlog_is_a_metric(scene):
    def metric(name):
        for line in get("/metrics").text.splitlines():
            if line.split(" ")[0] == name:
                return float(line.split(" ")[1])
        raise KeyError(name)
    eventually(lambda: metric("techmarket_match_queue_jobs"))
    assert metric("techmarket_match_queue_oldest_seconds") >= 0
    # A job waiting for a need nobody has: drained within 2 s, and the
    # backlog then reads 0 again (other tests enqueue meanwhile: the
    # table is asked about this job only).
    ref = str(uuid.uuid4())
    db_value("INSERT INTO match_jobs (kind, ref) VALUES ('need', :'r')"
             " RETURNING id", r=ref)

    def drained():
        assert db_count("SELECT count(*) FROM match_jobs WHERE ref = :'r'",
                        r=ref) == 0
    fresh(drained)


def test_the_drain_lets_go_of_a_need_a_user_holds(scene):
    """A user deleting a need locks its row, then its matches; a drain
    scoring it locks its matches, then the row (their foreign key). So
    that the two do not deadlock (PostgreSQL, after a second, failed the
    user's DELETE: 409), the drain waits for a lock at most 100 ms, then
    commits and puts the job at the back of the queue. Here a session
    holds the need's row as a DELETE would: no drain waits on it for
    long, the job goes to the back and stays queued, and is done once
    the row is let go."""
    need = create_need(scene.rival, title=f"Bể lắng {scene.word}",
                       category="wastewater_treatment",
                       sector="seafood_processing", district=DISTRICT)
    fresh(lambda: assert_listed_need(need))
    holder = subprocess.Popen(
        [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
         "-d", DATABASE_URL],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        holder.stdin.write(
            f"BEGIN; SELECT 'locked' FROM needs WHERE id = '{need['id']}'"
            " FOR UPDATE;\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "locked"
        first, at = db_rows(
            "INSERT INTO match_jobs (kind, ref) VALUES ('need', :'n')"
            " RETURNING id, queued_at", n=need["id"])[0]

        def moved_back():
            assert db_count("SELECT count(*) FROM match_jobs"
                            " WHERE ref = :'n' AND id > :f",
                            n=need["id"], f=int(first)) == 1
        eventually(moved_back)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            stuck = db_count(
                "SELECT count(*) FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE NOT l.granted AND a.query LIKE '%FROM match_drain(%'"
                " AND clock_timestamp() - l.waitstart > interval '0.5 s'")
            assert stuck == 0, "a drain waits on the user's lock"
            time.sleep(0.05)
        assert db_count("SELECT count(*) FROM match_jobs WHERE ref = :'n'",
                        n=need["id"]) == 1, "the job was dropped"
        assert db_count("SELECT count(*) FROM match_jobs WHERE ref = :'n'"
                        " AND queued_at = :'at'", n=need["id"], at=at) == 1, \
            "the job lost its age"
    finally:
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        assert holder.wait(timeout=10) == 0
    fresh(lambda: assert_queue_done(need))


def assert_listed_need(need):
    assert db_count("SELECT count(*) FROM match_needs WHERE need_id = :'n'",
                    n=need["id"]) == 1


def assert_queue_done(need):
    assert db_count("SELECT count(*) FROM match_jobs WHERE ref = :'n'",
                    n=need["id"]) == 0
    assert_listed_need(need)


def test_a_funding_that_ended_yesterday_leaves_the_score_the_next_day(scene):
    """The stored funding term holds for the day it was scored: the
    first drain of a later day scores again the technologies whose
    funding ended since. Yesterday is played by the database: the
    technology's funding ends yesterday (a change the queue scores at
    once), then its rows are put back to what yesterday's drain would
    have stored, and the queue's day to yesterday."""
    tech = published(scene.near, title=f"Bể Anammox {scene.word}",
                     category="wastewater_treatment",
                     sectors=["seafood_processing"])
    before = listed_within_2_s(tech, scene)
    assert "funding eligible" not in before["reasons"]
    db_value("UPDATE technologies SET funding_until ="
             " tm_cantho_today() - 1 WHERE id = :'t' RETURNING id",
             t=tech["id"])

    def drained():
        assert db_count("SELECT count(*) FROM match_jobs WHERE ref = :'t'",
                        t=tech["id"]) == 0
    eventually(drained)
    db_value("UPDATE match_scores SET score = score + 0.10,"
             " reasons = reasons || '{funding eligible}'"
             " WHERE tech_id = :'t' RETURNING 1", t=tech["id"])
    stale = listed_within_2_s(tech, scene)
    assert "funding eligible" in stale["reasons"]
    db_value("UPDATE match_state SET day = tm_cantho_today() - 1"
             " RETURNING day")

    def rescored():
        got = listed_within_2_s(tech, scene)
        assert "funding eligible" not in got["reasons"], got
        assert got["score"] == before["score"]
    fresh(rescored)
    assert db_value("SELECT day = tm_cantho_today() FROM match_state") == "t"
