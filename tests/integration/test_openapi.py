"""The OpenAPI document: served as shipped, in step with the routes the
server declares, internally consistent, and its public operations live.

Environment:
  TM_BASE_URL  base URL of a running server (tests that need one skip
               without it)
  TM_ROOT      repository root (defaults to two folders above this file)
"""

import datetime
import gzip
import http.client
import json
import os
import pathlib
import re
import urllib.parse

import jsonschema
import pytest
import requests

from conftest import (cantho_today, new_password, unique_email,
                      unique_tax_code)

ROOT = pathlib.Path(
    os.environ.get("TM_ROOT") or pathlib.Path(__file__).resolve().parents[2])
DOC_PATH = ROOT / "assets" / "openapi.json"
ROUTES_PATH = ROOT / "app" / "routes.c"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
                "trace")
ROUTE_RE = re.compile(r'\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"(/[^"]*)",'
                      r'\s*(\w+)')
# The web catalogue's pages and files (app/web.c) are for people, not
# API clients: routes.c serves them, the document leaves them out.
WEB_HANDLER = "web_"
TIMEOUT = 10


def load_doc():
    with open(DOC_PATH, encoding="utf-8") as f:
        return json.load(f)


def base_url():
    url = os.environ.get("TM_BASE_URL")
    if not url:
        pytest.skip("TM_BASE_URL is not set: no server to test against")
    return url.rstrip("/")


def media_type(content_type):
    return (content_type or "").split(";")[0].strip().lower()


def operations(doc):
    """Yields (METHOD, path, path item, operation) for every operation."""
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item, item[method]


def resolve(doc, ref):
    """Follows a local JSON pointer such as '#/components/schemas/X'."""
    if not ref.startswith("#"):
        raise KeyError("not a local reference")
    node = doc
    pointer = ref[1:]
    if pointer == "":
        return node
    if not pointer.startswith("/"):
        raise KeyError("malformed pointer")
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


