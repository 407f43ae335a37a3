"""The public register of funding decisions (GET /funding-decisions) and
the dated keys of GET /keys: approved decisions only, with the very
signature each decision carried, filtered, paged, anonymous, nothing
private of the enterprise; one decision verified with openssl from the
register and /keys alone (the README's own commands); keys newest
first with created_at, retired_at and exactly one current, across a
rotation.
"""

import datetime
import json
import os
import pathlib
import re
import subprocess
import time
import uuid

import pytest

from conftest import (API, BASE_URL, ROOT, TMCTL, admin_patch,
                      assert_problem, assert_rfc3339_utc, create_staff,
                      db_rows, get, list_page, new_user, post, publish_tech,
                      walk_pages)
from test_funding import (BOILER, accepted_quote, apply, flag_ok, keys,
                          openssl_verify)

REGISTER = f"{API}/funding-decisions"
APPS = f"{API}/funding-applications"
ITEM_KEYS = {"application_id", "program_code", "enterprise", "technology",
             "amount_approved_vnd", "decided_at", "signature"}
PRICE = 1_000_000_000


def new_program(year, agency="doit"):
    """A program of the test's own, of the given year."""
    code = "r_" + uuid.uuid4().hex[:12]
    db_rows("INSERT INTO funding_programs (code, name_vi, name_en, agency, "
            "year, budget_vnd, max_support_pct, sort_order) VALUES "
            "(:'c', 'Chương trình thử', 'Test programme', :'a', :y, :b, "
            "50, 99)", c=code, a=agency, y=year, b=100 * PRICE)
    return code


def verified(admin, role):
    """A user whose organization an admin has verified, as the gates on
    flags and applications ask."""
    u = new_user(role, sector="rice_food_processing") \
        if role == "enterprise" else new_user(role)
    r = admin_patch(admin, u.id, {"verified": True})
    assert r.status_code == 200, r.text
    return u


class Market:
    """A verified enterprise and vendor, a DOST officer and the DOIT
    officer who decides; programs made on demand."""

    def __init__(self, admin):
        self.dost = create_staff(admin, "agency", "dost")
        self.doit = create_staff(admin, "agency", "doit")
        self.e = verified(admin, "enterprise")
        self.v = verified(admin, "vendor")
        self.tech = publish_tech(self.v, BOILER)
        self.flagged = set()

    def application(self, program, amount=300_000_000):
        """A submitted application to program, on a new accepted quote."""
        if program not in self.flagged:
            flag_ok(self.dost, self.tech, program, pct=40)
            self.flagged.add(program)
        quote = accepted_quote(self.e, self.v, self.tech)
        r = apply(self.e, quote, program, amount)
        assert r.status_code == 201, r.text
        return r.json()

    def decide(self, app, decision, amount=None, note="Quyết định số 12"):
        body = {"decision": decision, "note": note}
        if amount is not None:
            body["amount_approved_vnd"] = amount
        r = post(f"{APPS}/{app['id']}/decision", body, token=self.doit.token)
        assert r.status_code == 200, r.text
        return r.json()

    def approved(self, program, amount=250_000_000):
        return self.decide(self.application(program), "approved", amount)


@pytest.fixture(scope="module")
def market(admin):
    return Market(admin)


def register(**params):
    return list_page(REGISTER, params)


def everything(**params):
    return walk_pages(lambda p: list_page(REGISTER, p), params)


# --- the register -----------------------------------------------------------


