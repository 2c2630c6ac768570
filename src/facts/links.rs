//! Links and reuse: what the identifier index says about the applications sharing this one's
//! identifiers, turned into facts. Only applications presenting another identity count (another
//! name, or another birth date where both are known); the same person's other applications are
//! neither a link nor a reuse.

use std::collections::{BTreeMap, BTreeSet};

use crate::checks::links::{Link, RESIDENTIAL_WINDOW_DAYS};
use crate::checks::{Reuse, ReuseKind, Sharing};
use crate::identifiers::{self, Identifiers};
use crate::model::{Decision, IdentifierKind};
use crate::store::{Owner, PriorKnowledge, SharedIdentifier};

/// Linked applications one submission queues for re-screening (see [`linked_applications`]).
pub const LINKED_RESCREENS_MAX: usize = 32;

/// The caller's applications of other identities this one links to (or shares a document or
/// portrait with), to be screened again once this one is stored: each now has a link it did not
/// have. The same person's other applications gain nothing and are left alone. At most
/// [`LINKED_RESCREENS_MAX`], the newest (ids are time-ordered): in a larger group every member
/// already links to that many others, so one more changes its evidence's count but not its
/// signals, and a flood against one identifier must not cost each request a re-screen of the
/// whole group.
pub fn linked_applications(ids: &Identifiers, known: &PriorKnowledge) -> Vec<String> {
    let mut linked: Vec<String> = known
        .shared_identifiers
        .iter()
        .filter(|h| other_identity(ids, h))
        .filter_map(|h| match &h.owner {
            Owner::SameTenant(id) => Some(id.clone()),
            Owner::OtherTenant { .. } => None,
        })
        .collect();
    linked.sort_unstable_by(|a, b| b.cmp(a));
    linked.dedup();
    linked.truncate(LINKED_RESCREENS_MAX);
    linked
}

/// Turns index hits into reuse facts: only applications presenting another identity (another
/// name, or another date of birth where both are known) count, perceptual-hash candidates only
/// within `max_distance` bits, and each application once per identifier family however many of its
/// keys matched.
pub fn reuse_facts(ids: &Identifiers, known: &PriorKnowledge, max_distance: u32) -> Vec<Reuse> {
    #[derive(Default)]
    struct Group {
        exact: bool,
        closest: Option<u32>,
        sharers: Sharers,
    }
    let (mut document, mut portrait) = (Group::default(), Group::default());
    for hit in &known.shared_identifiers {
        if !other_identity(ids, hit) {
            continue;
        }
        let group = match hit.kind {
            IdentifierKind::DocumentNumber => &mut document,
            IdentifierKind::PortraitDigest => {
                portrait.exact = true;
                &mut portrait
            }
            IdentifierKind::PortraitBlock => {
                let (Some(mine), Some(theirs)) = (ids.phash, hit.phash) else {
                    continue;
                };
                let distance = (mine ^ theirs).count_ones();
                if distance > max_distance {
                    continue;
                }
                portrait.closest = Some(portrait.closest.map_or(distance, |d| d.min(distance)));
                &mut portrait
            }
            _ => continue, // links: see link_facts
        };
        group.sharers.add(hit);
    }
    let portrait_kind = match portrait.closest {
        Some(distance) if !portrait.exact => ReuseKind::PortraitSimilar { distance },
        _ => ReuseKind::PortraitDigest,
    };
    let portrait_truncated = known.truncated(IdentifierKind::PortraitDigest)
        || known.truncated(IdentifierKind::PortraitBlock);
    [
        (
            document,
            ReuseKind::DocumentNumber,
            known.truncated(IdentifierKind::DocumentNumber),
        ),
        (portrait, portrait_kind, portrait_truncated),
    ]
    .into_iter()
    .filter(|(group, _, _)| !group.sharers.is_empty())
    .map(|(group, kind, truncated)| Reuse {
        kind,
        sharing: group.sharers.sharing(truncated),
    })
    .collect()
}

