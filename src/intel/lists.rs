//! The sanctions lists this instance screens with: the newest stored version of every list, indexed
//! in memory. [`ListsHandle`] swaps whole snapshots, so a list change never half-applies; every
//! instance polls the store and rebuilds when a new version appears, so all instances behind a load
//! balancer serve the same versions within one poll interval.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::sanctions::matcher::{
    Evidence, Index, KindFilter, Match, Query, REVIEW_THRESHOLD, THRESHOLD,
};
use super::sanctions::model::{
    Entity, LIST_OFAC_SDN, LIST_UN_SC, LIST_VETGATE_DPRK_WATCH, PartialDate,
};
use crate::checks::sanctions::{HitKind, ListClass, SanctionsFacts, SanctionsHit};
use crate::model::Application;
use crate::store::{ActiveList, ListScope, StoreError};

/// Names per screened input kept as hits (the best ones).
const HITS_PER_FIELD: usize = 5;

/// One scope's lists (global, or one tenant's own), indexed.
pub struct ListSet {
    pub index: Index,
    pub lists: Vec<ListSummary>,
}

/// What the status pages show about an active list.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    pub list: String,
    pub seq: i64,
    pub entries: i64,
    pub north_korea_entries: i64,
    #[serde(serialize_with = "rfc3339")]
    pub loaded_at: DateTime<Utc>,
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Every active list of every scope.
#[derive(Default)]
pub struct Lists {
    /// The newest version number this snapshot includes.
    pub seq: i64,
    global: Option<ListSet>,
    tenants: HashMap<String, ListSet>,
    global_version: Option<String>,
    tenant_versions: HashMap<String, String>,
}

/// One tenant's view: the global lists and its own.
pub struct TenantLists<'a> {
    global: Option<&'a ListSet>,
    own: Option<&'a ListSet>,
    version: Option<&'a str>,
}

/// A scored entry with the list set it came from.
pub struct ListMatch<'a> {
    pub entity: &'a Entity,
    pub found: Match,
    /// From the tenant's own lists.
    pub own_list: bool,
}

/// `2026-11-27T10:15:00Z-3f9c2a`: the newest load time and a digest of which versions are active.
fn version_label(lists: &[&ListSummary]) -> Option<String> {
    let newest = lists.iter().map(|l| l.loaded_at).max()?;
    let mut digest = Sha256::new();
    let mut parts: Vec<(&str, i64)> = lists.iter().map(|l| (l.list.as_str(), l.seq)).collect();
    parts.sort();
    for (list, seq) in parts {
        digest.update(format!("{list}:{seq};").as_bytes());
    }
    let hex = hex::encode(digest.finalize());
    Some(format!(
        "{}-{}",
        newest.to_rfc3339_opts(SecondsFormat::Secs, true),
        &hex[..6]
    ))
}

impl Lists {
    /// Builds the snapshot from the store's active versions. CPU-bound (~0.2 s for OFAC + UN): run
    /// it off the async workers.
    pub fn build(seq: i64, active: Vec<ActiveList>) -> Result<Lists, StoreError> {
        let mut scopes: BTreeMap<String, (Vec<Entity>, Vec<ListSummary>)> = BTreeMap::new();
        for list in active {
            let entities: Vec<Entity> = serde_json::from_slice(&list.entities_json)
                .map_err(|e| StoreError::Corrupt(format!("list {}: {e}", list.info.list_name)))?;
            let scope = match &list.info.scope {
                ListScope::Global => String::new(),
                ListScope::Tenant(t) => t.as_str().to_owned(),
            };
            let slot = scopes.entry(scope).or_default();
            slot.0.extend(entities);
            slot.1.push(ListSummary {
                list: list.info.list_name.clone(),
                seq: list.info.seq,
                entries: list.info.entries,
                north_korea_entries: list.info.north_korea_entries,
                loaded_at: list.info.loaded_at,
            });
        }
        let mut snapshot = Lists {
            seq,
            ..Lists::default()
        };
        for (scope, (entities, lists)) in scopes {
            let set = ListSet {
                index: Index::build(entities),
                lists,
            };
            if scope.is_empty() {
                snapshot.global = Some(set);
            } else {
                snapshot.tenants.insert(scope, set);
            }
        }
        let global: Vec<&ListSummary> = snapshot.global.iter().flat_map(|s| &s.lists).collect();
        snapshot.global_version = version_label(&global);
        for (tenant, set) in &snapshot.tenants {
            let all: Vec<&ListSummary> = global.iter().copied().chain(&set.lists).collect();
            if let Some(label) = version_label(&all) {
                snapshot.tenant_versions.insert(tenant.clone(), label);
            }
        }
        Ok(snapshot)
    }

    pub fn for_tenant(&self, tenant: &str) -> TenantLists<'_> {
        TenantLists {
            global: self.global.as_ref(),
            own: self.tenants.get(tenant),
            version: self
                .tenant_versions
                .get(tenant)
                .or(self.global_version.as_ref())
                .map(String::as_str),
        }
    }

    /// The active global lists, and the tenant's own when given.
    pub fn summaries(&self, tenant: Option<&str>) -> Vec<ListSummary> {
        let mut out: Vec<ListSummary> = self
            .global
            .iter()
            .flat_map(|s| s.lists.iter().cloned())
            .collect();
        if let Some(own) = tenant.and_then(|t| self.tenants.get(t)) {
            out.extend(own.lists.iter().cloned());
        }
        out
    }
}

