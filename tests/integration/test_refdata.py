"""The public reference lists: categories, sectors, Can Tho's communes
and former districts, and funding programs (tests/integration/
test_places.py checks the places themselves).
"""

import json
import re
import unicodedata

import pytest

from conftest import API, assert_problem, call, get

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

CATEGORIES = ["energy_efficiency", "water_saving", "wastewater_treatment",
              "solid_waste", "air_emissions", "renewable_energy",
              "material_substitution", "process_optimisation",
              "monitoring_control"]
SECTORS = ["seafood_processing", "rice_food_processing", "beverages",
           "textiles_garments", "chemicals_plastics",
           "mechanical_engineering", "construction_materials"]
DISTRICTS = ["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt",
             "Phong Điền", "Cờ Đỏ", "Thới Lai", "Vĩnh Thạnh"]
LISTS = ["categories", "sectors", "communes", "districts",
         "funding-programs"]
# The lists that take q (a search of the places' names).
SEARCHED = {"communes", "districts"}
# A funding program's members in the contract.
PROGRAM_KEYS = {"code", "name_vi", "name_en", "agency", "year", "budget_vnd",
                "committed_vnd", "max_support_pct"}


def fetch(name, **kw):
    r = get(f"{API}/{name}", **kw)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    assert set(doc) == {"items"} or set(doc) == {"items", "next_cursor"}, \
        sorted(doc)
    assert isinstance(doc["items"], list) and doc["items"]
    return doc["items"]


@pytest.mark.parametrize("name", LISTS)
def test_items_have_code_and_both_names(base_url, name):
    items = fetch(name)
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes)), "duplicate codes"
    for item in items:
        assert CODE_RE.match(item["code"]), item
        for key in ("name_vi", "name_en"):
            assert isinstance(item[key], str) and item[key].strip(), item
            assert item[key] == unicodedata.normalize("NFC", item[key])


@pytest.mark.parametrize("name", LISTS)
def test_lists_are_public_and_need_no_token(base_url, name):
    fetch(name)
    fetch(name, headers={"Authorization": "Bearer tms_nonsense"})


def test_categories_cover_the_contract(base_url):
    codes = {i["code"] for i in fetch("categories")}
    missing = set(CATEGORIES) - codes
    assert not missing, missing


def test_sectors_cover_the_contract(base_url):
    codes = {i["code"] for i in fetch("sectors")}
    missing = set(SECTORS) - codes
    assert not missing, missing


def test_the_nine_districts_of_old_can_tho_are_there(base_url):
    items = [i for i in fetch("districts")
             if i["former_province"] == "can_tho"]
    assert len(items) == 9, [i["code"] for i in items]
    names = [i["name_vi"] for i in items]
    for district in DISTRICTS:
        matches = [n for n in names if district in n]
        assert len(matches) == 1, (district, names)


def test_district_codes_are_usable_in_registration(base_url):
    codes = {i["code"] for i in fetch("districts")}
    assert {"ninh_kieu", "cai_rang", "o_mon", "thot_not"} <= codes


def test_funding_programs(base_url):
    r = get(f"{API}/funding-programs")
    assert r.status_code == 200
    items = fetch("funding-programs")
    for item in items:
        assert PROGRAM_KEYS <= set(item), item
        assert item["agency"] in ("dost", "doit", "donre"), item
        money = [k for k in item if k.endswith("_vnd")]
        assert {"budget_vnd", "committed_vnd"} <= set(money), item
        for key in money:
            assert type(item[key]) is int and item[key] >= 0, (key, item)
        assert type(item["year"]) is int
    # Money is written as integers in the JSON text, never 5e9 or 5.0.
    raw = json.loads(r.text, parse_float=lambda s: pytest.fail(
        f"a float in funding programs: {s}"))
    assert raw["items"]


def test_funding_program_money_is_consistent(base_url):
    for item in fetch("funding-programs"):
        assert 0 <= item["committed_vnd"] <= item["budget_vnd"], item
        assert 0 <= item["max_support_pct"] <= 100, item


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("query", ["?x=1", "?q=%27%20OR%201=1",
                                   "?%ff=1", "?q=a&q=b"])
def test_unknown_query_parameters_are_400(base_url, name, query):
    if name in SEARCHED and query == "?q=%27%20OR%201=1":
        # SQL is just searched for.
        assert get(f"{API}/{name}{query}").json() == {"items": []}
    else:
        assert_problem(get(f"{API}/{name}{query}"), 400)


@pytest.mark.parametrize("name", LISTS)
def test_lists_are_cacheable(base_url, name):
    r = get(f"{API}/{name}")
    assert "public" in r.headers.get("Cache-Control", "")
    tag = r.headers.get("ETag", "")
    assert re.fullmatch(r'"[0-9a-f]{16}"', tag), r.headers
    assert get(f"{API}/{name}").headers.get("ETag") == tag, \
        "the same list has the same tag"
    for names in (tag, f"W/{tag}", f'"0000000000000000", {tag}', "*"):
        again = get(f"{API}/{name}", headers={"If-None-Match": names})
        assert again.status_code == 304, (names, again.status_code)
        assert again.content == b""
        assert again.headers.get("ETag") == tag
    other = get(f"{API}/{name}", headers={"If-None-Match": '"0" , W/"1"'})
    assert other.status_code == 200 and other.json()["items"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_lists_are_read_only(base_url, name, method):
    r = call(method, f"{API}/{name}",
             body={"code": "x"} if method != "DELETE" else None)
    assert_problem(r, 405)
