//! `/v1/applications`: submit an application for screening, read its verdicts, query verdicts.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::auth::{APPLICATIONS_WRITE, Caller, VERDICTS_READ};
use super::error::{AuthErrors, ParamError, Problem, Unauthorized, Unavailable};
use super::{ApiError, AppState};
use crate::model::{ApplicationDto, Decision, Intake, IntakeError, Verdict};
use crate::store::{ListQuery, SubmitOutcome};

const JSON: &str = "application/json";

/// Screen an application. Scope: `applications:write`.
///
/// 201 for a new `external_ref`; 200 when the tenant re-submits one it sent before (re-screened,
/// same `id`, a new verdict version). With an `Idempotency-Key`, a replay returns the stored
/// response and the same key with another body is 422.
#[utoipa::path(
    post, path = "/v1/applications", tag = "applications",
    request_body(content = ApplicationDto, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Client key (1–255 visible ASCII characters) that makes retries safe; kept at least 24 h.")),
    responses(
        (status = 201, description = "Screened and stored", body = Verdict),
        (status = 200, description = "Known external_ref re-screened, or an Idempotency-Key replay", body = Verdict),
        (status = 400, description = "Malformed JSON or Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Token lacks applications:write", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within VETGATE_HTTP_BODY_TIMEOUT_SECONDS", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than VETGATE_MAX_BODY_BYTES", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields break the contract (one `errors` item each), or a reused Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        Unauthorized, Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(APPLICATIONS_WRITE)?;
    require_json(&req)?;
    let idempotency_key = idempotency_key(&req)?;
    let body = read_body(&req, payload, state.max_body_bytes, state.body_timeout).await?;

    let intake = Intake::from_json(&body).map_err(|e| match e {
        IntakeError::NotJson(e) => ApiError::MalformedJson(json_error_position(&e)),
        IntakeError::Invalid(errors) => ApiError::Invalid(errors),
    })?;
    let store = state.store.tenant(&caller.tenant);
    let outcome = state
        .screener
        .screen_and_store(&store, intake, idempotency_key)
        .await?;
    Ok(match outcome {
        SubmitOutcome::Created(stored) => {
            let location = format!("/v1/applications/{}", stored.application_id);
            HttpResponse::Created()
                .insert_header((header::LOCATION, location))
                .content_type(JSON)
                .body(stored.json)
        }
        SubmitOutcome::Rescreened(stored) => {
            HttpResponse::Ok().content_type(JSON).body(stored.json)
        }
        SubmitOutcome::Replayed { status, verdict } => {
            let status = actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::OK);
            let mut response = HttpResponse::build(status);
            response.insert_header(("Idempotency-Replayed", "true"));
            // The original answer's headers: a replayed 201 says where the application lives.
            if status == actix_web::http::StatusCode::CREATED {
                response.insert_header((
                    header::LOCATION,
                    format!("/v1/applications/{}", verdict.application_id),
                ));
            }
            response.content_type(JSON).body(verdict.json)
        }
        SubmitOutcome::IdempotencyConflict => return Err(ApiError::IdempotencyKeyReused),
    })
}

/// One linked application, for the reviewer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: String,
    pub external_ref: String,
    /// Its current verdict.
    pub verdict: Decision,
    /// What the two share: payout_account, device_id, phone, email, shipping_address,
    /// remote_access_ip, remote_access_subnet, residential_ip, document_number, portrait_sha256.
    /// Never the values.
    pub shared: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    pub id: String,
    pub items: Vec<LinkView>,
}

/// The tenant's applications sharing an attribute with this one. Scope: `verdicts:read`.
#[utoipa::path(
    get, path = "/v1/applications/{id}/links", tag = "applications",
    params(("id" = String, Path, description = "The service's application id")),
    responses(
        (status = 200, description = "Linked applications of the same tenant and the attribute kinds shared", body = Links),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Erased on request: the problem document carries the tombstone", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn links(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    let store = state.store.tenant(&caller.tenant);
    let Some(linked) = store.links(&id).await? else {
        return Err(super::privacy::missing(&store, &id).await);
    };
    Ok(HttpResponse::Ok().json(Links {
        id: id.into_inner(),
        items: linked
            .into_iter()
            .map(|l| LinkView {
                id: l.id,
                external_ref: l.external_ref,
                verdict: l.verdict,
                shared: l.shared.iter().map(|k| k.as_str().to_owned()).collect(),
            })
            .collect(),
    }))
}

