//! The machine-readable zone: is it well formed, do its check digits hold, and does it say what the
//! document's printed fields say. A forged or hand-typed MRZ rarely survives all three.

use serde_json::{Value, json};

use super::codes::*;
use super::{Facts, signal};
use crate::model::mrz::{FindingKind, Mrz, Sex as MrzSex};
use crate::model::translit::icao_words;
use crate::model::{IcaoCode, IdentityDocument, Sex, Signal, normalise_document_number};

pub fn check(doc: &IdentityDocument, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(read) = &doc.mrz_read else { return };
    let mrz = match read {
        Ok(mrz) => mrz,
        Err(err) => {
            out.push(signal(
                ID_MRZ_MALFORMED,
                format!("The machine-readable zone cannot be read: {err}."),
                json!({ "reason": err.to_string() }),
            ));
            return;
        }
    };

    let failed: Vec<Value> = mrz
        .failed_checks()
        .map(|c| json!({ "field": c.field.as_str(), "printed": c.printed.to_string(), "computed": c.computed, "line": c.line, "column": c.column }))
        .collect();
    if !failed.is_empty() {
        out.push(signal(
            ID_MRZ_CHECK_DIGIT,
            format!(
                "{} check digit(s) of the machine-readable zone do not match their data.",
                failed.len()
            ),
            json!({ "failed_checks": failed }),
        ));
    }

    if !mrz.substitutions.is_empty() {
        let substitutions: Vec<Value> = mrz
            .substitutions
            .iter()
            .map(|s| json!({ "line": s.line, "column": s.column, "field": s.field.as_str(), "found": s.found.to_string(), "read_as": s.read_as.to_string() }))
            .collect();
        out.push(signal(
            ID_MRZ_OCR_SUBSTITUTION,
            "The machine-readable zone only validates when some characters are read as their OCR look-alikes.",
            json!({ "substitutions": substitutions }),
        ));
    }

    // A long name cut to fit the zone is ICAO's rule, not a defect.
    let findings: Vec<Value> = mrz
        .findings
        .iter()
        .filter(|f| f.kind != FindingKind::NameMayBeTruncated)
        .map(|f| json!({ "line": f.line, "column": f.column, "field": f.field.as_str(), "finding": format!("{:?}", f.kind) }))
        .collect();
    if !findings.is_empty() {
        out.push(signal(
            ID_MRZ_FORMAT,
            "The machine-readable zone breaks ICAO 9303 layout rules.",
            json!({ "findings": findings }),
        ));
    }

    compare_fields(doc, mrz, facts, out);
}

/// Names as the MRZ alphabet writes them: Latin letters, one space between components.
fn mrz_form(name: &str) -> Option<String> {
    icao_words(name).map(|tokens| tokens.join(" "))
}

fn names_agree(printed: &str, in_zone: &str, truncated: bool) -> bool {
    match mrz_form(printed) {
        // The zone may cut a long name (its last component is then a prefix).
        Some(printed) => printed == in_zone || (truncated && printed.starts_with(in_zone)),
        None => true, // a name in a script the zone cannot carry is not compared
    }
}

fn same_code(printed: &IcaoCode, in_zone: &str) -> bool {
    match IcaoCode::parse(in_zone) {
        Some(zone) => {
            printed.as_str() == zone.as_str()
                || (printed.country().is_some() && printed.country() == zone.country())
        }
        None => false,
    }
}

