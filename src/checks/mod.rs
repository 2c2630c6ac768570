//! Checks: pure functions that turn an application into signals. No I/O happens here; whatever a
//! check needs from storage or intelligence is loaded before and handed in as data.

mod allow;
mod clock;
pub mod codes;
mod consistency;
mod identity;
pub mod links;
mod mrz;
mod network;
mod payout;
pub mod same_person;
pub mod sanctions;

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{Application, Decision, Signal};

pub use identity::FACE_MATCH_MIN;

/// What the checks know beyond the application itself, loaded before they run.
#[derive(Debug, Clone)]
pub struct Facts {
    /// "Now" for time-dependent checks: the application's `submitted_at`, else when it was first
    /// received, so that re-screening later gives the same answer.
    pub now: DateTime<Utc>,
    /// Other applications presenting this application's document or portrait under another
    /// identity.
    pub reuse: Vec<Reuse>,
    /// What the IP databases say about each session's address, in `app.sessions` order.
    pub sessions: Vec<crate::model::IpFacts>,
    /// Attributes shared with applications presenting another identity (payout account, device…).
    pub links: Vec<links::Link>,
    /// Applications in the cluster this one joins through strong attributes, itself included, and
    /// the size from which that is a signal (`VETGATE_LINKS_CLUSTER_MAX` + 1).
    pub cluster: Option<links::Cluster>,
    /// Sanctions-list entries the applicant's names and payout account resemble.
    pub sanctions: sanctions::SanctionsFacts,
    /// How alike the payout account's holder is to the applicant's own names
    /// ([`same_person::holder_similarity`]), worked out once for the payout check and the sanctions
    /// screen; `None` without a holder or when the names cannot be compared.
    pub holder_similarity: Option<f64>,
    /// The tenant's allow entries that cover this application (docs/policy.md, "Allow entries").
    pub allow: AllowFacts,
    /// The newest identity-verification vendor result stored for the application (docs/idv.md):
    /// its `vendor_check` takes the place of the one in the application, and the document fields
    /// the vendor extracted are compared with the application's.
    pub idv: Option<IdvFacts>,
}

/// A vendor's callback result for the application.
#[derive(Debug, Clone)]
pub struct IdvFacts {
    pub vendor: crate::idv::Vendor,
    pub result: crate::idv::IdvResult,
}

/// One of the tenant's allow entries, as the evidence names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowRef {
    pub id: String,
    /// `ip_range`, `asn`, `payout_account` or `shipping_address`.
    pub kind: &'static str,
}

/// An allow entry that took some of the application's identifiers out of the index lookup.
#[derive(Debug, Clone)]
pub struct AllowedLink {
    pub entry: AllowRef,
    /// The identifier kinds not linked through it.
    pub suppresses: Vec<crate::model::IdentifierKind>,
}

/// What the tenant's allow entries cover in one application.
#[derive(Debug, Clone, Default)]
pub struct AllowFacts {
    /// Per session (`app.sessions` order; empty when the tenant has no entries): the entries
    /// covering its address. The checks that judge a session by its address leave these out.
    pub sessions: Vec<Vec<AllowRef>>,
    /// Entries that kept an attribute out of the identifier index lookup: it links to nothing.
    pub links: Vec<AllowedLink>,
}

impl AllowFacts {
    /// Whether an entry covers session `i`.
    pub fn covers_session(&self, i: usize) -> bool {
        self.sessions.get(i).is_some_and(|e| !e.is_empty())
    }

    /// One row per entry, its suppressed kinds merged.
    pub fn merge_links(&mut self) {
        let mut merged: Vec<AllowedLink> = Vec::new();
        for link in self.links.drain(..) {
            match merged.iter_mut().find(|m| m.entry == link.entry) {
                Some(m) => {
                    for kind in link.suppresses {
                        if !m.suppresses.contains(&kind) {
                            m.suppresses.push(kind);
                        }
                    }
                }
                None => merged.push(link),
            }
        }
        self.links = merged;
    }
}

