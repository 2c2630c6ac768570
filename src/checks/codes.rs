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
    ID_DOB_MISMATCH => Identity, "The document's date of birth differs from the declared one.";
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
    NET_SESSION_COUNTRY_MISMATCH => Network, "Most sessions come from outside the declared country of residence.";
    NET_DPRK_BORDER_REGION => Network, "A session came from Liaoning, Jilin or Primorye while the applicant lives elsewhere.";
    NET_IP_KVM => Network, "An IP-KVM device controls the applicant's machine.";
    NET_REMOTE_DESKTOP => Network, "Remote-desktop software runs on the applicant's machine.";
    NET_INTERVIEW_WEBCAM_OFF => Network, "The webcam was off during an interview.";
    NET_KOREAN_LOCALE => Network, "Korean browser language or keyboard with nothing else Korean about the applicant.";
    NET_PYONGYANG_TIMEZONE => Network, "The browser's clock is set to Pyongyang time.";
    NET_TIMEZONE_CONTRADICTS_RESIDENCE => Network, "The browser's clock is in another zone than the declared residence.";
    NET_TIMEZONE_CONTRADICTS_IP => Network, "The browser's clock disagrees with the IP's time zone.";
    NET_CLOCK_CONTRADICTS_TIMEZONE => Network, "The browser's UTC offset does not match the zone it reports.";
    NET_IMPOSSIBLE_TRAVEL => Network, "Two sessions are farther apart than anyone could travel in between.";
    NET_OFF_HOURS_ACTIVITY => Network, "Activity falls in the residence's night and the UTC+8/+9 office day.";
    ID_DOCUMENT_REUSED => Identity, "The document number appears on applications of another identity.";
    ID_PORTRAIT_REUSED => Identity, "The portrait (identical or near-identical) appears on applications of another identity.";
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CATALOG.iter().find(|c| c.code == code)
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
