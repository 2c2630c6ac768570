//! OFAC SDN list, legacy CSV set (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`).
//!
//! Format facts handled here:
//! * Latin-1, no header row, CRLF; decoded byte-for-byte (each byte is the code point).
//! * Null is `-0-`, usually with a trailing space (`-0- `).
//! * Entity type `-0-` means an entity (vs `individual`, `vessel`, `aircraft`).
//! * Several programmes in one field: `DPRK3] [DPRK-NKSPEA`.
//! * `sdn.csv`, `add.csv` and `alt.csv` end with a line holding a single 0x1A
//!   (DOS end-of-file) byte. It is required: without it the file may be truncated.
//! * `sdn.csv` cuts Remarks at 1,000 characters; `sdn_comments.csv` holds the
//!   rest (continuing mid-word) keyed by entity number. The two are concatenated
//!   byte-exact before the remarks are parsed.
//!
//! A malformed file (wrong column count, a non-numeric entity number, a row
//! that references an unknown entity, an unknown entity or alias type, an
//! unterminated quoted field, data after the end-of-file marker) is refused
//! whole with the file name and line.

use std::collections::HashMap;
use std::path::Path;

use super::csv_list::{LineCounter, malformed, unclosed_quote_line};
use super::model::{
    Address, Alias, AliasKind, AliasQuality, Country, CryptoAddress, DateSpec, DocumentKind,
    Entity, EntityKind, Gender, IdDocument, LIST_OFAC_SDN, LoadError, LoadedList, ParseReport,
    PartialDate, Place, parse_partial_date, read_file,
};

/// The four files of the set, as raw bytes.
#[derive(Debug, Clone, Copy)]
pub struct OfacSources<'a> {
    pub sdn: &'a [u8],
    pub add: &'a [u8],
    pub alt: &'a [u8],
    pub comments: &'a [u8],
}

/// Load `sdn.csv`, `add.csv`, `alt.csv` and `sdn_comments.csv` from `dir`.
pub fn load_dir(dir: &Path) -> Result<LoadedList, LoadError> {
    let sdn = read_file(&dir.join("sdn.csv"))?;
    let add = read_file(&dir.join("add.csv"))?;
    let alt = read_file(&dir.join("alt.csv"))?;
    let comments = read_file(&dir.join("sdn_comments.csv"))?;
    parse(&OfacSources {
        sdn: &sdn,
        add: &add,
        alt: &alt,
        comments: &comments,
    })
}

/// Decode Latin-1 (ISO-8859-1): every byte becomes the code point of the same value.
pub fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

const EOF_MARKER: char = '\u{1a}';

/// One CSV row: its first line number and its fields.
struct Row {
    line: u64,
    record: csv::StringRecord,
}

/// Read a headerless CSV file with exactly `columns` fields per row.
fn read_rows(
    file: &str,
    bytes: &[u8],
    columns: usize,
    require_eof_marker: bool,
) -> Result<Vec<Row>, LoadError> {
    let text = decode_latin1(bytes);
    check_quotes_and_end(file, &text)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut eof_line: Option<u64> = None;
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    while let Some(line) = lines.next_record(&mut reader, &mut record, file)? {
        if let Some(at) = eof_line {
            return Err(malformed(
                file,
                line,
                format!("data after the end-of-file marker (0x1A) on line {at}"),
            ));
        }
        if record.len() == 1 && record[0].trim() == "\u{1a}" {
            eof_line = Some(line);
            continue;
        }
        if record.len() != columns {
            return Err(malformed(
                file,
                line,
                format!("expected {columns} columns, found {}", record.len()),
            ));
        }
        rows.push(Row {
            line,
            record: record.clone(),
        });
    }
    if require_eof_marker && eof_line.is_none() {
        let line = rows.last().map_or(1, |r| r.line + 1);
        return Err(malformed(
            file,
            line,
            "missing end-of-file marker (0x1A): the file looks truncated",
        ));
    }
    Ok(rows)
}

/// Refuse an unterminated quoted field and a last row without a line end
/// (both signs of a truncated file); the csv reader would accept them.
fn check_quotes_and_end(file: &str, text: &str) -> Result<(), LoadError> {
    if let Some(line) = unclosed_quote_line(text) {
        return Err(malformed(
            file,
            line,
            "quoted field is never closed: the file looks truncated",
        ));
    }
    let trimmed = text.trim_end_matches([' ', '\t']);
    if !trimmed.is_empty() && !trimmed.ends_with(['\n', '\r', EOF_MARKER]) {
        let line = 1 + text.bytes().filter(|&b| b == b'\n').count() as u64;
        return Err(malformed(
            file,
            line,
            "last row has no line end: the file looks truncated",
        ));
    }
    Ok(())
}

/// `None` for OFAC's null (`-0-`, with or without spaces) and empty fields.
fn field(v: &str) -> Option<&str> {
    let t = v.trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(t)
    }
}

