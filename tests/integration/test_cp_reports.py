"""Yearly cleaner-production reports: POST/GET/PUT /cp-reports[/{year}],
DOIT closing and reopening a year, the agencies' summary (JSON and CSV),
the agencies' list (JSON pages and CSV) and the public table.

Years are shared by the whole server, so each test that needs a year to
itself takes one of its own: 2017 (the public table), 2018 (closing),
2019 (summary and lists), 2020 (the list as CSV), 2021 (filings racing a
close), 2022 (test_audit.py's filing, close and reopen); the rest file
into this year and last year
with enterprises of their own.
"""

import csv
import io
import threading

import pytest

from conftest import (API, assert_etag, assert_problem, call, cantho_today,
                      create_staff, db_count, db_rows, etag, get,
                      made_up_word, new_user, post, put)

pytestmark = pytest.mark.usefixtures("base_url")

CP = f"{API}/cp-reports"
TECH = f"{API}/technologies"
THIS_YEAR = cantho_today().year
LAST_YEAR = THIS_YEAR - 1
YEAR_PUBLIC = 2017
YEAR_CLOSE = 2018
YEAR_SUMMARY = 2019
YEAR_CSV = 2020

DOC_KEYS = {"id", "year", "organization", "commune", "district", "sector",
            "energy_saved_kwh", "water_saved_m3", "waste_reduced_tonnes",
            "co2_reduced_tonnes", "investment_vnd", "iso14001_certified",
            "measures", "technology_ids", "production_output", "baseline",
            "intensity", "saving", "closed", "version", "created_at",
            "updated_at"}
FIGURES = {"reports", "iso14001", "energy_saved_kwh", "water_saved_m3",
           "waste_reduced_tonnes", "co2_reduced_tonnes", "investment_vnd",
           "applying", "with_baseline", "saving_8pct", "median_saving_pct"}


# --- helpers ----------------------------------------------------------------


def report_body(year=LAST_YEAR, **overrides):
    body = {
        "year": year,
        "energy_saved_kwh": 120000.5,
        "water_saved_m3": 3500,
        "waste_reduced_tonnes": 12.25,
        "co2_reduced_tonnes": 85.4,
        "investment_vnd": 2_500_000_000,
        "iso14001_certified": True,
        "measures": ["Thay lò hơi than bằng lò hơi đốt trấu",
                     "Thu hồi nước ngưng về bồn cấp"],
        "production_output": {"quantity": 18000, "unit": "tonne"},
        "baseline": {"energy_kwh": 1_000_000, "water_m3": 50000,
                     "materials_tonnes": 400},
    }
    body.update(overrides)
    return body


def enterprise(**place):
    return new_user("enterprise", **place)


def filed(user, body):
    r = post(CP, body, token=user.token)
    assert r.status_code == 201, f"{r.status_code}: {r.text}"
    doc = r.json()
    assert_etag(r, doc)
    return doc


def amend(user, year, body, if_match):
    headers = {"If-Match": if_match} if if_match is not None else None
    return put(f"{CP}/{year}", body, token=user.token, headers=headers)


def close(user, year, action="close"):
    return post(f"{CP}/years/{year}/{action}", token=user.token)


def rows_of(org_id):
    return db_count("SELECT count(*) FROM cp_reports "
                    "WHERE organization_id = :'o'", o=org_id)


def org_id(user):
    return user.account["organization"]["id"]


def csv_rows(r):
    assert r.status_code == 200, f"{r.status_code}: {r.text[:500]}"
    assert r.headers["Content-Type"].split(";")[0] == "text/csv"
    assert r.content.startswith(b"\xef\xbb\xbf"), r.content[:10]
    text = r.content[3:].decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def doit(admin):
    return create_staff(admin, "agency", "doit",
                        display_name="Sở Công Thương Cần Thơ")


@pytest.fixture(scope="module")
def dost(admin):
    return create_staff(admin, "agency", "dost")


@pytest.fixture(scope="module")
def vendor(base_url):
    return new_user("vendor")


