"""The server's SQL as app/queries.def writes it, for the tests and make
bench, which run a statement as the server does (pgbench scripts, plan
checks)."""

import os
import re

DEF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "app", "queries.def")


def load_queries(path=DEF):
    """{Q_NAME: sql} from the Q(ID, writes, nparams, sql) of queries.def."""
    src = open(path).read()
    # Drop comments, keeping string literals (which might hold "/*").
    src = re.sub(r'"(?:\\.|[^"\\\n])*"|/\*.*?\*/|//[^\n]*',
                 lambda m: m.group(0) if m.group(0)[0] == '"' else " ",
                 src, flags=re.S)
    lit = r'"(?:\\.|[^"\\\n])*"'
    entry = re.compile(r'\bQ\((\w+),\s*[01]\s*,\s*\d+\s*,'
                       r'\s*((?:' + lit + r'\s*)+)\)')
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}
    out = {}
    for m in entry.finditer(src):
        parts = re.findall(lit, m.group(2))
        text = "".join(p[1:-1] for p in parts)
        out["Q_" + m.group(1)] = re.sub(r"\\(.)",
                                        lambda e: escapes[e.group(1)], text)
    return out
