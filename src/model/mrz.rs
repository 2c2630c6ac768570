//! ICAO 9303 machine-readable zone (MRZ) parsing and validation.
//!
//! Supported layouts, detected from the line count and the line length:
//!
//! * TD3 (passport): 2 lines × 44 characters (ICAO 9303 part 4);
//! * TD2: 2 lines × 36 characters (part 6);
//! * TD1 (ID card): 3 lines × 30 characters (part 5).
//!
//! A 2-line MRZ whose document code starts with `V` is a machine-readable visa
//! (MRV-A on 44 characters, MRV-B on 36, part 7): same layout, but the tail of
//! line 2 is free optional data with neither an optional-data nor a composite
//! check digit. [`Mrz::is_visa`] tells.
//!
//! Error model:
//!
//! * structural problems (line count, line lengths, a character outside
//!   `A–Z 0–9 <`) are a [`MrzError`];
//! * everything else is reported on the parsed [`Mrz`]: one [`CheckResult`] per
//!   check digit, one [`Substitution`] per OCR-tolerant reading and one
//!   [`Finding`] per rule violation. Nothing is silently fixed.
//!
//! The parser never panics and allocates only the field strings and the result
//! vectors (the latter stay unallocated when empty).

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// The MRZ filler character.
const FILLER: u8 = b'<';
/// Longest MRZ line (TD3).
const MAX_WIDTH: usize = 44;

type Lines = [[u8; MAX_WIDTH]; 3];

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// The physical MRZ layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// 3 lines × 30 characters (ID cards).
    Td1,
    /// 2 lines × 36 characters.
    Td2,
    /// 2 lines × 44 characters (passports).
    Td3,
}

impl Format {
    /// Number of MRZ lines.
    pub const fn line_count(self) -> usize {
        match self {
            Format::Td1 => 3,
            Format::Td2 | Format::Td3 => 2,
        }
    }

    /// Number of characters on each line.
    pub const fn line_length(self) -> usize {
        match self {
            Format::Td1 => 30,
            Format::Td2 => 36,
            Format::Td3 => 44,
        }
    }
}

/// Sex of the holder as printed in the MRZ; unspecified (`<`) is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// `M` or `F`.
    pub const fn as_char(self) -> char {
        match self {
            Sex::Male => 'M',
            Sex::Female => 'F',
        }
    }
}

/// A field (or check-digit position) of the MRZ, used to locate findings and
/// substitutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    DocumentCode,
    IssuingState,
    /// The whole name area (primary and secondary identifiers).
    Name,
    DocumentNumber,
    DocumentNumberCheck,
    Nationality,
    BirthDate,
    BirthDateCheck,
    Sex,
    ExpiryDate,
    ExpiryDateCheck,
    /// TD3 personal number, TD2 optional data, TD1 line 1 optional data.
    OptionalData,
    /// TD3 personal-number check digit.
    OptionalDataCheck,
    /// TD1 line 2 optional data.
    OptionalData2,
    CompositeCheck,
}

impl Field {
    /// A stable snake_case name, suitable for signal identifiers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::DocumentCode => "document_code",
            Field::IssuingState => "issuing_state",
            Field::Name => "name",
            Field::DocumentNumber => "document_number",
            Field::DocumentNumberCheck => "document_number_check",
            Field::Nationality => "nationality",
            Field::BirthDate => "birth_date",
            Field::BirthDateCheck => "birth_date_check",
            Field::Sex => "sex",
            Field::ExpiryDate => "expiry_date",
            Field::ExpiryDateCheck => "expiry_date_check",
            Field::OptionalData => "optional_data",
            Field::OptionalDataCheck => "optional_data_check",
            Field::OptionalData2 => "optional_data_2",
            Field::CompositeCheck => "composite_check",
        }
    }
}

/// What a check digit protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckedField {
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    /// TD3 personal number (not present on TD1, TD2 or visas).
    OptionalData,
    /// Composite check digit (not present on visas).
    Composite,
}

impl CheckedField {
    /// A stable snake_case name, suitable for signal identifiers.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckedField::DocumentNumber => "document_number",
            CheckedField::BirthDate => "birth_date",
            CheckedField::ExpiryDate => "expiry_date",
            CheckedField::OptionalData => "optional_data",
            CheckedField::Composite => "composite",
        }
    }
}

/// The outcome of one check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckResult {
    pub field: CheckedField,
    /// The check character as read, i.e. after any OCR substitution (the glyph
    /// actually printed is then in [`Mrz::substitutions`]). May be `<` or a
    /// letter, which fails unless ICAO allows it.
    pub printed: char,
    /// The check digit computed over the protected data (as read).
    pub computed: u8,
    pub ok: bool,
    /// 1-based position of the check character.
    pub line: usize,
    pub column: usize,
}

/// One OCR-tolerant reading: `found` was printed, `read_as` was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Substitution {
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    pub field: Field,
    pub found: char,
    pub read_as: char,
}

/// A rule violation on an otherwise well-formed MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    pub field: Field,
    pub kind: FindingKind,
}

/// Kinds of [`Finding`]. `found` is always the character as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// A non-filler character where only filler may stand: after the filler
    /// that ends a field (`D<E`, `AB<12`) or after the end of the name
    /// (`ANNA<<MARIA`: the data is still appended to the given names).
    NonFillerInFillerPosition { found: char },
    /// The field starts with filler (`<D<`, a name area starting with `<X`, or
    /// more than two fillers between surname and given names).
    LeadingFiller,
    /// A mandatory field is entirely filler (for the name: no surname).
    EmptyField,
    /// A letter that has no OCR reading in a numeric position (date or check digit).
    NonNumericCharacter { found: char },
    /// A digit that has no OCR reading in an alphabetic position, or a digit in
    /// the document code.
    NonAlphabeticCharacter { found: char },
    /// The sex is none of `M`, `F`, `<` (an `X` lands here too: ICAO prints `<`).
    InvalidSex { found: char },
    /// The date is not a calendar date (`900230`, month 13, a half-unknown
    /// component such as `7<`, a letter).
    InvalidDate,
    /// The name fills its area up to the last character: it may have been truncated.
    NameMayBeTruncated,
    /// TD1/TD2 document-number check position holds `<` (long document number)
    /// but the optional data does not hold a well-formed continuation.
    MalformedLongDocumentNumber,
}

/// Structural errors: the input is not an MRZ at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MrzError {
    /// Not 2 or 3 lines.
    WrongLineCount { found: usize },
    /// A 2-line MRZ whose first line is neither 36 nor 44 characters long.
    UnrecognizedLineLength { line: usize, found: usize },
    /// A TD1 line that is not 30 characters long.
    WrongLineLength {
        line: usize,
        found: usize,
        expected: usize,
    },
    /// A 2-line MRZ whose second line differs in length from the first.
    LineLengthMismatch {
        line: usize,
        found: usize,
        expected: usize,
    },
    /// A character outside `A–Z 0–9 <` (lower case included). 1-based,
    /// column counted in characters.
    InvalidCharacter {
        line: usize,
        column: usize,
        found: char,
    },
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::WrongLineCount { found } => {
                write!(f, "an MRZ has 2 or 3 lines, found {found}")
            }
            MrzError::UnrecognizedLineLength { line, found } => write!(
                f,
                "line {line}: {found} characters, a 2-line MRZ has 36 or 44"
            ),
            MrzError::WrongLineLength {
                line,
                found,
                expected,
            } => write!(f, "line {line}: {found} characters, expected {expected}"),
            MrzError::LineLengthMismatch {
                line,
                found,
                expected,
            } => write!(f, "line {line}: {found} characters, line 1 has {expected}"),
            MrzError::InvalidCharacter {
                line,
                column,
                found,
            } => write!(
                f,
                "line {line}, column {column}: invalid MRZ character {found:?}"
            ),
        }
    }
}

impl std::error::Error for MrzError {}

/// A date as printed (`YYMMDD`, after OCR reading); any two-character
/// component may be `<<` when unknown.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawDate {
    raw: [u8; 6],
}

#[derive(Clone, Copy)]
enum Part {
    Known(u8),
    Unknown,
    Malformed,
}

impl RawDate {
    /// Six characters of the MRZ alphabet, else `None`.
    pub fn new(raw: &str) -> Option<Self> {
        let bytes = raw.as_bytes();
        if bytes.len() != 6 || !bytes.iter().all(|&b| is_mrz_byte(b)) {
            return None;
        }
        Some(Self::from_slice(bytes))
    }

    fn from_slice(bytes: &[u8]) -> Self {
        let mut raw = [FILLER; 6];
        for (d, s) in raw.iter_mut().zip(bytes) {
            *d = *s;
        }
        Self { raw }
    }

    /// The six characters, e.g. `740812` or `74<<<<`.
    pub fn as_str(&self) -> &str {
        ascii(&self.raw)
    }

    fn part(&self, i: usize) -> Part {
        match (self.raw[i], self.raw[i + 1]) {
            (a @ b'0'..=b'9', b @ b'0'..=b'9') => Part::Known((a - b'0') * 10 + (b - b'0')),
            (FILLER, FILLER) => Part::Unknown,
            _ => Part::Malformed,
        }
    }