def published_tech(vendor, publish=True):
    r = post(TECH, {"title": f"Lò hơi đốt trấu {made_up_word()}", "trl": 7,
                    "summary": "Thay lò than bằng lò đốt trấu.",
                    "category": "renewable_energy",
                    "sectors": ["rice_food_processing"]},
             token=vendor.token)
    assert r.status_code == 201, r.text
    doc = r.json()
    if publish:
        r = call("PATCH", f"{TECH}/{doc['id']}", token=vendor.token,
                 body={"status": "published"},
                 headers={"If-Match": etag(doc)})
        assert r.status_code == 200, r.text
        doc = r.json()
    return doc


# --- filing and reading one's own -------------------------------------------


def test_file_and_read_back():
    user = enterprise(commune="phuong_cai_khe", sector="beverages")
    doc = filed(user, report_body())
    assert set(doc) == DOC_KEYS, sorted(doc)
    assert doc["year"] == LAST_YEAR and doc["version"] == 1
    assert doc["organization"]["id"] == org_id(user)
    assert doc["commune"] == "phuong_cai_khe"
    assert doc["district"] == "ninh_kieu" and doc["sector"] == "beverages"
    assert doc["energy_saved_kwh"] == 120000.5
    assert doc["waste_reduced_tonnes"] == 12.25
    assert doc["measures"][0] == "Thay lò hơi than bằng lò hơi đốt trấu"
    assert doc["closed"] is False
    # Rates against the baseline: 12.00 % energy, 3.06 % materials.
    assert doc["saving"]["energy_pct"] == 12.0
    assert doc["saving"]["materials_pct"] == 3.06
    assert doc["saving"]["water_pct"] == 7.0
    assert doc["saving"]["pct"] == 12.0 and doc["saving"]["meets_8pct"]
    assert doc["intensity"]["unit"] == "tonne"
    assert abs(doc["intensity"]["energy_saved_kwh_per_unit"]
               - 120000.5 / 18000) < 1e-6
    r = get(f"{CP}/{LAST_YEAR}", token=user.token)
    assert r.status_code == 200
    assert r.json() == doc
    assert_etag(r)
    r = get(CP, token=user.token)
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [doc["id"]]


def test_optional_parts_may_be_left_out():
    user = enterprise()
    body = report_body(THIS_YEAR, iso14001_certified=False)
    del body["production_output"], body["baseline"]
    doc = filed(user, body)
    assert doc["production_output"] is None and doc["baseline"] is None
    assert doc["intensity"] is None
    assert doc["saving"]["pct"] is None
    assert doc["technology_ids"] == []


def test_second_report_for_a_year_is_409_naming_the_first():
    user = enterprise()
    doc = filed(user, report_body())
    p = assert_problem(post(CP, report_body(), token=user.token), 409)
    assert doc["id"] in p["detail"] and str(LAST_YEAR) in p["detail"]
    assert rows_of(org_id(user)) == 1


def test_concurrent_first_reports_make_one():
    user = enterprise()
    codes = []

    def go():
        codes.append(post(CP, report_body(), token=user.token).status_code)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] + [409] * 5, codes
    assert rows_of(org_id(user)) == 1


# --- who may ----------------------------------------------------------------


def test_roles(vendor, dost, admin):
    assert_problem(post(CP, report_body()), 401)
    assert_problem(get(CP), 401)
    assert_problem(get(f"{CP}/{LAST_YEAR}"), 401)
    assert_problem(get(f"{CP}/summary", params={"year": LAST_YEAR,
                                                  "group_by": "district"}),
                   401)
    for who in (vendor, dost, admin):
        assert_problem(post(CP, report_body(), token=who.token), 403)
        assert_problem(get(f"{CP}/{LAST_YEAR}", token=who.token), 403)
        assert_problem(put(f"{CP}/{LAST_YEAR}", report_body(),
                           token=who.token, headers={"If-Match": "*"}), 403)
    for who in (vendor, admin):
        assert_problem(get(CP, token=who.token), 403)
        assert_problem(get(f"{CP}/summary", token=who.token,
                           params={"year": LAST_YEAR,
                                   "group_by": "district"}), 403)
        assert_problem(close(who, YEAR_CLOSE), 403)
    user = enterprise()
    assert_problem(get(f"{CP}/summary", token=user.token,
                       params={"year": LAST_YEAR, "group_by": "district"}),
                   403)
    assert_problem(close(user, YEAR_CLOSE), 403)
    # Only DOIT closes a year: DOST is an agency, but not the one.
    assert_problem(close(dost, YEAR_CLOSE), 403)
    assert_problem(close(dost, YEAR_CLOSE, "reopen"), 403)


