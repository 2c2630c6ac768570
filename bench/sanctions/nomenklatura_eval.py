#!/usr/bin/env python3
"""Score tests/fixtures/sanctions-eval/names.tsv with nomenklatura's logic-v2
(the algorithm yente scores with), on the same entities as the Rust matcher.

Run by `cargo bench --bench sanctions` (benches/sanctions.rs), which exports the
entities (OFAC SDN + UN + the curated evaluation fixture) as JSONL and passes
the interpreter named by VETGATE_NOMENKLATURA_PYTHON (default python3):

    python3 -m venv /tmp/nk && /tmp/nk/bin/pip install nomenklatura==4.17.4
    /tmp/nk/bin/python bench/sanctions/nomenklatura_eval.py ENTITIES.jsonl \
        tests/fixtures/sanctions-eval/names.tsv [--verbose]

Entity rows: {"id", "schema", "name": [...], "weakAlias": [...],
"birthDate": [...], "nationality": [...]}. Weak aliases go to FtM's
`weakAlias`, as OpenSanctions publishes OFAC's weak a.k.a.s.

yente retrieves candidates with an Elasticsearch query before scoring; here a
token index over `normality.ascii_text` names (which transliterates Hangul/
Han/Cyrillic with ICU) stands in for it: the 60 entities sharing the most name
tokens with the query are scored. `recall_oracle` adds the expected entities to
the candidates, i.e. logic-v2's recall with perfect retrieval.

Output: a human-readable report on stderr, then ONE JSON line on stdout with
counts per threshold (0.70, 0.80, 0.86, 0.90), overall, for rows whose query
contains Hangul, and per category (also with perfect retrieval), plus timings.
"""
import json
import math
import sys
import time
from collections import Counter, defaultdict
from importlib.metadata import version

from followthemoney import model
from normality import ascii_text
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

THRESHOLDS = [0.70, 0.80, 0.86, 0.90]
CANDIDATES = 60

args = [a for a in sys.argv[1:] if not a.startswith("--")]
verbose = "--verbose" in sys.argv
if len(args) != 2:
    sys.exit(__doc__)
entities_path, names_path = args

algo = get_algorithm("logic-v2")
config = ScoringConfig.defaults()


def log(*a):
    print(*a, file=sys.stderr)


def toks(s):
    t = ascii_text(s) or ""
    return [w for w in "".join(c.lower() if c.isalnum() else " " for c in t).split() if len(w) >= 2]


def has_hangul(s):
    return any(0xAC00 <= ord(c) <= 0xD7A3 or 0x1100 <= ord(c) <= 0x11FF or 0x3130 <= ord(c) <= 0x318F for c in s)


t0 = time.perf_counter()
ents, by_id, index = [], {}, defaultdict(set)
for line in open(entities_path, encoding="utf-8"):
    d = json.loads(line)
    e = model.make_entity(d["schema"])
    e.id = d["id"]
    e.add("name", d["name"])
    if d.get("weakAlias") and e.schema.get("weakAlias"):
        e.add("weakAlias", d["weakAlias"])
    if d["schema"] == "Person":
        e.add("birthDate", d.get("birthDate", []))
        e.add("nationality", d.get("nationality", []))
    i = len(ents)
    ents.append(e)
    by_id.setdefault(d["id"], []).append(i)
    for n in d["name"] + d.get("weakAlias", []):
        for t in toks(n):
            index[t].add(i)
load_seconds = time.perf_counter() - t0

