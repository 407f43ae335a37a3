"""Two Kore nodes behind haproxy, a primary and a hot standby that replays
a second late on purpose (make test-cluster, conf/cluster.sh): reads one
has just written come back, sessions, throttles and idempotency keys
hold across nodes, a standby that goes away costs no request, and a node
killed under load loses no acknowledged write.

Environment (set by conf/cluster.sh): TM_BASE_URL (haproxy),
TM_CLUSTER_DIR (node-ports, nodeN/kore.pid), TM_DATABASE_URL (the
primary), TM_STANDBY_URL, TM_PGCTL and TM_STANDBY_DATA (to stop and
start the standby).
"""

import concurrent.futures
import os
import pathlib
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

# The integration suite's helpers, against haproxy.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] /
                       "integration"))
import conftest as it  # noqa: E402

CLUSTER_DIR = pathlib.Path(os.environ.get("TM_CLUSTER_DIR", "/nonexistent"))
API = it.API
TECH = f"{API}/technologies"
TIMEOUT = 10

pytestmark = pytest.mark.skipif(
    not os.environ.get("TM_CLUSTER_DIR"),
    reason="TM_CLUSTER_DIR is not set: run make test-cluster")


def node_urls():
    ports = (CLUSTER_DIR / "node-ports").read_text().split()
    return [f"http://127.0.0.1:{p}" for p in ports]


def on(node, method, path, token=None, **kw):
    """One request straight to a node, past haproxy."""
    headers = kw.pop("headers", {}) or {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, node + path, headers=headers,
                            timeout=TIMEOUT, **kw)


def tech_body(title):
    return {"title": title, "summary": "Xử lý nước thải chế biến thủy sản.",
            "category": "wastewater_treatment",
            "sectors": ["seafood_processing"], "trl": 7,
            "price_min_vnd": 100_000_000}


def standby_state(node):
    r = on(node, "GET", "/readyz")
    assert r.status_code == 200, r.text
    return r.json()["pools"]["standby"]


def wait_for(pred, seconds, step=0.1):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def standby_steps(node):
    """Steps the node's workers sent to the standby (GET /metrics)."""
    r = on(node, "GET", "/metrics")
    total = 0
    for line in r.text.splitlines():
        if line.startswith("techmarket_db_steps_total{") and \
                'pool="standby"' in line:
            total += int(line.rsplit(" ", 1)[1])
    return total


