//! The search index: built once from the entities, queried many times.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use super::score;
use crate::intel::sanctions::model::{
    AliasQuality, Entity, EntityKind, PartialDate, is_short_name,
};
use crate::model::names::jaro::jaro_winkler;
use crate::model::names::normalize::{TokClass, Token, tokens_with};
use crate::model::names::similarity::{self, Side};
use crate::model::normalise_document_number;
use crate::model::payout::normalise_crypto;
use crate::model::text;
use crate::model::translit::{self, Scheme};

/// An e-mail address as listed and looked up: [`text::fold`] (invisible characters dropped, NFKC,
/// case folded), surrounding spaces trimmed.
fn email_key(email: &str) -> String {
    text::fold(email.trim()).trim().to_owned()
}

/// Default match threshold (see the module documentation for how it was chosen).
pub const THRESHOLD: f64 = 0.86;
/// Default review floor.
pub const REVIEW_THRESHOLD: f64 = 0.74;
/// Results scoring below this are not returned at all.
pub const MIN_RETURNED: f64 = 0.5;
/// At most this many names are fully scored per query (and transliteration variant).
pub const MAX_CANDIDATES: usize = 40;

/// FxHash-style hasher for integer keys.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Which kinds of entry a query wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KindFilter {
    Person,
    /// Organisations, vessels and aircraft.
    Entity,
    #[default]
    Any,
}

impl KindFilter {
    /// Does an entry of kind `k` pass?
    pub fn accepts(self, k: EntityKind) -> bool {
        match self {
            KindFilter::Any => true,
            KindFilter::Person => k == EntityKind::Person,
            KindFilter::Entity => k != EntityKind::Person,
        }
    }
}

/// A name search (the contract's `sanctions-search` request, plus document numbers).
#[derive(Debug, Clone)]
pub struct Query {
    /// Any script, any order.
    pub name: String,
    pub date_of_birth: Option<PartialDate>,
    /// ISO 3166-1 alpha-2; a soft hint.
    pub country: Option<String>,
    pub kind: KindFilter,
    /// Passport/ID numbers of the subject (any punctuation).
    pub documents: Vec<String>,
    /// The nationality (ISO alpha-2) the subject's consistent identity documents show: a person
    /// entry that lists nationalities, none of them this one, is contradicted by it.
    pub nationality_shown: Option<String>,
    /// Read Han characters with their Sino-Korean readings as well as in Mandarin. Only for a
    /// Korean subject (by nationality, document or a Hangul name): a Chinese national's Han name
    /// read the Korean way resembles unrelated Korean entries (`冯静` → `Pung Jong`).
    pub korean_readings: bool,
    /// Rank and keep entries by their score without contradictions, so that a namesake whose
    /// birth date or nationality rules them out is still returned (with `contradicted_by`) for a
    /// reviewer to see.
    pub keep_contradicted: bool,
    /// 1–100.
    pub limit: usize,
}

impl Query {
    /// What this query ranks and keeps entries by: the score, or the score without contradictions
    /// when it keeps contradicted namesakes.
    pub fn rank(&self, m: &Match) -> f64 {
        if self.keep_contradicted {
            m.breakdown.uncontradicted()
        } else {
            m.score
        }
    }

    /// A name-only query of any kind, limit 10.
    pub fn name(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            date_of_birth: None,
            country: None,
            kind: KindFilter::Any,
            documents: Vec::new(),
            nationality_shown: None,
            korean_readings: false,
            keep_contradicted: false,
            limit: 10,
        }
    }
}

/// How a score was reached; the factors add up to the score before clamping.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Breakdown {
    /// Name similarity of the best name (after weak/short alias adjustments).
    pub name: f64,
    pub date_of_birth: f64,
    pub country: f64,
    /// Negative when the subject's documents show a nationality the entry does not list.
    pub nationality: f64,
    pub documents: f64,
}

impl Breakdown {
    /// Sum of the contributions, clamped to [0, 1].
    pub fn total(&self) -> f64 {
        (self.name + self.date_of_birth + self.country + self.nationality + self.documents)
            .clamp(0.0, 1.0)
    }

    /// The score the name and the agreeing facts give, contradictions left out: what decides
    /// whether a contradicted namesake is worth showing.
    pub fn uncontradicted(&self) -> f64 {
        (self.name
            + self.date_of_birth.max(0.0)
            + self.country
            + self.nationality.max(0.0)
            + self.documents)
            .clamp(0.0, 1.0)
    }
}

