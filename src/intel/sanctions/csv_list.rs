//! # Watchlist CSV format
//!
//! vetgate loads tenants' own watchlists, internal lists and the curated DPRK
//! lists (`VETGATE-DPRK-IT`, `VETGATE-DPRK-WATCH`) from one simple CSV format.
//! A file is checked completely before anything is loaded: if any row is
//! wrong, the whole file is refused and the error names the line.
//!
//! ## File
//!
//! * UTF-8 text (a leading byte-order mark is allowed), comma-separated,
//!   one entry per row. Line ends may be `\n` or `\r\n`; blank lines are skipped.
//! * A field that contains a comma, a double quote or a line break is enclosed
//!   in double quotes, and a double quote inside it is written twice
//!   (`"KIM, Song ""Danny"" Il"`), as RFC 4180 describes.
//! * The first row is this header, exactly, in this order:
//!
//!   ```text
//!   id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes
//!   ```
//!
//! * Every row has all 11 fields (leave a field empty when there is nothing to say).
//! * Fields holding several values separate them with `;`. Spaces around
//!   values are ignored and empty values are skipped.
//!
//! ## Columns
//!
//! | column | required | content |
//! |---|---|---|
//! | `id` | yes | Your identifier for the entry, unique in the file (`DPRK-IT-0007`). Matches are reported with it. |
//! | `kind` | yes | `person`, `entity`, `vessel` or `aircraft` (any letter case). |
//! | `name` | yes | The primary name as you want it shown (`KIM Sang Man`, `CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY`). |
//! | `aliases` | no | Other names, `;`-separated. A name may start with `fka:` (formerly known as) or `nka:` (now known as), and with `weak:` for a low-quality alias such as a nickname or a handle, which only supports other evidence: `JINYONG IT COOPERATION COMPANY;fka:OLD NAME LLC;weak:Danny`. Aliases of three characters or fewer are kept but never matched on their own. |
//! | `dates_of_birth` | no | `;`-separated dates: `1971-03-12` (day), `1971-03` (month), `1971` (year). Prefix `~` for an approximate date (`~1965`), write a range as `1969..1971` or `1977-08..1977-09`. For an entity, leave it empty. |
//! | `nationalities` | no | `;`-separated ISO 3166-1 alpha-2 codes (`KP;CN`); `XK` stands for Kosovo. |
//! | `programs` | no | `;`-separated programme or tag names (`DPRK4;CYBER2`). Any tag starting with `DPRK` makes the entry a North Korea entry. |
//! | `crypto_addresses` | no | `;`-separated `ASSET:address` pairs, the asset as a ticker of 2–10 letters or digits (`ETH:0x97b1…;XBT:1Hn9…;TRX:T…`). Addresses are kept exactly as written. |
//! | `source` | for the curated lists | Where the entry comes from: a URL or a citation (`Treasury press release jy1498`). |
//! | `source_date` | for the curated lists | The date of that source, `YYYY-MM-DD`. |
//! | `notes` | no | Free text shown to reviewers. |
//!
//! On the curated lists `VETGATE-DPRK-IT` and `VETGATE-DPRK-WATCH`, `source` and
//! `source_date` are required on every row. Every row of `VETGATE-DPRK-IT` is a
//! North Korea entry.
//!
//! ## What is refused
//!
//! A file is refused whole when: it is not UTF-8; the header differs from the
//! one above (an unknown, missing, misspelt or reordered column); a row does
//! not have 11 fields; a quoted field is never closed; `id`, `kind` or `name`
//! is empty; an `id` appears twice; `kind` is not one of the four words; a
//! date, a nationality code or a crypto address is malformed; a curated row
//! lacks its source or date. The error gives the line number, as in
//! `tenant-list.csv, line 14: bad date of birth "1971-13-01"`.
//!
//! ## Example
//!
//! ```text
//! id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes
//! DPRK-IT-0001,person,KIM Sang Man,Sang Man KIM,~1970,KP,DPRK4,ETH:0x97b1043abd9e6fc31681635166d430a458d14f9c,Treasury press release jy1498,2023-05-23,Chinyong representative in Vladivostok
//! DPRK-IT-0002,entity,CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY,JINYONG IT COOPERATION COMPANY;weak:Jinyoung,,KP,,,Treasury press release jy1498,2023-05-23,
//! ```

use std::collections::HashSet;
use std::path::Path;

use super::model::{
    Alias, AliasKind, AliasQuality, CryptoAddress, DateSpec, Entity, EntityKind,
    LIST_VETGATE_DPRK_IT, LIST_VETGATE_DPRK_WATCH, LoadError, LoadedList, ParseReport, PartialDate,
    is_official_list, parse_iso_partial, read_named_file,
};

/// The required header, in order.
pub const HEADER: [&str; 11] = [
    "id",
    "kind",
    "name",
    "aliases",
    "dates_of_birth",
    "nationalities",
    "programs",
    "crypto_addresses",
    "source",
    "source_date",
    "notes",
];

