//! The reason-code catalog. Every code a check can emit is listed here once, with its category and a
//! one-line summary; `docs/signals.md` documents each one and a test keeps the two in step.

use crate::model::Category;

pub struct CodeInfo {
    pub code: &'static str,
    pub category: Category,
    pub summary: &'static str,
}

macro_rules! catalog {
    ($($name:ident => $category:ident, $summary:literal;)*) => {
        $(pub const $name: &str = stringify!($name);)*
        pub static CATALOG: &[CodeInfo] = &[
            $(CodeInfo { code: $name, category: Category::$category, summary: $summary },)*
        ];
    };
}

catalog! {
    ID_NAME_MISMATCH => Identity, "The name on the document shares no name with what the applicant declared.";
    ID_DOB_SLIP => Identity, "The document's date of birth differs from the declared one by a slip of the pen.";
    ID_DOB_OTHER_PERSON => Identity, "The document's date of birth is not the declared one by any slip: another person's.";
    ID_NATIONALITY_MISMATCH => Identity, "The document's nationality differs from the declared nationality.";
    ID_RESIDENCE_TIMEZONE_MISMATCH => Identity, "The declared working time zone is not used in the declared country of residence.";
    ID_SHIPPING_COUNTRY_MISMATCH => Identity, "Equipment is to be shipped to another country than the applicant's residence.";
    ID_SHIPPING_REGION_MISMATCH => Identity, "Equipment is to be shipped to another region of the country of residence.";
    ID_SHIPPING_RECIPIENT_MISMATCH => Identity, "Equipment is to be shipped to someone other than the applicant.";
    ID_DOCUMENT_EXPIRED => Identity, "The identity document had expired when the application was made.";
    ID_DOCUMENT_EXPIRING => Identity, "The identity document expires within 30 days.";
    ID_DOCUMENT_DATES_INCONSISTENT => Identity, "The document's issue, expiry and birth dates contradict each other.";
    ID_AGE_IMPLAUSIBLE => Identity, "The date of birth makes the applicant younger than 16 or older than 90.";
    ID_DOCUMENT_KIND_IMPLAUSIBLE => Identity, "The document kind does not fit its issuer.";
    ID_DPRK_DOCUMENT => Identity, "The document was issued by North Korea or names North Korean nationality.";
    ID_VENDOR_CHECK_FAILED => Identity, "The identity-verification vendor failed the document.";
    ID_LIVENESS_FAILED => Identity, "The vendor's liveness check failed.";
    ID_FACE_MATCH_LOW => Identity, "The selfie matches the document portrait poorly.";
    ID_VENDOR_PERSON_MISMATCH => Identity, "The document the vendor verified names another person than the application.";
    ID_VENDOR_DOCUMENT_MISMATCH => Identity, "The vendor verified another document of the applicant than the application's.";
    ID_NAME_MIXED_SCRIPT => Identity, "A name mixes letters of two scripts inside one word (look-alike letters).";
    ID_MRZ_MALFORMED => Identity, "The machine-readable zone has the wrong shape or characters.";
    ID_MRZ_CHECK_DIGIT => Identity, "A check digit of the machine-readable zone does not match its data.";
    ID_MRZ_OCR_SUBSTITUTION => Identity, "The machine-readable zone only validates with OCR look-alike characters read differently.";
    ID_MRZ_FORMAT => Identity, "The machine-readable zone breaks ICAO 9303 layout rules.";
    ID_MRZ_NAME_MISMATCH => Identity, "The printed name differs from the machine-readable zone's.";
    ID_MRZ_NUMBER_MISMATCH => Identity, "The document number differs from the machine-readable zone's.";
    ID_MRZ_DOB_MISMATCH => Identity, "The printed date of birth differs from the machine-readable zone's.";
    ID_MRZ_EXPIRY_MISMATCH => Identity, "The printed expiry date differs from the machine-readable zone's.";
    ID_MRZ_SEX_MISMATCH => Identity, "The printed sex differs from the machine-readable zone's.";
    ID_MRZ_NATIONALITY_MISMATCH => Identity, "The printed nationality differs from the machine-readable zone's.";
    ID_MRZ_ISSUER_MISMATCH => Identity, "The issuing state differs from the machine-readable zone's.";
    NET_DPRK_ADDRESS_SPACE => Network, "A session came from address space allocated to North Korea.";
    NET_ADVISORY_ADDRESS => Network, "A session came from an address published as a DPRK IT-worker indicator.";
    NET_ANONYMIZER_ALWAYS => Network, "Every session came through a VPN, proxy, Tor or hosting network.";
    NET_ANONYMIZER_SOMETIMES => Network, "Some sessions came through a VPN, proxy, Tor or hosting network.";
    NET_SESSIONS_ABROAD => Network, "Most located sessions come from abroad and the browser clock does not place the applicant there.";
    NET_WORKING_ABROAD => Network, "The applicant works from abroad: sessions from another country, browser clock on local time there.";
    NET_WORKING_FROM_DPRK_WORKER_BASE => Network, "The applicant works from a country named as a base of DPRK IT workers, while living elsewhere.";
    NET_DPRK_BORDER_REGION => Network, "A session came from Liaoning, Jilin or Primorye while the applicant lives elsewhere.";
    NET_IP_KVM => Network, "An IP-KVM device controls the applicant's machine.";
    NET_REMOTE_DESKTOP => Network, "Remote-desktop software runs on the applicant's machine.";
    NET_INTERVIEW_WEBCAM_OFF => Network, "The webcam was off during an interview.";
    NET_KOREAN_LOCALE => Network, "Korean browser language or keyboard with nothing else Korean about the applicant.";
    NET_PYONGYANG_TIMEZONE => Network, "The browser's clock is set to Pyongyang time.";
    NET_CLOCK_AWAY_FROM_RESIDENCE => Network, "The browser's clock is in another zone than the declared residence, not explained by working abroad.";
    NET_CLOCK_CONTRADICTS_IP_LOCATION => Network, "The browser's clock disagrees with the time zone of a non-anonymised IP.";
    NET_CLOCK_CONTRADICTS_TIMEZONE => Network, "The browser's UTC offset does not match the zone it reports.";
    NET_IMPOSSIBLE_TRAVEL => Network, "Two sessions are farther apart than anyone could travel in between.";
    NET_OFF_HOURS_ACTIVITY => Network, "Activity falls in the residence's night and the UTC+8/+9 office day.";
    NET_SESSIONS_UNLOCATABLE => Network, "Some sessions report private or special-purpose addresses that no IP database can place.";
    NET_ALLOW_ENTRY_APPLIED => Network, "Sessions came from an IP range or ASN the tenant allows; their network signals are left out.";
    ID_DOCUMENT_REUSED => Identity, "The document number appears on applications of another identity.";
    ID_PORTRAIT_REUSED => Identity, "The portrait (identical or near-identical) appears on applications of another identity.";
    PAY_IBAN_INVALID => Payout, "The IBAN fails its ISO 13616 check digits, length or country prefix.";
    PAY_BIC_INVALID => Payout, "The BIC is not a well-formed ISO 9362 code of an assigned country.";
    PAY_BANK_COUNTRY_MISMATCH => Payout, "The IBAN's, the BIC's and the declared bank country disagree.";
    PAY_BANK_COUNTRY_DPRK => Payout, "The payout bank is in North Korea.";
    PAY_BANK_COUNTRY_UNRELATED => Payout, "The payout bank is in a country the applicant has no declared tie to.";
    PAY_HOLDER_NAME_MISMATCH => Payout, "The payout account is held by another person than the applicant.";
    PAY_HOLDER_IS_COMPANY => Payout, "The payout account is held by a company.";
    PAY_CRYPTO => Payout, "Pay is to go to a crypto-asset address.";
    PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN => Payout, "Pay is to go out as a stablecoin on TRON or BNB Smart Chain.";
    PAY_CRYPTO_ADDRESS_INVALID => Payout, "The crypto address is malformed for the chain its asset names.";
    PAY_FREQUENT_CHANGES => Payout, "The payout account changed three or more times in 90 days.";
    SAN_APPLICANT_MATCH_CORROBORATED => Sanctions, "The applicant matches a sanctions-list entry and their birth date or a listed identifier confirms it.";
    SAN_APPLICANT_NAME_MATCH => Sanctions, "The applicant's name matches a sanctions-list entry; nothing confirms or rules out the same person.";
    SAN_NAMESAKE_CONTRADICTED => Sanctions, "The applicant's name matches a sanctions-list entry that their birth date or documents rule out.";
    SAN_PAYOUT_ADDRESS_LISTED => Sanctions, "The payout crypto address is on a sanctions list.";
    SAN_PAYOUT_HOLDER_ENTITY => Sanctions, "The payout account is held by a listed organisation.";
    SAN_PAYOUT_HOLDER_PERSON => Sanctions, "The payout account's holder, who is not the applicant, matches a listed person.";
    SAN_POSSIBLE_MATCH => Sanctions, "A name resembles a sanctions-list entry below the match threshold.";
    SAN_WATCHLIST_MATCH => Sanctions, "A name or identifier matches the DPRK watchlist or the tenant's own list.";
    SAN_IDENTIFIER_LISTED => Sanctions, "The applicant's e-mail address or document number appears on a sanctions list.";
    LNK_SHARED_PAYOUT_ACCOUNT => Links, "The payout account is also used by applications under other names.";
    LNK_SHARED_DEVICE => Links, "A device is also used by applications under other names.";
    LNK_SHARED_SHIPPING_ADDRESS => Links, "The shipping address is also given by applications under other names.";
    LNK_SHARED_PHONE => Links, "The phone number is also given by applications under other names.";
    LNK_SHARED_EMAIL => Links, "The e-mail address is also given by applications under other names.";
    LNK_SHARED_REMOTE_ACCESS_IP => Links, "Another identity works with remote-access tools from the same address or subnet.";
    LNK_LAPTOP_FARM => Links, "Three or more identities work with remote-access tools from one address or subnet.";
    LNK_SHARED_RESIDENTIAL_IP => Links, "Another identity was seen at the same residential address within 30 days.";
    LNK_RESIDENTIAL_IP_FARM => Links, "Three or more identities were seen at one residential address within 30 days, without remote-access tools.";
    LNK_CLUSTER_LARGE => Links, "More applications than the configured size are connected through strong shared attributes.";
    LNK_LINKED_TO_REJECTED => Links, "A linked application under another name is rejected on its own evidence.";
    LNK_LINKED_TO_CONFIRMED => Links, "A linked application under another name is a case a reviewer confirmed (a rejected decision).";
    LNK_ALLOW_ENTRY_APPLIED => Links, "An attribute the tenant allows (payout account, shipping address, IP range) links to nothing.";
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CATALOG.iter().find(|c| c.code == code)
}

