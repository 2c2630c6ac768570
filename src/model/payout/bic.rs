//! BIC: ISO 9362. Its shape and its country code are all a BIC shows without SWIFT's directory;
//! no crate checks more than this, so it is written here.

use std::str::FromStr;

use crate::model::Country;

/// A well-formed BIC: 4 letters of bank code, the 2 letters of an assigned country, 2 characters
/// of location, optionally 3 of branch. Parsed from the text people write ([`FromStr`]: spaces and
/// lower case allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bic {
    text: String,
    country: Country,
}

impl Bic {
    /// The bank's four-letter code (`DEUT`, `TRWI`).
    pub fn bank_code(&self) -> &str {
        &self.text[..4]
    }

    pub fn country(&self) -> Country {
        self.country
    }
}

/// What is wrong with a BIC, first failing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BicReason {
    Characters,
    Length,
    BankCode,
    Country,
}

impl BicReason {
    /// The code a signal's evidence gives.
    pub fn code(self) -> &'static str {
        match self {
            BicReason::Characters => "characters",
            BicReason::Length => "length",
            BicReason::BankCode => "bank_code",
            BicReason::Country => "country",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            BicReason::Characters => "characters other than letters and digits",
            BicReason::Length => "not 8 or 11 characters",
            BicReason::BankCode => "its first four characters are not letters",
            BicReason::Country => "characters 5–6 are not an assigned country code",
        }
    }
}

/// Why a text is not a BIC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid BIC: {}", .reason.describe())]
pub struct InvalidBic {
    /// Characters 5–6, when they are two letters.
    pub country: Option<String>,
    pub length: usize,
    pub reason: BicReason,
}

impl FromStr for Bic {
    type Err = InvalidBic;

    /// Reads a BIC as people write it (spaces, lower case) and checks its shape.
    fn from_str(input: &str) -> Result<Bic, InvalidBic> {
        let text = super::machine_form(input);
        let length = text.chars().count();
        let country = text
            .get(4..6)
            .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()));
        let invalid = |reason| InvalidBic {
            country: country.map(str::to_owned),
            length,
            reason,
        };
        if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(BicReason::Characters));
        }
        if length != 8 && length != 11 {
            return Err(invalid(BicReason::Length));
        }
        if !text[..4].bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(BicReason::BankCode));
        }
        let country = country
            .and_then(Country::parse)
            .ok_or_else(|| invalid(BicReason::Country))?;
        Ok(Bic { text, country })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn bics_are_checked_for_shape_and_country() {
        for valid in [
            "DEUTDEFF",
            "DEUTDEFF500",
            "NWBKGB2L",
            "TRWIBEB1XXX",
            "REVOLT21",
            "NTSBDEB1",
            "BNPARERX",
            "FTBDKPPY",
            "deut de ff",
        ] {
            assert!(valid.parse::<Bic>().is_ok(), "{valid}");
        }
        for (invalid, want) in [
            ("DEUTDEF", BicReason::Length),
            ("DEUTDEFF50", BicReason::Length),
            ("DEUTDEFF5000", BicReason::Length),
            ("D3UTDEFF", BicReason::BankCode),
            ("DEUT1EFF", BicReason::Country),
            ("DEUTZZFF", BicReason::Country),
            ("DEUT-DEFF", BicReason::Characters),
            ("DEUTDÉFF", BicReason::Characters),
        ] {
            assert_eq!(
                invalid.parse::<Bic>().err().map(|e| e.reason),
                Some(want),
                "{invalid}"
            );
        }
        assert_eq!(
            "DEUTZZFF".parse::<Bic>().unwrap_err().country.as_deref(),
            Some("ZZ")
        );
    }

    proptest! {
        #[test]
        fn every_assigned_country_makes_a_valid_bic_and_digits_never_do(
            bank in "[A-Z]{4}",
            country in "[A-Z]{2}",
            location in "[A-Z0-9]{2}",
            branch in proptest::option::of("[A-Z0-9]{3}"),
            digit in 0u32..10,
        ) {
            let tail = format!("{location}{}", branch.clone().unwrap_or_default());
            let result = format!("{bank}{country}{tail}").parse::<Bic>();
            prop_assert_eq!(result.is_ok(), Country::parse(&country).is_some());
            let d = char::from_digit(digit, 10).unwrap();
            let digit_in_country = format!("{bank}{d}{}{tail}", &country[1..]);
            let digit_in_bank = format!("{d}{}{country}{tail}", &bank[1..]);
            prop_assert!(digit_in_country.parse::<Bic>().is_err());
            prop_assert!(digit_in_bank.parse::<Bic>().is_err());
        }
    }

    #[test]
    fn a_parsed_bic_gives_its_bank_code_and_country() {
        let bic: Bic = "trwi be b1 xxx".parse().unwrap();
        assert_eq!((bic.bank_code(), bic.country().as_str()), ("TRWI", "BE"));
        let e = "DEUT1EFF".parse::<Bic>().unwrap_err();
        assert_eq!((e.country, e.length, e.reason.code()), (None, 8, "country"));
        assert_eq!(
            "DEUTDEF".parse::<Bic>().unwrap_err().to_string(),
            "not a valid BIC: not 8 or 11 characters"
        );
    }
}