def test_an_approval_is_listed_with_its_exact_signature(market):
    program = new_program(2026)
    app = market.approved(program, 250_000_000)
    items = register(program_code=program)["items"]
    assert len(items) == 1
    item = items[0]
    assert set(item) == ITEM_KEYS
    assert item["application_id"] == app["id"]
    assert item["program_code"] == program
    assert item["enterprise"] == {"name": app["enterprise"]["name"]}
    assert item["technology"] == {"id": market.tech["id"],
                                  "title": market.tech["title"]}
    assert item["amount_approved_vnd"] == 250_000_000
    assert item["decided_at"] == app["decision"]["decided_at"]
    assert_rfc3339_utc(item["decided_at"])
    # The same signed record, byte for byte, as the decision carried.
    assert item["signature"] == app["decision"]["signature"]
    assert set(item["signature"]) == {"alg", "key_id", "signed", "value"}
    signed = json.loads(item["signature"]["signed"])
    assert signed["application_id"] == item["application_id"]
    assert signed["program_code"] == item["program_code"]
    assert signed["technology_id"] == item["technology"]["id"]
    assert signed["amount_approved_vnd"] == item["amount_approved_vnd"]
    assert signed["decided_at"] == item["decided_at"]
    assert signed["decision"] == "approved"
    assert openssl_verify(item["signature"],
                          keys()[item["signature"]["key_id"]]["public_key"])


def test_rejected_and_pending_never_appear(market):
    program = new_program(2026)
    submitted = market.application(program)
    reviewed = market.application(program)
    r = post(f"{APPS}/{reviewed['id']}/review", token=market.doit.token)
    assert r.status_code == 200, r.text
    rejected = market.decide(market.application(program), "rejected")
    approved = market.approved(program)
    listed = [i["application_id"] for i in everything(program_code=program)]
    assert listed == [approved["id"]]
    everyone = {i["application_id"] for i in everything()}
    assert approved["id"] in everyone
    assert not {submitted["id"], reviewed["id"], rejected["id"]} & everyone


def test_nothing_private_of_the_enterprise(market):
    program = new_program(2026)
    market.approved(program)
    r = get(REGISTER, params={"program_code": program})
    assert r.status_code == 200
    org = market.e.account["organization"]
    text = r.text
    # The signed record names the enterprise and the decider by id and
    # carries the decision's note, as the decision always did; nothing
    # else of the enterprise is here.
    for private in (org["tax_code"], market.e.email, "tax_code", "email",
                    "phone", "address", "website", "commune",
                    "amount_requested_vnd", "description"):
        assert private not in text, private
    item = r.json()["items"][0]
    assert set(item["enterprise"]) == {"name"}
    assert set(item["technology"]) == {"id", "title"}


def test_filters_by_program_and_year(market):
    old, new = new_program(2019), new_program(2026)
    a_old = market.approved(old)
    a_new = market.approved(new)
    assert [i["application_id"] for i in everything(program_code=old)] \
        == [a_old["id"]]
    in_2019 = everything(year="2019")
    ids_2019 = {i["application_id"] for i in in_2019}
    assert a_old["id"] in ids_2019 and a_new["id"] not in ids_2019
    years = {p["code"]: p["year"]
             for p in get(f"{API}/funding-programs").json()["items"]}
    assert all(years[i["program_code"]] == 2019 for i in in_2019)
    assert everything(program_code=new, year="2019") == []
    assert [i["application_id"]
            for i in everything(program_code=new, year="2026")] \
        == [a_new["id"]]
    assert everything(program_code="no_such_program") == []


@pytest.mark.parametrize("params, name", [
    ({"year": "20x6"}, "year"), ({"year": "-2026"}, "year"),
    ({"year": "026"}, "year"), ({"year": "20266"}, "year"),
    ({"year": "2026.0"}, "year"), ({"program_code": "Not A Code!"},
                                   "program_code"),
    ({"limit": "101"}, None), ({"limit": "0"}, None),
    ({"cursor": "garbage"}, None), ({"status": "rejected"}, "status"),
    ({"enterprise": "x"}, "enterprise")])
def test_bad_parameters_are_400(params, name):
    doc = assert_problem(get(REGISTER, params=params), 400)
    if name is not None:
        assert name in doc["detail"], doc


