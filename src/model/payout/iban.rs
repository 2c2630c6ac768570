//! IBAN: ISO 13616. Written here rather than taken from `iban_validate`: that crate also holds each
//! registry country's BBAN to its published pattern, knows neither the countries outside the
//! registry whose banks issue IBANs nor the territories written under their own code, accepts
//! check digits 99, and its errors do not say which length a country expects; taking it would
//! change which IBANs pass and what a signal's evidence says. The checksum itself (ISO 7064 mod
//! 97-10) is a fold.

use std::fmt;
use std::str::FromStr;

use crate::model::Country;

/// IBAN length per country, SWIFT IBAN Registry (89 countries, as of release 99, 2025).
const REGISTRY: &[(&str, u8)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// Countries whose banks issue IBANs outside the registry (the "partial" or "experimental" list
/// validators carry, after Nordea's and the ECBS's); where sources give different lengths, each
/// is accepted, the first being the one reported.
const PARTIAL: &[(&str, &[u8])] = &[
    ("AO", &[25]),
    ("BF", &[28, 27]),
    ("BJ", &[28]),
    ("CF", &[27]),
    ("CG", &[27]),
    ("CI", &[28]),
    ("CM", &[27]),
    ("CV", &[25]),
    ("DZ", &[26, 24]),
    ("GA", &[27]),
    ("GQ", &[27]),
    ("GW", &[25]),
    ("IR", &[26]),
    ("KM", &[27]),
    ("MA", &[28, 24]),
    ("MG", &[27]),
    ("ML", &[28]),
    ("MZ", &[25]),
    ("NE", &[28]),
    ("SN", &[28]),
    ("TD", &[27]),
    ("TG", &[28]),
];

/// The country whose IBAN format a prefix is written in: its own, or for a territory the registry
/// lists under France, the United Kingdom or Finland (its IBANs start `FR`, `GB`, `FI`, though some
/// banks and validators write the territory's own code) that country. Other territories (the Faroe
/// Islands and Greenland, which have their own entries; Svalbard; the US territories) are not
/// folded.
fn iban_country(prefix: &str) -> &str {
    match super::banking_parent(prefix) {
        Some(parent @ ("FR" | "GB" | "FI")) => parent,
        _ => prefix,
    }
}

/// The lengths an IBAN of this prefix may have, the usual one first.
fn lengths_for(prefix: &str) -> Option<Vec<u8>> {
    let prefix = iban_country(prefix);
    REGISTRY
        .iter()
        .find(|(c, _)| *c == prefix)
        .map(|(_, n)| vec![*n])
        .or_else(|| {
            PARTIAL
                .iter()
                .find(|(c, _)| *c == prefix)
                .map(|(_, n)| n.to_vec())
        })
}

/// A valid IBAN, in machine form (no spaces, upper case). Parsed from the text people write
/// ([`FromStr`]: spaces and lower case allowed). Its `Debug` shows only the country: the number is
/// PII and is never logged or quoted.
#[derive(Clone, PartialEq, Eq)]
pub struct Iban {
    country: Country,
    text: String,
}

impl Iban {
    /// The country of its prefix (a territory's own code where the IBAN is written with it).
    pub fn country(&self) -> Country {
        self.country
    }

    /// The two letters it starts with.
    pub fn prefix(&self) -> &str {
        &self.text[..2]
    }

    /// The account part after the prefix and check digits (it starts with the bank's code).
    pub fn bban(&self) -> &str {
        &self.text[4..]
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({}…)", self.prefix())
    }
}

/// What is wrong with an IBAN, first failing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanReason {
    Characters,
    UnknownCountry,
    Length,
    CheckDigits,
    Checksum,
}

impl IbanReason {
    /// The code a signal's evidence gives.
    pub fn code(self) -> &'static str {
        match self {
            IbanReason::Characters => "characters",
            IbanReason::UnknownCountry => "unknown_country",
            IbanReason::Length => "length",
            IbanReason::CheckDigits => "check_digits",
            IbanReason::Checksum => "checksum",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            IbanReason::Characters => "characters other than letters and digits",
            IbanReason::UnknownCountry => "no country issues IBANs with that prefix",
            IbanReason::Length => "wrong length for its country",
            IbanReason::CheckDigits => "check digits out of range",
            IbanReason::Checksum => "its check digits do not match (ISO 7064 mod 97-10)",
        }
    }
}

