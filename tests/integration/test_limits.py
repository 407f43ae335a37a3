"""What one client, or many, can make a worker hold (issue 15): body
bytes in flight per worker stay under a bound whatever the number of
connections sending 1 MiB; one address cannot take every connection
slot; a body dribbled a byte at a time meets a total deadline; and a
GET or DELETE sent with a body gets its whole answer, not a reset.

Every flood comes from addresses of its own in 127/8 (all of them are
the loopback on Linux), so that the per-address cap meets only the
test that means to meet it, and the client that must still be answered
comes from another one.
"""

import json
import os
import resource
import selectors
import socket
import time
import urllib.parse

from conftest import API, BASE_URL, SANITIZED, kore_workers, rss_kb

HOST, PORT = urllib.parse.urlsplit(BASE_URL).hostname, \
    urllib.parse.urlsplit(BASE_URL).port
MIB = 1024 * 1024
# TM_CONN_PER_ADDR's default (README): open connections one address may
# hold across all the workers.
CONN_PER_ADDR = 256
# Workers serving the tests: conf/tm.sh starts nproc of them, and each
# keeps its share of the connections above.
WORKERS = len(os.sched_getaffinity(0))
# TM_REQUEST_TIMEOUT's default: a request's headers and body must be in
# within this many seconds of its first byte.
REQUEST_TIMEOUT = 20
# Each worker's resident memory may grow by this much while 1,000
# connections each send (all but the last byte of) a 1 MiB body: the
# 32 MiB budget of large bodies per worker, and the rest of a worker's
# buffers. Before the budget, a worker grew by 82-367 MB in three runs.
RSS_GROWTH_MAX_KB = 56 * 1024


