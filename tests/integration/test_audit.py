"""The audit log: every change of state appended in its transaction and
hash-chained (one gap-free chain under 50 concurrent writers), append-only
for the application's role and refused by triggers for everyone, GET
/audit with its filters and cursors, GET /audit/verify recomputing the
chain (an edited entry, a deleted one, a whole chain recomputed after an
edit: the last caught by a signed checkpoint), GET /audit/checkpoints
checked with openssl, and no secret in any entry.

Tampering tests change the shared database: each puts back what it
changed, under the chain head's lock, before it ends.
"""

import base64
import concurrent.futures
import datetime
import decimal
import hashlib
import json
import subprocess
import uuid

import pytest

import conftest
from conftest import (API, LEAKS, NEEDS, PSQL, TECH, assert_problem,
                      cantho_today, create_staff, created, db_rows, db_value,
                      delete, get, moved, new_user, patch, post, publish_tech,
                      put, verify, wait_for)

AUDIT = f"{API}/audit"
QR = f"{API}/quote-requests"
ZERO = "00" * 32

BOILER = {"title": "Lò hơi đốt trấu cho nhà máy xay xát Thốt Nốt", "trl": 8,
          "summary": "Thay lò than bằng lò đốt trấu.",
          "category": "renewable_energy", "sectors": ["rice_food_processing"]}
NEED = {"title": "Cần xử lý nước thải chế biến cá tra", "district": "o_mon",
        "category": "wastewater_treatment", "sector": "seafood_processing"}


# --- helpers ----------------------------------------------------------------


def entries(token, **params):
    """Every entry the filters give, newest first, following cursors."""
    out, cursor = [], None
    while True:
        q = dict(params, limit=100)
        if cursor:
            q["cursor"] = cursor
        r = get(AUDIT, token=token, params=q)
        assert r.status_code == 200, r.text
        doc = r.json()
        out += doc["items"]
        cursor = doc["next_cursor"]
        if cursor is None:
            return out


def actions(token, entity_id):
    return [e["action"] for e in reversed(entries(token,
                                                  entity_id=entity_id))]


def verify_chain(token):
    r = get(f"{AUDIT}/verify", token=token)
    assert r.status_code == 200, r.text
    return r.json()


def canon(value):
    """Canonical JSON as the README defines it: keys sorted bytewise, no
    white space, only '"', '\\' and control characters escaped, numbers as
    written."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(canon(k) + ":" + canon(value[k])
                              for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canon(v) for v in value) + "]"
    if isinstance(value, str):
        out = []
        for ch in value:
            esc = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f",
                   "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            if esc is None and ord(ch) < 0x20:
                esc = "\\u%04x" % ord(ch)
            out.append(esc or ch)
        return '"' + "".join(out) + '"'
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)            # int, or Decimal as the JSON wrote it


def entry_hash(entry, prev_hex):
    """An outside party's recomputation from the entry as listed."""
    body = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash")}
    data = bytes.fromhex(prev_hex) + canon(body).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def listed(token, **params):
    """The list parsed with numbers as written (Decimal, not float)."""
    r = get(AUDIT, token=token, params=dict(params, limit=100))
    assert r.status_code == 200, r.text
    return json.loads(r.text, parse_float=decimal.Decimal)["items"]


def psql_as(role, sql):
    """sql run by psql as role (the application's role has LOGIN)."""
    url = conftest.DATABASE_URL + f" user={role}"
    return subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v",
                           "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)


def tamper(sql, **params):
    """sql run as the owner with the append-only triggers off (what only
    a superuser can do), holding the chain head so no append interleaves."""
    db_rows("BEGIN; SET LOCAL session_replication_role = replica; "
            "SELECT 1 FROM audit_chain FOR UPDATE; " + sql + "; COMMIT;",
            **params)


# Recomputes every hash from :start on, as a forger who can write the
# database would, and moves the head to the end.
RECHAIN = """
DO $$
DECLARE
	e audit_log;
	prev bytea := (SELECT coalesce((SELECT hash FROM audit_log
	    WHERE seq = %(start)s - 1), decode(repeat('00', 32), 'hex')));
BEGIN
	FOR e IN SELECT * FROM audit_log WHERE seq >= %(start)s ORDER BY seq
	LOOP
		UPDATE audit_log SET prev_hash = prev,
		    hash = sha256(prev || convert_to(audit_canonical(e.seq, e.at,
			e.actor_id, e.actor_role, e.action, e.entity_type,
			e.entity_id, e.changes), 'UTF8'))
		WHERE seq = e.seq RETURNING hash INTO prev;
	END LOOP;
	UPDATE audit_chain SET hash = prev;
END $$"""


