"""The web catalogue as the server serves it (app/web.c, app/assets.c):
page paths answer with the shell, a technology page only for a published
listing, every file of assets/web under /web/ with its type, tag and
gzip, and the 404 page for what no route serves; the security headers on
all of it. What the pages do in a browser is tests/web's."""

import gzip
import hashlib
import http.client
import urllib.parse

import pytest

from conftest import (API, BASE_URL, ROOT, TECH, TIMEOUT, call, created, get,
                      made_up_word, moved, new_user)

WEB = ROOT / "assets" / "web"
PAGES = ["/", "/nhu-cau", "/phu-pham", "/ket-qua", "/dang-nhap", "/cua-toi",
         "/cua-toi/6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab"]
TYPES = {".html": "text/html; charset=utf-8",
         ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml"}
NOWHERE = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab"


def tag_of(data):
    return '"' + hashlib.blake2b(data, digest_size=8).hexdigest() + '"'


def plain(path, **kw):
    """GET path without gzip, so the body is the file's own bytes."""
    headers = {"Accept-Encoding": "identity", **kw.pop("headers", {})}
    return get(path, headers=headers, **kw)


def gzipped(path):
    """GET path taking gzip: (headers, the bytes as sent)."""
    url = urllib.parse.urlsplit(BASE_URL)
    conn = http.client.HTTPConnection(url.hostname, url.port,
                                      timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        return r.headers, r.read()
    finally:
        conn.close()


def assert_page_headers(r):
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp and "http" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def assert_shell(r, status=200):
    assert r.status_code == status, (r.url, r.status_code)
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert_page_headers(r)
    name = "index.html" if status == 200 else "404.html"
    assert r.content == (WEB / name).read_bytes()


def web_files():
    return sorted(p for p in WEB.iterdir() if p.suffix in TYPES)


def tech(vendor, publish):
    doc = created(TECH, vendor, {
        "title": f"Máy sấy lúa bằng trấu {made_up_word()}", "trl": 6,
        "summary": "Sấy lúa bằng nhiệt từ trấu.",
        "category": "energy_efficiency"})
    return moved(TECH, vendor, doc, "published") if publish else doc


@pytest.mark.parametrize("path", PAGES)
def test_page_paths_answer_with_the_shell(path):
    assert_shell(plain(path))
    r = plain(path + "?q=xu+ly+nuoc+thai&category=wastewater")
    assert_shell(r)


def test_a_technology_page_exists_only_for_a_published_listing():
    vendor = new_user("vendor")
    published, draft = tech(vendor, True), tech(vendor, False)
    r = plain(f"/cong-nghe/{published['id']}")
    assert r.status_code == 200
    assert_page_headers(r)
    assert f"<h1>{published['title']}</h1>" in r.text
    # Its own vendor may read the draft through the API, but the page
    # is the public's: 404, as the anonymous API says.
    assert_shell(plain(f"/cong-nghe/{draft['id']}"), 404)
    for bad in (NOWHERE, "not-a-uuid", "' OR 1=1 --"):
        assert_shell(plain(f"/cong-nghe/{bad}"), 404)
    archived = moved(TECH, vendor, published, "archived")
    assert_shell(plain(f"/cong-nghe/{archived['id']}"), 404)


def test_a_technology_page_reads_without_javascript():
    """The shell carries the listing in a <noscript>, escaped: the
    vendor's text is never markup, in the page's title either."""
    vendor = new_user("vendor")
    hostile = "<img src=x onerror=alert(1)> </noscript><script>x()</script>"
    doc = created(TECH, vendor, {
        "title": hostile, "trl": 6, "summary": "Sấy & \"lạnh\"",
        "description": "Dòng một\nDòng hai", "category": "energy_efficiency",
        "price_min_vnd": 1_250_000_000, "price_max_vnd": 2_000_000_000,
        "certifications": ["ISO 14001:2015"]})
    doc = moved(TECH, vendor, doc, "published")
    r = plain(f"/cong-nghe/{doc['id']}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    html = r.text
    assert "<img src=x" not in html and "<script>x()" not in html
    escaped = ("&lt;img src=x onerror=alert(1)&gt; &lt;/noscript&gt;"
               "&lt;script&gt;x()&lt;/script&gt;")
    assert f"<title>{escaped} · " in html
    assert f"<noscript><article class=\"static-page\" lang=\"vi\"><h1>" \
        f"{escaped}</h1>" in html
    assert "<p>Sấy &amp; &quot;lạnh&quot;</p>" in html
    assert "<p>Dòng một</p><p>Dòng hai</p>" in html
    assert "1.250.000.000 ₫ – 2.000.000.000 ₫" in html
    assert "<li>ISO 14001:2015</li>" in html
    # Everything else is the shell's, byte for byte.
    shell = (WEB / "index.html").read_text(encoding="utf-8")
    assert html.count("<noscript>") == shell.count("<noscript>") + 1
    en = plain(f"/cong-nghe/{doc['id']}",
               headers={"Accept-Language": "en"})
    assert 'lang="en"' in en.text and "Price" in en.text
    for answer in (r, en):
        assert "accept-language" in answer.headers["Vary"].lower()
    # Tagged by its bytes, so it revalidates; a change is a new tag.
    again = plain(f"/cong-nghe/{doc['id']}",
                  headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert r.headers["ETag"] == tag_of(r.content)
    r2 = call("PATCH", f"{TECH}/{doc['id']}", token=vendor.token,
              body={"title": "Máy sấy mới"},
              headers={"If-Match": f'"{doc["version"]}"'})
    assert r2.status_code == 200, r2.text
    changed = plain(f"/cong-nghe/{doc['id']}",
                    headers={"If-None-Match": r.headers["ETag"]})
    assert changed.status_code == 200
    assert "<h1>Máy sấy mới</h1>" in changed.text


@pytest.mark.parametrize("path", ["/nope", "/cong-nghe", "/web/",
                                  "/web/nope.js", "/web/.hidden",
                                  "/web/..%2fapp.c", "/cua-toi/x",
                                  "/index.html", "/NHU-CAU"])
def test_what_no_page_is_at_gets_the_404_page(path):
    assert_shell(plain(path), 404)


def test_the_api_keeps_its_problem_answers():
    r = get(f"{API}/nope")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_every_file_is_served_with_its_type_tag_and_gzip():
    files = web_files()
    assert {"index.html", "404.html"} <= {p.name for p in files}
    for p in files:
        data = p.read_bytes()
        r = plain(f"/web/{p.name}")
        assert r.status_code == 200, p.name
        assert r.headers["Content-Type"] == TYPES[p.suffix], p.name
        assert r.content == data, p.name
        assert r.headers["ETag"] == tag_of(data), p.name
        assert r.headers["Cache-Control"] == "no-cache"
        assert_page_headers(r)
        headers, raw = gzipped(f"/web/{p.name}")
        assert headers["Content-Encoding"] == "gzip", p.name
        assert gzip.decompress(raw) == data, p.name
        assert headers["ETag"] == tag_of(raw) != r.headers["ETag"]
        assert "accept-encoding" in ", ".join(
            headers.get_all("Vary")).lower()


def test_a_client_with_the_file_gets_a_304():
    r = plain("/web/index.html")
    again = plain("/web/index.html",
                  headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == r.headers["ETag"]
    # The tag of the other encoding is not this one's.
    z = get("/web/index.html", headers={"Accept-Encoding": "gzip"})
    other = plain("/web/index.html",
                  headers={"If-None-Match": z.headers["ETag"]})
    assert other.status_code == 200
    # A page is the shell under another path: the same tag revalidates.
    page = plain("/nhu-cau", headers={"If-None-Match": r.headers["ETag"]})
    assert page.status_code == 304
    # The 404 page is never a 304: its status is what it says.
    missing = plain("/nope")
    assert plain("/nope", headers={
        "If-None-Match": missing.headers["ETag"]}).status_code == 404


def test_head_and_other_methods():
    r = call("HEAD", "/", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["Content-Length"]) == \
        len((WEB / "index.html").read_bytes())
    assert call("HEAD", "/nope").status_code == 404
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = call(method, "/ket-qua", data=b"")
        assert r.status_code == 405, method
        assert r.headers["Allow"] == "GET, HEAD"


def test_the_openapi_document_revalidates_too():
    r = get(f"{API}/openapi.json")
    assert r.status_code == 200 and r.headers["ETag"]
    again = get(f"{API}/openapi.json",
                headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
