#!/usr/bin/env python3
"""Score eval/names.tsv with nomenklatura's logic-v2 (the algorithm yente scores with).

Usage: cargo run --release --example export_entities -- /tmp/entities.jsonl
       /work/scratch/venv/bin/python eval/nomenklatura_eval.py /tmp/entities.jsonl

yente retrieves candidates with an Elasticsearch query before scoring; here a
token index over `normality`-folded names (which transliterates Hangul/Han/
Cyrillic with ICU) stands in for it: the 60 entities sharing the most name
tokens with the query are scored. Reports recall/FPR at the same thresholds as
the Rust harness.
"""
import json
import sys
import time
from collections import Counter, defaultdict

from followthemoney import model
from normality import ascii_text
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

algo = get_algorithm("logic-v2")
config = ScoringConfig.defaults()


def toks(s):
    t = ascii_text(s) or ""
    return [w for w in "".join(c.lower() if c.isalnum() else " " for c in t).split() if len(w) >= 2]


ents, index = [], defaultdict(set)
for line in open(sys.argv[1]):
    d = json.loads(line)
    e = model.make_entity(d["schema"])
    e.id = d["id"]
    e.add("name", d["name"])
    if d["schema"] == "Person":
        e.add("birthDate", d["birthDate"])
        e.add("nationality", d["nationality"])
    i = len(ents)
    ents.append(e)
    for n in d["name"]:
        for t in toks(n):
            index[t].add(i)

rows = []
for line in open(sys.argv[2] if len(sys.argv) > 2 else "eval/names.tsv"):
    if line.startswith("#") or not line.strip():
        continue
    q, dob, country, kind, exp, cat = line.rstrip("\n").split("\t")
    rows.append((q, dob, kind, [] if exp == "-" else exp.split("|"), cat))

results = []
t0 = time.time()
for n, (q, dob, kind, exp, cat) in enumerate(rows):
    schema = {"person": "Person", "entity": "Organization"}.get(kind, "LegalEntity")
    if dob != "-":
        schema = "Person"  # a birth date only exists on a Person
    qe = model.make_entity(schema)
    qe.id = f"query-{n}"  # logic-v2 caches per entity id: one id per query
    qe.add("name", q)
    if dob != "-" and schema == "Person":
        qe.add("birthDate", dob)
    c = Counter()
    for t in set(toks(q)):
        if len(index[t]) < 3000:
            for i in index[t]:
                c[i] += 1
    scores = []
    for i, _ in c.most_common(60):
        e = ents[i]
        if kind == "person" and e.schema.name != "Person":
            continue
        if kind == "entity" and e.schema.name == "Person":
            continue
        scores.append((e.id, algo.compare(qe, e, config).score))
    results.append(scores)
elapsed = time.time() - t0

print(f"logic-v2 over {len(rows)} rows in {elapsed:.1f}s")
for th in [0.70, 0.80, 0.86, 0.90]:
    pos = found = neg = fp = 0
    by = defaultdict(lambda: [0, 0])
    for (q, dob, kind, exp, cat), sc in zip(rows, results):
        hits = [i for i, s in sc if s >= th]
        if exp:
            pos += 1
            ok = any(h in exp for h in hits)
            found += ok
            by[cat][0] += 1
            by[cat][1] += ok
        else:
            neg += 1
            bad = bool(hits)
            fp += bad
            by[cat][0] += 1
            by[cat][1] += bad
    print(f"  threshold {th:.2f}: recall {found/pos:.3f} ({found}/{pos})  FPR {fp/neg:.3f} ({fp}/{neg})")
    if th == 0.70:
        for cat in sorted(by):
            n, k = by[cat]
            print(f"      {cat:<28}{n:>4}  {k/n:.3f}")
