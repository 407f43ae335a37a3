#!/usr/bin/python3
"""search_mix.py -- the search mix of `make bench`: distinct queries
drawn from the technologies loaded in the database, written as request
paths (one a line) for tests/bench/mix.lua, and as JSON (each query's
q, filters and how it was drawn) for bench.py's slowest queries and
relevance.

What it draws, with a fixed seed (the same data gives the same mix):
1 to 5 adjacent words of published titles; some common enough to match
about a fifth of the rows (15-30 %), some rare (at most 0.03 % of them), some that
match nothing (words of two titles that never meet); then half of them
without diacritics, a tenth with a one-letter typo, a tenth with the
listing's category, commune or district as a filter.

Standard library only. Usable alone:
  search_mix.py DATABASE_URL OUT [QUERIES [SEED]]
writes OUT (the paths) and OUT.json; PGBIN names psql's directory.
"""

import json
import os
import random
import re
import subprocess
import sys
import unicodedata
import urllib.parse

PATH = "/api/v1/technologies"
LENGTHS = (1, 2, 3, 4, 5)
LENGTH_WEIGHTS = (20, 30, 25, 15, 10)
SAMPLE = 4000		# titles the words are drawn from
HIGH_SHARE = 0.15	# "matches about 20 %": at least this share,
HIGH_MAX = 0.30		# and at most this one for the ones chosen as such
RARE_SHARE = 0.0003	# "about 0.01 %": at most this share, and not none
PER_CLASS = 25		# at least this many common, rare and none queries


def fold(s):
    """As tm_fold in SQL: NFC, lower case, diacritics dropped, đ -> d."""
    s = unicodedata.normalize("NFC", s).lower().replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s)
                if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", s)


def tokens(s):
    """The folded words of s, as the phrase test counts them."""
    return re.findall(r"[a-z0-9]+", fold(s))


def sql_str(s):
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def words_of(title):
    """A title's words, lower case, punctuation at their ends dropped."""
    out = []
    for w in title.split():
        w = w.strip(".,;:!?()\"'").lower()
        if w:
            out.append(w)
    return out


def typo(rng, q):
    """One letter of one word (of three letters or more) replaced,
    dropped, doubled into a neighbour or swapped with the next."""
    ws = q.split(" ")
    long_ = [i for i, w in enumerate(ws) if len(w) >= 3]
    if not long_:
        return None
    i = rng.choice(long_)
    w = ws[i]
    j = rng.randrange(len(w))
    op = rng.choice(("replace", "drop", "insert", "swap"))
    letters = "abcdeghiklmnopqrstuvxy"
    if op == "replace":
        c = rng.choice([x for x in letters if x != w[j]])
        w = w[:j] + c + w[j + 1:]
    elif op == "drop":
        w = w[:j] + w[j + 1:]
    elif op == "insert":
        w = w[:j] + rng.choice(letters) + w[j:]
    else:
        j = min(j, len(w) - 2)
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    ws[i] = w
    out = " ".join(ws)
    return out if fold(out) != fold(q) else None


def path_of(q, filters):
    params = [("q", q)] + sorted(filters.items())
    return PATH + "?" + urllib.parse.urlencode(params,
                                               quote_via=urllib.parse.quote)


