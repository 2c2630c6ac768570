//! The reviewer's side: decisions on applications, and the case queue (docs/reviews.md).

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::applications::{json_body, page_limit, raw_json, read_body, require_json};
use super::auth::{Caller, REVIEWS_WRITE, VERDICTS_READ};
use super::error::{ApiError, AuthErrors, ParamError, Problem};
use crate::model::json::member_pointer;
use crate::model::{Cause, FieldError, ReviewDecision, Verdict};
use crate::policy::review::{self, Basis};
use crate::store::{CaseStatus, ClaimOutcome, NewReview};

/// Longest reviewer note, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// `approved` clears the applicant (until new evidence arrives); `rejected` confirms the risk
    /// (a confirmed case: applications linked to it later get `LNK_LINKED_TO_CONFIRMED`);
    /// `escalated` hands the case to a second line.
    pub decision: ReviewDecision,
    /// Why, for the next reviewer (at most 2,000 characters; stored encrypted).
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub note: Option<String>,
}

fn parse_review(value: &Value) -> Result<ReviewRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut error = |pointer: &str, detail: &str| {
        errors.push(FieldError {
            pointer: pointer.into(),
            detail: detail.into(),
        })
    };
    let Some(object) = value.as_object() else {
        error("", "the body must be a JSON object");
        return Err(errors);
    };
    for key in object.keys() {
        if !matches!(key.as_str(), "decision" | "note") {
            error(&member_pointer("", key), "unknown field");
        }
    }
    let decision = match object.get("decision") {
        Some(Value::String(d)) => ReviewDecision::parse(d),
        Some(_) | None => None,
    };
    if decision.is_none() {
        error(
            "/decision",
            "is required: one of approved, rejected, escalated",
        );
    }
    let note = match object.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(note)) if note.chars().count() <= NOTE_MAX_CHARS => Some(note.clone()),
        Some(Value::String(_)) => {
            error("/note", "must be at most 2000 characters");
            None
        }
        Some(_) => {
            error("/note", "must be a string");
            None
        }
    };
    match decision {
        Some(decision) if errors.is_empty() => Ok(ReviewRequest { decision, note }),
        _ => Err(errors),
    }
}

/// Record a reviewer's decision on an application. The decision is a new verdict version
/// (`cause.kind = review`, `review` filled): `approved` makes the verdict `clear`, `rejected`
/// `reject`, `escalated` `review`; score and signals stay as screened. An approved applicant stays
/// `clear` on later screenings unless one finds evidence the reviewer had not seen (a new code that
/// forces `reject`, a new sanctions entry, a new linked application): the case then reopens and
/// `review.new_evidence` says what is new. The reviewer is the token's `sub`. Scope:
/// `reviews:write`.
#[utoipa::path(
    post, path = "/v1/applications/{id}/review", tag = "reviews",
    params(("id" = String, Path, description = "The service's application id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The new verdict version", body = Verdict),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Erased on request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unusable fields", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn decide(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(REVIEWS_WRITE)?;
    require_json(&req)?;
    let body = read_body(&req, payload, state.max_body_bytes, state.body_timeout).await?;
    let request = parse_review(&json_body(&body)?).map_err(ApiError::InvalidRequest)?;
    let store = state.store.tenant(&caller.tenant);
    let decision = request.decision;
    let stored = store
        .record_review(
            &id,
            NewReview {
                decision,
                reviewer: caller.subject.clone(),
                note: request.note.unwrap_or_default(),
                decided_at: Utc::now(),
            },
            |mut current, shown| {
                // What the reviewer saw: the current verdict, without what a reopening added.
                if let Some(previous) = current.review.as_mut() {
                    previous.new_evidence = None;
                }
                let basis =
                    serde_json::to_string(&Basis::of(&current)).unwrap_or_else(|_| "{}".into());
                (review::decided(current, shown), basis)
            },
        )
        .await?;
    let Some(recorded) = stored else {
        return Err(super::privacy::missing(&store, &id).await);
    };
    state.metrics.count_review(decision.as_str());
    // A confirmed case (or one no longer confirmed) changes the link evidence of the applications
    // linked to it: they are screened again. The decision stands either way.
    if recorded.confirmation_changed {
        match store.links(&id).await {
            Ok(Some(linked)) if !linked.is_empty() => {
                let ids: Vec<String> = linked.into_iter().map(|l| l.id).collect();
                if let Err(err) = state
                    .store
                    .enqueue_rescreen(&caller.tenant, &ids, &Cause::link(Some(&id)))
                    .await
                {
                    tracing::warn!(error = %err, "queueing linked applications after a decision failed");
                }
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "reading the links of a decided application failed")
            }
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(recorded.verdict.json))
}

