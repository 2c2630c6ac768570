//! Sanctions matcher, one reproducible run (issue 9): load + index time and
//! resident memory for OFAC SDN + UN, per-name search latency, and recall /
//! false-positive rate on `tests/fixtures/sanctions-eval/names.tsv` for
//! vetgate, the brute-force Jaro-Winkler baseline of the test harness and
//! OpenSanctions' nomenklatura `logic-v2` (run through
//! `bench/sanctions/nomenklatura_eval.py` on the same entities).
//!
//! ```text
//! python3 -m venv /tmp/nk && /tmp/nk/bin/pip install nomenklatura==4.17.4
//! VETGATE_NOMENKLATURA_PYTHON=/tmp/nk/bin/python cargo bench --bench sanctions
//! ```
//!
//! Data: `../shared/data/{ofac-sdn,un-consolidated.xml}` (override the shared
//! directory with `VETGATE_SHARED_DIR`). Without nomenklatura the logic-v2
//! column reads "not run"; `VETGATE_NOMENKLATURA_VERBOSE=1` lists logic-v2's
//! errors. Figures go to docs/performance.md.

#[path = "../tests/library/sanctions_harness.rs"]
mod sanctions_harness;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use sanctions_harness::{
    Baseline, Row, Tally, crate_dir, data_dir, load_entities, load_rows, matcher_scores, tally,
    to_query,
};
use serde_json::{Value, json};
use vetgate::intel::sanctions::matcher::{Index, THRESHOLD};
use vetgate::intel::sanctions::model::{AliasQuality, DateSpec, Entity, EntityKind};
use vetgate::intel::sanctions::{ofac, un};

/// Warm rounds over every query of names.tsv for the latency figures.
const ROUNDS: usize = 20;
const NOMENKLATURA_VERSION: &str = "4.17.4";

// Issue 9 targets.
const TARGET_LOAD: Duration = Duration::from_secs(1);
const TARGET_RSS_MB: f64 = 100.0;
const TARGET_P50_US: f64 = 20.0;
const TARGET_P99_US: f64 = 200.0;

