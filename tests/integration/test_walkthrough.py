"""The README's "Walk through a whole deal", run exactly as printed there:
the sh block after the walkthrough marker, with sh, curl, jq and openssl,
against the test server, the accounts make demo-accounts would give made
here (an admin, a DOST officer, a verified enterprise). If the README's
script breaks, this fails."""

import json
import os
import re
import subprocess

from conftest import (API, BASE_URL, ROOT, create_staff, db_rows,
                      make_admin, new_user, verify)

MARKER = "<!-- walkthrough: tests/integration/test_walkthrough.py runs " \
    "this block -->"

STEPS = ["1. vendor ", "2. technology ", "3. admin verified ",
         "4. enterprise found ", "5. quote request ", "6. vendor quoted ",
         "7. enterprise accepted: accepted", "8. DOST flagged it eligible",
         "9. enterprise applied for ", "10. DOST: under_review",
         "11. DOST decided: approved", "12. the public register says ",
         "Signature Verified Successfully", "done: the proof is in "]


def walkthrough_script():
    text = (ROOT / "README.md").read_text()
    m = re.search(re.escape(MARKER) + r"\n```sh\n(.*?)```", text, re.S)
    assert m, "no walkthrough block in README.md"
    return m.group(1)


def run(script, env, tmp_path):
    return subprocess.run(["sh", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_readme_walks_a_whole_deal(tmp_path):
    admin = make_admin()
    dost = create_staff(admin, "agency", "dost")
    ent = new_user("enterprise", sector="rice_food_processing")
    verify(admin, ent)
    env = dict(os.environ, BASE=f"{BASE_URL}{API}",
               ADMIN_EMAIL=admin.email, ADMIN_PW=admin.password,
               ENT_EMAIL=ent.email, ENT_PW=ent.password,
               DOST_EMAIL=dost.email, DOST_PW=dost.password,
               TMPDIR=str(tmp_path))
    script = walkthrough_script()
    p = run(script, env, tmp_path)
    out = p.stdout
    assert p.returncode == 0, out + p.stderr
    lines = out.splitlines()
    at = 0
    for step in STEPS:       # every step, in order, one line each
        while at < len(lines) and not lines[at].startswith(step):
            at += 1
        assert at < len(lines), f"no {step!r} line in order:\n{out}"
    assert "verified: false" in lines[0], "the vendor starts unverified"
    assert re.search(r"^3\. admin verified .*: true$", out, re.M), out
    assert "(vendor verified: true)" in out, out

    # Behind the API: the enterprise's application is approved, its
    # decision signed, the program's DOST, the vendor verified with the
    # admin's event on record.
    rows = db_rows(
        "SELECT a.id, a.status, a.amount_approved_vnd, a.signature,"
        " p.agency, vo.verified,"
        " (SELECT count(*) FROM verification_events e"
        "   WHERE e.org_id = vo.id AND e.verified"
        "   AND e.by_account = :'admin') AS events"
        " FROM funding_applications a"
        " JOIN funding_programs p ON p.code = a.program_code"
        " JOIN quote_requests q ON q.id = a.quote_request_id"
        " JOIN technologies t ON t.id = q.technology_id"
        " JOIN organizations vo ON vo.id = t.vendor_id"
        " WHERE q.enterprise_id = :'org'",
        org=ent.account["organization"]["id"], admin=admin.id)
    assert len(rows) == 1, rows
    app_id, status, amount, signature, agency, vverified, events = rows[0]
    assert (status, agency, vverified) == ("approved", "dost", "t"), rows
    assert int(amount) > 0 and signature, rows
    assert int(events) == 1, rows
    assert f"applied for {amount} VND" in out, out

    # The files the script left: the register's item is this decision,
    # the signed text says its amount, and a forged amount fails.
    proof = re.search(r"^done: the proof is in (.+)$", out, re.M).group(1)
    decision = json.loads(open(os.path.join(proof, "decision.json")).read())
    signed = json.loads(decision["signature"]["signed"])
    assert signed["application_id"] == app_id
    assert signed["amount_approved_vnd"] == int(amount)
    forged = decision["signature"]["signed"].replace(
        f'"amount_approved_vnd":{amount}',
        f'"amount_approved_vnd":{int(amount) + 1}')
    assert forged != decision["signature"]["signed"]
    with open(os.path.join(proof, "signed.txt"), "w") as f:
        f.write(forged)
    v = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                        "pub.pem", "-rawin", "-in", "signed.txt",
                        "-sigfile", "sig.bin"], cwd=proof,
                       capture_output=True, text=True, timeout=30)
    assert v.returncode != 0 and "Verified Successfully" not in v.stdout


def test_the_walkthrough_stops_at_a_failing_step(tmp_path):
    """Without the passwords it says which is missing; with a wrong one
    it stops at that step and shows the server's problem."""
    script = walkthrough_script()
    env = dict(os.environ, BASE=f"{BASE_URL}{API}", TMPDIR=str(tmp_path))
    for name in ("ADMIN_PW", "ENT_PW", "DOST_PW"):
        env.pop(name, None)
    p = run(script, env, tmp_path)
    assert p.returncode != 0 and "ADMIN_PW" in p.stderr, p.stderr
    env.update(ADMIN_PW="not-the-password", ENT_PW="x" * 10,
               DOST_PW="x" * 10, ADMIN_EMAIL="nobody.walk@techmarket.test")
    p = run(script, env, tmp_path)
    assert p.returncode != 0, p.stdout
    assert "FAILED: POST /sessions: HTTP 401" in p.stderr, p.stderr
    assert '"status":401' in p.stderr.replace(" ", ""), p.stderr
    assert "3. admin verified" not in p.stdout