/// The latest verdict of an application. Scope: `verdicts:read`.
#[utoipa::path(
    get, path = "/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "The service's application id")),
    responses(
        (status = 200, description = "The latest verdict", body = Verdict),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Erased on request: the problem document carries the tombstone", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn get(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    let store = state.store.tenant(&caller.tenant);
    let Some(body) = store.latest(&id).await? else {
        return Err(super::privacy::missing(&store, &id).await);
    };
    Ok(HttpResponse::Ok().content_type(JSON).body(body))
}

#[derive(Serialize, ToSchema)]
pub struct History {
    /// Verdict versions, oldest first.
    #[schema(value_type = Vec<Verdict>)]
    items: Vec<Box<RawValue>>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Paging of `/history`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// Every verdict an application has had, oldest first, a page at a time. Scope: `verdicts:read`.
#[utoipa::path(
    get, path = "/v1/applications/{id}/history", tag = "applications",
    params(("id" = String, Path, description = "The service's application id"), HistoryParams),
    responses(
        (status = 200, body = History),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Erased on request: the problem document carries the tombstone", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn history(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    let params = params.into_inner();
    let mut errors = Vec::new();
    let limit = page_limit(params.limit.as_deref(), &mut errors);
    let after = match params.cursor.as_deref() {
        None => 0,
        Some(cursor) => decode_history_cursor(cursor).unwrap_or_else(|| {
            errors.push(ParamError {
                parameter: "cursor".into(),
                detail: "is not a cursor this service issued".into(),
            });
            0
        }),
    };
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let store = state.store.tenant(&caller.tenant);
    let Some((versions, next)) = store.history(&id, after, limit).await? else {
        return Err(super::privacy::missing(&store, &id).await);
    };
    let items = versions
        .into_iter()
        .map(raw_json)
        .collect::<Result<_, _>>()?;
    let next_cursor = next.map(|version| URL_SAFE_NO_PAD.encode(format!("v{version}")));
    Ok(HttpResponse::Ok().json(History { items, next_cursor }))
}

fn decode_history_cursor(cursor: &str) -> Option<i64> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    text.strip_prefix('v')?.parse().ok().filter(|v| *v > 0)
}

/// `limit`: a page of 1–200 items, 50 when not given.
pub(super) fn page_limit(limit: Option<&str>, errors: &mut Vec<ParamError>) -> u32 {
    match limit.map(str::parse::<u32>) {
        None => 50,
        Some(Ok(n)) if (1..=200).contains(&n) => n,
        Some(_) => {
            errors.push(ParamError {
                parameter: "limit".into(),
                detail: "must be a whole number from 1 to 200".into(),
            });
            50
        }
    }
}