/// The system allocator, counting live heap bytes while [`COUNTING`] is set
/// (only during the memory phase; otherwise one relaxed load per call).
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(delta: isize) {
    if COUNTING.load(Relaxed) {
        let now = LIVE.fetch_add(delta, Relaxed) + delta;
        PEAK.fetch_max(now, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    let names_tsv = crate_dir().join("tests/fixtures/sanctions-eval/names.tsv");
    let d = data_dir();
    println!("# Sanctions matcher benchmark (issue 9)\n");
    println!("data: {}", d.display());
    println!("{}\n", machine());

    // 1. Memory first, while the process is still small.
    let mem = memory(&d);
    // 2. Load + index time, best of 3.
    let load = load_timing(&d);
    // 3. Evaluation index: OFAC + UN + the curated evaluation fixture.
    let entities = load_entities();
    let index = Index::build(entities.clone());
    let rows = load_rows(&names_tsv);
    let lat = latency(&index, &rows);
    // 4. Quality: vetgate and brute force.
    let vg_scores: Vec<_> = rows.iter().map(|r| matcher_scores(&index, r)).collect();
    let t = Instant::now();
    let baseline = Baseline::new(&entities);
    let bf_build = t.elapsed();
    let mut bf_times = Vec::with_capacity(rows.len());
    let bf_scores: Vec<_> = rows
        .iter()
        .map(|r| {
            let t = Instant::now();
            let s = baseline.scores(r);
            bf_times.push(t.elapsed());
            s
        })
        .collect();
    let vg = Eval::new(&rows, &vg_scores);
    let bf = Eval::new(&rows, &bf_scores);
    // 5. logic-v2 on the same entities and rows.
    let nk = nomenklatura(&entities, &names_tsv);
    println!();

    // Per category.
    println!("## Per category at threshold {THRESHOLD}\n");
    println!(
        "Positive categories: recall (found/n). Negative categories: false-positive rate (fp/n).\n"
    );
    println!("| category | n | vetgate | brute force | logic-v2 | logic-v2, perfect retrieval |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut cats: Vec<(&String, &Tally)> = vg.by.iter().collect();
    cats.sort_by_key(|(c, t)| (t.pos == 0, c.as_str()));
    for (c, t) in cats {
        let nk_cat = nk
            .as_ref()
            .ok()
            .and_then(|v| nk_category(v, "categories", c));
        let nk_oracle = nk
            .as_ref()
            .ok()
            .and_then(|v| nk_category(v, "oracle_categories", c));
        println!(
            "| {c} | {} | {} | {} | {} | {} |",
            t.pos + t.neg,
            cat_cell(t),
            bf.by.get(c).map_or("-".into(), cat_cell),
            nk_cat.as_ref().map_or("not run".into(), cat_cell),
            nk_oracle.as_ref().map_or("not run".into(), cat_cell)
        );
    }

    println!("\nvetgate errors at {THRESHOLD}:");
    for (r, sc) in rows.iter().zip(&vg_scores) {
        let hits: Vec<&(String, f64)> = sc.iter().filter(|x| x.1 >= THRESHOLD).collect();
        let best_expected = sc
            .iter()
            .filter(|x| r.expected.contains(&x.0))
            .map(|x| x.1)
            .fold(None, |a: Option<f64>, s| Some(a.map_or(s, |a| a.max(s))));
        if r.expected.is_empty() && !hits.is_empty() {
            println!(
                "* false positive [{}] {:?} → {} {:.3}",
                r.category, r.query, hits[0].0, hits[0].1
            );
        } else if !r.expected.is_empty() && !hits.iter().any(|h| r.expected.contains(&h.0)) {
            println!(
                "* missed [{}] {:?} (expected {}): best expected score {}",
                r.category,
                r.query,
                r.expected.join("|"),
                best_expected.map_or("not returned".into(), |s| format!("{s:.3}"))
            );
        }
    }

    // Summary.
    let (p50, p99) = (pct(&lat.all, 0.5), pct(&lat.all, 0.99));
    let mut s = String::new();
    let nk_ok = nk.as_ref().ok();
    let nk_th = |th: f64| nk_ok.and_then(|v| nk_threshold(v, th));
    let nk86 = nk_th(THRESHOLD);
    let nk70 = nk_th(0.70);
    let cell = |f: &dyn Fn(&NkThreshold) -> String, x: &Option<NkThreshold>| {
        x.as_ref().map_or("not run".to_string(), f)
    };
    writeln!(s, "\n## Summary (one run, threshold {THRESHOLD})\n").unwrap();
    writeln!(
        s,
        "| | vetgate | brute-force Jaro-Winkler | nomenklatura logic-v2{} | logic-v2 at its usual 0.70 |",
        nk_ok
            .and_then(|v| v["nomenklatura"].as_str())
            .map_or(String::new(), |v| format!(" {v}"))
    )
    .unwrap();
    writeln!(s, "|---|---|---|---|---|").unwrap();
    writeln!(
        s,
        "| recall | {} | {} | {} | {} |",
        ratio(vg.all.found, vg.all.pos),
        ratio(bf.all.found, bf.all.pos),
        cell(&|t| ratio(t.all.found, t.all.pos), &nk86),
        cell(&|t| ratio(t.all.found, t.all.pos), &nk70)
    )
    .unwrap();
    writeln!(
        s,
        "| false-positive rate | {} | {} | {} | {} |",
        ratio(vg.all.fp, vg.all.neg),
        ratio(bf.all.fp, bf.all.neg),
        cell(&|t| ratio(t.all.fp, t.all.neg), &nk86),
        cell(&|t| ratio(t.all.fp, t.all.neg), &nk70)
    )
    .unwrap();
    writeln!(
        s,
        "| Hangul recall | {} | {} | {} | {} |",
        ratio(vg.hangul.found, vg.hangul.pos),
        ratio(bf.hangul.found, bf.hangul.pos),
        cell(&|t| ratio(t.hangul.found, t.hangul.pos), &nk86),
        cell(&|t| ratio(t.hangul.found, t.hangul.pos), &nk70)
    )
    .unwrap();
    writeln!(
        s,
        "| Hangul false-positive rate | {} | {} | {} | {} |",
        ratio(vg.hangul.fp, vg.hangul.neg),
        ratio(bf.hangul.fp, bf.hangul.neg),
        cell(&|t| ratio(t.hangul.fp, t.hangul.neg), &nk86),
        cell(&|t| ratio(t.hangul.fp, t.hangul.neg), &nk70)
    )
    .unwrap();
    writeln!(
        s,
        "| recall if retrieval were perfect | n/a (retrieval is part of the matcher; {}) | = recall (scans every name) | {} | {} |",
        lat.candidates_note,
        cell(&|t| ratio(t.oracle.found, t.oracle.pos), &nk86),
        cell(&|t| ratio(t.oracle.found, t.oracle.pos), &nk70)
    )
    .unwrap();
    let nk_load = nk_ok
        .and_then(|v| v["load_seconds"].as_f64())
        .map_or("not run".into(), |x| {
            format!("{x:.2} s (JSONL → FtM entities + token index, Python)")
        });
    writeln!(
        s,
        "| load + index OFAC + UN | {} (parse {} + index {}; best of 3) | same parse + {} to fold every name | {nk_load} | |",
        secs(load.total),
        secs(load.parse),
        secs(load.index),
        secs(bf_build),
    )
    .unwrap();
    writeln!(
        s,
        "| resident memory of the loaded index (RSS growth) | {:.1} MB (peak +{:.1} MB; live heap {:.1} MB, peak {:.1} MB) | | | |",
        mem.index_mb, mem.peak_mb, mem.heap_mb, mem.heap_peak_mb
    )
    .unwrap();
    let nk_lat = nk_ok.map_or("not run".into(), |v| {
        format!(
            "{:.2} ms / {:.2} ms (Python, retrieval + scoring)",
            v["p50_ms"].as_f64().unwrap_or(f64::NAN),
            v["p99_ms"].as_f64().unwrap_or(f64::NAN)
        )
    });
    bf_times.sort();
    writeln!(
        s,
        "| per-name latency p50 / p99 | {:.1} µs / {:.1} µs | {:.2} ms / {:.2} ms | {nk_lat} | |",
        us(p50),
        us(p99),
        ms(pct(&bf_times, 0.5)),
        ms(pct(&bf_times, 0.99)),
    )
    .unwrap();
    println!("{s}");

    // Targets.
    println!("## Issue 9 targets\n");
    let check = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "* load + index OFAC + UN ≤ 1 s: {} ({})",
        secs(load.total),
        check(load.total <= TARGET_LOAD)
    );
    println!(
        "* index resident memory ≤ 100 MB: {:.1} MB ({})",
        mem.index_mb,
        check(mem.index_mb <= TARGET_RSS_MB)
    );
    println!(
        "* p50 ≤ 20 µs: {:.1} µs ({}); p99 ≤ 200 µs: {:.1} µs ({})",
        us(p50),
        check(us(p50) <= TARGET_P50_US),
        us(p99),
        check(us(p99) <= TARGET_P99_US)
    );
    match &nk86 {
        Some(t) => {
            let (vr, vf) = (vg.all.recall(), vg.all.fpr());
            let (nr, nf) = (
                t.all.found as f64 / t.all.pos.max(1) as f64,
                t.all.fp as f64 / t.all.neg.max(1) as f64,
            );
            println!(
                "* recall above logic-v2 at a lower FPR (both at {THRESHOLD}): {:.3} vs {:.3}, {:.3} vs {:.3} ({})",
                vr,
                nr,
                vf,
                nf,
                check(vr > nr && vf < nf)
            );
        }
        None => println!("* recall/FPR against logic-v2: not run"),
    }
    println!(
        "* Hangul queries found: {}/{} ({})",
        vg.hangul.found,
        vg.hangul.pos,
        check(vg.hangul.pos > 0 && vg.hangul.found == vg.hangul.pos)
    );
    if let Err(e) = &nk {
        println!("\nlogic-v2 not run: {e}");
    }
    println!(
        "\nReproduce: VETGATE_NOMENKLATURA_PYTHON=/tmp/nk/bin/python cargo bench --bench sanctions"
    );
}

// ---------------------------------------------------------------------------
// Memory and load time

struct Mem {
    index_mb: f64,
    peak_mb: f64,
    heap_mb: f64,
    heap_peak_mb: f64,
}

/// `VmRSS` / `VmHWM` in kB from /proc/self/status (0 where unavailable).
fn proc_status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn parse_lists(d: &Path) -> Vec<Entity> {
    let mut v = ofac::load_dir(&d.join("ofac-sdn")).expect("OFAC").entities;
    v.extend(
        un::load_file(&d.join("un-consolidated.xml"))
            .expect("UN")
            .entities,
    );
    v
}

/// Resident memory growth: RSS before parsing vs. RSS with the index built
/// (the index owns the parsed entries; the parse temporaries are gone).
fn memory(d: &Path) -> Mem {
    let mb = |kb: u64| kb as f64 / 1024.0;
    let rss0 = proc_status_kb("VmRSS:");
    let hwm0 = proc_status_kb("VmHWM:");
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    let entities = parse_lists(d);
    let n = entities.len();
    let rss_parsed = proc_status_kb("VmRSS:");
    let index = Index::build(entities);
    let rss_index = proc_status_kb("VmRSS:");
    let hwm = proc_status_kb("VmHWM:");
    let heap = LIVE.load(Relaxed);
    let names = index.name_count();
    drop(index);
    let rss_dropped = proc_status_kb("VmRSS:");
    let heap_dropped = LIVE.load(Relaxed);
    COUNTING.store(false, Relaxed);
    let heap_mb = |b: isize| b as f64 / (1024.0 * 1024.0);
    println!(
        "memory: RSS {:.1} MB at start; +{:.1} MB with {n} entries parsed; +{:.1} MB with the index \
         built over them ({names} names); peak +{:.1} MB; +{:.1} MB after dropping the index",
        mb(rss0),
        mb(rss_parsed.saturating_sub(rss0)),
        mb(rss_index.saturating_sub(rss0)),
        mb(hwm.max(hwm0).saturating_sub(rss0)),
        mb(rss_dropped.saturating_sub(rss0)),
    );
    println!(
        "heap (counting allocator): {:.1} MB live with the index built, peak {:.1} MB, \
         {:.1} MB after dropping it (the rest of the RSS growth is freed memory the allocator keeps)",
        heap_mb(heap),
        heap_mb(PEAK.load(Relaxed)),
        heap_mb(heap_dropped)
    );
    Mem {
        index_mb: mb(rss_index.saturating_sub(rss0)),
        peak_mb: mb(hwm.max(hwm0).saturating_sub(rss0)),
        heap_mb: heap_mb(heap),
        heap_peak_mb: heap_mb(PEAK.load(Relaxed)),
    }
}

struct Load {
    total: Duration,
    parse: Duration,
    index: Duration,
}

/// Parse OFAC (read + parse the CSVs) and UN (read + parse the XML), then
/// `Index::build`: best of 3 by total.
fn load_timing(d: &Path) -> Load {
    let mut best: Option<Load> = None;
    for round in 1..=3 {
        let t = Instant::now();
        let mut v = ofac::load_dir(&d.join("ofac-sdn")).expect("OFAC").entities;
        let t_ofac = t.elapsed();
        let t1 = Instant::now();
        v.extend(
            un::load_file(&d.join("un-consolidated.xml"))
                .expect("UN")
                .entities,
        );
        let t_un = t1.elapsed();
        let n = v.len();
        let t2 = Instant::now();
        let index = black_box(Index::build(v));
        let t_index = t2.elapsed();
        let names = index.name_count();
        drop(index);
        let l = Load {
            total: t_ofac + t_un + t_index,
            parse: t_ofac + t_un,
            index: t_index,
        };
        println!(
            "load {round}: OFAC parse {}, UN parse {}, index {} ({n} entries, {names} names), total {}",
            secs(t_ofac),
            secs(t_un),
            secs(t_index),
            secs(l.total)
        );
        if best.as_ref().is_none_or(|b| l.total < b.total) {
            best = Some(l);
        }
    }
    best.expect("three rounds")
}

// ---------------------------------------------------------------------------
// Latency

struct Latency {
    all: Vec<Duration>,
    candidates_note: String,
}

fn has_hangul(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F))
}