/// A fact of the subject's that agrees with an entry (`corroborated_by`) or rules it out
/// (`contradicted_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    DateOfBirth,
    Nationality,
    DocumentNumber,
}

impl Evidence {
    /// As serialised: `date_of_birth`, `nationality`, `document_number`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::DateOfBirth => "date_of_birth",
            Evidence::Nationality => "nationality",
            Evidence::DocumentNumber => "document_number",
        }
    }
}

/// One scored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// Position of the entity in [`Index::entities`].
    pub entity: usize,
    /// The primary name or alias that scored best, as published.
    pub matched_name: String,
    pub score: f64,
    pub breakdown: Breakdown,
    /// `score >= threshold`.
    pub is_match: bool,
    /// The subject's birth date agrees with one the entry lists, or a document number is the
    /// entry's.
    pub corroborated_by: Vec<Evidence>,
    /// The subject's birth date lies more than a year from every one the entry lists, or their
    /// documents show a nationality the entry does not list.
    pub contradicted_by: Vec<Evidence>,
}

/// Work done by one search (for tests and tuning).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Postings entries visited.
    pub postings_visited: usize,
    /// Distinct names reached through the postings.
    pub names_reached: usize,
    /// Names fully scored.
    pub names_scored: usize,
    /// Names in the index.
    pub names_total: usize,
}

#[derive(Clone, Copy)]
enum NameSrc {
    Primary,
    Alias(u32),
    Original(u32),
}

struct NameRec {
    entity: u32,
    src: NameSrc,
    side: Side,
    wsum: f32,
    weak: bool,
    short: bool,
}

/// Names and identifiers of a set of entities, indexed for search.
pub struct Index {
    entities: Vec<Entity>,
    names: Vec<NameRec>,
    /// loose key → vocabulary id
    vocab: HashMap<String, u32>,
    vocab_keys: Vec<String>,
    /// vocabulary id → names holding a word with that key
    postings: Vec<Vec<u32>>,
    /// loose key of two fused adjacent words → names
    fused_postings: HashMap<String, Vec<u32>>,
    /// hash of a key and of each of its one-letter deletions → vocabulary ids
    /// (keys of four letters or more): finds keys one edit apart
    deletions: FxMap<u64, Vec<u32>>,
    idf: Vec<f32>,
    crypto: HashMap<String, Vec<(u32, u32)>>,
    emails: HashMap<String, Vec<u32>>,
    documents: HashMap<String, Vec<u32>>,
    threshold: f64,
    /// Approximate heap bytes, measured once when built (for `/metrics`).
    approx_bytes: usize,
}

#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    stamp: Vec<u16>,
    touched: Vec<u32>,
    hashes: Vec<u64>,
    fuzzy: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// `A (B) C` → (`A C`, `B`), for names with one parenthesised part.
fn split_parenthetical(name: &str) -> Option<(String, String)> {
    let open = name.find('(')?;
    let close = open + name[open..].find(')')?;
    let inner = name[open + 1..close].trim();
    let outer = format!("{} {}", name[..open].trim(), name[close + 1..].trim());
    let outer = outer.trim().to_string();
    (!inner.is_empty() && !outer.is_empty()).then(|| (outer, inner.to_string()))
}

fn hash_bytes(parts: &[&[u8]]) -> u64 {
    let mut h = FxHasher::default();
    for p in parts {
        h.write(p);
    }
    h.write_u32(0xff);
    h.finish()
}

/// Hashes of `key` and of each one-letter deletion of it (keys of 4+ letters).
fn deletion_hashes(key: &str, out: &mut Vec<u64>) {
    out.clear();
    let b = key.as_bytes();
    if b.len() < 3 {
        return;
    }
    out.push(hash_bytes(&[b]));
    for i in 0..b.len() {
        if i > 0 && b[i] == b[i - 1] {
            continue;
        }
        let h = hash_bytes(&[&b[..i], &b[i + 1..]]);
        if !out.contains(&h) {
            out.push(h);
        }
    }
}

/// Same chain family for the optional asset filter (`XBT` = `BTC`; tokens such as
/// `USDT`/`USDC` live on several chains and accept any).
fn asset_compatible(query: &str, listed: &str) -> bool {
    let canon = |s: &str| match s.to_ascii_uppercase().as_str() {
        "BTC" | "XBT" => "XBT".to_string(),
        "USDT" | "USDC" | "ERC20" | "TRC20" => "*".to_string(),
        other => other.to_string(),
    };
    let (q, l) = (canon(query), canon(listed));
    q == "*" || l == "*" || q == l
}

