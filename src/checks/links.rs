//! Links between applications: attributes this application shares with applications presenting
//! another identity (another name, or another birth date), found in the identifier index before the
//! checks run. Strength by attribute (issue 6): a payout account or a device is one operator's,
//! a shipping address nearly so; a phone or an e-mail address medium; an address with
//! remote-access tools medium, and a laptop farm when three or more identities work through one.
//! Links to an application whose *base* verdict (its own content, without links) is `reject` say so
//! once. Evidence names the linked applications of the caller's tenant and counts the others; never
//! a value.

use std::collections::BTreeSet;

use serde_json::json;

use super::codes::*;
use super::{Facts, signal};
use crate::identifiers::IdentifierKind;
use crate::model::{Application, Decision, Signal};

/// Identities behind one remote-access address or subnet that make a laptop farm, this one
/// included.
pub const LAPTOP_FARM_MIN_IDENTITIES: usize = 3;

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
    /// The caller's own applications: id and base verdict.
    pub same_tenant: Vec<(String, Decision)>,
    /// Applications at sharing tenants: counts only.
    pub other_tenant_applications: usize,
    pub other_tenants: usize,
    /// Whether any linked application (any tenant) has a base verdict of `reject`.
    pub any_rejected: bool,
    /// The lookup hit its cap: counts are lower bounds.
    pub incomplete: bool,
}

fn evidence(links: &[&Link]) -> serde_json::Value {
    let ids: BTreeSet<&str> = links
        .iter()
        .flat_map(|l| l.same_tenant.iter().map(|(id, _)| id.as_str()))
        .collect();
    let kinds: BTreeSet<&str> = links.iter().map(|l| l.kind.as_str()).collect();
    json!({
        "attribute_kinds": kinds,
        "applications": ids,
        "other_tenant_applications": links.iter().map(|l| l.other_tenant_applications).max().unwrap_or(0),
        "other_tenants": links.iter().map(|l| l.other_tenants).max().unwrap_or(0),
        "counts_are_lower_bounds": links.iter().any(|l| l.incomplete),
    })
}

fn linked_count(links: &[&Link]) -> usize {
    let own: BTreeSet<&str> = links
        .iter()
        .flat_map(|l| l.same_tenant.iter().map(|(id, _)| id.as_str()))
        .collect();
    own.len()
        + links
            .iter()
            .map(|l| l.other_tenant_applications)
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
    if !remote.is_empty() {
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
    let rejected: Vec<&Link> = facts.links.iter().filter(|l| l.any_rejected).collect();
    if !rejected.is_empty() {
        let ids: BTreeSet<&str> = rejected
            .iter()
            .flat_map(|l| {
                l.same_tenant
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
