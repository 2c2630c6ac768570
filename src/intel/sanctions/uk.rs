//! The UK Sanctions List published by the Foreign, Commonwealth & Development Office (FCDO), in its
//! XML export (`UK_Sanctions_List.xml`: a `Designations` root holding one `Designation` per
//! designated person, entity or ship): the list `UK-SANCTIONS`. Since OFSI's Consolidated List
//! closed, it is the UK's one list of financial sanctions designations.
//!
//! What is read from each `Designation` (elements are found by name wherever the export nests
//! them inside the designation):
//!
//! | element | becomes |
//! |---|---|
//! | `UniqueID` (required, unique: `DPR0001`) | the entry id |
//! | `IndividualEntityShip` (required: `Individual`, `Entity` or `Ship`) | person, entity or vessel |
//! | `Names/Name`: `Name1`…`Name5` given names, `Name6` the family name, `NameType` (`Primary Name`, `Primary Name Variation`, `Alias`), `AliasStrength` | the primary name and aliases (a `weak` or `low` strength: a weak alias) |
//! | `NonLatinNames/NameNonLatinScript` | original-script names (Hangul, Han, Cyrillic, …) |
//! | `RegimeName` | programmes; `Democratic People's Republic of Korea` makes a North Korea entry |
//! | `DOB` (`dd/mm/yyyy`, `00` for an unknown day or month; or `yyyy`) | dates of birth |
//! | `Nationality` | nationalities |
//! | `PassportNumber` (with `PassportAdditionalInformation`), `NationalIdentifierNumber` | documents |
//! | `TownOfBirth`, `CountryOfBirth` | places of birth |
//! | `Gender`, `Position`, `Title` | gender, titles |
//! | `Address` (`AddressLine1`…`AddressLine6`, `AddressPostalCode`, `AddressCountry`) | addresses |
//! | `EmailAddress`, `PhoneNumber`, `Website` | e-mail addresses, phones, websites |
//! | `OtherInformation` | remarks; `UKStatementofReasons` a note |
//! | `UNReferenceNumber`, `OFSIGroupID`, `DateDesignated` | properties |
//!
//! Refused whole, with the line of the element: a document that is not well-formed XML or whose
//! root is not `Designations`; a `Designation` without `UniqueID`, with one used twice, without
//! `IndividualEntityShip` or with another value, or without a name; a `DOB` that is not a date.

use std::collections::HashSet;
use std::path::Path;

use super::eu::non_latin;
use super::model::{
    Address, Alias, AliasKind, AliasQuality, Country, DateSpec, DocumentKind, Entity, EntityKind,
    Gender, IdDocument, LoadError, LoadedList, ParseReport, PartialDate, Place,
    collapse_whitespace, fold_apostrophes, parse_iso_partial, read_named_file,
};
use super::xml_walk::{At, Refusal, XmlHandler, walk};

/// List name of the UK Sanctions List.
pub const LIST_UK_SANCTIONS: &str = "UK-SANCTIONS";

/// The regime whose designations are North Korea entries.
pub const DPRK_REGIME: &str = "Democratic People's Republic of Korea";

/// Load the list from a file.
pub fn load_file(path: &Path) -> Result<LoadedList, LoadError> {
    let (name, bytes) = read_named_file(path)?;
    parse(&name, &bytes)
}

/// Parse the UK Sanctions List XML; `file` names it in errors.
pub fn parse(file: &str, xml: &[u8]) -> Result<LoadedList, LoadError> {
    let mut reader = UkReader {
        report: ParseReport {
            list: LIST_UK_SANCTIONS.to_owned(),
            ..ParseReport::default()
        },
        ..UkReader::default()
    };
    walk(file, xml, "Designations", &mut reader)?;
    Ok(LoadedList::counted(reader.entities, reader.report))
}

#[derive(Default)]
struct NameB {
    parts: [Option<String>; 6],
    name_type: Option<String>,
    strength: Option<String>,
}

#[derive(Default)]
struct Record {
    at: Option<At>,
    kind: Option<String>,
    names: Vec<NameB>,
    name: Option<NameB>,
    address: Option<Address>,
    address_lines: Vec<String>,
    passport: Option<(Option<String>, Option<String>)>,
    town: Option<String>,
    birth_country: Option<String>,
    e: Option<Entity>,
}