fn ent_num(file: &str, line: u64, v: &str) -> Result<u64, LoadError> {
    let t = v.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(
            file,
            line,
            format!("entity number is not numeric: {t:?}"),
        ));
    }
    t.parse()
        .map_err(|_| malformed(file, line, format!("entity number out of range: {t:?}")))
}

/// Split `DPRK3] [DPRK-NKSPEA` into its programme tags.
pub fn split_programs(v: &str) -> Vec<String> {
    v.split("] [")
        .map(|p| {
            p.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
        })
        .filter(|p| !p.is_empty() && *p != "-0-")
        .map(str::to_string)
        .collect()
}

/// Parse the whole set. Nothing is returned unless every file is well-formed.
pub fn parse(src: &OfacSources<'_>) -> Result<LoadedList, LoadError> {
    const SDN: &str = "sdn.csv";
    const ADD: &str = "add.csv";
    const ALT: &str = "alt.csv";
    const COMMENTS: &str = "sdn_comments.csv";

    let mut entities: Vec<Entity> = Vec::new();
    let mut remarks: Vec<String> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();

    for row in read_rows(SDN, src.sdn, 12, true)? {
        let r = &row.record;
        let num = ent_num(SDN, row.line, &r[0])?;
        let name = field(&r[1]).ok_or_else(|| malformed(SDN, row.line, "entry has no name"))?;
        let kind = match r[2].trim().to_ascii_lowercase().as_str() {
            "-0-" => EntityKind::Entity,
            "individual" => EntityKind::Person,
            "vessel" => EntityKind::Vessel,
            "aircraft" => EntityKind::Aircraft,
            other => {
                return Err(malformed(
                    SDN,
                    row.line,
                    format!("unknown entity type {other:?}"),
                ));
            }
        };
        if index.insert(num, entities.len()).is_some() {
            return Err(malformed(
                SDN,
                row.line,
                format!("duplicate entity number {num}"),
            ));
        }
        let mut e = Entity::new(num.to_string(), LIST_OFAC_SDN, kind, name);
        e.programs = split_programs(&r[3]);
        if let Some(t) = field(&r[4]) {
            e.titles.push(t.to_string());
        }
        for (i, key) in [
            (5, "Vessel Call Sign"),
            (6, "Vessel Type"),
            (7, "Vessel Tonnage"),
            (8, "Vessel Gross Registered Tonnage"),
            (9, "Vessel Flag"),
            (10, "Vessel Owner"),
        ] {
            if let Some(v) = field(&r[i]) {
                e.push_property(key, v);
            }
        }
        // Not trimmed: the cut at 1,000 characters may fall next to a space.
        remarks.push(if field(&r[11]).is_some() {
            r[11].to_string()
        } else {
            String::new()
        });
        entities.push(e);
    }

    let lookup = |file: &str, line: u64, v: &str| -> Result<usize, LoadError> {
        let num = ent_num(file, line, v)?;
        index.get(&num).copied().ok_or_else(|| {
            malformed(
                file,
                line,
                format!("row references unknown entity number {num}"),
            )
        })
    };

    for row in read_rows(COMMENTS, src.comments, 2, false)? {
        let i = lookup(COMMENTS, row.line, &row.record[0])?;
        if field(&row.record[1]).is_some() {
            remarks[i].push_str(&row.record[1]);
        }
    }

    for row in read_rows(ALT, src.alt, 5, true)? {
        let r = &row.record;
        let i = lookup(ALT, row.line, &r[0])?;
        let kind = match r[2].trim().to_ascii_lowercase().trim_end_matches('.') {
            "aka" | "a.k.a" => AliasKind::Aka,
            "fka" | "f.k.a" => AliasKind::Fka,
            "nka" | "n.k.a" => AliasKind::Nka,
            other => {
                return Err(malformed(
                    ALT,
                    row.line,
                    format!("unknown alias type {other:?}"),
                ));
            }
        };
        let name = field(&r[3]).ok_or_else(|| malformed(ALT, row.line, "alias has no name"))?;
        let mut alias = Alias::new(name, AliasQuality::Strong, kind);
        alias.note = field(&r[4]).map(str::to_string);
        entities[i].push_alias(alias);
    }

    let mut report = ParseReport {
        list: LIST_OFAC_SDN.to_string(),
        ..ParseReport::default()
    };

    for row in read_rows(ADD, src.add, 6, true)? {
        let r = &row.record;
        let i = lookup(ADD, row.line, &r[0])?;
        let addr = Address {
            street: field(&r[2]).map(str::to_string),
            city: field(&r[3]).map(str::to_string),
            country: field(&r[4]).map(Country::from_name),
            note: field(&r[5]).map(str::to_string),
            ..Address::default()
        };
        if addr == Address::default() {
            continue;
        }
        if let Some(c) = &addr.country
            && c.iso2.is_none()
        {
            report
                .unmapped_countries
                .push((entities[i].id.clone(), c.raw.clone()));
        }
        entities[i].addresses.push(addr);
    }

    for (e, raw) in entities.iter_mut().zip(remarks) {
        let merged = raw.trim();
        if !merged.is_empty() {
            parse_remarks(e, merged, &mut report);
            e.remarks = merged.to_string();
        }
        e.north_korea = e.programs.iter().any(|p| p.starts_with("DPRK"));
    }

    Ok(LoadedList::counted(entities, report))
}

