//! In-process speed of the pure parts: MRZ validation, the checks, the whole assessment
//! (parse → checks → policy) of the contract's examples, and the full pipeline the server runs
//! before storing (keys, IP lookups, the sanctions screen against OFAC + UN + the curated lists,
//! policy, verdict JSON) for the two examples and a realistic mix. No HTTP, no database.
//! `cargo bench --bench screening`; figures go to docs/performance.md.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use vetgate::checks::{self, Facts};
use vetgate::crypto::PiiKeys;
use vetgate::facts::{self, Limits};
use vetgate::identifiers;
use vetgate::intel::lists::{ListInput, Lists};
use vetgate::intel::sanctions::{curated, ofac, un};
use vetgate::intel::{Intel, IntelSources};
use vetgate::model::{Application, mrz};
use vetgate::policy::Policy;
use vetgate::screening::assess;
use vetgate::store::PriorKnowledge;
use vetgate_dev::Generator;

fn example(name: &str) -> Vec<u8> {
    let shared = std::env::var_os("VETGATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    std::fs::read(shared.join("contract/examples").join(name)).expect("contract example")
}

fn benches(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
    let td3 = [
        "P<USACARTER<<EMILY<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "C030059887USA9003141F3105010<<<<<<<<<<<<<<02",
    ];
    let td1 = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    c.bench_function("mrz/td3 parse and validate", |b| {
        b.iter(|| mrz::parse(black_box(&td3)))
    });
    c.bench_function("mrz/td1 parse and validate", |b| {
        b.iter(|| mrz::parse(black_box(&td1)))
    });

    let clean = Application::parse(&example("clean-us-applicant.json")).unwrap();
    let facts = Facts::new(&clean, now);
    c.bench_function(
        "checks/all identity and consistency checks, clean example",
        |b| b.iter(|| checks::run(black_box(&clean), black_box(&facts))),
    );
    c.bench_function(
        "checks/MRZ parse + all identity and consistency checks, clean example",
        |b| {
            let lines: Vec<&str> = td3.to_vec();
            b.iter(|| {
                let zone = mrz::parse(black_box(&lines));
                (zone, checks::run(black_box(&clean), black_box(&facts)))
            })
        },
    );
    c.bench_function(
        "model/JSON value to validated Application, clean example",
        |b| {
            let value: serde_json::Value =
                serde_json::from_slice(&example("clean-us-applicant.json")).unwrap();
            b.iter(|| Application::from_value(black_box(&value)).unwrap())
        },
    );

    // One IP through every shipped database (country, ASN, overlay, hosting list).
    let intel = vetgate::intel::Intel::load(&vetgate::intel::IntelSources {
        geoip_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geoip")),
        geoip_files: vec![],
    });
    let ips: Vec<std::net::IpAddr> = [
        "73.44.12.9",
        "175.45.176.10",
        "8.8.8.8",
        "2a00:1450:4001:81b::200e",
        "211.137.0.1",
    ]
    .iter()
    .map(|ip| ip.parse().unwrap())
    .collect();
    c.bench_function("intel/one IP through all shipped databases", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % ips.len();
            intel.lookup(black_box(ips[i]))
        })
    });
    let mut ten =
        serde_json::from_slice::<serde_json::Value>(&example("suspicious-applicant.json")).unwrap();
    let sessions: Vec<serde_json::Value> = (0..10)
        .map(|i| {
            let mut s = ten["sessions"][i % 2].clone();
            s["observed_at"] = format!("2026-11-2{}T0{}:00:00Z", i % 7, i % 10).into();
            s
        })
        .collect();
    ten["sessions"] = sessions.into();
    let ten = Application::from_value(&ten).unwrap();
    let mut ten_facts = Facts::new(&ten, now);
    ten_facts.sessions = ten.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
    c.bench_function(
        "checks/all checks, 10 sessions with IP facts (suspicious example)",
        |b| b.iter(|| checks::run(black_box(&ten), black_box(&ten_facts))),
    );
    c.bench_function(
        "checks/network checks only, 10 sessions with IP facts",
        |b| b.iter(|| checks::run_network(black_box(&ten), black_box(&ten_facts))),
    );
    c.bench_function("intel/10 lookups + all checks, 10 sessions", |b| {
        b.iter(|| {
            let mut facts = Facts::new(&ten, now);
            facts.sessions = ten.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
            checks::run(black_box(&ten), &facts)
        })
    });

    let policy = Policy::built_in();
    for (name, body) in [
        ("clean", example("clean-us-applicant.json")),
        ("suspicious", example("suspicious-applicant.json")),
    ] {
        c.bench_function(
            &format!("pipeline/parse + checks + policy, {name} example"),
            |b| {
                b.iter(|| {
                    let app = Application::parse(black_box(&body)).unwrap();
                    let facts = Facts::new(&app, now);
                    assess(&app, &facts, &policy, now)
                })
            },
        );
    }
}