    fn known(part: Part) -> Option<u8> {
        match part {
            Part::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Two-digit year, `None` if unknown or malformed.
    pub fn year(&self) -> Option<u8> {
        Self::known(self.part(0))
    }

    /// Month, `None` if unknown or malformed.
    pub fn month(&self) -> Option<u8> {
        Self::known(self.part(2))
    }

    /// Day, `None` if unknown or malformed.
    pub fn day(&self) -> Option<u8> {
        Self::known(self.part(4))
    }

    /// Year, month and day are all known.
    pub fn is_complete(&self) -> bool {
        self.year().is_some() && self.month().is_some() && self.day().is_some()
    }

    /// A possible calendar date: every component is two digits or `<<`,
    /// month 1–12, day within the month. Feb 29 is accepted when the year is
    /// unknown or divisible by 4 (`00` may be 2000).
    pub fn is_valid(&self) -> bool {
        let (y, m, d) = (self.part(0), self.part(2), self.part(4));
        if matches!(y, Part::Malformed) || matches!(m, Part::Malformed) {
            return false;
        }
        let month = Self::known(m);
        if month.is_some_and(|m| !(1..=12).contains(&m)) {
            return false;
        }
        match d {
            Part::Malformed => false,
            Part::Unknown => true,
            Part::Known(day) => {
                let max = match month {
                    None => 31,
                    Some(2) => match Self::known(y) {
                        Some(yy) if yy % 4 != 0 => 28,
                        _ => 29,
                    },
                    Some(4 | 6 | 9 | 11) => 30,
                    Some(_) => 31,
                };
                (1..=max).contains(&day)
            }
        }
    }

    /// Four-digit birth year: the most recent century that does not put the
    /// (earliest possible) birth date after `reference`.
    pub fn resolve_birth_year(&self, reference: NaiveDate) -> Option<i32> {
        if !self.is_valid() {
            return None;
        }
        let yy = i32::from(self.year()?);
        let ref_year = reference.year();
        let mut year = ref_year - ref_year.rem_euclid(100) + yy;
        let earliest = (
            year,
            u32::from(self.month().unwrap_or(1)),
            u32::from(self.day().unwrap_or(1)),
        );
        if earliest > (ref_year, reference.month(), reference.day()) {
            year -= 100;
        }
        Some(year)
    }

    /// Four-digit expiry year: the century that puts it within 50 years of
    /// `reference` (window `[ref - 49, ref + 50]`).
    pub fn resolve_expiry_year(&self, reference: NaiveDate) -> Option<i32> {
        if !self.is_valid() {
            return None;
        }
        let yy = i32::from(self.year()?);
        let ref_year = reference.year();
        let mut year = ref_year - ref_year.rem_euclid(100) + yy;
        if year - ref_year > 50 {
            year -= 100;
        } else if ref_year - year > 50 {
            year += 100;
        }
        Some(year)
    }

    /// Full birth date (see [`Self::resolve_birth_year`]); `None` when
    /// incomplete or not a calendar date in the resolved century.
    pub fn resolve_birth(&self, reference: NaiveDate) -> Option<NaiveDate> {
        let year = self.resolve_birth_year(reference)?;
        NaiveDate::from_ymd_opt(year, u32::from(self.month()?), u32::from(self.day()?))
    }

    /// Full expiry date (see [`Self::resolve_expiry_year`]).
    pub fn resolve_expiry(&self, reference: NaiveDate) -> Option<NaiveDate> {
        let year = self.resolve_expiry_year(reference)?;
        NaiveDate::from_ymd_opt(year, u32::from(self.month()?), u32::from(self.day()?))
    }
}

impl fmt::Debug for RawDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawDate({:?})", self.as_str())
    }
}

impl fmt::Display for RawDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed MRZ. Text fields hold the data as read (after OCR substitution in
/// alphabetic fields), without padding filler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrz {
    pub format: Format,
    /// As printed minus trailing filler: `P`, `PD`, `I`, `ID`, `AC`, `V`…
    pub document_code: String,
    /// `USA`, `D`, `GBD`, `UNO`, `XXA`…
    pub issuing_state: String,
    /// Primary identifier, components separated by one space.
    pub surname: String,
    /// Secondary identifier, components separated by one space.
    pub given_names: String,
    /// Including the continuation of a TD1/TD2 long document number.
    pub document_number: String,
    pub nationality: String,
    pub birth: RawDate,
    /// `None` = unspecified (`<`) or invalid (then see findings).
    pub sex: Option<Sex>,
    pub expiry: RawDate,
    /// TD3 personal number, TD2 optional data, TD1 line 1 optional data (after
    /// a long document number's continuation); trailing filler removed.
    pub optional_data: String,
    /// TD1 line 2 optional data; empty on TD2/TD3.
    pub optional_data_2: String,
    /// MRV-A / MRV-B visa: 2-line MRZ whose first character is `V`.
    pub visa: bool,
    /// TD1/TD2 long document number (ICAO 9303 part 5/6 §4.2.4).
    pub long_document_number: bool,
    /// Document number, birth date, expiry date, [TD3 personal number],
    /// [composite], in that order.
    pub checks: Vec<CheckResult>,
    pub substitutions: Vec<Substitution>,
    /// Sorted by line, then column.
    pub findings: Vec<Finding>,
}

impl Mrz {
    /// MRV-A / MRV-B visa (2-line MRZ whose document code starts with `V`).
    pub fn is_visa(&self) -> bool {
        self.visa
    }

    /// `M`, `F`, or `X` when unspecified.
    pub fn sex_code(&self) -> char {
        self.sex.map_or('X', Sex::as_char)
    }

    pub fn all_checks_pass(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.ok)
    }

    pub fn check(&self, field: CheckedField) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.field == field)
    }

    /// All checks pass, no finding, no OCR substitution.
    pub fn is_clean(&self) -> bool {
        self.all_checks_pass() && self.findings.is_empty() && self.substitutions.is_empty()
    }

    /// The fields in builder form (round-trips through the `build_*` functions).
    pub fn fields(&self) -> MrzFields {
        MrzFields {
            document_code: self.document_code.clone(),
            issuing_state: self.issuing_state.clone(),
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            document_number: self.document_number.clone(),
            nationality: self.nationality.clone(),
            birth: self.birth.as_str().to_owned(),
            sex: self.sex,
            expiry: self.expiry.as_str().to_owned(),
            optional_data: self.optional_data.clone(),
            optional_data_2: self.optional_data_2.clone(),
        }
    }
}

/// Input of the `build_*` functions (and output of [`Mrz::fields`]).
///
/// Builders upper-case letters, turn spaces and any character outside the
/// MRZ alphabet into `<`, truncate to the field width and never panic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrzFields {
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    /// More than 9 characters: TD1/TD2 long form (continuation in the optional
    /// data, up to 14 / 6 more characters); truncated to 9 on TD3 and visas.
    pub document_number: String,
    pub nationality: String,
    /// `YYMMDD`.
    pub birth: String,
    pub sex: Option<Sex>,
    /// `YYMMDD`.
    pub expiry: String,
    pub optional_data: String,
    /// TD1 only.
    pub optional_data_2: String,
}

// ---------------------------------------------------------------------------
// Check digits
// ---------------------------------------------------------------------------

const WEIGHTS: [u32; 3] = [7, 3, 1];

fn is_mrz_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == FILLER
}

fn char_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'A'..=b'Z' => Some(u32::from(b - b'A') + 10),
        FILLER => Some(0),
        _ => None,
    }
}

/// ICAO 9303 check digit (weights 7-3-1, `<` = 0, `A`–`Z` = 10–35) of `data`;
/// `None` if a character is outside `A–Z 0–9 <`.
pub fn check_digit(data: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in data.bytes().enumerate() {
        sum += WEIGHTS[i % 3] * char_value(b)?;
    }
    // sum % 10 < 10: the cast is lossless.
    Some((sum % 10) as u8)
}

/// Check digit over the concatenation of `parts` (bytes outside the alphabet count as 0).
fn checksum(parts: &[&[u8]]) -> u8 {
    let mut sum = 0u32;
    let mut w = 0;
    for part in parts {
        for &b in *part {
            sum += WEIGHTS[w] * char_value(b).unwrap_or(0);
            w = if w == 2 { 0 } else { w + 1 };
        }
    }
    (sum % 10) as u8
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// How a position is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Digits (dates, check digits): OCR letter→digit reading.
    Numeric,
    /// Letters (states, names, sex): OCR digit→letter reading.
    Alpha,
    /// Document code: letters, no OCR reading.
    Code,
    /// Alphanumeric (document number, optional data): read as printed.
    Free,
}

const fn slot(format: Format, visa: bool, line: usize, col: usize) -> (Class, Field) {
    use Class::{Alpha, Code, Free, Numeric};
    match (format, line) {
        (Format::Td1, 0) => match col {
            0..=1 => (Code, Field::DocumentCode),
            2..=4 => (Alpha, Field::IssuingState),
            5..=13 => (Free, Field::DocumentNumber),
            14 => (Numeric, Field::DocumentNumberCheck),
            _ => (Free, Field::OptionalData),
        },
        (Format::Td1, 1) => match col {
            0..=5 => (Numeric, Field::BirthDate),
            6 => (Numeric, Field::BirthDateCheck),
            7 => (Alpha, Field::Sex),
            8..=13 => (Numeric, Field::ExpiryDate),
            14 => (Numeric, Field::ExpiryDateCheck),
            15..=17 => (Alpha, Field::Nationality),
            18..=28 => (Free, Field::OptionalData2),
            _ => (Numeric, Field::CompositeCheck),
        },
        (Format::Td1, _) => (Alpha, Field::Name),
        (_, 0) => match col {
            0..=1 => (Code, Field::DocumentCode),
            2..=4 => (Alpha, Field::IssuingState),
            _ => (Alpha, Field::Name),
        },
        _ => match col {
            0..=8 => (Free, Field::DocumentNumber),
            9 => (Numeric, Field::DocumentNumberCheck),
            10..=12 => (Alpha, Field::Nationality),
            13..=18 => (Numeric, Field::BirthDate),
            19 => (Numeric, Field::BirthDateCheck),
            20 => (Alpha, Field::Sex),
            21..=26 => (Numeric, Field::ExpiryDate),
            27 => (Numeric, Field::ExpiryDateCheck),
            _ if visa => (Free, Field::OptionalData),
            42 if matches!(format, Format::Td3) => (Numeric, Field::OptionalDataCheck),
            c if c + 1 == format.line_length() => (Numeric, Field::CompositeCheck),
            _ => (Free, Field::OptionalData),
        },
    }
}

type SlotTable = [[(Class, Field); MAX_WIDTH]; 3];

const fn slot_table(format: Format, visa: bool) -> SlotTable {
    let mut table = [[(Class::Free, Field::OptionalData); MAX_WIDTH]; 3];
    let mut line = 0;
    while line < format.line_count() {
        let mut col = 0;
        while col < format.line_length() {
            table[line][col] = slot(format, visa, line, col);
            col += 1;
        }
        line += 1;
    }
    table
}

/// [`slot`] precomputed for TD1, TD2, MRV-B, TD3, MRV-A.
static SLOTS: [SlotTable; 5] = [
    slot_table(Format::Td1, false),
    slot_table(Format::Td2, false),
    slot_table(Format::Td2, true),
    slot_table(Format::Td3, false),
    slot_table(Format::Td3, true),
];

fn slots(format: Format, visa: bool) -> &'static SlotTable {
    &SLOTS[match (format, visa) {
        (Format::Td1, _) => 0,
        (Format::Td2, false) => 1,
        (Format::Td2, true) => 2,
        (Format::Td3, false) => 3,
        (Format::Td3, true) => 4,
    }]
}

/// Where the fields are: (line, column) 0-based.
struct Layout {
    doc: (usize, usize),
    nationality: (usize, usize),
    birth: (usize, usize),
    sex: (usize, usize),
    expiry: (usize, usize),
    optional: (usize, usize, usize),
    optional2: Option<(usize, usize, usize)>,
    name: (usize, usize, usize),
}

