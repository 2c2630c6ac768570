//! The normalised entity model shared by every sanctions-list loader.
//!
//! Every loader (`ofac`, `un`, `csv_list`) turns its source format into
//! [`Entity`] values plus a [`ParseReport`]. Names are kept **as published**
//! (typographic apostrophes included); folding for comparison is the
//! matcher's job, helped by [`fold_apostrophes`].

use std::borrow::Cow;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// List name of the OFAC Specially Designated Nationals list.
pub const LIST_OFAC_SDN: &str = "OFAC-SDN";
/// List name of the UN Security Council consolidated list.
pub const LIST_UN_SC: &str = "UN-SC";
/// The curated list of DPRK IT-worker designations (supplements the official lists).
pub const LIST_VETGATE_DPRK_IT: &str = "VETGATE-DPRK-IT";
/// The watchlist of ROK-only designations and DOJ-charged persons who are not designated.
pub const LIST_VETGATE_DPRK_WATCH: &str = "VETGATE-DPRK-WATCH";

/// List name of the EU consolidated financial sanctions list (`eu-xml`).
pub const LIST_EU_FSF: &str = super::eu::LIST_EU_FSF;
/// List name of the UK Sanctions List (`uk-xml`).
pub const LIST_UK_SANCTIONS: &str = super::uk::LIST_UK_SANCTIONS;

/// List names that only the operator may load; a tenant's own list may not take them (nor any
/// OpenSanctions name, `OS-…`: [`is_reserved_list_name`]).
pub const RESERVED_LIST_NAMES: [&str; 6] = [
    LIST_OFAC_SDN,
    LIST_UN_SC,
    LIST_EU_FSF,
    LIST_UK_SANCTIONS,
    LIST_VETGATE_DPRK_IT,
    LIST_VETGATE_DPRK_WATCH,
];

/// Is `name` one of the reserved (global) list names, or one a reader would take for it? Compared
/// on letters alone, case folded (`ofac_sdn`, `UN-SC-`, `VETGATE-DPRK-IT2`, `uk sanctions` are all
/// reserved); every name in the project's own `VETGATE` namespace is, and every name in
/// OpenSanctions' (`OS` and a separator: `OS-KP-SANCTIONS`, `os_anything`).
pub fn is_reserved_list_name(name: &str) -> bool {
    let letters = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let folded = letters(name);
    let open_sanctions = name.len() > 2
        && name[..2].eq_ignore_ascii_case("OS")
        && name[2..].starts_with(|c: char| !c.is_ascii_alphanumeric());
    open_sanctions
        || folded.starts_with("VETGATE")
        || RESERVED_LIST_NAMES.iter().any(|r| letters(r) == folded)
}

/// An official list, loaded from its publisher's file: OFAC SDN, the UN Security Council list,
/// the EU's and the UK's lists, and OpenSanctions datasets (`OS-…`). Shown before a curated entry
/// for the same person.
pub fn is_official_list(name: &str) -> bool {
    matches!(
        name,
        LIST_OFAC_SDN | LIST_UN_SC | LIST_EU_FSF | LIST_UK_SANCTIONS
    ) || name.starts_with(super::ftm::LIST_PREFIX)
}

/// What kind of party an entry designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A natural person (OFAC `individual`, UN `INDIVIDUAL`).
    Person,
    /// A company, organisation, group (OFAC `-0-`, UN `ENTITY`).
    Entity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

/// How much weight an alias carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasQuality {
    /// Low-quality alias (OFAC quoted a.k.a. in Remarks, UN `Low`): a hit on it alone is weak.
    Weak,
    /// Strong alias (OFAC `alt.csv`, UN `Good`).
    Strong,
}

/// Relationship of the alias to the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasKind {
    /// Also known as.
    Aka,
    /// Formerly known as.
    Fka,
    /// Now known as.
    Nka,
}

/// An alternative name of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The name as published.
    pub name: String,
    pub quality: AliasQuality,
    pub kind: AliasKind,
    /// Three letters or digits or fewer (e.g. OFAC's `a.k.a. 'BNC'`): kept, but
    /// it must **never** be matched on alone.
    pub short: bool,
    /// Publisher's note on the alias (UN `NOTE`), if any.
    pub note: Option<String>,
}