def _connect(source, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect((HOST, PORT))
    return s


def _read_response(s):
    """(status, headers, body) of one response read from s; None on a
    reset or a close before the whole response."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                return None
            buf += chunk
        head, body = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        want = int(headers.get("content-length", "0"))
        while len(body) < want:
            chunk = s.recv(65536)
            if not chunk:
                return None
            body += chunk
    except (ConnectionResetError, socket.timeout, BrokenPipeError):
        return None
    return status, headers, body[:want]


def _request(method, path, body=b"", extra=""):
    head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
            f"{extra}")
    if body or method in ("POST", "PUT", "PATCH"):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n"


def _categories_answered(source, within):
    """Seconds a GET /categories from source took, asserting it came."""
    t0 = time.monotonic()
    s = _connect(source, timeout=within)
    try:
        s.sendall(_request("GET", f"{API}/categories"))
        got = _read_response(s)
    finally:
        s.close()
    took = time.monotonic() - t0
    assert got is not None and got[0] == 200, got
    assert took < within, took
    return took


def _worker_pids():
    pids = [w[0] for w in kore_workers()]
    assert pids, "the workers' pids are unknown (TM_KORE_LOG)"
    return pids


def _alive(s):
    """False once the server closed s (EOF, a reset or an answer)."""
    timeout = s.gettimeout()
    s.settimeout(0)
    try:
        s.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        pass
    finally:
        s.settimeout(timeout)
    return False


def test_large_bodies_in_flight_keep_every_worker_small():
    pids = _worker_pids()
    before = {p: rss_kb(p) for p in pids}
    head = (f"POST {API}/accounts HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
            f"Content-Type: application/json\r\n"
            f"Content-Length: {MIB}\r\n\r\n").encode()
    # All but the last byte: a body the server must hold, not finish.
    payload = head + b" " * (MIB - 1)
    socks = []
    # 1,000 sockets: more than the default soft limit of descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    # 50 an address: under the per-address cap, which is not tested here.
    for i in range(1000):
        s = _connect(f"127.0.1.{1 + i // 50}")
        s.setblocking(False)
        socks.append(s)
    sel = selectors.DefaultSelector()
    sent = {}
    for s in socks:
        sent[s] = 0
        sel.register(s, selectors.EVENT_WRITE)
    peak = dict(before)
    deadline = time.monotonic() + 60
    try:
        while sent and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.5):
                s = key.fileobj
                try:
                    n = s.send(payload[sent[s]:sent[s] + 262144])
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    n = len(payload)    # refused or closed: done with it
                sent[s] += n
                if sent[s] >= len(payload):
                    sel.unregister(s)
                    del sent[s]
            for p in pids:
                peak[p] = max(peak[p], rss_kb(p))
        assert not sent, f"{len(sent)} bodies never went out"
        # Kore reads what the kernel still holds for it.
        for _ in range(15):
            time.sleep(0.2)
            for p in pids:
                peak[p] = max(peak[p], rss_kb(p))
        growth = {p: peak[p] - before[p] for p in pids}
        print(f"RSS before {before} peak {peak} growth {growth} (kB)")
        # Another client is answered meanwhile.
        _categories_answered("127.0.0.2", 2)
    finally:
        for s in socks:
            s.close()
    # ASan's shadow and quarantine make the figure meaningless there.
    for p in pids:
        assert SANITIZED or growth[p] < RSS_GROWTH_MAX_KB, growth


def _send_all(socks, payload, timeout=60):
    """Sends payload on every socket, all at once."""
    sel = selectors.DefaultSelector()
    sent = {}
    for s in socks:
        s.setblocking(False)
        sent[s] = 0
        sel.register(s, selectors.EVENT_WRITE)
    deadline = time.monotonic() + timeout
    while sent and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                n = s.send(payload[sent[s]:sent[s] + 262144])
            except (BlockingIOError, InterruptedError):
                continue
            sent[s] += n
            if sent[s] >= len(payload):
                sel.unregister(s)
                del sent[s]
    assert not sent, f"{len(sent)} bodies never went out"
    for s in socks:
        s.setblocking(True)
        s.settimeout(20)


def test_large_bodies_over_the_budget_are_dropped_and_answered_503():
    """Two workers hold 32 MiB of large bodies each: of 80 bodies of
    1 MiB in flight together, at least 16 are read and dropped and
    answered 503 with Retry-After, none reset; once they are answered
    the budget is whole again."""
    head = (f"POST {API}/sessions HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\n"
            f"Content-Length: {MIB}\r\n\r\n").encode()
    socks = [_connect(f"127.0.4.{1 + i // 40}") for i in range(80)]
    statuses = []
    try:
        _send_all(socks, head + b" " * (MIB - 1))
        # Kore accepts 16 connections a turn: let it meet every head
        # before any body ends and gives its share of the budget back.
        time.sleep(2)
        for s in socks:
            s.sendall(b"x")    # the last byte: not JSON, so 400 if held
        for s in socks:
            got = _read_response(s)
            assert got is not None, "a connection lost its answer"
            assert got[1]["content-type"] == "application/problem+json"
            if got[0] == 503:
                assert got[1]["retry-after"] == "1"
            statuses.append(got[0])
    finally:
        for s in socks:
            s.close()
    print(f"{statuses.count(503)} of 80 answered 503")
    assert set(statuses) <= {400, 503}, statuses
    assert statuses.count(400) <= 64 and statuses.count(503) >= 16
    # The budget came back: one more is held and read.
    s = _connect("127.0.4.9")
    try:
        s.sendall(head + b" " * (MIB - 1) + b"x")
        got = _read_response(s)
        assert got is not None and got[0] == 400, got
    finally:
        s.close()


def _slow_client(source):
    """A connection from source that opened a request and sent one byte
    of its body: the slow client of the issue."""
    s = _connect(source, timeout=2)
    s.sendall(f"POST {API}/sessions HTTP/1.1\r\nHost: x\r\n"
              f"Content-Type: application/json\r\n"
              f"Content-Length: 100\r\n\r\n{{".encode())
    return s


def test_one_address_cannot_take_every_connection_slot():
    socks = []
    try:
        for _ in range(500):
            try:
                s = _slow_client("127.0.0.3")
            except OSError:
                continue
            socks.append(s)
        time.sleep(1)
        open_ = sum(1 for s in socks if _alive(s))
        print(f"{open_} of {len(socks)} connections from one address open")
        assert open_ <= CONN_PER_ADDR, open_
        # Each worker keeps its share, and which worker accepts is Kore's
        # and the kernel's choice: 248-256 stayed open in most runs on two
        # workers, and 128 in one where one worker took them all.
        assert open_ >= CONN_PER_ADDR // WORKERS, open_
        _categories_answered("127.0.0.4", 2)
    finally:
        for s in socks:
            s.close()
    # Once they are gone, the address is served again.
    time.sleep(0.5)
    _categories_answered("127.0.0.3", 2)


def test_a_burst_within_one_workers_share_is_never_refused():
    # However the workers split it, no worker holds more than the burst,
    # so none refuses. When the share was worked out over Kore's four
    # worker slots (two serve), it was 64, and wrk's 120 connections from
    # one address met it: 80-128 of 500 stayed open.
    share = CONN_PER_ADDR // WORKERS
    socks = []
    try:
        for _ in range(share):
            socks.append(_slow_client("127.0.0.5"))
        time.sleep(1)
        open_ = sum(1 for s in socks if _alive(s))
        assert open_ == share, open_
    finally:
        for s in socks:
            s.close()


def test_a_dribbled_body_meets_a_total_deadline():
    s = _connect("127.0.0.5", timeout=2)
    t0 = time.monotonic()
    s.sendall(f"POST {API}/sessions HTTP/1.1\r\nHost: x\r\n"
              f"Content-Type: application/json\r\n"
              f"Content-Length: 1000\r\n\r\n".encode())
    closed = None
    try:
        # A byte a second: each is well inside any per-read timeout.
        while time.monotonic() - t0 < REQUEST_TIMEOUT + 15:
            try:
                s.sendall(b" ")
            except OSError:
                closed = time.monotonic() - t0
                break
            if not _alive(s):
                closed = time.monotonic() - t0
                break
            time.sleep(1)
    finally:
        s.close()
    print(f"closed after {closed} s")
    assert closed is not None and closed < REQUEST_TIMEOUT + 3, closed


def _send_with_body(method, source, path):
    """A request with a small body the method has no use for, the body
    in a segment of its own right behind the headers: Kore reads the
    headers alone, and the body is what a close would leave unread."""
    s = _connect(source)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = b'{"ignored": true}' + b" " * 2000
    s.sendall(_request(method, path, extra=f"Content-Length: {len(body)}"
                       "\r\nContent-Type: application/json\r\n"))
    s.sendall(body)
    return s


def test_get_and_delete_with_a_body_get_their_whole_answer():
    pending = []
    for i in range(300):
        method = "DELETE" if i % 10 == 0 else "GET"
        # Before: the connection closed with the body unread, and a
        # reset took some answers with it (4 of 300 here, 216 of 300 in
        # the issue's probe); the keep-alive test below fails each time.
        path = f"{API}/categories" if method == "GET" \
            else f"{API}/sessions/current"
        pending.append((method, _send_with_body(
            method, f"127.0.2.{1 + i // 50}", path)))
    bad = []
    for method, s in pending:
        got = _read_response(s)
        s.close()
        want = 200 if method == "GET" else 401
        if got is None or got[0] != want:
            bad.append((method, got and got[0]))
    assert not bad, f"{len(bad)} of 300 without their answer: {bad[:5]}"


def test_a_get_with_a_body_keeps_the_connection():
    s = _send_with_body("GET", "127.0.0.6", f"{API}/categories")
    try:
        first = _read_response(s)
        assert first is not None and first[0] == 200
        json.loads(first[2])
        # The body was read, not taken for the next request.
        s.sendall(_request("GET", f"{API}/categories"))
        second = _read_response(s)
        assert second is not None and second[0] == 200, second
    finally:
        s.close()


def test_a_body_over_the_limit_is_a_problem_and_keeps_the_connection():
    s = _connect("127.0.0.7")
    try:
        data = b" " * (MIB + 1)
        s.sendall(f"POST {API}/sessions HTTP/1.1\r\nHost: x\r\n"
                  f"Content-Type: application/json\r\n"
                  f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
        got = _read_response(s)
        assert got is not None and got[0] == 413, got
        assert got[1]["content-type"] == "application/problem+json"
        s.sendall(_request("GET", f"{API}/categories"))
        again = _read_response(s)
        assert again is not None and again[0] == 200, again
    finally:
        s.close()
