//! Identity-verification vendors' callbacks (docs/idv.md): Persona, Onfido and Veriff, one module
//! each behind [`IdvVendor`]. A module verifies its vendor's signature header over the raw body
//! with the tenant's secret, and turns the vendor's payload into what vetgate keeps: the vendor's
//! event id (replay protection), the platform's reference to the application, and a result mapped
//! to the contract's `vendor_check` (status, liveness, face match) plus the document fields the
//! vendor extracted. Pure: no I/O, "now" is handed in.

mod onfido;
mod persona;
mod veriff;

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::model::VendorStatus;

/// How far a signed timestamp may lie from now (either way) before the callback counts as replayed.
pub const TIMESTAMP_TOLERANCE_SECONDS: i64 = 5 * 60;

/// Largest callback body accepted.
pub const BODY_MAX: usize = 512 * 1024;

/// The vendors vetgate takes callbacks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Persona,
    Onfido,
    Veriff,
}

impl Vendor {
    pub const ALL: [Vendor; 3] = [Vendor::Persona, Vendor::Onfido, Vendor::Veriff];

    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Persona => "persona",
            Vendor::Onfido => "onfido",
            Vendor::Veriff => "veriff",
        }
    }

    pub fn parse(s: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The module that reads this vendor's callbacks.
    pub fn module(self) -> &'static dyn IdvVendor {
        match self {
            Vendor::Persona => &persona::Persona,
            Vendor::Onfido => &onfido::Onfido,
            Vendor::Veriff => &veriff::Veriff,
        }
    }
}

/// The tenant's secrets for one vendor: the current one and, during a rotation's overlap, the one
/// it replaced.
pub struct VendorSecrets {
    pub secrets: Vec<String>,
    /// Veriff: the integration's public API key expected in `X-AUTH-CLIENT`, when configured.
    pub client_id: Option<String>,
}

/// Why a callback's authentication failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The signature header is missing or unreadable.
    Unsigned,
    /// No secret of the tenant produces the signature.
    BadSignature,
    /// Signed correctly, but the signed timestamp lies outside the tolerance.
    Stale,
}

/// A signed payload that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError(pub String);

/// What the vendor said about one verification, as vetgate keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdvResult {
    /// The contract's `vendor_check` fields.
    pub vendor_check: MappedCheck,
    /// The document fields the vendor extracted.
    pub document: ExtractedDocument,
    /// The vendor's own status word, for the record (`approved`, `declined`…).
    pub vendor_status: String,
}

/// `identity_document.vendor_check` as the contract allows it: status, liveness, face match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappedCheck {
    pub status: VendorStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_passed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_match_score: Option<f64>,
}

/// The document fields a vendor extracted; every field optional (vendors extract what the document
/// shows and the workflow asks for).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedDocument {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// As the vendor gave it (alpha-2, alpha-3 or ICAO); compared after mapping to alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<NaiveDate>,
}

impl ExtractedDocument {
    pub fn is_empty(&self) -> bool {
        *self == ExtractedDocument::default()
    }
}

/// A verified callback, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The vendor's id of this event (or, where the vendor sends none, the fields that identify it:
    /// docs/idv.md).
    pub event_id: String,
    /// What happened.
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A result for the application the platform's reference names.
    Result {
        reference: String,
        result: IdvResult,
    },
    /// An event that carries no result (a verification started, a non-final status): acknowledged,
    /// nothing stored.
    Ignored(String),
}

/// One vendor's callbacks.
pub trait IdvVendor: Sync {
    fn vendor(&self) -> Vendor;

    /// Checks the signature of `body` with any of `secrets` (header names are case-insensitive;
    /// `header` answers `None` for a header absent or not text).
    fn verify(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
        secrets: &VendorSecrets,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal>;

    /// Reads a verified body.
    fn parse(&self, body: &[u8]) -> Result<Callback, PayloadError>;
}

/// HMAC-SHA256 of `parts` (concatenated) under `key`, compared in constant time with the hex
/// `signature` (either case).
pub(crate) fn hmac_matches(key: &[u8], parts: &[&[u8]], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected).is_ok()
}

/// A signature over the body alone (Onfido, Veriff): the header holds its hex HMAC-SHA256 under one
/// of the tenant's secrets.
pub(crate) fn verify_body_signature(
    signature: Option<String>,
    body: &[u8],
    secrets: &VendorSecrets,
) -> Result<(), Refusal> {
    let signature = signature
        .filter(|s| !s.trim().is_empty())
        .ok_or(Refusal::Unsigned)?;
    if secrets
        .secrets
        .iter()
        .any(|s| hmac_matches(s.as_bytes(), &[body], &signature))
    {
        Ok(())
    } else {
        Err(Refusal::BadSignature)
    }
}