impl Alias {
    /// A new alias; `short` is computed from the name.
    pub fn new(name: impl Into<String>, quality: AliasQuality, kind: AliasKind) -> Self {
        let name = name.into();
        let short = is_short_name(&name);
        Alias {
            name,
            quality,
            kind,
            short,
            note: None,
        }
    }

    /// May a matcher use this alias on its own? (False for 1–3 character aliases.)
    pub fn matchable_alone(&self) -> bool {
        !self.short
    }
}

/// True when the name has three alphanumeric characters or fewer.
pub fn is_short_name(name: &str) -> bool {
    name.chars().filter(|c| c.is_alphanumeric()).count() <= 3
}

/// A date that may be known only to the year or the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    /// 1–12 when known.
    pub month: Option<u8>,
    /// 1–31 when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// A year only.
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A year and month; `None` when the month is out of range.
    pub fn year_month(year: i32, month: u32) -> Option<Self> {
        if (1..=12).contains(&month) {
            Some(PartialDate {
                year,
                month: Some(month as u8),
                day: None,
            })
        } else {
            None
        }
    }

    /// A full calendar date; `None` when it does not exist (31 Feb).
    pub fn ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self::from)
    }

    /// The first day this partial date may stand for.
    pub fn first_day(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            self.year,
            self.month.map_or(1, u32::from),
            self.day.map_or(1, u32::from),
        )
    }

    /// The last day this partial date may stand for.
    pub fn last_day(&self) -> Option<NaiveDate> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m.into(), d.into()),
            (Some(m), None) => {
                let (y, m) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, u32::from(m) + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
            }
            (None, _) => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> Self {
        PartialDate {
            year: d.year(),
            month: Some(d.month() as u8),
            day: Some(d.day() as u8),
        }
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => write!(f, "{:04}-{:02}", self.year, m),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

/// A date of birth (or any published date) as the list gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSpec {
    /// One date, to the day, month or year (`DOB 12 Mar 1971`, `DOB Mar 1971`,
    /// `DOB 1971`); `circa` for `DOB circa 1965` / UN `APPROXIMATELY`.
    On { date: PartialDate, circa: bool },
    /// A range (`DOB 1969 to 1971`, UN `BETWEEN`), both ends inclusive.
    Between {
        from: PartialDate,
        to: PartialDate,
        circa: bool,
    },
    /// A date the publisher gave that could not be structured (also listed in
    /// the [`ParseReport`]). A matcher must treat it as unknown: never as a
    /// contradiction.
    Text(String),
}

impl DateSpec {
    /// An exact (non-circa) date.
    pub fn on(date: PartialDate) -> Self {
        DateSpec::On { date, circa: false }
    }

    /// Earliest and latest day the spec covers, without any widening for
    /// `circa` (the matcher applies its own tolerance). `None` for `Text`.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            DateSpec::On { date, .. } => Some((date.first_day()?, date.last_day()?)),
            DateSpec::Between { from, to, .. } => Some((from.first_day()?, to.last_day()?)),
            DateSpec::Text(_) => None,
        }
    }

    /// Is it marked approximate?
    pub fn is_circa(&self) -> bool {
        matches!(
            self,
            DateSpec::On { circa: true, .. } | DateSpec::Between { circa: true, .. }
        )
    }
}

/// A country as published, with its ISO 3166-1 alpha-2 code where it maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    /// The text as published (`Korea, North`, `Democratic People's Republic of Korea`,
    /// `possibly Palestinian`).
    pub raw: String,
    /// ISO alpha-2 (`KP`), or `None` when the text names no current country.
    pub iso2: Option<String>,
}

impl Country {
    /// Map a published country name (or an alpha-2 code) to a `Country`.
    pub fn from_name(raw: &str) -> Self {
        let raw = raw.trim();
        Country {
            raw: raw.to_string(),
            iso2: crate::model::Country::named(raw).map(|c| c.to_string()),
        }
    }
}

/// A place of birth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// As published (`Musan, North Hamgyo'ng Province, North Korea`).
    pub text: String,
    /// The country, when one could be recognised.
    pub country: Option<Country>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    /// City; for OFAC the published "City/State/Province/Postal Code" field as one string.
    pub city: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<Country>,
    pub note: Option<String>,
}