// ---------------------------------------------------------------------------
// Remarks
// ---------------------------------------------------------------------------

/// Labels of identity documents and other identifiers found in Remarks, with
/// their kind. The longest label that prefixes a fragment wins.
const ID_LABELS: &[(&str, DocumentKind)] = &[
    // Passports and travel documents.
    ("Passport", DocumentKind::Passport),
    ("Passport No.", DocumentKind::Passport),
    ("Passport Booklet", DocumentKind::Passport),
    ("Diplomatic Passport", DocumentKind::Passport),
    ("Diplomatic Passport Laissez-Passer", DocumentKind::Passport),
    ("British National Overseas Passport", DocumentKind::Passport),
    ("Stateless Person Passport", DocumentKind::Passport),
    ("Travel Document Number", DocumentKind::Passport),
    // National identity numbers and cards.
    ("National ID No.", DocumentKind::NationalId),
    ("Cedula No.", DocumentKind::NationalId),
    ("D.N.I.", DocumentKind::NationalId),
    ("Identification Number", DocumentKind::NationalId),
    ("Personal ID Card", DocumentKind::NationalId),
    ("Citizen's Card Number", DocumentKind::NationalId),
    ("Kenyan ID No.", DocumentKind::NationalId),
    ("Turkish Identification Number", DocumentKind::NationalId),
    ("Numero de Identidad", DocumentKind::NationalId),
    ("Credencial electoral", DocumentKind::NationalId),
    ("Electoral Registry No.", DocumentKind::NationalId),
    ("C.U.R.P.", DocumentKind::NationalId),
    ("C.U.R.P. #", DocumentKind::NationalId),
    ("SSN", DocumentKind::NationalId),
    ("Tazkira National ID Card", DocumentKind::NationalId),
    ("National Foreign ID Number", DocumentKind::NationalId),
    ("CNP (Personal Numerical Code)", DocumentKind::NationalId),
    ("I.F.E.", DocumentKind::NationalId),
    ("C.U.I.", DocumentKind::NationalId),
    ("LE Number", DocumentKind::NationalId),
    ("Bosnian Personal ID No.", DocumentKind::NationalId),
    ("Moroccan Personal ID No.", DocumentKind::NationalId),
    ("UAE Identification", DocumentKind::NationalId),
    ("Residency Number", DocumentKind::NationalId),
    ("N.I.E.", DocumentKind::NationalId),
    ("Stateless Person ID Card", DocumentKind::NationalId),
    // Everything else: tax, company, licence, vessel and aircraft identifiers.
    ("Identification Number IMO", DocumentKind::Other),
    ("Identification Number ISIN:", DocumentKind::Other),
    ("Refugee ID Card", DocumentKind::Other),
    ("Birth Certificate Number", DocumentKind::Other),
    ("Driver's License No.", DocumentKind::Other),
    ("Cartilla de Servicio Militar Nacional", DocumentKind::Other),
    ("Immigration No.", DocumentKind::Other),
    ("Public Security and Immigration No.", DocumentKind::Other),
    ("Romanian Permanent Resident CAN", DocumentKind::Other),
    ("Seafarer's Identification Document", DocumentKind::Other),
    ("VisaNumberID", DocumentKind::Other),
    ("NIT #", DocumentKind::Other),
    ("R.F.C.", DocumentKind::Other),
    ("R.F.C. #", DocumentKind::Other),
    ("RFC", DocumentKind::Other),
    ("RUC #", DocumentKind::Other),
    ("RIF #", DocumentKind::Other),
    ("RTN", DocumentKind::Other),
    ("C.U.I.T.", DocumentKind::Other),
    ("C.U.I.P.", DocumentKind::Other),
    ("C.I.F.", DocumentKind::Other),
    ("RSIN", DocumentKind::Other),
    ("Tax ID No.", DocumentKind::Other),
    ("US FEIN", DocumentKind::Other),
    ("Italian Fiscal Code", DocumentKind::Other),
    ("Fiscal Code", DocumentKind::Other),
    ("Romanian Tax Registration", DocumentKind::Other),
    ("Paraguayan tax identification number", DocumentKind::Other),
    (
        "Numero Unico de Identificacao Tributaria (NUIT)",
        DocumentKind::Other,
    ),
    ("V.A.T. Number", DocumentKind::Other),
    ("Registration Number", DocumentKind::Other),
    ("Registration ID", DocumentKind::Other),
    ("Public Registration Number", DocumentKind::Other),
    ("Business Registration Number", DocumentKind::Other),
    ("Business Registration Document #", DocumentKind::Other),
    ("Business Number", DocumentKind::Other),
    ("Central Registration System Number", DocumentKind::Other),
    ("Certificate of Incorporation Number", DocumentKind::Other),
    ("Chamber of Commerce Number", DocumentKind::Other),
    (
        "Dubai Chamber of Commerce Membership No.",
        DocumentKind::Other,
    ),
    ("Istanbul Chamber of Comm. No.", DocumentKind::Other),
    ("Commercial Registry Number", DocumentKind::Other),
    ("Company Number", DocumentKind::Other),
    ("Company Number IMO", DocumentKind::Other),
    ("UK Company Number", DocumentKind::Other),
    ("Company ID: No.", DocumentKind::Other),
    ("C.R. No.", DocumentKind::Other),
    ("Romanian C.R.", DocumentKind::Other),
    ("D-U-N-S Number", DocumentKind::Other),
    ("Enterprise Number", DocumentKind::Other),
    ("Branch Unit Number", DocumentKind::Other),
    ("Legal Entity Number", DocumentKind::Other),
    (
        "United Social Credit Code Certificate (USCCC)",
        DocumentKind::Other,
    ),
    ("Unified Social Credit Code (USCC)", DocumentKind::Other),
    ("Folio Mercantil No.", DocumentKind::Other),
    ("Matricula Mercantil No", DocumentKind::Other),
    ("Government Gazette Number", DocumentKind::Other),
    ("Registered Charity No.", DocumentKind::Other),
    ("File Number", DocumentKind::Other),
    ("Serial No.", DocumentKind::Other),
    ("Trade License No.", DocumentKind::Other),
    ("Tourism License No.", DocumentKind::Other),
    ("License", DocumentKind::Other),
    ("Pilot License Number", DocumentKind::Other),
    (
        "Afghan Money Service Provider License Number",
        DocumentKind::Other,
    ),
    ("MSB Registration Number", DocumentKind::Other),
    ("SRE Permit No.", DocumentKind::Other),
    ("Tarjeta Profesional", DocumentKind::Other),
    (
        "Temporary suspension of deportation No.",
        DocumentKind::Other,
    ),
    ("SWIFT/BIC", DocumentKind::Other),
    ("BIK (RU)", DocumentKind::Other),
    ("Chinese Commercial Code", DocumentKind::Other),
    ("Vessel Registration Identification", DocumentKind::Other),
    (
        "Vessel Registration Identification IMO",
        DocumentKind::Other,
    ),
    (
        "International Maritime Organization No.",
        DocumentKind::Other,
    ),
    ("MMSI", DocumentKind::Other),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        DocumentKind::Other,
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        DocumentKind::Other,
    ),
    ("Aircraft Serial Identification", DocumentKind::Other),
    ("Aircraft Tail Number", DocumentKind::Other),
    ("Previous Aircraft Tail Number", DocumentKind::Other),
    ("Aircraft Mode S Transponder Code", DocumentKind::Other),
];