/// Codes no longer raised, with the codes that took over their cases. A code never changes meaning:
/// when a rule changes what a code decides, the code is retired here (and in `docs/signals.md`),
/// never reused, and new codes take its place.
pub static RETIRED: &[(&str, &[&str])] = &[
    ("ID_DOB_MISMATCH", &[ID_DOB_SLIP, ID_DOB_OTHER_PERSON]),
    (
        "NET_SESSION_COUNTRY_MISMATCH",
        &[
            NET_SESSIONS_ABROAD,
            NET_WORKING_ABROAD,
            NET_WORKING_FROM_DPRK_WORKER_BASE,
        ],
    ),
    (
        "NET_TIMEZONE_CONTRADICTS_RESIDENCE",
        &[NET_CLOCK_AWAY_FROM_RESIDENCE],
    ),
    (
        "NET_TIMEZONE_CONTRADICTS_IP",
        &[NET_CLOCK_CONTRADICTS_IP_LOCATION],
    ),
    (
        "SAN_APPLICANT_MATCH",
        &[
            SAN_APPLICANT_MATCH_CORROBORATED,
            SAN_APPLICANT_NAME_MATCH,
            SAN_NAMESAKE_CONTRADICTED,
        ],
    ),
    (
        "SAN_APPLICANT_MATCH_UNCONFIRMED",
        &[SAN_NAMESAKE_CONTRADICTED, SAN_APPLICANT_NAME_MATCH],
    ),
    (
        "SAN_PAYOUT_MATCH",
        &[
            SAN_PAYOUT_ADDRESS_LISTED,
            SAN_PAYOUT_HOLDER_ENTITY,
            SAN_PAYOUT_HOLDER_PERSON,
            SAN_APPLICANT_MATCH_CORROBORATED,
        ],
    ),
];

