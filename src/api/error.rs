//! The one place errors become HTTP: RFC 9457 problem documents (`application/problem+json`).
//! 4xx details name the offending field, never its value; 5xx bodies are fixed text plus a request
//! id, with the cause chain in the log.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::FieldError;
use crate::store::{StoreError, Tombstone};

/// A query-string parameter that could not be used.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParamError {
    pub parameter: String,
    pub detail: String,
}

// The problem responses every authenticated route documents, written once (OpenAPI only: never
// constructed). A route whose 403 says more keeps its own 403 beside `Unauthorized` and
// `Unavailable`.

/// 401, 403 and 503.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum AuthErrors {
    #[response(
        status = 401,
        description = "Missing, invalid or expired token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "The token lacks the route's scope",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 503,
        description = "Database unavailable",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// 401.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 401,
    description = "Missing, invalid or expired token",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Unauthorized(Problem);

/// 503.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 503,
    description = "Database unavailable",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct Unavailable(Problem);

/// RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference naming the kind of problem, e.g. `/problems/validation-error`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// One entry per offending body field (422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// One entry per offending query parameter (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ParamError>>,
    /// What is kept of an erased application (410).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Tombstone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON.
    #[error("the body is not valid JSON")]
    MalformedJson(String),
    /// 400: the body could not be read completely.
    #[error("the request body could not be read")]
    UnreadableBody,
    /// 400: query parameters that cannot be used.
    #[error("invalid query parameters")]
    BadQuery(Vec<ParamError>),
    /// 422: JSON that breaks the contract or carries unusable values.
    #[error("the application has invalid fields")]
    Invalid(Vec<FieldError>),
    /// 422: an Idempotency-Key seen before with another body.
    #[error("the Idempotency-Key was used before with a different body")]
    IdempotencyKeyReused,
    /// 400: an Idempotency-Key header that is not a usable key.
    #[error("invalid Idempotency-Key header")]
    BadIdempotencyKey,
    /// 408: the body did not arrive within the configured time (a slow or stalled client).
    #[error("the request body did not arrive within {0} s")]
    BodyTimeout(u64),
    /// 413
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 415
    #[error("the body must be application/json")]
    UnsupportedMediaType,
    /// 401; the reason is for the log only.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 403
    #[error("the token lacks the scope {0}")]
    Forbidden(&'static str),
    /// 409: an intelligence reload refused a file; the loaded snapshot keeps serving.
    #[error("the reload was refused")]
    IntelReloadRefused(Vec<String>),
    /// 422: a request body (other than an application) with unusable fields.
    #[error("the request has invalid fields")]
    InvalidRequest(Vec<FieldError>),
    /// 422: a list file that does not parse; nothing was stored and the active version stays.
    #[error("{0}")]
    ListRefused(String),
    /// 403: a list the caller may not load (a reserved name outside the operator tenant).
    #[error("{0}")]
    ListForbidden(String),
    /// 429: the tenant's request rate is over `VETGATE_RATE_LIMIT_PER_MINUTE`; retry after this
    /// many seconds.
    #[error("too many requests for this tenant; retry in {0} s")]
    RateLimited(u64),
    /// 409: another reviewer holds the case until then.
    #[error("another reviewer ({by}) holds this case until {until}")]
    CaseClaimed { by: String, until: String },
    /// 409: the application is not an open or escalated case.
    #[error("the application is not an open or escalated case")]
    NotACase,
    /// 404, also for another tenant's resources.
    #[error("not found")]
    NotFound,
    /// 410: the application was erased; what is kept of it.
    #[error("the application was erased")]
    Erased(Box<Tombstone>),
    /// 405: a path that exists, with a method it does not take; the methods it takes.
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// 401: an identity-verification callback without a signature that verifies (docs/idv.md).
    #[error("{0}")]
    CallbackUnauthenticated(&'static str),
    /// 409: a callback replayed (stale signed timestamp, or an event accepted before).
    #[error("{0}")]
    CallbackReplayed(&'static str),
    /// 422: a verified callback whose payload cannot be used.
    #[error("the callback cannot be used: {0}")]
    CallbackUnusable(String),
    /// 422: a verified callback whose reference names no application of the tenant.
    #[error("the callback's reference names no application of this tenant")]
    UnknownReference,
    /// 503 or 500 depending on the store error.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::MalformedJson(_) => ("malformed-json", "Malformed JSON"),
            ApiError::UnreadableBody => ("unreadable-body", "Unreadable request body"),
            ApiError::BadQuery(_) => ("invalid-query", "Invalid query parameters"),
            ApiError::Invalid(_) => ("validation-error", "Invalid application"),
            ApiError::IdempotencyKeyReused => ("idempotency-key-reused", "Idempotency-Key reused"),
            ApiError::BadIdempotencyKey => ("invalid-idempotency-key", "Invalid Idempotency-Key"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            ApiError::BodyTimeout(_) => ("request-timeout", "Request body too slow"),
            ApiError::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            ApiError::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            ApiError::Forbidden(_) => ("forbidden", "Forbidden"),
            ApiError::NotFound => ("not-found", "Not found"),
            ApiError::Erased(_) => ("erased", "Application erased"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::InvalidRequest(_) => ("validation-error", "Invalid request"),
            ApiError::RateLimited(_) => ("rate-limited", "Too many requests"),
            ApiError::ListRefused(_) => ("list-refused", "List file refused"),
            ApiError::ListForbidden(_) => ("forbidden", "Forbidden"),
            ApiError::IntelReloadRefused(_) => ("intel-reload-refused", "Reload refused"),
            ApiError::CaseClaimed { .. } => ("case-claimed", "Case claimed by another reviewer"),
            ApiError::NotACase => ("not-a-case", "Not a case"),
            ApiError::CallbackUnauthenticated(_) => {
                ("callback-unauthenticated", "Callback not authenticated")
            }
            ApiError::CallbackReplayed(_) => ("callback-replayed", "Callback replayed"),
            ApiError::CallbackUnusable(_) => ("callback-unusable", "Unusable callback"),
            ApiError::UnknownReference => ("unknown-reference", "Unknown reference"),
            ApiError::Store(StoreError::Unavailable(_) | StoreError::WriterGone) => {
                ("service-unavailable", "Service unavailable")
            }
            ApiError::Store(_) => ("internal-error", "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::MalformedJson(reason) => format!("The body is not valid JSON: {reason}."),
            ApiError::Invalid(errors) => {
                format!("{} field(s) break the application contract.", errors.len())
            }
            ApiError::InvalidRequest(errors) => {
                format!("{} field(s) cannot be used.", errors.len())
            }
            ApiError::ListRefused(reason) => {
                format!("The list was refused whole and the active version stays: {reason}")
            }
            // Never say why a token failed: that helps only someone forging one.
            ApiError::Unauthorized(_) => "A valid bearer token is required.".into(),
            ApiError::Erased(stone) => format!(
                "The application was erased on request at {}; only its tombstone is kept.",
                stone
                    .erased_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            ApiError::IntelReloadRefused(problems) => format!(
                "A database was refused; the loaded ones keep serving: {}",
                problems.join("; ")
            ),
            ApiError::Store(StoreError::Unavailable(_) | StoreError::WriterGone) => {
                "The database is unavailable; retry shortly.".into()
            }
            ApiError::Store(_) => {
                "The request failed on our side; quote the request id when reporting it.".into()
            }
            other => {
                let mut text = other.to_string();
                if let Some(first) = text.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                text + "."
            }
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_)
            | ApiError::UnreadableBody
            | ApiError::BadQuery(_)
            | ApiError::BadIdempotencyKey => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_)
            | ApiError::InvalidRequest(_)
            | ApiError::ListRefused(_)
            | ApiError::CallbackUnusable(_)
            | ApiError::UnknownReference
            | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized(_) | ApiError::CallbackUnauthenticated(_) => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_) | ApiError::ListForbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Erased(_) => StatusCode::GONE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::IntelReloadRefused(_)
            | ApiError::CaseClaimed { .. }
            | ApiError::NotACase
            | ApiError::CallbackReplayed(_) => StatusCode::CONFLICT,
            ApiError::Store(StoreError::Unavailable(_) | StoreError::WriterGone) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (slug, title) = self.kind();
        let request_id = status
            .is_server_error()
            .then(|| uuid::Uuid::now_v7().to_string());
        if let Some(id) = &request_id {
            tracing::error!(request_id = %id, error = %error_chain(self), "request failed");
        } else if let ApiError::Unauthorized(reason) = self {
            tracing::debug!(reason, "token refused");
        }
        let problem = Problem {
            problem_type: format!("/problems/{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                ApiError::Invalid(errors) | ApiError::InvalidRequest(errors) => {
                    Some(errors.clone())
                }
                _ => None,
            },
            parameters: match self {
                ApiError::BadQuery(params) => Some(params.clone()),
                _ => None,
            },
            tombstone: match self {
                ApiError::Erased(stone) => Some((**stone).clone()),
                _ => None,
            },
            request_id,
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            ApiError::Unauthorized(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::Forbidden(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"insufficient_scope\""),
                ));
            }
            ApiError::Store(StoreError::Unavailable(_) | StoreError::WriterGone) => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("2")));
            }
            ApiError::RateLimited(seconds) => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(*seconds)));
            }
            ApiError::MethodNotAllowed(allow) => {
                if let Ok(allow) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, allow));
                }
            }
            _ => {}
        }
        response.body(serde_json::to_vec(&problem).unwrap_or_default())
    }
}