fn list_class(list: &str, own_list: bool) -> ListClass {
    if own_list || list == LIST_VETGATE_DPRK_WATCH {
        ListClass::Watch
    } else {
        ListClass::Sanctions
    }
}

fn hit(
    entity: &Entity,
    own_list: bool,
    field: &str,
    kind: HitKind,
    matched_value: String,
    found: Option<&Match>,
) -> SanctionsHit {
    let fact = |e: &Evidence| e.as_str();
    let (score, uncontradicted_score) =
        found.map_or((1.0, 1.0), |m| (m.score, m.breakdown.uncontradicted()));
    SanctionsHit {
        field: field.to_owned(),
        kind,
        list: entity.list.clone(),
        list_class: list_class(&entity.list, own_list),
        official: entity.list == LIST_OFAC_SDN || entity.list == LIST_UN_SC,
        entry_id: entity.id.clone(),
        entry_name: entity.primary_name.clone(),
        matched_value,
        score,
        programs: entity.programs.clone(),
        north_korea: entity.north_korea,
        entry_is_person: entity.kind == super::sanctions::model::EntityKind::Person,
        uncontradicted_score,
        corroborated_by: found
            .map_or_else(Vec::new, |m| m.corroborated_by.iter().map(fact).collect()),
        contradicted_by: found
            .map_or_else(Vec::new, |m| m.contradicted_by.iter().map(fact).collect()),
    }
}

/// The nationality the applicant's identity document shows, when the declared nationality (if
/// any) agrees with it and its machine-readable zone, when given, reads and passes its checks.
fn consistent_nationality(app: &Application) -> Option<String> {
    let doc = app.identity_document.as_ref()?;
    if let Some(zone) = &doc.mrz_read
        && !zone.as_ref().is_ok_and(|z| z.all_checks_pass())
    {
        return None;
    }
    let shown = doc
        .nationality
        .as_ref()
        .unwrap_or(&doc.issuing_country)
        .country()?;
    match &app.applicant.nationality {
        Some(declared) if declared.as_str() != shown.as_str() => None,
        _ => Some(shown.as_str().to_owned()),
    }
}

/// Whether the applicant is Korean by nationality, document or a Hangul name: only then are Han
/// names read with their Sino-Korean readings.
fn korean_applicant(app: &Application) -> bool {
    let korean = |c: Option<&str>| matches!(c, Some("KR" | "KP"));
    let applicant = &app.applicant;
    korean(applicant.nationality.as_ref().map(|c| c.as_str()))
        || app.identity_document.as_ref().is_some_and(|d| {
            korean(d.issuing_country.country().as_ref().map(|c| c.as_str()))
                || korean(
                    d.nationality
                        .as_ref()
                        .and_then(|n| n.country())
                        .as_ref()
                        .map(|c| c.as_str()),
                )
        })
        || std::iter::once(&applicant.full_name)
            .chain(&applicant.other_names)
            .any(|n| {
                n.chars()
                    .any(super::sanctions::matcher::translit::is_hangul_syllable)
            })
}