def test_another_enterprises_year_does_not_exist():
    owner, other = enterprise(), enterprise()
    doc = filed(owner, report_body())
    assert_problem(get(f"{CP}/{LAST_YEAR}", token=other.token), 404)
    assert_problem(amend(other, LAST_YEAR, report_body(), etag(doc)), 404)
    assert_problem(amend(other, LAST_YEAR, report_body(), "*"), 404)
    r = get(CP, token=other.token, params={"year": LAST_YEAR})
    assert r.status_code == 200 and r.json()["items"] == []
    # Asking for the owner by id changes nothing: an enterprise sees its
    # own reports only.
    r = get(CP, token=other.token, params={"organization_id": org_id(owner)})
    assert r.status_code == 200 and r.json()["items"] == []


@pytest.mark.parametrize("year", ["2015", "20250", "abcd", "0x7e9", "-2025",
                                  "2101"])
def test_a_year_that_is_none_is_404(year):
    user = enterprise()
    assert_problem(get(f"{CP}/{year}", token=user.token), 404)
    assert_problem(amend(user, year, report_body(), "*"), 404)


# --- amending ---------------------------------------------------------------


def test_amend_whole_report_with_if_match():
    user = enterprise()
    doc = filed(user, report_body())
    body = report_body(energy_saved_kwh=90000, measures=["Lắp biến tần"])
    del body["baseline"]
    assert_problem(amend(user, LAST_YEAR, body, None), 428)
    assert_problem(amend(user, LAST_YEAR, body, '"7"'), 412)
    r = amend(user, LAST_YEAR, body, etag(doc))
    assert r.status_code == 200, r.text
    new = r.json()
    assert_etag(r, new)
    assert new["version"] == 2 and new["id"] == doc["id"]
    assert new["energy_saved_kwh"] == 90000
    assert new["measures"] == ["Lắp biến tần"]
    # The whole document: what was left out is gone.
    assert new["baseline"] is None and new["saving"]["pct"] is None
    # The old version is stale now.
    assert_problem(amend(user, LAST_YEAR, body, etag(doc)), 412)
    # The year may be left out, or be the path's; not another.
    body.pop("year")
    r = amend(user, LAST_YEAR, body, etag(new))
    assert r.status_code == 200, r.text
    p = assert_problem(amend(user, LAST_YEAR, dict(body, year=THIS_YEAR),
                             "*"), 422, ["year"])
    assert str(LAST_YEAR) in p["errors"][0]["message"]


def test_amend_a_year_not_filed_is_404():
    user = enterprise()
    filed(user, report_body())
    assert_problem(amend(user, THIS_YEAR, report_body(THIS_YEAR), "*"), 404)


def test_amend_refuses_what_filing_refuses():
    user = enterprise()
    doc = filed(user, report_body())
    for bad, field in ((dict(measures=[]), "measures"),
                       (dict(water_saved_m3=-1), "water_saved_m3"),
                       (dict(id=doc["id"]), "id"),
                       (dict(saving={"pct": 99}), "saving")):
        assert_problem(amend(user, LAST_YEAR, report_body(**bad),
                             etag(doc)), 422, [field])
    assert get(f"{CP}/{LAST_YEAR}", token=user.token).json() == doc


# --- bad input --------------------------------------------------------------


