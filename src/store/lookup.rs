//! What the store knows before an application is screened: its earlier submission and the
//! applications that share one of its identifiers, and the cluster those form. Every part is a
//! bounded indexed query, however many applications share an identifier.

use std::collections::HashSet;

use super::applications;
use super::error::{StoreError, from_micros};
use super::handle::TenantStore;
use super::index::{self, CLUSTER_COUNT_MAX};
use super::model::{Owner, PriorKnowledge, SharedIdentifier, TenantId};
use super::sql::{Conn, Role};
use crate::identifiers::Identifiers;
use crate::model::{Decision, IdentifierKind};

/// Hops of the cluster walk beyond the applications an application links to directly.
pub const CLUSTER_HOPS: usize = 2;

impl TenantStore<'_> {
    /// Every application sharing one of `probes`, in this tenant or in the tenants it shares with
    /// (`VETGATE_SHARED_TENANTS`), in one indexed query, leaving out the application's own earlier
    /// submission; the newest identity-vendor result of that submission, if it has one; and, when
    /// `need_first_received`, its id and first reception (both from a second query, which every
    /// screening runs). The one store method that sees other tenants: it returns their rows as
    /// counting material only.
    pub async fn prior_knowledge(
        &self,
        external_ref: &str,
        ids: &Identifiers,
        sharing_with: &[TenantId],
        need_first_received: bool,
    ) -> Result<PriorKnowledge, StoreError> {
        let (name_key, probes) = (&ids.name_key[..], &ids.probes[..]);
        let tenant = self.tenant_id().as_str();
        let mut lease = self.store().pools().acquire(Role::Lookup).await?;
        let mut conn = lease.conn();
        let reception = applications::reception(&mut conn, tenant, external_ref).await?;
        let idv = match &reception {
            Some(r) if r.has_idv => super::idv::latest_of(&mut conn, tenant, &r.id).await?,
            _ => None,
        };
        let prior = reception.filter(|_| need_first_received);
        let mut tenants: Vec<&str> = vec![tenant];
        if sharing_with.contains(self.tenant_id()) {
            tenants.extend(
                sharing_with
                    .iter()
                    .map(TenantId::as_str)
                    .filter(|t| *t != tenant),
            );
        }
        // Kind by kind, strongest first: each kind has its own budget (index::LOOKUP_BUDGETS), so
        // a crowd behind one attribute (a phone, a building's address) never hides another.
        let mut keys: Vec<(IdentifierKind, [u8; 32])> =
            probes.iter().map(|p| (p.kind, p.key)).collect();
        keys.sort_by_key(|(kind, _)| index::lookup_rank(*kind));
        let identity = index::Identity {
            name_key,
            dob_key: ids.dob_key.as_ref().map(|k| &k[..]),
        };
        let found = index::rows_under(&mut conn, &keys, &tenants, identity).await?;
        let keys = self.keys();
        let mut shared_identifiers = Vec::with_capacity(found.rows.len());
        for row in found.rows {
            let own_tenant = row.tenant_id == tenant;
            if own_tenant && row.external_ref == external_ref {
                continue; // the application itself, submitted before
            }
            let Some(probe) = probes.iter().find(|p| p.key[..] == row.key_hash[..]) else {
                continue;
            };
            let verdict = Decision::parse(&row.verdict)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown verdict {:?}", row.verdict)))?;
            shared_identifiers.push(SharedIdentifier {
                kind: probe.kind,
                key: probe.key,
                owner: if own_tenant {
                    Owner::SameTenant(row.application_id.clone())
                } else {
                    Owner::OtherTenant {
                        tenant: opaque_tag(&row.tenant_id),
                        application: opaque_tag(&row.application_id),
                    }
                },
                name_key: row.name_key,
                dob_key: (!row.dob_key.is_empty()).then_some(row.dob_key),
                phash: row
                    .detail_enc
                    .as_deref()
                    .and_then(|d| crate::identifiers::open_phash(keys, d)),
                seen: crate::identifiers::Seen::from_columns(row.seen_first, row.seen_last),
                verdict,
                confirmed: row.confirmed != 0,
            });
        }
        let prior = prior
            .map(|r| from_micros(r.received_at).map(|t| (r.id, t)))
            .transpose()?;
        let cluster = cluster(&mut conn, tenant, &shared_identifiers, name_key).await?;
        Ok(PriorKnowledge {
            prior,
            shared_identifiers,
            truncated_kinds: found.truncated,
            cluster,
            idv,
        })
    }
}

/// Other identities in the cluster an application joins through strong attributes: a walk of at
/// most [`CLUSTER_HOPS`] bounded hops from the applications of other identities it shares one
/// with (none: no query at all, so a person re-applying costs nothing).
async fn cluster(
    conn: &mut Conn<'_>,
    tenant: &str,
    shared: &[SharedIdentifier],
    name_key: &[u8],
) -> Result<Option<usize>, StoreError> {
    let strong = |k: IdentifierKind| IdentifierKind::STRONG.contains(&k);
    let mut identities: HashSet<Vec<u8>> = HashSet::new();
    let mut visited: HashSet<String> = HashSet::new();
    let mut frontier: Vec<String> = Vec::new();
    for hit in shared
        .iter()
        .filter(|h| strong(h.kind) && h.name_key[..] != *name_key)
    {
        if let Owner::SameTenant(id) = &hit.owner {
            identities.insert(hit.name_key.clone());
            if visited.insert(id.clone()) {
                frontier.push(id.clone());
            }
        }
    }
    if frontier.is_empty() {
        return Ok(None);
    }
    for _ in 0..CLUSTER_HOPS {
        if frontier.is_empty() || visited.len() as i64 >= CLUSTER_COUNT_MAX {
            break;
        }
        frontier.truncate(index::CLUSTER_FRONTIER_MAX);
        let rows = index::strong_neighbours(conn, tenant, &frontier).await?;
        frontier.clear();
        for index::Neighbour {
            application_id: id,
            name_key: key,
        } in rows
        {
            if key[..] != *name_key {
                identities.insert(key);
            }
            if visited.insert(id.clone()) {
                frontier.push(id);
            }
        }
    }
    Ok(Some(identities.len()))
}

/// An opaque per-process tag standing for another tenant's name or id, enough to count distinct
/// ones without either travelling further than the store.
fn opaque_tag(value: &str) -> u64 {
    use std::hash::BuildHasher;
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    SEED.get_or_init(Default::default).hash_one(value)
}