impl Facts {
    pub fn new(app: &Application, first_received: DateTime<Utc>) -> Facts {
        Facts {
            now: app.submitted_at.unwrap_or(first_received),
            reuse: Vec::new(),
            sessions: vec![Default::default(); app.sessions.len()],
            links: Vec::new(),
            cluster: None,
            sanctions: Default::default(),
            holder_similarity: app
                .payout
                .as_ref()
                .and_then(|p| p.account_holder_name.as_deref())
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .and_then(|holder| same_person::holder_similarity(holder, app)),
            allow: AllowFacts::default(),
            idv: None,
        }
    }

    /// Whether the payout holder is the applicant ([`same_person::SAME_PERSON_MIN`]).
    pub fn holder_is_applicant(&self) -> bool {
        self.holder_similarity
            .is_some_and(|s| s >= same_person::SAME_PERSON_MIN)
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReuseKind {
    DocumentNumber,
    PortraitDigest,
    PortraitSimilar { distance: u32 },
}

/// A document or portrait shared with applications of other identities.
#[derive(Debug, Clone)]
pub struct Reuse {
    pub kind: ReuseKind,
    pub sharing: Sharing,
}

/// The applications of other identities behind one shared identifier or attribute kind, as the
/// evidence may show them: the caller's own by id, sharing tenants' by count only.
#[derive(Debug, Clone, Default)]
pub struct Sharing {
    /// The caller's own applications: id and base verdict (their own content, without links).
    pub same_tenant: Vec<(String, Decision)>,
    /// Applications at sharing tenants: counts only.
    pub other_tenant_applications: usize,
    pub other_tenants: usize,
    /// Whether any of those applications (in any tenant) has a base verdict of `reject`.
    pub any_rejected: bool,
    /// The caller's own applications among them that a reviewer confirmed as cases.
    pub confirmed: Vec<String>,
    /// Whether any application among them (in any tenant) is a confirmed case.
    pub any_confirmed: bool,
    /// The lookup hit its cap: the counts are lower bounds.
    pub incomplete: bool,
}

/// Runs every check over one application.
pub fn run(app: &Application, facts: &Facts) -> Vec<Signal> {
    let mut signals = Vec::new();
    consistency::check(app, facts, &mut signals);
    identity::check(app, facts, &mut signals);
    if let Some(doc) = &app.identity_document {
        mrz::check(doc, facts, &mut signals);
    }
    signals.extend(run_network(app, facts));
    payout::check(app, facts, &mut signals);
    sanctions::check(facts, &mut signals);
    links::check(app, facts, &mut signals);
    allow::links(facts, &mut signals);
    signals
}

/// Whether a signal depends on other applications: the base verdict, which propagation reads,
/// leaves these out so that it does not depend on arrival order.
pub fn depends_on_other_applications(code: &str) -> bool {
    code.starts_with("LNK_")
        || code == codes::ID_DOCUMENT_REUSED
        || code == codes::ID_PORTRAIT_REUSED
}

/// The network checks alone (sessions, clocks, travel, hours): part of [`run`], measured on its own
/// in `benches/screening.rs`.
pub fn run_network(app: &Application, facts: &Facts) -> Vec<Signal> {
    if facts.allow.sessions.iter().any(|e| !e.is_empty()) {
        return allow::network(app, facts);
    }
    network_signals(app, facts)
}

/// The network checks over the sessions as `facts` describe them.
fn network_signals(app: &Application, facts: &Facts) -> Vec<Signal> {
    let mut signals = Vec::new();
    network::check(app, facts, &mut signals);
    clock::check(app, facts, &mut signals);
    clock::travel(app, facts, &mut signals);
    clock::working_hours(app, &mut signals);
    signals
}

fn signal(code: &'static str, message: impl Into<String>, evidence: serde_json::Value) -> Signal {
    let info = codes::lookup(code).expect("signals are raised with catalogued codes");
    let evidence = match evidence {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    Signal {
        code,
        category: info.category,
        message: message.into(),
        evidence,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::model::Application;
    pub use crate::model::testing::{application, now};

    pub fn codes_of(app: &Application) -> Vec<&'static str> {
        codes_with(app, &super::Facts::new(app, now()))
    }

    pub fn codes_with(app: &Application, facts: &super::Facts) -> Vec<&'static str> {
        super::run(app, facts).into_iter().map(|s| s.code).collect()
    }
}