fn layout(format: Format, visa: bool) -> Layout {
    match format {
        Format::Td1 => Layout {
            doc: (0, 5),
            nationality: (1, 15),
            birth: (1, 0),
            sex: (1, 7),
            expiry: (1, 8),
            optional: (0, 15, 15),
            optional2: Some((1, 18, 11)),
            name: (2, 0, 30),
        },
        Format::Td2 | Format::Td3 => {
            let width = format.line_length();
            let optional_len = if visa {
                width - 28
            } else if format == Format::Td3 {
                14
            } else {
                7
            };
            Layout {
                doc: (1, 0),
                nationality: (1, 10),
                birth: (1, 13),
                sex: (1, 20),
                expiry: (1, 21),
                optional: (1, 28, optional_len),
                optional2: None,
                name: (0, 5, width - 5),
            }
        }
    }
}

fn ocr_digit(b: u8) -> Option<u8> {
    Some(match b {
        b'O' | b'Q' | b'D' => b'0',
        b'I' | b'L' => b'1',
        b'Z' => b'2',
        b'S' => b'5',
        b'B' => b'8',
        b'G' => b'6',
        _ => return None,
    })
}

fn ocr_letter(b: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'O',
        b'1' => b'I',
        b'5' => b'S',
        b'8' => b'B',
        _ => return None,
    })
}

/// Bytes known to be ASCII as `&str`.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

fn seg(lines: &Lines, line: usize, col: usize, len: usize) -> &[u8] {
    lines
        .get(line)
        .and_then(|l| l.get(col..col + len))
        .unwrap_or(&[])
}

/// `bytes[a..b]`, or empty when out of range (never the case for validated lines).
fn span(bytes: &[u8], a: usize, b: usize) -> &[u8] {
    bytes.get(a..b).unwrap_or(&[])
}

fn filler_run(area: &[u8], from: usize) -> usize {
    area.get(from..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == FILLER).count())
}

/// Reads name components separated by single fillers, from `*i` until a
/// double filler or the end; appends them to `out` separated by spaces.
fn take_components(area: &[u8], i: &mut usize, out: &mut String) {
    let n = area.len();
    loop {
        let start = *i;
        while *i < n && area[*i] != FILLER {
            *i += 1;
        }
        if *i > start {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(ascii(&area[start..*i]));
        }
        if *i + 1 < n && area[*i + 1] != FILLER {
            *i += 1; // single filler between two components
        } else {
            break;
        }
    }
}

fn trailing_trimmed(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&b| b != FILLER)
        .map_or(0, |p| p + 1);
    ascii(&bytes[..end]).to_owned()
}

struct Ctx<'a> {
    raw: &'a Lines,
    read: &'a Lines,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn seg(&self, line: usize, col: usize, len: usize) -> &[u8] {
        seg(self.read, line, col, len)
    }

    fn raw_char(&self, line: usize, col: usize) -> char {
        self.raw
            .get(line)
            .and_then(|l| l.get(col))
            .map_or('<', |&b| char::from(b))
    }

    fn read_byte(&self, line: usize, col: usize) -> u8 {
        self.read
            .get(line)
            .and_then(|l| l.get(col))
            .copied()
            .unwrap_or(FILLER)
    }

    fn finding(&mut self, field: Field, kind: FindingKind, line: usize, col: usize) {
        self.findings.push(Finding {
            line: line + 1,
            column: col + 1,
            field,
            kind,
        });
    }

    /// A "data then filler" field: returns the data without leading/trailing
    /// filler and reports leading filler, non-filler after the padding and
    /// (if `required`) an empty field.
    fn padded(
        &mut self,
        line: usize,
        col: usize,
        len: usize,
        field: Field,
        required: bool,
    ) -> String {
        let bytes = seg(self.read, line, col, len);
        let Some(start) = bytes.iter().position(|&b| b != FILLER) else {
            if required {
                self.finding(field, FindingKind::EmptyField, line, col);
            }
            return String::new();
        };
        let end_data = bytes[start..]
            .iter()
            .position(|&b| b == FILLER)
            .map_or(bytes.len(), |p| start + p);
        let after = bytes[end_data..].iter().position(|&b| b != FILLER);
        let end = bytes
            .iter()
            .rposition(|&b| b != FILLER)
            .map_or(0, |p| p + 1);
        let value = ascii(&bytes[start..end]).to_owned();
        if start > 0 {
            self.finding(field, FindingKind::LeadingFiller, line, col);
        }
        if let Some(off) = after {
            let c = col + end_data + off;
            let found = self.raw_char(line, c);
            self.finding(
                field,
                FindingKind::NonFillerInFillerPosition { found },
                line,
                c,
            );
        }
        value
    }

    /// Name area: `PRIMARY<COMP<<SECONDARY<COMP<<<…`.
    fn name(&mut self, line: usize, col: usize, len: usize) -> (String, String) {
        let area = seg(self.read, line, col, len);
        let n = area.len();
        let mut surname = String::with_capacity(n);
        let mut given = String::with_capacity(n);
        let lead = filler_run(area, 0);
        if lead == n {
            self.finding(Field::Name, FindingKind::EmptyField, line, col);
            return (surname, given);
        }
        let mut i = lead;
        if lead >= 2 {
            // No primary identifier.
            self.finding(Field::Name, FindingKind::EmptyField, line, col);
            take_components(area, &mut i, &mut given);
        } else {
            if lead == 1 {
                self.finding(Field::Name, FindingKind::LeadingFiller, line, col);
            }
            take_components(area, &mut i, &mut surname);
            let run = filler_run(area, i);
            i += run;
            if i < n {
                if run > 2 {
                    self.finding(
                        Field::Name,
                        FindingKind::LeadingFiller,
                        line,
                        col + i - run + 2,
                    );
                }
                take_components(area, &mut i, &mut given);
            }
        }
        i += filler_run(area, i);
        if i < n {
            let found = self.raw_char(line, col + i);
            self.finding(
                Field::Name,
                FindingKind::NonFillerInFillerPosition { found },
                line,
                col + i,
            );
            while i < n {
                take_components(area, &mut i, &mut given);
                i += filler_run(area, i);
            }
        }
        if area.last().is_some_and(|&b| b != FILLER) {
            self.finding(
                Field::Name,
                FindingKind::NameMayBeTruncated,
                line,
                col + n - 1,
            );
        }
        (surname, given)
    }

    fn date(&mut self, line: usize, col: usize, field: Field) -> RawDate {
        let date = RawDate::from_slice(self.seg(line, col, 6));
        if !date.is_valid() {
            self.finding(field, FindingKind::InvalidDate, line, col);
        }
        date
    }

    fn check(&self, field: CheckedField, parts: &[&[u8]], line: usize, col: usize) -> CheckResult {
        let printed = self.read_byte(line, col);
        let computed = checksum(parts);
        CheckResult {
            field,
            printed: char::from(printed),
            computed,
            ok: printed.is_ascii_digit() && printed - b'0' == computed,
            line: line + 1,
            column: col + 1,
        }
    }
}

fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn detect_format(lines: &[&str]) -> Result<Format, MrzError> {
    match lines {
        [_, _, _] => Ok(Format::Td1),
        [first, _] => match char_count(first) {
            36 => Ok(Format::Td2),
            44 => Ok(Format::Td3),
            found => Err(MrzError::UnrecognizedLineLength { line: 1, found }),
        },
        _ => Err(MrzError::WrongLineCount { found: lines.len() }),
    }
}