impl Index {
    /// Build the index (all primary names and aliases; 1–3 character names are
    /// indexed but capped below the review floor).
    pub fn build(entities: Vec<Entity>) -> Index {
        let mut raw_names: Vec<(u32, NameSrc, Vec<Token>, bool, bool)> = Vec::new();
        for (ei, e) in entities.iter().enumerate() {
            let ei = ei as u32;
            let mut push = |src: NameSrc, name: &str, weak: bool| {
                let toks = tokens_with(name, Scheme::DEFAULT);
                if !toks.is_empty() {
                    raw_names.push((ei, src, toks, weak, is_short_name(name)));
                }
                // `Jin Tiesan (金铁三)`, `FOREIGN TRADE BANK (FTB)`: each part on its own too
                if let Some((outer, inner)) = split_parenthetical(name) {
                    for part in [outer, inner] {
                        for scheme in Scheme::ALL {
                            let toks = tokens_with(&part, scheme);
                            if !toks.is_empty() {
                                raw_names.push((ei, src, toks, weak, is_short_name(&part)));
                            }
                            if !translit::has_scheme_dependent(&part) {
                                break;
                            }
                        }
                    }
                }
            };
            push(NameSrc::Primary, &e.primary_name, false);
            for (ai, a) in e.aliases.iter().enumerate() {
                push(
                    NameSrc::Alias(ai as u32),
                    &a.name,
                    a.quality == AliasQuality::Weak,
                );
            }
            for (oi, o) in e.original_script_names.iter().enumerate() {
                for scheme in Scheme::ALL {
                    let toks = tokens_with(o, scheme);
                    if !toks.is_empty() {
                        raw_names.push((
                            ei,
                            NameSrc::Original(oi as u32),
                            toks,
                            false,
                            is_short_name(o),
                        ));
                    }
                    if !translit::has_scheme_dependent(o) {
                        break;
                    }
                }
            }
        }
        // vocabulary and document frequencies
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut vocab_keys = Vec::new();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut fused_postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (ni, (_, _, toks, _, _)) in raw_names.iter().enumerate() {
            let ni = ni as u32;
            for t in toks {
                let id = *vocab.entry(t.loose.clone()).or_insert_with(|| {
                    vocab_keys.push(t.loose.clone());
                    postings.push(Vec::new());
                    (vocab_keys.len() - 1) as u32
                });
                let p = &mut postings[id as usize];
                if p.last() != Some(&ni) {
                    p.push(ni);
                }
            }
        }
        let n = raw_names.len().max(2) as f32;
        let idf: Vec<f32> = postings
            .iter()
            .map(|p| {
                let df = p.len().max(1) as f32;
                0.55 + 0.45 * ((n / df).ln() / n.ln()).clamp(0.0, 1.0)
            })
            .collect();
        let mut names = Vec::with_capacity(raw_names.len());
        for (ni, (ei, src, toks, weak, short)) in raw_names.into_iter().enumerate() {
            let w: Vec<f32> = toks
                .iter()
                .map(|t| similarity::class_weight(t.class) * idf[vocab[&t.loose] as usize])
                .collect();
            let side = Side::new(toks, w);
            for f in &side.fused {
                let p = fused_postings.entry(f.loose.clone()).or_default();
                if p.last() != Some(&(ni as u32)) {
                    p.push(ni as u32);
                }
            }
            let wsum = side.wsum();
            names.push(NameRec {
                entity: ei,
                src,
                side,
                wsum,
                weak,
                short,
            });
        }
        let mut deletions: FxMap<u64, Vec<u32>> = FxMap::default();
        let mut buf = Vec::new();
        for (id, k) in vocab_keys.iter().enumerate() {
            deletion_hashes(k, &mut buf);
            for &h in &buf {
                deletions.entry(h).or_default().push(id as u32);
            }
        }
        let mut crypto: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        let mut emails: HashMap<String, Vec<u32>> = HashMap::new();
        let mut documents: HashMap<String, Vec<u32>> = HashMap::new();
        for (ei, e) in entities.iter().enumerate() {
            let ei = ei as u32;
            for (ci, c) in e.crypto_addresses.iter().enumerate() {
                crypto
                    .entry(normalise_crypto(&c.address))
                    .or_default()
                    .push((ei, ci as u32));
            }
            for m in &e.emails {
                emails.entry(email_key(m)).or_default().push(ei);
            }
            for d in &e.documents {
                let k = normalise_document_number(&d.number);
                if k.len() >= 4 {
                    let v = documents.entry(k).or_default();
                    if v.last() != Some(&ei) {
                        v.push(ei);
                    }
                }
            }
        }
        let mut index = Index {
            entities,
            names,
            vocab,
            vocab_keys,
            postings,
            fused_postings,
            deletions,
            idf,
            crypto,
            emails,
            documents,
            threshold: THRESHOLD,
            approx_bytes: 0,
        };
        index.approx_bytes = index.measure();
        index
    }