/// The lists the server would hold: OFAC and UN from ../shared/data, and the curated lists.
fn all_lists(now: DateTime<Utc>) -> Lists {
    let shared = std::env::var_os("VETGATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let mut loaded = curated::load().expect("curated lists");
    loaded.push(ofac::load_dir(&shared.join("data/ofac-sdn")).expect("OFAC list"));
    loaded.push(un::load_file(&shared.join("data/un-consolidated.xml")).expect("UN list"));
    let active = loaded
        .into_iter()
        .zip(1..)
        .map(|(list, seq)| ListInput::from_loaded(seq, None, list, now))
        .collect();
    Lists::build(4, active)
}

/// What `Screener::screen_and_store` does before it stores, minus the store's lookups (a new
/// applicant shares nothing).
fn full_pipeline(
    body: &[u8],
    world: &(Lists, Intel, PiiKeys, Policy),
    now: DateTime<Utc>,
) -> Vec<u8> {
    let (lists, intel, keys, policy) = world;
    let app = Application::parse(body).unwrap();
    let sessions: Vec<_> = app.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
    let ids = identifiers::of(&app, &sessions, now, keys);
    let facts = facts::assemble(
        &app,
        sessions,
        &ids,
        &PriorKnowledge::default(),
        &lists.for_tenant("bench"),
        now,
        Limits {
            portrait_max_distance: 6,
            cluster_max: 4,
        },
    );
    let verdict = assess(&app, &facts, policy, now);
    black_box(ids);
    serde_json::to_vec(&verdict).unwrap()
}

fn full(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
    let intel = Intel::load(&IntelSources {
        geoip_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geoip")),
        geoip_files: Vec::new(),
    });
    let world = (
        all_lists(now),
        intel,
        PiiKeys::from_secret(&"2a".repeat(32)).unwrap(),
        Policy::built_in(),
    );
    for (name, body) in [
        ("clean", example("clean-us-applicant.json")),
        ("suspicious", example("suspicious-applicant.json")),
    ] {
        c.bench_function(
            &format!("pipeline/full (keys, IP lookups, OFAC+UN+curated screen, policy, JSON), {name} example"),
            |b| b.iter(|| full_pipeline(black_box(&body), &world, now)),
        );
    }
    // The mix of `vetgate-dev generate` (30 countries, Hangul/Han/Cyrillic other names, fintech and
    // crypto payouts, a laptop-farm member every 50th): one application per iteration, in turn.
    let generator = Generator::new(1, 50);
    let mix: Vec<Vec<u8>> = (0..1000)
        .map(|i| serde_json::to_vec(&generator.application(i)).unwrap())
        .collect();
    let mut next = 0;
    c.bench_function(
        "pipeline/full, realistic mix (1,000 generated applicants, one per iteration)",
        |b| {
            b.iter(|| {
                next = (next + 1) % mix.len();
                full_pipeline(black_box(&mix[next]), &world, now)
            })
        },
    );
}

criterion_group!(screening, benches, full);
criterion_main!(screening);
