//! Evaluation harness shared by the matcher tests (`sanctions_matcher.rs`) and the sanctions
//! benchmark (`benches/sanctions.rs`): loads the real lists plus the curated fixture, runs
//! `tests/fixtures/sanctions-eval/names.tsv` through the matcher and a brute-force baseline.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vetgate::intel::sanctions::matcher::{Index, KindFilter, Query};
use vetgate::intel::sanctions::model::{
    Entity, EntityKind, LIST_VETGATE_DPRK_IT, parse_iso_partial,
};
use vetgate::intel::sanctions::{csv_list, ofac, un};
use vetgate::model::names::jaro::jaro_winkler;

/// `../shared` beside the checkout, or `VETGATE_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("VETGATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

pub fn data_dir() -> PathBuf {
    shared_dir().join("data")
}

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// OFAC + UN + the curated evaluation fixture.
pub fn load_entities() -> Vec<Entity> {
    let d = data_dir();
    let mut v = ofac::load_dir(&d.join("ofac-sdn")).expect("OFAC").entities;
    v.extend(
        un::load_file(&d.join("un-consolidated.xml"))
            .expect("UN")
            .entities,
    );
    v.extend(
        csv_list::load_file(
            &crate_dir().join("tests/fixtures/sanctions-eval/curated-dprk-it.csv"),
            LIST_VETGATE_DPRK_IT,
        )
        .expect("curated fixture")
        .entities,
    );
    v
}

pub struct Row {
    pub query: String,
    pub dob: Option<String>,
    pub country: Option<String>,
    pub kind: KindFilter,
    pub expected: Vec<String>,
    pub category: String,
}

pub fn load_rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).expect("names.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "bad row {l:?}");
            let opt = |s: &str| (s != "-").then(|| s.to_string());
            Row {
                query: f[0].to_string(),
                dob: opt(f[1]),
                country: opt(f[2]),
                kind: match f[3] {
                    "person" => KindFilter::Person,
                    "entity" => KindFilter::Entity,
                    _ => KindFilter::Any,
                },
                expected: if f[4] == "-" {
                    Vec::new()
                } else {
                    f[4].split('|').map(str::to_string).collect()
                },
                category: f[5].to_string(),
            }
        })
        .collect()
}

pub fn to_query(r: &Row) -> Query {
    let mut q = Query::name(r.query.clone());
    q.date_of_birth = r.dob.as_deref().and_then(parse_iso_partial);
    q.country = r.country.clone();
    q.kind = r.kind;
    q.limit = 10;
    q
}

/// Best score per entity id for a row, matcher side.
pub fn matcher_scores(index: &Index, r: &Row) -> Vec<(String, f64)> {
    index
        .search(&to_query(r))
        .into_iter()
        .map(|m| (index.entity(m.entity).id.clone(), m.score))
        .collect()
}

/// Brute-force baseline: NFKD + lower-case + punctuation folding, tokens sorted,
/// Jaro-Winkler of the whole strings against every name of every entry.
pub struct Baseline {
    names: Vec<(usize, String)>,
    kinds: Vec<EntityKind>,
    ids: Vec<String>,
}

pub fn plain_fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let lower: String = s
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut w: Vec<&str> = lower.split_whitespace().collect();
    w.sort_unstable();
    w.join(" ")
}

impl Baseline {
    pub fn new(entities: &[Entity]) -> Baseline {
        let mut names = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            names.push((i, plain_fold(&e.primary_name)));
            for a in &e.aliases {
                names.push((i, plain_fold(&a.name)));
            }
        }
        Baseline {
            names,
            kinds: entities.iter().map(|e| e.kind).collect(),
            ids: entities.iter().map(|e| e.id.clone()).collect(),
        }
    }

    pub fn scores(&self, r: &Row) -> Vec<(String, f64)> {
        let q = plain_fold(&r.query);
        let mut best: BTreeMap<usize, f64> = BTreeMap::new();
        for (ei, n) in &self.names {
            if !r.kind.accepts(self.kinds[*ei]) {
                continue;
            }
            let s = jaro_winkler(q.as_bytes(), n.as_bytes());
            let b = best.entry(*ei).or_insert(0.0);
            if s > *b {
                *b = s;
            }
        }
        best.into_iter()
            .filter(|&(_, s)| s >= 0.5)
            .map(|(i, s)| (self.ids[i].clone(), s))
            .collect()
    }
}

#[derive(Default, Clone, Copy, Debug)]
pub struct Tally {
    pub pos: usize,
    pub found: usize,
    pub neg: usize,
    pub fp: usize,
    /// positives where an unexpected entry also matched
    pub extra: usize,
}

impl Tally {
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.pos.max(1) as f64
    }
    pub fn fpr(&self) -> f64 {
        self.fp as f64 / self.neg.max(1) as f64
    }
}

/// Score rows given precomputed per-row scores, at a threshold.
pub fn tally(
    rows: &[Row],
    scores: &[Vec<(String, f64)>],
    threshold: f64,
) -> (Tally, BTreeMap<String, Tally>) {
    let mut all = Tally::default();
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for (r, s) in rows.iter().zip(scores) {
        let t = by.entry(r.category.clone()).or_default();
        let hits: Vec<&String> = s
            .iter()
            .filter(|x| x.1 >= threshold)
            .map(|x| &x.0)
            .collect();
        if r.expected.is_empty() {
            all.neg += 1;
            t.neg += 1;
            if !hits.is_empty() {
                all.fp += 1;
                t.fp += 1;
            }
        } else {
            all.pos += 1;
            t.pos += 1;
            if hits.iter().any(|h| r.expected.contains(h)) {
                all.found += 1;
                t.found += 1;
            }
            if hits.iter().any(|h| !r.expected.contains(h)) {
                all.extra += 1;
                t.extra += 1;
            }
        }
    }
    (all, by)
}