#[derive(Default)]
struct UkReader {
    record: Option<Record>,
    seen: HashSet<String>,
    entities: Vec<Entity>,
    report: ParseReport,
}

/// Whether a regime name is the DPRK regime (apostrophes and letter case folded).
pub fn is_dprk_regime(regime: &str) -> bool {
    fold_apostrophes(&collapse_whitespace(regime)).eq_ignore_ascii_case(DPRK_REGIME)
}

/// `17/04/1988`, `00/04/1988`, `00/00/1988`, `1988`, `1988-04-17`.
fn parse_dob(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('/').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [d, m, y] => {
            let (d, m, y) = (num(d, 2)?, num(m, 2)?, num(y, 4)? as i32);
            match (m, d) {
                (0, 0) => Some(PartialDate::year(y)),
                (0, _) => None,
                (m, 0) => PartialDate::year_month(y, m),
                (m, d) => PartialDate::ymd(y, m, d),
            }
        }
        [_] => parse_iso_partial(s),
        _ => None,
    }
}

impl UkReader {
    fn record(&mut self) -> &mut Record {
        self.record.as_mut().expect("a designation is open")
    }

    fn id(&self) -> String {
        self.record
            .as_ref()
            .and_then(|r| r.e.as_ref().map(|e| e.id.clone()))
            .unwrap_or_default()
    }

    fn country(&mut self, raw: &str) -> Country {
        let c = Country::from_name(raw);
        if c.iso2.is_none() {
            let id = self.id();
            self.report.unmapped_countries.push((id, raw.to_owned()));
        }
        c
    }

    /// The entry, once `UniqueID` has been read; values before it wait in the record.
    fn entity(&mut self) -> &mut Entity {
        self.record().e.get_or_insert_with(|| {
            Entity::new(String::new(), LIST_UK_SANCTIONS, EntityKind::Person, "")
        })
    }