def test_pages_newest_first(market):
    program = new_program(2026)
    made = [market.approved(program, 100_000_000 + n) for n in range(5)]
    seen = walk_pages(lambda p: list_page(REGISTER, p),
                      {"program_code": program}, limit=2)
    assert len(seen) == 5
    assert {i["application_id"] for i in seen} == {a["id"] for a in made}
    order = [(i["decided_at"], i["application_id"]) for i in seen]
    assert order == sorted(order, reverse=True)
    first = register(program_code=program, limit="2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    # A cursor belongs to the register: another list refuses it.
    assert_problem(get(f"{API}/technologies",
                       params={"cursor": first["next_cursor"]}), 400)
    # Newest first across the whole register too.
    whole = [i["decided_at"] for i in everything()]
    assert whole == sorted(whole, reverse=True)


def test_anyone_reads_it(market):
    program = new_program(2026)
    market.approved(program)
    anonymous = get(REGISTER, params={"program_code": program})
    assert anonymous.status_code == 200
    assert anonymous.headers["Content-Type"].startswith("application/json")
    for who in (market.e, market.v, market.dost):
        r = get(REGISTER, token=who.token, params={"program_code": program})
        assert r.status_code == 200 and r.json() == anonymous.json()


def readme_block(marker):
    """The sh block that follows an HTML comment marker in the README."""
    text = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- " + re.escape(marker) + r" -->\s*```sh\n(.*?)```",
                  text, re.S)
    assert m, f"no {marker} block in README.md"
    return m.group(1)


