//! The `application` target: arbitrary bytes as a JSON application body through the in-process
//! pipeline the HTTP handler and `vetgate screen` share: `Application::parse`, the identifiers the
//! store would index, the facts (IP databases shipped in `geoip/`, sanctions screening of every
//! name, payout holder, crypto address, e-mail and document number against the bundled curated
//! lists plus a tenant list),
//! `screening::assess` under the built-in policy, and the verdict's JSON form. Each application is
//! scored twice: as a first submission, and as if every identifier it carries were shared with
//! applications of other identities (reuse, links and cluster signals). No input may panic it.

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use vetgate::crypto::PiiKeys;
use vetgate::facts::{self, Limits};
use vetgate::identifiers;
use vetgate::intel::lists::{ListInput, Lists};
use vetgate::intel::sanctions::{csv_list, curated};
use vetgate::intel::{Intel, IntelSources};
use vetgate::model::{Application, Decision, Verdict};
use vetgate::policy::Policy;
use vetgate::screening;
use vetgate::store::{Owner, PriorKnowledge, SharedIdentifier};

const TENANT: &str = "acme";
/// The service's defaults (`identity.phash_max_distance`, `links.cluster_max`).
const LIMITS: Limits = Limits {
    portrait_max_distance: 6,
    cluster_max: 4,
};

/// A tenant's own list, so screening also walks the tenant path.
const TENANT_LIST: &str = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
t1,person,John Doe,weak:JD;Johnny Doe,1990-01-01,US,,ETH:0x97b1043abd9e6fc31681635166d430a458d14f9c,,,\n\
t2,entity,ACME HOLDINGS LTD,,,,DPRK3,,,,\n";

struct World {
    lists: Lists,
    intel: Intel,
    keys: PiiKeys,
    policy: Policy,
    now: DateTime<Utc>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let mut lists: Vec<ListInput> = curated::load()
            .expect("curated lists parse")
            .into_iter()
            .zip(1..)
            .map(|(list, seq)| ListInput::from_loaded(seq, None, list, now))
            .collect();
        let own = csv_list::parse("acme.csv", "acme-watch", TENANT_LIST.as_bytes())
            .expect("tenant list parses");
        lists.push(ListInput::from_loaded(3, Some(TENANT), own, now));
        let geoip_dir = super::repo_root().join("geoip");
        let intel = Intel::load(&IntelSources {
            geoip_dir: Some(geoip_dir),
            geoip_files: Vec::new(),
        });
        assert!(intel.problems.is_empty(), "{:?}", intel.problems);
        World {
            lists: Lists::build(3, lists),
            intel,
            keys: PiiKeys::from_secret(&"2a".repeat(32)).expect("key"),
            policy: Policy::built_in(),
            now,
        }
    })
}

fn check(verdict: &Verdict) {
    assert!(
        verdict.risk_score <= 100,
        "risk score {}",
        verdict.risk_score
    );
    let json = serde_json::to_vec(verdict).expect("a verdict serialises");
    // Stored verdicts are read back for GET and the history.
    let _: Verdict = serde_json::from_slice(&json).expect("a stored verdict reads back");
}

/// The `application` target's input, also replayed by `cargo test`.
pub fn application_input(data: &[u8]) {
    let world = world();
    let Ok(app) = Application::parse(data) else {
        return;
    };
    let sessions: Vec<_> = app
        .sessions
        .iter()
        .map(|s| world.intel.lookup(s.ip))
        .collect();
    let ids = identifiers::of(&app, &sessions, world.now, &world.keys);

    let lists = world.lists.for_tenant(TENANT);

    // A first submission: nothing known about it.
    let facts = facts::assemble(
        &app,
        sessions.clone(),
        &ids,
        &PriorKnowledge::default(),
        &lists,
        world.now,
        LIMITS,
    );
    let first = screening::assess(&app, &facts, &world.policy, world.now);
    check(&first);

    // Every identifier shared with another identity, in this tenant and in a sharing one.
    let mut shared = Vec::new();
    for (i, probe) in ids.probes.iter().enumerate() {
        for owner in [
            Owner::SameTenant(format!("prior-{i}")),
            Owner::OtherTenant {
                tenant: 7,
                application: i as u64,
            },
        ] {
            shared.push(SharedIdentifier {
                kind: probe.kind,
                key: probe.key,
                owner,
                name_key: vec![0xA5; 32],
                dob_key: ids.dob_key.map(|_| vec![0x5A; 32]),
                phash: ids.phash.map(|p| p ^ 0b101),
                seen: ids
                    .residential
                    .iter()
                    .find(|r| r.key == probe.key)
                    .map(|r| r.seen),
                verdict: if i % 2 == 0 {
                    Decision::Reject
                } else {
                    Decision::Review
                },
                confirmed: i % 3 == 0,
            });
        }
    }
    let known = PriorKnowledge {
        prior: None,
        shared_identifiers: shared,
        // Some kinds stopped at their budget: the facts say so for those alone.
        truncated_kinds: ids.probes.iter().step_by(3).map(|p| p.kind).collect(),
        cluster: Some(ids.probes.len()),
        idv: None,
    };
    let facts = facts::assemble(&app, sessions, &ids, &known, &lists, world.now, LIMITS);
    let linked = screening::assess(&app, &facts, &world.policy, world.now);
    check(&linked);
}