/// Hex HMAC-SHA256 of `parts` under `key` (tests and docs build signatures with it).
pub fn sign_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// A body's JSON, or why not.
pub(crate) fn json(body: &[u8]) -> Result<serde_json::Value, PayloadError> {
    serde_json::from_slice(body).map_err(|e| {
        PayloadError(format!(
            "the body is not JSON (line {} column {})",
            e.line(),
            e.column()
        ))
    })
}

/// The text at `pointer`, trimmed, when it is a non-empty string.
pub(crate) fn text(value: &serde_json::Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect())
}

/// A `YYYY-MM-DD` date at `pointer` (a longer ISO 8601 timestamp is read by its date).
pub(crate) fn date(value: &serde_json::Value, pointer: &str) -> Option<NaiveDate> {
    let raw = text(value, pointer)?;
    NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()
}

/// A score in [0, 1] at `pointer` (a number, or a percentage over 1 up to 100).
pub(crate) fn score(value: &serde_json::Value, pointer: &str) -> Option<f64> {
    let n = value.pointer(pointer)?.as_f64()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    if n <= 1.0 {
        Some(n)
    } else if n <= 100.0 {
        Some(n / 100.0)
    } else {
        None
    }
}

/// A reference the platform set: an `external_ref` or an application id (at most 200 characters,
/// no control characters).
pub(crate) fn reference(raw: Option<String>) -> Result<String, PayloadError> {
    match raw {
        Some(r) if r.chars().count() <= 200 && !r.chars().any(char::is_control) => Ok(r),
        Some(_) => Err(PayloadError("the reference is not usable".into())),
        None => Err(PayloadError(
            "the payload names no reference to an application".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_comparison_accepts_the_right_signature_in_either_case_and_nothing_else() {
        let sig = sign_hex(b"key", &[b"a", b"b"]);
        assert!(hmac_matches(b"key", &[b"ab"], &sig));
        assert!(hmac_matches(b"key", &[b"ab"], &sig.to_uppercase()));
        assert!(!hmac_matches(b"other", &[b"ab"], &sig));
        assert!(!hmac_matches(b"key", &[b"abc"], &sig));
        assert!(!hmac_matches(b"key", &[b"ab"], &sig[..10]));
        assert!(!hmac_matches(b"key", &[b"ab"], "not hex"));
        assert!(!hmac_matches(b"key", &[b"ab"], ""));
    }

    #[test]
    fn vendors_parse_by_their_lower_case_names_only() {
        for v in Vendor::ALL {
            assert_eq!(Vendor::parse(v.as_str()), Some(v));
            assert_eq!(v.module().vendor(), v);
        }
        assert_eq!(Vendor::parse("Persona"), None);
        assert_eq!(Vendor::parse("jumio"), None);
    }

    #[test]
    fn no_payload_makes_a_vendor_module_panic() {
        let bodies = [
            r#"{"data":{"id":"e","attributes":{"name":"inquiry.approved","payload":{"data":{"attributes":{"reference-id":"r","status":7}},"included":[{"type":"verification/government-id","attributes":{"birthdate":"19","identification-number":[1]}},{"type":"verification/selfie","attributes":{"checks":[{"name":"selfie_liveness_detection"},3]}}]}}}}"#,
            r#"{"payload":{"action":"workflow_run.completed","object":{"id":"r"},"resource":{"status":"approved","tags":[1,"vetgate:"," vetgate:x"],"output":{"document":{"document_numbers":[{}],"date_of_birth":"ééééééééééé"},"facial_similarity":{"properties":{"score":1e308}}}}}}"#,
            r#"{"verification":{"id":"s","status":"approved","vendorData":"","insights":[{"label":"faceLiveness"}],"person":[],"document":"x"}}"#,
            "[]",
            "null",
            "{\"data\":",
        ];
        for vendor in Vendor::ALL {
            for body in bodies {
                let bytes = body.as_bytes();
                for end in 0..=bytes.len() {
                    let _ = vendor.module().parse(&bytes[..end]);
                }
            }
        }
    }

    #[test]
    fn scores_read_as_fractions_or_percentages() {
        let v = serde_json::json!({"a": 0.91, "b": 87, "c": 140, "d": -1, "e": "0.9"});
        assert_eq!(score(&v, "/a"), Some(0.91));
        assert_eq!(score(&v, "/b"), Some(0.87));
        assert_eq!(score(&v, "/c"), None);
        assert_eq!(score(&v, "/d"), None);
        assert_eq!(score(&v, "/e"), None);
    }
}