    /// Entities indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Approximate heap bytes of the index and its entities: what one list costs the process.
    pub fn approx_bytes(&self) -> usize {
        self.approx_bytes
    }

    /// Sums the index's vectors and maps and the entities' strings (allocator overhead aside).
    fn measure(&self) -> usize {
        use std::mem::size_of;
        let strings = |v: &[String]| {
            v.iter()
                .map(|s| s.capacity() + size_of::<String>())
                .sum::<usize>()
        };
        let map_of_vecs = |m: &HashMap<String, Vec<u32>>| {
            m.iter()
                .map(|(k, v)| k.capacity() + size_of::<String>() + v.capacity() * 4 + 24)
                .sum::<usize>()
        };
        let entities: usize = self
            .entities
            .iter()
            .map(|e| {
                size_of::<Entity>()
                    + e.id.capacity()
                    + e.primary_name.capacity()
                    + e.remarks.capacity()
                    + e.aliases
                        .iter()
                        .map(|a| size_of_val(a) + a.name.capacity())
                        .sum::<usize>()
                    + strings(&e.original_script_names)
                    + strings(&e.titles)
                    + strings(&e.programs)
                    + strings(&e.emails)
                    + strings(&e.phones)
                    + strings(&e.websites)
                    + e.addresses.len() * 128
                    + e.documents.len() * 96
                    + e.dates_of_birth.len() * 32
                    + e.crypto_addresses.len() * 96
            })
            .sum();
        entities
            + self.names.capacity() * size_of::<NameRec>()
            + self
                .vocab
                .keys()
                .map(|k| k.capacity() + size_of::<String>() + 4)
                .sum::<usize>()
            + strings(&self.vocab_keys)
            + self
                .postings
                .iter()
                .map(|p| p.capacity() * 4 + 24)
                .sum::<usize>()
            + map_of_vecs(&self.fused_postings)
            + self
                .deletions
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>()
            + self.idf.capacity() * 4
            + self
                .crypto
                .iter()
                .map(|(k, v)| k.capacity() + v.capacity() * 8 + 48)
                .sum::<usize>()
            + map_of_vecs(&self.emails)
            + map_of_vecs(&self.documents)
    }

    /// Use another match threshold.
    pub fn with_threshold(mut self, threshold: f64) -> Index {
        self.threshold = threshold;
        self
    }

    /// The match threshold in use.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// All indexed entities, in build order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Entity at `i` (as in [`Match::entity`]).
    pub fn entity(&self, i: usize) -> &Entity {
        &self.entities[i]
    }

    /// Number of indexed names (primary names, aliases, original-script names).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Entities listing this crypto address (case rules per format, see
    /// [`normalise_crypto`]), optionally restricted to a compatible asset.
    pub fn find_crypto(&self, asset: Option<&str>, address: &str) -> Vec<&Entity> {
        let mut out: Vec<&Entity> = Vec::new();
        if let Some(v) = self.crypto.get(&normalise_crypto(address)) {
            for &(ei, ci) in v {
                let e = &self.entities[ei as usize];
                let listed = &e.crypto_addresses[ci as usize].asset;
                if asset.is_none_or(|a| asset_compatible(a, listed))
                    && !out.iter().any(|x| std::ptr::eq(*x, e))
                {
                    out.push(e);
                }
            }
        }
        out
    }

    /// Entities listing this e-mail address (case-insensitive, invisible characters ignored).
    pub fn find_email(&self, email: &str) -> Vec<&Entity> {
        self.emails
            .get(&email_key(email))
            .map(|v| v.iter().map(|&i| &self.entities[i as usize]).collect())
            .unwrap_or_default()
    }

