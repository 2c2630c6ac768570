//! Country codes: ISO 3166-1 alpha-2 for everything the applicant declares, ICAO 9303 codes for documents.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::{Serialize, Serializer};

use super::calling_code_table::CALLING_CODES;
use super::country_table::{COUNTRIES, USER_ASSIGNED};

/// An assigned ISO 3166-1 alpha-2 code (plus `XK`, the user-assigned code in general use for Kosovo).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    pub fn parse(code: &str) -> Option<Country> {
        let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
        if COUNTRIES.binary_search_by(|(a2, ..)| a2.cmp(&code)).is_ok()
            || USER_ASSIGNED.iter().any(|(a2, _)| *a2 == code)
        {
            Some(Country(bytes))
        } else {
            None
        }
    }

    fn from_alpha3(code: &str) -> Option<Country> {
        COUNTRIES
            .iter()
            .find(|(_, a3, ..)| *a3 == code)
            .and_then(|(a2, ..)| Country::parse(a2))
    }

    /// A country by its English name or another name it goes by, as sanctions lists publish them
    /// (`Korea, North`, `Democratic People's Republic of Korea`, `Russian Federation`, `Burma`,
    /// `Region: Crimea`, `UK`): case, accents, punctuation and a leading `the` do not matter, nor do
    /// the lists' qualifiers `possibly` and `Region:`; of several sentences (`Cabo Verde.
    /// Previously Cape Verde.`) the first names the country. `None` for a name of no current
    /// country (`Netherlands Antilles`, `Yugoslavia`, `undetermined`).
    pub fn named(name: &str) -> Option<Country> {
        static BY_NAME: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
            let countries = COUNTRIES.iter().flat_map(|(a2, _, name, aliases)| {
                std::iter::once(name)
                    .chain(aliases.iter())
                    .map(move |n| (n, a2))
            });
            let user_assigned = USER_ASSIGNED.iter().map(|(a2, name)| (name, a2));
            countries
                .chain(user_assigned)
                .map(|(name, a2)| (name_key(name), *a2))
                .collect()
        });
        let mut key = name_key(name);
        for qualifier in ["possibly ", "region "] {
            if let Some(rest) = key.strip_prefix(qualifier) {
                key = rest.to_string();
            }
        }
        if key.is_empty() {
            return None;
        }
        if let Some(a2) = BY_NAME.get(&key) {
            return Country::parse(a2);
        }
        let (first, _) = name.split_once(". ")?;
        Country::named(first)
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII table entries.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country's telephone calling code and national trunk prefix (`KR` → `(82, "0")`, `IT` →
    /// `(39, "")`), where it has a numbering plan.
    pub fn calling_code(&self) -> Option<(u16, &'static str)> {
        let code = self.as_str();
        CALLING_CODES
            .binary_search_by(|(a2, ..)| a2.cmp(&code))
            .ok()
            .map(|i| (CALLING_CODES[i].1, CALLING_CODES[i].2))
    }

    pub fn name(&self) -> &'static str {
        let code = self.as_str();
        match COUNTRIES.binary_search_by(|(a2, ..)| a2.cmp(&code)) {
            Ok(i) => COUNTRIES[i].2,
            Err(_) => USER_ASSIGNED
                .iter()
                .find(|(a2, _)| *a2 == code)
                .map_or("unknown", |(_, name)| name),
        }
    }
}

/// A country name as a lookup key: lower case, ASCII letters and digits only, single spaces, no
/// leading "the".
fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    match out.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// ICAO 9303 codes that are not ISO 3166-1 alpha-3 countries (Doc 9303 part 3, section 5).
const ICAO_SPECIAL: &[(&str, Option<&str>)] = &[
    ("D", Some("DE")),
    ("GBD", Some("GB")),
    ("GBN", Some("GB")),
    ("GBO", Some("GB")),
    ("GBP", Some("GB")),
    ("GBS", Some("GB")),
    ("RKS", Some("XK")),
    ("EUE", None),
    ("UNA", None),
    ("UNK", Some("XK")),
    ("UNO", None),
    ("XBA", None),
    ("XCC", None),
    ("XCE", None),
    ("XCO", None),
    ("XDC", None),
    ("XEC", None),
    ("XES", None),
    ("XIM", None),
    ("XMP", None),
    ("XOM", None),
    ("XPO", None),
    ("XXA", None),
    ("XXB", None),
    ("XXC", None),
    ("XXX", None),
];

/// A document's issuing state or holder nationality as the document prints it. Compared with the
/// applicant's alpha-2 fields only through [`IcaoCode::country`], never as strings.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IcaoCode {
    code: String,
    country: Option<Country>,
}

impl IcaoCode {
    /// Accepts an assigned alpha-2 code, an assigned alpha-3 code or an ICAO special code.
    pub fn parse(code: &str) -> Option<IcaoCode> {
        let country = match code.len() {
            2 => Some(Country::parse(code)?),
            1 | 3 => match ICAO_SPECIAL.iter().find(|(c, _)| *c == code) {
                Some((_, mapped)) => mapped.and_then(Country::parse),
                None if code.len() == 3 => Some(Country::from_alpha3(code)?),
                None => return None,
            },
            _ => return None,
        };
        Some(IcaoCode {
            code: code.to_owned(),
            country,
        })
    }