/// The applications sharing one identifier family: the caller's own by id with their base
/// verdict, sharing tenants' by opaque tags (counted, never shown).
#[derive(Default)]
struct Sharers {
    own: BTreeMap<String, Decision>,
    foreign: BTreeSet<(u64, u64)>,
    rejected: bool,
    confirmed: BTreeSet<String>,
    any_confirmed: bool,
}

impl Sharers {
    fn add(&mut self, hit: &SharedIdentifier) {
        self.rejected |= hit.verdict == Decision::Reject;
        self.any_confirmed |= hit.confirmed;
        match &hit.owner {
            Owner::SameTenant(id) => {
                self.own.insert(id.clone(), hit.verdict);
                if hit.confirmed {
                    self.confirmed.insert(id.clone());
                }
            }
            Owner::OtherTenant {
                tenant,
                application,
            } => {
                self.foreign.insert((*tenant, *application));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.own.is_empty() && self.foreign.is_empty()
    }

    fn sharing(self, incomplete: bool) -> Sharing {
        let other_tenants = self
            .foreign
            .iter()
            .map(|(tenant, _)| tenant)
            .collect::<BTreeSet<_>>()
            .len();
        Sharing {
            same_tenant: self.own.into_iter().collect(),
            other_tenant_applications: self.foreign.len(),
            other_tenants,
            any_rejected: self.rejected,
            confirmed: self.confirmed.into_iter().collect(),
            any_confirmed: self.any_confirmed,
            incomplete,
        }
    }
}

/// Whether an index hit is an application presenting another identity than `ids`: another name,
/// or another date of birth where both are known.
fn other_identity(ids: &Identifiers, hit: &SharedIdentifier) -> bool {
    hit.name_key[..] != ids.name_key[..]
        || matches!((&hit.dob_key, &ids.dob_key), (Some(a), Some(b)) if a[..] != b[..])
}

/// Turns index hits on linkable attributes into link facts: per attribute kind, the applications of
/// other identities sharing it (own tenant by id, sharing tenants by count), each once. Residential
/// addresses are counted per address and within [`RESIDENTIAL_WINDOW_DAYS`]: the one link is the
/// address and 30-day window with the most other identities.
pub fn link_facts(ids: &Identifiers, known: &PriorKnowledge) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for kind in IdentifierKind::LINKS {
        if kind == IdentifierKind::ResidentialIp {
            out.extend(residential_link(ids, known));
            continue;
        }
        let hits: Vec<&SharedIdentifier> = known
            .shared_identifiers
            .iter()
            .filter(|h| h.kind == kind && other_identity(ids, h))
            .collect();
        out.extend(link_of(kind, &hits, known.truncated(kind), false));
    }
    out
}

fn link_of(
    kind: IdentifierKind,
    hits: &[&SharedIdentifier],
    incomplete: bool,
    remote_access_tools: bool,
) -> Option<Link> {
    let mut s = Sharers::default();
    for hit in hits {
        s.add(hit);
    }
    if s.is_empty() {
        return None;
    }
    Some(Link {
        kind,
        identities: distinct_identities(hits),
        remote_access_tools,
        sharing: s.sharing(incomplete),
    })
}

/// Identities behind some hits, all of other identities than the application's: one per name, or
/// per known date of birth where one name comes with several.
fn distinct_identities(hits: &[&SharedIdentifier]) -> usize {
    let mut names: BTreeMap<&[u8], BTreeSet<&[u8]>> = BTreeMap::new();
    for hit in hits {
        let dobs = names.entry(&hit.name_key[..]).or_default();
        if let Some(dob) = &hit.dob_key {
            dobs.insert(&dob[..]);
        }
    }
    names.values().map(|dobs| dobs.len().max(1)).sum()
}

/// The residential address this application shares with the most other identities seen there within
/// one window of [`RESIDENTIAL_WINDOW_DAYS`] that also holds one of its own sessions.
fn residential_link(ids: &Identifiers, known: &PriorKnowledge) -> Option<Link> {
    let window = RESIDENTIAL_WINDOW_DAYS * 86_400_000_000;
    let mut best: Option<(usize, Vec<&SharedIdentifier>, bool)> = None;
    for address in &ids.residential {
        let hits: Vec<(&SharedIdentifier, identifiers::Seen)> = known
            .shared_identifiers
            .iter()
            .filter(|h| h.kind == IdentifierKind::ResidentialIp && h.key == address.key)
            .filter(|h| other_identity(ids, h))
            .filter_map(|h| h.seen.map(|seen| (h, seen)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        // A window [start, start + 30 days] meets a stay [first, last] when start lies in
        // [first - 30 days, last]; the best start is one of those bounds, and it must meet this
        // application's own stay.
        let (own_from, own_to) = (address.seen.first - window, address.seen.last);
        let starts = hits
            .iter()
            .flat_map(|(_, seen)| [seen.first - window, seen.last])
            .chain([own_from, own_to])
            .filter(|start| (own_from..=own_to).contains(start));
        for start in starts {
            let inside: Vec<&SharedIdentifier> = hits
                .iter()
                .filter(|(_, seen)| seen.first - window <= start && start <= seen.last)
                .map(|(h, _)| *h)
                .collect();
            let count = distinct_identities(&inside);
            if count > 0 && best.as_ref().is_none_or(|(c, _, _)| count > *c) {
                best = Some((count, inside, address.remote_access_tools));
            }
        }
    }
    let (_, hits, tools) = best?;
    link_of(
        IdentifierKind::ResidentialIp,
        &hits,
        known.truncated(IdentifierKind::ResidentialIp),
        tools,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::{ResidentialAddress, Seen};

    const DAY: i64 = 86_400_000_000;

    fn at(day: i64) -> Seen {
        Seen {
            first: day * DAY,
            last: day * DAY,
        }
    }

    fn me(day: i64) -> Identifiers {
        Identifiers {
            name_key: [1; 32],
            residential: vec![ResidentialAddress {
                key: [9; 32],
                seen: at(day),
                remote_access_tools: false,
            }],
            ..Identifiers::default()
        }
    }

    fn seen_at(name: u8, day: i64) -> SharedIdentifier {
        SharedIdentifier {
            kind: IdentifierKind::ResidentialIp,
            key: [9; 32],
            owner: Owner::SameTenant(format!("app-{name}-{day}")),
            name_key: vec![name; 32],
            dob_key: None,
            phash: None,
            seen: Some(at(day)),
            verdict: Decision::Clear,
            confirmed: false,
        }
    }

    fn residential_identities(ids: &Identifiers, hits: Vec<SharedIdentifier>) -> Option<usize> {
        let known = PriorKnowledge {
            shared_identifiers: hits,
            ..PriorKnowledge::default()
        };
        link_facts(ids, &known)
            .into_iter()
            .find(|l| l.kind == IdentifierKind::ResidentialIp)
            .map(|l| l.identities)
    }

    #[test]
    fn residential_identities_count_within_one_30_day_window() {
        // Two others within 30 days of this one and of each other.
        assert_eq!(
            residential_identities(&me(100), vec![seen_at(2, 80), seen_at(3, 110)]),
            Some(2)
        );
        // 40 days apart from each other: no window holds all three.
        assert_eq!(
            residential_identities(&me(100), vec![seen_at(2, 80), seen_at(3, 120)]),
            Some(1)
        );
        // The same person twice is one identity; this application's own name is none.
        assert_eq!(
            residential_identities(
                &me(100),
                vec![seen_at(2, 95), seen_at(2, 99), seen_at(1, 98)]
            ),
            Some(1)
        );
        // Older than 30 days: no link at all.
        assert_eq!(residential_identities(&me(100), vec![seen_at(2, 50)]), None);
        // Another address: no link.
        let mut elsewhere = seen_at(2, 100);
        elsewhere.key = [8; 32];
        assert_eq!(residential_identities(&me(100), vec![elsewhere]), None);
    }
}