def deref(doc, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = resolve(doc, node["$ref"])
        seen += 1
    return node


def is_public_without_parameters(doc, item, op):
    """True when an operation needs no credentials, no body and no
    path or query parameter (optional headers do not count)."""
    security = op.get("security", doc.get("security", []))
    if security and not any(req == {} for req in security):
        return False
    if "requestBody" in op:
        return False
    for param in item.get("parameters", []) + op.get("parameters", []):
        param = deref(doc, param)
        if param.get("in") in ("path", "query", "cookie") \
                or param.get("required"):
            return False
    return True


def public_operations():
    try:
        doc = load_doc()
    except (OSError, ValueError):
        return []  # test_document_is_openapi_3_1 reports the cause
    return [(method, path) for method, path, item, op in operations(doc)
            if method == "GET" and "{" not in path
            and is_public_without_parameters(doc, item, op)]


def test_document_is_openapi_3_1():
    doc = load_doc()
    assert isinstance(doc.get("openapi"), str) \
        and doc["openapi"].startswith("3.1"), doc.get("openapi")
    assert doc.get("paths"), "the document has no paths"


def differences(a, b, where="#"):
    """JSON pointers at which two parsed JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{where}/{key}")
            else:
                out += differences(a[key], b[key], f"{where}/{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{where}/{i}")
        return out
    return [] if a == b and type(a) is type(b) else [where]


def test_served_document_equals_shipped_one():
    r = requests.get(base_url() + "/api/v1/openapi.json", timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    assert media_type(r.headers.get("Content-Type")) == "application/json", \
        r.headers.get("Content-Type")
    served = r.json()
    assert served.get("openapi", "").startswith("3.1")
    shipped = load_doc()
    if served != shipped:
        where = "\n".join(f"  {w}" for w in differences(served, shipped)[:20])
        pytest.fail("GET /api/v1/openapi.json differs from "
                    f"assets/openapi.json at:\n{where}")


@pytest.mark.parametrize("accept,coded", [
    ("gzip", True), ("br;q=1, gzip;q=0.5", True), ("*", True),
    ("identity", False), ("gzip;q=0", False), (None, False),
])
def test_the_document_is_gzipped_for_clients_that_take_it(accept, coded):
    """The largest answer: compressed once at build time, sent compressed
    to a client that accepts gzip, and the same document either way."""
    # http.client: the bytes as sent, which requests would decode.
    url = urllib.parse.urlsplit(base_url())
    conn = http.client.HTTPConnection(url.hostname, url.port,
                                      timeout=TIMEOUT)
    conn.putrequest("GET", "/api/v1/openapi.json",
                    skip_accept_encoding=True)
    if accept is not None:
        conn.putheader("Accept-Encoding", accept)
    conn.endheaders()
    r = conn.getresponse()
    raw = r.read()
    conn.close()
    assert r.status == 200
    assert "accept-encoding" in (r.getheader("Vary") or "").lower()
    assert (r.getheader("Content-Encoding") == "gzip") == coded
    assert int(r.getheader("Content-Length")) == len(raw)
    body = gzip.decompress(raw) if coded else raw
    assert json.loads(body) == load_doc()
    if coded:
        assert len(raw) * 5 < len(body)


def declared_routes():
    if not ROUTES_PATH.exists():
        pytest.fail(f"{ROUTES_PATH} does not exist: cannot compare the "
                    "server's routes with the document")
    text = ROUTES_PATH.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    return {(m.group(1), m.group(2)) for m in ROUTE_RE.finditer(text)
            if not m.group(3).startswith(WEB_HANDLER)}


AUTH_RE = re.compile(r'\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"(/[^"]*)",'
                     r'\s*(\w+),\s*([A-Z_ |]+),')


def test_security_says_who_may_call_each_operation():
    """Public operations say security: [] (no token), optional ones
    [{}, bearer], the rest bearer, as app/routes.c's auth column does;
    the document's default is a token."""
    doc = load_doc()
    assert doc.get("security") == [{"bearerAuth": []}]
    text = ROUTES_PATH.read_text(encoding="utf-8")
    for method, path, handler, auth in AUTH_RE.findall(text):
        if handler.startswith(WEB_HANDLER):
            continue
        op = doc["paths"][path][method.lower()]
        flags = {f.strip() for f in auth.split("|")}
        if flags == {"AUTH_NONE"}:
            want = []
        elif "AUTH_OPTIONAL" in flags:
            want = [{}, {"bearerAuth": []}]
        else:
            want = [{"bearerAuth": []}]
        assert op.get("security") == want, (method, path, auth)


def test_every_operation_says_how_it_can_fail():
    for method, path, _, op in operations(load_doc()):
        assert any(code.startswith("4") for code in op["responses"]), \
            (method, path)


def test_routes_match_document():
    routes = declared_routes()
    assert routes, f"no route found in {ROUTES_PATH} (format changed?)"
    documented = {(method, path)
                  for method, path, _, _ in operations(load_doc())}
    missing = sorted(routes - documented, key=lambda r: (r[1], r[0]))
    phantom = sorted(documented - routes, key=lambda r: (r[1], r[0]))
    lines = []
    if missing:
        lines.append("routes in app/routes.c missing from "
                     "assets/openapi.json:")
        lines += [f"  {m} {p}" for m, p in missing]
    if phantom:
        lines.append("operations in assets/openapi.json that app/routes.c "
                     "does not declare:")
        lines += [f"  {m} {p}" for m, p in phantom]
    assert not lines, "\n".join(lines)


def test_every_ref_resolves():
    doc = load_doc()
    broken = []

    def walk(node, where):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                try:
                    if not isinstance(ref, str):
                        raise KeyError("not a string")
                    resolve(doc, ref)
                except (KeyError, IndexError, ValueError, TypeError):
                    broken.append(f"{where}: {ref!r}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc, "#")
    assert not broken, "unresolved $ref:\n" + "\n".join(broken)


def test_every_operation_is_described():
    doc = load_doc()
    tags = {t["name"] for t in doc.get("tags", [])}
    problems = []
    ids = set()
    for method, path, _, op in operations(doc):
        for field in ("operationId", "summary", "description", "tags"):
            if not op.get(field):
                problems.append(f"{method} {path}: no {field}")
        for tag in op.get("tags", []):
            if tag not in tags:
                problems.append(f"{method} {path}: undeclared tag {tag!r}")
        if op.get("operationId") in ids:
            problems.append(f"{method} {path}: duplicate operationId")
        ids.add(op.get("operationId"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method,path", public_operations())
def test_public_operation_answers_200(method, path):
    doc = load_doc()
    r = requests.request(method, base_url() + path, timeout=TIMEOUT)
    assert r.status_code == 200, \
        f"{method} {path} answered {r.status_code}: {r.text[:500]}"
    documented = deref(doc, doc["paths"][path][method.lower()]
                       ["responses"]["200"]).get("content", {})
    if documented:
        assert media_type(r.headers.get("Content-Type")) in documented, \
            (f"{method} {path} answered Content-Type "
             f"{r.headers.get('Content-Type')!r}; documented: "
             f"{sorted(documented)}")


def schema_validator(doc, schema):
    """A JSON Schema 2020-12 validator (what OpenAPI 3.1 schemas are) of
    schema, its $refs resolved in doc, formats (uuid, date-time) checked."""
    validator = jsonschema.Draft202012Validator
    return validator(schema, resolver=jsonschema.RefResolver("", doc),
                     format_checker=validator.FORMAT_CHECKER)


def schema_errors(doc, schema, value):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in schema_validator(doc, schema).iter_errors(value)]


def documented_examples(doc):
    """(where, schema, value) for every example in the document: a media
    type's examples and each schema's own `examples`."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            schema = node.get("schema")
            if isinstance(schema, dict):
                for name, ex in node.get("examples", {}).items():
                    ex = deref(doc, ex)
                    found.append((f"{where}/examples/{name}", schema,
                                  ex["value"]))
                if "example" in node:
                    found.append((f"{where}/example", schema,
                                  node["example"]))
            if isinstance(node.get("examples"), list) and \
                    where.split("/")[-1] != "examples":
                for i, value in enumerate(node["examples"]):
                    found.append((f"{where}/examples/{i}", node, value))
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc, "#")
    return found


def test_every_example_fits_its_schema():
    doc = load_doc()
    examples = documented_examples(doc)
    problems = [f"{where}: {error}" for where, schema, value in examples
                for error in schema_errors(doc, schema, value)]
    assert not problems, "\n".join(problems)
    # The main operations show what they take and give.
    shown = {where.split("/examples/")[0] for where, _, _ in examples}
    for method, path, _, op in operations(doc):
        if op["operationId"] not in MAIN_OPERATIONS:
            continue
        body = op.get("requestBody", {}).get("content", {})
        ok = [c for c in op["responses"] if c.startswith("2")][0]
        wanted = [f"requestBody/content/{t}" for t in body] + \
            [f"responses/{ok}/content/{t}"
             for t in deref(doc, op["responses"][ok]).get("content", {})]
        for part in wanted:
            assert f"#/paths/{path}/{method.lower()}/{part}" in shown, \
                f"{method} {path}: no example of {part}"


# The operations a newcomer meets first, in the order of a deal: each has
# an example of its request body (if it takes one) and of its success.
MAIN_OPERATIONS = {
    "registerAccount", "createSession", "createTechnology",
    "listTechnologies", "getTechnology", "getNeedMatches",
    "createQuoteRequest", "acceptQuoteRequest", "setTechnologyFunding",
    "createFundingApplication", "decideFundingApplication",
    "listFundingDecisions", "listSigningKeys"}


def test_a_schema_example_can_fail():
    """The check above is no rubber stamp: a wrong example is caught."""
    doc = load_doc()
    schema = {"$ref": "#/components/schemas/TechnologyCreate"}
    body = example_of(doc, "createTechnology")
    assert not schema_errors(doc, schema, body)
    assert schema_errors(doc, schema, {**body, "trl": 12})
    assert schema_errors(doc, schema, {**body, "colour": "xanh"})


def example_of(doc, operation_id):
    """The first example of operation_id's JSON request body."""
    for _, _, _, op in operations(doc):
        if op.get("operationId") == operation_id:
            mt = op["requestBody"]["content"]["application/json"]
            return next(iter(mt["examples"].values()))["value"]
    raise KeyError(operation_id)


@pytest.mark.parametrize("method,path", public_operations())
def test_public_answer_fits_its_schema(method, path):
    doc = load_doc()
    r = requests.request(method, base_url() + path, timeout=TIMEOUT)
    content = deref(doc, doc["paths"][path][method.lower()]["responses"]
                    ["200"]).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        pytest.skip(f"{method} {path} does not answer JSON")
    errors = schema_errors(doc, schema, r.json())
    assert not errors, "\n".join(errors[:20])


def test_request_examples_are_accepted(vendor, enterprise):
    """The examples of the bodies a newcomer copies first work as shown
    (with a fresh email and tax code: they are unique)."""
    doc = load_doc()
    api = base_url() + "/api/v1"
    reg = example_of(doc, "registerAccount")
    # A fresh password too: the leak guard would find a password any
    # test sent in the served document (which shows this example).
    reg = {**reg, "email": unique_email(), "password": new_password(),
           "organization": {**reg["organization"],
                            "tax_code": unique_tax_code()}}
    r = requests.post(f"{api}/accounts", json=reg, timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    need = example_of(doc, "createNeed")
    # A deadline must lie ahead: once the example's has passed, a later one.
    if need["deadline"] <= cantho_today().isoformat():
        need["deadline"] = (cantho_today()
                            + datetime.timedelta(days=90)).isoformat()
    for body, user, path in ((example_of(doc, "createTechnology"), vendor,
                              "technologies"), (need, enterprise, "needs")):
        r = requests.post(f"{api}/{path}", json=body,
                          headers={"Authorization": f"Bearer {user.token}"},
                          timeout=TIMEOUT)
        assert r.status_code == 201, f"{path}: {r.text}"
