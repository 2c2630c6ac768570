//! The EU consolidated list of persons, groups and entities subject to EU financial sanctions
//! (the Financial Sanctions Files, "FSF"), in the XML the Commission publishes (`export` root,
//! namespace `http://eu.europa.ec/fpi/fsd/export`): the list `EU-FSF`.
//!
//! The data sits in attributes. What is read from each `sanctionEntity`:
//!
//! | element / attribute | becomes |
//! |---|---|
//! | `@logicalId` (required, unique) | the entry id |
//! | `@euReferenceNumber`, `@unitedNationId`, `@designationDate` | properties |
//! | `subjectType/@code` (required: `person` or `enterprise`) | person or entity |
//! | `regulation/@programme` | programmes; `PRK` makes a North Korea entry |
//! | `nameAlias` (`@wholeName`, else `@firstName @middleName @lastName`) | the first Latin-script name is the primary name, the others aliases (`@strong="false"`: a weak alias); names in another script (Hangul, Han, Cyrillic, …) are original-script names; `@function` and `@title` titles; `@gender` `M`/`F` |
//! | `birthdate` (`@birthdate` `YYYY-MM-DD`, else `@year` `@monthOfYear` `@dayOfMonth`, or `@yearRangeFrom`–`@yearRangeTo`; `@circa="true"` approximate; `@city` `@place` `@countryIso2Code`) | dates and places of birth |
//! | `citizenship/@countryIso2Code` | citizenships (and nationalities) |
//! | `identification` (`@number`, `@identificationTypeCode` `passport` / `id` / …, `@countryIso2Code`, `@identificationTypeDescription`) | documents |
//! | `address` (`@street` `@poBox` `@city` `@zipCode` `@region` `@place` `@countryIso2Code`) | addresses |
//! | `remark` (the entry's own) | remarks; remarks inside a name, date or document are notes |
//!
//! Refused whole, with the line of the element: a document that is not well-formed XML (an
//! unclosed element, …) or whose root is not `export`; a `sanctionEntity` without `logicalId`, with
//! one used twice, without a `subjectType` or with another code, or without any name; a birth
//! date that is not a date (`@birthdate="1970-13-01"`, a `@year` that is not four digits, a
//! `@monthOfYear` outside 1–12, a day that does not exist). Country code `00` (the EU's "unknown")
//! is no country; a code that names no country is kept and listed in the parse report.

use std::collections::HashSet;
use std::path::Path;

use super::model::{
    Address, Alias, AliasKind, AliasQuality, Country, DateSpec, DocumentKind, Entity, EntityKind,
    Gender, IdDocument, LoadError, LoadedList, ParseReport, PartialDate, Place,
    collapse_whitespace, parse_iso_partial, read_named_file,
};
use super::xml_walk::{At, Refusal, XmlHandler, attr, walk};

/// List name of the EU consolidated financial sanctions list.
pub const LIST_EU_FSF: &str = "EU-FSF";

/// Load the list from a file.
pub fn load_file(path: &Path) -> Result<LoadedList, LoadError> {
    let (name, bytes) = read_named_file(path)?;
    parse(&name, &bytes)
}

/// Parse the EU FSF XML; `file` names it in errors.
pub fn parse(file: &str, xml: &[u8]) -> Result<LoadedList, LoadError> {
    let mut reader = EuReader {
        report: ParseReport {
            list: LIST_EU_FSF.to_owned(),
            ..ParseReport::default()
        },
        ..EuReader::default()
    };
    walk(file, xml, "export", &mut reader)?;
    Ok(LoadedList::counted(reader.entities, reader.report))
}

/// The entry being read.
struct Record {
    at: At,
    kind: Option<EntityKind>,
    /// Latin-script names, in document order, with their strength.
    names: Vec<(String, bool)>,
    e: Entity,
}

#[derive(Default)]
struct EuReader {
    record: Option<Record>,
    seen: HashSet<String>,
    entities: Vec<Entity>,
    report: ParseReport,
}

