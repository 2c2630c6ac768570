//! The identity document itself: its dates, its issuer, the vendor's verdict on it, and whether its
//! number or portrait already stands behind another identity; and names written to slip past name
//! matching (look-alike letters of another script inside a word).

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::codes::*;
use super::{Facts, Reuse, ReuseKind, signal};
use crate::model::text::mixed_scripts;
use crate::model::{
    Application, Country, DocumentKind, IdentityDocument, Signal, VendorCheck, VendorStatus,
};

/// A document expiring sooner than this is flagged (weakly): it will not last the engagement.
const EXPIRY_WARNING_DAYS: i64 = 30;
/// Below this face-match score the vendor's match is not trusted.
pub const FACE_MATCH_MIN: f64 = 0.80;
const MIN_AGE: i32 = 16;
const MAX_AGE: i32 = 90;
/// States that issue no national identity card.
const NO_NATIONAL_ID_CARD: &[&str] = &["US", "GB", "CA", "AU", "NZ"];

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    if let Some(doc) = &app.identity_document {
        dates(app, doc, facts.today(), out);
        issuer(doc, out);
    }
    vendor(app, facts, out);
    vendor_document(app, facts, out);
    mixed_script_names(app, out);
    for reuse in &facts.reuse {
        out.push(reuse_signal(reuse));
    }
}

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn dates(app: &Application, doc: &IdentityDocument, today: NaiveDate, out: &mut Vec<Signal>) {
    if let Some(expiry) = doc.expiry_date {
        let days_left = (expiry - today).num_days();
        if days_left < 0 {
            out.push(signal(
                ID_DOCUMENT_EXPIRED,
                format!(
                    "The identity document expired {} day(s) before the application.",
                    -days_left
                ),
                json!({ "expiry_date": expiry.to_string(), "as_of": today.to_string() }),
            ));
        } else if days_left <= EXPIRY_WARNING_DAYS {
            out.push(signal(
                ID_DOCUMENT_EXPIRING,
                format!("The identity document expires in {days_left} day(s)."),
                json!({ "expiry_date": expiry.to_string(), "as_of": today.to_string() }),
            ));
        }
    }

    let mut contradictions = Vec::new();
    if let (Some(issued), Some(expiry)) = (doc.issue_date, doc.expiry_date)
        && issued >= expiry
    {
        contradictions.push("issued on or after its expiry date");
    }
    if doc.issue_date.is_some_and(|issued| issued > today) {
        contradictions.push("issued after the application");
    }
    if let (Some(birth), Some(issued)) = (doc.date_of_birth, doc.issue_date)
        && issued < birth
    {
        contradictions.push("issued before its holder was born");
    }
    if !contradictions.is_empty() {
        out.push(signal(
            ID_DOCUMENT_DATES_INCONSISTENT,
            format!(
                "The identity document's dates contradict each other: {}.",
                contradictions.join("; ")
            ),
            json!({
                "issue_date": doc.issue_date.map(|d| d.to_string()),
                "expiry_date": doc.expiry_date.map(|d| d.to_string()),
                "date_of_birth": doc.date_of_birth.map(|d| d.to_string()),
                "contradictions": contradictions,
            }),
        ));
    }

    if let Some(birth) = doc.date_of_birth.or(app.applicant.date_of_birth) {
        let age = age_on(birth, today);
        if !(MIN_AGE..=MAX_AGE).contains(&age) {
            out.push(signal(
                ID_AGE_IMPLAUSIBLE,
                format!("The applicant would be {age} years old, outside {MIN_AGE}–{MAX_AGE}."),
                json!({ "date_of_birth": birth.to_string(), "age": age, "as_of": today.to_string() }),
            ));
        }
    }
}