@pytest.fixture
def agency(admin):
    return create_staff(admin, "agency", "doit")


# --- what is recorded -------------------------------------------------------


def test_registration_is_the_new_accounts_own_entry(admin):
    user = new_user("enterprise")
    got = entries(admin.token, entity_id=user.id)
    assert [e["action"] for e in got] == ["account.register"]
    e = got[0]
    assert e["actor"] == {"id": user.id, "role": "enterprise"}
    assert e["entity"] == {"type": "account", "id": user.id}
    assert e["changes"]["role"] == "enterprise"
    assert e["changes"]["organization"]["id"] == \
        user.account["organization"]["id"]
    assert set(e) == {"seq", "at", "actor", "action", "entity", "changes",
                      "prev_hash", "hash"}
    assert e["at"].endswith("Z") and len(e["at"]) == 27


def test_a_listing_and_a_need_leave_their_history(admin):
    vendor = new_user("vendor")
    tech = created(TECH, vendor, BOILER)
    tech = moved(TECH, vendor, tech, "published")
    r = patch(f"{TECH}/{tech['id']}", {"trl": 9}, token=vendor.token,
              headers={"If-Match": f'"{tech["version"]}"'})
    assert r.status_code == 200, r.text
    tech = moved(TECH, vendor, r.json(), "archived")
    assert actions(admin.token, tech["id"]) == [
        "technology.create", "technology.publish", "technology.patch",
        "technology.archive"]
    got = entries(admin.token, entity_id=tech["id"], action="technology.patch")
    assert got[0]["changes"] == {"trl": 9}
    assert got[0]["actor"] == {"id": vendor.id, "role": "vendor"}
    draft = created(TECH, vendor, dict(BOILER, title="Bản nháp để xóa"))
    assert delete(f"{TECH}/{draft['id']}", token=vendor.token).status_code \
        == 204
    assert actions(admin.token, draft["id"]) == ["technology.create",
                                                  "technology.delete"]

    ent = new_user("enterprise")
    need = created(NEEDS, ent, NEED)
    need = moved(NEEDS, ent, need, "closed")
    need = moved(NEEDS, ent, need, "open")
    assert delete(f"{NEEDS}/{need['id']}", token=ent.token).status_code == 204
    assert actions(admin.token, need["id"]) == [
        "need.create", "need.close", "need.reopen", "need.delete"]


def test_a_deal_and_its_funding_are_recorded(admin):
    dost = create_staff(admin, "agency", "dost")
    ent = new_user("enterprise")
    vendor = new_user("vendor")
    verify(admin, ent, vendor)
    tech = publish_tech(vendor, BOILER)
    q = post(QR, {"technology_id": tech["id"], "message": "Xin báo giá"},
             token=ent.token).json()
    valid = (cantho_today() + datetime.timedelta(days=30)).isoformat()
    assert post(f"{QR}/{q['id']}/quote", {"price_vnd": 500_000_000,
                                          "valid_until": valid},
                token=vendor.token).status_code == 200
    assert post(f"{QR}/{q['id']}/messages", {"body": "Giao trong 45 ngày"},
                token=vendor.token).status_code == 201
    assert post(f"{QR}/{q['id']}/accept", token=ent.token).status_code == 200
    assert actions(admin.token, q["id"]) == [
        "quote.create", "quote.quote", "quote.message", "quote.accept"]
    quoted = entries(admin.token, entity_id=q["id"], action="quote.quote")[0]
    assert quoted["changes"]["price_vnd"] == 500_000_000
    assert quoted["actor"]["id"] == vendor.id
    # The message is the parties' own: that it was written, not what.
    msg = entries(admin.token, entity_id=q["id"], action="quote.message")[0]
    assert "Giao trong" not in json.dumps(msg, ensure_ascii=False)

    from test_funding import new_program
    r = put(f"{TECH}/{tech['id']}/funding",
            {"program_code": new_program("dost"), "eligible": True,
             "max_support_pct": 30}, token=dost.token)
    assert r.status_code == 200, r.text
    flag = entries(admin.token, entity_id=tech["id"], action="funding.flag")
    assert flag[0]["actor"] == {"id": dost.id, "role": "agency"}
    assert flag[0]["changes"]["eligible"] is True
    code = flag[0]["changes"]["program_code"]
    app = post(f"{API}/funding-applications",
               {"program_code": code, "quote_request_id": q["id"],
                "amount_requested_vnd": 100_000_000}, token=ent.token)
    assert app.status_code == 201, app.text
    app = app.json()
    assert post(f"{API}/funding-applications/{app['id']}/review",
                token=dost.token).status_code == 200
    r = post(f"{API}/funding-applications/{app['id']}/decision",
             {"decision": "approved", "amount_approved_vnd": 90_000_000},
             token=dost.token)
    assert r.status_code == 200, r.text
    assert actions(admin.token, app["id"]) == [
        "funding.apply", "funding.review", "funding.decide"]
    decided = entries(admin.token, entity_id=app["id"],
                      action="funding.decide")[0]
    assert decided["changes"]["decision"] == "approved"
    assert decided["changes"]["amount_approved_vnd"] == 90_000_000


