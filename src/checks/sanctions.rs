//! Sanctions outcomes: turns list hits (found by the pipeline in the active lists before the checks
//! run) into signals, following the outcome table of decisions.md "Sanctions". The first row that
//! applies decides:
//!
//! | where the match is | score ≥ threshold | review floor ≤ score < threshold |
//! |---|---|---|
//! | watchlist or a tenant's own list | `SAN_WATCHLIST_MATCH` (review) | `SAN_WATCHLIST_MATCH` |
//! | payout holder / payout crypto address | `SAN_PAYOUT_MATCH` (reject) | `SAN_POSSIBLE_MATCH` (review) |
//! | applicant's names, entry without a birth date, documents show another nationality | `SAN_APPLICANT_MATCH_UNCONFIRMED` (review) | `SAN_POSSIBLE_MATCH` |
//! | applicant's names, otherwise | `SAN_APPLICANT_MATCH` (reject) | `SAN_POSSIBLE_MATCH` |
//!
//! An e-mail address or document number the lists name is `SAN_IDENTIFIER_LISTED` (review): an
//! exact identifier alone may be a coincidence across issuers, a name alongside it scores the
//! name match up instead.

use std::collections::BTreeMap;

use serde_json::json;

use super::codes::*;
use super::{Facts, signal};
use crate::model::{Application, SanctionsMatch, Signal};

/// What kind of input matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Name,
    CryptoAddress,
    Email,
    DocumentNumber,
}

/// Which outcome row a list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListClass {
    /// Official (OFAC, UN), the curated IT-worker list, and other operator lists.
    Sanctions,
    /// `VETGATE-DPRK-WATCH` and tenants' own lists: a human looks, nothing is rejected by default.
    Watch,
}

/// One list entry found for one screened input.
#[derive(Debug, Clone, PartialEq)]
pub struct SanctionsHit {
    /// Dotted path of the screened input: `payout.account_holder_name`, `applicant.other_names[1]`.
    pub field: String,
    pub kind: HitKind,
    pub list: String,
    pub list_class: ListClass,
    /// OFAC-SDN or UN-SC: shown before a curated row for the same person.
    pub official: bool,
    pub entry_id: String,
    pub entry_name: String,
    /// The listed name or identifier that matched.
    pub matched_value: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub north_korea: bool,
    pub entry_has_dob: bool,
    pub entry_is_person: bool,
    /// Nationalities and citizenships the entry lists (ISO alpha-2).
    pub entry_countries: Vec<String>,
}

/// The list hits of one application and the thresholds they were judged by.
#[derive(Debug, Clone, Default)]
pub struct SanctionsFacts {
    pub hits: Vec<SanctionsHit>,
    pub threshold: f64,
    pub review_threshold: f64,
    /// The list version screened against; `None` when no list is loaded.
    pub lists_version: Option<String>,
}

impl SanctionsFacts {
    /// The verdict's `sanctions_matches`: every hit at or above the review floor, official lists
    /// first, then by score.
    pub fn matches(&self) -> Vec<SanctionsMatch> {
        let mut hits: Vec<&SanctionsHit> = self
            .hits
            .iter()
            .filter(|h| h.score >= self.review_threshold)
            .collect();
        hits.sort_by(|a, b| precedence(a, b));
        hits.into_iter()
            .map(|h| SanctionsMatch {
                list: h.list.clone(),
                entry_id: h.entry_id.clone(),
                entry_name: h.entry_name.clone(),
                matched_value: Some(h.matched_value.clone()),
                field: h.field.clone(),
                score: round3(h.score),
                programs: h.programs.clone(),
            })
            .collect()
    }
}

/// The order hits are shown in: an official entry before a curated one for the same person
/// (decisions.md), then by score, then by field.
fn precedence(a: &SanctionsHit, b: &SanctionsHit) -> std::cmp::Ordering {
    b.official
        .cmp(&a.official)
        .then(b.score.total_cmp(&a.score))
        .then(a.field.cmp(&b.field))
}

