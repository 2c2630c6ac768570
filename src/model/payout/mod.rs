//! The identifiers of a payout account as value types, each parsed once from the text the platform
//! sent and checked as far as its format allows: [`Iban`] (ISO 13616, registry lengths and the ISO
//! 7064 checksum), [`Bic`] (ISO 9362 shape and country), [`CryptoAsset`] (what a `crypto_asset`
//! label names) and [`CryptoAddress`] (an address well formed for its chain). A failed parse is a
//! typed error that says why and quotes nothing of the identifier beyond a country code: account
//! identifiers are PII. The payout check turns the errors into signals.

mod bic;
mod crypto;
mod iban;

pub use bic::{Bic, BicReason, InvalidBic};
pub use crypto::{Chain, CryptoAddress, CryptoAsset, InvalidAddress, normalise_crypto};
pub use iban::{Iban, IbanReason, InvalidIban};

use super::Country;

/// Territories whose people bank with the banks of another country, and that country: the French
/// overseas departments and collectivities and the Crown Dependencies (whose IBANs start `FR` and
/// `GB` while their BICs carry their own code), Åland, the US territories (US routing numbers),
/// the Faroe Islands and Greenland, Svalbard.
const BANKING_PARENTS: &[(&str, &str)] = &[
    ("AS", "US"),
    ("AX", "FI"),
    ("BL", "FR"),
    ("FO", "DK"),
    ("GF", "FR"),
    ("GG", "GB"),
    ("GL", "DK"),
    ("GP", "FR"),
    ("GU", "US"),
    ("IM", "GB"),
    ("JE", "GB"),
    ("MF", "FR"),
    ("MP", "US"),
    ("MQ", "FR"),
    ("NC", "FR"),
    ("PF", "FR"),
    ("PM", "FR"),
    ("PR", "US"),
    ("RE", "FR"),
    ("SJ", "NO"),
    ("TF", "FR"),
    ("UM", "US"),
    ("VI", "US"),
    ("WF", "FR"),
    ("YT", "FR"),
];

/// An identifier as machines write it: whitespace removed, letters in upper case (people write
/// IBANs and BICs in groups of four and in either case).
fn machine_form(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn banking_parent(code: &str) -> Option<&'static str> {
    BANKING_PARENTS
        .iter()
        .find(|(territory, _)| *territory == code)
        .map(|(_, parent)| *parent)
}

/// The country whose banks serve `country`'s people: a territory's parent, else the country
/// itself. Bank countries are compared after this, so that a Réunion BIC on a French IBAN is one
/// country.
pub fn banking_country(country: Country) -> Country {
    banking_parent(country.as_str())
        .and_then(Country::parse)
        .unwrap_or(country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territories_fold_into_the_country_that_banks_them() {
        let folded = |c: &str| {
            banking_country(Country::parse(c).unwrap())
                .as_str()
                .to_owned()
        };
        for (territory, parent) in [("RE", "FR"), ("JE", "GB"), ("AX", "FI"), ("PR", "US")] {
            assert_eq!(folded(territory), parent);
        }
        assert_eq!(folded("DE"), "DE");
        for (territory, parent) in BANKING_PARENTS {
            assert!(Country::parse(territory).is_some(), "{territory}");
            assert!(Country::parse(parent).is_some(), "{parent}");
            assert!(
                banking_parent(parent).is_none(),
                "{parent} is itself folded"
            );
        }
        assert!(BANKING_PARENTS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
