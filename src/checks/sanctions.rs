//! Sanctions outcomes: turns list hits (found by the pipeline in the active lists before the checks
//! run) into signals. A name alone never rejects a person: a reject needs corroboration. The first
//! row that applies decides (`docs/signals.md`, "Sanctions"):
//!
//! | where the match is | score ≥ threshold | review floor ≤ score < threshold |
//! |---|---|---|
//! | payout crypto address, exactly | `SAN_PAYOUT_ADDRESS_LISTED` (reject) | – |
//! | watchlist or a tenant's own list | `SAN_WATCHLIST_MATCH` (review) | nothing |
//! | applicant's names, or a payout holder who is the applicant: corroborated, not contradicted | `SAN_APPLICANT_MATCH_CORROBORATED` (reject) | `SAN_POSSIBLE_MATCH` (review) |
//! | the same, contradicted | `SAN_NAMESAKE_CONTRADICTED` (0 points) | nothing |
//! | the same, neither | `SAN_APPLICANT_NAME_MATCH` (review) | `SAN_POSSIBLE_MATCH` (review) |
//! | payout holder who is not the applicant: an entity | `SAN_PAYOUT_HOLDER_ENTITY` (reject) | `SAN_POSSIBLE_MATCH` (review) |
//! | payout holder who is not the applicant: a person | `SAN_PAYOUT_HOLDER_PERSON` (review) | nothing |
//!
//! Corroborated: the birth date agrees with one the entry lists, or an identifier the entry lists
//! (document number, e-mail, crypto address) is the applicant's. Contradicted: every listed birth
//! date lies more than a year away, or the applicant's consistent documents show a nationality the
//! entry does not list. A contradicted row is judged on the score without the contradiction, so the
//! reviewer still sees the namesake. An e-mail address or document number on a list with no name
//! match of the same entry is `SAN_IDENTIFIER_LISTED` (review): numbers repeat across issuers.

use std::collections::BTreeMap;

use serde_json::json;

use super::codes::*;
use super::{Facts, signal};
use crate::model::{ListScopeLabel, SanctionsMatch, Signal};

/// What kind of input matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Name,
    CryptoAddress,
    Email,
    DocumentNumber,
}

impl HitKind {
    /// As the evidence names it (`matched_by`, `corroborated_by`).
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Name => "name",
            HitKind::CryptoAddress => "crypto_address",
            HitKind::Email => "email",
            HitKind::DocumentNumber => "document_number",
        }
    }
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
    /// From the tenant's own lists rather than the global ones.
    pub tenant_list: bool,
    pub entry_id: String,
    pub entry_name: String,
    /// The listed name or identifier that matched.
    pub matched_value: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub north_korea: bool,
    pub entry_is_person: bool,
    /// The score without its contradictions (equal to `score` when nothing contradicts).
    pub uncontradicted_score: f64,
    /// The applicant's facts that agree with the entry: `date_of_birth`, `document_number`.
    pub corroborated_by: Vec<&'static str>,
    /// The applicant's facts that rule the entry out: `date_of_birth`, `nationality`.
    pub contradicted_by: Vec<&'static str>,
}

/// The list hits of one application and the thresholds they were judged by.
#[derive(Debug, Clone, Default)]
pub struct SanctionsFacts {
    pub hits: Vec<SanctionsHit>,
    pub threshold: f64,
    pub review_threshold: f64,
    /// The list version screened against; `None` when no list is loaded.
    pub lists_version: Option<String>,
    /// Whether the payout account's holder is the applicant ([`super::Facts::holder_is_applicant`]):
    /// then the holder's hits are judged as the applicant's own.
    pub holder_is_applicant: bool,
}