/// What an identity document or registration number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Any passport or travel document.
    Passport,
    /// A national identity number or card (cedula, DNI, citizen's card, SSN, …).
    NationalId,
    /// Anything else: tax and company numbers, vessel IMO, aircraft serials, …
    Other,
}

/// An identity document or other identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocument {
    pub kind: DocumentKind,
    /// The publisher's label (`Passport`, `Diplomatic Passport`, `Cedula No.`,
    /// `Vessel Registration Identification IMO`, UN `TYPE_OF_DOCUMENT`).
    pub label: String,
    /// The number as published (trimmed).
    pub number: String,
    /// Issuing country.
    pub country: Option<Country>,
    pub issued: Option<PartialDate>,
    pub expires: Option<PartialDate>,
    /// Anything else said about it (`issued 1999`, `Doc. 694710`, UN `NOTE`).
    pub note: Option<String>,
}

/// A digital-currency address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CryptoAddress {
    /// The asset code as published (`XBT`, `ETH`, `USDT`, `TRX`, `LTC`, …).
    pub asset: String,
    /// The address as published (case kept: some chains are case-sensitive).
    pub address: String,
}

/// Gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// A recognised feature that has no field of its own (`Organization Established Date`,
/// `Aircraft Model`, `Executive Order 13846 information`, vessel flag, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub key: String,
    pub value: String,
}

/// One normalised list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Publisher id: OFAC entity number as a string (`"17614"`), UN reference
    /// number (`"KPi.033"`), or the row id of a project CSV list.
    pub id: String,
    /// `OFAC-SDN`, `UN-SC`, or a custom list name.
    pub list: String,
    pub kind: EntityKind,
    /// The primary name as published (OFAC `LAST, First`; UN name parts joined in order).
    pub primary_name: String,
    pub aliases: Vec<Alias>,
    /// Names in original script (UN `NAME_ORIGINAL_SCRIPT`).
    pub original_script_names: Vec<String>,
    /// Titles, positions, designations (OFAC title, UN `TITLE` and `DESIGNATION`).
    pub titles: Vec<String>,
    pub dates_of_birth: Vec<DateSpec>,
    pub places_of_birth: Vec<Place>,
    pub nationalities: Vec<Country>,
    pub citizenships: Vec<Country>,
    pub addresses: Vec<Address>,
    pub documents: Vec<IdDocument>,
    pub crypto_addresses: Vec<CryptoAddress>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub websites: Vec<String>,
    pub gender: Option<Gender>,
    /// Programme tags (OFAC `DPRK3`, `NPWMD`; UN list type such as `DPRK`).
    pub programs: Vec<String>,
    /// The remarks as published (OFAC Remarks merged with `sdn_comments.csv`,
    /// UN `COMMENTS1`, CSV `notes`).
    pub remarks: String,
    /// OFAC `Secondary sanctions risk:` statements.
    pub secondary_sanctions_risk: Vec<String>,
    /// OFAC `Linked To:` targets.
    pub linked_to: Vec<String>,
    /// Other recognised features.
    pub properties: Vec<Property>,
    /// Free-text remarks fragments (relationships, roles) kept verbatim.
    pub notes: Vec<String>,
    /// UN `LISTED_ON`.
    pub listed_on: Option<PartialDate>,
    /// Source of a curated/tenant CSV row.
    pub source: Option<String>,
    pub source_date: Option<PartialDate>,
    /// A North Korea entry (docs/signals.md, "Sanctions"): OFAC programme starting `DPRK`,
    /// UN reference `KPi.`/`KPe.`, EU programme `PRK`, UK regime "Democratic People's Republic of
    /// Korea", an OpenSanctions sanction topic with country `kp`, every row of `VETGATE-DPRK-IT`.
    pub north_korea: bool,
}

