//! Onfido (Entrust): `X-SHA2-Signature: <hex HMAC-SHA256 of the body>` keyed with the webhook's
//! token. Only the body is signed (no timestamp), so replays are recognised by the event: Onfido's
//! envelope carries no event id, and the event is identified by its action, the object's id and the
//! object's completion time (all inside the signed body). Results come from Onfido Studio's
//! `workflow_run.completed` event with the workflow run as `resource`: its `status`, its `output`
//! (`document`: the Document report's properties, `facial_similarity`: the Facial Similarity
//! report), and the platform's reference in `customer_user_id` (else a tag `vetgate:<reference>`).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    Callback, ExtractedDocument, IdvResult, IdvVendor, MappedCheck, Outcome, PayloadError, Refusal,
    Vendor, VendorSecrets, date, score, text, verify_body_signature,
};
use crate::model::VendorStatus;

pub struct Onfido;

/// Tag prefix naming the platform's reference when `customer_user_id` is not set.
const TAG_PREFIX: &str = "vetgate:";

impl IdvVendor for Onfido {
    fn vendor(&self) -> Vendor {
        Vendor::Onfido
    }

    fn verify(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
        secrets: &VendorSecrets,
        _now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        verify_body_signature(header("x-sha2-signature"), body, secrets)
    }

    fn parse(&self, body: &[u8]) -> Result<Callback, PayloadError> {
        let envelope = super::json(body)?;
        let payload = envelope
            .get("payload")
            .ok_or_else(|| PayloadError("the body has no payload".into()))?;
        let action = text(payload, "/action")
            .ok_or_else(|| PayloadError("the payload has no action".into()))?;
        let object_id = text(payload, "/object/id")
            .ok_or_else(|| PayloadError("the payload has no object.id".into()))?;
        let object_status = text(payload, "/object/status").unwrap_or_default();
        let at = text(payload, "/object/completed_at_iso8601").unwrap_or_default();
        let event_id = format!("{action}:{object_id}:{at}:{object_status}");
        if action != "workflow_run.completed" {
            return Ok(Callback {
                event_id,
                outcome: Outcome::Ignored(format!("the event {action:?} carries no result")),
            });
        }
        let run = payload.get("resource").ok_or_else(|| {
            PayloadError("the workflow_run.completed event carries no resource".into())
        })?;
        let reference = text(run, "/customer_user_id").or_else(|| {
            run.get("tags")?.as_array()?.iter().find_map(|t| {
                t.as_str()?
                    .strip_prefix(TAG_PREFIX)
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
            })
        });
        let reference = super::reference(reference)?;
        let run_status = text(run, "/status").unwrap_or(object_status);
        let status = match run_status.as_str() {
            "approved" => VendorStatus::Passed,
            "declined" => VendorStatus::Failed,
            "review" => VendorStatus::Inconclusive,
            "abandoned" | "error" => VendorStatus::NotRun,
            other => {
                return Ok(Callback {
                    event_id,
                    outcome: Outcome::Ignored(format!("the run's status {other:?} is not final")),
                });
            }
        };
        let empty = Value::Null;
        let output = run.get("output").unwrap_or(&empty);
        let face = output.get("facial_similarity").unwrap_or(&empty);
        let clear = |pointer: &str| match text(face, pointer).as_deref() {
            Some("clear") => Some(true),
            Some("consider") => Some(false),
            _ => None,
        };
        let doc = output.get("document").unwrap_or(&empty);
        let number = doc
            .get("document_numbers")
            .and_then(Value::as_array)
            .and_then(|numbers| {
                numbers
                    .iter()
                    .find(|n| n.get("type").and_then(Value::as_str) == Some("document_number"))
                    .or_else(|| numbers.first())
            })
            .and_then(|n| text(n, "/value"));
        Ok(Callback {
            event_id,
            outcome: Outcome::Result {
                reference,
                result: IdvResult {
                    vendor_check: MappedCheck {
                        status,
                        liveness_passed: clear("/breakdown/visual_authenticity/result"),
                        face_match_score: score(face, "/properties/score"),
                    },
                    document: ExtractedDocument {
                        number,
                        given_names: text(doc, "/first_name"),
                        surname: text(doc, "/last_name"),
                        date_of_birth: date(doc, "/date_of_birth"),
                        nationality: text(doc, "/nationality"),
                        issuing_country: text(doc, "/issuing_country"),
                        expiry_date: date(doc, "/date_of_expiry"),
                    },
                    vendor_status: run_status,
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
    fn only_the_body_is_signed_with_the_token() {
        let body = br#"{"payload":{}}"#;
        let secrets = VendorSecrets {
            secrets: vec!["token-a".into()],
            client_id: None,
        };
        let sig = sign_hex(b"token-a", &[body]);
        let header = |name: &str| (name == "x-sha2-signature").then(|| sig.clone());
        assert_eq!(Onfido.verify(&header, body, &secrets, Utc::now()), Ok(()));
        assert_eq!(
            Onfido.verify(&header, br#"{"payload":{ }}"#, &secrets, Utc::now()),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            Onfido.verify(&|_| None, body, &secrets, Utc::now()),
            Err(Refusal::Unsigned)
        );
    }

    #[test]
    fn a_completed_workflow_run_maps_to_vendor_check_and_document() {
        let body = serde_json::json!({"payload": {
            "resource_type": "workflow_run", "action": "workflow_run.completed",
            "object": {"id": "run-1", "status": "declined", "completed_at_iso8601": "2026-12-01T10:00:00Z",
                       "href": "https://api.eu.onfido.com/v3.6/workflow_runs/run-1"},
            "resource": {"id": "run-1", "status": "declined", "tags": ["vetgate:app-7"],
              "output": {
                "document": {"document_numbers": [{"type": "document_number", "value": "P999"}],
                             "first_name": "Kenji", "last_name": "Tanaka", "date_of_birth": "1990-04-02",
                             "nationality": "USA", "issuing_country": "USA", "date_of_expiry": "2031-01-01"},
                "facial_similarity": {"result": "consider", "properties": {"score": 0.41},
                  "breakdown": {"visual_authenticity": {"result": "consider"}}}}}}});
        let cb = Onfido.parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(
            cb.event_id,
            "workflow_run.completed:run-1:2026-12-01T10:00:00Z:declined"
        );
        let Outcome::Result { reference, result } = cb.outcome else {
            panic!("a result")
        };
        assert_eq!(reference, "app-7");
        assert_eq!(result.vendor_check.status, VendorStatus::Failed);
        assert_eq!(result.vendor_check.liveness_passed, Some(false));
        assert_eq!(result.vendor_check.face_match_score, Some(0.41));
        assert_eq!(result.document.number.as_deref(), Some("P999"));
        assert_eq!(result.document.issuing_country.as_deref(), Some("USA"));
    }

    #[test]
    fn other_events_are_ignored() {
        let body =
            br#"{"payload":{"action":"check.completed","object":{"id":"c","status":"complete"}}}"#;
        assert!(matches!(
            Onfido.parse(body).unwrap().outcome,
            Outcome::Ignored(_)
        ));
        assert!(
            Onfido
                .parse(br#"{"payload":{"action":"workflow_run.completed","object":{"id":"r"}}}"#)
                .is_err()
        );
    }
}