impl TenantLists<'_> {
    pub fn version(&self) -> Option<&str> {
        self.version
    }

    fn sets(&self) -> impl Iterator<Item = (&ListSet, bool)> {
        self.global
            .map(|s| (s, false))
            .into_iter()
            .chain(self.own.map(|s| (s, true)))
    }

    /// Best entries of all the tenant's lists for a query, best first.
    pub fn search(&self, query: &Query) -> Vec<ListMatch<'_>> {
        let mut out: Vec<ListMatch<'_>> = self
            .sets()
            .flat_map(|(set, own_list)| {
                set.index
                    .search(query)
                    .into_iter()
                    .map(move |found| ListMatch {
                        entity: set.index.entity(found.entity),
                        found,
                        own_list,
                    })
            })
            .collect();
        out.sort_by(|a, b| query.rank(&b.found).total_cmp(&query.rank(&a.found)));
        out.truncate(query.limit);
        out
    }

    /// Screens one application: the applicant's names, the payout holder and crypto address, the
    /// e-mail and document number. Only hits at or above the review floor are kept. The holder is
    /// screened as the applicant when `holder_is_applicant` ([`crate::checks::Facts`] says so).
    pub fn screen(&self, app: &Application, holder_is_applicant: bool) -> SanctionsFacts {
        let mut facts = SanctionsFacts {
            hits: Vec::new(),
            threshold: THRESHOLD,
            review_threshold: REVIEW_THRESHOLD,
            lists_version: self.version.map(str::to_owned),
            holder_is_applicant,
        };
        if self.global.is_none() && self.own.is_none() {
            return facts;
        }
        let applicant = &app.applicant;
        let doc = app.identity_document.as_ref();
        let dob = applicant
            .date_of_birth
            .or(doc.and_then(|d| d.date_of_birth))
            .map(PartialDate::from);
        let country = applicant
            .nationality
            .as_ref()
            .map(|c| c.as_str().to_owned());
        let documents: Vec<String> = doc.map(|d| d.number.clone()).into_iter().collect();
        let nationality_shown = consistent_nationality(app);
        let korean_readings = korean_applicant(app);
        let person = |name: &str| Query {
            name: name.to_owned(),
            date_of_birth: dob,
            country: country.clone(),
            kind: KindFilter::Person,
            documents: documents.clone(),
            nationality_shown: nationality_shown.clone(),
            korean_readings,
            keep_contradicted: true,
            limit: HITS_PER_FIELD,
        };

        let mut names: Vec<(String, &str)> = vec![(
            "applicant.full_name".to_owned(),
            applicant.full_name.as_str(),
        )];
        for (i, other) in applicant.other_names.iter().enumerate() {
            names.push((format!("applicant.other_names[{i}]"), other.as_str()));
        }
        for (field, name) in &names {
            self.name_hits(&person(name), field, &mut facts.hits);
        }

        if let Some(payout) = &app.payout {
            if let Some(holder) = payout.account_holder_name.as_deref() {
                // The applicant's own account: their birth date and documents tell them from a
                // namesake. Anyone else's: the name alone.
                let query = if holder_is_applicant {
                    Query {
                        kind: KindFilter::Any,
                        ..person(holder)
                    }
                } else {
                    Query {
                        korean_readings,
                        limit: HITS_PER_FIELD,
                        ..Query::name(holder)
                    }
                };
                let before = facts.hits.len();
                self.name_hits(&query, "payout.account_holder_name", &mut facts.hits);
                // A person's name that only resembles an organisation's ("Li Wei" / "WEI TA LEE
                // COMPANY") is not worth a review; an organisation named outright still is.
                if !names_an_organisation(holder) {
                    let holder_hits = facts.hits.split_off(before);
                    facts.hits.extend(
                        holder_hits
                            .into_iter()
                            .filter(|h| h.entry_is_person || h.score >= THRESHOLD),
                    );
                }
            }
            if let Some(address) = payout.crypto_address.as_deref() {
                for (set, own_list) in self.sets() {
                    for entity in set.index.find_crypto(None, address) {
                        facts.hits.push(hit(
                            entity,
                            own_list,
                            "payout.crypto_address",
                            HitKind::CryptoAddress,
                            address.to_owned(),
                            None,
                        ));
                    }
                }
            }
        }
        for (set, own_list) in self.sets() {
            if let Some(email) = applicant.email.as_deref() {
                for entity in set.index.find_email(email) {
                    facts.hits.push(hit(
                        entity,
                        own_list,
                        "applicant.email",
                        HitKind::Email,
                        email.to_owned(),
                        None,
                    ));
                }
            }
            if let Some(d) = doc {
                for entity in set.index.find_document(&d.number) {
                    facts.hits.push(hit(
                        entity,
                        own_list,
                        "identity_document.number",
                        HitKind::DocumentNumber,
                        d.number.clone(),
                        None,
                    ));
                }
            }
        }
        facts
    }

    fn name_hits(&self, query: &Query, field: &str, out: &mut Vec<SanctionsHit>) {
        for m in self.search(query) {
            if query.rank(&m.found) < REVIEW_THRESHOLD {
                break;
            }
            out.push(hit(
                m.entity,
                m.own_list,
                field,
                HitKind::Name,
                m.found.matched_name.clone(),
                Some(&m.found),
            ));
        }
    }
}

/// Whether a name carries a legal form or an organisation word (`Ltd`, `Trading`, `Bank`).
fn names_an_organisation(name: &str) -> bool {
    use super::sanctions::matcher::normalize::{TokClass, tokens};
    tokens(name).iter().any(|t| t.class != TokClass::Name)
}

/// The live snapshot, shared by every worker.
#[derive(Clone, Default)]
pub struct ListsHandle {
    current: Arc<ArcSwap<Lists>>,
}

impl ListsHandle {
    pub fn current(&self) -> arc_swap::Guard<Arc<Lists>> {
        self.current.load()
    }

    pub fn replace(&self, lists: Lists) {
        self.current.store(Arc::new(lists));
    }

    /// Rebuilds from the store when it holds a newer version than the snapshot; returns whether it
    /// did.
    pub async fn refresh(&self, store: &crate::store::Store) -> Result<bool, StoreError> {
        let newest = store.newest_list_seq().await?;
        if newest == self.current().seq {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        let active = store.active_lists().await?;
        let lists = tokio::task::spawn_blocking(move || Lists::build(newest, active))
            .await
            .map_err(|e| StoreError::Corrupt(format!("list index build failed: {e}")))??;
        tracing::info!(
            seq = newest,
            lists = lists.summaries(None).len(),
            tenants = lists.tenants.len(),
            version = lists.global_version.as_deref().unwrap_or("none"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "sanctions lists loaded"
        );
        self.replace(lists);
        Ok(true)
    }
}