/// The codes that replaced a retired one, or `None` when `code` was never retired.
pub fn retired(code: &str) -> Option<&'static [&'static str]> {
    RETIRED.iter().find(|(c, _)| *c == code).map(|(_, by)| *by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_in_the_signal_catalog() {
        let doc = include_str!("../../docs/signals.md");
        for info in CATALOG {
            assert!(
                doc.contains(&format!("`{}`", info.code)),
                "{} is missing from docs/signals.md",
                info.code
            );
        }
    }

    #[test]
    fn retired_codes_are_documented_as_retired_and_never_reused() {
        let doc = include_str!("../../docs/signals.md");
        let retired_section = doc
            .split("## Retired codes")
            .nth(1)
            .expect("docs/signals.md has a Retired codes section");
        for (code, by) in RETIRED {
            assert!(lookup(code).is_none(), "{code} is retired but still raised");
            assert!(
                retired_section.contains(&format!("`{code}`")),
                "{code} is missing from the retired codes"
            );
            assert!(by.iter().all(|b| lookup(b).is_some()));
        }
    }

    #[test]
    fn codes_follow_the_contract_pattern_and_their_category_prefix() {
        for info in CATALOG {
            assert!(
                info.code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            );
            let prefix = match info.category {
                Category::Identity => "ID_",
                Category::Network => "NET_",
                Category::Payout => "PAY_",
                Category::Sanctions => "SAN_",
                Category::Links => "LNK_",
            };
            assert!(
                info.code.starts_with(prefix),
                "{} should start with {prefix}",
                info.code
            );
        }
    }
}
