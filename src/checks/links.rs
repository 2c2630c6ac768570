//! Links between applications: attributes this application shares with applications presenting
//! another identity (another name, or another birth date), found in the identifier index before the
//! checks run. Strength by attribute (issue 6): a payout account or a device is one operator's,
//! a shipping address nearly so; a phone or an e-mail address medium; an address with
//! remote-access tools medium, and a laptop farm when three or more identities work through one.
//! A residential address (issue 15) is shared by households: two identities there are weak, three or
//! more within 30 days a farm of its own kind; where this application ran remote-access tools from
//! that address, the two links are one fact and one signal (the tools one wins a tie of strength).
//! Links to an application whose *base* verdict (its own content, without links) is `reject` say so
//! once. Evidence names the linked applications of the caller's tenant and counts the others; never
//! a value.

use std::collections::BTreeSet;

use serde_json::json;

use super::codes::*;
use super::{Facts, Sharing, signal};
use crate::model::IdentifierKind;
use crate::model::{Application, Decision, Signal};

/// Identities behind one remote-access address or subnet that make a laptop farm, this one
/// included.
pub const LAPTOP_FARM_MIN_IDENTITIES: usize = 3;

/// Identities seen at one residential address within 30 days that make a farm, this one included.
pub const RESIDENTIAL_FARM_MIN_IDENTITIES: usize = 3;

/// How close in time the sessions of several identities at one residential address must be to
/// count together.
pub const RESIDENTIAL_WINDOW_DAYS: i64 = 30;

/// The connected component through strong attributes this application joins.
#[derive(Debug, Clone, Copy)]
pub struct Cluster {
    /// Identities in it (distinct names), this one included.
    pub size: usize,
    /// Sizes above this raise `LNK_CLUSTER_LARGE`.
    pub max: usize,
    /// The count stopped at its cap.
    pub at_least: bool,
}

/// One attribute kind shared with applications of other identities.
#[derive(Debug, Clone)]
pub struct Link {
    pub kind: IdentifierKind,
    /// Distinct identities behind the linked applications (this one's not included); for a
    /// residential address, those seen within the 30-day window.
    pub identities: usize,
    /// A residential address this application ran remote-access tools from.
    pub remote_access_tools: bool,
    pub sharing: Sharing,
}

fn evidence(links: &[&Link]) -> serde_json::Value {
    let ids: BTreeSet<&str> = links
        .iter()
        .flat_map(|l| l.sharing.same_tenant.iter().map(|(id, _)| id.as_str()))
        .collect();
    let kinds: BTreeSet<&str> = links.iter().map(|l| l.kind.as_str()).collect();
    json!({
        "attribute_kinds": kinds,
        "applications": ids,
        "other_tenant_applications": links.iter().map(|l| l.sharing.other_tenant_applications).max().unwrap_or(0),
        "other_tenants": links.iter().map(|l| l.sharing.other_tenants).max().unwrap_or(0),
        "counts_are_lower_bounds": links.iter().any(|l| l.sharing.incomplete),
    })
}

fn linked_count(links: &[&Link]) -> usize {
    let own: BTreeSet<&str> = links
        .iter()
        .flat_map(|l| l.sharing.same_tenant.iter().map(|(id, _)| id.as_str()))
        .collect();
    own.len()
        + links
            .iter()
            .map(|l| l.sharing.other_tenant_applications)
            .max()
            .unwrap_or(0)
}