/// Parses and validates an MRZ given as its lines (no trimming: a trailing
/// `\r` or space is an invalid character / a wrong length).
pub fn parse(lines: &[&str]) -> Result<Mrz, MrzError> {
    let format = detect_format(lines)?;
    let width = format.line_length();
    for (i, line) in lines.iter().enumerate() {
        let found = char_count(line);
        if found != width {
            let line = i + 1;
            return Err(match format {
                Format::Td1 => MrzError::WrongLineLength {
                    line,
                    found,
                    expected: width,
                },
                _ => MrzError::LineLengthMismatch {
                    line,
                    found,
                    expected: width,
                },
            });
        }
    }
    let mut raw: Lines = [[FILLER; MAX_WIDTH]; 3];
    for (i, (line, buf)) in lines.iter().zip(raw.iter_mut()).enumerate() {
        let bytes = line.as_bytes();
        if bytes.len() == width && bytes.iter().all(|&b| is_mrz_byte(b)) {
            // All ASCII: bytes are characters.
            buf[..width].copy_from_slice(bytes);
            continue;
        }
        for (col, c) in line.chars().enumerate() {
            if !c.is_ascii() || !is_mrz_byte(c as u8) {
                return Err(MrzError::InvalidCharacter {
                    line: i + 1,
                    column: col + 1,
                    found: c,
                });
            }
        }
    }

    let visa = format != Format::Td1 && raw[0][0] == b'V';
    let lay = layout(format, visa);
    let (dl, dc) = lay.doc;
    let (ol, oc, olen) = lay.optional;

    // TD1/TD2 long document number: the check position holds `<`, the number
    // continues in the optional data up to its first filler, the last
    // character before that filler being the check digit.
    let long_document_number = format != Format::Td3 && !visa && raw[dl][dc + 9] == FILLER;
    let long_split = long_document_number.then(|| {
        seg(&raw, ol, oc, olen)
            .iter()
            .position(|&b| b == FILLER)
            .unwrap_or(olen)
    });
    let long_check_col = match long_split {
        Some(k) if k >= 1 => Some(oc + k - 1),
        _ => None,
    };

    // OCR reading.
    let table = slots(format, visa);
    let mut read = raw;
    let mut substitutions = Vec::new();
    let mut findings = Vec::new();
    for (li, ((raw_line, read_line), slot_line)) in raw
        .iter()
        .zip(read.iter_mut())
        .zip(table)
        .enumerate()
        .take(format.line_count())
    {
        for (col, ((&c, r), &(class, field))) in raw_line
            .iter()
            .zip(read_line.iter_mut())
            .zip(slot_line)
            .enumerate()
            .take(width)
        {
            // Fast path: the character suits its position.
            let (substitute, kind) = match class {
                Class::Numeric if c.is_ascii_uppercase() => (
                    ocr_digit(c),
                    FindingKind::NonNumericCharacter {
                        found: char::from(c),
                    },
                ),
                Class::Alpha | Class::Code if c.is_ascii_digit() => (
                    if class == Class::Alpha {
                        ocr_letter(c)
                    } else {
                        None
                    },
                    FindingKind::NonAlphabeticCharacter {
                        found: char::from(c),
                    },
                ),
                _ => continue,
            };
            if let Some(to) = substitute {
                *r = to;
                substitutions.push(Substitution {
                    line: li + 1,
                    column: col + 1,
                    field,
                    found: char::from(c),
                    read_as: char::from(to),
                });
            } else if field != Field::Sex {
                findings.push(Finding {
                    line: li + 1,
                    column: col + 1,
                    field,
                    kind,
                });
            }
        }
    }
    // The long document number's check digit sits in the optional data (read
    // as printed above): it is numeric.
    if let Some(col) = long_check_col {
        let c = raw[ol][col];
        if let Some(to) = ocr_digit(c) {
            read[ol][col] = to;
            substitutions.push(Substitution {
                line: ol + 1,
                column: col + 1,
                field: Field::DocumentNumberCheck,
                found: char::from(c),
                read_as: char::from(to),
            });
            substitutions.sort_by_key(|s| (s.line, s.column));
        } else if c.is_ascii_uppercase() {
            findings.push(Finding {
                line: ol + 1,
                column: col + 1,
                field: Field::DocumentNumberCheck,
                kind: FindingKind::NonNumericCharacter {
                    found: char::from(c),
                },
            });
        }
    }

    let mut ctx = Ctx {
        raw: &raw,
        read: &read,
        findings,
    };
    let mut checks = Vec::with_capacity(5);

    let document_code = ctx.padded(0, 0, 2, Field::DocumentCode, true);
    let issuing_state = ctx.padded(0, 2, 3, Field::IssuingState, true);
    let (nl, nc, nlen) = lay.name;
    let (surname, given_names) = ctx.name(nl, nc, nlen);

    let first9 = seg(&read, dl, dc, 9);
    let optional = seg(&read, ol, oc, olen);
    let (document_number, optional_data) = match long_split {
        None => {
            let number = ctx.padded(dl, dc, 9, Field::DocumentNumber, true);
            checks.push(ctx.check(CheckedField::DocumentNumber, &[first9], dl, dc + 9));
            (number, trailing_trimmed(optional))
        }
        Some(0) => {
            ctx.finding(
                Field::DocumentNumber,
                FindingKind::MalformedLongDocumentNumber,
                dl,
                dc + 9,
            );
            let number = ctx.padded(dl, dc, 9, Field::DocumentNumber, true);
            checks.push(ctx.check(CheckedField::DocumentNumber, &[first9], dl, dc + 9));
            (number, trailing_trimmed(optional))
        }
        Some(k) => {
            let continuation = optional.get(..k - 1).unwrap_or(&[]);
            let rest = optional.get(k + 1..).unwrap_or(&[]);
            let number = if continuation.is_empty() {
                ctx.padded(dl, dc, 9, Field::DocumentNumber, true)
            } else {
                let mut number = String::with_capacity(9 + continuation.len());
                number.push_str(ascii(first9));
                number.push_str(ascii(continuation));
                number
            };
            if continuation.is_empty() || first9.contains(&FILLER) {
                ctx.finding(
                    Field::DocumentNumber,
                    FindingKind::MalformedLongDocumentNumber,
                    dl,
                    dc + 9,
                );
            }
            checks.push(ctx.check(
                CheckedField::DocumentNumber,
                &[first9, continuation],
                ol,
                oc + k - 1,
            ));
            (number, trailing_trimmed(rest))
        }
    };

    let (bl, bc) = lay.birth;
    let birth = ctx.date(bl, bc, Field::BirthDate);
    checks.push(ctx.check(
        CheckedField::BirthDate,
        &[seg(&read, bl, bc, 6)],
        bl,
        bc + 6,
    ));

    let (sl, sc) = lay.sex;
    let sex = match ctx.read_byte(sl, sc) {
        b'M' => Some(Sex::Male),
        b'F' => Some(Sex::Female),
        FILLER => None,
        _ => {
            let found = ctx.raw_char(sl, sc);
            ctx.finding(Field::Sex, FindingKind::InvalidSex { found }, sl, sc);
            None
        }
    };

    let (el, ec) = lay.expiry;
    let expiry = ctx.date(el, ec, Field::ExpiryDate);
    checks.push(ctx.check(
        CheckedField::ExpiryDate,
        &[seg(&read, el, ec, 6)],
        el,
        ec + 6,
    ));

    let (tl, tc) = lay.nationality;
    let nationality = ctx.padded(tl, tc, 3, Field::Nationality, true);

    let optional_data_2 = lay
        .optional2
        .map(|(l, c, n)| trailing_trimmed(seg(&read, l, c, n)))
        .unwrap_or_default();

    if !visa {
        let l1 = seg(&read, 0, 0, width);
        let l2 = seg(&read, 1, 0, width);
        match format {
            Format::Td3 => {
                let personal = span(l2, 28, 42);
                let mut result = ctx.check(CheckedField::OptionalData, &[personal], 1, 42);
                if result.printed == '<' && personal.iter().all(|&b| b == FILLER) {
                    result.ok = true; // ICAO: `<` or `0` when the personal number is unused
                }
                checks.push(result);
                let parts = [span(l2, 0, 10), span(l2, 13, 20), span(l2, 21, 43)];
                checks.push(ctx.check(CheckedField::Composite, &parts, 1, 43));
            }
            Format::Td2 => {
                let parts = [span(l2, 0, 10), span(l2, 13, 20), span(l2, 21, 35)];
                checks.push(ctx.check(CheckedField::Composite, &parts, 1, 35));
            }
            Format::Td1 => {
                let parts = [
                    span(l1, 5, 30),
                    span(l2, 0, 7),
                    span(l2, 8, 15),
                    span(l2, 18, 29),
                ];
                checks.push(ctx.check(CheckedField::Composite, &parts, 1, 29));
            }
        }
    }

    let mut findings = ctx.findings;
    findings.sort_by_key(|f| (f.line, f.column));

    Ok(Mrz {
        format,
        document_code,
        issuing_state,
        surname,
        given_names,
        document_number,
        nationality,
        birth,
        sex,
        expiry,
        optional_data,
        optional_data_2,
        visa,
        long_document_number,
        checks,
        substitutions,
        findings,
    })
}

// ---------------------------------------------------------------------------
// Builders (valid MRZ lines from fields; used by property tests and fuzzing)
// ---------------------------------------------------------------------------

fn mrz_byte(c: char) -> u8 {
    match c {
        'A'..='Z' | '0'..='9' | '<' => c as u8,
        'a'..='z' => c.to_ascii_uppercase() as u8,
        _ => FILLER,
    }
}

fn mrz_bytes(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.chars().map(mrz_byte)
}

/// Appends exactly `width` bytes: `value` truncated, then filler.
fn put(out: &mut Vec<u8>, value: impl Iterator<Item = u8>, width: usize) {
    let start = out.len();
    out.extend(value.take(width));
    out.resize(start + width, FILLER);
}

/// Appends the check digit of `out[from..]`.
fn put_check(out: &mut Vec<u8>, from: usize) {
    let digit = checksum(&[out.get(from..).unwrap_or(&[])]);
    out.push(b'0' + digit);
}

fn put_name(out: &mut Vec<u8>, fields: &MrzFields, width: usize) {
    let name = fields
        .surname
        .trim()
        .chars()
        .chain("<<".chars())
        .chain(fields.given_names.trim().chars())
        .map(mrz_byte);
    put(out, name, width);
}

fn sex_byte(sex: Option<Sex>) -> u8 {
    sex.map_or(FILLER, |s| s.as_char() as u8)
}

fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Document number field, its check and the optional-data field of `width`
/// characters (TD1 line 1 / TD2 line 2), long form when the number has more
/// than 9 characters and `allow_long`.
fn put_document_number(
    out: &mut Vec<u8>,
    fields: &MrzFields,
    width: usize,
    allow_long: bool,
) -> Vec<u8> {
    let doc: Vec<u8> = mrz_bytes(&fields.document_number).collect();
    let mut optional = Vec::with_capacity(width);
    if allow_long && doc.len() > 9 {
        let (first, rest) = doc.split_at(9);
        let continuation = &rest[..rest.len().min(width - 1)];
        out.extend_from_slice(first);
        out.push(FILLER);
        optional.extend_from_slice(continuation);
        optional.push(b'0' + checksum(&[first, continuation]));
        optional.push(FILLER);
        optional.extend(mrz_bytes(&fields.optional_data));
    } else {
        let start = out.len();
        put(out, doc.iter().copied(), 9);
        put_check(out, start);
        optional.extend(mrz_bytes(&fields.optional_data));
    }
    optional
}

/// Line 2 of TD2/TD3 from nationality to the expiry check digit.
fn put_dates(out: &mut Vec<u8>, fields: &MrzFields) {
    put(out, mrz_bytes(&fields.nationality), 3);
    let birth = out.len();
    put(out, mrz_bytes(&fields.birth), 6);
    put_check(out, birth);
    out.push(sex_byte(fields.sex));
    let expiry = out.len();
    put(out, mrz_bytes(&fields.expiry), 6);
    put_check(out, expiry);
}

fn put_header(out: &mut Vec<u8>, fields: &MrzFields) {
    put(out, mrz_bytes(&fields.document_code), 2);
    put(out, mrz_bytes(&fields.issuing_state), 3);
}

/// A valid TD3 (or MRV-A when the document code starts with `V`) MRZ.
pub fn build_td3(fields: &MrzFields) -> [String; 2] {
    let mut l1 = Vec::with_capacity(44);
    put_header(&mut l1, fields);
    put_name(&mut l1, fields, 39);
    let visa = l1.first() == Some(&b'V');
    let mut l2 = Vec::with_capacity(44);
    put_document_number(&mut l2, fields, 0, false);
    put_dates(&mut l2, fields);
    if visa {
        put(&mut l2, mrz_bytes(&fields.optional_data), 16);
    } else {
        put(&mut l2, mrz_bytes(&fields.optional_data), 14);
        put_check(&mut l2, 28);
        let composite = checksum(&[span(&l2, 0, 10), span(&l2, 13, 20), span(&l2, 21, 43)]);
        l2.push(b'0' + composite);
    }
    [into_string(l1), into_string(l2)]
}