    fn field(&mut self, name: &str, value: String) -> Result<(), Refusal> {
        if let Some(n) = self.record().name.as_mut() {
            let slot = match name {
                "Name1" => Some(0),
                "Name2" => Some(1),
                "Name3" => Some(2),
                "Name4" => Some(3),
                "Name5" => Some(4),
                "Name6" => Some(5),
                _ => None,
            };
            match (slot, name) {
                (Some(i), _) => n.parts[i] = Some(value),
                (None, "NameType") => n.name_type = Some(value),
                (None, "AliasStrength") => n.strength = Some(value),
                _ => {}
            }
            return Ok(());
        }
        if self.record().address.is_some() {
            let a = self.record();
            let address = a.address.as_mut().expect("open");
            match name {
                "AddressPostalCode" => address.postal_code = Some(value),
                "AddressCountry" => address.country = Some(Country::from_name(&value)),
                n if n.starts_with("AddressLine") => a.address_lines.push(value),
                _ => {}
            }
            return Ok(());
        }
        match name {
            "UniqueID" => {
                let at = self.record().at.expect("opened");
                if !self.seen.insert(value.clone()) {
                    return Err(Refusal::at(
                        at,
                        format!("Designation UniqueID {value} is used twice"),
                    ));
                }
                self.entity().id = value;
            }
            "IndividualEntityShip" => self.record().kind = Some(value),
            "NameNonLatinScript" => {
                let e = self.entity();
                if !e.original_script_names.contains(&value) {
                    e.original_script_names.push(value);
                }
            }
            "RegimeName" => {
                let e = self.entity();
                if !e.programs.contains(&value) {
                    e.programs.push(value);
                }
            }
            "DOB" => {
                let date = parse_dob(&value)
                    .ok_or_else(|| Refusal::here(format!("bad date of birth {value:?}")))?;
                self.entity().push_dob(DateSpec::on(date));
            }
            "Nationality" => {
                let c = self.country(&value);
                let e = self.entity();
                if !e.nationalities.contains(&c) {
                    e.nationalities.push(c);
                }
            }
            "PassportNumber" => {
                self.record().passport.get_or_insert((None, None)).0 = Some(value);
            }
            "PassportAdditionalInformation" => {
                self.record().passport.get_or_insert((None, None)).1 = Some(value);
            }
            "NationalIdentifierNumber" => self.entity().documents.push(IdDocument {
                kind: DocumentKind::NationalId,
                label: "National identifier".to_owned(),
                number: value,
                country: None,
                issued: None,
                expires: None,
                note: None,
            }),
            "TownOfBirth" => self.record().town = Some(value),
            "CountryOfBirth" => self.record().birth_country = Some(value),
            "Gender" => match value.to_ascii_lowercase().as_str() {
                "male" => self.entity().gender = Some(Gender::Male),
                "female" => self.entity().gender = Some(Gender::Female),
                _ => {}
            },
            "Position" | "Title" => {
                let e = self.entity();
                if !e.titles.contains(&value) {
                    e.titles.push(value);
                }
            }
            "EmailAddress" => {
                for email in value.split([';', ' ', ',']).filter(|m| m.contains('@')) {
                    self.entity().emails.push(email.to_owned());
                }
            }
            "PhoneNumber" => self.entity().phones.push(value),
            "Website" => self.entity().websites.push(value),
            "OtherInformation" => {
                let e = self.entity();
                if !e.remarks.is_empty() {
                    e.remarks.push_str("; ");
                }
                e.remarks.push_str(&value);
            }
            "UKStatementofReasons" => self.entity().notes.push(value),
            "UNReferenceNumber" => self.entity().push_property("UN reference number", value),
            "OFSIGroupID" => self.entity().push_property("OFSI group id", value),
            "DateDesignated" => self.entity().push_property("Designated", value),
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), Refusal> {
        let mut rec = self.record.take().expect("a designation is open");
        let at = rec.at.expect("opened");
        let mut e = rec.e.take().unwrap_or_else(|| {
            Entity::new(String::new(), LIST_UK_SANCTIONS, EntityKind::Person, "")
        });
        if e.id.is_empty() {
            return Err(Refusal::at(at, "Designation without UniqueID"));
        }
        e.kind = match rec.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => EntityKind::Person,
            Some("entity") => EntityKind::Entity,
            Some("ship") => EntityKind::Vessel,
            Some(other) => {
                return Err(Refusal::at(
                    at,
                    format!(
                        "Designation {}: IndividualEntityShip {other:?}, expected Individual, Entity or Ship",
                        e.id
                    ),
                ));
            }
            None => {
                return Err(Refusal::at(
                    at,
                    format!("Designation {} has no IndividualEntityShip", e.id),
                ));
            }
        };
        if let Some((number, info)) = rec.passport.take() {
            match number {
                Some(number) => e.documents.push(IdDocument {
                    kind: DocumentKind::Passport,
                    label: "Passport".to_owned(),
                    number,
                    country: None,
                    issued: None,
                    expires: None,
                    note: info,
                }),
                None => self.report.unparsed_fragments.push((
                    e.id.clone(),
                    format!("passport without a number: {}", info.unwrap_or_default()),
                )),
            }
        }
        if rec.town.is_some() || rec.birth_country.is_some() {
            let text = [rec.town.as_deref(), rec.birth_country.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let country = rec.birth_country.as_deref().map(Country::from_name);
            e.places_of_birth.push(Place { text, country });
        }
        let mut primary: Option<String> = None;
        for n in rec.names {
            let given: Vec<&str> = n.parts[..5].iter().flatten().map(String::as_str).collect();
            let name = collapse_whitespace(
                &given
                    .into_iter()
                    .chain(n.parts[5].as_deref())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            if name.is_empty() {
                continue;
            }
            let name_type = n.name_type.as_deref().unwrap_or("").to_ascii_lowercase();
            let weak = n.strength.as_deref().is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("weak") || s.contains("low")
            });
            if name_type == "primary name" && primary.is_none() {
                primary = Some(name);
                continue;
            }
            if !matches!(
                name_type.as_str(),
                "primary name" | "primary name variation" | "alias"
            ) {
                self.report
                    .unparsed_fragments
                    .push((e.id.clone(), format!("name type {name_type:?} for {name}")));
            }
            let quality = if weak {
                AliasQuality::Weak
            } else {
                AliasQuality::Strong
            };
            if non_latin(&name) {
                if !e.original_script_names.contains(&name) {
                    e.original_script_names.push(name);
                }
            } else {
                e.push_alias(Alias::new(name, quality, AliasKind::Aka));
            }
        }
        let primary = primary.or_else(|| {
            // No name typed primary: the first alias stands in.
            (!e.aliases.is_empty()).then(|| e.aliases.remove(0).name)
        });
        match primary {
            Some(p) => {
                e.aliases.retain(|a| a.name != p);
                e.primary_name = p;
            }
            None => {
                return Err(Refusal::at(at, format!("Designation {} has no name", e.id)));
            }
        }
        for country in e
            .addresses
            .iter()
            .filter_map(|a| a.country.as_ref())
            .filter(|c| c.iso2.is_none())
        {
            self.report
                .unmapped_countries
                .push((e.id.clone(), country.raw.clone()));
        }
        e.north_korea = e.programs.iter().any(|p| is_dprk_regime(p));
        self.entities.push(e);
        Ok(())
    }
}

