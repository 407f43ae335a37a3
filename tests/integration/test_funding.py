"""Funding: programs' figures, DOST's signed eligibility flags (kept as
history), applications and their rules, the agencies' signed decisions,
the budget under 50 concurrent approvals, signatures checked by openssl,
and key rotation.
"""

import base64
import concurrent.futures
import datetime
import json
import os
import pathlib
import subprocess
import tempfile
import uuid

import pytest

from conftest import (API, TECH, TMCTL, assert_etag, assert_problem,
                      cantho_today, create_staff, db_rows, db_value,
                      eventually, get, new_user, patch, post, publish_tech, put, verify)

QR = f"{API}/quote-requests"
APPS = f"{API}/funding-applications"
PROGRAMS = f"{API}/funding-programs"
PRICE = 1_000_000_000
# The DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")


def new_program(agency="doit", budget=10 * PRICE, pct=50):
    """A program of the test's own, so budgets are not shared."""
    code = "t_" + uuid.uuid4().hex[:12]
    db_rows("INSERT INTO funding_programs (code, name_vi, name_en, agency, "
            "year, budget_vnd, max_support_pct, sort_order) VALUES "
            "(:'c', 'Chương trình thử', 'Test programme', :'a', 2026, :b, "
            ":p, 99)", c=code, a=agency, b=budget, p=pct)
    return code


# What the tests' vendors list: a rice husk boiler.
BOILER = {"title": "Lò hơi đốt trấu hiệu suất cao", "trl": 8,
          "summary": "Thay lò than bằng lò đốt trấu.",
          "category": "renewable_energy", "sectors": ["rice_food_processing"]}


def accepted_quote(enterprise, vendor, tech, price=PRICE):
    q = post(QR, {"technology_id": tech["id"], "message": "Xin báo giá"},
             token=enterprise.token)
    assert q.status_code == 201, q.text
    q = q.json()
    valid = (cantho_today() + datetime.timedelta(days=30)).isoformat()
    r = post(f"{QR}/{q['id']}/quote", {"price_vnd": price,
                                        "valid_until": valid},
             token=vendor.token)
    assert r.status_code == 200, r.text
    r = post(f"{QR}/{q['id']}/accept", token=enterprise.token)
    assert r.status_code == 200, r.text
    return r.json()


def flag(dost, tech, program, eligible=True, pct=40, **extra):
    body = {"program_code": program, "eligible": eligible}
    if eligible:
        body["max_support_pct"] = pct
    body.update(extra)
    return put(f"{TECH}/{tech['id']}/funding", body, token=dost.token)


def flag_ok(dost, tech, program, **kw):
    r = flag(dost, tech, program, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def apply(enterprise, quote, program, amount, **extra):
    body = {"program_code": program, "quote_request_id": quote["id"],
            "amount_requested_vnd": amount,
            "description": "Hỗ trợ đầu tư lò hơi đốt trấu."}
    body.update(extra)
    return post(APPS, body, token=enterprise.token)


def keys():
    r = get(f"{API}/keys")
    assert r.status_code == 200
    return {k["key_id"]: k for k in r.json()["items"]}


def openssl_verify(signature, public_key_b64, signed=None):
    """True when openssl says the Ed25519 signature holds."""
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        der = ED25519_SPKI + base64.b64decode(public_key_b64)
        pem = ("-----BEGIN PUBLIC KEY-----\n"
               + base64.b64encode(der).decode() + "\n"
               "-----END PUBLIC KEY-----\n")
        (d / "pub.pem").write_text(pem)
        (d / "msg").write_bytes((signed if signed is not None
                                 else signature["signed"]).encode("utf-8"))
        (d / "sig").write_bytes(base64.b64decode(signature["value"]))
        p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin",
                            "-inkey", str(d / "pub.pem"), "-rawin",
                            "-in", str(d / "msg"),
                            "-sigfile", str(d / "sig")],
                           capture_output=True, text=True, timeout=30)
        return p.returncode == 0 and "Signature Verified Successfully" \
            in p.stdout