/// Whether a name is written in a script other than Latin (Hangul, Han, Cyrillic, Arabic, …).
pub(crate) fn non_latin(name: &str) -> bool {
    name.chars().any(|c| {
        c.is_alphabetic()
            && !matches!(c, 'A'..='Z' | 'a'..='z' | '\u{c0}'..='\u{2ff}' | '\u{1e00}'..='\u{1eff}')
    })
}

/// An ISO 3166-1 alpha-2 code as a country; `None` for the empty code and the EU's `00`.
pub(crate) fn country_code(code: &str) -> Option<Country> {
    let code = code.trim();
    if code.is_empty() || code == "00" {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    Some(Country {
        raw: code.to_owned(),
        iso2: crate::model::Country::parse(&upper).map(|c| c.to_string()),
    })
}

impl EuReader {
    fn record(&mut self) -> &mut Record {
        self.record.as_mut().expect("an entry is open")
    }

    fn note_unmapped(&mut self, country: &Country) {
        if country.iso2.is_none() {
            let id = self.record().e.id.clone();
            self.report
                .unmapped_countries
                .push((id, country.raw.clone()));
        }
    }

    fn country(&mut self, attrs: &[(String, String)]) -> Option<Country> {
        let country = country_code(attr(attrs, "countryIso2Code")?)?;
        self.note_unmapped(&country);
        Some(country)
    }

    fn open_entity(&mut self, attrs: &[(String, String)], at: At) -> Result<(), Refusal> {
        let Some(id) = attr(attrs, "logicalId") else {
            return Err(Refusal::at(at, "sanctionEntity without logicalId"));
        };
        if !self.seen.insert(id.to_owned()) {
            return Err(Refusal::at(
                at,
                format!("sanctionEntity logicalId {id} is used twice"),
            ));
        }
        let mut e = Entity::new(id, LIST_EU_FSF, EntityKind::Person, String::new());
        for (key, label) in [
            ("euReferenceNumber", "EU reference number"),
            ("unitedNationId", "UN reference number"),
            ("designationDate", "Designated"),
        ] {
            if let Some(v) = attr(attrs, key) {
                e.push_property(label, v);
            }
        }
        self.record = Some(Record {
            at,
            kind: None,
            names: Vec::new(),
            e,
        });
        Ok(())
    }

    fn name_alias(&mut self, attrs: &[(String, String)]) {
        let whole = attr(attrs, "wholeName").map(collapse_whitespace);
        let parts: Vec<&str> = ["firstName", "middleName", "lastName"]
            .into_iter()
            .filter_map(|k| attr(attrs, k))
            .collect();
        let name =
            whole.or_else(|| (!parts.is_empty()).then(|| collapse_whitespace(&parts.join(" "))));
        let strong = attr(attrs, "strong").is_none_or(|s| !s.eq_ignore_ascii_case("false"));
        let rec = self.record();
        for key in ["function", "title"] {
            if let Some(v) = attr(attrs, key) {
                let v = collapse_whitespace(v);
                if !rec.e.titles.contains(&v) {
                    rec.e.titles.push(v);
                }
            }
        }
        match attr(attrs, "gender") {
            Some("M") => rec.e.gender = Some(Gender::Male),
            Some("F") => rec.e.gender = Some(Gender::Female),
            _ => {}
        }
        let Some(name) = name else { return };
        if non_latin(&name) {
            if !rec.e.original_script_names.contains(&name) {
                rec.e.original_script_names.push(name);
            }
        } else if !rec.names.iter().any(|(n, _)| *n == name) {
            rec.names.push((name, strong));
        }
    }

    fn birthdate(&mut self, attrs: &[(String, String)]) -> Result<(), Refusal> {
        let circa = attr(attrs, "circa").is_some_and(|c| c.eq_ignore_ascii_case("true"));
        let spec = birth_date(attrs, circa).map_err(Refusal::here)?;
        let place: Vec<&str> = ["city", "place", "region"]
            .into_iter()
            .filter_map(|k| attr(attrs, k))
            .collect();
        let country = self.country(attrs);
        let rec = self.record();
        if let Some(spec) = spec {
            rec.e.push_dob(spec);
        }
        if !place.is_empty() || country.is_some() {
            let mut text = place.join(", ");
            if let Some(desc) = attr(attrs, "countryDescription").filter(|d| *d != "UNKNOWN") {
                if !text.is_empty() {
                    text.push_str(", ");
                }
                text.push_str(desc);
            }
            let place = Place { text, country };
            if !rec.e.places_of_birth.contains(&place) {
                rec.e.places_of_birth.push(place);
            }
        }
        Ok(())
    }

    fn citizenship(&mut self, attrs: &[(String, String)]) {
        if let Some(c) = self.country(attrs) {
            let e = &mut self.record().e;
            if !e.citizenships.contains(&c) {
                e.citizenships.push(c.clone());
            }
            if !e.nationalities.contains(&c) {
                e.nationalities.push(c);
            }
        }
    }

    fn identification(&mut self, attrs: &[(String, String)]) {
        let code = attr(attrs, "identificationTypeCode").unwrap_or_default();
        let label = attr(attrs, "identificationTypeDescription")
            .unwrap_or(code)
            .to_owned();
        let kind = match code.to_ascii_lowercase().as_str() {
            c if c.contains("passport") => DocumentKind::Passport,
            "id" | "nationalid" | "national_id" => DocumentKind::NationalId,
            _ if label.to_lowercase().contains("passport") => DocumentKind::Passport,
            _ if label.to_lowercase().contains("identi") => DocumentKind::NationalId,
            _ => DocumentKind::Other,
        };
        let number = attr(attrs, "number").or_else(|| attr(attrs, "latinNumber"));
        let country = self.country(attrs);
        let mut notes = Vec::new();
        for (key, note) in [
            ("diplomatic", "diplomatic"),
            ("knownExpired", "known expired"),
            ("knownFalse", "known false"),
            ("reportedLost", "reported lost"),
            ("revokedByIssuer", "revoked by the issuer"),
        ] {
            if attr(attrs, key).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                notes.push(note.to_owned());
            }
        }
        if let Some(n) = attr(attrs, "nameOnDocument") {
            notes.push(format!("in the name of {n}"));
        }
        let Some(number) = number else {
            let id = self.record().e.id.clone();
            self.report
                .unparsed_fragments
                .push((id, format!("identification without a number: {label}")));
            return;
        };
        let doc = IdDocument {
            kind,
            label,
            number: number.to_owned(),
            country,
            issued: attr(attrs, "issueDate").and_then(parse_iso_partial),
            expires: None,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        };
        self.record().e.documents.push(doc);
    }

    fn address(&mut self, attrs: &[(String, String)]) {
        let street: Vec<&str> = ["street", "poBox"]
            .into_iter()
            .filter_map(|k| attr(attrs, k))
            .collect();
        let country = self.country(attrs);
        let address = Address {
            street: (!street.is_empty()).then(|| street.join(", ")),
            city: attr(attrs, "city").map(str::to_owned),
            state_province: attr(attrs, "region").map(str::to_owned),
            postal_code: attr(attrs, "zipCode").map(str::to_owned),
            country,
            note: attr(attrs, "place").map(str::to_owned),
        };
        if address != Address::default() {
            self.record().e.addresses.push(address);
        }
    }

    fn close_entity(&mut self) -> Result<(), Refusal> {
        let rec = self.record.take().expect("an entry is open");
        let mut e = rec.e;
        let Some(kind) = rec.kind else {
            return Err(Refusal::at(
                rec.at,
                format!("sanctionEntity {} has no subjectType", e.id),
            ));
        };
        e.kind = kind;
        let mut names = rec.names.into_iter();
        match names.next() {
            Some((primary, _)) => e.primary_name = primary,
            None if !e.original_script_names.is_empty() => {
                e.primary_name = e.original_script_names[0].clone();
            }
            None => {
                return Err(Refusal::at(
                    rec.at,
                    format!("sanctionEntity {} has no nameAlias with a name", e.id),
                ));
            }
        }
        for (name, strong) in names {
            let quality = if strong {
                AliasQuality::Strong
            } else {
                AliasQuality::Weak
            };
            e.push_alias(Alias::new(name, quality, AliasKind::Aka));
        }
        e.north_korea = e.programs.iter().any(|p| p.eq_ignore_ascii_case("PRK"));
        self.entities.push(e);
        Ok(())
    }
}

