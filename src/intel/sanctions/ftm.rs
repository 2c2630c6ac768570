//! OpenSanctions datasets as FollowTheMoney entities in JSON lines (`entities.ftm.json`): one
//! entity per line, `{"id": …, "schema": …, "properties": {"name": [ … ], …}, "target": true,
//! "datasets": [ … ]}`, every property a list of strings. Loaded as the list `OS-<DATASET>`, the
//! dataset's name given by whoever loads it (`OS-KP-SANCTIONS`).
//!
//! | schema | becomes |
//! |---|---|
//! | `Person` | a person |
//! | `Organization`, `Company`, `LegalEntity`, `PublicBody` | an entity |
//! | `Vessel`, `Airplane` | a vessel, an aircraft |
//! | `CryptoWallet` (`publicKey` required, `currency`, `holder`) | a crypto address of its holder's entry when the holder is in the file, else an entry of its own |
//! | `Passport`, `Identification` (`number`, `holder`, `country`, `type`) | a document of its holder's entry |
//! | anything else (`Sanction`, `Address`, `Ownership`, `Family`, …) | skipped (counted in the parse report) |
//!
//! An entity with `"target": false` (a relative, an owner named beside the sanctioned party) is
//! skipped too: only targets are listed parties.
//!
//! Properties read: `name` (the first is the primary name, the others strong aliases), `alias`
//! (strong), `weakAlias` (weak: a nickname or a generic name only supports other evidence, as a
//! UN `Low` or OFAC quoted alias does), `previousName` (formerly known as); names in a script
//! other than Latin are original-script names; `birthDate` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
//! `birthPlace`, `nationality`, `citizenship`, `country` (ISO codes, lower case as FtM writes
//! them), `passportNumber`, `idNumber`, `taxNumber`, `registrationNumber`, `imoNumber`, `email`,
//! `phone`, `website`, `address`, `gender`, `position`, `title`, `programId` (programmes), `topics`
//! and `notes`.
//!
//! **North Korea entries**: a topic of the `sanction` family (`sanction`, `sanction.linked`, …)
//! together with `kp` among the entity's `nationality`, `citizenship`, `country` or
//! `jurisdiction`.
//!
//! Refused whole, naming the line: a line that is not one JSON object; an entity without `id`,
//! with an `id` used on an earlier line, or without `schema`; `properties` that is not an object
//! of lists of strings; a listed party (person, organisation, …) without a `name`; a wallet
//! without `publicKey`; a `birthDate` that is not a date.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{Map, Value};

use super::eu::non_latin;
use super::model::{
    Address, Alias, AliasKind, AliasQuality, Country, CryptoAddress, DateSpec, DocumentKind,
    Entity, EntityKind, Gender, IdDocument, LoadError, LoadedList, ParseReport, Place,
    collapse_whitespace, parse_iso_partial, read_named_file,
};

/// The prefix of every OpenSanctions list name.
pub const LIST_PREFIX: &str = "OS-";