def test_reports_years_and_by_products_are_recorded(admin):
    ent = new_user("enterprise", commune="phuong_thot_not")
    report = {"year": 2022, "energy_saved_kwh": 1200, "water_saved_m3": 0,
              "waste_reduced_tonnes": 0, "co2_reduced_tonnes": 1.5,
              "investment_vnd": 90_000_000, "iso14001_certified": False,
              "measures": ["Thay bóng đèn LED"]}
    r = post(f"{API}/cp-reports", report, token=ent.token)
    assert r.status_code == 201, r.text
    filed = r.json()
    r = put(f"{API}/cp-reports/2022", dict(report, investment_vnd=95_000_000),
            token=ent.token, headers={"If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.text
    assert actions(admin.token, filed["id"]) == ["cp_report.file",
                                                  "cp_report.amend"]
    amended, first = entries(admin.token, entity_id=filed["id"])
    assert amended["changes"] == {"investment_vnd": 95_000_000}
    assert first["changes"]["measures"] == ["Thay bóng đèn LED"]
    assert first["actor"] == {"id": ent.id, "role": "enterprise"}

    doit = create_staff(admin, "agency", "doit")
    before = len(entries(admin.token, entity_id="2022"))
    try:
        assert post(f"{API}/cp-reports/years/2022/close",
                    token=doit.token).status_code == 200
    finally:
        assert post(f"{API}/cp-reports/years/2022/reopen",
                    token=doit.token).status_code == 200
    got = entries(admin.token, entity_id="2022")[:2]
    assert len(entries(admin.token, entity_id="2022")) == before + 2
    assert [(e["action"], e["changes"], e["actor"]["id"]) for e in got] == [
        ("cp_year.reopen", {"closed": False}, doit.id),
        ("cp_year.close", {"closed": True}, doit.id)]

    offer = {"kind": "offer", "material": "Trấu lúa khô",
             "material_code": "rice_husk", "quantity_tonnes_per_month": 120,
             "commune": "phuong_thot_not"}
    r = post(f"{API}/byproducts", offer, token=ent.token)
    assert r.status_code == 201, r.text
    bp = r.json()
    r = patch(f"{API}/byproducts/{bp['id']}",
              {"quantity_tonnes_per_month": 80.5}, token=ent.token,
              headers={"If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.text
    r = post(f"{API}/byproducts/{bp['id']}/close", token=ent.token)
    assert r.status_code == 200, r.text
    assert actions(admin.token, bp["id"]) == [
        "byproduct.create", "byproduct.update", "byproduct.close"]
    closed, updated, made = entries(admin.token, entity_id=bp["id"])
    assert updated["changes"] == {"quantity_tonnes_per_month": 80.5}
    assert made["changes"]["material_code"] == "rice_husk"
    assert closed["changes"] == {"status": "closed"}


def test_a_quote_expiry_is_the_systems(admin):
    ent, vendor = new_user("enterprise"), new_user("vendor")
    tech = publish_tech(vendor, BOILER)
    q = post(QR, {"technology_id": tech["id"], "message": "Báo giá"},
             token=ent.token).json()
    valid = (cantho_today() + datetime.timedelta(days=3)).isoformat()
    assert post(f"{QR}/{q['id']}/quote", {"price_vnd": 1, "valid_until":
                                          valid},
                token=vendor.token).status_code == 200
    db_rows("UPDATE quote_requests SET valid_until = tm_cantho_today() - 1"
            " WHERE id = :'id'", id=q["id"])
    assert wait_for(lambda: entries(admin.token, entity_id=q["id"],
                                    action="quote.expire"))
    e = entries(admin.token, entity_id=q["id"], action="quote.expire")
    assert len(e) == 1
    assert e[0]["actor"] == {"id": None, "role": "system"}


def test_accounts_keys_and_staff_changes_are_recorded(admin):
    user = new_user("vendor")
    r = post(f"{API}/api-keys", {"name": "ERP đồng bộ"}, token=user.token)
    assert r.status_code == 201
    key = r.json()
    assert delete(f"{API}/api-keys/{key['id']}",
                  token=user.token).status_code == 204
    assert actions(admin.token, key["id"]) == ["api_key.create",
                                               "api_key.revoke"]
    new_pw = conftest.new_password()
    LEAKS.add(new_pw, "a new password")
    r = put(f"{API}/me/password", {"current_password": user.password,
                                   "new_password": new_pw},
            token=user.token)
    assert r.status_code == 204, r.text
    staff = create_staff(admin, "agency", "donre")
    assert actions(admin.token, staff.id) == ["account.create"]
    made = entries(admin.token, entity_id=staff.id)[0]
    assert made["actor"] == {"id": admin.id, "role": "admin"}
    assert made["changes"]["agency"] == "donre"
    verify(admin, user)
    r = patch(f"{API}/admin/accounts/{user.id}", {"status": "suspended"},
              token=admin.token)
    assert r.status_code == 200, r.text
    assert actions(admin.token, user.id) == [
        "account.register", "account.password_change", "account.suspend"]
    org = user.account["organization"]["id"]
    assert actions(admin.token, org) == ["organization.verify"]
    # An organization's correction by its own account.
    other = new_user("enterprise")
    tag = get(f"{API}/me/organization", token=other.token).headers["ETag"]
    r = patch(f"{API}/me/organization", {"phone": "0292 3831 234"},
              token=other.token, headers={"If-Match": tag})
    assert r.status_code == 200, r.text
    e = entries(admin.token, entity_id=other.account["organization"]["id"])
    assert e[0]["action"] == "organization.patch"
    assert e[0]["changes"] == {"phone": "0292 3831 234"}


def test_no_entry_holds_a_secret(admin):
    """Every entry, through the API (the leak guard checks each answer)
    and in the database, against every stored hash and verifier."""
    new_user("vendor")
    everything = entries(admin.token)
    assert everything
    text = db_value("SELECT string_agg(changes::text, ' ') FROM audit_log")
    for (needle,) in db_rows("SELECT encode(verifier, 'hex') FROM "
                             "credentials UNION ALL SELECT password_hash "
                             "FROM accounts"):
        assert needle not in text
    assert "$argon2" not in text
    for secret in LEAKS.snapshot():
        assert secret not in text
    for word in ("password", "token", "verifier", "selector", "hash"):
        assert f'"{word}"' not in text


# --- one chain ----------------------------------------------------------------


def test_fifty_parallel_writes_make_fifty_chained_entries(admin):
    ent = new_user("enterprise")

    def one(i):
        r = post(NEEDS, dict(NEED, title=f"Nhu cầu song song số {i}"),
                 token=ent.token)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        ids = set(pool.map(one, range(50)))
    rows = db_rows("SELECT seq, entity_id, encode(prev_hash, 'hex'), "
                   "encode(hash, 'hex') FROM audit_log WHERE "
                   "action = 'need.create' AND actor_id = :'a' ORDER BY seq",
                   a=ent.id)
    assert {r[1] for r in rows} == ids
    seqs = [int(r[0]) for r in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 50))
    for before, after in zip(rows, rows[1:]):
        assert after[2] == before[3]
    # An outside party recomputes each of them from the list alone.
    got = {e["seq"]: e for e in listed(admin.token, actor=ent.id,
                                       action="need.create")}
    assert len(got) == 50
    for s in seqs:
        assert entry_hash(got[s], got[s]["prev_hash"]) == got[s]["hash"]
    v = verify_chain(admin.token)
    assert v["ok"] is True and v["first_bad_seq"] is None
    assert v["entries"] >= seqs[-1]


def test_the_chain_starts_at_zero_and_has_no_gap():
    first = db_rows("SELECT seq, encode(prev_hash, 'hex') FROM audit_log "
                    "ORDER BY seq LIMIT 1")[0]
    assert first == ["1", ZERO]
    n, top = db_rows("SELECT count(*), max(seq) FROM audit_log")[0]
    assert n == top
    assert int(db_value("SELECT seq FROM audit_chain")) >= int(top)


# --- append-only ----------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET changes = '{}' WHERE seq = 1",
    "DELETE FROM audit_log WHERE seq = 1",
    "TRUNCATE audit_log",
    "UPDATE audit_checkpoints SET key_id = 'x'",
    "DELETE FROM audit_checkpoints",
    "TRUNCATE audit_checkpoints",
])
def test_the_apps_role_may_not_change_the_log(sql):
    p = psql_as("techmarket_app", sql)
    assert p.returncode != 0
    assert "permission denied" in p.stderr


def test_the_apps_role_may_read_and_append():
    p = psql_as("techmarket_app", "SELECT has_table_privilege('audit_log', "
                "'INSERT'), has_table_privilege('audit_log', 'SELECT'), "
                "has_table_privilege('audit_log', 'UPDATE'), "
                "has_table_privilege('audit_log', 'DELETE'), "
                "(SELECT count(*) > 0 FROM audit_log)")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "t|t|f|f|t"


def test_the_owner_switches_to_the_apps_role():
    """What the server does on each connection (app/db.c)."""
    assert db_value("SELECT tm_app_role()") == "techmarket_app"


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET changes = '{}' WHERE seq = 1",
    "DELETE FROM audit_log WHERE seq = 1",
    "TRUNCATE audit_log",
    "DELETE FROM audit_checkpoints",
    "DELETE FROM audit_chain",
])
def test_triggers_refuse_even_the_owner(sql):
    p = psql_as("techmarket", sql)
    assert p.returncode != 0
    assert "append-only" in p.stderr