fn issuer(doc: &IdentityDocument, out: &mut Vec<Signal>) {
    let north_korea = Country::parse("KP").expect("KP is assigned");
    let issuer_country = doc.issuing_country.country();
    let nationality = doc.nationality.as_ref().and_then(|n| n.country());
    if issuer_country == Some(north_korea) || nationality == Some(north_korea) {
        out.push(signal(
            ID_DPRK_DOCUMENT,
            "The identity document was issued by North Korea or names North Korean nationality.",
            json!({
                "issuing_country": doc.issuing_country.as_str(),
                "nationality": doc.nationality.as_ref().map(|n| n.as_str()),
            }),
        ));
    }

    let code = doc.issuing_country.as_str();
    let zone_code = doc
        .mrz_read
        .as_ref()
        .and_then(|read| read.as_ref().ok())
        .map(|zone| zone.document_code.as_str())
        .filter(|c| !c.is_empty());
    let reason = match doc.kind {
        // XXA/XXB/XXC/XXX describe a holder's status; they never issue anything.
        _ if matches!(code, "XXA" | "XXB" | "XXC" | "XXX") => {
            Some("a stateless or refugee status code cannot issue documents")
        }
        DocumentKind::NationalId
            if issuer_country.is_some_and(|c| NO_NATIONAL_ID_CARD.contains(&c.as_str())) =>
        {
            Some("this state issues no national identity card")
        }
        DocumentKind::ResidencePermit
            if issuer_country.is_some() && issuer_country == nationality =>
        {
            Some("a state does not issue residence permits to its own nationals")
        }
        DocumentKind::DriversLicense if issuer_country.is_none() => {
            Some("driving licences are issued by states, not organisations")
        }
        // ICAO document codes: P… passports, I/A/C… identity cards and other travel documents.
        DocumentKind::Passport if zone_code.is_some_and(|c| !c.starts_with('P')) => {
            Some("its machine-readable zone is not a passport's (document code other than P)")
        }
        DocumentKind::NationalId | DocumentKind::ResidencePermit
            if zone_code.is_some_and(|c| c.starts_with('P')) =>
        {
            Some("its machine-readable zone is a passport's (document code P)")
        }
        _ => None,
    };
    if let Some(reason) = reason {
        out.push(signal(
            ID_DOCUMENT_KIND_IMPLAUSIBLE,
            format!("The document kind does not fit its issuer: {reason}."),
            json!({
                "kind": doc.kind,
                "mrz_document_code": zone_code,
                "issuing_country": code,
                "nationality": doc.nationality.as_ref().map(|n| n.as_str()),
            }),
        ));
    }
}

/// The vendor's verdict: from its own callback when one arrived (newer than, and taking the place
/// of, what the platform copied into `identity_document.vendor_check`), else the application's.
fn vendor(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let check = match (&facts.idv, app.identity_document.as_ref()) {
        (Some(idv), _) => {
            let mapped = &idv.result.vendor_check;
            VendorCheck {
                vendor: Some(idv.vendor.as_str().to_owned()),
                status: Some(mapped.status),
                liveness_passed: mapped.liveness_passed,
                face_match_score: mapped.face_match_score,
            }
        }
        (
            None,
            Some(IdentityDocument {
                vendor_check: Some(check),
                ..
            }),
        ) => check.clone(),
        _ => return,
    };
    let vendor = check.vendor.as_deref();
    if check.status == Some(VendorStatus::Failed) {
        out.push(signal(
            ID_VENDOR_CHECK_FAILED,
            "The identity-verification vendor failed the document.",
            json!({ "vendor": vendor, "status": "failed" }),
        ));
    }
    if check.liveness_passed == Some(false) {
        out.push(signal(
            ID_LIVENESS_FAILED,
            "The vendor's liveness check failed: the selfie may not be a live person.",
            json!({ "vendor": vendor }),
        ));
    }
    if let Some(score) = check.face_match_score.filter(|s| *s < FACE_MATCH_MIN) {
        out.push(signal(
            ID_FACE_MATCH_LOW,
            format!("The selfie matches the document portrait with a score of {score:.2}, below {FACE_MATCH_MIN:.2}."),
            json!({ "vendor": vendor, "face_match_score": score, "minimum": FACE_MATCH_MIN }),
        ));
    }
}