/// Features kept as `Property { key: label, value: rest }`.
const PROPERTY_LABELS: &[&str] = &[
    "Organization Established Date",
    "Organization Type:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "Executive Order",
    "For more information on directives, please visit the following link:",
    "CAATSA Section",
    "IFCA Determination -",
    "Target Type",
    "Nationality of Registration",
    "Aircraft Model",
    "Aircraft Operator",
    "Aircraft Manufacture Date",
    "Vessel Year of Build",
    "Vessel Flag",
    "Vessel Type",
    "Former Vessel Flag",
    "Other Vessel Flag",
    "Other Vessel Type",
    "Other Vessel Call Sign",
    "Fax",
    "Fax:",
    "Fax No.",
    "FAX",
    "TELEX",
    "arrested",
    "Position:",
    "Tribe:",
    "ethnicity",
];

const PHONE_LABELS: &[&str] = &[
    "Phone Number",
    "Phone No.",
    "PHONE",
    "Telephone",
    "Telephone:",
    "Telephone No.",
    "Telephone Number:",
];

/// If `s` starts with `label` followed by a space, `:` or the end, return the
/// rest (leading `:`/spaces removed).
fn after_label<'a>(s: &'a str, label: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(label)?;
    if rest.is_empty() || rest.starts_with([' ', ':']) || label.ends_with([':', '-', '#']) {
        Some(rest.trim_start_matches([' ', ':']).trim_end())
    } else {
        None
    }
}

fn strip_dot(s: &str) -> &str {
    s.trim().strip_suffix('.').unwrap_or(s.trim()).trim_end()
}