/// The case queue's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// `open` (default): `review` or `reject` with no decision covering it (never decided, or an
    /// approval a later screening reopened); `escalated`: the latest decision escalated it;
    /// `decided`: the latest decision stands.
    #[param(pattern = "^(open|escalated|decided)$")]
    status: Option<String>,
    /// Only the cases this reviewer (a token `sub`) holds now.
    #[param(min_length = 1)]
    assignee: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// Who holds a case, and until when.
#[derive(Serialize, ToSchema)]
pub struct Assignee {
    pub reviewer: String,
    pub until: String,
}

/// A signal as the queue summarises it.
#[derive(Serialize, ToSchema)]
pub struct TopSignal {
    pub code: String,
    pub points: i32,
    pub message: String,
}

/// One case: the application's verdict in brief.
#[derive(Serialize, ToSchema)]
pub struct CaseItem {
    pub application_id: String,
    pub external_ref: String,
    /// `open`, `escalated` or `decided`.
    pub status: String,
    /// Since when the case has this status (the queue is oldest first).
    pub since: String,
    pub assignee: Option<Assignee>,
    pub verdict: crate::model::Decision,
    pub risk_score: u8,
    /// The strongest signals, at most five, highest points first.
    pub top_signals: Vec<TopSignal>,
    pub sanctions_matches: usize,
    /// The latest decision, if any.
    #[schema(value_type = Option<Object>)]
    pub review: Option<Box<RawValue>>,
    /// Why the current version exists.
    #[schema(value_type = Option<Object>)]
    pub cause: Option<Box<RawValue>>,
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    /// Oldest first.
    pub items: Vec<CaseItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (since, id) = text.split_once('|')?;
    Some((since.parse().ok()?, id.to_owned()))
}

