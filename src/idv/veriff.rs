//! Veriff: `X-HMAC-SIGNATURE: <hex HMAC-SHA256 of the body>` keyed with the integration's shared
//! secret, and `X-AUTH-CLIENT: <the integration's API key>` (checked when the tenant configured
//! it). Only the body is signed, so replays are recognised by the event: the session id, the
//! attempt id, the decision and its time. Results come from the decision webhook; the platform's
//! reference is `verification.vendorData`, set when the session was created.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    Callback, ExtractedDocument, IdvResult, IdvVendor, MappedCheck, Outcome, PayloadError, Refusal,
    Vendor, VendorSecrets, date, text, verify_body_signature,
};
use crate::model::VendorStatus;

pub struct Veriff;

impl IdvVendor for Veriff {
    fn vendor(&self) -> Vendor {
        Vendor::Veriff
    }

    fn verify(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
        secrets: &VendorSecrets,
        _now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        verify_body_signature(header("x-hmac-signature"), body, secrets)?;
        match &secrets.client_id {
            Some(expected) if header("x-auth-client").as_deref() != Some(expected.as_str()) => {
                Err(Refusal::BadSignature)
            }
            _ => Ok(()),
        }
    }

    fn parse(&self, body: &[u8]) -> Result<Callback, PayloadError> {
        let decision = super::json(body)?;
        let verification = decision
            .get("verification")
            .filter(|v| v.is_object())
            .ok_or_else(|| PayloadError("the body is not a decision: no verification".into()))?;
        let session = text(verification, "/id")
            .ok_or_else(|| PayloadError("the verification has no id".into()))?;
        let status_word = text(verification, "/status").unwrap_or_default();
        let event_id = format!(
            "{session}:{}:{status_word}:{}",
            text(verification, "/attemptId").unwrap_or_default(),
            text(verification, "/decisionTime").unwrap_or_default(),
        );
        let status = match status_word.as_str() {
            "approved" => VendorStatus::Passed,
            "declined" => VendorStatus::Failed,
            "review" => VendorStatus::Inconclusive,
            "expired" | "abandoned" => VendorStatus::NotRun,
            other => {
                return Ok(Callback {
                    event_id,
                    outcome: Outcome::Ignored(format!("the decision {other:?} is not final")),
                });
            }
        };
        let reference = super::reference(text(verification, "/vendorData"))?;
        let insight = |label: &str| -> Option<bool> {
            let found = verification
                .get("insights")?
                .as_array()?
                .iter()
                .find(|i| i.get("label").and_then(Value::as_str) == Some(label))?;
            match found.get("result").and_then(Value::as_str)? {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            }
        };
        let empty = Value::Null;
        let person = verification.get("person").unwrap_or(&empty);
        let document = verification.get("document").unwrap_or(&empty);
        Ok(Callback {
            event_id,
            outcome: Outcome::Result {
                reference,
                result: IdvResult {
                    vendor_check: MappedCheck {
                        status,
                        liveness_passed: insight("faceLiveness"),
                        // Veriff's decision carries no face-match score.
                        face_match_score: None,
                    },
                    document: ExtractedDocument {
                        number: text(document, "/number").or_else(|| text(person, "/idNumber")),
                        given_names: text(person, "/firstName"),
                        surname: text(person, "/lastName"),
                        date_of_birth: date(person, "/dateOfBirth"),
                        nationality: text(person, "/nationality"),
                        issuing_country: text(document, "/country"),
                        expiry_date: date(document, "/validUntil"),
                    },
                    vendor_status: status_word,
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::sign_hex;
    use super::*;

    #[test]
    fn the_body_signature_and_the_configured_client_are_both_checked() {
        let body = br#"{"verification":{}}"#;
        let mut secrets = VendorSecrets {
            secrets: vec!["shared".into()],
            client_id: Some("api-key-1".into()),
        };
        let sig = sign_hex(b"shared", &[body]);
        let with = |client: &'static str| {
            let sig = sig.clone();
            move |name: &str| match name {
                "x-hmac-signature" => Some(sig.clone()),
                "x-auth-client" => Some(client.to_owned()),
                _ => None,
            }
        };
        assert_eq!(
            Veriff.verify(&with("api-key-1"), body, &secrets, Utc::now()),
            Ok(())
        );
        assert_eq!(
            Veriff.verify(&with("api-key-2"), body, &secrets, Utc::now()),
            Err(Refusal::BadSignature)
        );
        secrets.client_id = None;
        assert_eq!(
            Veriff.verify(&with("anything"), body, &secrets, Utc::now()),
            Ok(())
        );
        assert_eq!(
            Veriff.verify(&|_| None, body, &secrets, Utc::now()),
            Err(Refusal::Unsigned)
        );
    }

    #[test]
    fn a_decision_maps_to_vendor_check_and_document() {
        let body = serde_json::json!({"status": "success", "verification": {
            "id": "sess-1", "attemptId": "att-1", "status": "declined", "code": 9102,
            "vendorData": "app-3", "decisionTime": "2026-12-01T10:00:00.000Z",
            "person": {"firstName": "Kenji", "lastName": "Tanaka", "dateOfBirth": "1990-04-02",
                       "nationality": "US"},
            "document": {"number": "P123", "type": "PASSPORT", "country": "US", "validUntil": "2031-01-01"},
            "insights": [{"label": "faceLiveness", "result": "no", "category": "face"}]}});
        let cb = Veriff.parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(
            cb.event_id,
            "sess-1:att-1:declined:2026-12-01T10:00:00.000Z"
        );
        let Outcome::Result { reference, result } = cb.outcome else {
            panic!("a result")
        };
        assert_eq!(reference, "app-3");
        assert_eq!(result.vendor_check.status, VendorStatus::Failed);
        assert_eq!(result.vendor_check.liveness_passed, Some(false));
        assert_eq!(result.document.number.as_deref(), Some("P123"));
        assert_eq!(
            result.document.expiry_date.unwrap().to_string(),
            "2031-01-01"
        );
    }

    #[test]
    fn a_resubmission_request_is_not_final() {
        let body =
            br#"{"verification":{"id":"s","status":"resubmission_requested","vendorData":"a"}}"#;
        assert!(matches!(
            Veriff.parse(body).unwrap().outcome,
            Outcome::Ignored(_)
        ));
        assert!(Veriff.parse(br#"{"status":"success"}"#).is_err());
    }
}
