//! The account the applicant is paid into: whether its identifiers are well formed (IBAN, BIC,
//! crypto address, parsed by the value types of [`crate::model::payout`]), which country its bank
//! is in, who holds it, which rails pay leaves on, and how often the account changes. Pure: nothing
//! is looked up here; an account shared with other applications is the links checks' business, a
//! holder on a sanctions list the sanctions screen's, whether the holder is the applicant
//! [`super::same_person`]'s.
//!
//! Evidence never quotes an IBAN, account number or crypto address (they are PII, indexed only as
//! keyed hashes): at most the country code an IBAN starts with.

use std::collections::BTreeSet;

use serde_json::json;

use super::codes::*;
use super::same_person::SAME_PERSON_MIN;
use super::{Facts, signal};
use crate::model::names::normalize::{fold, tokens};
use crate::model::payout::{Bic, Chain, CryptoAddress, CryptoAsset, Iban, banking_country};
use crate::model::{Application, Country, Payout, PayoutMethod, Signal};

/// `changes_last_90_days` at or above this is frequent: one change (a new bank) and a correction
/// of it are ordinary; a third account within a quarter is not.
pub(crate) const FREQUENT_CHANGES_MIN: u32 = 3;

pub(crate) fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let Some(payout) = &app.payout else {
        return;
    };
    let iban = present(&payout.iban).map(str::parse::<Iban>);
    let bic = present(&payout.bic).map(str::parse::<Bic>);
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

/// E-money institutions and fintech banks whose account details say nothing about where their
/// customer lives: Wise hands a US resident Belgian IBANs, Revolut Lithuanian ones, N26 French IBANs
/// under its German BIC, Payoneer Irish (Citibank) or Luxembourg (Banking Circle) ones. Recognised
/// by the payout method, the BIC's bank code, the bank code inside the IBAN, or the bank's name.
fn fintech(payout: &Payout, iban: Option<&Iban>, bic: Option<&Bic>) -> Option<&'static str> {
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
        && let Some((_, name)) = BIC_BANKS.iter().find(|(code, _)| *code == bic.bank_code())
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
    iban: Option<&Iban>,
    bic: Option<&Bic>,
    out: &mut Vec<Signal>,
) {
    // Declared first: it is the bank country when given; otherwise the IBAN's, then the BIC's.
    let known: Vec<(&str, Country)> = [
        ("bank_country", payout.bank_country),
        ("iban", iban.map(Iban::country)),
        ("bic", bic.map(Bic::country)),
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
            "iban_country": iban.map(Iban::country),
            "bic_country": bic.map(Bic::country),
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
    let areas: BTreeSet<Country> = known.iter().map(|(_, c)| banking_country(*c)).collect();
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
        .map(banking_country)
        .collect();
    if !ties.contains(&banking_country(bank)) {
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

/// Chains where most illicit stablecoin volume moves (see docs/signals.md).
fn high_risk(chain: Chain) -> bool {
    matches!(chain, Chain::Tron | Chain::Bsc)
}

fn crypto(payout: &Payout, out: &mut Vec<Signal>) {
    let address = present(&payout.crypto_address);
    if payout.method != PayoutMethod::Crypto && address.is_none() {
        return;
    }
    let label = present(&payout.crypto_asset);
    let asset = label.map(CryptoAsset::parse).unwrap_or_default();
    // A stablecoin whose label names no chain is on TRON when its address is a TRON address.
    let (chain, chain_source) = match (asset.chain, address) {
        (Some(chain), _) => (Some(chain), "asset"),
        (None, Some(a))
            if asset.stablecoin.is_some() && CryptoAddress::parse(Chain::Tron, a).is_ok() =>
        {
            (Some(Chain::Tron), "address")
        }
        _ => (None, "asset"),
    };

    // One payout, one signal for its rails: the stablecoin on a high-risk chain replaces the plain
    // crypto signal, which says less about the same evidence.
    match (asset.stablecoin, chain) {
        (Some(stablecoin), Some(chain)) if high_risk(chain) => out.push(signal(
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
                "chain": chain.map(Chain::name),
            }),
        )),
    }

    // Only a chain the asset names is held against the address: the address alone proves nothing.
    if let (Some(chain), Some(address)) = (asset.chain, address)
        && let Err(reason) = CryptoAddress::parse(chain, address)
    {
        out.push(signal(
            PAY_CRYPTO_ADDRESS_INVALID,
            format!(
                "The crypto address is not a valid {} address ({reason}).",
                chain.name()
            ),
            json!({ "asset": label, "chain": chain.name(), "reason": reason.code() }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{application, now};
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
