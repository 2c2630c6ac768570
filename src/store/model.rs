//! What goes into the store and comes out of it.

use chrono::{DateTime, Utc};

use crate::identifiers::Identifiers;
use crate::model::{Decision, IdentifierKind, Verdict};

/// A tenant id from a verified token: 1–64 characters of `A–Z a–z 0–9 . _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(id: &str) -> Option<TenantId> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        ok.then(|| TenantId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A screened application on its way to storage.
pub struct Submission {
    pub external_ref: String,
    /// The application as received (canonical JSON); stored encrypted.
    pub application_json: Vec<u8>,
    pub idempotency: Option<IdempotencyKey>,
    pub received_at: DateTime<Utc>,
    /// The verdict to store; the store assigns `id` (new, or the existing one for a known
    /// `external_ref`).
    pub verdict: Verdict,
    /// The decision without signals that depend on other applications (for propagation).
    pub base_verdict: Decision,
    /// The verdict's codes that force `reject` under the policy: a re-submission of an
    /// application a reviewer decided on is judged against the decision with them
    /// (`policy::review`).
    pub reject_forcing: std::collections::BTreeSet<String>,
    /// Index rows replacing the application's previous ones.
    pub identifiers: Identifiers,
}

/// What the store knows before an application is screened: its earlier submission, if any, and
/// the applications that share one of its identifiers.
#[derive(Debug, Default)]
pub struct PriorKnowledge {
    /// The application's id and first reception, when its `external_ref` was seen before.
    pub prior: Option<(String, DateTime<Utc>)>,
    pub shared_identifiers: Vec<SharedIdentifier>,
    /// The kinds whose lookup stopped at its budget (`LOOKUP_BUDGETS`): counts built from their
    /// `shared_identifiers` are lower bounds.
    pub truncated_kinds: Vec<IdentifierKind>,
    /// Other identities of the tenant in the cluster this one joins through strong attributes;
    /// `None` when it shares no strong attribute.
    pub cluster: Option<usize>,
    /// The newest identity-verification vendor result stored for the application under this
    /// `external_ref` (vendor name, sealed result): docs/idv.md.
    pub idv: Option<(String, Vec<u8>)>,
}

impl PriorKnowledge {
    /// Whether the lookup of `kind` stopped at its budget.
    pub fn truncated(&self, kind: IdentifierKind) -> bool {
        self.truncated_kinds.contains(&kind)
    }

    /// Adds what a lookup with the previous PII key found (`old`, for `old_ids`) to this one's
    /// (for `ids`, the same application's identifiers under the current key), during a key
    /// rotation while index rows are still being rebuilt: each hit is told under the current key of
    /// the same attribute (the two derivations list their probes in the same order), and a row
    /// keyed for the applicant's own identity under the old key counts as that identity. Another
    /// identity seen under both keys may count twice until the rebuild ends.
    pub fn merge_previous_key(
        &mut self,
        old: PriorKnowledge,
        ids: &crate::identifiers::Identifiers,
        old_ids: &crate::identifiers::Identifiers,
    ) {
        let current_key = |old_key: &[u8; 32]| {
            old_ids
                .probes
                .iter()
                .position(|p| p.key == *old_key)
                .and_then(|i| ids.probes.get(i))
                .map(|p| p.key)
        };
        for mut hit in old.shared_identifiers {
            let Some(key) = current_key(&hit.key) else {
                continue;
            };
            let already = self
                .shared_identifiers
                .iter()
                .any(|h| h.key == key && h.owner == hit.owner);
            if already {
                continue;
            }
            hit.key = key;
            if hit.name_key[..] == old_ids.name_key[..] {
                hit.name_key = ids.name_key.to_vec();
                if hit.dob_key.as_deref() == old_ids.dob_key.as_ref().map(|k| &k[..]) {
                    hit.dob_key = ids.dob_key.map(|k| k.to_vec());
                }
            }
            self.shared_identifiers.push(hit);
        }
        for kind in old.truncated_kinds {
            if !self.truncated_kinds.contains(&kind) {
                self.truncated_kinds.push(kind);
            }
        }
        self.cluster = match (self.cluster, old.cluster) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Whose application an index hit is. Another tenant's ids and name never leave the store: its
/// applications are counted through opaque per-process tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    SameTenant(String),
    OtherTenant { tenant: u64, application: u64 },
}

/// Another application indexed under one of the keys probed.
#[derive(Debug, Clone)]
pub struct SharedIdentifier {
    pub kind: IdentifierKind,
    /// The key that matched (one of the probes).
    pub key: [u8; 32],
    pub owner: Owner,
    pub name_key: Vec<u8>,
    pub dob_key: Option<Vec<u8>>,
    /// The other application's perceptual hash, for portrait-block hits.
    pub phash: Option<u64>,
    /// When the other application was seen at the address, for residential-address hits.
    pub seen: Option<crate::identifiers::Seen>,
    pub verdict: Decision,
    /// A reviewer confirmed the other application as a case (a `rejected` decision).
    pub confirmed: bool,
}

/// An application linked to another through a shared attribute.
#[derive(Debug, Clone)]
pub struct LinkedApplication {
    pub id: String,
    pub external_ref: String,
    pub verdict: Decision,
    pub shared: Vec<IdentifierKind>,
}

pub struct IdempotencyKey {
    pub key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: [u8; 32],
}

/// A verdict as stored: the application it belongs to, its version, and the document served.
#[derive(Debug, Clone)]
pub struct StoredVerdict {
    pub application_id: String,
    pub version: i64,
    pub decision: Decision,
    /// The verdict document (JSON), exactly as stored and served.
    pub json: Vec<u8>,
}

/// What storing a submission did.
#[derive(Debug)]
pub enum SubmitOutcome {
    Created(StoredVerdict),
    Rescreened(StoredVerdict),
    /// The Idempotency-Key was seen with the same body: the stored response.
    Replayed {
        status: u16,
        verdict: StoredVerdict,
    },
    /// The Idempotency-Key was seen with another body.
    IdempotencyConflict,
}

impl SubmitOutcome {
    /// The verdict this submission stored, if it stored one (not a replay or a conflict).
    pub fn stored(&self) -> Option<&StoredVerdict> {
        match self {
            SubmitOutcome::Created(v) | SubmitOutcome::Rescreened(v) => Some(v),
            _ => None,
        }
    }
}

/// Filters of HR's verdict query.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub verdict: Option<Decision>,
    pub updated_since: Option<DateTime<Utc>>,
    pub external_ref: Option<String>,
    /// Keyset position: items strictly older than this (updated_at µs, id).
    pub after: Option<(i64, String)>,
    pub limit: u32,
}

pub struct Page {
    pub items: Vec<Vec<u8>>,
    pub next: Option<(i64, String)>,
}
