"""What a refusal says: the query parameter a 400 is about, what a
malformed value is not (422), and the move a 409 refused, in both
languages. The status codes are pinned elsewhere; these pin the words a
client reads to fix its request."""

import pytest

from conftest import (API, TECH, assert_problem, created, etag, get, patch,
                      post, publish_tech, registration)

EN = {"Accept-Language": "en"}
VI = {"Accept-Language": "vi"}
QR = f"{API}/quote-requests"

PLANT = {"title": "Hệ thống xử lý nước thải cá tra", "trl": 8,
         "summary": "Xử lý nước thải chế biến thủy sản.",
         "category": "wastewater_treatment",
         "sectors": ["seafood_processing"]}


def field_message(doc, field):
    msgs = [e["message"] for e in doc.get("errors", [])
            if e["field"] == field]
    assert len(msgs) == 1, doc
    return msgs[0]


@pytest.mark.parametrize("path", [TECH, f"{API}/needs",
                                  f"{API}/categories"])
def test_unknown_query_parameter_is_named(path):
    doc = assert_problem(get(f"{path}?colour=red", headers=EN), 400)
    assert doc["detail"] == "Unknown query parameter: colour", doc
    doc = assert_problem(get(f"{path}?colour=red", headers=VI), 400)
    assert doc["detail"] == "Tham số truy vấn không được hỗ trợ: colour"


def test_repeated_query_parameter_is_named():
    doc = assert_problem(get(f"{TECH}?limit=5&limit=6", headers=EN), 400)
    assert doc["detail"] == "Repeated query parameter: limit", doc


def test_a_hostile_parameter_name_is_named_as_text():
    doc = assert_problem(get(f"{TECH}?%3Cscript%3E%22=1", headers=EN), 400)
    assert doc["detail"] == 'Unknown query parameter: <script>"', doc
    # Names are cut, not echoed whole, and stay UTF-8.
    doc = assert_problem(get(f"{TECH}?{'đ' * 200}=1", headers=EN), 400)
    assert doc["detail"].startswith("Unknown query parameter: đđ"), doc
    assert len(doc["detail"].encode()) < 100, doc


@pytest.mark.parametrize("query,name", [
    ("sort=upward", "sort"), ("trl_min=0", "trl_min"),
    ("trl_max=10", "trl_max"), ("price_max_vnd=-1", "price_max_vnd"),
    ("vendor_id=abc", "vendor_id"), ("funding_eligible=yes",
                                     "funding_eligible"),
    ("facets=1", "facets")])
def test_a_bad_value_names_its_parameter(query, name):
    doc = assert_problem(get(f"{TECH}?{query}", headers=EN), 400)
    assert doc["detail"] == f"Invalid value for the query parameter {name}"


@pytest.mark.parametrize("tax_code", ["123", "12345678901", "0123456789-1",
                                      "abcdefghij"])
def test_a_malformed_tax_code_says_what_a_tax_code_is(tax_code):
    body = registration("vendor")
    body["organization"]["tax_code"] = tax_code
    doc = assert_problem(post(f"{API}/accounts", body, headers=EN), 422,
                         ["organization.tax_code"])
    assert field_message(doc, "organization.tax_code") == (
        "is not a tax code: 10 digits, or 10 digits, a hyphen and 3 digits")


@pytest.mark.parametrize("field,value,says", [
    ("email", "lan@", "is not an email address"),
    ("email", "a", "is not an email address")])
def test_a_malformed_email_says_so(field, value, says):
    body = registration("vendor")
    body[field] = value
    r = post(f"{API}/accounts", body, headers=EN)
    doc = assert_problem(r, 422, [field])
    assert field_message(doc, field) == says


def test_a_short_uuid_is_not_a_uuid_not_too_short(enterprise):
    r = post(QR, {"technology_id": "1234", "message": "Xin báo giá"},
             token=enterprise.token, headers=EN)
    doc = assert_problem(r, 422, ["technology_id"])
    assert field_message(doc, "technology_id") == "is not a UUID"


def test_a_refused_status_change_names_both_statuses(vendor):
    doc = created(TECH, vendor, PLANT)
    r = patch(f"{TECH}/{doc['id']}", {"status": "archived"},
              token=vendor.token, headers={"If-Match": etag(doc), **EN})
    body = assert_problem(r, 409)
    assert body["detail"] == \
        "The status cannot change from draft to archived", body
    r = patch(f"{TECH}/{doc['id']}", {"status": "archived"},
              token=vendor.token, headers={"If-Match": etag(doc), **VI})
    body = assert_problem(r, 409)
    assert body["detail"] == \
        "Không thể chuyển trạng thái từ 'draft' sang 'archived'", body


def test_a_refused_move_names_the_move_and_the_status(vendor, enterprise):
    tech = publish_tech(vendor, PLANT)
    r = post(QR, {"technology_id": tech["id"], "message": "Xin báo giá"},
             token=enterprise.token)
    assert r.status_code == 201, r.text
    qid = r.json()["id"]
    r = post(f"{QR}/{qid}/withdraw", {}, token=enterprise.token)
    assert r.status_code == 200, r.text
    body = assert_problem(post(f"{QR}/{qid}/withdraw", {},
                               token=enterprise.token, headers=EN), 409)
    assert body["detail"] == "Cannot withdraw: it is withdrawn now", body
    body = assert_problem(post(f"{QR}/{qid}/withdraw", {},
                               token=enterprise.token, headers=VI), 409)
    assert body["detail"] == ("Không thể thực hiện 'withdraw' khi đang ở "
                              "trạng thái 'withdrawn'"), body
