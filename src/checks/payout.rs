//! The account the applicant is paid into: whether its identifiers are well formed (IBAN, BIC,
//! crypto address), which country its bank is in, who holds it, which rails pay leaves on, and how
//! often the account changes. Pure: nothing is looked up here; an account shared with other
//! applications is the links checks' business, a holder on a sanctions list the sanctions screen's.
//!
//! Evidence never quotes an IBAN, account number or crypto address (they are PII, indexed only as
//! keyed hashes): at most the country code an IBAN starts with.

use std::collections::BTreeSet;

use serde_json::json;

use super::codes::*;
use super::same_person::SAME_PERSON_MIN;
use super::{Facts, signal};
use crate::intel::sanctions::matcher::normalize::{fold, tokens};
use crate::model::{Application, Country, Payout, PayoutMethod, Signal};

/// `changes_last_90_days` at or above this is frequent: one change (a new bank) and a correction
/// of it are ordinary; a third account within a quarter is not.
pub(crate) const FREQUENT_CHANGES_MIN: u32 = 3;

pub(crate) fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(payout) = &app.payout else {
        return;
    };
    let iban = present(&payout.iban).map(iban::check);
    let bic = present(&payout.bic).map(bic::check);
    if let Some(Err(invalid)) = &iban {
        out.push(signal(
            PAY_IBAN_INVALID,
            format!(
                "The payout IBAN is not a valid IBAN ({}).",
                invalid.reason.describe()
            ),
            json!({
                "country": invalid.country,
                "expected_length": invalid.expected_length,
                "length": invalid.length,
                "reason": invalid.reason.code(),
            }),
        ));
    }
    if let Some(Err(invalid)) = &bic {
        out.push(signal(
            PAY_BIC_INVALID,
            format!(
                "The payout BIC is not a valid ISO 9362 code ({}).",
                invalid.reason.describe()
            ),
            json!({
                "country": invalid.country,
                "length": invalid.length,
                "reason": invalid.reason.code(),
            }),
        ));
    }
    let iban = iban.and_then(Result::ok);
    let bic = bic.and_then(Result::ok);
    bank_country(app, payout, iban.as_ref(), bic.as_ref(), out);
    holder(app, payout, facts, out);
    crypto(payout, out);
    if let Some(changes) = payout.changes_last_90_days
        && changes >= FREQUENT_CHANGES_MIN
    {
        out.push(signal(
            PAY_FREQUENT_CHANGES,
            format!("The payout account changed {changes} times in the last 90 days."),
            json!({ "changes_last_90_days": changes, "minimum": FREQUENT_CHANGES_MIN }),
        ));
    }
}