def draw(sql, queries=400, seed=14):
    """The mix: a list of {q, filters, kind, count, path}. sql(text)
    runs a statement and returns its single value (text)."""
    rng = random.Random(seed)
    rows = json.loads(sql(
        "SELECT coalesce(json_agg(json_build_array(title, category, "
        "commune, district)), '[]') FROM (SELECT t.title, t.category, "
        "o.commune, o.district FROM technologies t JOIN organizations o "
        "ON o.id = t.vendor_id WHERE t.status = 'published' "
        "ORDER BY md5(t.title || t.summary || t.description), t.title, "
        f"o.commune LIMIT {SAMPLE}) x"))
    published = int(sql("SELECT count(*) FROM technologies "
                        "WHERE status = 'published'"))
    if len(rows) < 50:
        raise ValueError(f"only {len(rows)} published titles to draw from")

    # The pool: adjacent words of titles, and pairs from two titles.
    pool = {}
    for _ in range(queries * 2):
        row = rng.choice(rows)
        ws = words_of(row[0])
        n = min(rng.choices(LENGTHS, LENGTH_WEIGHTS)[0], len(ws))
        at = rng.randrange(len(ws) - n + 1)
        q = " ".join(ws[at:at + n])
        if tokens(q) and q not in pool:
            pool[q] = {"q": q, "row": row, "kind": "title"}
    for _ in range(queries // 2):
        a, b, c = (words_of(rng.choice(rows)[0]) for _ in range(3))
        i, j, k = (rng.randrange(len(x)) for x in (a, b, c))
        q = " ".join(a[i:i + 2] + b[j:j + 2] + c[k:k + 1])
        if tokens(q) and q not in pool:
            pool[q] = {"q": q, "row": None, "kind": "two titles"}
    keys = sorted(pool)
    values = ",\n".join(f"({k}, {sql_str(q)})" for k, q in enumerate(keys))
    counts = json.loads(sql(
        "SELECT coalesce(json_agg(json_build_array(v.k, (SELECT count(*) "
        "FROM technologies t WHERE t.status = 'published' AND "
        "t.search @@ tm_tsquery(v.q)))), '[]') FROM (VALUES " + values
        + ") v(k, q)"))
    for k, c in counts:
        pool[keys[k]]["count"] = c

    def share(e):
        return e["count"] / max(published, 1)
    classes = {
        "common": [e for e in pool.values() if HIGH_SHARE <= share(e)
                   <= HIGH_MAX and e["kind"] == "title"],
        "rare": [e for e in pool.values() if 0 < e["count"]
                 and share(e) <= RARE_SHARE and e["kind"] == "title"],
        "none": [e for e in pool.values() if e["count"] == 0],
    }
    chosen = []
    for name in ("common", "rare", "none"):
        got = sorted(classes[name], key=lambda e: e["q"])
        rng.shuffle(got)
        for e in got[:PER_CLASS]:
            e["class"] = name
            chosen.append(e)
    rest = sorted((e for e in pool.values() if e["kind"] == "title"
                   and "class" not in e), key=lambda e: e["q"])
    rng.shuffle(rest)
    for e in rest[:max(0, queries - len(chosen))]:
        e["class"] = ("common" if share(e) >= HIGH_SHARE else
                      "rare" if 0 < e["count"] and share(e) <= RARE_SHARE
                      else "none" if e["count"] == 0 else "middle")
        chosen.append(e)
    rng.shuffle(chosen)

    # Typos, filters and diacritics, each on its own share of the mix.
    n = len(chosen)
    order = list(range(n))
    rng.shuffle(order)
    typo_at = set(order[:n // 10])
    titled = [i for i in order[n // 10:] if chosen[i]["row"] is not None]
    filter_at = set(titled[:n // 10])
    mix, seen = [], set()
    for i, e in enumerate(chosen):
        q, filters, how = e["q"], {}, [e["class"]]
        if i in typo_at:
            t = typo(rng, q)
            if t is not None:
                q = t
                how.append("typo")
        if i in filter_at:
            _, category, commune, district = e["row"]
            pick = rng.random()
            if pick < 0.5 or commune is None and district is None:
                filters["category"] = category
            elif pick < 0.75 and commune is not None:
                filters["commune"] = commune
            else:
                filters["district"] = district
            how.append("filter")
        if rng.random() < 0.5:
            q = fold(q)
            how.append("folded")
        path = path_of(q, filters)
        if path in seen:
            continue
        seen.add(path)
        mix.append({"q": q, "filters": filters, "kind": how,
                    "count": e["count"], "path": path})
    return mix


def write(mix, out):
    with open(out, "w") as f:
        f.write("".join(e["path"] + "\n" for e in mix))
    with open(out + ".json", "w") as f:
        json.dump(mix, f, ensure_ascii=False, indent=1)


def main(argv):
    if len(argv) not in (3, 4, 5):
        sys.exit("usage: search_mix.py DATABASE_URL OUT [QUERIES [SEED]]")
    url, out = argv[1], argv[2]
    queries = int(argv[3]) if len(argv) > 3 else 400
    seed = int(argv[4]) if len(argv) > 4 else 14
    psql = os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"),
                        "psql")

    def sql(text):
        p = subprocess.run([psql, "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-d", url], input=text,
                           capture_output=True, text=True, check=True)
        return p.stdout.strip()
    mix = draw(sql, queries, seed)
    write(mix, out)
    kinds = {}
    for e in mix:
        for k in e["kind"]:
            kinds[k] = kinds.get(k, 0) + 1
    print(f"{len(mix)} queries: " + ", ".join(f"{k} {v}" for k, v in
                                              sorted(kinds.items())))


if __name__ == "__main__":
    main(sys.argv)