def refuses(port):
    """Whether nothing listens on port any more."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


def pg_ctl(*args):
    cmd = shlex.split(os.environ["TM_PGCTL"]) + list(args) + \
        ["-D", os.environ["TM_STANDBY_DATA"]]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module", autouse=True)
def standby_caught_up():
    for node in node_urls():
        assert wait_for(lambda: standby_state(node) == "up", 20), \
            f"{node}: the standby never caught up"


def test_readyz_names_the_pools():
    for node in node_urls():
        r = on(node, "GET", "/readyz")
        assert r.json() == {"status": "ready", "pools": {
            "primary": "up", "standby": "up"}}


def test_anonymous_reads_go_to_the_standby():
    before = sum(standby_steps(n) for n in node_urls())
    for _ in range(20):
        assert requests.get(it.BASE_URL + f"{API}/categories",
                            timeout=TIMEOUT).status_code == 200
        assert requests.get(it.BASE_URL + TECH, params={"q": uuid.uuid4().hex},
                            timeout=TIMEOUT).status_code == 200
    after = sum(standby_steps(n) for n in node_urls())
    assert after - before >= 20, (before, after)


def test_a_writer_reads_its_own_writes_every_time():
    """The standby replays a second late: the vendor who publishes reads
    the primary until it has caught up; an anonymous reader may not see
    the listing at once, and does within seconds."""
    vendor = it.new_user("vendor")
    late = 0
    for i in range(10):
        doc = it.publish_tech(vendor, tech_body(f"Lò hơi trấu số {i}"))
        r = it.get(f"{TECH}/{doc['id']}", token=vendor.token)
        assert r.status_code == 200, f"round {i}: {r.status_code}"
        assert r.json()["status"] == "published"
        mine = it.get(TECH, params={
            "vendor_id": vendor.account["organization"]["id"],
            "limit": 50}, token=vendor.token)
        assert doc["id"] in [t["id"] for t in mine.json()["items"]], \
            f"round {i}: the new listing is not in the vendor's list"
        anon = requests.get(it.BASE_URL + f"{TECH}/{doc['id']}",
                            timeout=TIMEOUT)
        late += anon.status_code == 404
        assert anon.status_code in (200, 404)
    # The lag is real, so the reads above proved something.
    assert late > 0, "the standby was never behind: nothing was tested"
    assert wait_for(lambda: requests.get(
        it.BASE_URL + f"{TECH}/{doc['id']}", timeout=TIMEOUT)
        .status_code == 200, 10), "the standby never showed the listing"


def test_no_node_keeps_a_page_the_standby_read_before_a_change():
    """An anonymous search right after a publication reads the standby,
    a second behind: it finds nothing, and no worker may keep that page
    (the change's notification came before it, none would clear it). The
    listing then shows within seconds on every worker of both nodes."""
    vendor = it.new_user("vendor")
    word = it.word_like_no_other()
    it.publish_tech(vendor, tech_body(f"Máy ép {word}"))

    def found(node):
        r = requests.get(node + TECH, params={"q": word},
                         headers={"Connection": "close"}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        return len(r.json()["items"])

    early = [found(n) for n in node_urls() for _ in range(4)]
    assert 0 in early, "the standby was never behind: nothing was tested"
    # The page cache keeps a page 60 s: a stale one would outlive this.
    assert wait_for(lambda: all(found(n) == 1 for n in node_urls()
                                for _ in range(8)), 10), \
        "a worker kept the standby's page from before the change"


def test_a_session_from_one_node_works_on_the_other():
    a, b = node_urls()[:2]
    body = it.registration("enterprise")
    assert on(a, "POST", f"{API}/accounts", json=body).status_code == 201
    r = on(a, "POST", f"{API}/sessions",
           json={"email": body["email"], "password": body["password"]})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    r = on(b, "GET", f"{API}/me", token=token)
    assert r.status_code == 200 and r.json()["email"] == body["email"]
    assert on(b, "DELETE", f"{API}/sessions/current",
              token=token).status_code == 204
    assert on(a, "GET", f"{API}/me", token=token).status_code == 401


def test_sign_in_throttling_holds_across_nodes():
    """Five wrong passwords, spread over both nodes, from one client
    address (haproxy's X-Forwarded-For, as a real client's): the next
    sign-in is 429 on either node."""
    user = it.new_user("vendor")
    nodes = node_urls()
    addr = {"X-Forwarded-For": "198.51.100.77"}
    for i in range(5):
        r = on(nodes[i % 2], "POST", f"{API}/sessions", headers=dict(addr),
               json={"email": user.email, "password": "sai-mat-khau-" + str(i)})
        assert r.status_code == 401, r.text
    for node in nodes:
        r = on(node, "POST", f"{API}/sessions", headers=dict(addr),
               json={"email": user.email, "password": "sai-mat-khau-x"})
        assert r.status_code == 429, r.text


def test_an_idempotency_key_replays_on_the_other_node():
    a, b = node_urls()[:2]
    vendor = it.new_user("vendor")
    ent = it.new_user("enterprise")
    tech = it.publish_tech(vendor, tech_body("Hệ thống biogas cho trại heo"))
    key = f"k-{uuid.uuid4()}"
    body = {"technology_id": tech["id"],
            "message": "Xin báo giá cho trại 500 con."}
    first = on(a, "POST", f"{API}/quote-requests", token=ent.token,
               json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    again = on(b, "POST", f"{API}/quote-requests", token=ent.token,
               json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert it.db_count("SELECT count(*) FROM quote_requests "
                       "WHERE technology_id = :'t'", t=tech["id"]) == 1


def test_reads_fall_back_to_the_primary_when_the_standby_stops():
    nodes = node_urls()
    pg_ctl("stop", "-m", "immediate")
    try:
        # Not one request fails: steps on the lost connections move to
        # the primary, later ones go there at once.
        for _ in range(30):
            r = requests.get(it.BASE_URL + f"{API}/categories",
                             timeout=TIMEOUT)
            assert r.status_code == 200, r.text
            r = requests.get(it.BASE_URL + TECH, timeout=TIMEOUT)
            assert r.status_code == 200, r.text
        for node in nodes:
            assert wait_for(lambda: standby_state(node) in ("down",
                                                            "behind"), 5)
    finally:
        pg_ctl("start", "-w", "-l",
               os.environ["TM_STANDBY_DATA"] + "/../pg.log")
    for node in nodes:
        assert wait_for(lambda: standby_state(node) == "up", 30), \
            f"{node}: the standby did not come back"


def test_a_node_killed_under_load_loses_no_acknowledged_write():
    """wrk reads at 32 connections for 20 s through haproxy while four
    writers publish listings and four readers list them; node 1 is killed
    at 10 s. Every listing whose 201 came back is in the primary; what
    failed was sent before node 1 was dead (its port refusing), so was in
    flight on it. (wrk's own errors are printed, not counted: it cannot
    say when each request was sent.)"""
    vendor = it.new_user("vendor")
    acked, failed, read_failed = [], [], []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w):
        s = requests.Session()
        n = 0
        while not stop.is_set():
            n += 1
            t0 = time.monotonic()
            try:
                r = s.post(it.BASE_URL + TECH, timeout=TIMEOUT,
                           json=tech_body(f"Máy sấy lúa {w}-{n}"),
                           headers={"Authorization":
                                    f"Bearer {vendor.token}"})
            except requests.RequestException as e:
                with lock:
                    failed.append((t0, repr(e)))
                continue
            with lock:
                if r.status_code == 201:
                    acked.append(r.json()["id"])
                else:
                    failed.append((t0, f"{r.status_code} {r.text[:100]}"))

    def reader(_):
        s = requests.Session()
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                r = s.get(it.BASE_URL + TECH, timeout=TIMEOUT)
                ok = r.status_code == 200
            except requests.RequestException:
                ok = False
            if not ok:
                with lock:
                    read_failed.append(t0)

    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c32", "-d20s", it.BASE_URL + f"{API}/categories"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(writer, w) for w in range(4)] + \
            [pool.submit(reader, w) for w in range(4)]
        time.sleep(10)
        pid = int((CLUSTER_DIR / "node1" / "kore.pid").read_text())
        os.killpg(pid, 9)
        # Dead when its port refuses: what was sent before that was in
        # flight on it.
        port = int(node_urls()[0].rsplit(":", 1)[1])
        assert wait_for(lambda: refuses(port), 5, 0.005), "node 1 lives"
        dead = time.monotonic()
        time.sleep(8)
        stop.set()
        for f in futures:
            f.result()
    out, _ = wrk.communicate(timeout=30)
    assert acked, "no write was acknowledged"
    found = it.db_count("SELECT count(*) FROM technologies "
                        "WHERE id = ANY(:'ids'::uuid[])",
                        ids="{" + ",".join(acked) + "}")
    assert found == len(acked), f"{len(acked) - found} acknowledged " \
        "writes lost"
    # What failed was sent before node 1 was dead: in flight on it.
    late = [t - dead for t, _ in failed if t > dead] + \
        [t - dead for t in read_failed if t > dead]
    assert not late, f"requests sent after node 1 died failed: {late}"
    errors = re.search(r"Socket errors: .*", out)
    print(f"writes acknowledged {len(acked)}, failed {len(failed)} "
          f"({[round(t - dead, 3) for t, _ in failed]} s from its death); "
          f"reads failed {len(read_failed)}; wrk: "
          f"{errors.group(0) if errors else 'no socket errors'}, "
          f"{out.strip().splitlines()[-2]}")
