//! Persona: `Persona-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`; during a
//! secret rotation Persona sends several `t=…,v1=…` groups separated by spaces, and one matching
//! `v1` is enough. The body is a JSON:API event whose `payload` is the inquiry, with its
//! verifications under `included`; the platform's reference is the inquiry's `reference-id`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    Callback, ExtractedDocument, IdvResult, IdvVendor, MappedCheck, Outcome, PayloadError, Refusal,
    TIMESTAMP_TOLERANCE_SECONDS, Vendor, VendorSecrets, date, hmac_matches, text,
};
use crate::model::VendorStatus;

pub struct Persona;

/// The inquiry events that carry a result.
const RESULT_EVENTS: &[&str] = &[
    "inquiry.completed",
    "inquiry.approved",
    "inquiry.declined",
    "inquiry.failed",
    "inquiry.marked-for-review",
];

/// The `(t, v1)` pairs of a `Persona-Signature` header.
fn signatures(header: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for group in header.split_whitespace() {
        let mut t = None;
        let mut v1 = Vec::new();
        for item in group.split(',') {
            match item.trim().split_once('=') {
                Some(("t", value)) => t = Some(value),
                Some(("v1", value)) => v1.push(value),
                _ => {}
            }
        }
        if let Some(t) = t {
            out.extend(v1.into_iter().map(|v| (t, v)));
        }
    }
    out
}

impl IdvVendor for Persona {
    fn vendor(&self) -> Vendor {
        Vendor::Persona
    }

    fn verify(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
        secrets: &VendorSecrets,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let value = header("persona-signature").ok_or(Refusal::Unsigned)?;
        let pairs = signatures(&value);
        if pairs.is_empty() {
            return Err(Refusal::Unsigned);
        }
        let signed_at = pairs.iter().find_map(|(t, v1)| {
            secrets
                .secrets
                .iter()
                .any(|s| hmac_matches(s.as_bytes(), &[t.as_bytes(), b".", body], v1))
                .then_some(*t)
        });
        let Some(t) = signed_at else {
            return Err(Refusal::BadSignature);
        };
        // The timestamp is signed: outside the window, the callback is a replay.
        match t.parse::<i64>() {
            Ok(t) if (now.timestamp() - t).abs() <= TIMESTAMP_TOLERANCE_SECONDS => Ok(()),
            _ => Err(Refusal::Stale),
        }
    }