/// HR's verdict query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `clear`, `review` or `reject`.
    #[param(pattern = "^(clear|review|reject)$")]
    verdict: Option<String>,
    /// RFC 3339 instant: only applications whose verdict changed at or after it.
    #[param(format = DateTime)]
    updated_since: Option<String>,
    /// The platform's own id.
    #[param(min_length = 1)]
    external_ref: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VerdictPage {
    /// Newest first.
    #[schema(value_type = Vec<Verdict>)]
    items: Vec<Box<RawValue>>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Query verdicts, newest first, with keyset pagination that stays stable while applications keep
/// arriving. Scope: `verdicts:read`.
#[utoipa::path(
    get, path = "/v1/applications", tag = "applications",
    params(ListParams),
    responses(
        (status = 200, body = VerdictPage),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    let query = list_query(params.into_inner())?;
    let page = state.store.tenant(&caller.tenant).list(&query).await?;
    let items = page
        .items
        .into_iter()
        .map(raw_json)
        .collect::<Result<_, _>>()?;
    let next_cursor = page
        .next
        .map(|(at, id)| URL_SAFE_NO_PAD.encode(format!("{at}:{id}")));
    Ok(HttpResponse::Ok().json(VerdictPage { items, next_cursor }))
}

fn list_query(params: ListParams) -> Result<ListQuery, ApiError> {
    let mut errors = Vec::new();
    let limit = page_limit(params.limit.as_deref(), &mut errors);
    let mut bad = |parameter: &str, detail: &str| {
        errors.push(ParamError {
            parameter: parameter.into(),
            detail: detail.into(),
        });
    };
    let verdict = params.verdict.as_deref().and_then(|v| {
        let parsed = Decision::parse(v);
        if parsed.is_none() {
            bad("verdict", "must be clear, review or reject");
        }
        parsed
    });
    let updated_since =
        params
            .updated_since
            .as_deref()
            .and_then(|t| match DateTime::parse_from_rfc3339(t) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    bad(
                        "updated_since",
                        "must be an RFC 3339 date-time, e.g. 2026-11-20T00:00:00Z",
                    );
                    None
                }
            });
    let after = params.cursor.as_deref().and_then(|c| {
        let decoded = decode_cursor(c);
        if decoded.is_none() {
            bad("cursor", "is not a cursor this service issued");
        }
        decoded
    });
    if params.external_ref.as_deref() == Some("") {
        bad("external_ref", "must not be empty");
    }
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    Ok(ListQuery {
        verdict,
        updated_since,
        external_ref: params.external_ref,
        after,
        limit,
    })
}

pub(super) fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once(':')?;
    Some((
        at.parse().ok()?,
        uuid::Uuid::parse_str(id).ok()?.to_string(),
    ))
}

/// Query-string errors as problem documents (actix's own are text/plain).
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let text = err.to_string();
    let parameter = text.split('`').nth(1).unwrap_or("query").to_owned();
    let detail = if text.contains("unknown field") {
        "unknown parameter".to_owned()
    } else {
        "cannot be used here".to_owned()
    };
    ApiError::BadQuery(vec![ParamError { parameter, detail }]).into()
}

pub(super) fn raw_json(bytes: Vec<u8>) -> Result<Box<RawValue>, ApiError> {
    let text =
        String::from_utf8(bytes).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
    RawValue::from_string(text)
        .map_err(|e| ApiError::Store(crate::store::StoreError::Corrupt(e.to_string())))
}

pub(super) fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(content_type) = req.headers().get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == JSON || (essence.starts_with("application/") && essence.ends_with("+json")) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| ApiError::BadIdempotencyKey)?;
    let usable = (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if usable {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::BadIdempotencyKey)
    }
}

/// Reads the body up to `limit` bytes; the declared length is checked before reading anything.
/// Reads the whole body: at most `limit` bytes, all of it within `deadline` (a client that trickles
/// its body cannot hold a worker's connection for longer).
pub(super) async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    deadline: std::time::Duration,
) -> Result<web::BytesMut, ApiError> {
    actix_web::rt::time::timeout(deadline, read_body_untimed(req, payload, limit))
        .await
        .map_err(|_| ApiError::BodyTimeout(deadline.as_secs()))?
}

async fn read_body_untimed(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(4096).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::UnreadableBody)?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A JSON request body as a value: malformed JSON is a 400, a member sent twice a 422 naming it.
pub(super) fn json_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    crate::model::json::from_slice_strict(body).map_err(|e| match e {
        crate::model::json::JsonBodyError::Syntax(e) => {
            ApiError::MalformedJson(json_error_position(&e))
        }
        crate::model::json::JsonBodyError::DuplicateKey { pointer } => {
            ApiError::InvalidRequest(vec![crate::model::FieldError::duplicate(pointer)])
        }
    })
}

/// serde_json's message without echoing input.
pub(super) fn json_error_position(err: &serde_json::Error) -> String {
    let what = match err.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Io | serde_json::error::Category::Data => "unreadable",
    };
    format!("{what} at line {} column {}", err.line(), err.column())
}