fn raw(value: impl Serialize) -> Result<Option<Box<RawValue>>, ApiError> {
    let text = serde_json::to_string(&value)
        .map_err(|e| ApiError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
    Ok(Some(raw_json(text.into_bytes())?))
}

/// The case queue: applications waiting for a reviewer, oldest first, each with its verdict in
/// brief. Scope: `verdicts:read`.
#[utoipa::path(
    get, path = "/v1/cases", tag = "reviews",
    params(CaseParams),
    responses(
        (status = 200, body = CasePage),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn cases(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<CaseParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    let params = params.into_inner();
    let mut errors = Vec::new();
    let status = match params.status.as_deref() {
        None => CaseStatus::Open,
        Some(s) => CaseStatus::parse(s).unwrap_or_else(|| {
            errors.push(ParamError {
                parameter: "status".into(),
                detail: "must be open, escalated or decided".into(),
            });
            CaseStatus::Open
        }),
    };
    let limit = page_limit(params.limit.as_deref(), &mut errors);
    let after = match params.cursor.as_deref() {
        None => None,
        Some(cursor) => {
            let decoded = decode_cursor(cursor);
            if decoded.is_none() {
                errors.push(ParamError {
                    parameter: "cursor".into(),
                    detail: "is not a cursor this service issued".into(),
                });
            }
            decoded
        }
    };
    if params.assignee.as_deref() == Some("") {
        errors.push(ParamError {
            parameter: "assignee".into(),
            detail: "must not be empty".into(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let store = state.store.tenant(&caller.tenant);
    let (cases, next) = store
        .cases(status, params.assignee.as_deref(), after, limit)
        .await?;
    let mut items = Vec::with_capacity(cases.len());
    for case in cases {
        let verdict: Verdict = serde_json::from_slice(&case.verdict_json).map_err(|e| {
            ApiError::Store(crate::store::StoreError::Corrupt(format!(
                "verdict of {}: {e}",
                case.application_id
            )))
        })?;
        let mut top: Vec<&crate::model::ScoredSignal> = verdict.signals.iter().collect();
        top.sort_by_key(|s| std::cmp::Reverse(s.points));
        items.push(CaseItem {
            external_ref: verdict.external_ref.clone(),
            status: case.status.as_str().into(),
            since: rfc3339(case.since),
            assignee: case.assignee.map(|(reviewer, until)| Assignee {
                reviewer,
                until: rfc3339(until),
            }),
            verdict: verdict.verdict,
            risk_score: verdict.risk_score,
            top_signals: top
                .into_iter()
                .take(5)
                .map(|s| TopSignal {
                    code: s.code.clone(),
                    points: s.points,
                    message: s.message.clone(),
                })
                .collect(),
            sanctions_matches: verdict.sanctions_matches.len(),
            review: match &verdict.review {
                Some(r) => raw(r)?,
                None => None,
            },
            cause: match &verdict.cause {
                Some(c) => raw(c)?,
                None => None,
            },
            application_id: case.application_id,
        });
    }
    let next_cursor = next.map(|(since, id)| URL_SAFE_NO_PAD.encode(format!("{since}|{id}")));
    Ok(HttpResponse::Ok().json(CasePage { items, next_cursor }))
}

/// A claim on a case.
#[derive(Serialize, ToSchema)]
pub struct CaseClaim {
    pub application_id: String,
    pub reviewer: String,
    /// The claim lasts until then (`VETGATE_CASES_CLAIM_MINUTES`); claiming again renews it.
    pub until: String,
}

/// Claim an open or escalated case for the caller (the token's `sub`) for a lease
/// (`VETGATE_CASES_CLAIM_MINUTES`, default 30). While it lasts, another reviewer's claim is `409`;
/// the holder may claim again to renew it; a decision ends it. Scope: `reviews:write`.
#[utoipa::path(
    post, path = "/v1/cases/{id}/claim", tag = "reviews",
    params(("id" = String, Path, description = "The service's application id")),
    responses(
        (status = 200, body = CaseClaim),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another reviewer holds the case, or the application is not an open or escalated case", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn claim(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(REVIEWS_WRITE)?;
    let store = state.store.tenant(&caller.tenant);
    let until = Utc::now() + state.case_claim;
    match store.claim_case(&id, &caller.subject, until).await? {
        ClaimOutcome::Claimed { until } => Ok(HttpResponse::Ok().json(CaseClaim {
            application_id: id.into_inner(),
            reviewer: caller.subject.clone(),
            until: rfc3339(until),
        })),
        ClaimOutcome::Held { by, until } => Err(ApiError::CaseClaimed {
            by,
            until: rfc3339(until),
        }),
        ClaimOutcome::NotACase => Err(ApiError::NotACase),
        ClaimOutcome::Missing => Err(super::privacy::missing(&store, &id).await),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_review_body_is_read_strictly_with_one_error_per_field() {
        let ok = parse_review(&json!({"decision": "approved", "note": "namesake"})).unwrap();
        assert_eq!(ok.decision, ReviewDecision::Approved);
        let errors = parse_review(&json!({"decision": "maybe", "note": 3, "x": 1})).unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/x", "/decision", "/note"]);
        let long = "n".repeat(NOTE_MAX_CHARS + 1);
        assert!(parse_review(&json!({"decision": "rejected", "note": long})).is_err());
    }
}