# --- verify ---------------------------------------------------------------------


def test_an_edited_entry_is_reported_at_its_seq(admin):
    user = new_user("vendor")
    seq = int(db_value("SELECT seq FROM audit_log WHERE entity_id = :'id'",
                       id=user.id))
    old = db_value("SELECT changes::text FROM audit_log WHERE seq = :s",
                   s=seq)
    tamper("UPDATE audit_log SET changes = changes || "
           "'{\"role\": \"admin\"}' WHERE seq = :s", s=seq)
    try:
        v = verify_chain(admin.token)
        assert v["ok"] is False
        assert v["first_bad_seq"] == seq
        assert v["reason"] == "hash"
    finally:
        tamper("UPDATE audit_log SET changes = :'c' WHERE seq = :s",
               c=old, s=seq)
    assert verify_chain(admin.token)["ok"] is True


def test_a_deleted_entry_is_detected(admin):
    user = new_user("vendor")
    seq = int(db_value("SELECT seq FROM audit_log WHERE entity_id = :'id'",
                       id=user.id))
    new_user("vendor")             # so the deleted one is not the last
    db_rows("CREATE TABLE IF NOT EXISTS audit_saved (LIKE audit_log)")
    tamper("DELETE FROM audit_saved; INSERT INTO audit_saved SELECT * FROM "
           "audit_log WHERE seq = :s; DELETE FROM audit_log WHERE seq = :s",
           s=seq)
    try:
        v = verify_chain(admin.token)
        assert v["ok"] is False
        assert v["first_bad_seq"] == seq
        assert v["reason"] == "missing"
    finally:
        tamper("INSERT INTO audit_log SELECT * FROM audit_saved; "
               "DROP TABLE audit_saved")
    assert verify_chain(admin.token)["ok"] is True