impl XmlHandler for UkReader {
    fn start(&mut self, path: &[String], _: &[(String, String)], at: At) -> Result<(), Refusal> {
        let name = path.last().map(String::as_str).unwrap_or_default();
        match (path.len(), name) {
            (2, "Designation") => {
                self.record = Some(Record {
                    at: Some(at),
                    ..Record::default()
                });
            }
            (n, "Name") if n > 2 && self.record.is_some() => {
                self.record().name = Some(NameB::default());
            }
            (n, "Address") if n > 2 && self.record.is_some() => {
                let rec = self.record();
                rec.address = Some(Address::default());
                rec.address_lines.clear();
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, path: &[String], text: &str) -> Result<(), Refusal> {
        if self.record.is_none() {
            return Ok(());
        }
        let name = path.last().map(String::as_str).unwrap_or_default();
        match (path.len(), name) {
            (2, "Designation") => self.close(),
            (n, "Name") if n > 2 => {
                if let Some(b) = self.record().name.take() {
                    self.record().names.push(b);
                }
                Ok(())
            }
            (n, "Address") if n > 2 => {
                let rec = self.record();
                if let Some(mut a) = rec.address.take() {
                    if !rec.address_lines.is_empty() {
                        a.street = Some(rec.address_lines.join(", "));
                    }
                    if a != Address::default() {
                        self.entity().addresses.push(a);
                    }
                }
                Ok(())
            }
            _ => {
                let value = collapse_whitespace(text);
                if value.is_empty() {
                    Ok(())
                } else {
                    self.field(name, value)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Designations xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <DateGenerated>2026-11-30T09:00:00</DateGenerated>
  <Designation>
    <LastUpdated>2026-11-02T00:00:00</LastUpdated>
    <DateDesignated>2025-03-14T00:00:00</DateDesignated>
    <UniqueID>DPR9001</UniqueID>
    <RegimeName>Democratic People’s Republic of Korea</RegimeName>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <Names>
      <Name><Name1>Song</Name1><Name2>Il</Name2><Name6>HAN</Name6><NameType>Primary Name</NameType></Name>
      <Name><Name1>Song-Il</Name1><Name6>HAN</Name6><NameType>Primary Name Variation</NameType></Name>
      <Name><Name1>Danny</Name1><NameType>Alias</NameType><AliasStrength>Weak AKA</AliasStrength></Name>
    </Names>
    <NonLatinNames><NameNonLatinScript>한성일</NameNonLatinScript><NonLatinScriptType>Korean</NonLatinScriptType></NonLatinNames>
    <IndividualDetails>
      <Individual>
        <DOBs><DOB>03/09/1990</DOB><DOB>00/00/1991</DOB></DOBs>
        <Nationalities><Nationality>North Korea</Nationality></Nationalities>
        <Genders><Gender>Male</Gender></Genders>
        <BirthDetails><Location><TownOfBirth>Sinuiju</TownOfBirth><CountryOfBirth>North Korea</CountryOfBirth></Location></BirthDetails>
        <PassportDetails><PassportDetail><PassportNumber>745312908</PassportNumber><PassportAdditionalInformation>DPRK passport</PassportAdditionalInformation></PassportDetail></PassportDetails>
      </Individual>
    </IndividualDetails>
    <Addresses><Address><AddressLine1>Room 4</AddressLine1><AddressLine6>Dandong</AddressLine6><AddressCountry>China</AddressCountry></Address></Addresses>
    <EmailAddresses><EmailAddress>han.dev@example.test</EmailAddress></EmailAddresses>
    <OtherInformation>Made-up entry for tests.</OtherInformation>
  </Designation>
  <Designation>
    <UniqueID>CYB9002</UniqueID>
    <RegimeName>Cyber</RegimeName>
    <IndividualEntityShip>Entity</IndividualEntityShip>
    <Names><Name><Name6>Example Bytes Ltd</Name6><NameType>Primary Name</NameType></Name></Names>
  </Designation>
</Designations>
"#;

    fn refused(xml: &str) -> (u64, String) {
        match parse("uk.xml", xml.as_bytes()) {
            Err(LoadError::Xml { line, message, .. }) => (line, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_small_export_loads() {
        let l = parse("uk.xml", DOC.as_bytes()).unwrap();
        assert_eq!((l.report.entries, l.report.north_korea_entries), (2, 1));
        let e = &l.entities[0];
        assert_eq!(e.id, "DPR9001");
        assert_eq!(e.primary_name, "Song Il HAN");
        assert!(e.north_korea);
        assert_eq!(e.aliases.len(), 2);
        assert_eq!(e.aliases[0].name, "Song-Il HAN");
        assert_eq!(e.aliases[1].quality, AliasQuality::Weak);
        assert_eq!(e.original_script_names, ["한성일"]);
        assert_eq!(
            e.dates_of_birth,
            [
                DateSpec::on(PartialDate::ymd(1990, 9, 3).unwrap()),
                DateSpec::on(PartialDate::year(1991))
            ]
        );
        assert_eq!(e.nationalities[0].iso2.as_deref(), Some("KP"));
        assert_eq!(e.documents[0].number, "745312908");
        assert_eq!(e.documents[0].kind, DocumentKind::Passport);
        assert_eq!(e.gender, Some(Gender::Male));
        assert_eq!(e.emails, ["han.dev@example.test"]);
        assert_eq!(e.addresses[0].street.as_deref(), Some("Room 4, Dandong"));
        assert_eq!(
            e.places_of_birth[0]
                .country
                .as_ref()
                .unwrap()
                .iso2
                .as_deref(),
            Some("KP")
        );
        let o = &l.entities[1];
        assert_eq!(
            (o.kind, o.primary_name.as_str()),
            (EntityKind::Entity, "Example Bytes Ltd")
        );
        assert!(!o.north_korea);
    }

    #[test]
    fn malformed_exports_are_refused_with_the_line() {
        let (line, msg) = refused(&DOC.replace("03/09/1990", "31/02/1990"));
        assert_eq!(line, 18, "{msg}");
        assert!(msg.contains("bad date of birth \"31/02/1990\""), "{msg}");
        let (line, msg) = refused(&DOC.replace("<UniqueID>CYB9002</UniqueID>", ""));
        assert_eq!((line, msg.as_str()), (29, "Designation without UniqueID"));
        let (line, msg) = refused(&DOC.replace("CYB9002", "DPR9001"));
        assert!(line == 29 && msg.contains("used twice"), "{msg}");
        let (_, msg) = refused(&DOC.replace(">Entity<", ">Aircraft<"));
        assert!(msg.contains("expected Individual, Entity or Ship"), "{msg}");
        let (_, msg) = refused(&DOC.replace("<Name6>Example Bytes Ltd</Name6>", ""));
        assert!(msg.contains("CYB9002 has no name"), "{msg}");
        // An unclosed element: the end tag that does not match is the line.
        let (line, msg) = refused(&DOC.replace(
            "<OtherInformation>Made-up entry for tests.</OtherInformation>",
            "<OtherInformation>open",
        ));
        assert_eq!(line, 28, "{msg}");
        let (_, msg) = refused(&DOC[..DOC.find("<UniqueID>").unwrap()]);
        assert!(msg.contains("truncated"), "{msg}");
    }

    #[test]
    fn dates_of_birth() {
        assert_eq!(parse_dob("00/04/1988"), PartialDate::year_month(1988, 4));
        assert_eq!(parse_dob("1988"), Some(PartialDate::year(1988)));
        assert_eq!(parse_dob("00/00/1988"), Some(PartialDate::year(1988)));
        assert_eq!(parse_dob("12/00/1988"), None);
        assert_eq!(parse_dob("1/4/1988"), None);
        assert!(is_dprk_regime("Democratic People's Republic of Korea"));
        assert!(!is_dprk_regime("Republic of Korea"));
    }
}