/// Every names.tsv query, one warm-up round then [`ROUNDS`] timed rounds, each
/// search timed on its own.
fn latency(index: &Index, rows: &[Row]) -> Latency {
    let qs: Vec<_> = rows.iter().map(to_query).collect();
    for q in &qs {
        black_box(index.search(q));
    }
    let mut all = Vec::with_capacity(qs.len() * ROUNDS);
    let mut hangul = Vec::new();
    let mut latin = Vec::new();
    for _ in 0..ROUNDS {
        for (q, r) in qs.iter().zip(rows) {
            let t = Instant::now();
            black_box(index.search(black_box(q)));
            let e = t.elapsed();
            all.push(e);
            if has_hangul(&r.query) {
                hangul.push(e);
            } else {
                latin.push(e);
            }
        }
    }
    let mut max_scored = 0;
    for q in &qs {
        let (_, st) = index.search_with_stats(q);
        max_scored = max_scored.max(st.names_scored);
    }
    all.sort();
    hangul.sort();
    latin.sort();
    println!(
        "\nsearch latency over {} queries × {ROUNDS} rounds, index of {} entries / {} names (µs):\n",
        qs.len(),
        index.entities().len(),
        index.name_count()
    );
    println!("| queries | searches | p50 | p90 | p99 | max | mean |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (label, v) in [
        ("all", &all),
        ("Hangul", &hangul),
        ("Latin and other scripts", &latin),
    ] {
        let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
        println!(
            "| {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            v.len(),
            us(pct(v, 0.5)),
            us(pct(v, 0.9)),
            us(pct(v, 0.99)),
            us(*v.last().unwrap_or(&Duration::ZERO)),
            us(mean)
        );
    }
    println!();
    Latency {
        all,
        candidates_note: format!("≤ {max_scored} names scored per query"),
    }
}