/// A text field that says something (blank counts as absent).
fn present(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Where the bank is.
// ---------------------------------------------------------------------------------------------

/// Territories whose people bank with the bank of another country, folded into it before countries
/// are compared: the French overseas departments and collectivities and the Crown Dependencies
/// (whose IBANs start `FR` and `GB` while their BICs carry their own code), Åland, the US
/// territories (US routing numbers), Faroe Islands and Greenland, Svalbard.
const AREAS: &[(&str, &str)] = &[
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

fn area(country: Country) -> Country {
    AREAS
        .iter()
        .find(|(territory, _)| *territory == country.as_str())
        .and_then(|(_, parent)| Country::parse(parent))
        .unwrap_or(country)
}

/// E-money institutions and fintech banks whose account details say nothing about where their
/// customer lives: Wise hands a US resident Belgian IBANs, Revolut Lithuanian ones, N26 French IBANs
/// under its German BIC, Payoneer Irish (Citibank) or Luxembourg (Banking Circle) ones. Recognised
/// by the payout method, the BIC's bank code, the bank code inside the IBAN, or the bank's name.
fn fintech(
    payout: &Payout,
    iban: Option<&iban::Iban>,
    bic: Option<&bic::Bic>,
) -> Option<&'static str> {
    match payout.method {
        PayoutMethod::Wise => return Some("Wise"),
        PayoutMethod::Payoneer => return Some("Payoneer"),
        PayoutMethod::Paypal => return Some("PayPal"),
        _ => {}
    }
    const BIC_BANKS: &[(&str, &str)] = &[
        ("BCIR", "Banking Circle"),
        ("BUNQ", "bunq"),
        (
            "CMFG",
            "Community Federal Savings Bank (Wise, Payoneer US details)",
        ),
        ("EVIU", "Paysera"),
        ("MONZ", "Monzo"),
        ("NTSB", "N26"),
        ("PPLX", "PayPal"),
        ("REVO", "Revolut"),
        ("SXPY", "Banking Circle"),
        ("TRWI", "Wise"),
    ];
    if let Some(bic) = bic
        && let Some((_, name)) = BIC_BANKS.iter().find(|(code, _)| *code == bic.bank)
    {
        return Some(name);
    }
    // (country, bank code at the start of the BBAN): GB and NL carry the BIC's bank code; DE the
    // Bankleitzahl; BE and LT the bank's number.
    const IBAN_BANKS: &[(&str, &str, &str)] = &[
        ("BE", "967", "Wise"),
        ("DE", "10011001", "N26"),
        ("GB", "MONZ", "Monzo"),
        ("GB", "REVO", "Revolut"),
        ("GB", "TRWI", "Wise"),
        ("LT", "32500", "Revolut"),
        ("LT", "35000", "Paysera"),
        ("NL", "BUNQ", "bunq"),
    ];
    if let Some(iban) = iban
        && let Some((_, _, name)) = IBAN_BANKS
            .iter()
            .find(|(country, code, _)| iban.prefix() == *country && iban.bban().starts_with(code))
    {
        return Some(name);
    }
    const NAMES: &[(&str, &str)] = &[
        ("airwallex", "Airwallex"),
        ("banking circle", "Banking Circle"),
        ("bunq", "bunq"),
        (
            "community federal savings",
            "Community Federal Savings Bank",
        ),
        ("monzo", "Monzo"),
        ("n26", "N26"),
        ("payoneer", "Payoneer"),
        ("paypal", "PayPal"),
        ("paysera", "Paysera"),
        ("revolut", "Revolut"),
        ("skrill", "Skrill"),
        ("transferwise", "Wise"),
        ("wise", "Wise"),
    ];
    let bank_name = format!(" {} ", fold(present(&payout.bank_name)?));
    NAMES
        .iter()
        .find(|(words, _)| bank_name.contains(&format!(" {words} ")))
        .map(|(_, name)| *name)
}

fn bank_country(
    app: &Application,
    payout: &Payout,
    iban: Option<&iban::Iban>,
    bic: Option<&bic::Bic>,
    out: &mut Vec<Signal>,
) {
    // Declared first: it is the bank country when given; otherwise the IBAN's, then the BIC's.
    let known: Vec<(&str, Country)> = [
        ("bank_country", payout.bank_country),
        ("iban", iban.map(|i| i.country)),
        ("bic", bic.map(|b| b.country)),
    ]
    .into_iter()
    .filter_map(|(source, country)| Some((source, country?)))
    .collect();
    let Some(&(source, bank)) = known.first() else {
        return;
    };
    let evidence_countries = || {
        json!({
            "bank_country": payout.bank_country,
            "iban_country": iban.map(|i| i.country),
            "bic_country": bic.map(|b| b.country),
        })
    };

    // One fact, one signal: a North Korean bank says all there is to say about the bank's country.
    if known.iter().any(|(_, c)| c.as_str() == "KP") {
        out.push(signal(
            PAY_BANK_COUNTRY_DPRK,
            "The payout account is held at a North Korean bank.",
            evidence_countries(),
        ));
        return;
    }

    let provider = fintech(payout, iban, bic);
    let areas: BTreeSet<Country> = known.iter().map(|(_, c)| area(*c)).collect();
    if provider.is_none() && areas.len() > 1 {
        out.push(signal(
            PAY_BANK_COUNTRY_MISMATCH,
            "The payout account's IBAN, BIC and declared bank country name different countries.",
            evidence_countries(),
        ));
    }

    if provider.is_some() {
        return;
    }
    let applicant = &app.applicant;
    let doc = app.identity_document.as_ref();
    let document_countries: BTreeSet<Country> = doc
        .and_then(|d| d.issuing_country.country())
        .into_iter()
        .chain(doc.and_then(|d| d.nationality.as_ref()?.country()))
        .collect();
    let ties: BTreeSet<Country> = std::iter::once(applicant.residence.country)
        .chain(applicant.nationality)
        .chain(document_countries.iter().copied())
        .map(area)
        .collect();
    if !ties.contains(&area(bank)) {
        out.push(signal(
            PAY_BANK_COUNTRY_UNRELATED,
            format!(
                "The payout bank is in {}, where the applicant neither lives nor holds a nationality or document.",
                bank.name()
            ),
            json!({
                "bank_country": bank,
                "source": source,
                "residence_country": applicant.residence.country,
                "nationality": applicant.nationality,
                "document_countries": document_countries,
            }),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Who holds the account.
// ---------------------------------------------------------------------------------------------

/// Legal forms (as the matcher folds them: `Ltd` → `limited`, `Co.` → `company`, `L.L.C.` →
/// `llc`, `ООО` → `ooo`) that no personal name contains.
const LEGAL_FORMS: &[&str] = &[
    "aps",
    "bhd",
    "bv",
    "cjsc",
    "companies",
    "company",
    "corporation",
    "dmcc",
    "doo",
    "eood",
    "eurl",
    "fzc",
    "fzco",
    "fze",
    "fzllc",
    "gbr",
    "gmbh",
    "incorporated",
    "jsc",
    "kft",
    "kgaa",
    "lda",
    "limited",
    "llc",
    "llp",
    "mbh",
    "nv",
    "nyrt",
    "oao",
    "ohg",
    "ojsc",
    "ood",
    "ooo",
    "oyj",
    "pao",
    "pjsc",
    "pllc",
    "plc",
    "pte",
    "pty",
    "pvt",
    "sarl",
    "sas",
    "sasu",
    "sdn",
    "spa",
    "sro",
    "srl",
    "srls",
    "tnhh",
    "tov",
    "uab",
    "zao",
    "zrt",
];

/// Legal forms that are also names or parts of names (`Sa` and `Ou` are surnames, `Sia` a given
/// name): they count at the start or end of a holder name that is not the applicant's own.
const AMBIGUOUS_LEGAL_FORMS: &[&str] = &[
    "ab", "ag", "as", "cv", "dd", "ek", "kg", "kk", "lp", "ou", "oy", "pt", "sa", "se", "sia",
    "sl", "too", "ug",
];

/// Legal forms in Han, Kana and Hangul, which the transliteration does not spell out.
const CJK_LEGAL_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "㈱",
    "(株)",
    "（株）",
    "주식회사",
    "유한책임회사",
    "유한회사",
    "㈜",
    "(주)",
    "（주）",
];

/// Words of a trading name without a legal form (`Carter Consulting`); they count in a holder name
/// that is not the applicant's own.
const BUSINESS_WORDS: &[&str] = &[
    "agency",
    "associates",
    "capital",
    "consultancy",
    "consultants",
    "consulting",
    "design",
    "development",
    "digital",
    "engineering",
    "enterprise",
    "enterprises",
    "group",
    "holding",
    "holdings",
    "industries",
    "international",
    "labs",
    "logistics",
    "management",
    "marketing",
    "media",
    "partners",
    "services",
    "software",
    "solutions",
    "studio",
    "studios",
    "systems",
    "tech",
    "technologies",
    "technology",
    "trading",
    "ventures",
];

/// What makes the holder a company: an unambiguous legal form anywhere; otherwise, unless the name
/// is the applicant's own, an ambiguous legal form at either end or a trading-name word.
fn company_marker(holder: &str, applicants_own: bool) -> Option<String> {
    if let Some(form) = CJK_LEGAL_FORMS.iter().find(|f| holder.contains(**f)) {
        return Some((*form).to_owned());
    }
    let toks = tokens(holder);
    if let Some(t) = toks.iter().find(|t| LEGAL_FORMS.contains(&t.raw.as_str())) {
        return Some(t.raw.clone());
    }
    if applicants_own {
        return None;
    }
    if toks.len() >= 2 {
        for t in [&toks[0], &toks[toks.len() - 1]] {
            if AMBIGUOUS_LEGAL_FORMS.contains(&t.raw.as_str()) {
                return Some(t.raw.clone());
            }
        }
    }
    fold(holder)
        .split(' ')
        .find(|w| BUSINESS_WORDS.contains(w))
        .map(str::to_owned)
}

fn holder(app: &Application, payout: &Payout, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(holder) = present(&payout.account_holder_name) else {
        return;
    };
    let own = facts.holder_is_applicant();
    // One fact, one signal: a company is not the applicant by name, so the mismatch is not raised
    // for it as well.
    if let Some(marker) = company_marker(holder, own) {
        out.push(signal(
            PAY_HOLDER_IS_COMPANY,
            "The payout account is held by a company, not by the applicant in person.",
            json!({
                "holder_name": holder,
                "company_marker": marker,
                "bears_applicant_name": own,
            }),
        ));
        return;
    }
    if let Some(similarity) = facts.holder_similarity
        && similarity < SAME_PERSON_MIN
    {
        out.push(signal(
            PAY_HOLDER_NAME_MISMATCH,
            "The payout account is held by someone whose name matches none of the applicant's names.",
            json!({
                "holder_name": holder,
                "applicant_name": app.applicant.full_name,
                "similarity": (similarity * 100.0).round() / 100.0,
                "minimum": SAME_PERSON_MIN,
            }),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Crypto payouts.
// ---------------------------------------------------------------------------------------------

fn crypto(payout: &Payout, out: &mut Vec<Signal>) {
    let address = present(&payout.crypto_address);
    if payout.method != PayoutMethod::Crypto && address.is_none() {
        return;
    }
    let label = present(&payout.crypto_asset);
    let asset = label.map(coin::parse_asset).unwrap_or_default();
    // A stablecoin whose label names no chain is on TRON when its address is a TRON address.
    let (chain, chain_source) = match (asset.chain, address) {
        (Some(chain), _) => (Some(chain), "asset"),
        (None, Some(a))
            if asset.stablecoin.is_some() && coin::validate(coin::Chain::Tron, a).is_ok() =>
        {
            (Some(coin::Chain::Tron), "address")
        }
        _ => (None, "asset"),
    };

    // One payout, one signal for its rails: the stablecoin on a high-risk chain replaces the plain
    // crypto signal, which says less about the same evidence.
    match (asset.stablecoin, chain) {
        (Some(stablecoin), Some(chain)) if chain.high_risk() => out.push(signal(
            PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN,
            format!("Pay is to go out as {stablecoin} on {}.", chain.name()),
            json!({
                "asset": label,
                "stablecoin": stablecoin,
                "chain": chain.name(),
                "chain_from": chain_source,
            }),
        )),
        _ => out.push(signal(
            PAY_CRYPTO,
            "Pay is to go to a crypto-asset address.",
            json!({
                "method": payout.method,
                "asset": label,
                "chain": chain.map(coin::Chain::name),
            }),
        )),
    }

    // Only a chain the asset names is held against the address: the address alone proves nothing.
    if let (Some(chain), Some(address)) = (asset.chain, address)
        && let Err(reason) = coin::validate(chain, address)
    {
        out.push(signal(
            PAY_CRYPTO_ADDRESS_INVALID,
            format!(
                "The crypto address is not a valid {} address ({reason}).",
                chain.name()
            ),
            json!({ "asset": label, "chain": chain.name(), "reason": reason }),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// IBAN: ISO 13616.
// ---------------------------------------------------------------------------------------------

mod iban {
    use crate::model::Country;

    /// IBAN length per country, SWIFT IBAN Registry (89 countries, as of release 99, 2025).
    pub const REGISTRY: &[(&str, u8)] = &[
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
    pub const PARTIAL: &[(&str, &[u8])] = &[
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

    /// Territories the registry lists under France, the United Kingdom and Finland (their IBANs
    /// start `FR`, `GB`, `FI`), which some banks and validators write with their own code.
    pub const TERRITORIES: &[(&str, &str)] = &[
        ("AX", "FI"),
        ("BL", "FR"),
        ("GF", "FR"),
        ("GG", "GB"),
        ("GP", "FR"),
        ("IM", "GB"),
        ("JE", "GB"),
        ("MF", "FR"),
        ("MQ", "FR"),
        ("NC", "FR"),
        ("PF", "FR"),
        ("PM", "FR"),
        ("RE", "FR"),
        ("TF", "FR"),
        ("WF", "FR"),
        ("YT", "FR"),
    ];

    /// The lengths an IBAN of this prefix may have, the usual one first.
    pub fn lengths_for(prefix: &str) -> Option<Vec<u8>> {
        let prefix = TERRITORIES
            .iter()
            .find(|(t, _)| *t == prefix)
            .map_or(prefix, |(_, parent)| parent);
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

    /// A valid IBAN, in machine form (no spaces, upper case). Never leaves this check.
    pub struct Iban {
        pub country: Country,
        text: String,
    }

    impl Iban {
        pub fn prefix(&self) -> &str {
            &self.text[..2]
        }

        pub fn bban(&self) -> &str {
            &self.text[4..]
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Reason {
        Characters,
        UnknownCountry,
        Length,
        CheckDigits,
        Checksum,
    }

    impl Reason {
        pub fn code(self) -> &'static str {
            match self {
                Reason::Characters => "characters",
                Reason::UnknownCountry => "unknown_country",
                Reason::Length => "length",
                Reason::CheckDigits => "check_digits",
                Reason::Checksum => "checksum",
            }
        }

        pub fn describe(self) -> &'static str {
            match self {
                Reason::Characters => "characters other than letters and digits",
                Reason::UnknownCountry => "no country issues IBANs with that prefix",
                Reason::Length => "wrong length for its country",
                Reason::CheckDigits => "check digits out of range",
                Reason::Checksum => "its check digits do not match (ISO 7064 mod 97-10)",
            }
        }
    }

    #[derive(Debug)]
    pub struct Invalid {
        /// The prefix, when it is two letters; nothing else of the IBAN is ever reported.
        pub country: Option<String>,
        pub expected_length: Option<u8>,
        pub length: usize,
        pub reason: Reason,
    }

    /// ISO 7064 mod 97-10 over the IBAN with its first four characters moved to the end, letters
    /// read as 10–35: a valid IBAN leaves 1.
    pub fn mod97(text: &str) -> u32 {
        let rotated = text.bytes().skip(4).chain(text.bytes().take(4));
        rotated.fold(0u32, |rem, b| match b {
            b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
            _ => (rem * 100 + u32::from(b - b'A') + 10) % 97,
        })
    }

    /// Reads an IBAN as people write it (spaces, lower case) and checks it.
    pub fn check(input: &str) -> Result<Iban, Invalid> {
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let length = text.chars().count();
        let prefix = text
            .get(..2)
            .filter(|p| p.bytes().all(|b| b.is_ascii_uppercase()));
        let invalid = |reason, expected_length| Invalid {
            country: prefix.map(str::to_owned),
            expected_length,
            length,
            reason,
        };
        if length < 5 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(Reason::Characters, None));
        }
        let (Some(prefix), Some(lengths)) = (prefix, prefix.and_then(lengths_for)) else {
            return Err(invalid(Reason::UnknownCountry, None));
        };
        if !lengths.iter().any(|&n| usize::from(n) == length) {
            return Err(invalid(Reason::Length, lengths.first().copied()));
        }
        let expected = u8::try_from(length).ok();
        // 00, 01 and 99 are congruent to valid values but never issued (ISO 13616-1).
        if !text[2..4].bytes().all(|b| b.is_ascii_digit())
            || matches!(&text[2..4], "00" | "01" | "99")
        {
            return Err(invalid(Reason::CheckDigits, expected));
        }
        if mod97(&text) != 1 {
            return Err(invalid(Reason::Checksum, expected));
        }
        let country =
            Country::parse(prefix).ok_or_else(|| invalid(Reason::UnknownCountry, None))?;
        Ok(Iban { country, text })
    }
}

// ---------------------------------------------------------------------------------------------
// BIC: ISO 9362.
// ---------------------------------------------------------------------------------------------

mod bic {
    use crate::model::Country;

    /// A well-formed BIC: 4 letters of bank code, the 2 letters of an assigned country, 2
    /// characters of location, optionally 3 of branch.
    pub struct Bic {
        pub bank: String,
        pub country: Country,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Reason {
        Characters,
        Length,
        BankCode,
        Country,
    }

    impl Reason {
        pub fn code(self) -> &'static str {
            match self {
                Reason::Characters => "characters",
                Reason::Length => "length",
                Reason::BankCode => "bank_code",
                Reason::Country => "country",
            }
        }

        pub fn describe(self) -> &'static str {
            match self {
                Reason::Characters => "characters other than letters and digits",
                Reason::Length => "not 8 or 11 characters",
                Reason::BankCode => "its first four characters are not letters",
                Reason::Country => "characters 5–6 are not an assigned country code",
            }
        }
    }

    #[derive(Debug)]
    pub struct Invalid {
        pub country: Option<String>,
        pub length: usize,
        pub reason: Reason,
    }

    /// Reads a BIC as people write it (spaces, lower case) and checks its shape.
    pub fn check(input: &str) -> Result<Bic, Invalid> {
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let length = text.chars().count();
        let country = text
            .get(4..6)
            .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()));
        let invalid = |reason| Invalid {
            country: country.map(str::to_owned),
            length,
            reason,
        };
        if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(Reason::Characters));
        }
        if length != 8 && length != 11 {
            return Err(invalid(Reason::Length));
        }
        if !text[..4].bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(Reason::BankCode));
        }
        let country = country
            .and_then(Country::parse)
            .ok_or_else(|| invalid(Reason::Country))?;
        Ok(Bic {
            bank: text[..4].to_owned(),
            country,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Crypto assets and address formats.
// ---------------------------------------------------------------------------------------------

mod coin {
    use sha2::{Digest, Sha256};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Chain {
        Bitcoin,
        Ethereum,
        Bsc,
        Polygon,
        Arbitrum,
        Optimism,
        Base,
        Tron,
        Solana,
    }

    impl Chain {
        pub fn name(self) -> &'static str {
            match self {
                Chain::Bitcoin => "Bitcoin",
                Chain::Ethereum => "Ethereum",
                Chain::Bsc => "BNB Smart Chain",
                Chain::Polygon => "Polygon",
                Chain::Arbitrum => "Arbitrum",
                Chain::Optimism => "Optimism",
                Chain::Base => "Base",
                Chain::Tron => "TRON",
                Chain::Solana => "Solana",
            }
        }

        /// Chains where most illicit stablecoin volume moves (see docs/signals.md).
        pub fn high_risk(self) -> bool {
            matches!(self, Chain::Tron | Chain::Bsc)
        }

        /// How a stablecoin label names the chain (`USDT-TRC20`, `USDC (Solana)`, `USDT on BSC`).
        fn from_label(s: &str) -> Option<Chain> {
            let s = s.strip_prefix("ON").unwrap_or(s);
            Some(match s {
                "TRC20" | "TRON" | "TRX" => Chain::Tron,
                "BEP20" | "BSC" | "BNB" | "BNBCHAIN" | "BNBSMARTCHAIN" | "BINANCESMARTCHAIN" => {
                    Chain::Bsc
                }
                "ERC20" | "ETH" | "ETHEREUM" => Chain::Ethereum,
                "POLYGON" | "MATIC" | "POL" => Chain::Polygon,
                "ARBITRUM" | "ARBITRUMONE" | "ARB" => Chain::Arbitrum,
                "OPTIMISM" | "OP" => Chain::Optimism,
                "BASE" => Chain::Base,
                "SOL" | "SOLANA" | "SPL" => Chain::Solana,
                "BTC" | "BITCOIN" | "OMNI" => Chain::Bitcoin,
                _ => return None,
            })
        }

        /// A native coin's chain. Bare `BNB` is left out: it also named the retired Beacon Chain,
        /// whose addresses look different.
        fn of_native(s: &str) -> Option<Chain> {
            Some(match s {
                "BTC" | "XBT" | "BITCOIN" => Chain::Bitcoin,
                "ETH" | "ETHEREUM" => Chain::Ethereum,
                "TRX" | "TRON" => Chain::Tron,
                "SOL" | "SOLANA" => Chain::Solana,
                "MATIC" | "POL" => Chain::Polygon,
                _ => return None,
            })
        }
    }

    /// Fiat-backed stablecoins, longest symbol first so that `FDUSD` is not read as `USD…`.
    const STABLECOINS: &[&str] = &[
        "FDUSD", "PYUSD", "BUSD", "TUSD", "USDT", "USDC", "USDP", "USDD", "EURC", "EURT", "DAI",
    ];

    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
    pub struct Asset {
        pub stablecoin: Option<&'static str>,
        pub chain: Option<Chain>,
    }

    /// Reads a `crypto_asset` label: `BTC`, `ETH`, `USDT-TRC20`, `USDT (TRON)`, `TRC20 USDT`,
    /// `usdc_sol`. A chain this does not know is `None`, never a guess.
    pub fn parse_asset(label: &str) -> Asset {
        let compact: String = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        for &coin in STABLECOINS {
            let rest = if let Some(rest) = compact.strip_prefix(coin) {
                rest
            } else if let Some(rest) = compact.strip_suffix(coin) {
                rest
            } else {
                continue;
            };
            return Asset {
                stablecoin: Some(coin),
                chain: Chain::from_label(rest),
            };
        }
        Asset {
            stablecoin: None,
            chain: Chain::of_native(&compact),
        }
    }

    /// Checks an address's format (and checksum, where the format has one) for `chain`.
    pub fn validate(chain: Chain, address: &str) -> Result<(), &'static str> {
        let a = address.trim();
        match chain {
            Chain::Bitcoin => bitcoin(a),
            Chain::Ethereum
            | Chain::Bsc
            | Chain::Polygon
            | Chain::Arbitrum
            | Chain::Optimism
            | Chain::Base => evm(a),
            Chain::Tron => tron(a),
            Chain::Solana => solana(a),
        }
    }

    /// `0x` and 40 hexadecimal digits. Mixed case would carry an EIP-55 checksum (Keccak-256),
    /// which is not verified here: any case passes.
    fn evm(a: &str) -> Result<(), &'static str> {
        let hex = a.strip_prefix("0x").or_else(|| a.strip_prefix("0X"));
        match hex {
            Some(h) if h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(()),
            _ => Err("format"),
        }
    }

    /// Base58check with version byte 0x41: 34 characters starting `T`.
    fn tron(a: &str) -> Result<(), &'static str> {
        if a.len() != 34 || !a.starts_with('T') {
            return Err("format");
        }
        match base58check(a)? {
            (0x41, 21) => Ok(()),
            _ => Err("format"),
        }
    }

    /// An ed25519 public key: 32 bytes in base58.
    fn solana(a: &str) -> Result<(), &'static str> {
        match base58_decode(a) {
            Some(bytes) if (32..=44).contains(&a.len()) && bytes.len() == 32 => Ok(()),
            _ => Err("format"),
        }
    }

    /// Mainnet only: legacy P2PKH (`1…`) and P2SH (`3…`) in base58check, SegWit (`bc1q…`, BIP 173
    /// bech32) and Taproot and later (`bc1p…`, BIP 350 bech32m).
    fn bitcoin(a: &str) -> Result<(), &'static str> {
        if a.len() >= 4 && a[..3].eq_ignore_ascii_case("bc1") {
            return segwit(a);
        }
        if !(a.starts_with('1') || a.starts_with('3')) || !(26..=35).contains(&a.len()) {
            return Err("format");
        }
        match base58check(a)? {
            (0x00 | 0x05, 21) => Ok(()),
            _ => Err("format"),
        }
    }

    const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    pub fn base58_decode(s: &str) -> Option<Vec<u8>> {
        // Little-endian base-256 digits while reading, reversed at the end.
        let mut bytes: Vec<u8> = Vec::with_capacity(s.len());
        for c in s.bytes() {
            let mut carry = BASE58.iter().position(|&d| d == c)? as u32;
            for b in bytes.iter_mut() {
                carry += u32::from(*b) * 58;
                *b = (carry & 0xff) as u8;
                carry >>= 8;
            }
            while carry > 0 {
                bytes.push((carry & 0xff) as u8);
                carry >>= 8;
            }
        }
        let leading_zeros = s.bytes().take_while(|&c| c == b'1').count();
        bytes.extend(std::iter::repeat_n(0, leading_zeros));
        bytes.reverse();
        Some(bytes)
    }

    /// Decodes base58check: (version byte, payload length with the version) when the last four
    /// bytes are the first four of the payload's double SHA-256.
    fn base58check(s: &str) -> Result<(u8, usize), &'static str> {
        let bytes = base58_decode(s).ok_or("format")?;
        if bytes.len() < 5 {
            return Err("format");
        }
        let (payload, checksum) = bytes.split_at(bytes.len() - 4);
        let digest = Sha256::digest(Sha256::digest(payload));
        if digest[..4] != *checksum {
            return Err("checksum");
        }
        Ok((payload[0], payload.len()))
    }

    const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const BECH32_CONST: u32 = 1;
    const BECH32M_CONST: u32 = 0x2bc8_30a3;

    fn polymod(values: impl Iterator<Item = u8>) -> u32 {
        const GEN: [u32; 5] = [
            0x3b6a_57b2,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ];
        let mut chk: u32 = 1;
        for v in values {
            let top = chk >> 25;
            chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
            for (i, g) in GEN.iter().enumerate() {
                if (top >> i) & 1 == 1 {
                    chk ^= g;
                }
            }
        }
        chk
    }

    /// Regroups 5-bit values into bytes; the padding left over must be under 5 bits and zero.
    fn five_to_eight(data: &[u8]) -> Option<Vec<u8>> {
        let (mut acc, mut bits) = (0u32, 0u32);
        let mut out = Vec::with_capacity(data.len() * 5 / 8);
        for &v in data {
            acc = ((acc << 5) | u32::from(v)) & 0xfff;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push(((acc >> bits) & 0xff) as u8);
            }
        }
        (bits < 5 && (acc << (8 - bits)) & 0xff == 0).then_some(out)
    }

    fn segwit(a: &str) -> Result<(), &'static str> {
        let lower = a.to_ascii_lowercase();
        if (a != lower && a != a.to_ascii_uppercase()) || a.len() > 90 {
            return Err("format");
        }
        let Some((hrp, data)) = lower.rsplit_once('1') else {
            return Err("format");
        };
        if hrp != "bc" || data.len() < 6 + 1 {
            return Err("format");
        }
        let values: Vec<u8> = data
            .bytes()
            .map(|c| BECH32.iter().position(|&d| d == c).map(|p| p as u8))
            .collect::<Option<_>>()
            .ok_or("format")?;
        let expanded = hrp
            .bytes()
            .map(|c| c >> 5)
            .chain(std::iter::once(0))
            .chain(hrp.bytes().map(|c| c & 31))
            .chain(values.iter().copied());
        let constant = polymod(expanded);
        let version = values[0];
        if constant != BECH32_CONST && constant != BECH32M_CONST {
            return Err("checksum");
        }
        // Witness version 0 is bech32, every later version bech32m (BIP 350).
        if (version == 0) != (constant == BECH32_CONST) {
            return Err("checksum");
        }
        let program = five_to_eight(&values[1..values.len() - 6]).ok_or("format")?;
        let fits = match version {
            0 => program.len() == 20 || program.len() == 32,
            1..=16 => (2..=40).contains(&program.len()),
            _ => false,
        };
        if fits { Ok(()) } else { Err("format") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{application, now};
    use proptest::prelude::*;
    use serde_json::Value;

    /// A case: what it is about, and how it edits the clean example.
    type Case = (&'static str, fn(&mut Value));

    fn payout_codes(app: &Application) -> Vec<&'static str> {
        let mut out = Vec::new();
        check(app, &Facts::new(app, now()), &mut out);
        out.into_iter().map(|s| s.code).collect()
    }

    fn signals(edit: impl FnOnce(&mut Value)) -> Vec<Signal> {
        let app = application(edit);
        let mut out = Vec::new();
        check(&app, &Facts::new(&app, now()), &mut out);
        out
    }

    fn codes(edit: impl FnOnce(&mut Value)) -> Vec<&'static str> {
        payout_codes(&application(edit))
    }

    fn set(a: &mut Value, fields: Value) {
        for (k, v) in fields.as_object().unwrap() {
            a["payout"][k] = v.clone();
        }
    }

    #[test]
    fn the_clean_example_raises_nothing() {
        assert!(codes(|_| {}).is_empty());
        // Nor does the whole pipeline: payout adds nothing to an ordinary application.
        assert!(crate::checks::testing::codes_of(&application(|_| {})).is_empty());
    }

    #[test]
    fn each_payout_finding_raises_its_code() {
        let cases: [Case; 14] = [
            (PAY_IBAN_INVALID, |a| {
                set(
                    a,
                    json!({"iban": "DE89 3704 0044 0532 0130 01", "bank_country": "DE"}),
                );
                a["applicant"]["residence"]["country"] = "DE".into();
            }),
            (PAY_BIC_INVALID, |a| set(a, json!({"bic": "CHAS1S33"}))),
            (PAY_BANK_COUNTRY_MISMATCH, |a| {
                set(
                    a,
                    json!({"bic": "CHASUS33", "iban": "GB29 NWBK 6016 1331 9268 19"}),
                )
            }),
            (PAY_BANK_COUNTRY_DPRK, |a| {
                set(a, json!({"bic": "FTBDKPPY", "bank_country": null}))
            }),
            (PAY_BANK_COUNTRY_DPRK, |a| {
                set(a, json!({"bank_country": "KP"}))
            }),
            (PAY_BANK_COUNTRY_UNRELATED, |a| {
                set(a, json!({"bank_country": "CN"}))
            }),
            (PAY_BANK_COUNTRY_UNRELATED, |a| {
                set(
                    a,
                    json!({"bank_country": null, "iban": "AE070331234567890123456"}),
                )
            }),
            (PAY_HOLDER_NAME_MISMATCH, |a| {
                set(a, json!({"account_holder_name": "Li Wei"}))
            }),
            (PAY_HOLDER_IS_COMPANY, |a| {
                set(
                    a,
                    json!({"account_holder_name": "Shenyang Bright Star Trading Co., Ltd."}),
                )
            }),
            (PAY_CRYPTO, |a| {
                a["payout"] = json!({"method": "crypto", "crypto_asset": "BTC",
                    "crypto_address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"})
            }),
            (PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN, |a| {
                a["payout"] = json!({"method": "crypto", "crypto_asset": "USDT-TRC20",
                    "crypto_address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"})
            }),
            (PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN, |a| {
                a["payout"] = json!({"method": "crypto", "crypto_asset": "USDT",
                    "crypto_address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"})
            }),
            (PAY_FREQUENT_CHANGES, |a| {
                set(a, json!({"changes_last_90_days": 3}))
            }),
            (PAY_FREQUENT_CHANGES, |a| {
                set(a, json!({"changes_last_90_days": 7}))
            }),
        ];
        for (code, edit) in cases {
            assert_eq!(codes(edit), [code], "{code}");
        }
        let invalid_address = codes(|a| {
            a["payout"] = json!({"method": "crypto", "crypto_asset": "ETH",
                "crypto_address": "0x52908400098527886E0F7030069857D2E4169EE"});
        });
        assert_eq!(invalid_address, [PAY_CRYPTO, PAY_CRYPTO_ADDRESS_INVALID]);
    }

    #[test]
    fn ordinary_payouts_raise_nothing() {
        let cases: [Case; 19] = [
            ("German IBAN and BIC of a German resident", |a| {
                a["applicant"]["residence"] = json!({"country": "DE"});
                set(
                    a,
                    json!({"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "bank_country": "DE"}),
                );
            }),
            ("UK IBAN in lower case without spaces", |a| {
                a["applicant"]["residence"] = json!({"country": "GB"});
                set(
                    a,
                    json!({"iban": "gb29nwbk60161331926819", "bic": "nwbk gb 2l", "bank_country": null}),
                );
            }),
            ("French IBAN with a letter in the account number", |a| {
                a["applicant"]["residence"] = json!({"country": "FR"});
                set(
                    a,
                    json!({"iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "BNPAFRPP"}),
                );
                a["payout"]["bank_country"] = Value::Null;
            }),
            ("Belgian IBAN of a Belgian resident", |a| {
                a["applicant"]["residence"] = json!({"country": "BE"});
                set(
                    a,
                    json!({"iban": "BE68 5390 0754 7034", "bank_country": "BE"}),
                );
            }),
            (
                "Wise Belgian IBAN of a US resident, bank country declared",
                |a| {
                    set(
                        a,
                        json!({"iban": "BE24 9670 1234 5638", "bic": "TRWIBEB1XXX"}),
                    );
                },
            ),
            ("Wise recognised by the IBAN's bank code alone", |a| {
                set(a, json!({"iban": "BE24967012345638", "bank_country": null}));
            }),
            ("Revolut Lithuanian IBAN of a US resident", |a| {
                set(
                    a,
                    json!({"iban": "LT35 3250 0123 4567 8901", "bic": "REVOLT21", "bank_country": "LT"}),
                );
            }),
            (
                "N26 German IBAN under a German BIC for a French resident",
                |a| {
                    a["applicant"]["residence"] = json!({"country": "FR"});
                    set(
                        a,
                        json!({"iban": "DE24 1001 1001 2623 4193 81", "bic": "NTSBDEB1", "bank_country": null}),
                    );
                },
            ),
            ("bunq named by the bank", |a| {
                set(
                    a,
                    json!({"iban": "NL98 BUNQ 2025 5512 34", "bank_name": "bunq B.V.", "bank_country": "NL"}),
                );
            }),
            ("a Payoneer Irish receiving account", |a| {
                a["payout"] = json!({"method": "payoneer", "account_holder_name": "Emily Carter",
                    "bank_country": "IE", "bank_name": "Citibank"});
            }),
            (
                "a Réunion BIC on a French IBAN for a Réunion resident",
                |a| {
                    a["applicant"]["residence"] = json!({"country": "RE"});
                    set(
                        a,
                        json!({"iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "BNPARERX", "bank_country": null}),
                    );
                },
            ),
            ("own company", |a| {
                set(a, json!({"account_holder_name": "Emily Carter Consulting"}))
            }),
            ("surname first with a comma", |a| {
                set(a, json!({"account_holder_name": "Carter, Emily"}))
            }),
            ("upper case, surname first", |a| {
                set(a, json!({"account_holder_name": "CARTER EMILY"}))
            }),
            ("title and initial", |a| {
                set(a, json!({"account_holder_name": "Ms E. Carter"}))
            }),
            ("middle name on the bank's records", |a| {
                set(a, json!({"account_holder_name": "Emily Rose Carter"}))
            }),
            ("a typo in the holder name", |a| {
                set(a, json!({"account_holder_name": "Emilly Cartre"}))
            }),
            ("married name declared as another name", |a| {
                a["applicant"]["other_names"] = json!(["Emily Novak"]);
                set(a, json!({"account_holder_name": "Emily Novak"}));
            }),
            ("holder in Arabic script cannot be compared", |a| {
                set(a, json!({"account_holder_name": "إميلي كارتر"}))
            }),
        ];
        for (why, edit) in cases {
            let got = codes(edit);
            assert!(got.is_empty(), "{why}: {got:?}");
        }
    }

    #[test]
    fn korean_names_compare_across_hangul_and_romanisations() {
        let korean = |holder: &'static str| {
            codes(move |a| {
                a["applicant"]["full_name"] = "Kim Yong Chol".into();
                a["applicant"]["nationality"] = "KR".into();
                a["identity_document"] = Value::Null;
                a["applicant"]["residence"] = json!({"country": "KR"});
                set(
                    a,
                    json!({"account_holder_name": holder, "bank_country": "KR"}),
                );
            })
        };
        for same in [
            "김영철",
            "KIM YONG CHOL",
            "Yongchol Kim",
            "Gim Yeong-cheol",
            "Kim Young Chul",
        ] {
            assert!(korean(same).is_empty(), "{same}");
        }
        for other in ["김영수", "Kim Yong Su", "Park Ji Hoon"] {
            assert_eq!(korean(other), [PAY_HOLDER_NAME_MISMATCH], "{other}");
        }
    }

    #[test]
    fn companies_are_recognised_by_legal_form_and_trading_words() {
        let company =
            |holder: &'static str| signals(move |a| set(a, json!({"account_holder_name": holder})));
        for (holder, marker, bears_name) in [
            ("Emily Carter LLC", "llc", true),
            ("Carter Digital L.L.C.", "llc", false),
            ("Nordlicht Software GmbH", "gmbh", false),
            ("ООО «Ромашка»", "ooo", false),
            ("沈阳光明贸易有限公司", "有限公司", false),
            ("주식회사 한빛", "주식회사", false),
            ("Acme Holdings Inc.", "incorporated", false),
            ("Innovatech S.A.", "sa", false),
            ("PT Maju Jaya", "pt", false),
            ("Carter Consulting", "consulting", false),
        ] {
            let got = company(holder);
            assert_eq!(got.len(), 1, "{holder}: {got:?}");
            assert_eq!(got[0].code, PAY_HOLDER_IS_COMPANY, "{holder}");
            assert_eq!(got[0].evidence["company_marker"], marker, "{holder}");
            assert_eq!(
                got[0].evidence["bears_applicant_name"], bears_name,
                "{holder}"
            );
        }
        // A surname that is also a legal form is only one when the name is not the applicant's.
        let sa = codes(|a| {
            a["applicant"]["full_name"] = "Minho Sa".into();
            a["identity_document"] = Value::Null;
            set(a, json!({"account_holder_name": "Minho Sa"}));
        });
        assert!(sa.is_empty(), "{sa:?}");
    }

    #[test]
    fn weak_signals_alone_leave_the_applicant_clear() {
        let policy = crate::policy::Policy::built_in();
        for code in [
            PAY_BANK_COUNTRY_MISMATCH,
            PAY_BANK_COUNTRY_UNRELATED,
            PAY_HOLDER_IS_COMPANY,
            PAY_CRYPTO,
        ] {
            assert!(policy.points_for(code) <= 15, "{code} is weak");
        }
        for code in [
            PAY_IBAN_INVALID,
            PAY_BIC_INVALID,
            PAY_HOLDER_NAME_MISMATCH,
            PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN,
            PAY_CRYPTO_ADDRESS_INVALID,
            PAY_FREQUENT_CHANGES,
        ] {
            let points = policy.points_for(code);
            assert!((20..40).contains(&points), "{code} is medium: {points}");
        }
        assert_eq!(policy.points_for(PAY_BANK_COUNTRY_DPRK), 100);
    }

    #[test]
    fn evidence_never_quotes_account_identifiers() {
        let iban = "DE89370400440532013001";
        let address = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u";
        let all = signals(|a| {
            a["payout"] = json!({"method": "crypto", "iban": iban, "bic": "DEUTDEF",
                "account_number": "000123456789", "crypto_asset": "USDT-TRC20",
                "crypto_address": address, "account_holder_name": "Li Wei"});
        });
        let codes: Vec<_> = all.iter().map(|s| s.code).collect();
        assert_eq!(
            codes,
            [
                PAY_IBAN_INVALID,
                PAY_BIC_INVALID,
                PAY_HOLDER_NAME_MISMATCH,
                PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN,
                PAY_CRYPTO_ADDRESS_INVALID
            ]
        );
        let text =
            serde_json::to_string(&all.iter().map(|s| &s.evidence).collect::<Vec<_>>()).unwrap();
        for secret in [iban, "370400440532013001", address, "000123456789"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(all[0].evidence["country"], "DE");
        assert_eq!(all[0].evidence["reason"], "checksum");
    }

    #[test]
    fn frequent_changes_start_at_three() {
        for (changes, want) in [(0, false), (2, false), (3, true), (40, true)] {
            let got = codes(|a| set(a, json!({"changes_last_90_days": changes})));
            assert_eq!(got.contains(&PAY_FREQUENT_CHANGES), want, "{changes}");
        }
    }

    // --- IBAN ---------------------------------------------------------------------------------

    fn iban_reason(s: &str) -> Option<iban::Reason> {
        iban::check(s).err().map(|e| e.reason)
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
            ("DE89 3704 0044 0532 0130 01", iban::Reason::Checksum),
            ("DE98 3704 0044 0532 0130 00", iban::Reason::Checksum),
            ("DE89 3704 0044 0532 0130 0", iban::Reason::Length),
            ("DE89 3704 0044 0532 0130 000", iban::Reason::Length),
            ("US12 3456 7890 1234 5678 90", iban::Reason::UnknownCountry),
            ("KP12 3456 7890 1234", iban::Reason::UnknownCountry),
            ("1289 3704 0044 0532 0130 00", iban::Reason::UnknownCountry),
            ("DE89-3704-0044-0532-0130-00", iban::Reason::Characters),
            ("DE", iban::Reason::Characters),
            ("DEAB 3704 0044 0532 0130 00", iban::Reason::CheckDigits),
        ];
        for (input, want) in cases {
            assert_eq!(iban_reason(input), Some(want), "{input}");
        }
        let e = iban::check("DE89 3704 0044 0532 0130 0").err().unwrap();
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
            let digits = 98 - iban::mod97(&format!("DE00{bban}")) % 97;
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
                Some(iban::Reason::CheckDigits)
            );
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn the_length_table_covers_the_registry_and_partial_countries() {
        assert_eq!(iban::REGISTRY.len(), 89);
        let mut codes: Vec<&str> = iban::REGISTRY.iter().map(|(c, _)| *c).collect();
        codes.extend(iban::PARTIAL.iter().map(|(c, _)| *c));
        codes.extend(iban::TERRITORIES.iter().map(|(c, _)| *c));
        let unique: BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(unique.len(), codes.len(), "a country is listed twice");
        for c in codes {
            assert!(
                Country::parse(c).is_some(),
                "{c} is not an assigned country"
            );
            let lengths = iban::lengths_for(c).unwrap();
            assert!(lengths.iter().all(|n| (15..=34).contains(n)), "{c}");
        }
        assert_eq!(iban::lengths_for("GP"), Some(vec![27]));
        assert_eq!(iban::lengths_for("US"), None);
    }

    fn with_check_digits(country: &str, bban: &str) -> String {
        let digits = 98 - iban::mod97(&format!("{country}00{bban}")) % 97;
        format!("{country}{digits:02}{bban}")
    }

    proptest! {
        #[test]
        fn any_correctly_built_iban_of_every_registry_country_validates(
            seed in proptest::collection::vec(0u8..36, 40),
        ) {
            for (country, len) in iban::REGISTRY {
                let bban: String = seed[..usize::from(*len) - 4]
                    .iter()
                    .map(|&d| char::from_digit(u32::from(d), 36).unwrap().to_ascii_uppercase())
                    .collect();
                let text = with_check_digits(country, &bban);
                prop_assert!(iban::check(&text).is_ok(), "{}", text);
                // A space every four characters and lower case read the same.
                let spaced: String = text
                    .to_ascii_lowercase()
                    .chars()
                    .enumerate()
                    .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
                    .collect();
                prop_assert!(iban::check(&spaced).is_ok(), "{}", spaced);
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
            prop_assert!(iban::check(&changed).is_err(), "{} -> {}", valid, changed);

            let mut bytes = valid.clone().into_bytes();
            let i = 2 + position.min(18);
            prop_assume!(bytes[i] != bytes[i + 1]);
            bytes.swap(i, i + 1);
            let swapped = String::from_utf8(bytes).unwrap();
            prop_assert!(iban::check(&swapped).is_err(), "{} -> {}", valid, swapped);
        }
    }

    // --- BIC ----------------------------------------------------------------------------------

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
            assert!(bic::check(valid).is_ok(), "{valid}");
        }
        for (invalid, want) in [
            ("DEUTDEF", bic::Reason::Length),
            ("DEUTDEFF50", bic::Reason::Length),
            ("DEUTDEFF5000", bic::Reason::Length),
            ("D3UTDEFF", bic::Reason::BankCode),
            ("DEUT1EFF", bic::Reason::Country),
            ("DEUTZZFF", bic::Reason::Country),
            ("DEUT-DEFF", bic::Reason::Characters),
            ("DEUTDÉFF", bic::Reason::Characters),
        ] {
            assert_eq!(
                bic::check(invalid).err().map(|e| e.reason),
                Some(want),
                "{invalid}"
            );
        }
        assert_eq!(
            bic::check("DEUTZZFF").err().unwrap().country.as_deref(),
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
            let result = bic::check(&format!("{bank}{country}{tail}"));
            prop_assert_eq!(result.is_ok(), Country::parse(&country).is_some());
            let d = char::from_digit(digit, 10).unwrap();
            let digit_in_country = format!("{bank}{d}{}{tail}", &country[1..]);
            let digit_in_bank = format!("{d}{}{country}{tail}", &bank[1..]);
            prop_assert!(bic::check(&digit_in_country).is_err());
            prop_assert!(bic::check(&digit_in_bank).is_err());
        }
    }

    // --- Crypto -------------------------------------------------------------------------------

    #[test]
    fn asset_labels_name_their_coin_and_chain() {
        use coin::Chain::*;
        for (label, stablecoin, chain) in [
            ("USDT-TRC20", Some("USDT"), Some(Tron)),
            ("usdt (trc-20)", Some("USDT"), Some(Tron)),
            ("USDT on TRON", Some("USDT"), Some(Tron)),
            ("TRC20 USDT", Some("USDT"), Some(Tron)),
            ("USDC-BEP20", Some("USDC"), Some(Bsc)),
            ("USDT_BSC", Some("USDT"), Some(Bsc)),
            ("USDC (Solana)", Some("USDC"), Some(Solana)),
            ("USDT-ERC20", Some("USDT"), Some(Ethereum)),
            ("FDUSD", Some("FDUSD"), None),
            ("USDT", Some("USDT"), None),
            ("BTC", None, Some(Bitcoin)),
            ("ETH", None, Some(Ethereum)),
            ("TRX", None, Some(Tron)),
            ("BNB", None, None),
            ("XMR", None, None),
            ("USDT-XYZ", Some("USDT"), None),
        ] {
            assert_eq!(
                coin::parse_asset(label),
                coin::Asset { stablecoin, chain },
                "{label}"
            );
        }
    }

    #[test]
    fn published_addresses_validate_and_altered_ones_do_not() {
        use coin::Chain::*;
        let valid = [
            (Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
            (Bitcoin, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            (Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
            (Bitcoin, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
            (
                Bitcoin,
                "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            ),
            (
                Bitcoin,
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            ),
            (Ethereum, "0x52908400098527886E0F7030069857D2E4169EE7"),
            (Bsc, "0xde709f2102306220921060314715629080e2fb77"),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
            (Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
            (Solana, "So11111111111111111111111111111111111111112"),
        ];
        for (chain, address) in valid {
            assert_eq!(coin::validate(chain, address), Ok(()), "{address}");
        }
        let invalid = [
            (Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "checksum"),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
                "checksum",
            ),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4",
                "format",
            ),
            (
                Bitcoin,
                "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
                "format",
            ),
            // BIP 350: version 1 under the bech32 constant, version 0 under bech32m.
            (
                Bitcoin,
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
                "checksum",
            ),
            (
                Bitcoin,
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                "checksum",
            ),
            // BIP 173: a version 0 program of 16 bytes.
            (Bitcoin, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "format"),
            (
                Bitcoin,
                "0x52908400098527886E0F7030069857D2E4169EE7",
                "format",
            ),
            (
                Ethereum,
                "0x52908400098527886E0F7030069857D2E4169EE",
                "format",
            ),
            (
                Ethereum,
                "52908400098527886E0F7030069857D2E4169EE7",
                "format",
            ),
            (
                Ethereum,
                "0x52908400098527886E0F7030069857D2E4169EG7",
                "format",
            ),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "checksum"),
            (Tron, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "format"),
            (Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", "format"),
            (Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyT", "format"),
        ];
        for (chain, address, reason) in invalid {
            assert_eq!(coin::validate(chain, address), Err(reason), "{address}");
        }
    }

    proptest! {
        #[test]
        fn one_changed_character_breaks_a_checksummed_address(
            which in 0usize..4,
            position in 0usize..100,
            replacement in 0usize..58,
        ) {
            let (chain, address, alphabet): (coin::Chain, &str, &[u8]) = match which {
                0 => (coin::Chain::Bitcoin, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
                1 => (coin::Chain::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
                2 => (coin::Chain::Bitcoin, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
                _ => (coin::Chain::Bitcoin, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
            };
            // Past the prefix that decides the format (`1`, `T`, `bc1`).
            let skip = if which >= 2 { 3 } else { 1 };
            let i = skip + position % (address.len() - skip);
            let mut bytes = address.as_bytes().to_vec();
            let new = alphabet[replacement % alphabet.len()];
            prop_assume!(bytes[i] != new);
            bytes[i] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(coin::validate(chain, &changed).is_err(), "{}", changed);
        }
    }

    #[test]
    fn an_unknown_chain_is_never_held_against_the_address() {
        for asset in ["XMR", "USDT", "BNB", "LTC", "ADA"] {
            let got = codes(|a| {
                a["payout"] = json!({"method": "crypto", "crypto_asset": asset,
                    "crypto_address": "definitely not an address"});
            });
            assert_eq!(got, [PAY_CRYPTO], "{asset}");
        }
        // A crypto payout without any label is still a crypto payout.
        assert_eq!(
            codes(|a| a["payout"] = json!({"method": "crypto"})),
            [PAY_CRYPTO]
        );
    }

    #[test]
    fn stablecoins_on_ethereum_or_solana_are_plain_crypto() {
        for (asset, address) in [
            ("USDC-ERC20", "0x52908400098527886E0F7030069857D2E4169EE7"),
            (
                "USDC (Solana)",
                "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
            ),
            ("USDT", "0x52908400098527886E0F7030069857D2E4169EE7"),
        ] {
            let got = codes(|a| {
                a["payout"] =
                    json!({"method": "crypto", "crypto_asset": asset, "crypto_address": address});
            });
            assert_eq!(got, [PAY_CRYPTO], "{asset}");
        }
    }
}