def test_anyone_verifies_a_decision_from_the_register_alone(market, tmp_path):
    """The README's commands, as printed there: curl, jq and openssl on
    the public register and /keys; then a forged amount fails."""
    program = new_program(2026)
    # decided_at is to the second: a second later, this decision is the
    # register's newest, the one the README's commands take.
    time.sleep(1.1)
    app = market.approved(program, 123_456_789)
    script = readme_block("verify-decision")
    env = dict(os.environ, BASE=f"{BASE_URL}{API}")
    # sh (dash on Debian), as the README's block says: POSIX only.
    p = subprocess.run(["sh", "-euc", script],
                       cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Signature Verified Successfully" in p.stdout, p.stdout
    assert "123456789" in p.stdout, p.stdout
    signed = (tmp_path / "signed.txt").read_text()
    assert json.loads(signed)["application_id"] == app["id"]
    (tmp_path / "signed.txt").write_text(
        signed.replace("123456789", "923456789"))
    p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin",
                        "-inkey", "pub.pem", "-rawin", "-in", "signed.txt",
                        "-sigfile", "sig.bin"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and "Verified Successfully" not in p.stdout


# --- keys -------------------------------------------------------------------


def key_list():
    r = get(f"{API}/keys")
    assert r.status_code == 200
    return r.json()["items"]


def assert_dated(items):
    assert items
    for k in items:
        assert set(k) == {"key_id", "alg", "public_key", "current",
                          "created_at", "retired_at"}, k
        assert_rfc3339_utc(k["created_at"])
    assert [k["current"] for k in items].count(True) == 1
    assert items[0]["current"], "the current key comes first"
    assert items[0]["retired_at"] is None
    created = [k["created_at"] for k in items]
    assert created == sorted(created, reverse=True), "newest first"
    for newer, older in zip(items, items[1:]):
        assert older["retired_at"] == newer["created_at"], items
        assert older["retired_at"] >= older["created_at"]


def test_keys_are_dated_with_one_current():
    items = key_list()
    assert_dated(items)
    now = datetime.datetime.now(datetime.timezone.utc)
    for k in items:
        at = datetime.datetime.fromisoformat(
            k["created_at"].replace("Z", "+00:00"))
        assert at <= now + datetime.timedelta(seconds=5)


def test_rotation_retires_the_old_key_and_old_decisions_still_verify(
        market):
    program = new_program(2026)
    before = market.approved(program)
    old = key_list()
    secrets = pathlib.Path(os.environ["TM_PGDIR"]) / "secrets"
    p = subprocess.run([str(TMCTL), "rotate-key", str(secrets)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    new_id = p.stdout.strip()
    after = market.approved(program)
    assert after["decision"]["signature"]["key_id"] == new_id
    items = key_list()
    assert_dated(items)
    assert items[0]["key_id"] == new_id
    assert len(items) == len(old) + 1
    was = {k["key_id"]: k for k in old}[old[0]["key_id"]]
    now_old = {k["key_id"]: k for k in items}[old[0]["key_id"]]
    assert was["current"] and was["retired_at"] is None
    assert not now_old["current"]
    assert now_old["retired_at"] == items[0]["created_at"]
    assert now_old["created_at"] == was["created_at"]
    by_id = {k["key_id"]: k for k in items}
    for item in everything(program_code=program):
        sig = item["signature"]
        assert openssl_verify(sig, by_id[sig["key_id"]]["public_key"])
    listed = {i["application_id"]: i["signature"]["key_id"]
              for i in everything(program_code=program)}
    assert listed == {before["id"]: old[0]["key_id"], after["id"]: new_id}


# --- one secrets directory per database -------------------------------------


def tm_sh(root, script, **env):
    """Run script with conf/tm.sh of checkout root sourced."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("TM_SECRETS_DIR", "DATABASE_URL")}
    e.update(env)
    p = subprocess.run(["bash", "-c", f'. "{root}/conf/tm.sh"; {script}'],
                       env=e, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_each_database_has_its_own_secrets(tmp_path):
    state = tmp_path / "state"
    roots = []
    for name in ("a", "b"):
        (tmp_path / name / "conf").mkdir(parents=True)
        (tmp_path / name / "conf" / "tm.sh").write_text(
            (ROOT / "conf" / "tm.sh").read_text())
        roots.append(tmp_path / name)
    env = {"XDG_STATE_HOME": str(state)}
    a, b = (tm_sh(r, "secrets_dir", **env) for r in roots)
    assert a != b, "two checkouts share a secrets directory"
    assert pathlib.Path(a).parent == state / "techmarket"
    url = "postgresql://tm:s3cret@db.example/techmarket"
    by_url = tm_sh(roots[0], "secrets_dir", DATABASE_URL=url, **env)
    assert by_url not in (a, b)
    # The same database from either checkout; a password changes nothing.
    assert tm_sh(roots[1], "secrets_dir", DATABASE_URL=url, **env) == by_url
    assert tm_sh(roots[0], "secrets_dir", DATABASE_URL=url.replace(
        "s3cret", "other"), **env) == by_url
    kw = "host=db.example dbname=techmarket user=tm"
    assert tm_sh(roots[0], "secrets_dir",
                 DATABASE_URL=kw + " password=x", **env) == \
        tm_sh(roots[0], "secrets_dir", DATABASE_URL=kw, **env)
    assert tm_sh(roots[0], "secrets_dir", TM_SECRETS_DIR="/x/y", **env) \
        == "/x/y"

    # The keys every checkout used to share are copied, once, to each;
    # then a rotation in one leaves the other's key alone.
    old = state / "techmarket"
    old.mkdir(mode=0o700, parents=True)
    p = subprocess.run([str(TMCTL), "rotate-key", str(old)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    legacy = (old / "signing.seed").read_bytes()
    for r, d in zip(roots, (a, b)):
        out = tm_sh(r, f'secrets_ready "{d}"', **env)
        assert "copied" in out
        assert (pathlib.Path(d) / "signing.seed").read_bytes() == legacy
        assert oct(pathlib.Path(d).stat().st_mode & 0o777) == "0o700"
        assert tm_sh(r, f'secrets_ready "{d}"', **env) == ""
    p = subprocess.run([str(TMCTL), "rotate-key", a], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert (pathlib.Path(a) / "signing.seed").read_bytes() != legacy
    assert (pathlib.Path(b) / "signing.seed").read_bytes() == legacy
    assert (old / "signing.seed").read_bytes() == legacy
    # The copied public keys kept their dates.
    for f in (old / "signing-keys").iterdir():
        assert (pathlib.Path(b) / "signing-keys" / f.name).stat() \
            .st_mtime == f.stat().st_mtime