def test_the_newest_entry_deleted_is_detected(admin):
    new_user("vendor")
    db_rows("CREATE TABLE IF NOT EXISTS audit_saved (LIKE audit_log)")
    seq = int(db_value("SELECT max(seq) FROM audit_log"))
    tamper("INSERT INTO audit_saved SELECT * FROM audit_log WHERE seq = :s;"
           " DELETE FROM audit_log WHERE seq = :s", s=seq)
    try:
        v = verify_chain(admin.token)
        assert v["ok"] is False and v["first_bad_seq"] == seq
    finally:
        tamper("INSERT INTO audit_log SELECT * FROM audit_saved; "
               "DROP TABLE audit_saved")
    assert verify_chain(admin.token)["ok"] is True


def fill(n):
    """n entries of the system's, appended the way every write appends."""
    db_rows("SELECT count(tm_audit(NULL, 'test.fill', 'test', g::text, "
            "jsonb_build_object('n', g))) FROM generate_series(1, :n) g",
            n=n)


def test_a_rewritten_chain_is_caught_by_a_checkpoint(admin):
    user = new_user("vendor")
    seq = int(db_value("SELECT seq FROM audit_log WHERE entity_id = :'id'",
                       id=user.id))
    fill(1000)                     # a multiple of 1,000 is past it now
    assert wait_for(lambda: int(db_value(
        "SELECT count(*) FROM audit_checkpoints WHERE seq >= :s",
        s=seq)) > 0, timeout=20)
    cp = int(db_value("SELECT min(seq) FROM audit_checkpoints "
                      "WHERE seq >= :s", s=seq))
    old = db_value("SELECT changes::text FROM audit_log WHERE seq = :s",
                   s=seq)
    tamper("UPDATE audit_log SET changes = changes || "
           "'{\"role\": \"admin\"}' WHERE seq = :s; " +
           RECHAIN % {"start": seq}, s=seq)
    try:
        v = verify_chain(admin.token)
        assert v["ok"] is False
        assert v["reason"] == "checkpoint"
        assert v["bad_checkpoint_seq"] == cp
        assert v["first_bad_seq"] <= seq
    finally:
        tamper("UPDATE audit_log SET changes = :'c' WHERE seq = :s; " +
               RECHAIN % {"start": seq}, c=old, s=seq)
    v = verify_chain(admin.token)
    assert v["ok"] is True and v["checkpoints"] >= 1