BAD = [
    ({"year": "2024"}, "year"),
    ({"year": 2015}, "year"),
    ({"year": THIS_YEAR + 1}, "year"),
    ({"year": 2024.5}, "year"),
    ({"energy_saved_kwh": "120"}, "energy_saved_kwh"),
    ({"energy_saved_kwh": -0.5}, "energy_saved_kwh"),
    ({"energy_saved_kwh": 1e13}, "energy_saved_kwh"),
    ({"energy_saved_kwh": 1.2345}, "energy_saved_kwh"),
    ({"water_saved_m3": None}, "water_saved_m3"),
    ({"waste_reduced_tonnes": True}, "waste_reduced_tonnes"),
    ({"co2_reduced_tonnes": [1]}, "co2_reduced_tonnes"),
    ({"investment_vnd": 1.5}, "investment_vnd"),
    ({"investment_vnd": -1}, "investment_vnd"),
    ({"iso14001_certified": "yes"}, "iso14001_certified"),
    ({"measures": []}, "measures"),
    ({"measures": "Lắp biến tần"}, "measures"),
    ({"measures": [""]}, "measures"),
    ({"measures": ["   "]}, "measures"),
    ({"measures": ["x" * 301]}, "measures"),
    ({"measures": [f"biện pháp {i}" for i in range(51)]}, "measures"),
    ({"measures": ["a\u0001b"]}, "measures"),
    ({"measures": [7]}, "measures"),
    ({"technology_ids": ["not-a-uuid"]}, "technology_ids"),
    ({"technology_ids": ["00000000-0000-4000-8000-000000000000"]},
     "technology_ids"),
    ({"production_output": {"quantity": 0, "unit": "tonne"}},
     "production_output.quantity"),
    ({"production_output": {"quantity": 5, "unit": "barrel"}},
     "production_output.unit"),
    ({"production_output": {"quantity": 5}}, "production_output.unit"),
    ({"production_output": {"quantity": 5, "unit": "m3", "x": 1}},
     "production_output.x"),
    ({"production_output": {"quantity": 0.0001, "unit": "m3"}},
     "production_output.quantity"),
    ({"production_output": "18000 tấn"}, "production_output"),
    ({"baseline": {"energy_kwh": -1}}, "baseline.energy_kwh"),
    ({"baseline": {"energy_kwh": 1000}}, "energy_saved_kwh"),
    ({"baseline": {"water_m3": 10}}, "water_saved_m3"),
    ({"baseline": {"materials_tonnes": 1}}, "waste_reduced_tonnes"),
    ({"baseline": {"gas_m3": 1}}, "baseline.gas_m3"),
    ({"organization": {"name": "x"}}, "organization"),
    ({"district": "ninh_kieu"}, "district"),
    ({"closed": False}, "closed"),
    ({"version": 1}, "version"),
    ({"'; DROP TABLE cp_reports; --": 1}, "'; DROP TABLE cp_reports; --"),
]


@pytest.mark.parametrize("change,field", BAD,
                         ids=[f"{i}-{f}" for i, (_, f) in enumerate(BAD)])
def test_bad_bodies_are_422_naming_the_field(change, field):
    user = enterprise()
    assert_problem(post(CP, report_body(**change), token=user.token), 422,
                   [field])
    assert rows_of(org_id(user)) == 0


@pytest.mark.parametrize("missing", ["year", "energy_saved_kwh",
                                     "water_saved_m3",
                                     "waste_reduced_tonnes",
                                     "co2_reduced_tonnes", "investment_vnd",
                                     "iso14001_certified", "measures"])
def test_required_fields(missing):
    user = enterprise()
    body = report_body()
    del body[missing]
    assert_problem(post(CP, body, token=user.token), 422, [missing])
    assert rows_of(org_id(user)) == 0


def test_malformed_bodies():
    user = enterprise()
    for data in (b"{", b"[", b"", b"[1,2]", b"null"):
        r = call("POST", CP, token=user.token, data=data)
        assert r.status_code in (400, 422), r.status_code
        assert_problem(r, r.status_code)
    assert_problem(call("POST", CP, token=user.token, data=b"{}",
                        content_type="text/plain"), 415)
    assert rows_of(org_id(user)) == 0


def test_hostile_text_is_stored_as_sent():
    user = enterprise()
    hostile = ["'; DROP TABLE cp_reports; --", "<script>alert(1)</script>",
               "=cmd|' /C calc'!A0", "Xử lý nước thải \"cột A\", 100%"]
    doc = filed(user, report_body(measures=hostile))
    assert doc["measures"] == hostile