fn compare_fields(doc: &IdentityDocument, mrz: &Mrz, facts: &Facts, out: &mut Vec<Signal>) {
    let truncated = mrz
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::NameMayBeTruncated);
    let mut mismatch = |code: &'static str, field: &str, printed: Value, in_zone: Value| {
        out.push(signal(
            code,
            format!("The document's {field} differs from the machine-readable zone's."),
            json!({ "field": field, "document": printed, "mrz": in_zone }),
        ));
    };

    let surname_differs = doc
        .surname
        .as_deref()
        .is_some_and(|s| !names_agree(s, &mrz.surname, truncated));
    let given_differs = doc
        .given_names
        .as_deref()
        .is_some_and(|g| !names_agree(g, &mrz.given_names, truncated));
    if surname_differs || given_differs {
        mismatch(
            ID_MRZ_NAME_MISMATCH,
            "name",
            json!({ "surname": doc.surname, "given_names": doc.given_names }),
            json!({ "surname": mrz.surname, "given_names": mrz.given_names }),
        );
    }
    let number = normalise_document_number(&doc.number);
    if !mrz.document_number.is_empty() && number != normalise_document_number(&mrz.document_number)
    {
        mismatch(
            ID_MRZ_NUMBER_MISMATCH,
            "document number",
            json!(doc.number),
            json!(mrz.document_number),
        );
    }
    if let Some(birth) = doc.date_of_birth
        && let Some(zone) = mrz.birth.resolve_birth(facts.today())
        && birth != zone
    {
        mismatch(
            ID_MRZ_DOB_MISMATCH,
            "date of birth",
            json!(birth.to_string()),
            json!(zone.to_string()),
        );
    }
    if let Some(expiry) = doc.expiry_date
        && let Some(zone) = mrz.expiry.resolve_expiry(facts.today())
        && expiry != zone
    {
        mismatch(
            ID_MRZ_EXPIRY_MISMATCH,
            "expiry date",
            json!(expiry.to_string()),
            json!(zone.to_string()),
        );
    }
    let zone_sex = match mrz.sex {
        Some(MrzSex::Male) => Some(Sex::M),
        Some(MrzSex::Female) => Some(Sex::F),
        None => None,
    };
    if let (Some(sex), Some(zone)) = (doc.sex, zone_sex)
        && sex != zone
    {
        mismatch(ID_MRZ_SEX_MISMATCH, "sex", json!(sex), json!(zone));
    }
    if let Some(nationality) = &doc.nationality
        && !mrz.nationality.is_empty()
        && !same_code(nationality, &mrz.nationality)
    {
        mismatch(
            ID_MRZ_NATIONALITY_MISMATCH,
            "nationality",
            json!(nationality.as_str()),
            json!(mrz.nationality),
        );
    }
    if !mrz.issuing_state.is_empty() && !same_code(&doc.issuing_country, &mrz.issuing_state) {
        mismatch(
            ID_MRZ_ISSUER_MISMATCH,
            "issuing state",
            json!(doc.issuing_country.as_str()),
            json!(mrz.issuing_state),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::codes::*;
    use crate::checks::testing::{application, codes_of};

    type Case = (&'static str, fn(&mut serde_json::Value));

    const CARTER: [&str; 2] = [
        "P<USACARTER<<EMILY<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "C030059887USA9003141F3105010<<<<<<<<<<<<<<02",
    ];

    fn with_mrz(a: &mut serde_json::Value, lines: &[&str]) {
        a["identity_document"]["mrz"] = serde_json::json!(lines);
    }

    #[test]
    fn the_example_passport_zone_agrees_with_its_document() {
        assert!(codes_of(&application(|a| with_mrz(a, &CARTER))).is_empty());
    }

    #[test]
    fn each_zone_problem_raises_its_code() {
        let cases: [Case; 11] = [
            (ID_MRZ_MALFORMED, |a| {
                with_mrz(
                    a,
                    &[
                        "P<USACARTER<<EMILY",
                        "C030059887USA9003141F3105010<<<<<<<<<<<<<<02",
                    ],
                )
            }),
            (ID_MRZ_CHECK_DIGIT, |a| {
                with_mrz(
                    a,
                    &[CARTER[0], "C030059887USA9003141F3105011<<<<<<<<<<<<<<02"],
                );
            }),
            (ID_MRZ_OCR_SUBSTITUTION, |a| {
                with_mrz(
                    a,
                    &[CARTER[0], "C030059887USA9OO3141F3105010<<<<<<<<<<<<<<02"],
                )
            }),
            (ID_MRZ_FORMAT, |a| {
                // A filler inside the number weighs 0 like the '0' it replaces: checks pass.
                with_mrz(
                    a,
                    &[CARTER[0], "C03<059887USA9003141F3105010<<<<<<<<<<<<<<02"],
                );
                a["identity_document"]["number"] = "C03 05988".into();
            }),
            (ID_MRZ_NAME_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["given_names"] = "EMILIA".into();
                a["applicant"]["full_name"] = "Emilia Carter".into();
            }),
            (ID_MRZ_NUMBER_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["number"] = "C03005989".into();
            }),
            (ID_MRZ_DOB_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["date_of_birth"] = "1990-03-15".into();
                a["applicant"]["date_of_birth"] = "1990-03-15".into();
            }),
            (ID_MRZ_EXPIRY_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["expiry_date"] = "2031-06-01".into();
            }),
            (ID_MRZ_SEX_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["sex"] = "M".into();
            }),
            (ID_MRZ_NATIONALITY_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["nationality"] = "CAN".into();
                a["applicant"]["nationality"] = "CA".into();
            }),
            (ID_MRZ_ISSUER_MISMATCH, |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["issuing_country"] = "CA".into();
            }),
        ];
        for (code, edit) in cases {
            assert_eq!(codes_of(&application(edit)), [code], "{code}");
        }
    }

    #[test]
    fn equivalent_spellings_are_not_mismatches() {
        let cases: [Case; 3] = [
            ("alpha-2 issuer against the zone's alpha-3", |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["issuing_country"] = "US".into();
                a["identity_document"]["nationality"] = "US".into();
            }),
            ("mixed case and accents on the printed name", |a| {
                with_mrz(a, &CARTER);
                a["identity_document"]["given_names"] = "Émily".into();
            }),
            ("the ICAO German D against DEU", |a| {
                with_mrz(
                    a,
                    &[
                        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
                        "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
                    ],
                );
                a["identity_document"]["issuing_country"] = "DEU".into();
                a["identity_document"]["nationality"] = "DEU".into();
                a["identity_document"]["number"] = "C01X00T47".into();
                a["identity_document"]["surname"] = "MUSTERMANN".into();
                a["identity_document"]["given_names"] = "ERIKA".into();
                a["identity_document"]["date_of_birth"] = "1964-08-12".into();
                a["identity_document"]["expiry_date"] = "2027-02-28".into();
                a["applicant"]["full_name"] = "Erika Mustermann".into();
                a["applicant"]["date_of_birth"] = "1964-08-12".into();
                a["applicant"]["nationality"] = "DE".into();
                a["payout"]["account_holder_name"] = "Erika Mustermann".into();
            }),
        ];
        for (why, edit) in cases {
            assert!(
                codes_of(&application(edit)).is_empty(),
                "{why}: {:?}",
                codes_of(&application(edit))
            );
        }
    }
}