impl Entity {
    /// An empty entry with its identity filled in.
    pub fn new(
        id: impl Into<String>,
        list: impl Into<String>,
        kind: EntityKind,
        name: impl Into<String>,
    ) -> Self {
        Entity {
            id: id.into(),
            list: list.into(),
            kind,
            primary_name: name.into(),
            aliases: Vec::new(),
            original_script_names: Vec::new(),
            titles: Vec::new(),
            dates_of_birth: Vec::new(),
            places_of_birth: Vec::new(),
            nationalities: Vec::new(),
            citizenships: Vec::new(),
            addresses: Vec::new(),
            documents: Vec::new(),
            crypto_addresses: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            websites: Vec::new(),
            gender: None,
            programs: Vec::new(),
            remarks: String::new(),
            secondary_sanctions_risk: Vec::new(),
            linked_to: Vec::new(),
            properties: Vec::new(),
            notes: Vec::new(),
            listed_on: None,
            source: None,
            source_date: None,
            north_korea: false,
        }
    }

    /// Add an alias unless the same name and kind is already there; a strong
    /// duplicate upgrades a weak one.
    pub fn push_alias(&mut self, alias: Alias) {
        if alias.name.trim().is_empty() {
            return;
        }
        if let Some(existing) = self
            .aliases
            .iter_mut()
            .find(|a| a.kind == alias.kind && a.name == alias.name)
        {
            if alias.quality > existing.quality {
                existing.quality = alias.quality;
            }
            if existing.note.is_none() {
                existing.note = alias.note;
            }
            return;
        }
        self.aliases.push(alias);
    }

    /// Add a date of birth unless it is already listed.
    pub fn push_dob(&mut self, d: DateSpec) {
        if !self.dates_of_birth.contains(&d) {
            self.dates_of_birth.push(d);
        }
    }

    /// Add a property.
    pub fn push_property(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.properties.push(Property {
            key: key.into(),
            value: value.into(),
        });
    }
}

/// What a loader could not fully structure. Nothing is dropped silently: every
/// remark fragment is either structured, kept as a free-text note (listed in
/// `free_text_notes`), or listed in `unparsed_fragments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseReport {
    /// `OFAC-SDN`, `UN-SC` or the custom list name.
    pub list: String,
    /// Number of entries loaded.
    pub entries: usize,
    /// Number of North Korea entries among them.
    pub north_korea_entries: usize,
    /// `(entity id, fragment)`: data that looked structured (digits, dates,
    /// quotes, a known label) but could not be parsed. The raw text is still in
    /// the entity's `remarks` (or the relevant `DateSpec::Text`/note).
    pub unparsed_fragments: Vec<(String, String)>,
    /// `(entity id, fragment)`: prose without any identifier (relationships,
    /// roles, `ICTY indictee`), kept in `Entity::notes`.
    pub free_text_notes: Vec<(String, String)>,
    /// `(entity id, text)`: country names that map to no ISO code (kept raw).
    pub unmapped_countries: Vec<(String, String)>,
}

/// The result of loading one list.
#[derive(Debug, Clone, Default)]
pub struct LoadedList {
    pub entities: Vec<Entity>,
    pub report: ParseReport,
}

impl LoadedList {
    /// The list a parser read, with the report's entry and North Korea counts taken from it.
    pub(crate) fn counted(entities: Vec<Entity>, mut report: ParseReport) -> LoadedList {
        report.entries = entities.len();
        report.north_korea_entries = entities.iter().filter(|e| e.north_korea).count();
        LoadedList { entities, report }
    }
}

/// A list that cannot be loaded. Loaders refuse a malformed source whole.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A malformed CSV file (OFAC or project list).
    #[error("{file}, line {line}: {message}")]
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
    /// A malformed XML document.
    #[error("{file}, line {line} (byte {byte}): {message}")]
    Xml {
        file: String,
        line: u64,
        byte: u64,
        message: String,
    },
}