/// Nearest-rank percentile of a sorted slice.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

// ---------------------------------------------------------------------------
// Quality

struct Eval {
    all: Tally,
    hangul: Tally,
    by: BTreeMap<String, Tally>,
}

impl Eval {
    fn new(rows: &[Row], scores: &[Vec<(String, f64)>]) -> Eval {
        let (all, by) = tally(rows, scores, THRESHOLD);
        let mut hangul = Tally::default();
        for (r, sc) in rows.iter().zip(scores) {
            if has_hangul(&r.query) {
                let (t, _) = tally(std::slice::from_ref(r), std::slice::from_ref(sc), THRESHOLD);
                hangul.pos += t.pos;
                hangul.found += t.found;
                hangul.neg += t.neg;
                hangul.fp += t.fp;
                hangul.extra += t.extra;
            }
        }
        Eval { all, hangul, by }
    }
}

fn ratio(k: usize, n: usize) -> String {
    if n == 0 {
        return "-".into();
    }
    format!("{:.3} ({k}/{n})", k as f64 / n as f64)
}

fn cat_cell(t: &Tally) -> String {
    if t.pos > 0 {
        ratio(t.found, t.pos)
    } else {
        ratio(t.fp, t.neg)
    }
}

// ---------------------------------------------------------------------------
// nomenklatura logic-v2