/// Letters and digits of a document number, upper-cased: how numbers are compared.
fn document_number(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The country an alpha-2, alpha-3 or ICAO code names.
fn country_of(code: &str) -> Option<Country> {
    crate::model::IcaoCode::parse(&code.trim().to_ascii_uppercase())?.country()
}

/// The document fields the vendor extracted against the application: another person's name or
/// birth date (`ID_VENDOR_PERSON_MISMATCH`, which names any document field that differs too), or
/// the same person with another document (`ID_VENDOR_DOCUMENT_MISMATCH`). A field either side lacks
/// is not compared. The evidence names fields, never their values.
fn vendor_document(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(idv) = &facts.idv else { return };
    let found = &idv.result.document;
    let doc = app.identity_document.as_ref();
    let mut person: Vec<&str> = Vec::new();
    let name = [found.given_names.as_deref(), found.surname.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !name.trim().is_empty()
        && super::same_person::holder_similarity(&name, app)
            .is_some_and(|s| s < super::same_person::SAME_PERSON_MIN)
    {
        person.push("name");
    }
    let declared_birth = doc
        .and_then(|d| d.date_of_birth)
        .or(app.applicant.date_of_birth);
    if let (Some(found), Some(declared)) = (found.date_of_birth, declared_birth)
        && found != declared
    {
        person.push("date_of_birth");
    }
    let mut document: Vec<&str> = Vec::new();
    if let Some(doc) = doc {
        if let Some(number) = &found.number
            && !document_number(number).is_empty()
            && document_number(number) != document_number(&doc.number)
        {
            document.push("number");
        }
        let differs = |found: &Option<String>, declared: Option<Country>| match (
            found.as_deref().and_then(country_of),
            declared,
        ) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        if differs(&found.issuing_country, doc.issuing_country.country()) {
            document.push("issuing_country");
        }
        if differs(
            &found.nationality,
            doc.nationality.as_ref().and_then(|n| n.country()),
        ) {
            document.push("nationality");
        }
        if let (Some(a), Some(b)) = (found.expiry_date, doc.expiry_date)
            && a != b
        {
            document.push("expiry_date");
        }
    }
    let vendor = idv.vendor.as_str();
    if !person.is_empty() {
        out.push(signal(
            ID_VENDOR_PERSON_MISMATCH,
            format!(
                "The document the identity-verification vendor ({vendor}) verified names another person: {} differ(s).",
                person.join(", ")
            ),
            json!({ "vendor": vendor, "fields": person, "document_fields": document }),
        ));
    } else if !document.is_empty() {
        out.push(signal(
            ID_VENDOR_DOCUMENT_MISMATCH,
            format!(
                "The identity-verification vendor ({vendor}) verified another document than the application's: {} differ(s).",
                document.join(", ")
            ),
            json!({ "vendor": vendor, "fields": document }),
        ));
    }
}

/// Every person's name the application carries, with its input path.
fn names(app: &Application) -> Vec<(String, &str)> {
    let applicant = &app.applicant;
    let mut names = vec![(
        "applicant.full_name".to_owned(),
        applicant.full_name.as_str(),
    )];
    for (i, other) in applicant.other_names.iter().enumerate() {
        names.push((format!("applicant.other_names[{i}]"), other.as_str()));
    }
    if let Some(doc) = &app.identity_document {
        for (field, name) in [("surname", &doc.surname), ("given_names", &doc.given_names)] {
            if let Some(name) = name {
                names.push((format!("identity_document.{field}"), name.as_str()));
            }
        }
    }
    if let Some(holder) = app
        .payout
        .as_ref()
        .and_then(|p| p.account_holder_name.as_ref())
    {
        names.push(("payout.account_holder_name".to_owned(), holder.as_str()));
    }
    if let Some(recipient) = app
        .shipping_address
        .as_ref()
        .and_then(|s| s.recipient_name.as_ref())
    {
        names.push((
            "shipping_address.recipient_name".to_owned(),
            recipient.as_str(),
        ));
    }
    names
}

/// Names with a word that mixes scripts (`Раk` with a Cyrillic `Р` and `а`): the matcher reads
/// such a word in one script (`crate::model::text::name`), and the mix itself is reported. A name
/// wholly in one script (Hangul, Han, Cyrillic) or with words in different scripts (`Kim 김`) is not
/// mixed. The evidence names the fields and the scripts, never the name.
fn mixed_script_names(app: &Application, out: &mut Vec<Signal>) {
    let fields: Vec<(String, Vec<&str>)> = names(app)
        .into_iter()
        .map(|(field, name)| (field, mixed_scripts(name)))
        .filter(|(_, scripts)| !scripts.is_empty())
        .collect();
    if fields.is_empty() {
        return;
    }
    let listed: Vec<&str> = fields.iter().map(|(field, _)| field.as_str()).collect();
    out.push(signal(
        ID_NAME_MIXED_SCRIPT,
        format!(
            "A name mixes letters of different scripts inside one word, as look-alike letters do to slip past name matching: {}.",
            listed.join(", ")
        ),
        json!({
            "fields": fields
                .iter()
                .map(|(field, scripts)| json!({"field": field, "scripts": scripts}))
                .collect::<Vec<_>>(),
        }),
    ));
}

fn reuse_signal(reuse: &Reuse) -> Signal {
    let (code, what) = match reuse.kind {
        ReuseKind::DocumentNumber => (ID_DOCUMENT_REUSED, "This document number"),
        ReuseKind::PortraitDigest => (ID_PORTRAIT_REUSED, "This exact portrait image"),
        ReuseKind::PortraitSimilar { .. } => (ID_PORTRAIT_REUSED, "A near-identical portrait"),
    };
    let total = reuse.sharing.same_tenant.len() + reuse.sharing.other_tenant_applications;
    let mut evidence = json!({
        "identifier": match reuse.kind {
            ReuseKind::DocumentNumber => "document_number",
            ReuseKind::PortraitDigest => "portrait_sha256",
            ReuseKind::PortraitSimilar { .. } => "portrait_phash",
        },
        "applications": reuse.sharing.same_tenant.iter().map(|(id, verdict)| json!({"id": id, "verdict": verdict})).collect::<Vec<_>>(),
        "other_tenant_applications": reuse.sharing.other_tenant_applications,
        "other_tenants": reuse.sharing.other_tenants,
        "any_rejected": reuse.sharing.any_rejected,
    });
    if reuse.sharing.incomplete {
        evidence["counts_are_lower_bounds"] = true.into();
    }
    if let ReuseKind::PortraitSimilar { distance } = reuse.kind {
        evidence["hamming_distance"] = distance.into();
    }
    signal(
        code,
        format!(
            "{what} also appears on {total} other application(s) under another name or date of birth."
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Sharing;
    use crate::checks::testing::{application, codes_with, now};
    use crate::model::Decision;

    type Case = (&'static str, fn(&mut serde_json::Value));

    fn codes(app: &Application) -> Vec<&'static str> {
        codes_with(app, &Facts::new(app, now()))
    }

    #[test]
    fn each_document_problem_raises_its_code() {
        let cases: [Case; 11] = [
            (ID_DOCUMENT_EXPIRED, |a| {
                a["identity_document"]["expiry_date"] = "2026-01-31".into()
            }),
            (ID_DOCUMENT_EXPIRING, |a| {
                a["identity_document"]["expiry_date"] = "2026-12-10".into()
            }),
            (ID_DOCUMENT_DATES_INCONSISTENT, |a| {
                a["identity_document"]["issue_date"] = "2031-06-01".into()
            }),
            (ID_AGE_IMPLAUSIBLE, |a| {
                a["identity_document"]["date_of_birth"] = "2014-03-14".into();
                a["applicant"]["date_of_birth"] = "2014-03-14".into();
            }),
            (ID_DOCUMENT_KIND_IMPLAUSIBLE, |a| {
                a["identity_document"]["kind"] = "national_id".into()
            }),
            (ID_DOCUMENT_KIND_IMPLAUSIBLE, |a| {
                a["identity_document"]["kind"] = "residence_permit".into()
            }),
            (ID_DOCUMENT_KIND_IMPLAUSIBLE, |a| {
                a["identity_document"]["issuing_country"] = "XXA".into();
            }),
            (ID_DPRK_DOCUMENT, |a| {
                a["identity_document"]["issuing_country"] = "PRK".into();
                a["identity_document"]["nationality"] = "PRK".into();
                a["applicant"]["nationality"] = "KP".into();
            }),
            (ID_VENDOR_CHECK_FAILED, |a| {
                a["identity_document"]["vendor_check"] = serde_json::json!({"status": "failed"})
            }),
            (ID_LIVENESS_FAILED, |a| {
                a["identity_document"]["vendor_check"] =
                    serde_json::json!({"liveness_passed": false})
            }),
            (ID_FACE_MATCH_LOW, |a| {
                a["identity_document"]["vendor_check"] =
                    serde_json::json!({"face_match_score": 0.41})
            }),
        ];
        for (code, edit) in cases {
            assert_eq!(codes(&application(edit)), [code], "{code}");
        }
    }

    #[test]
    fn ordinary_documents_raise_nothing() {
        let cases: [Case; 6] = [
            ("a valid US passport", |_| {}),
            ("a German national ID card", |a| {
                a["identity_document"]["kind"] = "national_id".into();
                a["identity_document"]["issuing_country"] = "D".into();
                a["identity_document"]["nationality"] = "D".into();
                a["applicant"]["nationality"] = "DE".into();
            }),
            ("a US residence permit for a Japanese national", |a| {
                a["identity_document"]["kind"] = "residence_permit".into();
                a["identity_document"]["nationality"] = "JPN".into();
                a["applicant"]["nationality"] = "JP".into();
            }),
            ("a South Korean passport", |a| {
                a["identity_document"]["issuing_country"] = "KOR".into();
                a["identity_document"]["nationality"] = "KOR".into();
                a["applicant"]["nationality"] = "KR".into();
            }),
            ("a UN laissez-passer", |a| {
                a["identity_document"]["issuing_country"] = "UNO".into();
                a["identity_document"]["nationality"] = "USA".into();
            }),
            ("a good vendor result", |a| {
                a["identity_document"]["vendor_check"] = serde_json::json!({"status": "passed", "liveness_passed": true, "face_match_score": 0.93});
            }),
        ];
        for (why, edit) in cases {
            assert!(
                codes(&application(edit)).is_empty(),
                "{why}: {:?}",
                codes(&application(edit))
            );
        }
    }

    #[test]
    fn reuse_of_a_document_or_portrait_is_reported_with_counts_only_across_tenants() {
        let app = application(|_| {});
        let mut facts = Facts::new(&app, now());
        facts.reuse = vec![
            Reuse {
                kind: ReuseKind::DocumentNumber,
                sharing: Sharing {
                    same_tenant: vec![("a-1".into(), Decision::Review)],
                    other_tenant_applications: 2,
                    other_tenants: 1,
                    any_rejected: true,
                    incomplete: false,
                    ..Sharing::default()
                },
            },
            Reuse {
                kind: ReuseKind::PortraitSimilar { distance: 3 },
                sharing: Sharing {
                    same_tenant: vec![],
                    other_tenant_applications: 1,
                    other_tenants: 1,
                    any_rejected: false,
                    incomplete: true,
                    ..Sharing::default()
                },
            },
        ];
        let signals = super::super::run(&app, &facts);
        let codes: Vec<&str> = signals.iter().map(|s| s.code).collect();
        assert_eq!(codes, [ID_DOCUMENT_REUSED, ID_PORTRAIT_REUSED]);
        assert_eq!(signals[0].evidence["other_tenant_applications"], 2);
        assert_eq!(signals[0].evidence["applications"][0]["id"], "a-1");
        assert_eq!(signals[1].evidence["hamming_distance"], 3);
        assert_eq!(signals[1].evidence["counts_are_lower_bounds"], true);
        assert!(signals[0].evidence.get("counts_are_lower_bounds").is_none());
    }

    #[test]
    fn a_name_word_mixing_scripts_is_reported_with_its_field_and_scripts_only() {
        let app = application(|a| {
            // Cyrillic Р and а in the given names on the document, a Greek Η in an alias.
            a["identity_document"]["given_names"] = "\u{0420}\u{0430}k".into();
            a["applicant"]["other_names"] = serde_json::json!(["Emily Carter", "\u{0397}yok"]);
        });
        let signals = super::super::run(&app, &Facts::new(&app, now()));
        let mixed: Vec<&Signal> = signals
            .iter()
            .filter(|s| s.code == ID_NAME_MIXED_SCRIPT)
            .collect();
        assert_eq!(mixed.len(), 1, "one signal for every field: {signals:?}");
        let evidence = serde_json::Value::Object(mixed[0].evidence.clone());
        assert_eq!(
            evidence,
            json!({"fields": [
                {"field": "applicant.other_names[1]", "scripts": ["Greek", "Latin"]},
                {"field": "identity_document.given_names", "scripts": ["Cyrillic", "Latin"]},
            ]})
        );
        assert!(!mixed[0].message.contains("yok") && !evidence.to_string().contains("yok"));
    }

    #[test]
    fn names_in_one_script_per_word_are_not_mixed() {
        for (full_name, other_names) in [
            ("김영철", vec!["Kim Yong Chol"]),
            ("Kim Yong Chol 김영철", vec![]),
            ("王芳", vec!["Wang Fang"]),
            ("Андреев Виталий Сергеевич", vec!["Vitaliy Andreev"]),
            ("Γεωργία Παπαδοπούλου", vec![]),
            ("Nguyễn Thị Hương", vec![]),
            ("Pa\u{200B}k Jin\u{00AD} Hyok", vec![]),
        ] {
            let app = application(|a| {
                a["applicant"]["full_name"] = full_name.into();
                a["applicant"]["other_names"] = serde_json::json!(other_names);
            });
            let signals = super::super::run(&app, &Facts::new(&app, now()));
            assert!(
                signals.iter().all(|s| s.code != ID_NAME_MIXED_SCRIPT),
                "{full_name}: {signals:?}"
            );
        }
    }

    fn with_vendor(app: &Application, edit: impl FnOnce(&mut crate::idv::IdvResult)) -> Facts {
        let mut result = crate::idv::IdvResult {
            vendor_check: crate::idv::MappedCheck {
                status: VendorStatus::Passed,
                liveness_passed: Some(true),
                face_match_score: None,
            },
            document: crate::idv::ExtractedDocument {
                number: Some("c0300-5988".into()),
                given_names: Some("Emily".into()),
                surname: Some("Carter".into()),
                date_of_birth: "1990-03-14".parse().ok(),
                nationality: Some("US".into()),
                issuing_country: Some("USA".into()),
                expiry_date: "2031-05-01".parse().ok(),
            },
            vendor_status: "approved".into(),
        };
        edit(&mut result);
        let mut facts = Facts::new(app, now());
        facts.idv = Some(crate::checks::IdvFacts {
            vendor: crate::idv::Vendor::Persona,
            result,
        });
        facts
    }

    #[test]
    fn a_vendor_callback_replaces_the_vendor_check_and_its_document_is_compared() {
        let app = application(|_| {});
        // The application's own document, read by the vendor (number case and dashes aside).
        assert!(codes_with(&app, &with_vendor(&app, |_| {})).is_empty());
        let failed = with_vendor(&app, |r| {
            r.vendor_check.status = VendorStatus::Failed;
            r.vendor_check.liveness_passed = Some(false);
            r.vendor_check.face_match_score = Some(0.5);
        });
        assert_eq!(
            codes_with(&app, &failed),
            [
                ID_VENDOR_CHECK_FAILED,
                ID_LIVENESS_FAILED,
                ID_FACE_MATCH_LOW
            ]
        );
        let other_document = with_vendor(&app, |r| {
            r.document.number = Some("Z1".into());
            r.document.expiry_date = "2030-01-01".parse().ok();
        });
        let signals = crate::checks::run(&app, &other_document);
        assert_eq!(signals.len(), 1);
        assert_eq!(signals[0].code, ID_VENDOR_DOCUMENT_MISMATCH);
        assert_eq!(
            signals[0].evidence["fields"],
            serde_json::json!(["number", "expiry_date"])
        );
        // Alone, another document of the applicant leaves an ordinary applicant clear.
        let policy = crate::policy::Policy::built_in();
        let verdict = crate::screening::assess(&app, &other_document, &policy, now());
        assert_eq!(verdict.verdict, Decision::Clear);

        let other_person = with_vendor(&app, |r| {
            r.document.given_names = Some("Chol".into());
            r.document.surname = Some("Pak".into());
            r.document.number = Some("Z1".into());
        });
        let signals = crate::checks::run(&app, &other_person);
        assert_eq!(signals.len(), 1, "{signals:?}");
        assert_eq!(signals[0].code, ID_VENDOR_PERSON_MISMATCH);
        assert_eq!(signals[0].evidence["fields"], serde_json::json!(["name"]));
        assert_eq!(
            signals[0].evidence["document_fields"],
            serde_json::json!(["number"])
        );
        let verdict = crate::screening::assess(&app, &other_person, &policy, now());
        assert_eq!(verdict.verdict, Decision::Review);
    }
}
