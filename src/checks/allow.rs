//! The tenant's allow entries in the verdict (docs/policy.md, "Allow entries"). The facts stage
//! decides what an entry covers; here the network checks run without the covered sessions' address
//! facts, and the evidence says which entries applied and what they left out, at 0 points.

use std::collections::BTreeMap;

use serde_json::json;

use super::codes::{LNK_ALLOW_ENTRY_APPLIED, NET_ALLOW_ENTRY_APPLIED};
use super::{AllowFacts, Facts, network_signals, signal};
use crate::model::{Application, IpFacts, Signal};

/// The DPRK's own network (as `network` knows it): never hidden by an allow entry.
const DPRK_ASN: u32 = 131_279;

/// The network checks with the covered sessions' address facts hidden: what the IP databases say
/// of them (country, region, zone, ASN, anonymiser) is unknown to the checks, except DPRK address
/// space and published indicator addresses, which no allow entry hides. The browser's and the
/// device's own facts (clock, locale, tools, webcam) still count.
pub(super) fn network(app: &Application, facts: &Facts) -> Vec<Signal> {
    let mut masked = facts.clone();
    for (i, ip) in masked.sessions.iter_mut().enumerate() {
        if facts.allow.covers_session(i) {
            *ip = IpFacts {
                overlay: ip.overlay.clone(),
                asn: ip.asn.filter(|a| *a == DPRK_ASN),
                ..IpFacts::default()
            };
        }
    }
    let mut signals = network_signals(app, &masked);
    let mut unmasked = facts.clone();
    unmasked.allow = AllowFacts::default();
    let mut suppressed: Vec<&str> = network_signals(app, &unmasked)
        .iter()
        .map(|s| s.code)
        .filter(|code| !signals.iter().any(|s| s.code == *code))
        .collect();
    suppressed.dedup();
    let mut entries: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, covering) in facts.allow.sessions.iter().enumerate() {
        for entry in covering {
            entries
                .entry((entry.id.as_str(), entry.kind))
                .or_default()
                .push(i);
        }
    }
    let entries: Vec<_> = entries
        .into_iter()
        .map(|((id, kind), sessions)| json!({"id": id, "kind": kind, "sessions": sessions}))
        .collect();
    signals.push(signal(
        NET_ALLOW_ENTRY_APPLIED,
        "Sessions came from an IP range or ASN this tenant allows: the checks that judge a session by its address left them out.",
        json!({ "entries": entries, "suppressed": suppressed }),
    ));
    signals
}

/// Attributes an allow entry kept out of the identifier index: they link to nothing.
pub(super) fn links(facts: &Facts, out: &mut Vec<Signal>) {
    if facts.allow.links.is_empty() {
        return;
    }
    let entries: Vec<_> = facts
        .allow
        .links
        .iter()
        .map(|l| {
            json!({
                "id": l.entry.id,
                "kind": l.entry.kind,
                "suppresses": l.suppresses.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    out.push(signal(
        LNK_ALLOW_ENTRY_APPLIED,
        "An attribute this tenant allows links the application to no other: links through it were not looked for.",
        json!({ "entries": entries }),
    ));
}