/// A `birthdate` element's date: `@birthdate` (xsd:date), else `@year` with `@monthOfYear` and
/// `@dayOfMonth`, else `@yearRangeFrom`–`@yearRangeTo`. `Ok(None)` when it gives none.
fn birth_date(attrs: &[(String, String)], circa: bool) -> Result<Option<DateSpec>, String> {
    let number = |key: &str, range: std::ops::RangeInclusive<u32>| -> Result<Option<u32>, String> {
        match attr(attrs, key) {
            None => Ok(None),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n) && v.len() <= 4)
                .map(Some)
                .ok_or_else(|| format!("bad date of birth: {key}=\"{v}\"")),
        }
    };
    if let Some(date) = attr(attrs, "birthdate") {
        let parsed = parse_iso_partial(date.get(..10).unwrap_or(date))
            .filter(|d| d.day.is_some() && (date.len() == 10 || zone_suffix(&date[10..])))
            .ok_or_else(|| format!("bad date of birth: birthdate=\"{date}\""))?;
        return Ok(Some(DateSpec::On {
            date: parsed,
            circa,
        }));
    }
    let year = |key: &str| -> Result<Option<i32>, String> {
        match attr(attrs, key) {
            None => Ok(None),
            Some(v) if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(v.parse().map_err(|_| format!("bad year {v}"))?))
            }
            Some(v) => Err(format!("bad date of birth: {key}=\"{v}\"")),
        }
    };
    let month = number("monthOfYear", 1..=12)?;
    let day = number("dayOfMonth", 1..=31)?;
    if let Some(y) = year("year")? {
        let date = match (month, day) {
            (Some(m), Some(d)) => PartialDate::ymd(y, m, d)
                .ok_or_else(|| format!("bad date of birth: {y}-{m:02}-{d:02} does not exist"))?,
            (Some(m), None) => PartialDate::year_month(y, m).expect("month checked"),
            (None, _) => PartialDate::year(y),
        };
        return Ok(Some(DateSpec::On { date, circa }));
    }
    match (year("yearRangeFrom")?, year("yearRangeTo")?) {
        (Some(a), Some(b)) if a <= b => Ok(Some(DateSpec::Between {
            from: PartialDate::year(a),
            to: PartialDate::year(b),
            circa,
        })),
        (Some(a), Some(b)) => Err(format!("bad date of birth: range {a} to {b}")),
        (Some(y), None) | (None, Some(y)) => Ok(Some(DateSpec::On {
            date: PartialDate::year(y),
            circa: true,
        })),
        (None, None) => Ok(None),
    }
}