/// A valid TD2 (or MRV-B when the document code starts with `V`) MRZ.
pub fn build_td2(fields: &MrzFields) -> [String; 2] {
    let mut l1 = Vec::with_capacity(36);
    put_header(&mut l1, fields);
    put_name(&mut l1, fields, 31);
    let visa = l1.first() == Some(&b'V');
    let mut l2 = Vec::with_capacity(36);
    let optional = put_document_number(&mut l2, fields, 7, !visa);
    put_dates(&mut l2, fields);
    if visa {
        put(&mut l2, mrz_bytes(&fields.optional_data), 8);
    } else {
        put(&mut l2, optional.into_iter(), 7);
        let composite = checksum(&[span(&l2, 0, 10), span(&l2, 13, 20), span(&l2, 21, 35)]);
        l2.push(b'0' + composite);
    }
    [into_string(l1), into_string(l2)]
}

/// A valid TD1 MRZ.
pub fn build_td1(fields: &MrzFields) -> [String; 3] {
    let mut l1 = Vec::with_capacity(30);
    put_header(&mut l1, fields);
    let optional = put_document_number(&mut l1, fields, 15, true);
    put(&mut l1, optional.into_iter(), 15);
    let mut l2 = Vec::with_capacity(30);
    put(&mut l2, mrz_bytes(&fields.birth), 6);
    put_check(&mut l2, 0);
    l2.push(sex_byte(fields.sex));
    put(&mut l2, mrz_bytes(&fields.expiry), 6);
    put_check(&mut l2, 8);
    put(&mut l2, mrz_bytes(&fields.nationality), 3);
    put(&mut l2, mrz_bytes(&fields.optional_data_2), 11);
    let composite = checksum(&[
        span(&l1, 5, 30),
        span(&l2, 0, 7),
        span(&l2, 8, 15),
        span(&l2, 18, 29),
    ]);
    l2.push(b'0' + composite);
    let mut l3 = Vec::with_capacity(30);
    put_name(&mut l3, fields, 30);
    [into_string(l1), into_string(l2), into_string(l3)]
}