impl SanctionsFacts {
    /// The verdict's `sanctions_matches`: every hit that decided something (a contradicted
    /// namesake is shown in its 0-point signal, not as a match), official lists first, then by
    /// score.
    pub fn matches(&self) -> Vec<SanctionsMatch> {
        let mut hits: Vec<&SanctionsHit> = self
            .judged()
            .into_iter()
            .filter(|(code, _)| *code != SAN_NAMESAKE_CONTRADICTED)
            .map(|(_, h)| h)
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
                scope: if h.tenant_list {
                    ListScopeLabel::Tenant
                } else {
                    ListScopeLabel::Global
                },
            })
            .collect()
    }

    /// Every hit with the code its outcome row gives; hits whose row says "nothing" are left out.
    fn judged(&self) -> Vec<(&'static str, &SanctionsHit)> {
        // An identifier of the applicant's that the entry lists corroborates a name match of the
        // same entry, which then says it all (one fact, one signal).
        let mut corroborated_entries: Vec<(&str, &str)> = Vec::new();
        let mut judged = Vec::new();
        for hit in &self.hits {
            if hit.kind != HitKind::Name || !self.is_applicants(hit) {
                continue;
            }
            let listed_identifier = listed_identifiers(hit, &self.hits).next().is_some();
            if let Some(code) = self.applicant_outcome(hit, listed_identifier) {
                if code != SAN_NAMESAKE_CONTRADICTED && listed_identifier {
                    corroborated_entries.push((&hit.list, &hit.entry_id));
                }
                judged.push((code, hit));
            }
        }
        for hit in &self.hits {
            let code = match hit.kind {
                HitKind::Name if self.is_applicants(hit) => continue,
                HitKind::Name => self.third_party_outcome(hit),
                HitKind::CryptoAddress => Some(SAN_PAYOUT_ADDRESS_LISTED),
                HitKind::Email | HitKind::DocumentNumber => {
                    let said = corroborated_entries
                        .iter()
                        .any(|(list, id)| *list == hit.list && *id == hit.entry_id);
                    if said {
                        None
                    } else if hit.list_class == ListClass::Watch {
                        Some(SAN_WATCHLIST_MATCH)
                    } else {
                        Some(SAN_IDENTIFIER_LISTED)
                    }
                }
            };
            if let Some(code) = code {
                judged.push((code, hit));
            }
        }
        judged
    }

    /// A name hit on the applicant's own names, or on a payout holder who is the applicant.
    fn is_applicants(&self, hit: &SanctionsHit) -> bool {
        is_applicant_name(&hit.field) || (is_payout_field(&hit.field) && self.holder_is_applicant)
    }

    fn applicant_outcome(
        &self,
        hit: &SanctionsHit,
        listed_identifier: bool,
    ) -> Option<&'static str> {
        if hit.list_class == ListClass::Watch {
            return (hit.score >= self.threshold).then_some(SAN_WATCHLIST_MATCH);
        }
        // A listed identifier of the applicant's outweighs the nationality a document shows (a
        // birth date to the day does so in the matcher), never a birth date that rules them out.
        let overridden =
            listed_identifier && hit.contradicted_by.iter().all(|f| *f == "nationality");
        if !hit.contradicted_by.is_empty() && !overridden {
            return (hit.uncontradicted_score >= self.threshold)
                .then_some(SAN_NAMESAKE_CONTRADICTED);
        }
        let score = if overridden {
            hit.uncontradicted_score
        } else {
            hit.score
        };
        let corroborated = listed_identifier || !hit.corroborated_by.is_empty();
        if score >= self.threshold {
            Some(if corroborated {
                SAN_APPLICANT_MATCH_CORROBORATED
            } else {
                SAN_APPLICANT_NAME_MATCH
            })
        } else if score >= self.review_threshold {
            Some(SAN_POSSIBLE_MATCH)
        } else {
            None
        }
    }

    /// A payout holder who is not the applicant: the name alone, entities rejected, persons
    /// reviewed.
    fn third_party_outcome(&self, hit: &SanctionsHit) -> Option<&'static str> {
        let strong = hit.score >= self.threshold;
        let floor = hit.score >= self.review_threshold;
        match (hit.list_class, hit.entry_is_person) {
            (ListClass::Watch, _) => strong.then_some(SAN_WATCHLIST_MATCH),
            (ListClass::Sanctions, false) if strong => Some(SAN_PAYOUT_HOLDER_ENTITY),
            (ListClass::Sanctions, false) => floor.then_some(SAN_POSSIBLE_MATCH),
            (ListClass::Sanctions, true) => strong.then_some(SAN_PAYOUT_HOLDER_PERSON),
        }
    }
}

/// The order hits are shown in: an official entry before a curated one for the same person
/// (docs/signals.md, "Sanctions"), then by score, then by field.
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