def test_technologies_adopted_must_be_published(vendor):
    user = enterprise()
    tech = published_tech(vendor)
    draft = published_tech(vendor, publish=False)
    p = assert_problem(post(CP, report_body(technology_ids=[draft["id"]]),
                            token=user.token), 422, ["technology_ids"])
    assert p["errors"][0]["field"] == "technology_ids"
    doc = filed(user, report_body(technology_ids=[tech["id"], tech["id"]]))
    assert doc["technology_ids"] == [tech["id"]]
    # Archiving it does not block amending the report that names it.
    r = call("PATCH", f"{TECH}/{tech['id']}", token=vendor.token,
             body={"status": "archived"}, headers={"If-Match": etag(tech)})
    assert r.status_code == 200, r.text
    r = amend(user, LAST_YEAR, report_body(technology_ids=[tech["id"]]),
              etag(doc))
    assert r.status_code == 200, r.text


# --- closing a year ---------------------------------------------------------


def test_close_and_reopen_a_year(doit, dost):
    user = enterprise()
    doc = filed(user, report_body(YEAR_CLOSE))
    late = enterprise()
    try:
        r = close(doit, YEAR_CLOSE)
        assert r.status_code == 200, r.text
        y = r.json()
        assert y["year"] == YEAR_CLOSE and y["closed"] is True
        assert y["closed_by"]["id"] == doit.id
        assert y["closed_by"]["name"] == "Sở Công Thương Cần Thơ"
        assert y["history"][-1]["action"] == "close"
        assert y["history"][-1]["by"]["id"] == doit.id
        assert y["reports"] >= 1
        p = assert_problem(post(CP, report_body(YEAR_CLOSE),
                                token=late.token), 409)
        assert str(YEAR_CLOSE) in p["detail"]
        assert rows_of(org_id(late)) == 0
        assert_problem(amend(user, YEAR_CLOSE, report_body(YEAR_CLOSE),
                             etag(doc)), 409)
        got = get(f"{CP}/{YEAR_CLOSE}", token=user.token).json()
        assert got["closed"] is True and got["version"] == 1
        assert_problem(close(doit, YEAR_CLOSE), 409)
        s = get(f"{CP}/summary", token=dost.token,
                params={"year": YEAR_CLOSE, "group_by": "district"}).json()
        assert s["closed"] is True and s["closed_by"]["id"] == doit.id
        assert s["closed_at"].endswith("Z")
    finally:
        r = close(doit, YEAR_CLOSE, "reopen")
    assert r.status_code == 200, r.text
    y = r.json()
    assert y["closed"] is False and y["closed_at"] is None
    assert [h["action"] for h in y["history"]][-2:] == ["close", "reopen"]
    assert_problem(close(doit, YEAR_CLOSE, "reopen"), 409)
    filed(late, report_body(YEAR_CLOSE))
    r = amend(user, YEAR_CLOSE, report_body(YEAR_CLOSE), etag(doc))
    assert r.status_code == 200, r.text
    assert db_count("SELECT count(*) FROM cp_year_events WHERE year = "
                    ":'y' AND account_id = :'a'", y=str(YEAR_CLOSE),
                    a=doit.id) >= 2


@pytest.mark.parametrize("year", ["2015", str(THIS_YEAR + 1), "abcd",
                                  "20170"])
def test_closing_a_year_that_is_none_is_404(doit, year):
    assert_problem(close(doit, year), 404)
    assert_problem(close(doit, year, "reopen"), 404)


# --- the summary ------------------------------------------------------------


@pytest.fixture(scope="module")
def summary_year(base_url):
    """Four reports of 2019: three in Ninh Kiều (two ISO 14001), one in
    Cái Răng; three with a baseline, saving 12 %, 5 % and 8 %."""
    plan = [("phuong_cai_khe", "beverages", True,
             {"energy_kwh": 1_000_000, "materials_tonnes": 400}, 120000),
            ("phuong_ninh_kieu", "beverages", True,
             {"energy_kwh": 2_000_000}, 100000),
            ("phuong_cai_khe", "seafood_processing", False,
             {"energy_kwh": 500_000, "water_m3": 1000}, 40000),
            ("phuong_cai_rang", "seafood_processing", False, None, 7000)]
    users = []
    for commune, sector, iso, baseline, kwh in plan:
        user = enterprise(commune=commune, sector=sector)
        body = report_body(YEAR_SUMMARY, energy_saved_kwh=kwh,
                           iso14001_certified=iso, water_saved_m3=10,
                           waste_reduced_tonnes=1, co2_reduced_tonnes=2,
                           investment_vnd=1000)
        if baseline is None:
            del body["baseline"]
        else:
            body["baseline"] = baseline
        filed(user, body)
        users.append(user)
    return users