/// Scores as shown to people: three decimals.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn is_payout_field(field: &str) -> bool {
    field.starts_with("payout.")
}

fn is_applicant_name(field: &str) -> bool {
    field == "applicant.full_name" || field.starts_with("applicant.other_names[")
}

/// The nationality the applicant's identity document shows, when the declared nationality (if
/// any) agrees with it. Without a document there is nothing consistent to go by.
fn consistent_nationality(app: &Application) -> Option<String> {
    let doc = app.identity_document.as_ref()?;
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

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let s = &facts.sanctions;
    let nationality = consistent_nationality(app);
    let mut by_code: BTreeMap<&'static str, Vec<&SanctionsHit>> = BTreeMap::new();
    for hit in &s.hits {
        if hit.score < s.review_threshold {
            continue;
        }
        let strong = hit.score >= s.threshold;
        let code = if hit.list_class == ListClass::Watch {
            SAN_WATCHLIST_MATCH
        } else if matches!(hit.kind, HitKind::Email | HitKind::DocumentNumber) {
            SAN_IDENTIFIER_LISTED
        } else if !strong {
            SAN_POSSIBLE_MATCH
        } else if is_payout_field(&hit.field) {
            SAN_PAYOUT_MATCH
        } else if is_applicant_name(&hit.field)
            && !hit.entry_has_dob
            && !hit.entry_countries.is_empty()
            && nationality
                .as_ref()
                .is_some_and(|n| !hit.entry_countries.contains(n))
        {
            SAN_APPLICANT_MATCH_UNCONFIRMED
        } else {
            SAN_APPLICANT_MATCH
        };
        by_code.entry(code).or_default().push(hit);
    }
    for (code, mut hits) in by_code {
        hits.sort_by(|a, b| precedence(a, b));
        let best = hits[0];
        let north_korea = hits.iter().any(|h| h.north_korea);
        let message = match code {
            SAN_PAYOUT_MATCH => format!(
                "The payout account ({}) matches {} entry {} \"{}\"{}.",
                best.field,
                best.list,
                best.entry_id,
                best.entry_name,
                dprk_note(north_korea)
            ),
            SAN_APPLICANT_MATCH => format!(
                "The applicant's name matches {} entry {} \"{}\"{}.",
                best.list,
                best.entry_id,
                best.entry_name,
                dprk_note(north_korea)
            ),
            SAN_APPLICANT_MATCH_UNCONFIRMED => format!(
                "The applicant's name matches {} entry {} \"{}\", which lists no date of birth and another nationality than the applicant's documents.",
                best.list, best.entry_id, best.entry_name
            ),
            SAN_POSSIBLE_MATCH => format!(
                "{} resembles {} entry {} \"{}\" (score {:.2}, below the match threshold {:.2}).",
                best.field, best.list, best.entry_id, best.entry_name, best.score, s.threshold
            ),
            SAN_WATCHLIST_MATCH => format!(
                "{} matches watchlist {} entry {} \"{}\".",
                best.field, best.list, best.entry_id, best.entry_name
            ),
            _ => format!(
                "{} is listed on {} entry {} \"{}\".",
                best.field, best.list, best.entry_id, best.entry_name
            ),
        };
        let entries: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                json!({
                    "list": h.list,
                    "entry_id": h.entry_id,
                    "entry_name": h.entry_name,
                    "matched_value": h.matched_value,
                    "field": h.field,
                    "matched_by": match h.kind {
                        HitKind::Name => "name",
                        HitKind::CryptoAddress => "crypto_address",
                        HitKind::Email => "email",
                        HitKind::DocumentNumber => "document_number",
                    },
                    "score": round3(h.score),
                    "programs": h.programs,
                    "north_korea": h.north_korea,
                })
            })
            .collect();
        out.push(signal(
            code,
            message,
            json!({
                "entries": entries,
                "north_korea": north_korea,
                "threshold": s.threshold,
                "review_threshold": s.review_threshold,
            }),
        ));
    }
}

fn dprk_note(north_korea: bool) -> &'static str {
    if north_korea {
        ", a North Korea designation"
    } else {
        ""
    }
}