class World:
    def __init__(self, admin, agency="doit"):
        self.dost = create_staff(admin, "agency", "dost")
        self.agency = (self.dost if agency == "dost"
                       else create_staff(admin, "agency", agency))
        self.e = new_user("enterprise", sector="rice_food_processing",
                          district="thot_not")
        self.v = new_user("vendor")
        # Verified: DOST flags only verified vendors' technologies, and
        # only verified enterprises apply (test_verification.py).
        verify(admin, self.e, self.v)
        self.program = new_program(agency)
        self.tech = publish_tech(self.v, BOILER)
        self.quote = accepted_quote(self.e, self.v, self.tech)


@pytest.fixture
def world(admin):
    return World(admin)


# --- programs ---------------------------------------------------------------


def test_programs_are_listed_with_their_figures(world):
    items = {p["code"]: p for p in get(PROGRAMS).json()["items"]}
    for code, agency in (("st_fund_2026", "dost"),
                         ("khuyen_cong_2026", "doit"),
                         ("environment_2026", "donre")):
        assert items[code]["agency"] == agency
    p = items[world.program]
    assert (p["budget_vnd"], p["committed_vnd"], p["max_support_pct"]) == \
        (10 * PRICE, 0, 50)


def test_an_agency_changes_only_its_own_programs(world, admin):
    r = get(f"{PROGRAMS}/{world.program}")
    assert r.status_code == 200
    etag = r.headers["ETag"]
    other = create_staff(admin, "agency", "donre")
    assert_problem(patch(f"{PROGRAMS}/{world.program}", {"budget_vnd": 1},
                         token=other.token, headers={"If-Match": etag}), 404)
    assert_problem(patch(f"{PROGRAMS}/{world.program}", {"budget_vnd": 1},
                         token=world.e.token, headers={"If-Match": etag}),
                   403)
    r = patch(f"{PROGRAMS}/{world.program}",
              {"budget_vnd": 12 * PRICE, "max_support_pct": 45},
              token=world.agency.token, headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    assert (r.json()["budget_vnd"], r.json()["max_support_pct"]) == \
        (12 * PRICE, 45)
    assert_etag(r, r.json())
    assert_problem(patch(f"{PROGRAMS}/{world.program}", {"budget_vnd": 1},
                         token=world.agency.token,
                         headers={"If-Match": etag}), 412)
    for body in ({"committed_vnd": 0}, {"agency": "dost"},
                 {"max_support_pct": 101}):
        assert_problem(patch(f"{PROGRAMS}/{world.program}", body,
                             token=world.agency.token,
                             headers={"If-Match": "*"}), 422)


# --- flags ------------------------------------------------------------------


def test_dost_flags_and_the_flag_shows_everywhere(world):
    f = flag_ok(world.dost, world.tech, world.program, pct=40,
                note="Đạt tiêu chí SXSH")
    assert (f["eligible"], f["max_support_pct"], f["program_code"]) == \
        (True, 40, world.program)
    sig = f["signature"]
    assert sig["alg"] == "ed25519" and sig["key_id"] in keys()
    signed = json.loads(sig["signed"])
    assert signed["technology_id"] == world.tech["id"]
    assert signed["eligible"] is True and signed["max_support_pct"] == 40
    doc = get(f"{TECH}/{world.tech['id']}").json()
    assert doc["funding"]["eligible"] is True
    assert [p["program_code"] for p in doc["funding"]["programs"]] == \
        [world.program]
    ids = [t["id"] for t in get(TECH, params={
        "funding_eligible": "true", "vendor_id":
        world.v.account["organization"]["id"]}).json()["items"]]
    assert ids == [world.tech["id"]]
    assert get(TECH, params={"funding_eligible": "false", "vendor_id":
               world.v.account["organization"]["id"]}).json()["items"] == []


def test_matching_counts_funding_eligible(world):
    need = post(f"{API}/needs", {"title": "Cần lò hơi đốt trấu",
                                 "category": "renewable_energy",
                                 "sector": "rice_food_processing",
                                 "district": "thot_not"},
                token=world.e.token).json()

    def reasons():
        items = get(f"{API}/needs/{need['id']}/matches",
                    token=world.e.token).json()["items"]
        return {i["technology"]["id"]: (i["score"], i["reasons"])
                for i in items}[world.tech["id"]]
    # Matching's queue scores a new need and a flag within 2 s.
    score, before = eventually(reasons)
    assert "funding eligible" not in before
    flag_ok(world.dost, world.tech, world.program, pct=40)

    def flagged():
        score2, after = reasons()
        assert "funding eligible" in after
        return score2
    assert round(eventually(flagged) - score, 3) == 0.1


def test_every_change_of_a_flag_is_kept(world):
    flag_ok(world.dost, world.tech, world.program, pct=40)
    flag_ok(world.dost, world.tech, world.program, eligible=False)
    flag_ok(world.dost, world.tech, world.program, pct=20)
    hist = get(f"{TECH}/{world.tech['id']}/funding").json()["items"]
    assert [(h["eligible"], h["max_support_pct"]) for h in hist] == \
        [(True, 20), (False, None), (True, 40)]
    for h in hist:
        assert openssl_verify(h["signature"],
                              keys()[h["signature"]["key_id"]]["public_key"])
    off = flag_ok(world.dost, world.tech, world.program, eligible=False)
    assert off["eligible"] is False
    doc = get(f"{TECH}/{world.tech['id']}").json()
    assert doc["funding"]["eligible"] is False
    assert doc["funding"]["programs"] == []


@pytest.mark.parametrize("who", ["doit", "donre", "vendor", "enterprise",
                                 "admin"])
def test_only_dost_flags(world, admin, who):
    user = {"vendor": world.v, "enterprise": world.e, "admin": admin}.get(
        who) or create_staff(admin, "agency", who)
    assert_problem(flag(user, world.tech, world.program), 403)
    assert get(f"{TECH}/{world.tech['id']}/funding").json()["items"] == []


@pytest.mark.parametrize("body,fields", [
    ({"eligible": True, "max_support_pct": 40}, ["program_code"]),
    ({"program_code": "x1", "eligible": "yes"}, ["eligible"]),
    ({"program_code": "x1", "eligible": True}, ["max_support_pct"]),
    ({"program_code": "x1", "eligible": False, "max_support_pct": 5},
     ["max_support_pct"]),
    ({"program_code": "x1", "eligible": True, "max_support_pct": 0},
     ["max_support_pct"]),
    ({"program_code": "x1", "eligible": True, "max_support_pct": 10,
      "signature": {}}, ["signature"]),
])
def test_invalid_flags_are_422(world, body, fields):
    r = put(f"{TECH}/{world.tech['id']}/funding", body,
            token=world.dost.token)
    assert_problem(r, 422, fields)


def test_unknown_program_and_technology(world):
    assert_problem(flag(world.dost, world.tech, "no_such_program"), 422,
                   ["program_code"])
    assert_problem(flag(world.dost, {"id": str(uuid.uuid4())},
                        world.program), 404)


# --- applications -----------------------------------------------------------


def test_apply_review_and_approve(world):
    flag_ok(world.dost, world.tech, world.program, pct=40)
    r = apply(world.e, world.quote, world.program, 400_000_000)
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "submitted" and a["decision"] is None
    assert r.headers["Location"] == f"{APPS}/{a['id']}"
    r = post(f"{APPS}/{a['id']}/review", token=world.agency.token)
    assert r.status_code == 200 and r.json()["status"] == "under_review"
    r = post(f"{APPS}/{a['id']}/decision",
             {"decision": "approved", "amount_approved_vnd": 350_000_000,
              "note": "Duyệt một phần"}, token=world.agency.token)
    assert r.status_code == 200, r.text
    d = r.json()["decision"]
    assert (d["decision"], d["amount_approved_vnd"]) == \
        ("approved", 350_000_000)
    signed = json.loads(d["signature"]["signed"])
    assert signed["application_id"] == a["id"]
    assert signed["amount_approved_vnd"] == 350_000_000
    assert list(signed) == sorted(signed), "keys are not sorted"
    assert " " not in d["signature"]["signed"].replace("Duyệt một phần", "")
    assert openssl_verify(d["signature"],
                          keys()[d["signature"]["key_id"]]["public_key"])
    # A changed amount no longer verifies.
    forged = d["signature"]["signed"].replace("350000000", "950000000")
    assert forged != d["signature"]["signed"]
    assert not openssl_verify(d["signature"],
                              keys()[d["signature"]["key_id"]]["public_key"],
                              signed=forged)
    program = get(f"{PROGRAMS}/{world.program}").json()
    assert program["committed_vnd"] == 350_000_000
    assert_problem(post(f"{APPS}/{a['id']}/decision",
                        {"decision": "rejected"},
                        token=world.agency.token), 409)


def test_the_cap_is_the_smaller_rate_times_the_price(world):
    flag_ok(world.dost, world.tech, world.program, pct=40)   # program 50
    r = apply(world.e, world.quote, world.program, 400_000_001)
    assert_problem(r, 422, ["amount_requested_vnd"])
    assert "400000000" in r.text
    assert apply(world.e, world.quote, world.program,
                 400_000_000).status_code == 201


def test_the_program_rate_caps_too(admin):
    w = World(admin)
    db_rows("UPDATE funding_programs SET max_support_pct = 30 "
            "WHERE code = :'c'", c=w.program)
    flag_ok(w.dost, w.tech, w.program, pct=60)
    assert_problem(apply(w.e, w.quote, w.program, 300_000_001), 422,
                   ["amount_requested_vnd"])


def test_not_eligible_not_accepted_and_twice_are_409(world):
    assert_problem(apply(world.e, world.quote, world.program, 1), 409)
    flag_ok(world.dost, world.tech, world.program, pct=40,
            valid_until=(cantho_today()
                         - datetime.timedelta(days=1)).isoformat())
    body = assert_problem(apply(world.e, world.quote, world.program, 1), 409)
    assert "eligible" in body["detail"] or "điều kiện" in body["detail"]
    flag_ok(world.dost, world.tech, world.program, pct=40)
    q = post(QR, {"technology_id": world.tech["id"], "message": "Báo giá"},
             token=world.e.token).json()
    body = assert_problem(apply(world.e, q, world.program, 1), 409)
    assert "requested" in body["detail"]
    assert apply(world.e, world.quote, world.program, 1).status_code == 201
    assert_problem(apply(world.e, world.quote, world.program, 1), 409)


def test_someone_elses_quote_or_unknown_program_is_422(world, admin):
    other = new_user("enterprise")
    verify(admin, other)
    flag_ok(world.dost, world.tech, world.program, pct=40)
    assert_problem(apply(other, world.quote, world.program, 1), 422,
                   ["quote_request_id"])
    assert_problem(apply(world.e, world.quote, "no_such_program", 1), 422,
                   ["program_code"])


def test_who_sees_and_decides_what(world, admin):
    flag_ok(world.dost, world.tech, world.program, pct=40)
    a = apply(world.e, world.quote, world.program, 1000).json()
    other_agency = create_staff(admin, "agency", "donre")
    outsiders = [new_user("enterprise"), world.v, other_agency, admin]
    for user in outsiders:
        assert_problem(get(f"{APPS}/{a['id']}", token=user.token), 404)
        assert_problem(post(f"{APPS}/{a['id']}/review", token=user.token),
                       404)
        assert_problem(post(f"{APPS}/{a['id']}/decision",
                            {"decision": "rejected"}, token=user.token), 404)
    assert_problem(post(f"{APPS}/{a['id']}/decision",
                        {"decision": "approved",
                         "amount_approved_vnd": 1000},
                        token=world.e.token), 403)
    for user in (world.e, world.agency):
        r = get(f"{APPS}/{a['id']}", token=user.token)
        assert r.status_code == 200 and r.json()["id"] == a["id"]
        assert [x["id"] for x in get(APPS, token=user.token, params={
            "program_code": world.program}).json()["items"]] == [a["id"]]
    assert get(APPS, token=other_agency.token, params={
        "program_code": world.program}).json()["items"] == []
    assert_problem(get(APPS, token=world.v.token), 403)
    assert get(f"{PROGRAMS}/{world.program}").json()["committed_vnd"] == 0


@pytest.mark.parametrize("body,fields", [
    ({"decision": "approved"}, ["amount_approved_vnd"]),
    ({"decision": "rejected", "amount_approved_vnd": 5},
     ["amount_approved_vnd"]),
    ({"decision": "maybe"}, ["decision"]),
    ({"decision": "approved", "amount_approved_vnd": 0},
     ["amount_approved_vnd"]),
])
def test_invalid_decisions_are_422(world, body, fields):
    flag_ok(world.dost, world.tech, world.program, pct=40)
    a = apply(world.e, world.quote, world.program, 1000).json()
    assert_problem(post(f"{APPS}/{a['id']}/decision", body,
                        token=world.agency.token), 422, fields)


def test_an_approval_over_the_request_is_422(world):
    flag_ok(world.dost, world.tech, world.program, pct=40)
    a = apply(world.e, world.quote, world.program, 1000).json()
    assert_problem(post(f"{APPS}/{a['id']}/decision",
                        {"decision": "approved", "amount_approved_vnd": 1001},
                        token=world.agency.token), 422,
                   ["amount_approved_vnd"])


def test_fifty_concurrent_approvals_respect_the_budget(admin):
    """50 applications of 100,000,000 each against a budget that fits
    exactly 17 of them: 17 approvals, 33 refusals (409), and the program
    committed exactly 1,700,000,000."""
    dost = create_staff(admin, "agency", "dost")
    agency = create_staff(admin, "agency", "doit")
    program = new_program("doit", budget=1_700_000_050, pct=50)
    v = new_user("vendor")
    e = new_user("enterprise")
    verify(admin, v, e)
    tech = publish_tech(v, BOILER)
    flag_ok(dost, tech, program, pct=50)
    apps = []
    for _ in range(50):
        q = accepted_quote(e, v, tech, price=PRICE)
        r = apply(e, q, program, 100_000_000)
        assert r.status_code == 201, r.text
        apps.append(r.json()["id"])

    def approve(aid):
        return post(f"{APPS}/{aid}/decision",
                    {"decision": "approved",
                     "amount_approved_vnd": 100_000_000},
                    token=agency.token)
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        rs = list(pool.map(approve, apps))
    codes = sorted(r.status_code for r in rs)
    assert codes == [200] * 17 + [409] * 33, codes
    assert get(f"{PROGRAMS}/{program}").json()["committed_vnd"] == \
        1_700_000_000
    assert int(db_value("SELECT count(*) FROM funding_applications WHERE "
                        "program_code = :'p' AND status = 'approved'",
                        p=program)) == 17
    for r in rs:
        if r.status_code == 409:
            assert "50" in r.json()["detail"]      # what is left


# --- keys -------------------------------------------------------------------


def test_keys_are_published_and_rotation_keeps_old_ones(world):
    before = keys()
    assert before and all(k["alg"] == "ed25519" for k in before.values())
    old = flag_ok(world.dost, world.tech, world.program, pct=40)
    secrets = pathlib.Path(os.environ["TM_PGDIR"]) / "secrets"
    seed = secrets / "signing.seed"
    assert oct(seed.stat().st_mode & 0o777) == "0o600"
    p = subprocess.run([str(TMCTL), "rotate-key", str(secrets)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    new_id = p.stdout.strip()
    assert new_id not in before
    assert [k for k, v in keys().items() if v["current"]] == [new_id]
    new = flag_ok(world.dost, world.tech, world.program, pct=30)
    assert new["signature"]["key_id"] == new_id
    after = keys()
    assert set(before) < set(after)
    assert openssl_verify(old["signature"],
                          after[old["signature"]["key_id"]]["public_key"])
    assert openssl_verify(new["signature"], after[new_id]["public_key"])
    assert not openssl_verify(old["signature"], after[new_id]["public_key"])