pub fn check(_app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let of = |kinds: &[IdentifierKind]| -> Vec<&Link> {
        facts
            .links
            .iter()
            .filter(|l| kinds.contains(&l.kind))
            .collect()
    };
    for (kind, code, what) in [
        (
            IdentifierKind::PayoutAccount,
            LNK_SHARED_PAYOUT_ACCOUNT,
            "payout account",
        ),
        (IdentifierKind::DeviceId, LNK_SHARED_DEVICE, "device"),
        (
            IdentifierKind::ShippingAddress,
            LNK_SHARED_SHIPPING_ADDRESS,
            "shipping address",
        ),
        (IdentifierKind::Phone, LNK_SHARED_PHONE, "phone number"),
        (IdentifierKind::Email, LNK_SHARED_EMAIL, "e-mail address"),
    ] {
        let links = of(&[kind]);
        if links.is_empty() {
            continue;
        }
        out.push(signal(
            code,
            format!(
                "The {what} is also used by {} application(s) under another name.",
                linked_count(&links)
            ),
            evidence(&links),
        ));
    }
    let remote = of(&[
        IdentifierKind::RemoteAccessIp,
        IdentifierKind::RemoteAccessSubnet,
    ]);
    let residential = of(&[IdentifierKind::ResidentialIp]);
    let residential_farm = residential
        .first()
        .filter(|r| r.identities + 1 >= RESIDENTIAL_FARM_MIN_IDENTITIES);
    let remote_farm = !remote.is_empty() && linked_count(&remote) + 1 >= LAPTOP_FARM_MIN_IDENTITIES;
    // One address, one fact: where this application ran tools from the residential address, the
    // stronger of the two links speaks for both (a farm with tools, then a farm without, then two
    // identities with tools, then a household).
    let same_address =
        residential.first().is_some_and(|r| r.remote_access_tools) && !remote.is_empty();
    let residential_speaks = match residential.first() {
        None => false,
        Some(_) if !same_address => true,
        Some(_) => residential_farm.is_some() && !remote_farm,
    };
    let remote_speaks = !remote.is_empty() && (!same_address || !residential_speaks);
    if residential_speaks && let Some(r) = residential.first() {
        let identities = r.identities + 1;
        let (code, message) = if identities >= RESIDENTIAL_FARM_MIN_IDENTITIES {
            (
                LNK_RESIDENTIAL_IP_FARM,
                format!(
                    "{identities} identities were seen at one residential address within {} days: a laptop farm.",
                    RESIDENTIAL_WINDOW_DAYS
                ),
            )
        } else {
            (
                LNK_SHARED_RESIDENTIAL_IP,
                format!(
                    "Another identity was seen at the same residential address within {} days (households share one).",
                    RESIDENTIAL_WINDOW_DAYS
                ),
            )
        };
        let mut ev = evidence(&[*r]);
        ev["identities"] = json!(identities);
        ev["window_days"] = json!(RESIDENTIAL_WINDOW_DAYS);
        ev["remote_access_tools"] = json!(r.remote_access_tools);
        out.push(signal(code, message, ev));
    }
    if remote_speaks {
        let others = linked_count(&remote);
        let (code, message) = if others + 1 >= LAPTOP_FARM_MIN_IDENTITIES {
            (
                LNK_LAPTOP_FARM,
                format!(
                    "{} identities work with remote-access tools from the same address or subnet: a laptop farm.",
                    others + 1
                ),
            )
        } else {
            (
                LNK_SHARED_REMOTE_ACCESS_IP,
                "Another identity works with remote-access tools from the same address or subnet."
                    .to_owned(),
            )
        };
        out.push(signal(code, message, evidence(&remote)));
    }
    if let Some(cluster) = facts.cluster.filter(|c| c.size > c.max) {
        out.push(signal(
            LNK_CLUSTER_LARGE,
            format!(
                "{}{} identities are connected through shared payout accounts, devices, shipping addresses or documents.",
                if cluster.at_least { "At least " } else { "" },
                cluster.size
            ),
            json!({
                "cluster_size": cluster.size,
                "cluster_max": cluster.max,
                "counts_are_lower_bounds": cluster.at_least,
            }),
        ));
    }
    // A household member of a rejected applicant is not evidence: a residential address carries
    // propagation only as a farm.
    let propagating = |l: &&Link| {
        l.kind != IdentifierKind::ResidentialIp
            || l.identities + 1 >= RESIDENTIAL_FARM_MIN_IDENTITIES
    };
    // A link to a reviewer-confirmed case is the stronger fact, and replaces "linked to rejected"
    // for that attribute: one fact, one signal.
    let confirmed: Vec<&Link> = facts
        .links
        .iter()
        .filter(|l| l.sharing.any_confirmed)
        .filter(propagating)
        .collect();
    if !confirmed.is_empty() {
        let cases: BTreeSet<&str> = confirmed
            .iter()
            .flat_map(|l| l.sharing.confirmed.iter().map(String::as_str))
            .collect();
        let mut ev = evidence(&confirmed);
        ev["confirmed_cases"] = json!(cases);
        out.push(signal(
            LNK_LINKED_TO_CONFIRMED,
            "A linked application under another name is a case a reviewer confirmed.",
            ev,
        ));
    }
    let rejected: Vec<&Link> = facts
        .links
        .iter()
        .filter(|l| l.sharing.any_rejected && !l.sharing.any_confirmed)
        .filter(propagating)
        .collect();
    if !rejected.is_empty() {
        let ids: BTreeSet<&str> = rejected
            .iter()
            .flat_map(|l| {
                l.sharing
                    .same_tenant
                    .iter()
                    .filter(|(_, d)| *d == Decision::Reject)
                    .map(|(id, _)| id.as_str())
            })
            .collect();
        let mut ev = evidence(&rejected);
        ev["rejected_applications"] = json!(ids);
        out.push(signal(
            LNK_LINKED_TO_REJECTED,
            "A linked application under another name is rejected on its own evidence.",
            ev,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{application, now};

    fn link(kind: IdentifierKind, others: usize, tools: bool) -> Link {
        Link {
            kind,
            identities: others,
            remote_access_tools: tools,
            sharing: Sharing {
                same_tenant: (0..others)
                    .map(|i| (format!("app-{i}"), Decision::Clear))
                    .collect(),
                ..Sharing::default()
            },
        }
    }

    fn codes(links: Vec<Link>) -> Vec<&'static str> {
        let app = application(|_| {});
        let mut facts = Facts::new(&app, now());
        facts.links = links;
        let mut out = Vec::new();
        check(&app, &facts, &mut out);
        out.into_iter().map(|s| s.code).collect()
    }

    use IdentifierKind::{RemoteAccessIp as Tools, ResidentialIp as Home};

    #[test]
    fn one_address_gives_one_farm_signal_and_the_tools_one_wins() {
        assert_eq!(codes(vec![link(Home, 2, false)]), [LNK_RESIDENTIAL_IP_FARM]);
        assert_eq!(
            codes(vec![link(Home, 1, false)]),
            [LNK_SHARED_RESIDENTIAL_IP]
        );
        // Tools from the same address: three with tools is the laptop farm, and nothing else.
        assert_eq!(
            codes(vec![link(Tools, 2, false), link(Home, 2, true)]),
            [LNK_LAPTOP_FARM]
        );
        // Two with tools, a third without: the residential farm speaks for the address.
        assert_eq!(
            codes(vec![link(Tools, 1, false), link(Home, 2, true)]),
            [LNK_RESIDENTIAL_IP_FARM]
        );
        // Two identities, both with tools: the remote-access link only.
        assert_eq!(
            codes(vec![link(Tools, 1, false), link(Home, 1, true)]),
            [LNK_SHARED_REMOTE_ACCESS_IP]
        );
        // Tools elsewhere: two facts.
        assert_eq!(
            codes(vec![link(Tools, 1, false), link(Home, 1, false)]),
            [LNK_SHARED_RESIDENTIAL_IP, LNK_SHARED_REMOTE_ACCESS_IP]
        );
    }

    #[test]
    fn a_household_member_of_a_rejected_applicant_is_not_linked_to_rejected() {
        let mut household = link(Home, 1, false);
        household.sharing.any_rejected = true;
        household.sharing.same_tenant[0].1 = Decision::Reject;
        assert_eq!(codes(vec![household.clone()]), [LNK_SHARED_RESIDENTIAL_IP]);
        let mut farm = link(Home, 2, false);
        farm.sharing.any_rejected = true;
        farm.sharing.same_tenant[0].1 = Decision::Reject;
        assert_eq!(
            codes(vec![farm]),
            [LNK_RESIDENTIAL_IP_FARM, LNK_LINKED_TO_REJECTED]
        );
    }
}