def test_a_forged_checkpoint_signature_is_detected(admin):
    fill(1)
    assert wait_for(lambda: db_value("SELECT count(*) FROM "
                                     "audit_checkpoints") != "0", timeout=20)
    seq = int(db_value("SELECT min(seq) FROM audit_checkpoints"))
    old = db_value("SELECT signature FROM audit_checkpoints WHERE seq = :s",
                   s=seq)
    forged = base64.b64encode(bytes(64)).decode()
    tamper("UPDATE audit_checkpoints SET signature = :'f' WHERE seq = :s",
           f=forged, s=seq)
    try:
        v = verify_chain(admin.token)
        assert v["ok"] is False and v["reason"] == "signature"
        assert v["bad_checkpoint_seq"] == seq
    finally:
        tamper("UPDATE audit_checkpoints SET signature = :'o' "
               "WHERE seq = :s", o=old, s=seq)
    assert verify_chain(admin.token)["ok"] is True


# --- checkpoints ------------------------------------------------------------------


def test_checkpoints_are_public_and_verify_with_openssl():
    from test_funding import keys, openssl_verify
    fill(1)
    assert wait_for(lambda: get(f"{AUDIT}/checkpoints").json()["items"],
                    timeout=20)
    r = get(f"{AUDIT}/checkpoints", params={"limit": 100})
    assert r.status_code == 200
    items = r.json()["items"]
    seqs = [c["seq"] for c in items]
    assert seqs == sorted(seqs, reverse=True)
    published = keys()
    for c in items[:5]:
        assert set(c) == {"seq", "hash", "at", "signed", "signature",
                          "key_id"}
        assert json.loads(c["signed"]) == {"seq": c["seq"], "hash": c["hash"],
                                           "at": c["at"]}
        assert c["signed"] == canon(json.loads(c["signed"]))
        assert openssl_verify({"value": c["signature"], "signed": c["signed"]},
                              published[c["key_id"]]["public_key"])
        assert db_value("SELECT encode(hash, 'hex') FROM audit_log "
                        "WHERE seq = :s", s=c["seq"]) == c["hash"]