/// A list file's bytes, with the name its parser's errors give it (the file name).
pub(crate) fn read_named_file(path: &std::path::Path) -> Result<(String, Vec<u8>), LoadError> {
    let bytes = read_file(path)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Replace typographic apostrophes and similar marks (`’ ‘ ʼ ʻ ` ´`) with
/// ASCII `'`. Loaders keep names as published (UN uses `RI U’N SO’NG`, OFAC
/// `Onso'ng`); the matcher calls this (or its own folding) before comparing.
pub fn fold_apostrophes(s: &str) -> Cow<'_, str> {
    const MARKS: [char; 6] = [
        '\u{2019}', '\u{2018}', '\u{02BC}', '\u{02BB}', '`', '\u{00B4}',
    ];
    if s.contains(MARKS) {
        Cow::Owned(s.replace(MARKS, "'"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Collapse runs of whitespace (including newlines) into single spaces and trim.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month number from `Mar`, `March`, `Sept.`, `sep` (case-insensitive).
pub fn parse_month(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    if s == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&s))
        .map(|i| i as u32 + 1)
}

fn parse_year(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok().filter(|y| (1000..=2999).contains(y))
    } else {
        None
    }
}

/// Parse `12 Mar 1971`, `Mar 1971`, `March 1971`, `1971`, `1971-03-12`,
/// `1971-03`, `12 March 1971` (a trailing `.` is ignored).
pub fn parse_partial_date(s: &str) -> Option<PartialDate> {
    let s = s.trim().trim_end_matches('.').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(d) = parse_iso_partial(s) {
        return Some(d);
    }
    let toks: Vec<&str> = s.split_whitespace().collect();
    match toks.as_slice() {
        [y] => parse_year(y).map(PartialDate::year),
        [m, y] => PartialDate::year_month(parse_year(y)?, parse_month(m)?),
        [d, m, y] => {
            let day: u32 = d.parse().ok()?;
            PartialDate::ymd(parse_year(y)?, parse_month(m)?, day)
        }
        _ => None,
    }
}

/// Parse ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD` strictly.
pub fn parse_iso_partial(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    };
    match parts.as_slice() {
        [y] => Some(PartialDate::year(num(y, 4)? as i32)),
        [y, m] => PartialDate::year_month(num(y, 4)? as i32, num(m, 2)?),
        [y, m, d] => PartialDate::ymd(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        assert_eq!(
            parse_partial_date("12 Mar 1971"),
            PartialDate::ymd(1971, 3, 12)
        );
        assert_eq!(
            parse_partial_date("Mar 1971."),
            PartialDate::year_month(1971, 3)
        );
        assert_eq!(
            parse_partial_date("September 1971"),
            PartialDate::year_month(1971, 9)
        );
        assert_eq!(parse_partial_date("1971"), Some(PartialDate::year(1971)));
        assert_eq!(
            parse_partial_date("1971-02-28"),
            PartialDate::ymd(1971, 2, 28)
        );
        assert_eq!(parse_partial_date("31 Feb 1971"), None);
        assert_eq!(parse_partial_date("Foo 1971"), None);
        let d = DateSpec::On {
            date: PartialDate::year_month(2000, 2).unwrap(),
            circa: false,
        };
        assert_eq!(
            d.bounds(),
            Some((
                NaiveDate::from_ymd_opt(2000, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
            ))
        );
    }

    #[test]
    fn official_names_are_reserved_and_others_are_not() {
        for reserved in [
            "OFAC-SDN",
            "un_sc",
            "EU-FSF",
            "eu fsf",
            "UK-SANCTIONS",
            "uk.sanctions",
            "OS-KP-SANCTIONS",
            "os_anything",
            "VETGATE-X",
        ] {
            assert!(is_reserved_list_name(reserved), "{reserved}");
        }
        for free in ["OSAKA-WATCH", "ACME-UK", "EU-FSF-ACME", "OS"] {
            assert!(!is_reserved_list_name(free), "{free}");
        }
        for official in [
            "OFAC-SDN",
            "UN-SC",
            "EU-FSF",
            "UK-SANCTIONS",
            "OS-KP-SANCTIONS",
        ] {
            assert!(is_official_list(official), "{official}");
        }
        assert!(!is_official_list(LIST_VETGATE_DPRK_IT) && !is_official_list("ACME-WATCH"));
    }

    #[test]
    fn short_aliases_and_apostrophes() {
        assert!(Alias::new("BNC", AliasQuality::Weak, AliasKind::Aka).short);
        assert!(Alias::new("A.B.", AliasQuality::Weak, AliasKind::Aka).short);
        assert!(!Alias::new("KOMID", AliasQuality::Weak, AliasKind::Aka).short);
        assert_eq!(fold_apostrophes("RI U’N SO’NG"), "RI U'N SO'NG");
    }
}