/// Why a text is not an IBAN, with what may be said about it: nothing of the number but its prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid IBAN: {}", .reason.describe())]
pub struct InvalidIban {
    /// The prefix, when it is two letters.
    pub country: Option<String>,
    pub expected_length: Option<u8>,
    pub length: usize,
    pub reason: IbanReason,
}

/// ISO 7064 mod 97-10 over the IBAN with its first four characters moved to the end, letters read
/// as 10–35: a valid IBAN leaves 1.
fn mod97(text: &str) -> u32 {
    let rotated = text.bytes().skip(4).chain(text.bytes().take(4));
    rotated.fold(0u32, |rem, b| match b {
        b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
        _ => (rem * 100 + u32::from(b - b'A') + 10) % 97,
    })
}

impl FromStr for Iban {
    type Err = InvalidIban;

    /// Reads an IBAN as people write it (spaces, lower case) and checks it.
    fn from_str(input: &str) -> Result<Iban, InvalidIban> {
        let text = super::machine_form(input);
        let length = text.chars().count();
        let prefix = text
            .get(..2)
            .filter(|p| p.bytes().all(|b| b.is_ascii_uppercase()));
        let invalid = |reason, expected_length| InvalidIban {
            country: prefix.map(str::to_owned),
            expected_length,
            length,
            reason,
        };
        if length < 5 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(IbanReason::Characters, None));
        }
        let (Some(prefix), Some(lengths)) = (prefix, prefix.and_then(lengths_for)) else {
            return Err(invalid(IbanReason::UnknownCountry, None));
        };
        if !lengths.iter().any(|&n| usize::from(n) == length) {
            return Err(invalid(IbanReason::Length, lengths.first().copied()));
        }
        let expected = u8::try_from(length).ok();
        // 00, 01 and 99 are congruent to valid values but never issued (ISO 13616-1).
        if !text[2..4].bytes().all(|b| b.is_ascii_digit())
            || matches!(&text[2..4], "00" | "01" | "99")
        {
            return Err(invalid(IbanReason::CheckDigits, expected));
        }
        if mod97(&text) != 1 {
            return Err(invalid(IbanReason::Checksum, expected));
        }
        let country =
            Country::parse(prefix).ok_or_else(|| invalid(IbanReason::UnknownCountry, None))?;
        Ok(Iban { country, text })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn iban_reason(s: &str) -> Option<IbanReason> {
        s.parse::<Iban>().err().map(|e| e.reason)
    }

    #[test]
    fn published_ibans_validate() {
        for valid in [
            "DE89 3704 0044 0532 0130 00",
            "GB29 NWBK 6016 1331 9268 19",
            "FR14 2004 1010 0505 0001 3M02 606",
            "BE68 5390 0754 7034",
            "NL91ABNA0417164300",
            "CH93 0076 2011 6238 5295 7",
            "NO93 8601 1117 947",
            "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
            "AE07 0331 2345 6789 0123 456",
            "BR18 0036 0305 0000 1000 9795 493C 1",
            "de89370400440532013000",
        ] {
            assert_eq!(iban_reason(valid), None, "{valid}");
        }
    }

    #[test]
    fn broken_ibans_say_why_and_report_only_the_country() {
        let cases = [
            ("DE89 3704 0044 0532 0130 01", IbanReason::Checksum),
            ("DE98 3704 0044 0532 0130 00", IbanReason::Checksum),
            ("DE89 3704 0044 0532 0130 0", IbanReason::Length),
            ("DE89 3704 0044 0532 0130 000", IbanReason::Length),
            ("US12 3456 7890 1234 5678 90", IbanReason::UnknownCountry),
            ("KP12 3456 7890 1234", IbanReason::UnknownCountry),
            ("1289 3704 0044 0532 0130 00", IbanReason::UnknownCountry),
            ("DE89-3704-0044-0532-0130-00", IbanReason::Characters),
            ("DE", IbanReason::Characters),
            ("DEAB 3704 0044 0532 0130 00", IbanReason::CheckDigits),
        ];
        for (input, want) in cases {
            assert_eq!(iban_reason(input), Some(want), "{input}");
        }
        let e = "DE89 3704 0044 0532 0130 0".parse::<Iban>().unwrap_err();
        assert_eq!(
            (e.country.as_deref(), e.expected_length, e.length),
            (Some("DE"), Some(22), 21)
        );
    }

    #[test]
    fn check_digits_00_01_and_99_are_refused_even_when_congruent() {
        // Build BBANs whose true check digits are 97, 98 and 02, then write them as 00, 01, 99.
        let mut seen = BTreeSet::new();
        for n in 0u64..5000 {
            let bban = format!("37040044{n:010}");
            let digits = 98 - mod97(&format!("DE00{bban}")) % 97;
            let alias = match digits {
                97 => "00",
                98 => "01",
                2 => "99",
                _ => continue,
            };
            seen.insert(alias);
            assert_eq!(iban_reason(&format!("DE{digits:02}{bban}")), None);
            assert_eq!(
                iban_reason(&format!("DE{alias}{bban}")),
                Some(IbanReason::CheckDigits)
            );
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn the_length_table_covers_the_registry_and_partial_countries() {
        assert_eq!(REGISTRY.len(), 89);
        // The territories written under their parent's IBAN format.
        let territories: Vec<&str> = super::super::BANKING_PARENTS
            .iter()
            .filter(|(t, _)| iban_country(t) != *t)
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(territories.len(), 16);
        let mut codes: Vec<&str> = REGISTRY.iter().map(|(c, _)| *c).collect();
        codes.extend(PARTIAL.iter().map(|(c, _)| *c));
        codes.extend(territories.iter().copied());
        let unique: BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(unique.len(), codes.len(), "a country is listed twice");
        for c in codes {
            assert!(
                Country::parse(c).is_some(),
                "{c} is not an assigned country"
            );
            let lengths = lengths_for(c).unwrap();
            assert!(lengths.iter().all(|n| (15..=34).contains(n)), "{c}");
        }
        assert_eq!(lengths_for("GP"), Some(vec![27]));
        assert_eq!(lengths_for("US"), None);
    }

    fn with_check_digits(country: &str, bban: &str) -> String {
        let digits = 98 - mod97(&format!("{country}00{bban}")) % 97;
        format!("{country}{digits:02}{bban}")
    }

    proptest! {
        #[test]
        fn any_correctly_built_iban_of_every_registry_country_validates(
            seed in proptest::collection::vec(0u8..36, 40),
        ) {
            for (country, len) in REGISTRY {
                let bban: String = seed[..usize::from(*len) - 4]
                    .iter()
                    .map(|&d| char::from_digit(u32::from(d), 36).unwrap().to_ascii_uppercase())
                    .collect();
                let text = with_check_digits(country, &bban);
                prop_assert!(text.parse::<Iban>().is_ok(), "{}", text);
                // A space every four characters and lower case read the same.
                let spaced: String = text
                    .to_ascii_lowercase()
                    .chars()
                    .enumerate()
                    .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
                    .collect();
                prop_assert!(spaced.parse::<Iban>().is_ok(), "{}", spaced);
            }
        }

        #[test]
        fn one_changed_or_swapped_character_is_always_caught(
            digits in proptest::collection::vec(0u32..10, 18),
            position in 0usize..20,
            replacement in 0u32..10,
        ) {
            let bban: String = digits.iter().map(|&d| char::from_digit(d, 10).unwrap()).collect();
            let valid = with_check_digits("DE", &bban);
            let mut bytes = valid.clone().into_bytes();
            let i = 2 + position; // check digits and BBAN, not the country
            let new = char::from_digit(replacement, 10).unwrap() as u8;
            prop_assume!(bytes[i] != new);
            bytes[i] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(changed.parse::<Iban>().is_err(), "{} -> {}", valid, changed);

            let mut bytes = valid.clone().into_bytes();
            let i = 2 + position.min(18);
            prop_assume!(bytes[i] != bytes[i + 1]);
            bytes.swap(i, i + 1);
            let swapped = String::from_utf8(bytes).unwrap();
            prop_assert!(swapped.parse::<Iban>().is_err(), "{} -> {}", valid, swapped);
        }
    }

    #[test]
    fn a_parsed_iban_gives_its_parts_and_never_prints_its_number() {
        let iban: Iban = "gb29 nwbk 6016 1331 9268 19".parse().unwrap();
        assert_eq!(iban.country().as_str(), "GB");
        assert_eq!((iban.prefix(), iban.bban()), ("GB", "NWBK60161331926819"));
        assert_eq!(format!("{iban:?}"), "Iban(GB…)");
        // A territory's own code reads in its parent's format and keeps its own country.
        let reunion: Iban = with_check_digits("RE", "20041010050500013M02606")
            .parse()
            .unwrap();
        assert_eq!(reunion.country().as_str(), "RE");
        let e = "DE89 3704 0044 0532 0130 01".parse::<Iban>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a valid IBAN: its check digits do not match (ISO 7064 mod 97-10)"
        );
        assert!(!format!("{e:?}").contains("370400440532013001"));
    }
}