    fn parse(&self, body: &[u8]) -> Result<Callback, PayloadError> {
        let event = super::json(body)?;
        let event_id = text(&event, "/data/id")
            .ok_or_else(|| PayloadError("the event has no data.id".into()))?;
        let name = text(&event, "/data/attributes/name").unwrap_or_default();
        if !RESULT_EVENTS.contains(&name.as_str()) {
            return Ok(Callback {
                event_id,
                outcome: Outcome::Ignored(format!("the event {name:?} carries no result")),
            });
        }
        let payload = event
            .pointer("/data/attributes/payload")
            .ok_or_else(|| PayloadError("the event has no payload".into()))?;
        let inquiry = payload
            .pointer("/data/attributes")
            .ok_or_else(|| PayloadError("the payload holds no inquiry".into()))?;
        let reference = super::reference(text(inquiry, "/reference-id"))?;
        let included: &[Value] = payload
            .get("included")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let last = |kind: &str| {
            included
                .iter()
                .rev()
                .find(|v| v.get("type").and_then(Value::as_str) == Some(kind))
                .and_then(|v| v.get("attributes"))
        };
        let government_id = last("verification/government-id");
        let selfie = last("verification/selfie");

        let inquiry_status = text(inquiry, "/status").unwrap_or_default();
        let verification_status =
            |v: Option<&Value>| v.and_then(|v| text(v, "/status")).unwrap_or_default();
        let status = match (name.as_str(), inquiry_status.as_str()) {
            ("inquiry.marked-for-review", _) | (_, "needs_review") => VendorStatus::Inconclusive,
            (_, "approved") => VendorStatus::Passed,
            (_, "declined" | "failed") => VendorStatus::Failed,
            (_, "completed") => {
                let statuses = [
                    verification_status(government_id),
                    verification_status(selfie),
                ];
                if statuses.iter().any(|s| s == "failed") {
                    VendorStatus::Failed
                } else if statuses.iter().all(|s| s == "passed") {
                    VendorStatus::Passed
                } else {
                    VendorStatus::Inconclusive
                }
            }
            _ => VendorStatus::Inconclusive,
        };
        let check = |name: &str| -> Option<bool> {
            let checks = selfie?.get("checks")?.as_array()?;
            let found = checks
                .iter()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(name))?;
            match found.get("status").and_then(Value::as_str)? {
                "passed" => Some(true),
                "failed" => Some(false),
                _ => None,
            }
        };
        let document = government_id
            .map(|g| ExtractedDocument {
                number: text(g, "/identification-number"),
                given_names: match (text(g, "/name-first"), text(g, "/name-middle")) {
                    (Some(first), Some(middle)) => Some(format!("{first} {middle}")),
                    (first, _) => first,
                },
                surname: text(g, "/name-last"),
                date_of_birth: date(g, "/birthdate"),
                nationality: text(g, "/nationality"),
                issuing_country: text(g, "/issuing-country"),
                expiry_date: date(g, "/expiration-date"),
            })
            .unwrap_or_default();
        Ok(Callback {
            event_id,
            outcome: Outcome::Result {
                reference,
                result: IdvResult {
                    vendor_check: MappedCheck {
                        status,
                        liveness_passed: check("selfie_liveness_detection"),
                        // Persona reports the comparison as passed or failed, without a score.
                        face_match_score: None,
                    },
                    document,
                    vendor_status: if inquiry_status.is_empty() {
                        name
                    } else {
                        inquiry_status
                    },
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::sign_hex;
    use super::*;

    fn secrets(list: &[&str]) -> VendorSecrets {
        VendorSecrets {
            secrets: list.iter().map(|s| s.to_string()).collect(),
            client_id: None,
        }
    }

    fn header_of(value: String) -> impl Fn(&str) -> Option<String> {
        move |name: &str| (name == "persona-signature").then(|| value.clone())
    }

    #[test]
    fn the_signed_timestamp_decides_and_any_v1_of_a_rotation_verifies() {
        let body = br#"{"data":{"id":"evt_1"}}"#;
        let now = Utc::now();
        let t = now.timestamp().to_string();
        let good = sign_hex(b"wbhsec_new", &[t.as_bytes(), b".", body]);
        let old = sign_hex(b"wbhsec_old", &[t.as_bytes(), b".", body]);
        let both = format!("t={t},v1={old} t={t},v1={good}");
        let p = Persona;
        assert_eq!(
            p.verify(&header_of(both), body, &secrets(&["wbhsec_new"]), now),
            Ok(())
        );
        assert_eq!(
            p.verify(
                &header_of(format!("t={t},v1={old}")),
                body,
                &secrets(&["wbhsec_new"]),
                now
            ),
            Err(Refusal::BadSignature)
        );
        // The timestamp is part of what is signed: changing it breaks the signature.
        let later = (now.timestamp() + 1).to_string();
        assert_eq!(
            p.verify(
                &header_of(format!("t={later},v1={good}")),
                body,
                &secrets(&["wbhsec_new"]),
                now
            ),
            Err(Refusal::BadSignature)
        );
        let stale_t = (now.timestamp() - TIMESTAMP_TOLERANCE_SECONDS - 1).to_string();
        let stale = sign_hex(b"wbhsec_new", &[stale_t.as_bytes(), b".", body]);
        assert_eq!(
            p.verify(
                &header_of(format!("t={stale_t},v1={stale}")),
                body,
                &secrets(&["wbhsec_new"]),
                now
            ),
            Err(Refusal::Stale)
        );
        assert_eq!(
            p.verify(&|_| None, body, &secrets(&["wbhsec_new"]), now),
            Err(Refusal::Unsigned)
        );
        assert_eq!(
            p.verify(
                &header_of("garbage".into()),
                body,
                &secrets(&["wbhsec_new"]),
                now
            ),
            Err(Refusal::Unsigned)
        );
    }

    #[test]
    fn an_approved_inquiry_maps_its_verifications_and_reference() {
        let body = serde_json::json!({"data": {"type": "event", "id": "evt_9", "attributes": {
        "name": "inquiry.completed",
        "payload": {"data": {"type": "inquiry", "id": "inq_1", "attributes": {
            "status": "completed", "reference-id": "app-1"}},
        "included": [
            {"type": "verification/government-id", "attributes": {"status": "passed",
              "identification-number": "X123", "name-first": "Kenji", "name-last": "Tanaka",
              "birthdate": "1990-04-02", "issuing-country": "US", "nationality": "US",
              "expiration-date": "2031-01-01"}},
            {"type": "verification/selfie", "attributes": {"status": "failed", "checks": [
              {"name": "selfie_liveness_detection", "status": "failed"},
              {"name": "selfie_id_comparison", "status": "passed"}]}}
        ]}}}});
        let cb = Persona.parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(cb.event_id, "evt_9");
        let Outcome::Result { reference, result } = cb.outcome else {
            panic!("a result")
        };
        assert_eq!(reference, "app-1");
        assert_eq!(result.vendor_check.status, VendorStatus::Failed);
        assert_eq!(result.vendor_check.liveness_passed, Some(false));
        assert_eq!(result.document.number.as_deref(), Some("X123"));
        assert_eq!(result.document.given_names.as_deref(), Some("Kenji"));
        assert_eq!(
            result.document.date_of_birth.unwrap().to_string(),
            "1990-04-02"
        );
    }

    #[test]
    fn other_events_are_ignored_and_bad_payloads_refused() {
        let started = br#"{"data":{"id":"evt_2","attributes":{"name":"inquiry.started"}}}"#;
        assert!(matches!(
            Persona.parse(started).unwrap().outcome,
            Outcome::Ignored(_)
        ));
        assert!(Persona.parse(b"not json").is_err());
        assert!(Persona.parse(br#"{"data":{}}"#).is_err());
        let no_ref = br#"{"data":{"id":"e","attributes":{"name":"inquiry.approved","payload":{"data":{"attributes":{"status":"approved"}}}}}}"#;
        assert!(Persona.parse(no_ref).is_err());
    }
}