/// Whether `name` is a valid OpenSanctions list name: `OS-` and the dataset in upper-case letters,
/// digits and single dashes (`OS-KP-SANCTIONS`), 64 characters at most.
pub fn valid_list_name(name: &str) -> bool {
    let Some(dataset) = name.strip_prefix(LIST_PREFIX) else {
        return false;
    };
    name.len() <= 64
        && !dataset.is_empty()
        && dataset.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// Load a dataset from a file as the list `list`.
pub fn load_file(path: &Path, list: &str) -> Result<LoadedList, LoadError> {
    let (name, bytes) = read_named_file(path)?;
    parse(&name, list, &bytes)
}

/// A document or wallet waiting for its holder.
enum Attachment {
    Document(IdDocument),
    Wallet(CryptoAddress),
}

/// Parse FtM JSON lines as the list `list` (`OS-<DATASET>`); `file` names it in errors.
pub fn parse(file: &str, list: &str, data: &[u8]) -> Result<LoadedList, LoadError> {
    let fail = |line: u64, message: String| LoadError::Malformed {
        file: file.to_owned(),
        line,
        message,
    };
    if !valid_list_name(list) {
        return Err(fail(
            0,
            format!(
                "list name {list:?}: an OpenSanctions list is named OS-<DATASET> (upper-case \
                 letters, digits and dashes), e.g. OS-KP-SANCTIONS"
            ),
        ));
    }
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut report = ParseReport {
        list: list.to_owned(),
        ..ParseReport::default()
    };
    let mut entities: Vec<Entity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut attachments: Vec<(u64, String, String, Attachment)> = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for (n, raw) in data.split(|&b| b == b'\n').enumerate() {
        let line = n as u64 + 1;
        let text = std::str::from_utf8(raw).map_err(|e| {
            fail(
                line,
                format!("not UTF-8 (byte {} of the line)", e.valid_up_to()),
            )
        })?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| fail(line, format!("not a JSON object: {e}")))?;
        let Value::Object(object) = value else {
            return Err(fail(line, "not a JSON object".to_owned()));
        };
        let id = match object.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_owned(),
            _ => return Err(fail(line, "entity without an id".to_owned())),
        };
        if let Some(first) = first_line.get(&id) {
            return Err(fail(
                line,
                format!("entity id {id} is used twice (first on line {first})"),
            ));
        }
        first_line.insert(id.clone(), line);
        let schema = match object.get("schema") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(fail(line, format!("entity {id} has no schema"))),
        };
        let props = Props::new(&object).map_err(|m| fail(line, format!("entity {id}: {m}")))?;
        let target = object
            .get("target")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let kind = match schema.as_str() {
            "Person" => Some(EntityKind::Person),
            "Organization" | "Company" | "LegalEntity" | "PublicBody" => Some(EntityKind::Entity),
            "Vessel" => Some(EntityKind::Vessel),
            "Airplane" => Some(EntityKind::Aircraft),
            _ => None,
        };
        match (schema.as_str(), kind) {
            (_, Some(_)) | ("CryptoWallet", _) if !target => {
                *skipped
                    .entry(format!("{schema} (not a target)"))
                    .or_default() += 1;
            }
            (_, Some(kind)) => {
                let e = entity(&id, list, kind, &schema, &props, &mut report)
                    .map_err(|m| fail(line, m))?;
                index.insert(id, entities.len());
                entities.push(e);
            }
            ("CryptoWallet", None) => {
                let Some(key) = props.first("publicKey") else {
                    return Err(fail(line, format!("CryptoWallet {id} has no publicKey")));
                };
                let wallet = CryptoAddress {
                    asset: props
                        .first("currency")
                        .map_or_else(|| "CRYPTO".to_owned(), |c| c.to_ascii_uppercase()),
                    address: key.to_owned(),
                };
                match props.first("holder") {
                    Some(holder) => {
                        attachments.push((line, id, holder.to_owned(), Attachment::Wallet(wallet)))
                    }
                    None => {
                        let name = props.first("name").unwrap_or(key).to_owned();
                        let mut e = Entity::new(id.clone(), list, EntityKind::Entity, name);
                        e.crypto_addresses.push(wallet);
                        e.properties.extend(props.topics());
                        index.insert(id, entities.len());
                        entities.push(e);
                    }
                }
            }
            ("Passport" | "Identification", None) => {
                let Some(number) = props
                    .first("number")
                    .or_else(|| props.first("passportNumber"))
                else {
                    report
                        .unparsed_fragments
                        .push((id, format!("{schema} without a number")));
                    continue;
                };
                let label = props.first("type").unwrap_or(&schema).to_owned();
                let doc_kind = if schema == "Passport" || label.to_lowercase().contains("passport")
                {
                    DocumentKind::Passport
                } else {
                    DocumentKind::NationalId
                };
                let doc = IdDocument {
                    kind: doc_kind,
                    label,
                    number: number.to_owned(),
                    country: props.first("country").and_then(country_code),
                    issued: props.first("startDate").and_then(parse_iso_partial),
                    expires: props.first("endDate").and_then(parse_iso_partial),
                    note: None,
                };
                match props.first("holder") {
                    Some(holder) => {
                        attachments.push((line, id, holder.to_owned(), Attachment::Document(doc)))
                    }
                    None => report
                        .unparsed_fragments
                        .push((id, format!("{schema} {number} without a holder"))),
                }
            }
            _ => *skipped.entry(schema).or_default() += 1,
        }
    }
    for (line, id, holder, attachment) in attachments {
        let Some(&i) = index.get(&holder) else {
            report.unparsed_fragments.push((
                id,
                format!("line {line}: holder {holder} is not a listed party of this file"),
            ));
            continue;
        };
        let e = &mut entities[i];
        match attachment {
            Attachment::Document(doc) => {
                if !e.documents.contains(&doc) {
                    e.documents.push(doc);
                }
            }
            Attachment::Wallet(wallet) => {
                if !e.crypto_addresses.contains(&wallet) {
                    e.crypto_addresses.push(wallet);
                }
            }
        }
    }
    for (schema, count) in skipped {
        report.free_text_notes.push((
            String::new(),
            format!("{count} {schema} entities skipped: not screened"),
        ));
    }
    Ok(LoadedList::counted(entities, report))
}