def test_a_checkpoint_every_thousand_entries():
    start = int(db_value("SELECT seq FROM audit_chain"))
    fill(2000)
    want = [k * 1000 for k in range(start // 1000 + 1,
                                    (start + 2000) // 1000 + 1)]
    assert wait_for(lambda: int(db_value(
        "SELECT count(*) FROM audit_checkpoints WHERE seq = ANY(:'w')",
        w="{" + ",".join(map(str, want)) + "}")) == len(want), timeout=20)


# --- the list: who, filters, cursors, bad input ------------------------------------


@pytest.mark.parametrize("path", [AUDIT, f"{AUDIT}/verify"])
def test_anonymous_is_401_and_other_roles_403(path):
    assert_problem(get(path), 401)
    for role in ("vendor", "enterprise"):
        assert_problem(get(path, token=new_user(role).token), 403)


@pytest.mark.parametrize("path", [AUDIT, f"{AUDIT}/verify"])
def test_admins_and_agencies_read_it(path, admin, agency):
    for who in (admin, agency):
        assert get(path, token=who.token).status_code == 200


def test_filters(admin):
    user = new_user("vendor")
    tech = created(TECH, user, BOILER)
    mine = entries(admin.token, actor=user.id)
    assert [e["action"] for e in mine] == ["technology.create",
                                           "account.register"]
    assert all(e["actor"]["id"] == user.id for e in mine)
    assert [e["entity"]["id"] for e in entries(
        admin.token, entity_id=tech["id"])] == [tech["id"]]
    creates = listed(admin.token, action="technology.create")
    assert creates and all(e["action"] == "technology.create"
                           for e in creates)
    at = mine[0]["at"]
    assert [e["seq"] for e in entries(admin.token, actor=user.id,
                                      **{"from": at})] == [mine[0]["seq"]]
    assert [e["seq"] for e in entries(admin.token, actor=user.id,
                                      to=at)] == [mine[1]["seq"]]
    assert entries(admin.token, actor=user.id, to="2020-01-01") == []
    assert len(entries(admin.token, actor=user.id,
                       **{"from": "2020-01-01T00:00:00+07:00"})) == 2
    assert entries(admin.token, actor=str(uuid.uuid4())) == []


def test_pages_walk_newest_first_by_seq(admin):
    fill(7)
    r = get(AUDIT, token=admin.token, params={"limit": 3,
                                               "action": "test.fill"})
    first = r.json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    r = get(AUDIT, token=admin.token, params={
        "limit": 3, "action": "test.fill", "cursor": first["next_cursor"]})
    second = r.json()["items"]
    seqs = [e["seq"] for e in first["items"] + second]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 6
    assert seqs[0] - seqs[-1] == 5


@pytest.mark.parametrize("param,value", [
    ("actor", "not-a-uuid"), ("actor", "'; DROP TABLE audit_log; --"),
    ("action", "Account.Register"), ("action", "x" * 65),
    ("action", "a;b"), ("from", "yesterday"), ("from", "2026-02-30"),
    ("to", "2026-13-01T00:00:00Z"), ("to", "2026-12-01T25:00:00Z"),
    ("from", "2026-12-01 10:00:00"), ("to", "2026-12-01T10:00:00"),
    ("from", "2026-12-01T10:00:00+7"), ("entity_id", "x" * 101),
    ("entity_id", "tab\there"), ("limit", "0"), ("limit", "101"),
    ("cursor", "forged"),
])
def test_bad_parameters_are_400_naming_them(admin, param, value):
    r = get(AUDIT, token=admin.token, params={param: value})
    assert_problem(r, 400)
    if param not in ("limit", "cursor"):
        assert param in r.json()["detail"]


def test_unknown_parameters_are_400(admin):
    r = get(AUDIT, token=admin.token, params={"q": "x"})
    assert_problem(r, 400)
    assert "q" in r.json()["detail"]
    assert_problem(get(f"{AUDIT}/verify", token=admin.token,
                       params={"from": "2026-01-01"}), 400)
    assert_problem(get(f"{AUDIT}/checkpoints", params={"seq": "1"}), 400)


def test_a_cursor_of_another_list_is_400(admin):
    r = get(f"{API}/api-keys", token=admin.token)
    assert r.status_code == 200
    fill(3)
    cur = get(f"{AUDIT}/checkpoints", params={"limit": 1}).json()[
        "next_cursor"]
    if cur:
        assert_problem(get(AUDIT, token=admin.token,
                           params={"cursor": cur}), 400)
