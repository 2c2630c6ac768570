//! Contradictions inside the application itself: what the applicant declared against their own
//! document, their residence against their working time zone, their shipping address against both.

use chrono::NaiveDate;
use serde_json::json;

use super::codes::*;
use super::same_person::share_a_name;
use super::{Facts, signal};
use crate::model::{Application, IcaoCode, Signal};

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    declared_vs_document(app, facts, out);
    residence_timezone(app, out);
    shipping(app, out);
}

fn declared_names(app: &Application) -> impl Iterator<Item = &str> {
    std::iter::once(app.applicant.full_name.as_str())
        .chain(app.applicant.other_names.iter().map(String::as_str))
}

/// The document's printed fields, each falling back on what its machine-readable zone says when the
/// platform did not send it.
struct DocumentFacts {
    surname: Option<String>,
    given_names: Option<String>,
    date_of_birth: Option<chrono::NaiveDate>,
    nationality: Option<IcaoCode>,
}

fn document_facts(doc: &crate::model::IdentityDocument, facts: &Facts) -> DocumentFacts {
    let zone = doc.mrz_read.as_ref().and_then(|read| read.as_ref().ok());
    let zone_text = |pick: fn(&crate::model::mrz::Mrz) -> &String| {
        zone.map(|z| pick(z).clone()).filter(|s| !s.is_empty())
    };
    DocumentFacts {
        surname: doc.surname.clone().or_else(|| zone_text(|z| &z.surname)),
        given_names: doc
            .given_names
            .clone()
            .or_else(|| zone_text(|z| &z.given_names)),
        date_of_birth: doc
            .date_of_birth
            .or_else(|| zone.and_then(|z| z.birth.resolve_birth(facts.today()))),
        nationality: doc
            .nationality
            .clone()
            .or_else(|| zone.and_then(|z| IcaoCode::parse(&z.nationality))),
    }
}

fn declared_vs_document(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(doc) = &app.identity_document else {
        return;
    };
    let applicant = &app.applicant;
    let doc = document_facts(doc, facts);

    let document_names: Vec<&str> = [doc.surname.as_deref(), doc.given_names.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !document_names.is_empty()
        && share_a_name(declared_names(app), document_names.iter().copied()) == Some(false)
    {
        out.push(signal(
            ID_NAME_MISMATCH,
            "The name on the identity document shares no name with the name the applicant gave.",
            json!({
                "declared_name": applicant.full_name,
                "document_surname": doc.surname,
                "document_given_names": doc.given_names,
            }),
        ));
    }

    if let (Some(declared), Some(document)) = (applicant.date_of_birth, doc.date_of_birth)
        && declared != document
    {
        let evidence =
            json!({ "declared": declared.to_string(), "document": document.to_string() });
        if is_slip(declared, document) {
            out.push(signal(
                ID_DOB_SLIP,
                "The date of birth on the identity document differs from the one the applicant gave by a slip of the pen.",
                evidence,
            ));
        } else {
            out.push(signal(
                ID_DOB_OTHER_PERSON,
                "The date of birth on the identity document is not the applicant's by any slip: another person's document.",
                evidence,
            ));
        }
    }

    // Stateless, refugee and organisation codes carry no nationality to contradict.
    if let (Some(declared), Some(document)) = (
        applicant.nationality,
        doc.nationality.as_ref().and_then(|n| n.country()),
    ) && declared != document
    {
        out.push(signal(
            ID_NATIONALITY_MISMATCH,
            format!(
                "The applicant declared {} nationality but presents a document of {} nationality.",
                declared.name(),
                document.name()
            ),
            json!({
                "declared": declared,
                "document": document,
                "document_code": doc.nationality.as_ref().map(|n| n.as_str()),
            }),
        ));
    }
}

fn residence_timezone(app: &Application, out: &mut Vec<Signal>) {
    let residence = &app.applicant.residence;
    let Some(zone) = &residence.timezone else {
        return;
    };
    if zone.used_in(residence.country) == Some(false) {
        out.push(signal(
            ID_RESIDENCE_TIMEZONE_MISMATCH,
            format!(
                "The applicant works in {} but lives in {}, which does not use that zone.",
                zone.as_str(),
                residence.country.name()
            ),
            json!({
                "timezone": zone.as_str(),
                "timezone_countries": zone.countries(),
                "residence_country": residence.country,
            }),
        ));
    }
}

/// Region names and codes are both in use ("TX", "Texas"); only like is compared with like.
fn same_region(a: &str, b: &str) -> Option<bool> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let (a, b) = (fold(a), fold(b));
    if a.is_empty() || b.is_empty() || (a.len() <= 3) != (b.len() <= 3) {
        return None;
    }
    Some(a == b)
}

fn shipping(app: &Application, out: &mut Vec<Signal>) {
    let Some(ship) = &app.shipping_address else {
        return;
    };
    let residence = &app.applicant.residence;

    match ship.country {
        Some(country) if country != residence.country => out.push(signal(
            ID_SHIPPING_COUNTRY_MISMATCH,
            format!(
                "Equipment is to be shipped to {} although the applicant lives in {}.",
                country.name(),
                residence.country.name()
            ),
            json!({ "shipping_country": country, "residence_country": residence.country }),
        )),
        // One fact, one signal: a region is only compared within the same country.
        _ => {
            if let (Some(shipping_region), Some(residence_region)) =
                (&ship.region, &residence.region)
                && same_region(shipping_region, residence_region) == Some(false)
            {
                out.push(signal(
                    ID_SHIPPING_REGION_MISMATCH,
                    "Equipment is to be shipped to another region than the one the applicant lives in.",
                    json!({ "shipping_region": shipping_region, "residence_region": residence_region }),
                ));
            }
        }
    }

    if let Some(recipient) = &ship.recipient_name {
        let doc = app.identity_document.as_ref();
        let own_names = declared_names(app)
            .chain(doc.and_then(|d| d.surname.as_deref()))
            .chain(doc.and_then(|d| d.given_names.as_deref()));
        if share_a_name(std::iter::once(recipient.as_str()), own_names) == Some(false) {
            out.push(signal(
                ID_SHIPPING_RECIPIENT_MISMATCH,
                "Equipment is to be shipped to a recipient who is not the applicant.",
                json!({ "recipient_name": recipient, "applicant_name": app.applicant.full_name }),
            ));
        }
    }
}