def summary(token, year=YEAR_SUMMARY, group_by="district", **kw):
    return get(f"{CP}/summary", token=token,
               params={"year": year, "group_by": group_by}, **kw)


def test_summary_by_district(summary_year, dost):
    r = summary(dost.token)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["year"] == YEAR_SUMMARY and s["group_by"] == "district"
    assert s["closed"] is False and s["closed_by"] is None
    assert len(s["groups"]) == 28
    by = {g["key"]: g for g in s["groups"]}
    for g in s["groups"]:
        assert set(g) == FIGURES | {"key", "name_vi", "name_en"}, g
    nk = by["ninh_kieu"]
    assert nk["name_vi"] == "Quận Ninh Kiều"
    assert nk["reports"] == 3 and nk["iso14001"] == 2
    assert nk["energy_saved_kwh"] == 260000
    assert nk["applying"] == 3 and nk["with_baseline"] == 3
    assert nk["saving_8pct"] == 2 and nk["median_saving_pct"] == 8
    cr = by["cai_rang"]
    assert cr["reports"] == 1 and cr["with_baseline"] == 0
    assert cr["median_saving_pct"] is None
    # Every former district is there, with zeros where nothing was filed.
    assert by["vinh_thanh"]["reports"] == 0
    assert by["vinh_thanh"]["energy_saved_kwh"] == 0
    t = s["totals"]
    assert set(t) == FIGURES
    assert t["reports"] == 4 and t["energy_saved_kwh"] == 267000
    assert t["investment_vnd"] == 4000 and t["saving_8pct"] == 2


@pytest.mark.parametrize("group_by,n", [("commune", 103), ("sector", None),
                                        ("former_province", 3)])
def test_summary_other_groups(summary_year, dost, group_by, n):
    s = summary(dost.token, group_by=group_by).json()
    if n is None:
        n = len(get(f"{API}/sectors").json()["items"])
    keyed = [g for g in s["groups"] if g["key"] is not None]
    assert len(keyed) == n
    assert sum(g["reports"] for g in s["groups"]) == s["totals"]["reports"]
    by = {g["key"]: g for g in keyed}
    if group_by == "commune":
        assert by["phuong_cai_khe"]["reports"] == 2
    elif group_by == "sector":
        assert by["beverages"]["reports"] == 2
    else:
        assert by["can_tho"]["reports"] == 4
        assert by["soc_trang"]["reports"] == 0


def test_an_empty_year_is_all_zeros(dost):
    s = summary(dost.token, year=2016).json()
    assert len(s["groups"]) == 28
    assert all(g["reports"] == 0 for g in s["groups"])
    assert s["totals"]["reports"] == 0
    assert s["totals"]["median_saving_pct"] is None


@pytest.mark.parametrize("params,name", [
    ({"year": "abc", "group_by": "district"}, "year"),
    ({"year": "2015", "group_by": "district"}, "year"),
    ({"group_by": "district"}, "year"),
    ({"year": "2019", "group_by": "province"}, "group_by"),
    ({"year": "2019", "group_by": "'; select 1"}, "group_by"),
    ({"year": "2019"}, "group_by"),
    ({"year": "2019", "group_by": "district", "x": "1"}, "x"),
])
def test_summary_bad_parameters_are_400(dost, params, name):
    p = assert_problem(get(f"{CP}/summary", token=dost.token, params=params),
                       400)
    assert name in p["detail"]


def test_summary_as_csv(summary_year, doit):
    r = summary(doit.token, headers={"Accept": "text/csv"})
    rows = csv_rows(r)
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="cp-summary-{YEAR_SUMMARY}-district.csv"'
    assert rows[0] == ["key", "name_vi", "name_en", "reports", "iso14001",
                       "energy_saved_kwh", "water_saved_m3",
                       "waste_reduced_tonnes", "co2_reduced_tonnes",
                       "investment_vnd", "applying", "with_baseline",
                       "saving_8pct", "median_saving_pct"]
    assert len(rows) == 1 + 28 + 1
    nk = next(row for row in rows if row[0] == "ninh_kieu")
    assert nk[1] == "Quận Ninh Kiều" and nk[3] == "3"
    assert float(nk[5]) == 260000
    assert rows[-1][:3] == ["", "Tổng cộng", "Total"]
    assert rows[-1][3] == "4"
    # JSON stays the default, and for */*.
    for accept in (None, "*/*", "application/json"):
        h = {"Accept": accept} if accept else {}
        r = summary(doit.token, headers=h)
        assert r.headers["Content-Type"].startswith("application/json")