/// A valid MRZ of `format`, as a vector of lines.
pub fn build(format: Format, fields: &MrzFields) -> Vec<String> {
    match format {
        Format::Td1 => build_td1(fields).into(),
        Format::Td2 => build_td2(fields).into(),
        Format::Td3 => build_td3(fields).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    const TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    const TD2: [&str; 2] = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    const US: [&str; 2] = [
        "P<USACARTER<<EMILY<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "C030059887USA9003141F3105010<<<<<<<<<<<<<<02",
    ];
    const JP: [&str; 2] = [
        "P<JPNTANAKA<<KENJI<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "TK12345671JPN9207020M2902119<<<<<<<<<<<<<<08",
    ];
    const DE: [&str; 2] = [
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
    ];

    /// `lines` with the character at 1-based (`line`, `col`) replaced by `c`.
    fn with(lines: &[&str], line: usize, col: usize, c: char) -> Vec<String> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.chars()
                    .enumerate()
                    .map(|(j, x)| if i + 1 == line && j + 1 == col { c } else { x })
                    .collect()
            })
            .collect()
    }

    fn parse_owned(lines: &[String]) -> Result<Mrz, MrzError> {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        parse(&refs)
    }

    fn ok(lines: &[&str]) -> Mrz {
        match parse(lines) {
            Ok(m) => m,
            Err(e) => panic!("{lines:?}: {e}"),
        }
    }

    fn ok_owned(lines: &[String]) -> Mrz {
        match parse_owned(lines) {
            Ok(m) => m,
            Err(e) => panic!("{lines:?}: {e}"),
        }
    }

    fn failed(m: &Mrz) -> Vec<CheckedField> {
        m.failed_checks().map(|c| c.field).collect()
    }

    fn check_fields(m: &Mrz) -> Vec<CheckedField> {
        m.checks.iter().map(|c| c.field).collect()
    }

    fn findings(m: &Mrz) -> Vec<(usize, usize, Field, FindingKind)> {
        m.findings
            .iter()
            .map(|f| (f.line, f.column, f.field, f.kind))
            .collect()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn fields() -> MrzFields {
        MrzFields {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_names: "ANNA MARIA".into(),
            document_number: "L898902C3".into(),
            nationality: "UTO".into(),
            birth: "740812".into(),
            sex: Some(Sex::Female),
            expiry: "120415".into(),
            optional_data: "ZE184226B".into(),
            optional_data_2: String::new(),
        }
    }

    use CheckedField::{BirthDate, Composite, DocumentNumber, ExpiryDate, OptionalData};
    const TD3_CHECKS: [CheckedField; 5] = [
        DocumentNumber,
        BirthDate,
        ExpiryDate,
        OptionalData,
        Composite,
    ];
    const TD12_CHECKS: [CheckedField; 4] = [DocumentNumber, BirthDate, ExpiryDate, Composite];
    const VISA_CHECKS: [CheckedField; 3] = [DocumentNumber, BirthDate, ExpiryDate];

    // --- ICAO specimens and real-shaped samples -----------------------------

    #[test]
    fn icao_td3_specimen() {
        let m = ok(&TD3);
        assert_eq!(m.format, Format::Td3);
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.birth.as_str(), "740812");
        assert_eq!(m.sex, Some(Sex::Female));
        assert_eq!(m.expiry.as_str(), "120415");
        assert_eq!(m.optional_data, "ZE184226B");
        assert!(!m.is_visa() && !m.long_document_number);
        assert_eq!(check_fields(&m), TD3_CHECKS);
        assert!(m.is_clean(), "{m:#?}");
        let composite = m.check(Composite).unwrap();
        assert_eq!((composite.printed, composite.computed), ('0', 0));
        assert_eq!((composite.line, composite.column), (2, 44));
        let doc = m.check(DocumentNumber).unwrap();
        assert_eq!((doc.printed, doc.computed, doc.column), ('6', 6, 10));
        assert_eq!(m.fields(), fields());
    }

    #[test]
    fn icao_td1_specimen() {
        let m = ok(&TD1);
        assert_eq!(m.format, Format::Td1);
        assert_eq!(
            (
                m.document_code.as_str(),
                m.issuing_state.as_str(),
                m.nationality.as_str()
            ),
            ("I", "UTO", "UTO")
        );
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!((m.birth.as_str(), m.expiry.as_str()), ("740812", "120415"));
        assert_eq!(m.sex_code(), 'F');
        assert_eq!(
            (m.optional_data.as_str(), m.optional_data_2.as_str()),
            ("", "")
        );
        assert_eq!(check_fields(&m), TD12_CHECKS);
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(
            m.check(Composite).map(|c| (c.line, c.column)),
            Some((2, 30))
        );
    }

    #[test]
    fn icao_td2_specimen() {
        let m = ok(&TD2);
        assert_eq!(m.format, Format::Td2);
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(check_fields(&m), TD12_CHECKS);
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(
            m.check(Composite).map(|c| (c.line, c.column)),
            Some((2, 36))
        );
    }

    #[test]
    fn us_and_japanese_passports_pass_every_check() {
        let us = ok(&US);
        assert!(us.is_clean(), "{us:#?}");
        assert_eq!(
            (
                us.issuing_state.as_str(),
                us.surname.as_str(),
                us.given_names.as_str()
            ),
            ("USA", "CARTER", "EMILY")
        );
        assert_eq!(
            (us.document_number.as_str(), us.optional_data.as_str()),
            ("C03005988", "")
        );
        // Unused personal number with a `0` check digit.
        assert_eq!(
            us.check(OptionalData).map(|c| (c.printed, c.ok)),
            Some(('0', true))
        );

        let jp = ok(&JP);
        assert!(jp.is_clean(), "{jp:#?}");
        assert_eq!(jp.document_number, "TK1234567");
        assert_eq!(jp.sex, Some(Sex::Male));
        assert_eq!(check_fields(&jp), TD3_CHECKS);
    }

    #[test]
    fn german_single_letter_state_and_filler_personal_number_check() {
        let m = ok(&DE);
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(
            (m.issuing_state.as_str(), m.nationality.as_str()),
            ("D", "D")
        );
        assert_eq!(m.document_number, "C01X00T47");
        // ICAO allows `<` instead of `0` when the personal number is unused.
        let personal = m.check(OptionalData).unwrap();
        assert_eq!(
            (personal.printed, personal.computed, personal.ok),
            ('<', 0, true)
        );
    }

    #[test]
    fn filler_personal_number_check_with_data_fails() {
        let m = ok_owned(&with(&TD3, 2, 43, '<'));
        let personal = m.check(OptionalData).unwrap();
        assert_eq!(
            (personal.printed, personal.computed, personal.ok),
            ('<', 1, false)
        );
        assert_eq!(failed(&m), [OptionalData, Composite]);
    }

    // --- Long document numbers ---------------------------------------------

    #[test]
    fn td1_long_document_number() {
        let lines = [
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let m = ok(&lines);
        assert!(m.long_document_number);
        assert_eq!(m.document_number, "D23145890734");
        assert_eq!(m.optional_data, "");
        assert!(m.is_clean(), "{m:#?}");
        let doc = m.check(DocumentNumber).unwrap();
        assert_eq!((doc.printed, doc.line, doc.column), ('9', 1, 19));

        // Same number with optional data after the continuation, from the builder.
        let f = MrzFields {
            document_code: "I".into(),
            document_number: "D23145890734".into(),
            optional_data: "AB12".into(),
            ..fields()
        };
        let built = build_td1(&f);
        assert_eq!(built[0], "I<UTOD23145890<7349<AB12<<<<<<");
        let m = ok_owned(&built);
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(
            (m.document_number.as_str(), m.optional_data.as_str()),
            ("D23145890734", "AB12")
        );

        // Continuation filling the whole optional field (no separator left).
        let f = MrzFields {
            document_number: "ABCDEFGHI12345678901234".into(),
            ..f
        };
        let built = build_td1(&f);
        assert!(!built[0].ends_with('<'), "{built:?}");
        let m = ok_owned(&built);
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(m.document_number, f.document_number);
    }

    #[test]
    fn td1_long_document_number_without_continuation_is_malformed() {
        let lines = [
            "I<UTOD23145890<<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let m = ok(&lines);
        assert!(m.long_document_number);
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(
            findings(&m),
            [(
                1,
                15,
                Field::DocumentNumber,
                FindingKind::MalformedLongDocumentNumber
            )]
        );
        let doc = m.check(DocumentNumber).unwrap();
        assert_eq!((doc.printed, doc.ok, doc.column), ('<', false, 15));
    }

    #[test]
    fn td2_long_document_number() {
        let f = MrzFields {
            document_code: "I".into(),
            document_number: "AB1234567890".into(),
            optional_data: String::new(),
            ..fields()
        };
        let built = build_td2(&f);
        assert!(built[1].starts_with("AB1234567<UTO"), "{built:?}");
        let m = ok_owned(&built);
        assert!(m.long_document_number && m.is_clean(), "{m:#?}");
        assert_eq!(m.document_number, "AB1234567890");
        assert_eq!(
            m.check(DocumentNumber).map(|c| (c.line, c.column)),
            Some((2, 32))
        );
    }

    // --- Visas ----------------------------------------------------------------

    #[test]
    fn visas_have_no_optional_or_composite_check() {
        let mrv_a = ok(&[
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
        ]);
        assert!(mrv_a.is_visa() && mrv_a.is_clean(), "{mrv_a:#?}");
        assert_eq!(check_fields(&mrv_a), VISA_CHECKS);
        assert_eq!(mrv_a.optional_data, "6ZE184226B");
        assert_eq!(mrv_a.nationality, "XXX");

        let mrv_b = ok(&[
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "L8988901C4XXX4009078F9612109<<<<<<<<",
        ]);
        assert!(mrv_b.is_visa() && mrv_b.is_clean(), "{mrv_b:#?}");
        assert_eq!(check_fields(&mrv_b), VISA_CHECKS);
        assert_eq!(mrv_b.format, Format::Td2);
    }

    // --- Structural errors ---------------------------------------------------

    #[test]
    fn structural_errors() {
        use MrzError::*;
        let long = "A".repeat(10_000);
        let short_td3 = &TD3[1][..43];
        let td1_31 = format!("{}<", TD1[1]);
        let cases: Vec<(Vec<&str>, MrzError)> = vec![
            (vec![], WrongLineCount { found: 0 }),
            (vec![TD3[0]], WrongLineCount { found: 1 }),
            (
                vec![TD1[0], TD1[1], TD1[2], TD1[2]],
                WrongLineCount { found: 4 },
            ),
            (vec!["", ""], UnrecognizedLineLength { line: 1, found: 0 }),
            (
                vec!["", "", ""],
                WrongLineLength {
                    line: 1,
                    found: 0,
                    expected: 30,
                },
            ),
            (
                vec![&TD3[0][..40], TD3[1]],
                UnrecognizedLineLength { line: 1, found: 40 },
            ),
            (
                vec![TD3[0], short_td3],
                LineLengthMismatch {
                    line: 2,
                    found: 43,
                    expected: 44,
                },
            ),
            (
                vec![TD3[0], TD2[1]],
                LineLengthMismatch {
                    line: 2,
                    found: 36,
                    expected: 44,
                },
            ),
            (
                vec![TD2[0], TD3[1]],
                LineLengthMismatch {
                    line: 2,
                    found: 44,
                    expected: 36,
                },
            ),
            (
                vec![TD1[0], &td1_31, TD1[2]],
                WrongLineLength {
                    line: 2,
                    found: 31,
                    expected: 30,
                },
            ),
            (
                vec![&long, TD3[1]],
                UnrecognizedLineLength {
                    line: 1,
                    found: 10_000,
                },
            ),
            (
                vec![TD1[0], &long, TD1[2]],
                WrongLineLength {
                    line: 2,
                    found: 10_000,
                    expected: 30,
                },
            ),
            (
                vec![TD2[0], &long],
                LineLengthMismatch {
                    line: 2,
                    found: 10_000,
                    expected: 36,
                },
            ),
        ];
        for (lines, expected) in cases {
            assert_eq!(parse(&lines).unwrap_err(), expected, "{lines:?}");
            assert!(!expected.to_string().is_empty());
        }
        // A trailing carriage return is not trimmed.
        let cr = format!("{}\r", TD3[0]);
        assert_eq!(
            parse(&[&cr, TD3[1]]).unwrap_err(),
            UnrecognizedLineLength { line: 1, found: 45 }
        );
    }

    #[test]
    fn invalid_characters() {
        let lower = TD3[0].to_lowercase();
        assert_eq!(
            parse(&[&lower, TD3[1]]).unwrap_err(),
            MrzError::InvalidCharacter {
                line: 1,
                column: 1,
                found: 'p'
            }
        );
        // Columns count characters, not bytes.
        for (line, col, c) in [
            (1, 6, 'É'),
            (2, 1, '🛂'),
            (2, 44, '\0'),
            (1, 20, ' '),
            (2, 30, '\t'),
            (2, 12, 'ß'),
            (1, 44, '\u{7f}'),
        ] {
            let lines = with(&TD3, line, col, c);
            assert_eq!(
                parse_owned(&lines).unwrap_err(),
                MrzError::InvalidCharacter {
                    line,
                    column: col,
                    found: c
                },
                "{lines:?}"
            );
        }
        let td1 = with(&TD1, 3, 30, 'a');
        assert_eq!(
            parse_owned(&td1).unwrap_err(),
            MrzError::InvalidCharacter {
                line: 3,
                column: 30,
                found: 'a'
            }
        );
        // Lengths are checked before characters.
        let bad = with(&TD3, 1, 3, 'é');
        assert!(matches!(
            parse(&[&bad[0], short_line()]).unwrap_err(),
            MrzError::LineLengthMismatch { .. }
        ));
    }

    fn short_line() -> &'static str {
        &TD3[1][..10]
    }

    // --- Filler rules and names -----------------------------------------------

    #[test]
    fn name_data_after_the_end_of_the_name() {
        let m = ok_owned(&with(&TD3, 1, 30, 'X'));
        assert_eq!(
            findings(&m),
            [(
                1,
                30,
                Field::Name,
                FindingKind::NonFillerInFillerPosition { found: 'X' }
            )]
        );
        assert_eq!(m.given_names, "ANNA MARIA X");
        assert!(m.all_checks_pass());
    }

    #[test]
    fn filler_findings_in_codes_and_document_number() {
        // `D<E`: data after the padding filler.
        let m = ok_owned(&with(&DE, 1, 5, 'E'));
        assert_eq!(m.issuing_state, "D<E");
        assert_eq!(
            findings(&m),
            [(
                1,
                5,
                Field::IssuingState,
                FindingKind::NonFillerInFillerPosition { found: 'E' }
            )]
        );
        // `<D<`: leading filler.
        let mut lines = with(&DE, 1, 3, '<');
        lines = with(&[&lines[0], &lines[1]], 1, 4, 'D');
        let m = ok_owned(&lines);
        assert_eq!(m.issuing_state, "D");
        assert_eq!(
            findings(&m),
            [(1, 3, Field::IssuingState, FindingKind::LeadingFiller)]
        );
        // Filler inside the document number: `<` and `0` have the same check
        // value, so the checks pass and only the finding tells.
        let m = ok_owned(&with(&TD3, 2, 6, '<'));
        assert_eq!(m.document_number, "L8989<2C3");
        assert_eq!(
            findings(&m),
            [(
                2,
                7,
                Field::DocumentNumber,
                FindingKind::NonFillerInFillerPosition { found: '2' }
            )]
        );
        assert!(m.all_checks_pass());
        // Empty document code, digit in the document code, empty nationality.
        let m = ok_owned(&with(&TD3, 1, 1, '<'));
        assert_eq!(
            findings(&m),
            [(1, 1, Field::DocumentCode, FindingKind::EmptyField)]
        );
        let m = ok_owned(&with(&TD3, 1, 2, '7'));
        assert_eq!(m.document_code, "P7");
        assert_eq!(
            findings(&m),
            [(
                1,
                2,
                Field::DocumentCode,
                FindingKind::NonAlphabeticCharacter { found: '7' }
            )]
        );
        let f = MrzFields {
            nationality: String::new(),
            ..fields()
        };
        let m = ok_owned(&build_td3(&f));
        assert_eq!(
            findings(&m),
            [(2, 11, Field::Nationality, FindingKind::EmptyField)]
        );
    }

    #[test]
    fn name_shapes() {
        let td2 = |name: &str| {
            let line = format!("I<UTO{name:<<31}");
            ok(&[&line, TD2[1]])
        };
        let m = td2("ERIKSSON");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "")
        );
        assert!(m.is_clean());

        let m = td2("VAN<DER<BERG<<ANNA<MARIA<LUISA");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("VAN DER BERG", "ANNA MARIA LUISA")
        );
        assert!(m.is_clean());

        let m = td2("<<ANNA");
        assert_eq!((m.surname.as_str(), m.given_names.as_str()), ("", "ANNA"));
        assert_eq!(findings(&m), [(1, 6, Field::Name, FindingKind::EmptyField)]);

        let m = td2("<ERIKSSON<<ANNA");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA")
        );
        assert_eq!(
            findings(&m),
            [(1, 6, Field::Name, FindingKind::LeadingFiller)]
        );

        let m = td2("ERIKSSON<<<ANNA");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA")
        );
        assert_eq!(
            findings(&m),
            [(1, 16, Field::Name, FindingKind::LeadingFiller)]
        );

        let m = td2("");
        assert_eq!(findings(&m), [(1, 6, Field::Name, FindingKind::EmptyField)]);

        let m = td2("ERIKSSON<<ANNA<MARIA<LUISA<BETH");
        assert_eq!(m.given_names, "ANNA MARIA LUISA BETH");
        assert_eq!(
            findings(&m),
            [(1, 36, Field::Name, FindingKind::NameMayBeTruncated)]
        );

        let m = td2("ERIKSSON<<ANNA<<MARIA<<<<<<<<<X");
        assert_eq!(m.given_names, "ANNA MARIA X");
        assert_eq!(
            findings(&m),
            [
                (
                    1,
                    22,
                    Field::Name,
                    FindingKind::NonFillerInFillerPosition { found: 'M' }
                ),
                (1, 36, Field::Name, FindingKind::NameMayBeTruncated),
            ]
        );
    }

    #[test]
    fn sex_values() {
        let m = ok_owned(&with(&TD3, 2, 21, '<'));
        assert_eq!((m.sex, m.sex_code()), (None, 'X'));
        assert!(m.is_clean());
        let m = ok_owned(&with(&TD3, 2, 21, 'M'));
        assert_eq!((m.sex, m.sex_code()), (Some(Sex::Male), 'M'));
        let m = ok_owned(&with(&TD3, 2, 21, 'X'));
        assert_eq!(m.sex, None);
        assert_eq!(
            findings(&m),
            [(2, 21, Field::Sex, FindingKind::InvalidSex { found: 'X' })]
        );
        assert!(m.all_checks_pass());
    }

    // --- OCR substitutions -----------------------------------------------------

    #[test]
    fn ocr_numeric_substitutions_are_reported_and_validated() {
        // TD3 specimen line 2: L898902C36UTO7408122F1204159ZE184226B<<<<<10
        let cases = [
            (10, 'G', '6', Field::DocumentNumberCheck),
            (16, 'O', '0', Field::BirthDate),
            (16, 'Q', '0', Field::BirthDate),
            (16, 'D', '0', Field::BirthDate),
            (17, 'B', '8', Field::BirthDate),
            (18, 'I', '1', Field::BirthDate),
            (18, 'L', '1', Field::BirthDate),
            (19, 'Z', '2', Field::BirthDate),
            (20, 'Z', '2', Field::BirthDateCheck),
            (27, 'S', '5', Field::ExpiryDate),
            (43, 'I', '1', Field::OptionalDataCheck),
            (44, 'O', '0', Field::CompositeCheck),
        ];
        for (col, found, read_as, field) in cases {
            let m = ok_owned(&with(&TD3, 2, col, found));
            assert_eq!(
                m.substitutions,
                [Substitution {
                    line: 2,
                    column: col,
                    field,
                    found,
                    read_as
                }],
                "column {col}"
            );
            assert!(m.all_checks_pass() && m.findings.is_empty(), "{m:#?}");
            assert_eq!((m.birth.as_str(), m.expiry.as_str()), ("740812", "120415"));
        }
        // TD1: birth check and the long document number's check digit.
        let f = MrzFields {
            document_code: "I".into(),
            document_number: "D23145890735".into(),
            optional_data: String::new(),
            ..fields()
        };
        let built = build_td1(&f);
        assert_eq!(built[0], "I<UTOD23145890<7350<<<<<<<<<<<");
        let lines = with(&[&built[0], &built[1], &built[2]], 1, 19, 'O');
        let lines = with(&[&lines[0], &lines[1], &lines[2]], 2, 7, 'Z');
        let m = ok_owned(&lines);
        let subs: Vec<_> = m
            .substitutions
            .iter()
            .map(|s| (s.line, s.column, s.field))
            .collect();
        assert_eq!(
            subs,
            [
                (1, 19, Field::DocumentNumberCheck),
                (2, 7, Field::BirthDateCheck)
            ]
        );
        assert!(m.all_checks_pass() && m.findings.is_empty(), "{m:#?}");
        assert_eq!(m.check(DocumentNumber).map(|c| c.printed), Some('0'));
    }

    #[test]
    fn ocr_alphabetic_substitutions_are_reported() {
        let cases = [
            (1, 5, '0', 'O', Field::IssuingState),
            (1, 8, '1', 'I', Field::Name),
            (1, 10, '5', 'S', Field::Name),
            (2, 13, '0', 'O', Field::Nationality),
        ];
        for (line, col, found, read_as, field) in cases {
            let m = ok_owned(&with(&TD3, line, col, found));
            assert_eq!(
                m.substitutions,
                [Substitution {
                    line,
                    column: col,
                    field,
                    found,
                    read_as
                }]
            );
            assert!(m.all_checks_pass() && m.findings.is_empty(), "{m:#?}");
            assert_eq!(
                (m.issuing_state.as_str(), m.nationality.as_str()),
                ("UTO", "UTO")
            );
            assert_eq!(
                (m.surname.as_str(), m.given_names.as_str()),
                ("ERIKSSON", "ANNA MARIA")
            );
        }
        let berg = build_td3(&MrzFields {
            surname: "BERG".into(),
            ..fields()
        });
        let m = ok_owned(&with(&[&berg[0], &berg[1]], 1, 6, '8'));
        assert_eq!(m.surname, "BERG");
        assert_eq!(m.substitutions.len(), 1);
        assert_eq!(
            (m.substitutions[0].found, m.substitutions[0].read_as),
            ('8', 'B')
        );
        // Sex is alphabetic too: the reading is reported, and is still no sex.
        let m = ok_owned(&with(&TD3, 2, 21, '0'));
        assert_eq!(m.substitutions.len(), 1);
        assert_eq!(
            findings(&m),
            [(2, 21, Field::Sex, FindingKind::InvalidSex { found: '0' })]
        );
    }

    #[test]
    fn document_numbers_and_optional_data_are_never_substituted() {
        let f = MrzFields {
            document_number: "O0IL5SBZG".into(),
            optional_data: "OQD1ILZSBG".into(),
            ..fields()
        };
        let m = ok_owned(&build_td3(&f));
        assert!(m.is_clean(), "{m:#?}");
        assert_eq!(m.document_number, "O0IL5SBZG");
        assert_eq!(m.optional_data, "OQD1ILZSBG");
    }

    #[test]
    fn unreadable_characters_are_findings() {
        // Letter without OCR reading in a date: the check fails too.
        let m = ok_owned(&with(&TD3, 2, 15, 'X'));
        assert_eq!(
            findings(&m),
            [
                (2, 14, Field::BirthDate, FindingKind::InvalidDate),
                (
                    2,
                    15,
                    Field::BirthDate,
                    FindingKind::NonNumericCharacter { found: 'X' }
                ),
            ]
        );
        assert_eq!(failed(&m), [BirthDate, Composite]);
        // Letter in a check digit.
        let m = ok_owned(&with(&TD3, 2, 28, 'X'));
        assert_eq!(
            findings(&m),
            [(
                2,
                28,
                Field::ExpiryDateCheck,
                FindingKind::NonNumericCharacter { found: 'X' }
            )]
        );
        assert_eq!(
            m.check(ExpiryDate).map(|c| (c.printed, c.ok)),
            Some(('X', false))
        );
        // Digit without OCR reading in a name.
        let m = ok_owned(&with(&TD3, 1, 7, '3'));
        assert!(m.substitutions.is_empty());
        assert_eq!(
            findings(&m),
            [(
                1,
                7,
                Field::Name,
                FindingKind::NonAlphabeticCharacter { found: '3' }
            )]
        );
        assert_eq!(m.surname, "E3IKSSON");
    }

    // --- Dates ---------------------------------------------------------------------

    #[test]
    fn invalid_calendar_dates_are_findings() {
        let f = MrzFields {
            birth: "900230".into(),
            expiry: "251301".into(),
            ..fields()
        };
        let m = ok_owned(&build_td3(&f));
        assert!(m.all_checks_pass());
        assert_eq!(
            findings(&m),
            [
                (2, 14, Field::BirthDate, FindingKind::InvalidDate),
                (2, 22, Field::ExpiryDate, FindingKind::InvalidDate),
            ]
        );
        assert_eq!(m.birth.resolve_birth(ymd(2025, 1, 1)), None);
        // Unknown parts are allowed.
        let f = MrzFields {
            birth: "74<<<<".into(),
            ..fields()
        };
        let m = ok_owned(&build_td3(&f));
        assert!(m.is_clean(), "{m:#?}");
        assert!(!m.birth.is_complete());
        assert_eq!(m.birth.year(), Some(74));
        assert_eq!(m.birth.month(), None);

        let cases = [
            ("740812", true),
            ("900230", false),
            ("000229", true),
            ("040229", true),
            ("010229", false),
            ("991231", true),
            ("990431", false),
            ("991301", false),
            ("990001", false),
            ("990100", false),
            ("74<<<<", true),
            ("<<<<<<", true),
            ("7401<<", true),
            ("74<<31", true),
            ("74<<32", false),
            ("<<0229", true),
            ("7<0812", false),
            ("74O812", false),
        ];
        for (raw, valid) in cases {
            let date = RawDate::new(raw).unwrap();
            assert_eq!(date.is_valid(), valid, "{raw}");
            assert_eq!(date.to_string(), raw);
        }
        assert_eq!(RawDate::new("74081"), None);
        assert_eq!(RawDate::new("7408123"), None);
        assert_eq!(RawDate::new("abcdef"), None);
        assert_eq!(RawDate::new("7408é"), None);
    }

    #[test]
    fn century_resolution() {
        let d = |s: &str| RawDate::new(s).unwrap();
        let reference = ymd(2025, 6, 15);
        // Birth: the most recent century that is not in the future.
        assert_eq!(d("740812").resolve_birth(reference), Some(ymd(1974, 8, 12)));
        assert_eq!(d("250615").resolve_birth(reference), Some(ymd(2025, 6, 15)));
        assert_eq!(d("250616").resolve_birth(reference), Some(ymd(1925, 6, 16)));
        assert_eq!(d("000229").resolve_birth(reference), Some(ymd(2000, 2, 29)));
        assert_eq!(d("25<<<<").resolve_birth_year(reference), Some(2025));
        assert_eq!(d("2507<<").resolve_birth_year(reference), Some(1925));
        assert_eq!(d("26<<<<").resolve_birth_year(reference), Some(1926));
        assert_eq!(d("25<<<<").resolve_birth(reference), None);
        assert_eq!(d("<<<<<<").resolve_birth_year(reference), None);
        // 1900 was not a leap year.
        assert_eq!(d("000229").resolve_birth(ymd(1999, 1, 1)), None);
        // Expiry: within 50 years either side.
        assert_eq!(d("310501").resolve_expiry(reference), Some(ymd(2031, 5, 1)));
        assert_eq!(
            d("120415").resolve_expiry(reference),
            Some(ymd(2012, 4, 15))
        );
        assert_eq!(d("750101").resolve_expiry_year(reference), Some(2075));
        assert_eq!(d("760101").resolve_expiry_year(reference), Some(1976));
        assert_eq!(d("990101").resolve_expiry_year(reference), Some(1999));
        assert_eq!(d("100101").resolve_expiry_year(ymd(2080, 1, 1)), Some(2110));
        assert_eq!(d("300101").resolve_expiry_year(ymd(2080, 1, 1)), Some(2030));
        assert_eq!(d("990101").resolve_expiry_year(ymd(2001, 1, 1)), Some(1999));
        assert_eq!(d("900230").resolve_expiry(reference), None);
    }

    // --- Check digits --------------------------------------------------------------

    #[test]
    fn check_digit_helper() {
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("D23145890734"), Some(9));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(1));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("<<<<<<<<<"), Some(0));
        assert_eq!(check_digit("L898902c3"), None);
        assert_eq!(check_digit("74 812"), None);
        assert_eq!(check_digit("É"), None);
    }

    #[test]
    fn builders_reproduce_the_specimens() {
        assert_eq!(build_td3(&fields()), TD3.map(String::from));
        let td = MrzFields {
            document_code: "I".into(),
            document_number: "D23145890".into(),
            optional_data: String::new(),
            ..fields()
        };
        assert_eq!(build_td1(&td), TD1.map(String::from));
        assert_eq!(build_td2(&td), TD2.map(String::from));
        // Garbage in: sanitised, never a panic.
        let junk = MrzFields {
            document_code: "é".into(),
            surname: "o'brien-smith".into(),
            document_number: "x".repeat(100),
            birth: "🛂".into(),
            ..MrzFields::default()
        };
        for format in [Format::Td1, Format::Td2, Format::Td3] {
            let lines = build(format, &junk);
            assert!(parse_owned(&lines).is_ok(), "{lines:?}");
        }
        assert!(build_td3(&junk)[0].starts_with("<<<<<O<BRIEN<SMITH<<"));
    }

    // --- Property tests --------------------------------------------------------------

    fn words(min: usize, max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec("[A-Z]{1,6}", min..=max).prop_map(|w| w.join(" "))
    }

    fn date() -> impl Strategy<Value = String> {
        (0u8..100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
    }

    fn sex() -> impl Strategy<Value = Option<Sex>> {
        prop_oneof![Just(None), Just(Some(Sex::Male)), Just(Some(Sex::Female))]
    }

    fn fields_for(format: Format) -> impl Strategy<Value = (Format, MrzFields)> {
        // (longest document number, optional data width, visa optional width)
        let (max_doc, opt_len, visa_len) = match format {
            Format::Td1 => (23, 15usize, 15),
            Format::Td2 => (15, 7, 8),
            Format::Td3 => (9, 14, 16),
        };
        let doc = prop::string::string_regex(&format!("[A-Z0-9]{{1,{max_doc}}}")).unwrap();
        (
            "[ACIPV][A-Z]?",
            "[A-Z]{1,3}",
            words(1, 2),
            words(0, 2),
            doc,
            "[A-Z]{1,3}",
            date(),
            sex(),
            date(),
            "[A-Z0-9]{0,16}",
            "[A-Z0-9]{0,11}",
        )
            .prop_map(
                move |(
                    code,
                    state,
                    surname,
                    given,
                    mut doc,
                    nat,
                    birth,
                    sex,
                    expiry,
                    mut opt,
                    opt2,
                )| {
                    let visa = format != Format::Td1 && code.starts_with('V');
                    if visa {
                        doc.truncate(9);
                    }
                    let room = if visa {
                        visa_len
                    } else if doc.len() > 9 {
                        opt_len.saturating_sub(doc.len() - 9 + 2)
                    } else {
                        opt_len
                    };
                    opt.truncate(room);
                    let fields = MrzFields {
                        document_code: code,
                        issuing_state: state,
                        surname,
                        given_names: given,
                        document_number: doc,
                        nationality: nat,
                        birth,
                        sex,
                        expiry,
                        optional_data: opt,
                        optional_data_2: if format == Format::Td1 {
                            opt2
                        } else {
                            String::new()
                        },
                    };
                    (format, fields)
                },
            )
    }

    fn any_fields() -> impl Strategy<Value = (Format, MrzFields)> {
        prop_oneof![
            fields_for(Format::Td1),
            fields_for(Format::Td2),
            fields_for(Format::Td3)
        ]
    }

    fn expected_checks(format: Format, visa: bool) -> &'static [CheckedField] {
        match (format, visa) {
            (Format::Td1, _) => &TD12_CHECKS,
            (_, true) => &VISA_CHECKS,
            (Format::Td2, false) => &TD12_CHECKS,
            (Format::Td3, false) => &TD3_CHECKS,
        }
    }

    /// A position protected by check digits (0-based), with the check(s) that
    /// must fail when its value changes modulo 10.
    struct Target {
        line: usize,
        col: usize,
        numeric: bool,
        own: Option<CheckedField>,
        composite: bool,
    }

    fn add(
        targets: &mut Vec<Target>,
        (line, cols): (usize, std::ops::Range<usize>),
        numeric: bool,
        own: Option<CheckedField>,
        composite: bool,
    ) {
        targets.extend(cols.map(|col| Target {
            line,
            col,
            numeric,
            own,
            composite,
        }));
    }

    fn targets(format: Format, f: &MrzFields, visa: bool) -> Vec<Target> {
        let mut t = Vec::new();
        let cov = !visa;
        let long = !visa && format != Format::Td3 && f.document_number.len() > 9;
        let cont = f.document_number.len().saturating_sub(9);
        let optional = |t: &mut Vec<Target>, line: usize, start: usize, end: usize| {
            if long {
                add(
                    t,
                    (line, start..start + cont),
                    false,
                    Some(DocumentNumber),
                    true,
                );
                add(
                    t,
                    (line, start + cont..start + cont + 1),
                    true,
                    Some(DocumentNumber),
                    true,
                );
                add(t, (line, start + cont + 2..end), false, None, true);
            } else {
                add(t, (line, start..end), false, None, true);
            }
        };
        match format {
            Format::Td2 | Format::Td3 => {
                add(&mut t, (1, 0..9), false, Some(DocumentNumber), cov);
                if !long {
                    add(&mut t, (1, 9..10), true, Some(DocumentNumber), cov);
                }
                add(&mut t, (1, 13..20), true, Some(BirthDate), cov);
                add(&mut t, (1, 21..28), true, Some(ExpiryDate), cov);
                if !visa {
                    if format == Format::Td3 {
                        add(&mut t, (1, 28..43), false, Some(OptionalData), true);
                        t.last_mut().unwrap().numeric = true;
                        add(&mut t, (1, 43..44), true, Some(Composite), false);
                    } else {
                        optional(&mut t, 1, 28, 35);
                        add(&mut t, (1, 35..36), true, Some(Composite), false);
                    }
                }
            }
            Format::Td1 => {
                add(&mut t, (0, 5..14), false, Some(DocumentNumber), true);
                if !long {
                    add(&mut t, (0, 14..15), true, Some(DocumentNumber), true);
                }
                optional(&mut t, 0, 15, 30);
                add(&mut t, (1, 0..7), true, Some(BirthDate), true);
                add(&mut t, (1, 8..15), true, Some(ExpiryDate), true);
                add(&mut t, (1, 18..29), false, None, true);
                add(&mut t, (1, 29..30), true, Some(Composite), false);
            }
        }
        t
    }

    fn value(c: char) -> u32 {
        char_value(c as u8).unwrap()
    }

    const MIXED: &[char] = &[
        '<', '<', '<', '<', '<', '<', 'A', 'E', 'M', 'F', 'V', 'P', 'I', 'X', 'O', 'Q', 'D', 'L',
        'Z', 'S', 'B', 'G', '0', '1', '2', '3', '5', '8', '9',
    ];

    fn alphabet_line(len: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(MIXED), len).prop_map(String::from_iter)
    }

    proptest! {
        #[test]
        fn built_mrz_parses_back_with_every_check_passing((format, f) in any_fields()) {
            let lines = build(format, &f);
            let m = parse_owned(&lines).unwrap();
            prop_assert_eq!(m.format, format);
            prop_assert!(m.is_clean(), "{:?}\n{:#?}", lines, m);
            prop_assert_eq!(check_fields(&m), expected_checks(format, m.is_visa()));
            prop_assert_eq!(m.long_document_number, !m.is_visa() && format != Format::Td3 && f.document_number.len() > 9);
            prop_assert_eq!(m.fields(), f);
        }

        #[test]
        fn changing_a_protected_character_fails_the_right_checks(
            (format, f) in any_fields(),
            pick in any::<Index>(),
            replacement in any::<Index>(),
        ) {
            let lines = build(format, &f);
            let visa = format != Format::Td1 && f.document_code.starts_with('V');
            let targets = targets(format, &f, visa);
            let target = pick.get(&targets);
            let original = lines[target.line].as_bytes()[target.col] as char;
            let alphabet: &[char] = if target.numeric {
                &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
            } else {
                &[
                    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
                    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '0', '1', '2', '3',
                    '4', '5', '6', '7', '8', '9',
                ]
            };
            // Same value modulo 10 (e.g. `0`, `<`, `A`, `K`, `U`) passes by design.
            let candidates: Vec<char> = alphabet
                .iter()
                .copied()
                .filter(|&c| value(c) % 10 != value(original) % 10)
                .collect();
            let c = *replacement.get(&candidates);
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let mutated = with(&refs, target.line + 1, target.col + 1, c);
            let m = parse_owned(&mutated).unwrap();
            let mut expected = Vec::new();
            expected.extend(target.own);
            if target.composite && !visa {
                expected.push(Composite);
            }
            prop_assert_eq!(failed(&m), expected, "{:?} -> {:?}", lines, mutated);
        }

        #[test]
        fn arbitrary_input_never_panics(lines in prop::collection::vec(".{0,50}", 0..5)) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let _ = parse(&refs);
        }

        #[test]
        fn near_miss_input_never_panics(
            lines in prop::collection::vec(
                prop_oneof![
                    alphabet_line(30),
                    alphabet_line(36),
                    alphabet_line(44),
                    "[A-Z0-9<a-zé🛂\\x00\\r ]{28,46}",
                ],
                1..4,
            )
        ) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let _ = parse(&refs);
        }

        #[test]
        fn any_well_shaped_mrz_parses(lines in prop_oneof![
            prop::collection::vec(alphabet_line(30), 3),
            prop::collection::vec(alphabet_line(36), 2),
            prop::collection::vec(alphabet_line(44), 2),
        ]) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let m = parse(&refs).unwrap();
            let reference = ymd(2025, 6, 15);
            let _ = (m.birth.resolve_birth(reference), m.expiry.resolve_expiry(reference));
            let _ = (m.fields(), m.is_visa(), m.sex_code());
            prop_assert!(m.checks.len() >= 3);
            for f in &m.findings {
                prop_assert!(f.line >= 1 && f.line <= 3 && f.column >= 1 && f.column <= 44);
            }
            prop_assert!(m.findings.windows(2).all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column)));
        }
    }

    /// `cargo test --release -- --ignored --nocapture bench`
    #[test]
    #[ignore = "timing, run in release mode"]
    fn bench_parse() {
        use std::hint::black_box;
        use std::time::Instant;
        // On-CPU time of this thread (Linux), so that a loaded machine does not
        // inflate the figure; falls back to wall time elsewhere.
        fn cpu_ns() -> Option<u128> {
            let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
            stat.split_whitespace().next()?.parse().ok()
        }
        let inputs: [&[&str]; 3] = [&TD3, &TD1, &TD2];
        let n = 300_000;
        let (wall, cpu) = (Instant::now(), cpu_ns());
        for i in 0..n {
            let m = parse(black_box(inputs[i % 3])).unwrap();
            black_box(m);
        }
        let wall = wall.elapsed().as_nanos() / n as u128;
        let cpu = cpu.zip(cpu_ns()).map(|(a, b)| (b - a) / n as u128);
        println!("parse + checks: {wall} ns wall, {cpu:?} ns on CPU per document");
    }
}