pub fn check(facts: &Facts, out: &mut Vec<Signal>) {
    let s = &facts.sanctions;
    let mut by_code: BTreeMap<&'static str, Vec<&SanctionsHit>> = BTreeMap::new();
    for (code, hit) in s.judged() {
        by_code.entry(code).or_default().push(hit);
    }
    for (code, mut hits) in by_code {
        hits.sort_by(|a, b| precedence(a, b));
        let best = hits[0];
        let north_korea = hits.iter().any(|h| h.north_korea);
        let entry = format!(
            "{} entry {} \"{}\"",
            best.list, best.entry_id, best.entry_name
        );
        let message = match code {
            SAN_PAYOUT_ADDRESS_LISTED => format!(
                "The payout crypto address is listed on {entry}{}.",
                dprk_note(north_korea)
            ),
            SAN_PAYOUT_HOLDER_ENTITY => format!(
                "The payout account is held by {entry}{}.",
                dprk_note(north_korea)
            ),
            SAN_PAYOUT_HOLDER_PERSON => format!(
                "The payout account's holder, who is not the applicant, matches {entry}{}: a person decides.",
                dprk_note(north_korea)
            ),
            SAN_APPLICANT_MATCH_CORROBORATED => format!(
                "The applicant matches {entry}{}, confirmed by their {}.",
                dprk_note(north_korea),
                words(&corroboration(best, &s.hits)),
            ),
            SAN_APPLICANT_NAME_MATCH => format!(
                "The applicant's name matches {entry}{}; nothing confirms or rules out the same person: a person decides.",
                dprk_note(north_korea)
            ),
            SAN_NAMESAKE_CONTRADICTED => format!(
                "The applicant's name matches {entry}, but their {} rules the entry out: a namesake.",
                words(&best.contradicted_by),
            ),
            SAN_POSSIBLE_MATCH => format!(
                "{} resembles {entry} (score {:.2}, below the match threshold {:.2}).",
                best.field, best.score, s.threshold
            ),
            SAN_WATCHLIST_MATCH => format!("{} matches watchlist {entry}.", best.field),
            _ => format!("{} is listed on {entry}.", best.field),
        };
        let person_of = same_person_groups(&hits);
        let mut persons: Vec<serde_json::Value> = Vec::new();
        for (i, (h, &group)) in hits.iter().zip(&person_of).enumerate() {
            if group == persons.len() {
                persons.push(json!({"entry_name": h.entry_name, "lists": [], "entries": []}));
            }
            let person = &mut persons[group];
            let lists = person["lists"].as_array_mut().expect("an array");
            if !lists.iter().any(|l| l == &json!(h.list)) {
                lists.push(json!(h.list));
            }
            person["entries"]
                .as_array_mut()
                .expect("an array")
                .push(json!(i));
        }
        let entries: Vec<serde_json::Value> = hits
            .iter()
            .zip(&person_of)
            .map(|(h, person)| {
                let mut e = json!({
                    "list": h.list,
                    "entry_id": h.entry_id,
                    "entry_name": h.entry_name,
                    "matched_value": h.matched_value,
                    "field": h.field,
                    "matched_by": h.kind.as_str(),
                    "score": round3(h.score),
                    "programs": h.programs,
                    "north_korea": h.north_korea,
                    "person": person,
                });
                if h.kind == HitKind::Name {
                    e["corroborated_by"] = json!(corroboration(h, &s.hits));
                    e["contradicted_by"] = json!(h.contradicted_by);
                }
                if code == SAN_NAMESAKE_CONTRADICTED {
                    e["score_without_contradiction"] = json!(round3(h.uncontradicted_score));
                }
                e
            })
            .collect();
        out.push(signal(
            code,
            message,
            json!({
                "entries": entries,
                "persons": persons,
                "north_korea": north_korea,
                "threshold": s.threshold,
                "review_threshold": s.review_threshold,
            }),
        ));
    }
}

/// Which listed person each hit names, as an index into the groups in order of first appearance:
/// entries of different lists whose names are the same words (letter case, punctuation, word
/// order and typographic apostrophes aside: `PAK, Jin Hyok`, `PAK JIN HYOK`, `Jin-Hyok Pak`), or
/// that list the same identifier of the applicant's, name the same person. Two entries of one list
/// are two listed parties, never one.
fn same_person_groups(hits: &[&SanctionsHit]) -> Vec<usize> {
    fn words(name: &str) -> Vec<String> {
        let mut words: Vec<String> = name
            .split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '\u{2019}'))
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        words.sort_unstable();
        words
    }
    let keys: Vec<Vec<String>> = hits.iter().map(|h| words(&h.entry_name)).collect();
    let same_entry =
        |a: usize, b: usize| hits[a].list == hits[b].list && hits[a].entry_id == hits[b].entry_id;
    let same = |a: usize, b: usize| {
        let (x, y) = (hits[a], hits[b]);
        same_entry(a, b)
            || (!keys[a].is_empty() && keys[a] == keys[b])
            || (x.kind != HitKind::Name && x.kind == y.kind && x.matched_value == y.matched_value)
    };
    let mut group_of: Vec<usize> = Vec::with_capacity(hits.len());
    let mut groups = 0;
    for i in 0..hits.len() {
        // The entry itself, found under another field, first; then another list's entry, unless
        // the group already holds another entry of this entry's list.
        let joined = (0..i).find(|&j| same_entry(i, j)).or_else(|| {
            (0..i).find(|&j| {
                same(i, j)
                    && !(0..i).any(|k| {
                        group_of[k] == group_of[j]
                            && hits[k].list == hits[i].list
                            && !same_entry(k, i)
                    })
            })
        });
        match joined {
            Some(j) => group_of.push(group_of[j]),
            None => {
                group_of.push(groups);
                groups += 1;
            }
        }
    }
    group_of
}