    /// The country the code stands for; `None` for organisations and stateless or refugee codes.
    pub fn country(&self) -> Option<Country> {
        self.country
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl fmt::Debug for IcaoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_alpha2_codes_parse_and_unassigned_ones_do_not() {
        assert_eq!(
            Country::parse("US").map(|c| c.name()),
            Some("United States")
        );
        assert!(Country::parse("KP").is_some());
        assert!(
            Country::parse("XK").is_some(),
            "Kosovo's user-assigned code is accepted"
        );
        for bad in ["ZZ", "AA", "us", "USA", "", "U"] {
            assert!(Country::parse(bad).is_none(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn calling_codes_are_sorted_known_countries_with_their_trunk_prefixes() {
        assert!(CALLING_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        for (a2, code, trunk) in CALLING_CODES {
            assert!(Country::parse(a2).is_some(), "{a2}");
            assert!((1..=999).contains(code), "{a2}");
            assert!(trunk.bytes().all(|b| b.is_ascii_digit()), "{a2}");
        }
        let plan = |a2: &str| Country::parse(a2).unwrap().calling_code();
        assert_eq!(plan("KR"), Some((82, "0")));
        assert_eq!(plan("US"), Some((1, "1")));
        assert_eq!(
            plan("IT"),
            Some((39, "")),
            "Italy dials its leading 0 from abroad"
        );
        assert_eq!(plan("RU"), Some((7, "8")));
        assert_eq!(plan("XK"), Some((383, "0")));
        assert_eq!(plan("AQ"), None);
    }

    #[test]
    fn icao_codes_map_to_alpha2_including_special_codes() {
        let cases = [
            ("USA", Some("US")),
            ("D", Some("DE")),
            ("GBD", Some("GB")),
            ("PRK", Some("KP")),
            ("KOR", Some("KR")),
            ("JP", Some("JP")),
            ("UNO", None),
            ("XXA", None),
        ];
        for (code, want) in cases {
            let parsed = IcaoCode::parse(code).unwrap_or_else(|| panic!("{code} should parse"));
            assert_eq!(
                parsed.country().map(|c| c.as_str().to_owned()).as_deref(),
                want,
                "{code}"
            );
        }
        for bad in ["ZZZ", "DE1", "X", "DEUT"] {
            assert!(IcaoCode::parse(bad).is_none(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn countries_are_found_by_their_names_and_aliases() {
        let named = |name: &str| Country::named(name).map(|c| c.as_str().to_owned());
        for (name, want) in [
            ("Korea, North", "KP"),
            ("Democratic People’s Republic of Korea", "KP"),
            ("D.P.R.K.", "KP"),
            ("Republic of Korea", "KR"),
            ("Burma", "MM"),
            ("Cote d Ivoire", "CI"),
            ("Côte d’Ivoire", "CI"),
            ("The Gambia", "GM"),
            ("Türkiye", "TR"),
            ("Kosovo", "XK"),
            ("UK", "GB"),
        ] {
            assert_eq!(named(name).as_deref(), Some(want), "{name}");
        }
        for (name, want) in [
            ("possibly Palestinian", "PS"),
            ("Region: Crimea", "UA"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("Cabo Verde.  Previously Cape Verde.", "CV"),
        ] {
            assert_eq!(named(name).as_deref(), Some(want), "{name}");
        }
        for nothing in [
            "Netherlands Antilles",
            "Yugoslavia",
            "undetermined",
            "possibly",
            "",
        ] {
            assert_eq!(named(nothing), None, "{nothing}");
        }
        // Every name in the table finds its own row, and no two rows share a name.
        let mut seen = HashMap::new();
        for (a2, _, name, aliases) in COUNTRIES {
            for n in std::iter::once(name).chain(aliases.iter()) {
                assert_eq!(named(n).as_deref(), Some(*a2), "{n}");
                assert_eq!(seen.insert(name_key(n), a2), None, "{n} is listed twice");
            }
        }
    }

    #[test]
    fn country_table_matches_debian_iso_codes() {
        let Ok(text) = std::fs::read_to_string("/usr/share/iso-codes/json/iso_3166-1.json") else {
            return; // iso-codes not installed: nothing to compare against
        };
        let json: serde_json::Value = serde_json::from_str(&text).expect("iso-codes json");
        let mut codes: Vec<(String, String)> = json["3166-1"]
            .as_array()
            .expect("array")
            .iter()
            .map(|c| {
                (
                    c["alpha_2"].as_str().unwrap().to_owned(),
                    c["alpha_3"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        codes.sort();
        let ours: Vec<(String, String)> = COUNTRIES
            .iter()
            .map(|(a2, a3, ..)| (a2.to_string(), a3.to_string()))
            .collect();
        assert_eq!(
            ours, codes,
            "regenerate src/model/country_table.rs from iso-codes"
        );
    }
}