/// An ISO code as FtM writes it (`kp`); `None` when empty.
fn country_code(code: &str) -> Option<Country> {
    super::eu::country_code(code)
}

/// One entity's properties: every value a list of strings.
struct Props(BTreeMap<String, Vec<String>>);

impl Props {
    fn new(object: &Map<String, Value>) -> Result<Props, String> {
        let mut props = BTreeMap::new();
        match object.get("properties") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    let values = match value {
                        Value::String(s) => vec![s.clone()],
                        Value::Array(items) => items
                            .iter()
                            .map(|v| v.as_str().map(str::to_owned))
                            .collect::<Option<Vec<String>>>()
                            .ok_or_else(|| format!("properties.{key} must be a list of strings"))?,
                        _ => return Err(format!("properties.{key} must be a list of strings")),
                    };
                    let values: Vec<String> = values
                        .iter()
                        .map(|v| collapse_whitespace(v))
                        .filter(|v| !v.is_empty())
                        .collect();
                    props.insert(key.clone(), values);
                }
            }
            Some(_) => return Err("properties must be an object".to_owned()),
        }
        Ok(Props(props))
    }

    fn all(&self, key: &str) -> &[String] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }

    fn first(&self, key: &str) -> Option<&str> {
        self.all(key).first().map(String::as_str)
    }

    fn topics(&self) -> Vec<super::model::Property> {
        self.all("topics")
            .iter()
            .map(|t| super::model::Property {
                key: "topic".to_owned(),
                value: t.clone(),
            })
            .collect()
    }
}