# --- the agencies' list -----------------------------------------------------


def test_agency_lists_with_filters_and_cursors(summary_year, dost):
    got = []
    params = {"year": YEAR_SUMMARY, "district": "ninh_kieu", "limit": 2}
    while True:
        r = get(CP, token=dost.token, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        got += page["items"]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert len(got) == 3 and len({d["id"] for d in got}) == 3
    assert all(d["district"] == "ninh_kieu" for d in got)
    ids = {org_id(u) for u in summary_year}
    assert {d["organization"]["id"] for d in got} <= ids
    r = get(CP, token=dost.token, params={"year": YEAR_SUMMARY,
                                           "sector": "seafood_processing",
                                           "commune": "phuong_cai_rang"})
    items = r.json()["items"]
    assert [d["organization"]["id"] for d in items] == \
        [org_id(summary_year[3])]
    one = summary_year[0]
    r = get(CP, token=dost.token, params={"organization_id": org_id(one)})
    assert [d["organization"]["id"] for d in r.json()["items"]] == \
        [org_id(one)]


@pytest.mark.parametrize("params,name", [
    ({"year": "20x9"}, "year"), ({"organization_id": "1"}, "organization_id"),
    ({"cursor": "nonsense"}, "cursor"), ({"limit": "0"}, "limit"),
    ({"colour": "green"}, "colour")])
def test_list_bad_parameters_are_400(dost, params, name):
    assert_problem(get(CP, token=dost.token, params=params), 400)


def test_agency_downloads_the_list_as_csv(vendor, dost):
    user = enterprise(name='Công ty CP "Sông Hậu", Cần Thơ',
                      commune="phuong_cai_khe")
    filed(user, report_body(YEAR_CSV, measures=[
        "=HYPERLINK(\"http://x\")", "Thu hồi, tái sử dụng nước"]))
    r = get(CP, token=dost.token, params={"year": YEAR_CSV},
            headers={"Accept": "text/csv"})
    rows = csv_rows(r)
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="cp-reports-{YEAR_CSV}.csv"'
    header = rows[0]
    for col in ("organization_name", "tax_code", "commune", "district",
                "sector"):
        assert col in header
    mine = [dict(zip(header, row)) for row in rows[1:]
            if row[header.index("tax_code")] ==
            user.account["organization"]["tax_code"]]
    assert len(mine) == 1
    row = mine[0]
    assert row["organization_name"] == 'Công ty CP "Sông Hậu", Cần Thơ'
    assert row["commune"] == "phuong_cai_khe"
    assert row["district"] == "ninh_kieu"
    # A formula is text to Excel, never run.
    assert row["measures"].startswith("'=HYPERLINK")


# --- the public table -------------------------------------------------------


def test_public_table_of_a_closed_year(doit, dost):
    """Ninh Kiều 4 reporters, Cái Răng 3, Ô Môn 1: Ô Môn is suppressed,
    and so is Cái Răng (else the totals less Ninh Kiều and Cái Răng would
    be Ô Môn's one enterprise)."""
    plan = [("ninh_kieu", 4), ("cai_rang", 3), ("o_mon", 1)]
    for district, n in plan:
        for _ in range(n):
            filed(enterprise(district=district),
                  report_body(YEAR_PUBLIC, energy_saved_kwh=1000,
                              baseline={"energy_kwh": 10000}))
    assert_problem(get(f"{CP}/public", params={"year": YEAR_PUBLIC}), 404)
    r = close(doit, YEAR_PUBLIC)
    assert r.status_code == 200, r.text
    try:
        r = get(f"{CP}/public", params={"year": YEAR_PUBLIC})
        assert r.status_code == 200, r.text
        pub = r.json()
        assert pub["year"] == YEAR_PUBLIC and pub["closed"] is True
        assert "closed_by" not in pub
        by = {g["key"]: g for g in pub["groups"]}
        assert len(by) == 28
        assert by["ninh_kieu"]["suppressed"] is False
        assert by["ninh_kieu"]["reports"] == 4
        assert by["ninh_kieu"]["energy_saved_kwh"] == 4000
        assert by["ninh_kieu"]["median_saving_pct"] == 10
        for key in ("o_mon", "cai_rang", "vinh_thanh"):
            assert by[key]["suppressed"] is True
            assert all(by[key][f] is None for f in FIGURES), by[key]
        assert pub["totals"]["suppressed"] is False
        assert pub["totals"]["reports"] == 8
        # The same for a signed-in caller, and never anyone's name.
        assert "Công ty" not in r.text
        r2 = get(f"{CP}/public", token=dost.token,
                 params={"year": YEAR_PUBLIC})
        assert r2.json() == pub
        # Listed among the public years, with the same closing time.
        years = {y["year"]: y for y in public_years()}
        assert years[YEAR_PUBLIC]["closed_at"] == pub["closed_at"]
    finally:
        assert close(doit, YEAR_PUBLIC, "reopen").status_code == 200
    assert_problem(get(f"{CP}/public", params={"year": YEAR_PUBLIC}), 404)
    assert YEAR_PUBLIC not in {y["year"] for y in public_years()}


def public_years():
    r = get(f"{CP}/public/years")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_public_years_are_the_closed_ones_newest_first():
    items = public_years()
    assert [y["year"] for y in items] == [
        int(row[0]) for row in db_rows(
            "SELECT year FROM cp_years WHERE closed ORDER BY year DESC")]
    for y in items:
        assert set(y) == {"year", "closed_at"}
        # Each is a year the public table answers for.
        r = get(f"{CP}/public", params={"year": y["year"]})
        assert r.status_code == 200, r.text
        assert r.json()["closed_at"] == y["closed_at"]
    assert THIS_YEAR not in {y["year"] for y in items}
    for params in ({"x": "1"}, {"year": "2024"}):
        assert_problem(get(f"{CP}/public/years", params=params), 400)


@pytest.mark.parametrize("params", [{}, {"year": "x"}, {"year": "2015"},
                                    {"year": "2019", "district": "o_mon"}])
def test_public_bad_parameters_are_400(params):
    assert_problem(get(f"{CP}/public", params=params), 400)


def test_public_year_not_closed_is_404():
    assert_problem(get(f"{CP}/public", params={"year": THIS_YEAR}), 404)



@pytest.mark.parametrize("name", ["district", "commune", "sector"])
def test_hostile_filters_match_nothing(dost, name):
    for value in ("' OR '1'='1", "'; DROP TABLE cp_reports; --",
                  "phuong_cai_khe' --", "Ninh Kiều"):
        r = get(CP, token=dost.token, params={name: value})
        assert r.status_code == 200, r.text
        assert r.json()["items"] == []


def test_filing_while_the_year_closes(doit):
    """Filings racing DOIT's close: each is filed or refused as closed,
    never an error, and nothing is filed once the close has landed."""
    year = 2021
    users = [enterprise() for _ in range(8)]
    codes = []

    def go(user):
        codes.append(post(CP, report_body(year), token=user.token)
                      .status_code)

    threads = [threading.Thread(target=go, args=(u,)) for u in users]
    for t in threads[:4]:
        t.start()
    closer = threading.Thread(target=lambda: codes.append(
        ("close", close(doit, year).status_code)))
    closer.start()
    for t in threads[4:]:
        t.start()
    for t in threads + [closer]:
        t.join()
    try:
        assert ("close", 200) in codes, codes
        filed_ok = [c for c in codes if c == 201]
        assert set(codes) - {("close", 200)} <= {201, 409}, codes
        n = db_count("SELECT count(*) FROM cp_reports WHERE year = :'y'",
                     y=str(year))
        assert n == len(filed_ok)
        late = enterprise()
        assert_problem(post(CP, report_body(year), token=late.token), 409)
    finally:
        assert close(doit, year, "reopen").status_code == 200