struct NkThreshold {
    all: Tally,
    hangul: Tally,
    oracle: Tally,
}

fn nk_tally(v: &Value) -> Tally {
    let n = |k: &str| v[k].as_u64().unwrap_or(0) as usize;
    Tally {
        pos: n("pos"),
        found: n("found"),
        neg: n("neg"),
        fp: n("fp"),
        extra: 0,
    }
}

fn nk_at(v: &Value, th: f64) -> Option<&Value> {
    v["thresholds"]
        .as_array()?
        .iter()
        .find(|t| (t["threshold"].as_f64().unwrap_or(-1.0) - th).abs() < 1e-9)
}

fn nk_threshold(v: &Value, th: f64) -> Option<NkThreshold> {
    let t = nk_at(v, th)?;
    Some(NkThreshold {
        all: nk_tally(&t["all"]),
        hangul: nk_tally(&t["hangul"]),
        oracle: nk_tally(&t["oracle"]),
    })
}

fn nk_category(v: &Value, key: &str, cat: &str) -> Option<Tally> {
    let t = nk_at(v, THRESHOLD)?;
    let c = t[key].get(cat)?;
    Some(nk_tally(c))
}

/// One JSONL row per entity in the shape `nomenklatura_eval.py` reads.
fn export_jsonl(entities: &[Entity], path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create JSONL"));
    for e in entities {
        let schema = match e.kind {
            EntityKind::Person => "Person",
            EntityKind::Entity => "Organization",
            EntityKind::Vessel => "Vessel",
            EntityKind::Aircraft => "Airplane",
        };
        let mut names = vec![e.primary_name.clone()];
        let mut weak = Vec::new();
        for a in &e.aliases {
            match a.quality {
                AliasQuality::Strong => names.push(a.name.clone()),
                AliasQuality::Weak => weak.push(a.name.clone()),
            }
        }
        names.extend(e.original_script_names.iter().cloned());
        let mut dobs = Vec::new();
        for d in &e.dates_of_birth {
            match d {
                DateSpec::On { date, .. } => dobs.push(date.to_string()),
                // a range as every year in it (logic-v2 compares dates, not ranges)
                DateSpec::Between { from, to, .. } if to.year - from.year <= 10 => {
                    dobs.extend((from.year..=to.year).map(|y| format!("{y:04}")));
                }
                DateSpec::Between { from, to, .. } => {
                    dobs.push(from.to_string());
                    dobs.push(to.to_string());
                }
                DateSpec::Text(_) => {}
            }
        }
        let nationality: Vec<String> = e
            .nationalities
            .iter()
            .chain(&e.citizenships)
            .filter_map(|c| c.iso2.as_ref().map(|s| s.to_ascii_lowercase()))
            .collect();
        let row = json!({
            "id": e.id,
            "schema": schema,
            "name": names,
            "weakAlias": weak,
            "birthDate": dobs,
            "nationality": nationality,
        });
        serde_json::to_writer(&mut out, &row).expect("write JSONL");
        out.write_all(b"\n").expect("write JSONL");
    }
    out.flush().expect("flush JSONL");
}