    /// Entities listing this passport/ID/registration number (letters and digits
    /// compared, case-insensitive; numbers under four characters are not indexed).
    pub fn find_document(&self, number: &str) -> Vec<&Entity> {
        self.documents
            .get(&normalise_document_number(number))
            .map(|v| v.iter().map(|&i| &self.entities[i as usize]).collect())
            .unwrap_or_default()
    }

    /// Best-scoring entries for the query, best first, at most `limit`
    /// (entries below the threshold included with `is_match == false`, down to 0.5).
    pub fn search(&self, q: &Query) -> Vec<Match> {
        self.search_with_stats(q).0
    }

    /// [`Index::search`] plus the work it did.
    pub fn search_with_stats(&self, q: &Query) -> (Vec<Match>, SearchStats) {
        let mut stats = SearchStats {
            names_total: self.names.len(),
            ..SearchStats::default()
        };
        // best name score per entity: entity → (name score, name id)
        let mut best: FxMap<u32, (f64, u32)> = FxMap::default();
        for &scheme in query_schemes(q) {
            let toks = tokens_with(&q.name, scheme);
            if toks.is_empty() {
                continue;
            }
            let w: Vec<f32> = toks
                .iter()
                .map(|t| {
                    similarity::class_weight(t.class)
                        * self
                            .vocab
                            .get(&t.loose)
                            .map_or(1.0, |&id| self.idf[id as usize])
                })
                .collect();
            let side = Side::new(toks, w);
            for ni in self.candidates(&side, q.kind, &mut stats) {
                let rec = &self.names[ni as usize];
                stats.names_scored += 1;
                let mut s = similarity::name_similarity(&side, &rec.side);
                if rec.weak {
                    s *= similarity::WEAK_ALIAS_FACTOR;
                }
                if rec.short {
                    s = s.min(similarity::SHORT_NAME_CAP);
                }
                let e = best.entry(rec.entity).or_insert((s, ni));
                if s > e.0 {
                    *e = (s, ni);
                }
            }
        }
        let docs: Vec<String> = q
            .documents
            .iter()
            .map(|d| normalise_document_number(d))
            .filter(|d| d.len() >= 4)
            .collect();
        // The published name is copied only for the entries returned.
        let mut out: Vec<(Match, u32)> = Vec::new();
        for (ei, (name_score, ni)) in best {
            let e = &self.entities[ei as usize];
            let mut m = Match {
                entity: ei as usize,
                matched_name: String::new(),
                score: 0.0,
                breakdown: Breakdown {
                    name: name_score,
                    ..Breakdown::default()
                },
                is_match: false,
                corroborated_by: Vec::new(),
                contradicted_by: Vec::new(),
            };
            weigh_facts(q, &docs, e, &mut m);
            if q.rank(&m) < MIN_RETURNED {
                continue;
            }
            m.is_match = m.score >= self.threshold;
            out.push((m, ni));
        }
        out.sort_by(|(a, _), (b, _)| {
            q.rank(b)
                .total_cmp(&q.rank(a))
                .then_with(|| a.entity.cmp(&b.entity))
        });
        out.truncate(q.limit.clamp(1, 100));
        let out: Vec<Match> = out
            .into_iter()
            .map(|(mut m, ni)| {
                m.matched_name = self.name_text(ni);
                m
            })
            .collect();
        (out, stats)
    }

    /// The published text of indexed name `ni`.
    fn name_text(&self, ni: u32) -> String {
        let rec = &self.names[ni as usize];
        let e = &self.entities[rec.entity as usize];
        match rec.src {
            NameSrc::Primary => e.primary_name.clone(),
            NameSrc::Alias(i) => e.aliases[i as usize].name.clone(),
            NameSrc::Original(i) => e.original_script_names[i as usize].clone(),
        }
    }