/// The identifiers of the applicant's (e-mail, document number, crypto address) that the entry of
/// `hit` lists, as the evidence names them.
fn listed_identifiers<'a>(
    hit: &'a SanctionsHit,
    all: &'a [SanctionsHit],
) -> impl Iterator<Item = &'static str> + 'a {
    all.iter()
        .filter(move |other| {
            other.kind != HitKind::Name && other.list == hit.list && other.entry_id == hit.entry_id
        })
        .map(|other| other.kind.as_str())
}

/// What corroborates a name hit: the matcher's findings and identifiers of the applicant's that
/// the same entry lists.
fn corroboration(hit: &SanctionsHit, all: &[SanctionsHit]) -> Vec<&'static str> {
    let mut facts = hit.corroborated_by.clone();
    for fact in listed_identifiers(hit, all) {
        if !facts.contains(&fact) {
            facts.push(fact);
        }
    }
    facts
}

/// `["date_of_birth", "nationality"]` as "date of birth and nationality".
fn words(facts: &[&str]) -> String {
    let words: Vec<String> = facts.iter().map(|f| f.replace('_', " ")).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn dprk_note(north_korea: bool) -> &'static str {
    if north_korea {
        ", a North Korea designation"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(list: &str, id: &str, name: &str, kind: HitKind, value: &str) -> SanctionsHit {
        SanctionsHit {
            field: "applicant.full_name".into(),
            kind,
            list: list.into(),
            list_class: ListClass::Sanctions,
            official: true,
            tenant_list: false,
            entry_id: id.into(),
            entry_name: name.into(),
            matched_value: value.into(),
            score: 0.9,
            programs: Vec::new(),
            north_korea: true,
            entry_is_person: true,
            uncontradicted_score: 0.9,
            corroborated_by: Vec::new(),
            contradicted_by: Vec::new(),
        }
    }

    #[test]
    fn entries_of_different_lists_that_name_one_person_are_grouped() {
        let name = HitKind::Name;
        let hits = [
            hit("OFAC-SDN", "1", "PAK, Jin Hyok", name, "PAK, Jin Hyok"),
            hit("EU-FSF", "9", "Jin-Hyok PAK", name, "Jin-Hyok PAK"),
            hit("UN-SC", "KPi.1", "PAK JIN HYOK", name, "PAK JIN HYOK"),
            // Another entry of the same name on a list already in the group: another party.
            hit("EU-FSF", "10", "PAK Jin Hyok", name, "PAK Jin Hyok"),
            hit("UK-SANCTIONS", "X", "KIM Il", name, "KIM Il"),
            // Not the same words: another person.
            hit("OS-KP", "a", "PAK Jin", name, "PAK Jin"),
            // The first entry again, found under another field.
            hit("OFAC-SDN", "1", "PAK, Jin Hyok", name, "PAK Jin Hyok"),
        ];
        let refs: Vec<&SanctionsHit> = hits.iter().collect();
        assert_eq!(same_person_groups(&refs), [0, 0, 0, 1, 2, 3, 0]);
        // The same listed document number joins entries whatever their names.
        let docs = [
            hit(
                "EU-FSF",
                "9",
                "RYANG Chol",
                HitKind::DocumentNumber,
                "836410017",
            ),
            hit(
                "OS-KP",
                "b",
                "Chol Min Ryang",
                HitKind::DocumentNumber,
                "836410017",
            ),
            hit(
                "UK-SANCTIONS",
                "c",
                "RYANG Chol",
                HitKind::DocumentNumber,
                "1",
            ),
        ];
        let refs: Vec<&SanctionsHit> = docs.iter().collect();
        assert_eq!(same_person_groups(&refs), [0, 0, 0]);
    }
}