/// Whether two birth dates differ as a slip of the pen or of a date picker would make them: a day
/// apart, a year apart on the same day, day and month swapped, one digit of `YYYYMMDD` changed, or
/// two neighbouring digits transposed. Anything else is another person's date.
fn is_slip(a: NaiveDate, b: NaiveDate) -> bool {
    use chrono::Datelike;
    if (a - b).num_days().abs() <= 1 {
        return true;
    }
    if (a.month(), a.day()) == (b.month(), b.day()) && (a.year() - b.year()).abs() == 1 {
        return true;
    }
    if a.year() == b.year() && a.month() == b.day() && a.day() == b.month() {
        return true;
    }
    let (x, y) = (
        a.format("%Y%m%d").to_string(),
        b.format("%Y%m%d").to_string(),
    );
    let (x, y) = (x.as_bytes(), y.as_bytes());
    let differing: Vec<usize> = (0..x.len().min(y.len()))
        .filter(|&i| x[i] != y[i])
        .collect();
    match differing.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && x[*i] == y[*j] && x[*j] == y[*i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{application, codes_of};

    /// A case: what it is about, and how it edits the clean example.
    type Case = (&'static str, fn(&mut serde_json::Value));

    #[test]
    fn the_clean_example_raises_nothing() {
        assert!(codes_of(&application(|_| {})).is_empty());
    }

    #[test]
    fn each_contradiction_raises_its_own_code() {
        let cases: [Case; 8] = [
            (ID_NAME_MISMATCH, |a| {
                a["identity_document"]["surname"] = "MILES".into();
                a["identity_document"]["given_names"] = "JANET".into();
            }),
            (ID_DOB_SLIP, |a| {
                a["identity_document"]["date_of_birth"] = "1991-03-14".into()
            }),
            (ID_DOB_OTHER_PERSON, |a| {
                a["identity_document"]["date_of_birth"] = "1983-07-22".into()
            }),
            (ID_NATIONALITY_MISMATCH, |a| {
                a["identity_document"]["nationality"] = "CAN".into()
            }),
            (ID_RESIDENCE_TIMEZONE_MISMATCH, |a| {
                a["applicant"]["residence"]["timezone"] = "Asia/Shanghai".into()
            }),
            (ID_SHIPPING_COUNTRY_MISMATCH, |a| {
                a["shipping_address"] = serde_json::json!({"country": "CN"})
            }),
            (ID_SHIPPING_REGION_MISMATCH, |a| {
                a["shipping_address"] = serde_json::json!({"country": "US", "region": "MD"})
            }),
            (ID_SHIPPING_RECIPIENT_MISMATCH, |a| {
                a["shipping_address"] = serde_json::json!({"recipient_name": "Janet Miles"})
            }),
        ];
        for (code, edit) in cases {
            assert_eq!(codes_of(&application(edit)), [code], "{code}");
        }
    }

    #[test]
    fn a_slip_of_the_pen_is_told_from_another_persons_birth_date() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        for (a, b) in [
            ("1990-03-14", "1990-03-15"),
            ("1990-03-14", "1991-03-14"),
            ("1989-12-31", "1990-12-31"),
            ("1990-03-04", "1990-04-03"),
            ("1990-03-14", "1990-03-11"),
            ("1990-03-14", "1990-08-14"),
            ("1987-06-12", "1978-06-12"),
        ] {
            assert!(is_slip(d(a), d(b)), "{a} / {b}");
        }
        for (a, b) in [
            ("1985-06-12", "1992-06-12"),
            ("1990-03-14", "1993-11-02"),
            ("1990-03-14", "1990-09-27"),
        ] {
            assert!(!is_slip(d(a), d(b)), "{a} / {b}");
        }
    }

    #[test]
    fn ordinary_untidy_lives_raise_nothing() {
        let cases: [Case; 8] = [
            ("a married name keeps the given name", |a| {
                a["applicant"]["full_name"] = "Emily Novak".into()
            }),
            ("Hangul name with a Latin alias", |a| {
                a["applicant"]["full_name"] = "김에밀리".into();
                a["applicant"]["other_names"] = serde_json::json!(["Emily Carter"]);
            }),
            (
                "a name in another script alone is not a contradiction",
                |a| a["applicant"]["full_name"] = "에밀리 카터".into(),
            ),
            ("a stateless travel document", |a| {
                a["identity_document"]["nationality"] = "XXA".into()
            }),
            ("German ICAO code", |a| {
                a["applicant"]["nationality"] = "DE".into();
                a["identity_document"]["nationality"] = "D".into();
            }),
            ("UTC says nothing about a country", |a| {
                a["applicant"]["residence"]["timezone"] = "UTC".into()
            }),
            ("region written as a name and as a code", |a| {
                a["shipping_address"] = serde_json::json!({"country": "US", "region": "Illinois"})
            }),
            ("shipping to herself by surname and initial", |a| {
                a["shipping_address"] = serde_json::json!({"recipient_name": "E. Carter"})
            }),
        ];
        for (why, edit) in cases {
            assert!(codes_of(&application(edit)).is_empty(), "{why}");
        }
    }
}