    /// Candidate names: words of the query (exact and fuzzy key neighbours via
    /// trigrams) and fused word pairs through the postings; names whose reached
    /// weight could not reach the review floor are dropped; at most
    /// [`MAX_CANDIDATES`], most promising first.
    fn candidates(&self, q: &Side, kind: KindFilter, stats: &mut SearchStats) -> Vec<u32> {
        SCRATCH.with(|cell| {
            let mut sc = cell.borrow_mut();
            let sc = &mut *sc;
            if sc.acc.len() != self.names.len() {
                sc.acc = vec![0.0; self.names.len()];
                sc.stamp = vec![0; self.names.len()];
            }
            sc.touched.clear();
            let wq_total: f32 = q.wsum();
            let hit = |sc: &mut Scratch, post: &[u32], qi: u16, w: f32, stats: &mut SearchStats| {
                stats.postings_visited += post.len();
                for &ni in post {
                    let i = ni as usize;
                    if sc.stamp[i] == 0 && sc.acc[i] == 0.0 {
                        sc.touched.push(ni);
                    }
                    if sc.stamp[i] != qi {
                        sc.stamp[i] = qi;
                        sc.acc[i] += w;
                    }
                }
            };
            // generic words are not used for retrieval when the query has a
            // name word (their postings are long and alone they never match);
            // their weight counts as reached for every candidate instead
            let has_name = q.toks.iter().any(|t| t.class == TokClass::Name);
            let mut skipped = 0f32;
            for (i, t) in q.toks.iter().enumerate() {
                let qi = (i + 1) as u16;
                let w = q.w[i];
                if t.class == TokClass::Suffix {
                    continue;
                }
                if has_name && t.class == TokClass::Generic {
                    skipped += w;
                    continue;
                }
                // exact key
                let exact = self.vocab.get(&t.loose).copied();
                if let Some(id) = exact {
                    hit(sc, &self.postings[id as usize], qi, w, stats);
                }
                // fuzzy neighbours one edit apart, confirmed by Jaro-Winkler on keys
                deletion_hashes(&t.loose, &mut sc.hashes);
                sc.fuzzy.clear();
                for h in &sc.hashes {
                    if let Some(ids) = self.deletions.get(h) {
                        for &id in ids {
                            if Some(id) != exact && !sc.fuzzy.contains(&id) {
                                sc.fuzzy.push(id);
                            }
                        }
                    }
                }
                for k in 0..sc.fuzzy.len() {
                    let id = sc.fuzzy[k];
                    let key = &self.vocab_keys[id as usize];
                    if jaro_winkler(key.as_bytes(), t.loose.as_bytes()) >= 0.84
                        || similarity::one_transposition(key.as_bytes(), t.loose.as_bytes())
                    {
                        // a fuzzy hit ranks below an exact one
                        hit(sc, &self.postings[id as usize], qi, 0.8 * w, stats);
                    }
                }
                // a fused query word against two adjacent listed words
                if let Some(p) = self.fused_postings.get(&t.loose) {
                    hit(sc, p, qi, w, stats);
                }
            }
            // two adjacent query words against one fused listed word
            for (i, f) in q.fused.iter().enumerate() {
                if let Some(&id) = self.vocab.get(&f.loose) {
                    let qi = (q.toks.len() + i + 1) as u16;
                    hit(
                        sc,
                        &self.postings[id as usize],
                        qi,
                        q.w[i] + q.w[i + 1],
                        stats,
                    );
                }
            }
            stats.names_reached += sc.touched.len();
            let mut cands: Vec<(f32, u32)> = Vec::new();
            for &ni in &sc.touched {
                let i = ni as usize;
                let a = sc.acc[i] + skipped;
                sc.acc[i] = 0.0;
                sc.stamp[i] = 0;
                let rec = &self.names[i];
                // optimistic Dice bound: reached query weight matched perfectly
                let bound = 2.0 * a.min(wq_total) / (wq_total + rec.wsum.max(a.min(wq_total)));
                if bound >= 0.62 && kind.accepts(self.entities[rec.entity as usize].kind) {
                    // rank by bound, then by closeness of the total weights
                    let rank = bound - 0.01 * (rec.wsum - wq_total).abs().min(5.0);
                    cands.push((rank, ni));
                }
            }
            cands.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            cands.truncate(MAX_CANDIDATES);
            cands.into_iter().map(|(_, ni)| ni).collect()
        })
    }
}

/// The transliterations a query's name is read in: Hangul in both romanisations; Han in Mandarin,
/// and with its Sino-Korean readings only for a Korean subject or a name that also has Hangul.
fn query_schemes(q: &Query) -> &'static [Scheme] {
    let korean = q.korean_readings || q.name.chars().any(translit::is_hangul_syllable);
    if korean && translit::has_scheme_dependent(&q.name) {
        &Scheme::ALL
    } else {
        &Scheme::ALL[..1]
    }
}