/// Load a list file under the list name `list`.
pub fn load_file(path: &Path, list: &str) -> Result<LoadedList, LoadError> {
    let (name, bytes) = read_named_file(path)?;
    parse(&name, list, &bytes)
}

pub(crate) fn malformed(file: &str, line: u64, message: impl Into<String>) -> LoadError {
    LoadError::Malformed {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// Maps byte offsets of CSV records to 1-based line numbers. The csv crate's
/// own `Position::line()` lags by one after a CRLF line end (it counts the
/// `\n` as the start of the next record), and the OFAC files are CRLF.
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// Reads the next record into `record` and returns its line; `None` at the end. A record the
    /// reader refuses becomes [`LoadError::Malformed`] at its line.
    pub(crate) fn next_record<R: std::io::Read>(
        &mut self,
        reader: &mut csv::Reader<R>,
        record: &mut csv::StringRecord,
        file: &str,
    ) -> Result<Option<u64>, LoadError> {
        match reader.read_record(record) {
            Ok(true) => Ok(Some(
                record.position().map_or(0, |p| self.line_of(p.byte())),
            )),
            Ok(false) => Ok(None),
            Err(e) => {
                let line = e.position().map_or(0, |p| self.line_of(p.byte()));
                Err(malformed(file, line, e.to_string()))
            }
        }
    }

    /// Line of the record starting at `byte` (offsets must not go backwards
    /// by more than one record; earlier offsets are counted from the start).
    pub(crate) fn line_of(&mut self, byte: u64) -> u64 {
        let mut target = (byte as usize).min(self.text.len());
        while target < self.text.len() && matches!(self.text[target], b'\r' | b'\n') {
            target += 1;
        }
        if target < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.text[self.pos..target]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.pos = target;
        self.line
    }
}

/// The line on which a never-closed quoted field opens, if any.
pub(crate) fn unclosed_quote_line(text: &str) -> Option<u64> {
    let mut in_quote = false;
    let mut line: u64 = 1;
    let mut opened: u64 = 1;
    for b in text.bytes() {
        match b {
            b'"' => {
                in_quote = !in_quote;
                if in_quote {
                    opened = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    in_quote.then_some(opened)
}

/// Parse a list; `file` names it in errors, `list` is the list name given to
/// every entry.
pub fn parse(file: &str, list: &str, data: &[u8]) -> Result<LoadedList, LoadError> {
    let list = list.trim();
    if list.is_empty()
        || !list
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(malformed(
            file,
            0,
            format!("list name {list:?} must be letters, digits, '-', '_' or '.'"),
        ));
    }
    if is_official_list(&list.to_ascii_uppercase()) {
        return Err(malformed(
            file,
            0,
            format!("{list} is loaded from its official source, not from CSV"),
        ));
    }
    let curated = list.eq_ignore_ascii_case(LIST_VETGATE_DPRK_IT)
        || list.eq_ignore_ascii_case(LIST_VETGATE_DPRK_WATCH);
    let all_north_korea = list.eq_ignore_ascii_case(LIST_VETGATE_DPRK_IT);

    let text = std::str::from_utf8(data).map_err(|e| {
        let pos = e.valid_up_to();
        let line = 1 + data[..pos].iter().filter(|&&b| b == b'\n').count() as u64;
        malformed(file, line, "file is not valid UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(line) = unclosed_quote_line(text) {
        return Err(malformed(file, line, "quoted field is never closed"));
    }

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut header_seen = false;
    let mut ids: HashSet<String> = HashSet::new();
    let mut entities = Vec::new();
    let mut lines = LineCounter::new(text);
    while let Some(line) = lines.next_record(&mut reader, &mut record, file)? {
        if !header_seen {
            let got: Vec<&str> = record.iter().map(str::trim).collect();
            if got != HEADER {
                let unknown: Vec<&str> = got
                    .iter()
                    .copied()
                    .filter(|h| !HEADER.contains(h))
                    .collect();
                let detail = if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" (unknown: {})", unknown.join(", "))
                };
                return Err(malformed(
                    file,
                    line,
                    format!("header must be exactly `{}`{detail}", HEADER.join(",")),
                ));
            }
            header_seen = true;
            continue;
        }
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != HEADER.len() {
            return Err(malformed(
                file,
                line,
                format!("expected {} fields, found {}", HEADER.len(), record.len()),
            ));
        }
        let e = parse_row(&record, list, curated, all_north_korea)
            .map_err(|m| malformed(file, line, m))?;
        if !ids.insert(e.id.clone()) {
            return Err(malformed(
                file,
                line,
                format!("id {:?} is used twice", e.id),
            ));
        }
        entities.push(e);
    }
    if !header_seen {
        return Err(malformed(file, 1, "empty file: the header row is required"));
    }
    let report = ParseReport {
        list: list.to_string(),
        entries: entities.len(),
        north_korea_entries: entities.iter().filter(|e| e.north_korea).count(),
        ..ParseReport::default()
    };
    Ok(LoadedList { entities, report })
}

fn items(v: &str) -> impl Iterator<Item = &str> {
    v.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_row(
    r: &csv::StringRecord,
    list: &str,
    curated: bool,
    all_north_korea: bool,
) -> Result<Entity, String> {
    let get = |i: usize| r[i].trim();
    let id = get(0);
    if id.is_empty() {
        return Err("id is empty".into());
    }
    let kind = match get(1).to_ascii_lowercase().as_str() {
        "person" => EntityKind::Person,
        "entity" => EntityKind::Entity,
        "vessel" => EntityKind::Vessel,
        "aircraft" => EntityKind::Aircraft,
        other => {
            return Err(format!(
                "kind {other:?} is not one of person, entity, vessel, aircraft"
            ));
        }
    };
    let name = get(2);
    if name.is_empty() {
        return Err("name is empty".into());
    }
    let mut e = Entity::new(id, list, kind, name);

    for a in items(get(3)) {
        e.push_alias(parse_alias(a)?);
    }
    for d in items(get(4)) {
        let spec = parse_dob(d).ok_or_else(|| format!("bad date of birth {d:?}"))?;
        e.push_dob(spec);
    }
    for n in items(get(5)) {
        let code = n.to_ascii_uppercase();
        if crate::model::Country::parse(&code).is_none() {
            return Err(format!(
                "nationality {n:?} is not an ISO 3166-1 alpha-2 code"
            ));
        }
        let c = super::model::Country {
            raw: n.to_string(),
            iso2: Some(code),
        };
        if !e.nationalities.contains(&c) {
            e.nationalities.push(c);
        }
    }
    for p in items(get(6)) {
        if !e.programs.iter().any(|x| x == p) {
            e.programs.push(p.to_string());
        }
    }
    for c in items(get(7)) {
        let (asset, address) = c
            .split_once(':')
            .ok_or_else(|| format!("crypto address {c:?} is not ASSET:address"))?;
        let (asset, address) = (asset.trim(), address.trim());
        if !(2..=10).contains(&asset.len()) || !asset.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!(
                "crypto asset {asset:?} must be 2-10 letters or digits"
            ));
        }
        if address.is_empty() || address.chars().any(char::is_whitespace) {
            return Err(format!("crypto address {address:?} is empty or has spaces"));
        }
        let ca = CryptoAddress {
            asset: asset.to_ascii_uppercase(),
            address: address.to_string(),
        };
        if !e.crypto_addresses.contains(&ca) {
            e.crypto_addresses.push(ca);
        }
    }
    let source = get(8);
    if !source.is_empty() {
        e.source = Some(source.to_string());
    }
    let source_date = get(9);
    if !source_date.is_empty() {
        let d = parse_iso_partial(source_date)
            .filter(|d| d.day.is_some())
            .ok_or_else(|| format!("source_date {source_date:?} is not YYYY-MM-DD"))?;
        e.source_date = Some(d);
    }
    if curated && (e.source.is_none() || e.source_date.is_none()) {
        return Err(format!("every row of {list} needs source and source_date"));
    }
    e.remarks = get(10).to_string();
    e.north_korea = all_north_korea || e.programs.iter().any(|p| p.starts_with("DPRK"));
    Ok(e)
}

fn parse_alias(a: &str) -> Result<Alias, String> {
    let mut rest = a;
    let mut kind = AliasKind::Aka;
    let mut quality = AliasQuality::Strong;
    loop {
        if let Some(r) = rest.strip_prefix("fka:") {
            kind = AliasKind::Fka;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("nka:") {
            kind = AliasKind::Nka;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("weak:") {
            quality = AliasQuality::Weak;
            rest = r;
        } else {
            break;
        }
    }
    let name = rest.trim();
    if name.is_empty() {
        return Err(format!("alias {a:?} has no name"));
    }
    Ok(Alias::new(name, quality, kind))
}

/// `1971-03-12`, `1971-03`, `1971`, `~1965`, `1969..1971`, `~1977-08..1977-09`.
pub fn parse_dob(d: &str) -> Option<DateSpec> {
    let (circa, d) = match d.trim().strip_prefix('~') {
        Some(rest) => (true, rest.trim()),
        None => (false, d.trim()),
    };
    if let Some((a, b)) = d.split_once("..") {
        let from: PartialDate = parse_iso_partial(a)?;
        let to: PartialDate = parse_iso_partial(b)?;
        return (from <= to).then_some(DateSpec::Between { from, to, circa });
    }
    parse_iso_partial(d).map(|date| DateSpec::On { date, circa })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dob_forms() {
        assert_eq!(
            parse_dob("1971"),
            Some(DateSpec::on(PartialDate::year(1971)))
        );
        assert!(matches!(
            parse_dob("~1965"),
            Some(DateSpec::On { circa: true, .. })
        ));
        assert!(matches!(
            parse_dob("1969..1971"),
            Some(DateSpec::Between { circa: false, .. })
        ));
        assert_eq!(parse_dob("1971..1969"), None);
        assert_eq!(parse_dob("1971-13"), None);
        assert_eq!(parse_dob("12 Mar 1971"), None);
    }
}