/// `Z`, `+02:00`, `-04:00`: an xsd:date's time zone.
fn zone_suffix(s: &str) -> bool {
    s == "Z"
        || (s.len() == 6
            && s.starts_with(['+', '-'])
            && s.as_bytes()[3] == b':'
            && s[1..3]
                .bytes()
                .chain(s[4..].bytes())
                .all(|b| b.is_ascii_digit()))
}

impl XmlHandler for EuReader {
    fn start(
        &mut self,
        path: &[String],
        attrs: &[(String, String)],
        at: At,
    ) -> Result<(), Refusal> {
        match path {
            [_, entity] if entity == "sanctionEntity" => self.open_entity(attrs, at)?,
            [_, entity, child] if entity == "sanctionEntity" => match child.as_str() {
                "subjectType" => {
                    let code = attr(attrs, "code").unwrap_or_default();
                    let kind = match code {
                        "person" => EntityKind::Person,
                        "enterprise" => EntityKind::Entity,
                        other => {
                            return Err(Refusal::here(format!(
                                "subjectType code {other:?}: expected person or enterprise"
                            )));
                        }
                    };
                    self.record().kind = Some(kind);
                }
                "regulation" => {
                    if let Some(p) = attr(attrs, "programme") {
                        let e = &mut self.record().e;
                        if !e.programs.iter().any(|x| x == p) {
                            e.programs.push(p.to_owned());
                        }
                    }
                }
                "nameAlias" => self.name_alias(attrs),
                "birthdate" => self.birthdate(attrs)?,
                "citizenship" => self.citizenship(attrs),
                "identification" => self.identification(attrs),
                "address" => self.address(attrs),
                _ => {}
            },
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, path: &[String], text: &str) -> Result<(), Refusal> {
        match path {
            [_, entity] if entity == "sanctionEntity" => self.close_entity()?,
            [_, entity, remark] if entity == "sanctionEntity" && remark == "remark" => {
                let text = collapse_whitespace(text);
                if !text.is_empty() {
                    let e = &mut self.record().e;
                    if !e.remarks.is_empty() {
                        e.remarks.push_str("; ");
                    }
                    e.remarks.push_str(&text);
                }
            }
            [_, entity, parent, remark] if entity == "sanctionEntity" && remark == "remark" => {
                let text = collapse_whitespace(text);
                if !text.is_empty() {
                    let id = self.record().e.id.clone();
                    self.report
                        .free_text_notes
                        .push((id, format!("{parent} remark: {text}")));
                    self.record().e.notes.push(format!("{parent}: {text}"));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-30T10:00:00.000+01:00">
  <sanctionEntity designationDate="2024-05-02" logicalId="900001" euReferenceNumber="EU.9001.01">
    <regulation programme="PRK" regulationType="regulation" numberTitle="2017/1509"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Chol Min" lastName="RYANG" wholeName="RYANG Chol Min" function="IT worker" gender="M" nameLanguage="" strong="true" logicalId="1"/>
    <nameAlias wholeName="Charlie Ryang" strong="false" logicalId="2"/>
    <nameAlias wholeName="량철민" nameLanguage="KO" logicalId="3"/>
    <birthdate birthdate="1988-04-17" circa="false" city="Pyongyang" countryIso2Code="KP" countryDescription="NORTH KOREA"/>
    <birthdate year="1989" circa="true" countryIso2Code="00"/>
    <citizenship countryIso2Code="KP" countryDescription="NORTH KOREA"/>
    <identification number="836410017" identificationTypeCode="passport" identificationTypeDescription="National passport" countryIso2Code="KP">
      <remark>issued in Pyongyang</remark>
    </identification>
    <identification identificationTypeCode="id"/>
    <address city="Shenyang" countryIso2Code="CN" street="Sanhao Street"/>
    <remark>Made-up entry for tests.</remark>
  </sanctionEntity>
  <sanctionEntity logicalId="900002">
    <regulation programme="IRQ"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Example Trading &amp; Shipping Ltd"/>
    <birthdate yearRangeFrom="1960" yearRangeTo="1962"/>
    <citizenship countryIso2Code="ZZ"/>
  </sanctionEntity>
</export>
"#;

    fn refused(xml: &str) -> (u64, String) {
        match parse("eu.xml", xml.as_bytes()) {
            Err(LoadError::Xml { line, message, .. }) => (line, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_small_export_loads() {
        let l = parse("eu.xml", DOC.as_bytes()).unwrap();
        assert_eq!(l.report.entries, 2);
        assert_eq!(l.report.north_korea_entries, 1);
        let e = &l.entities[0];
        assert_eq!((e.id.as_str(), e.list.as_str()), ("900001", LIST_EU_FSF));
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.primary_name, "RYANG Chol Min");
        assert!(e.north_korea);
        assert_eq!(e.aliases.len(), 1);
        assert_eq!(e.aliases[0].quality, AliasQuality::Weak);
        assert_eq!(e.original_script_names, ["량철민"]);
        assert_eq!(e.titles, ["IT worker"]);
        assert_eq!(e.gender, Some(Gender::Male));
        assert_eq!(
            e.dates_of_birth,
            [
                DateSpec::on(PartialDate::ymd(1988, 4, 17).unwrap()),
                DateSpec::On {
                    date: PartialDate::year(1989),
                    circa: true
                }
            ]
        );
        assert_eq!(e.citizenships[0].iso2.as_deref(), Some("KP"));
        assert_eq!(e.documents.len(), 1);
        assert_eq!(e.documents[0].kind, DocumentKind::Passport);
        assert_eq!(e.documents[0].number, "836410017");
        assert_eq!(
            e.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
            Some("CN")
        );
        assert_eq!(e.remarks, "Made-up entry for tests.");
        assert_eq!(e.notes, ["identification: issued in Pyongyang"]);
        assert_eq!(e.places_of_birth[0].text, "Pyongyang, NORTH KOREA");
        let o = &l.entities[1];
        assert_eq!(o.kind, EntityKind::Entity);
        assert_eq!(o.primary_name, "Example Trading & Shipping Ltd");
        assert!(!o.north_korea);
        assert_eq!(
            l.report.unmapped_countries,
            [("900002".to_owned(), "ZZ".to_owned())]
        );
        assert_eq!(
            l.report.unparsed_fragments.len(),
            1,
            "the id without a number"
        );
    }

    #[test]
    fn malformed_exports_are_refused_with_the_line() {
        // An unclosed element.
        let (line, msg) = refused(&DOC.replace(
            "    <remark>Made-up entry for tests.</remark>\n",
            "    <remark>open\n",
        ));
        assert_eq!(line, 18, "{msg}");
        // A birth date that is not one.
        let (line, msg) = refused(&DOC.replace("1988-04-17", "1988-02-30"));
        assert_eq!(line, 9, "{msg}");
        assert!(
            msg.contains("bad date of birth") && msg.contains("sanctionEntity/birthdate"),
            "{msg}"
        );
        let (_, msg) = refused(&DOC.replace("year=\"1989\"", "year=\"89\""));
        assert!(msg.contains("year=\"89\""), "{msg}");
        // No id, an id twice, no subject type, no name.
        let (line, msg) = refused(&DOC.replace("logicalId=\"900002\"", ""));
        assert_eq!(
            (line, msg.as_str()),
            (19, "sanctionEntity without logicalId")
        );
        let (line, msg) = refused(&DOC.replace("logicalId=\"900002\"", "logicalId=\"900001\""));
        assert!(line == 19 && msg.contains("used twice"), "{msg}");
        let (line, msg) = refused(&DOC.replace(
            "<subjectType code=\"enterprise\" classificationCode=\"E\"/>",
            "",
        ));
        assert!(line == 19 && msg.contains("no subjectType"), "{msg}");
        let (_, msg) = refused(&DOC.replace("code=\"enterprise\"", "code=\"vessel\""));
        assert!(msg.contains("expected person or enterprise"), "{msg}");
        let (_, msg) = refused(&DOC.replace(
            "<nameAlias wholeName=\"Example Trading &amp; Shipping Ltd\"/>",
            "",
        ));
        assert!(msg.contains("900002 has no nameAlias"), "{msg}");
        // Another root.
        let (line, msg) = refused("<CONSOLIDATED_LIST/>");
        assert!(line == 1 && msg.contains("expected <export>"), "{msg}");
    }
}