/// Parse `12 Mar 1971`, `circa 1965`, `1969 to 1971`, `01 Jan 1953 to 31 Dec 1953`,
/// `circa 1960-1962`, `Mar 1971`.
pub fn parse_ofac_date(s: &str) -> Option<DateSpec> {
    let s = strip_dot(s);
    let (circa, s) = match s
        .strip_prefix("circa ")
        .or_else(|| s.strip_prefix("Circa "))
        .or_else(|| s.strip_prefix("approximately "))
    {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    if let Some((a, b)) = s.split_once(" to ") {
        let from = parse_partial_date(a)?;
        let to = parse_partial_date(b)?;
        return (from <= to).then_some(DateSpec::Between { from, to, circa });
    }
    if let Some((a, b)) = s.split_once('-')
        && a.trim().len() == 4
        && b.trim().len() == 4
    {
        let from = PartialDate::year(a.trim().parse().ok()?);
        let to = PartialDate::year(b.trim().parse().ok()?);
        return (from <= to).then_some(DateSpec::Between { from, to, circa });
    }
    parse_partial_date(s).map(|date| DateSpec::On { date, circa })
}

/// The parts of an identifier value: `E3251534E (Singapore) expires 20 Mar 2018`.
#[derive(Debug, Default, PartialEq)]
struct IdValue {
    number: String,
    country: Option<String>,
    issued: Option<PartialDate>,
    expires: Option<PartialDate>,
    notes: Vec<String>,
    /// A date after `issued`/`expires` that could not be parsed.
    bad_tail: bool,
}

fn parse_id_value(value: &str) -> IdValue {
    let mut v = IdValue::default();
    let value = strip_dot(value);
    // Split off " issued ..." / " expires ..." (the first of the two).
    let cut = [" issued ", " expires "]
        .iter()
        .filter_map(|k| value.find(k))
        .min();
    let (head, tail) = match cut {
        Some(i) => (value[..i].trim(), Some(value[i..].trim())),
        None => (value.trim(), None),
    };
    if let Some(tail) = tail {
        let (issued, expires) = match tail.split_once("expires ") {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (tail, None),
        };
        if let Some(d) = issued.strip_prefix("issued ") {
            match parse_ofac_date(d) {
                Some(DateSpec::On { date, .. }) => v.issued = Some(date),
                Some(DateSpec::Between { from, .. }) => {
                    v.issued = Some(from);
                    v.notes.push(format!("issued {d}"));
                }
                _ => {
                    v.bad_tail = true;
                    v.notes.push(format!("issued {d}"));
                }
            }
        }
        if let Some(d) = expires {
            match parse_ofac_date(d) {
                Some(DateSpec::On { date, .. }) => v.expires = Some(date),
                Some(DateSpec::Between { to, .. }) => {
                    v.expires = Some(to);
                    v.notes.push(format!("expires {d}"));
                }
                _ => {
                    v.bad_tail = true;
                    v.notes.push(format!("expires {d}"));
                }
            }
        }
    }
    // Trailing parenthesised groups: the last is the country, earlier ones are notes.
    let mut head = head.trim();
    let mut groups: Vec<&str> = Vec::new();
    while head.ends_with(')') {
        let Some(open) = head.rfind('(') else { break };
        groups.push(head[open + 1..head.len() - 1].trim());
        head = head[..open].trim_end();
    }
    if head.is_empty() {
        // `International Maritime Organization No. (5777731)`: the group is the number.
        if let Some(g) = groups.pop() {
            head = g;
        }
    }
    let mut groups = groups.into_iter();
    if let Some(c) = groups.next() {
        v.country = Some(c.to_string());
    }
    // Remaining groups (read right to left) are notes, e.g. `(Delaware)`.
    let mut extra: Vec<String> = groups.map(str::to_string).collect();
    extra.reverse();
    v.notes.splice(0..0, extra);
    // `467323, Doc. 694710`: keep the first number, the rest is a note.
    let (number, more) = match head.split_once(", ") {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (head, None),
    };
    let number = number.trim_end_matches(',').trim();
    if let Some(m) = more {
        v.notes.insert(0, m.to_string());
    }
    // Words around the number name a place or an office, not the number:
    // `405885 Bogota (Colombia)`, `Tatmadaw Kyee 19571`, `AF465508 Colombia`.
    let is_word = |t: &&&str| {
        !t.bytes().any(|b| b.is_ascii_digit()) && t.bytes().any(|b| b.is_ascii_lowercase())
    };
    let tokens: Vec<&str> = number.split_whitespace().collect();
    let lead = tokens.iter().take_while(is_word).count();
    let trail = tokens[lead..].iter().rev().take_while(is_word).count();
    let core = &tokens[lead..tokens.len() - trail];
    if !core.is_empty() && (lead > 0 || trail > 0) {
        if trail > 0 {
            let words = tokens[tokens.len() - trail..].join(" ");
            if v.country.is_none() && crate::model::Country::named(&words).is_some() {
                v.country = Some(words);
            } else {
                v.notes.insert(0, words);
            }
        }
        if lead > 0 {
            v.notes.insert(0, tokens[..lead].join(" "));
        }
        v.number = core.join(" ");
    } else {
        v.number = number.to_string();
    }
    v
}

/// Does this prose fragment carry nothing that could identify someone?
fn is_free_text(s: &str) -> bool {
    let identifying = s.bytes().any(|b| b.is_ascii_digit())
        || s.contains('@')
        || s.contains("http")
        || s.contains("www.")
        || s.starts_with('\'')
        || s.contains(" '");
    !identifying
}

/// Strip the list-terminating `.` from a `Linked To:` name unless the last word
/// is an abbreviation (`S.A. DE C.V.`, `INC.`, `LTD.`).
fn linked_name(s: &str) -> &str {
    let s = s.trim();
    let Some(body) = s.strip_suffix('.') else {
        return s;
    };
    let last = body.rsplit(' ').next().unwrap_or(body);
    let abbreviations = [
        "INC", "LTD", "CORP", "CO", "LTDA", "BHD", "JR", "SR", "CIA", "PLC", "Inc", "Ltd", "Corp",
        "Co", "Ltda",
    ];
    if last.contains('.') || abbreviations.contains(&last) {
        s
    } else {
        body
    }
}

/// Parse the merged Remarks of one entry into `e`, reporting what it cannot parse.
fn parse_remarks(e: &mut Entity, remarks: &str, report: &mut ParseReport) {
    let title = e.titles.first().map(|t| strip_dot(t).to_ascii_lowercase());
    for raw in remarks.split(';') {
        let frag = raw.trim();
        if frag.is_empty() {
            continue;
        }
        let body = frag
            .strip_prefix("alt. ")
            .or_else(|| frag.strip_prefix("Alt. "))
            .unwrap_or(frag)
            .trim();
        if !parse_feature(e, body, report) {
            let plain = strip_dot(body);
            if title.as_deref() == Some(plain.to_ascii_lowercase().as_str()) {
                continue; // the Title column, repeated in Remarks
            }
            if is_free_text(plain) {
                e.notes.push(plain.to_string());
                report
                    .free_text_notes
                    .push((e.id.clone(), frag.to_string()));
            } else {
                report
                    .unparsed_fragments
                    .push((e.id.clone(), frag.to_string()));
            }
        }
    }
}

fn unparsed(e: &Entity, report: &mut ParseReport, frag: &str) {
    report
        .unparsed_fragments
        .push((e.id.clone(), frag.to_string()));
}

fn push_country(e_id: &str, list: &mut Vec<Country>, raw: &str, report: &mut ParseReport) {
    let c = Country::from_name(raw);
    if c.iso2.is_none() {
        report
            .unmapped_countries
            .push((e_id.to_string(), c.raw.clone()));
    }
    if !list.contains(&c) {
        list.push(c);
    }
}

/// Try every known feature; `false` when none applies.
fn parse_feature(e: &mut Entity, s: &str, report: &mut ParseReport) -> bool {
    if let Some(rest) = after_label(s, "DOB") {
        match parse_ofac_date(rest) {
            Some(d) => e.push_dob(d),
            None => {
                e.push_dob(DateSpec::Text(strip_dot(rest).to_string()));
                unparsed(e, report, s);
            }
        }
        return true;
    }
    if let Some(rest) = after_label(s, "POB") {
        let text = strip_dot(rest).to_string();
        let country = text
            .rsplit(',')
            .next()
            .map(str::trim)
            .map(Country::from_name)
            .filter(|c| c.iso2.is_some());
        e.places_of_birth.push(Place { text, country });
        return true;
    }
    if let Some(rest) = after_label(s, "nationality") {
        let id = e.id.clone();
        push_country(&id, &mut e.nationalities, strip_dot(rest), report);
        return true;
    }
    if let Some(rest) = after_label(s, "citizen") {
        let id = e.id.clone();
        push_country(&id, &mut e.citizenships, strip_dot(rest), report);
        return true;
    }
    for (label, kind) in [
        ("a.k.a.", AliasKind::Aka),
        ("f.k.a.", AliasKind::Fka),
        ("n.k.a.", AliasKind::Nka),
        ("d.b.a.", AliasKind::Aka),
    ] {
        if let Some(rest) = after_label(s, label) {
            let q = strip_dot(rest);
            if q.len() >= 2 && q.starts_with('\'') && q.ends_with('\'') {
                let name = q[1..q.len() - 1].trim();
                if !name.is_empty() {
                    e.push_alias(Alias::new(name, AliasQuality::Weak, kind));
                    return true;
                }
            }
            unparsed(e, report, s);
            return true;
        }
    }
    if let Some(rest) = after_label(s, "Gender") {
        match strip_dot(rest) {
            "Male" | "male" => e.gender = Some(Gender::Male),
            "Female" | "female" => e.gender = Some(Gender::Female),
            _ => unparsed(e, report, s),
        }
        return true;
    }
    if let Some(rest) = after_label(s, "Secondary sanctions risk:") {
        e.secondary_sanctions_risk.push(strip_dot(rest).to_string());
        return true;
    }
    if let Some(rest) = after_label(s, "Additional Sanctions Information -") {
        e.secondary_sanctions_risk.push(strip_dot(rest).to_string());
        return true;
    }
    if let Some(rest) = after_label(s, "Linked To:") {
        e.linked_to.push(linked_name(rest).to_string());
        return true;
    }
    if let Some(rest) = after_label(s, "Digital Currency Address -") {
        let rest = strip_dot(rest);
        let mut parts = rest.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(asset), Some(address), None)
                if (2..=10).contains(&asset.len())
                    && asset.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                let c = CryptoAddress {
                    asset: asset.to_ascii_uppercase(),
                    address: address.to_string(),
                };
                if !e.crypto_addresses.contains(&c) {
                    e.crypto_addresses.push(c);
                }
            }
            _ => unparsed(e, report, s),
        }
        return true;
    }
    for label in ["Email Address", "Email", "EMAIL"] {
        if let Some(rest) = after_label(s, label) {
            let v = strip_dot(rest);
            if v.contains('@') && !v.contains(' ') {
                e.emails.push(v.to_string());
            } else {
                unparsed(e, report, s);
            }
            return true;
        }
    }
    if let Some(rest) = after_label(s, "Website") {
        e.websites.push(strip_dot(rest).to_string());
        return true;
    }
    // Bare `info@example.org`, `www.example.org`, `http://… (website)`.
    let bare = strip_dot(s);
    let bare = bare
        .strip_suffix("(website)")
        .or_else(|| bare.strip_suffix("(email)"))
        .unwrap_or(bare)
        .trim();
    let bare = strip_dot(bare);
    if !bare.contains(' ') && !bare.is_empty() {
        if bare.contains('@') && !bare.starts_with('@') {
            e.emails.push(bare.to_string());
            return true;
        }
        if bare.starts_with("www.") || bare.starts_with("http://") || bare.starts_with("https://") {
            e.websites.push(bare.to_string());
            return true;
        }
    }
    if let Some((label, kind)) = longest(s, ID_LABELS.iter().map(|(l, k)| (*l, *k))) {
        let rest = after_label(s, label).unwrap_or_default();
        let v = parse_id_value(rest);
        // A number may have spaces (`050 796 318 3954`, `HRB 26136`) or no
        // digit (`SWIFT/BIC KDBKKPPY`), but a lower-case word of five letters
        // or more means prose (`OR801168 and Kuwaiti …`, `405885 Bogota`).
        let prose = v.number.split_whitespace().any(|t| {
            t.len() > 4
                && !t.bytes().any(|b| b.is_ascii_digit())
                && t.bytes().any(|b| b.is_ascii_lowercase())
        });
        if !v.number.bytes().any(|b| b.is_ascii_alphanumeric()) || prose {
            unparsed(e, report, s);
            return true;
        }
        if v.bad_tail {
            unparsed(e, report, s);
        }
        let country = v.country.as_deref().map(Country::from_name);
        if let Some(c) = &country
            && c.iso2.is_none()
        {
            report
                .unmapped_countries
                .push((e.id.clone(), c.raw.clone()));
        }
        e.documents.push(IdDocument {
            kind,
            label: label.trim_end_matches(':').to_string(),
            number: v.number,
            country,
            issued: v.issued,
            expires: v.expires,
            note: (!v.notes.is_empty()).then(|| v.notes.join("; ")),
        });
        return true;
    }
    if let Some((label, ())) = longest(s, PHONE_LABELS.iter().map(|l| (*l, ()))) {
        let v = strip_dot(after_label(s, label).unwrap_or_default());
        if v.bytes().any(|b| b.is_ascii_digit()) {
            e.phones.push(v.to_string());
        } else {
            unparsed(e, report, s);
        }
        return true;
    }
    if let Some((label, ())) = longest(s, PROPERTY_LABELS.iter().map(|l| (*l, ()))) {
        let v = strip_dot(after_label(s, label).unwrap_or_default());
        if v.is_empty() {
            unparsed(e, report, s);
            return true;
        }
        let key = label.trim_end_matches([':', ' ', '-']).to_string();
        if matches!(
            key.as_str(),
            "Organization Established Date" | "arrested" | "Aircraft Manufacture Date"
        ) && parse_ofac_date(v).is_none()
        {
            unparsed(e, report, s);
        }
        e.push_property(key, v);
        return true;
    }
    false
}