fn entity(
    id: &str,
    list: &str,
    kind: EntityKind,
    schema: &str,
    props: &Props,
    report: &mut ParseReport,
) -> Result<Entity, String> {
    let mut names = props.all("name").iter();
    let Some(primary) = names.next() else {
        return Err(format!("{schema} {id} has no name"));
    };
    let mut e = Entity::new(id, list, kind, primary.clone());
    let add_name = |e: &mut Entity, name: &str, quality: AliasQuality, alias_kind: AliasKind| {
        if name == e.primary_name {
            return;
        }
        if non_latin(name) {
            if !e.original_script_names.iter().any(|n| n == name) {
                e.original_script_names.push(name.to_owned());
            }
        } else {
            e.push_alias(Alias::new(name, quality, alias_kind));
        }
    };
    for n in names {
        add_name(&mut e, n, AliasQuality::Strong, AliasKind::Aka);
    }
    for n in props.all("alias") {
        add_name(&mut e, n, AliasQuality::Strong, AliasKind::Aka);
    }
    for n in props.all("previousName") {
        add_name(&mut e, n, AliasQuality::Strong, AliasKind::Fka);
    }
    for n in props.all("weakAlias") {
        add_name(&mut e, n, AliasQuality::Weak, AliasKind::Aka);
    }
    // A primary name in another script: a Latin one, when there is one, is shown instead.
    if non_latin(&e.primary_name)
        && let Some(i) = e
            .aliases
            .iter()
            .position(|a| a.quality == AliasQuality::Strong)
    {
        let latin = e.aliases.remove(i);
        let original = std::mem::replace(&mut e.primary_name, latin.name);
        e.original_script_names.insert(0, original);
    }
    for d in props.all("birthDate") {
        let date = d
            .get(..10)
            .filter(|_| d.len() == 10 || d[10..].starts_with('T'))
            .map_or_else(|| parse_iso_partial(d), parse_iso_partial)
            .ok_or_else(|| format!("{schema} {id}: bad birthDate {d:?}"))?;
        e.push_dob(DateSpec::on(date));
    }
    for place in props.all("birthPlace") {
        e.places_of_birth.push(Place {
            text: place.clone(),
            country: None,
        });
    }
    let countries = |key: &str, into: &mut Vec<Country>, report: &mut ParseReport| {
        for code in props.all(key) {
            if let Some(c) = country_code(code) {
                if c.iso2.is_none() {
                    report
                        .unmapped_countries
                        .push((id.to_owned(), code.clone()));
                }
                if !into.contains(&c) {
                    into.push(c);
                }
            }
        }
    };
    let mut nationalities = Vec::new();
    countries("nationality", &mut nationalities, report);
    let mut citizenships = Vec::new();
    countries("citizenship", &mut citizenships, report);
    e.nationalities = nationalities;
    e.citizenships = citizenships;
    let mut located = Vec::new();
    countries("country", &mut located, report);
    countries("jurisdiction", &mut located, report);
    for (key, doc_kind) in [
        ("passportNumber", DocumentKind::Passport),
        ("idNumber", DocumentKind::NationalId),
        ("taxNumber", DocumentKind::Other),
        ("registrationNumber", DocumentKind::Other),
        ("imoNumber", DocumentKind::Other),
    ] {
        for number in props.all(key) {
            e.documents.push(IdDocument {
                kind: doc_kind,
                label: key.to_owned(),
                number: number.clone(),
                country: None,
                issued: None,
                expires: None,
                note: None,
            });
        }
    }
    e.emails = props.all("email").to_vec();
    e.phones = props.all("phone").to_vec();
    e.websites = props.all("website").to_vec();
    for address in props.all("address") {
        e.addresses.push(Address {
            street: Some(address.clone()),
            ..Address::default()
        });
    }
    for c in &located {
        if !e.nationalities.contains(c) && !e.citizenships.contains(c) {
            e.addresses.push(Address {
                country: Some(c.clone()),
                note: Some("country".to_owned()),
                ..Address::default()
            });
        }
    }
    e.gender = match props.first("gender") {
        Some("male") => Some(Gender::Male),
        Some("female") => Some(Gender::Female),
        _ => None,
    };
    for t in props.all("position").iter().chain(props.all("title")) {
        if !e.titles.contains(t) {
            e.titles.push(t.clone());
        }
    }
    e.programs = props.all("programId").to_vec();
    e.remarks = props.all("notes").join("; ");
    e.properties.extend(props.topics());
    let sanctioned = props
        .all("topics")
        .iter()
        .any(|t| t == "sanction" || t.starts_with("sanction."));
    let is_kp = |c: &Country| c.iso2.as_deref() == Some("KP");
    e.north_korea = sanctioned
        && (e.nationalities.iter().any(is_kp)
            || e.citizenships.iter().any(is_kp)
            || located.iter().any(is_kp));
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: &str = concat!(
        r#"{"id":"os-p-1","schema":"Person","properties":{"name":["PAE Kwang Su"],"alias":["Kwang-Su Pae"],"weakAlias":["Sunny"],"birthDate":["1987-11-05"],"nationality":["kp"],"passportNumber":["927316455"],"topics":["sanction"],"email":["kspae@example.test"],"notes":["Made-up entry for tests."]},"datasets":["test"],"target":true}"#,
        "\n",
        r#"{"id":"os-p-2","schema":"Person","properties":{"name":["배광수","PAE Kwang Su"],"birthDate":["1962"],"country":["cn"],"topics":["sanction"]},"target":true}"#,
        "\n\n",
        r#"{"id":"os-w-1","schema":"CryptoWallet","properties":{"publicKey":["0x5f0e2c9b7a41d3e86c2f9a0b1d4e7c3a9b8f6e21"],"currency":["eth"],"holder":["os-p-1"],"topics":["sanction"]}}"#,
        "\n",
        r#"{"id":"os-c-1","schema":"Company","properties":{"name":["Example Korea Software Trading Co"],"jurisdiction":["kp"],"topics":["sanction"]}}"#,
        "\n",
        r#"{"id":"os-s-1","schema":"Sanction","properties":{"entity":["os-p-1"],"program":["DPRK"]}}"#,
        "\n",
        r#"{"id":"os-p-3","schema":"Person","properties":{"name":["Relative of Pae"],"nationality":["kp"]},"target":false}"#,
        "\n",
        r#"{"id":"os-pp-1","schema":"Passport","properties":{"holder":["os-p-2"],"number":["G1234567"],"country":["kp"]}}"#,
        "\n",
    );

    fn refused(data: &str) -> (u64, String) {
        match parse("os.json", "OS-TEST", data.as_bytes()) {
            Err(LoadError::Malformed { line, message, .. }) => (line, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn entities_load() {
        let l = parse("os.json", "OS-TEST", LINES.as_bytes()).unwrap();
        assert_eq!(l.report.entries, 3);
        assert_eq!(
            l.report.north_korea_entries, 2,
            "the KP person and the KP company"
        );
        let p = &l.entities[0];
        assert_eq!((p.id.as_str(), p.list.as_str()), ("os-p-1", "OS-TEST"));
        assert_eq!(p.primary_name, "PAE Kwang Su");
        assert!(p.north_korea);
        let strengths: Vec<_> = p
            .aliases
            .iter()
            .map(|a| (a.name.as_str(), a.quality))
            .collect();
        assert_eq!(
            strengths,
            [
                ("Kwang-Su Pae", AliasQuality::Strong),
                ("Sunny", AliasQuality::Weak)
            ]
        );
        assert_eq!(p.documents[0].kind, DocumentKind::Passport);
        assert_eq!(p.crypto_addresses[0].asset, "ETH");
        assert_eq!(p.emails, ["kspae@example.test"]);
        assert_eq!(p.remarks, "Made-up entry for tests.");
        // The namesake: the Hangul name first in the file, a Latin one shown.
        let n = &l.entities[1];
        assert_eq!(n.primary_name, "PAE Kwang Su");
        assert_eq!(n.original_script_names, ["배광수"]);
        assert!(!n.north_korea, "sanctioned, but in China");
        assert_eq!(n.documents[0].number, "G1234567");
        assert_eq!(l.entities[2].kind, EntityKind::Entity);
        assert!(l.entities[2].north_korea);
        assert_eq!(
            l.report.free_text_notes.len(),
            2,
            "{:?}",
            l.report.free_text_notes
        );
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let (line, msg) = refused(&LINES.replacen("{\"id\":\"os-w-1\"", "{\"id\":\"os-w-1\",", 1));
        assert_eq!(line, 4, "{msg}");
        assert!(msg.starts_with("not a JSON object"), "{msg}");
        let (line, msg) = refused(&LINES.replace("\"id\":\"os-c-1\",", ""));
        assert_eq!((line, msg.as_str()), (5, "entity without an id"));
        let (line, msg) = refused(&LINES.replace("os-c-1", "os-p-1"));
        assert_eq!(line, 5);
        assert!(msg.contains("first on line 1"), "{msg}");
        let (line, msg) = refused(&LINES.replace("\"1962\"", "\"1962-13\""));
        assert!(
            line == 2 && msg.contains("bad birthDate \"1962-13\""),
            "{msg}"
        );
        let (line, msg) =
            refused(&LINES.replace("\"name\":[\"Example Korea Software Trading Co\"],", ""));
        assert!(line == 5 && msg.contains("has no name"), "{msg}");
        let (_, msg) = refused(&LINES.replace(
            "\"nationality\":[\"kp\"],\"passport",
            "\"nationality\":[1],\"passport",
        ));
        assert!(
            msg.contains("properties.nationality must be a list of strings"),
            "{msg}"
        );
        let (line, msg) = refused(&LINES.replace(
            "\"publicKey\":[\"0x5f0e2c9b7a41d3e86c2f9a0b1d4e7c3a9b8f6e21\"],",
            "",
        ));
        assert!(line == 4 && msg.contains("no publicKey"), "{msg}");
        let (line, _) = refused("[1]\n");
        assert_eq!(line, 1);
        assert!(parse("os.json", "KP-SANCTIONS", b"").is_err());
        assert!(parse("os.json", "OS-kp_sanctions", b"").is_err());
    }

    #[test]
    fn list_names() {
        assert!(valid_list_name("OS-KP-SANCTIONS"));
        assert!(valid_list_name("OS-US-OFAC-SDN2"));
        for bad in ["OS-", "OS--X", "OS-X-", "os-x", "OS-X_Y", "KP"] {
            assert!(!valid_list_name(bad), "{bad}");
        }
    }
}