fn nomenklatura(entities: &[Entity], names_tsv: &Path) -> Result<Value, String> {
    let install = format!(
        "install it with `python3 -m venv /tmp/nk && /tmp/nk/bin/pip install nomenklatura=={NOMENKLATURA_VERSION}` \
         and run `VETGATE_NOMENKLATURA_PYTHON=/tmp/nk/bin/python cargo bench --bench sanctions`"
    );
    let python = std::env::var("VETGATE_NOMENKLATURA_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import nomenklatura"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return Err(format!("`{python}` cannot import nomenklatura; {install}"));
    }
    let file = tempfile::Builder::new()
        .prefix("vetgate-sanctions-entities-")
        .suffix(".jsonl")
        .tempfile()
        .map_err(|e| e.to_string())?;
    export_jsonl(entities, file.path());
    let script = crate_dir().join("bench/sanctions/nomenklatura_eval.py");
    println!(
        "logic-v2: {python} {} <{} entities> {}",
        script.display(),
        entities.len(),
        names_tsv.display()
    );
    let mut cmd = Command::new(&python);
    cmd.arg(&script).arg(file.path()).arg(names_tsv);
    if std::env::var_os("VETGATE_NOMENKLATURA_VERBOSE").is_some() {
        cmd.arg("--verbose"); // logic-v2's misses and false positives on stderr
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !out.status.success() {
        return Err(format!("nomenklatura_eval.py failed: {}", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or("nomenklatura_eval.py printed no JSON line")?;
    serde_json::from_str(line).map_err(|e| format!("nomenklatura_eval.py output: {e}"))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "machine: {cpu}, {cores} cores available, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}
