//! The sanctions facts of one application: its names, payout holder and account, e-mail and
//! document number looked up in the tenant's view of the compiled lists (global and its own), each
//! hit with what corroborates or contradicts it. Which outcome a hit gets is the sanctions check's
//! business (`checks::sanctions`); this module only finds and describes.

use crate::checks::sanctions::{HitKind, ListClass, SanctionsFacts, SanctionsHit};
use crate::intel::lists::TenantLists;
use crate::intel::sanctions::matcher::{
    Evidence, KindFilter, Match, Query, REVIEW_THRESHOLD, THRESHOLD,
};
use crate::intel::sanctions::model::{
    Entity, EntityKind, LIST_VETGATE_DPRK_WATCH, PartialDate, is_official_list,
};
use crate::model::Application;

/// Names per screened input kept as hits (the best ones).
const HITS_PER_FIELD: usize = 5;

/// Screens one application: the applicant's names, the payout holder and crypto address, the
/// e-mail and document number. Only hits at or above the review floor are kept. The holder is
/// screened as the applicant when `holder_is_applicant` ([`crate::checks::Facts::holder_is_applicant`] says so).
pub fn screen(
    lists: &TenantLists<'_>,
    app: &Application,
    holder_is_applicant: bool,
) -> SanctionsFacts {
    let mut facts = SanctionsFacts {
        hits: Vec::new(),
        threshold: THRESHOLD,
        review_threshold: REVIEW_THRESHOLD,
        lists_version: lists.version().map(str::to_owned),
        holder_is_applicant,
    };
    if lists.sets().next().is_none() {
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
        name_hits(lists, &person(name), field, &mut facts.hits);
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
            name_hits(lists, &query, "payout.account_holder_name", &mut facts.hits);
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
            for (set, own_list) in lists.sets() {
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
    for (set, own_list) in lists.sets() {
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

fn name_hits(lists: &TenantLists<'_>, query: &Query, field: &str, out: &mut Vec<SanctionsHit>) {
    for m in lists.search(query) {
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
        official: is_official_list(&entity.list),
        tenant_list: own_list,
        entry_id: entity.id.clone(),
        entry_name: entity.primary_name.clone(),
        matched_value,
        score,
        programs: entity.programs.clone(),
        north_korea: entity.north_korea,
        entry_is_person: entity.kind == EntityKind::Person,
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
            .any(|n| n.chars().any(crate::model::translit::is_hangul_syllable))
}

/// Whether a name carries a legal form or an organisation word (`Ltd`, `Trading`, `Bank`).
fn names_an_organisation(name: &str) -> bool {
    use crate::model::names::normalize::{TokClass, tokens};
    tokens(name).iter().any(|t| t.class != TokClass::Name)
}