/// The longest label in `labels` that `s` starts with (on a word boundary).
fn longest<'l, T: Copy>(
    s: &str,
    labels: impl Iterator<Item = (&'l str, T)>,
) -> Option<(&'l str, T)> {
    labels
        .filter(|(l, _)| after_label(s, l).is_some())
        .max_by_key(|(l, _)| l.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remarks(text: &str) -> (Entity, ParseReport) {
        let mut e = Entity::new("1", LIST_OFAC_SDN, EntityKind::Person, "X, Y");
        let mut r = ParseReport::default();
        parse_remarks(&mut e, text, &mut r);
        (e, r)
    }

    #[test]
    fn dates() {
        let y = |y| PartialDate::year(y);
        assert_eq!(
            parse_ofac_date("12 Mar 1971"),
            Some(DateSpec::on(PartialDate::ymd(1971, 3, 12).unwrap()))
        );
        assert_eq!(parse_ofac_date("1971"), Some(DateSpec::on(y(1971))));
        assert_eq!(
            parse_ofac_date("circa 1965."),
            Some(DateSpec::On {
                date: y(1965),
                circa: true
            })
        );
        assert_eq!(
            parse_ofac_date("1969 to 1971"),
            Some(DateSpec::Between {
                from: y(1969),
                to: y(1971),
                circa: false
            })
        );
        assert_eq!(
            parse_ofac_date("circa 1960-1962"),
            Some(DateSpec::Between {
                from: y(1960),
                to: y(1962),
                circa: true
            })
        );
        assert_eq!(
            parse_ofac_date("Mar 1971"),
            Some(DateSpec::on(PartialDate::year_month(1971, 3).unwrap()))
        );
        assert_eq!(parse_ofac_date("1971 to 1969"), None);
        assert_eq!(parse_ofac_date("30-35 years"), None);
    }

    #[test]
    fn id_values() {
        let v = parse_id_value("E3251534E (Singapore) expires 20 Mar 2018.");
        assert_eq!(v.number, "E3251534E");
        assert_eq!(v.country.as_deref(), Some("Singapore"));
        assert_eq!(v.expires, PartialDate::ymd(2018, 3, 20));
        let v = parse_id_value("L 191609 issued 28 Feb 1996 expires 27 Feb 2001");
        assert_eq!((v.number.as_str(), v.country), ("L 191609", None));
        assert_eq!(v.issued, PartialDate::ymd(1996, 2, 28));
        let v = parse_id_value("7136973 (Delaware) (United States).");
        assert_eq!(v.country.as_deref(), Some("United States"));
        assert_eq!(v.notes, vec!["Delaware".to_string()]);
        let v = parse_id_value("(5777731)");
        assert_eq!(v.number, "5777731");
        let v = parse_id_value("405885 Bogota (Colombia)");
        assert_eq!(
            (v.number.as_str(), v.notes[0].as_str()),
            ("405885", "Bogota")
        );
        let v = parse_id_value("AF465508 Colombia");
        assert_eq!(
            (v.number.as_str(), v.country.as_deref()),
            ("AF465508", Some("Colombia"))
        );
        let v = parse_id_value("HRB 26136 (Germany)");
        assert_eq!(v.number, "HRB 26136");
        let v = parse_id_value("467323, Doc. 694710 (Panama).");
        assert_eq!(
            (v.number.as_str(), v.notes[0].as_str()),
            ("467323", "Doc. 694710")
        );
    }

    #[test]
    fn remark_features() {
        let (e, r) = remarks(
            "DOB 12 Mar 1971; alt. DOB circa 1965; POB Musan, North Hamgyo'ng Province, North Korea; \
             nationality Korea, North; citizen Korea, North; Gender Male; \
             Passport 472220033 (Korea, North) issued 01 Jan 2010 expires 01 Jan 2015; \
             National ID No. 123 (China); Digital Currency Address - USDT TXyz123; \
             Email Address a@b.example; a.k.a. 'BNC'; f.k.a. 'OLD NAME'; \
             Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; \
             Website www.example.kp; Organization Established Date 2016; Linked To: KOMID; \
             wife of Somebody; #2 in something.",
        );
        assert_eq!(e.dates_of_birth.len(), 2);
        assert_eq!(
            e.places_of_birth[0]
                .country
                .as_ref()
                .unwrap()
                .iso2
                .as_deref(),
            Some("KP")
        );
        assert_eq!(e.nationalities[0].iso2.as_deref(), Some("KP"));
        assert_eq!(e.citizenships[0].iso2.as_deref(), Some("KP"));
        assert_eq!(e.gender, Some(Gender::Male));
        assert_eq!(e.documents.len(), 2);
        assert_eq!(e.documents[0].kind, DocumentKind::Passport);
        assert_eq!(e.documents[0].issued, PartialDate::ymd(2010, 1, 1));
        assert_eq!(e.documents[1].kind, DocumentKind::NationalId);
        assert_eq!(e.crypto_addresses[0].asset, "USDT");
        assert_eq!(e.emails, vec!["a@b.example"]);
        assert_eq!(e.aliases.len(), 2);
        assert!(e.aliases[0].short && e.aliases[0].quality == AliasQuality::Weak);
        assert_eq!(e.aliases[1].kind, AliasKind::Fka);
        assert_eq!(e.secondary_sanctions_risk.len(), 1);
        assert_eq!(e.websites, vec!["www.example.kp"]);
        assert_eq!(e.linked_to, vec!["KOMID"]);
        assert_eq!(e.notes, vec!["wife of Somebody"]);
        assert_eq!(
            r.unparsed_fragments,
            vec![("1".into(), "#2 in something.".into())]
        );
    }

    #[test]
    fn linked_names() {
        assert_eq!(linked_name("HIZBALLAH."), "HIZBALLAH");
        assert_eq!(linked_name("GRUPO, S.A. DE C.V."), "GRUPO, S.A. DE C.V.");
        assert_eq!(linked_name("ACME LTD."), "ACME LTD.");
    }
}