/// Adds what the subject's birth date, nationality and documents say about entry `e` to a match:
/// the score's adjustments and the named corroborations and contradictions.
fn weigh_facts(q: &Query, docs: &[String], e: &Entity, m: &mut Match) {
    let b = &mut m.breakdown;
    let person = e.kind == EntityKind::Person;
    let mut strongly_corroborated = false;
    if let Some(d) = &q.date_of_birth
        && person
    {
        let verdict = score::dob_verdict(d, &e.dates_of_birth);
        strongly_corroborated = verdict == score::DobVerdict::ExactDay;
        b.date_of_birth = score::dob_adjustment(verdict);
        match verdict {
            score::DobVerdict::ExactDay | score::DobVerdict::InRange => {
                m.corroborated_by.push(Evidence::DateOfBirth)
            }
            score::DobVerdict::Contradicts => m.contradicted_by.push(Evidence::DateOfBirth),
            score::DobVerdict::Near | score::DobVerdict::Unknown => {}
        }
    }
    if let Some(c) = &q.country {
        b.country = score::country_adjustment(c, e);
    }
    if !docs.is_empty()
        && e.documents
            .iter()
            .any(|d| docs.contains(&normalise_document_number(&d.number)))
    {
        b.documents = score::DOCUMENT_MATCH;
        m.corroborated_by.push(Evidence::DocumentNumber);
        strongly_corroborated = true;
    }
    // A foreign passport is how a disguised worker applies: the nationality it shows cannot
    // outweigh a birth date agreeing to the day or a listed document number, only a looser
    // agreement (a listed year or range) that a namesake could share.
    if let Some(shown) = &q.nationality_shown
        && person
        && !strongly_corroborated
        && score::nationality_contradicts(shown, e)
    {
        b.nationality = score::NATIONALITY_CONTRADICTION;
        m.contradicted_by.push(Evidence::Nationality);
    }
    m.score = b.total();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str, nationality: Option<&str>, dob: Option<&str>) -> Entity {
        let csv = format!(
            "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
             {id},person,{name},,{},{},,,test,2026-12-04,\n",
            dob.unwrap_or(""),
            nationality.unwrap_or("")
        );
        let mut list = crate::intel::sanctions::csv_list::parse("test.csv", "TEST", csv.as_bytes())
            .expect("test list parses");
        list.entities.remove(0)
    }

    #[test]
    fn han_names_are_read_the_korean_way_only_for_korean_subjects() {
        let index = Index::build(vec![person("1", "CHONG BONG", Some("KP"), None)]);
        let best = |q: &Query| index.search(q).first().map_or(0.0, |m| m.score);
        let chinese = Query::name("冯静");
        assert!(best(&chinese) < REVIEW_THRESHOLD, "{}", best(&chinese));
        let korean = Query {
            korean_readings: true,
            ..Query::name("冯静")
        };
        assert!(best(&korean) > best(&chinese));
    }

    #[test]
    fn contradictions_are_named_and_kept_on_request() {
        let index = Index::build(vec![person(
            "1",
            "PAEK Chang Ho",
            Some("KP"),
            Some("1964-06-18"),
        )]);
        let mut q = Query::name("Paek Chang Ho");
        q.date_of_birth = Some(PartialDate::year(1991));
        q.nationality_shown = Some("KR".into());
        let dropped = index.search(&q);
        assert!(dropped.iter().all(|m| m.score < REVIEW_THRESHOLD));
        q.keep_contradicted = true;
        let kept = index.search(&q);
        let m = kept.first().expect("kept for the reviewer");
        assert_eq!(
            m.contradicted_by,
            [Evidence::DateOfBirth, Evidence::Nationality]
        );
        assert!(m.breakdown.uncontradicted() >= THRESHOLD);
        assert!(m.score < REVIEW_THRESHOLD);

        let mut agreeing = Query::name("Paek Chang Ho");
        agreeing.date_of_birth = Some(PartialDate::year(1964));
        let m = &index.search(&agreeing)[0];
        assert_eq!(m.corroborated_by, [Evidence::DateOfBirth]);
        assert!(m.contradicted_by.is_empty());
    }

    /// Listed names of several shapes (Korean three-part, Russian, an organisation), with a wallet.
    fn spoof_targets() -> Index {
        let csv = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
                   1,person,PARK Jin Hyok,,,KP,,ETH:0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c,test,2026-12-04,\n\
                   2,person,KIM Sang Man,,,KP,,BTC:1Hn9UmZ5aBYzLB6ahmZ5dPLFxQWvPNebYb,test,2026-12-04,\n\
                   3,person,Sergey Alexeyevich MIKHAILOV,,,RU,,,test,2026-12-04,\n\
                   4,entity,CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY,,,,,,test,2026-12-04,\n\
                   5,person,JO Kyong Hun,,,KP,,,test,2026-12-04,\n";
        let list = crate::intel::sanctions::csv_list::parse("test.csv", "TEST", csv.as_bytes())
            .expect("test list parses");
        Index::build(list.entities)
    }

    const SPOOFED_NAMES: &[&str] = &[
        "Park Jin Hyok",
        "Pak Jin Hyok",
        "Kim Sang Man",
        "Sergey Mikhailov",
        "Chinyong Information Technology Cooperation Company",
        "Jo Kyong Hun",
    ];

    fn score_of(index: &Index, name: &str, entry: &str) -> f64 {
        index
            .search(&Query::name(name))
            .iter()
            .find(|m| index.entity(m.entity).id == entry)
            .map_or(0.0, |m| m.score)
    }

    fn entry_of(name: &str) -> &'static str {
        match name.as_bytes()[..3] {
            [b'P', ..] => "1",
            [b'K', ..] => "2",
            [b'S', ..] => "3",
            [b'C', ..] => "4",
            _ => "5",
        }
    }

    #[test]
    fn the_reported_spellings_of_a_listed_name_score_as_the_name() {
        let index = spoof_targets();
        let plain = score_of(&index, "Pak Jin Hyok", "1");
        assert!(plain > 0.99, "{plain}");
        for spoofed in [
            "Pa\u{200B}k Ji\u{200B}n Hyo\u{200B}k",
            "Pa\u{00AD}k Jin Hy\u{00AD}ok",
            "Pak Ji\u{200D}n Hyok",
            "Pak Jin Hy\u{2060}ok",
            "Pak J\u{026A}n Hyok",
            "\u{03A1}ak Jin \u{0397}yok",
            "\u{0420}\u{0430}k \u{0408}in \u{041D}yok",
        ] {
            assert_eq!(score_of(&index, spoofed, "1"), plain, "{spoofed:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn an_invisible_character_anywhere_never_lowers_a_listed_names_score(
            name in proptest::sample::select(SPOOFED_NAMES),
            c in text::testing::ignorable(),
            at in 0usize..64,
        ) {
            let index = spoof_targets();
            let entry = entry_of(name);
            let spoofed = text::testing::insert(name, c, at);
            proptest::prop_assert!(
                score_of(&index, &spoofed, entry) >= score_of(&index, name, entry),
                "{:?}", spoofed
            );
        }

        #[test]
        fn a_look_alike_letter_never_lowers_a_listed_names_score(
            name in proptest::sample::select(SPOOFED_NAMES),
            pick in 0usize..64,
            which in 0usize..2,
            c in text::testing::ignorable(),
            at in 0usize..64,
        ) {
            let index = spoof_targets();
            let entry = entry_of(name);
            let spoofed = text::testing::swap_lookalike(name, pick, which).unwrap();
            let both = text::testing::insert(&spoofed, c, at);
            let plain = score_of(&index, name, entry);
            proptest::prop_assert!(score_of(&index, &spoofed, entry) >= plain, "{:?}", spoofed);
            proptest::prop_assert!(score_of(&index, &both, entry) >= plain, "{:?}", both);
        }

        #[test]
        fn an_invisible_character_in_a_listed_wallet_never_hides_it(
            c in text::testing::ignorable(),
            at in 0usize..64,
            upper in proptest::bool::ANY,
        ) {
            let index = spoof_targets();
            for (address, entry) in [
                ("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c", "1"),
                ("1Hn9UmZ5aBYzLB6ahmZ5dPLFxQWvPNebYb", "2"),
            ] {
                let written = if upper && address.starts_with("0x") {
                    address.to_uppercase().replacen("0X", "0x", 1)
                } else {
                    address.to_owned()
                };
                let spoofed = text::testing::insert(&written, c, at);
                let found = index.find_crypto(None, &spoofed);
                proptest::prop_assert!(
                    found.iter().any(|e| e.id == entry),
                    "{:?}", spoofed
                );
            }
        }
    }
}