rows = []
for line in open(names_path, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    q, dob, country, kind, exp, cat = line.rstrip("\n").split("\t")
    rows.append((q, dob, kind, [] if exp == "-" else exp.split("|"), cat))


def accepts(kind, e):
    if kind == "person":
        return e.schema.name == "Person"
    if kind == "entity":
        return e.schema.name != "Person"
    return True


results, oracle, retrieved, times = [], [], [], []
t0 = time.perf_counter()
for n, (q, dob, kind, exp, cat) in enumerate(rows):
    t1 = time.perf_counter()
    schema = {"person": "Person", "entity": "Organization"}.get(kind, "LegalEntity")
    if dob != "-":
        schema = "Person"  # a birth date only exists on a Person
    qe = model.make_entity(schema)
    qe.id = f"query-{n}"  # logic-v2 caches per entity id: one id per query
    qe.add("name", q)
    if dob != "-" and schema == "Person":
        qe.add("birthDate", dob)
    c = Counter()
    for t in sorted(set(toks(q))):  # deterministic tie order in most_common
        if len(index[t]) < 3000:
            for i in index[t]:
                c[i] += 1
    cand = [i for i, _ in c.most_common(CANDIDATES)]
    scores = [(ents[i].id, algo.compare(qe, ents[i], config).score) for i in cand if accepts(kind, ents[i])]
    times.append(time.perf_counter() - t1)
    results.append(scores)
    # perfect retrieval: the expected entities are scored even if not retrieved
    seen = set(cand)
    extra = [i for x in exp for i in by_id.get(x, []) if i not in seen and accepts(kind, ents[i])]
    oracle.append(scores + [(ents[i].id, algo.compare(qe, ents[i], config).score) for i in extra])
    retrieved.append(any(ents[i].id in exp for i in cand))
elapsed = time.perf_counter() - t0


def new_tally():
    return {"pos": 0, "found": 0, "neg": 0, "fp": 0}


def tally(scored, th):
    allt, hangul, by = new_tally(), new_tally(), defaultdict(new_tally)
    misses = []
    for (q, dob, kind, exp, cat), sc in zip(rows, scored):
        hits = [i for i, s in sc if s >= th]
        targets = [allt, by[cat]] + ([hangul] if has_hangul(q) else [])
        if exp:
            ok = any(h in exp for h in hits)
            for t in targets:
                t["pos"] += 1
                t["found"] += ok
            if not ok:
                misses.append((cat, q, max((s for i, s in sc if i in exp), default=None)))
        else:
            bad = bool(hits)
            for t in targets:
                t["neg"] += 1
                t["fp"] += bad
            if bad:
                top = max(sc, key=lambda x: x[1])
                misses.append((cat, q, top))
    return allt, hangul, dict(by), misses


def rate(a, b):
    return a / b if b else 0.0


out = {
    "algorithm": "logic-v2",
    "nomenklatura": version("nomenklatura"),
    "followthemoney": version("followthemoney"),
    "entities": len(ents),
    "rows": len(rows),
    "candidates": CANDIDATES,
    "load_seconds": round(load_seconds, 3),
    "score_seconds": round(elapsed, 3),
    "retrieved_positives": sum(r for r, row in zip(retrieved, rows) if row[3]),
    "thresholds": [],
}
st = sorted(times)
for p, key in [(0.5, "p50_ms"), (0.99, "p99_ms")]:
    out[key] = round(1000 * st[max(0, math.ceil(p * len(st)) - 1)], 3)  # nearest rank

log(f"nomenklatura {out['nomenklatura']} logic-v2: {len(ents)} entities loaded in {load_seconds:.1f}s, "
    f"{len(rows)} rows scored in {elapsed:.1f}s (p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms per row)")
for th in THRESHOLDS:
    allt, hangul, by, misses = tally(results, th)
    o_all, o_hangul, o_by, _ = tally(oracle, th)
    out["thresholds"].append({
        "threshold": th,
        "all": allt,
        "hangul": hangul,
        "oracle": o_all,
        "oracle_hangul": o_hangul,
        "categories": by,
        "oracle_categories": o_by,
    })
    log(f"  threshold {th:.2f}: recall {rate(allt['found'], allt['pos']):.3f} ({allt['found']}/{allt['pos']})  "
        f"FPR {rate(allt['fp'], allt['neg']):.3f} ({allt['fp']}/{allt['neg']})  "
        f"Hangul recall {hangul['found']}/{hangul['pos']}  "
        f"recall with perfect retrieval {rate(o_all['found'], o_all['pos']):.3f} "
        f"(Hangul {o_hangul['found']}/{o_hangul['pos']})")
    if verbose and th == 0.86:
        for m in misses:
            log("      ", m)
print(json.dumps(out, separators=(",", ":")))
