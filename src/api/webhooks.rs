//! A tenant's webhook endpoints (docs/webhooks.md): register, list, delete, rotate the secret, and
//! the deliveries with their attempts. Scope `webhooks:admin`; another tenant's endpoint is `404`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::applications::{json_body, page_limit, read_body, require_json};
use super::auth::{Caller, WEBHOOKS_ADMIN};
use super::error::{AuthErrors, ParamError, Problem};
use super::{ApiError, AppState};
use crate::model::FieldError;
use crate::store::{Delivery, EventType, WebhookEndpoint};
use crate::webhooks::ssrf;

/// Largest request body of these routes.
const BODY_MAX: usize = 16 * 1024;

/// A new endpoint (the OpenAPI schema of the body; [`parse_new`] reads it field by field, so each
/// error names its field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewWebhook {
    /// Where deliveries are POSTed: an `https` URL whose host resolves only to public addresses.
    #[schema(max_length = 2048, example = "https://hooks.example.com/vetgate")]
    pub url: String,
    /// What to deliver: `verdict.created`, `verdict.changed`, `review.recorded`, `case.opened`.
    #[schema(min_items = 1)]
    pub event_types: Vec<String>,
}

/// An endpoint with its secret: answered once, by the create and rotate calls.
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    endpoint: WebhookEndpoint,
    /// `whsec_` and the base64 of 32 random bytes. Shown only in this answer: store it now.
    secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    /// Oldest first.
    items: Vec<WebhookEndpoint>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    /// Newest first, each with its attempts.
    items: Vec<Delivery>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Deliveries query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// The body's fields, each error naming its field.
fn parse_new(value: &serde_json::Value) -> Result<(String, Vec<EventType>), ApiError> {
    let mut errors = Vec::new();
    let field = |pointer: &str, detail: &str| FieldError {
        pointer: pointer.into(),
        detail: detail.into(),
    };
    let Some(object) = value.as_object() else {
        return Err(ApiError::InvalidRequest(vec![field(
            "",
            "must be an object",
        )]));
    };
    for key in object.keys() {
        if key != "url" && key != "event_types" {
            let plain = key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            errors.push(if plain {
                field(&format!("/{key}"), "is not a field of this request")
            } else {
                field("", "has a member that is not a field of this request")
            });
        }
    }
    let url = match object.get("url") {
        Some(serde_json::Value::String(url)) => Some(url.clone()),
        Some(_) => {
            errors.push(field("/url", "must be a string"));
            None
        }
        None => {
            errors.push(field("/url", "is required"));
            None
        }
    };
    let mut types = Vec::new();
    match object.get("event_types") {
        Some(serde_json::Value::Array(items)) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                match item.as_str().and_then(EventType::parse) {
                    Some(kind) if !types.contains(&kind) => types.push(kind),
                    Some(_) => errors.push(field(
                        &format!("/event_types/{i}"),
                        "is listed more than once",
                    )),
                    None => errors.push(field(
                        &format!("/event_types/{i}"),
                        "must be verdict.created, verdict.changed, review.recorded or case.opened",
                    )),
                }
            }
        }
        Some(_) => errors.push(field("/event_types", "must be a non-empty array")),
        None => errors.push(field("/event_types", "is required")),
    }
    match url {
        Some(url) if errors.is_empty() => Ok((url, types)),
        _ => Err(ApiError::InvalidRequest(errors)),
    }
}

/// Register an endpoint. Scope `webhooks:admin`.
///
/// The answer carries the endpoint's signing secret, which is never shown again. The URL must be
/// `https` and its host must resolve only to public addresses (not loopback, private, link-local,
/// CGNAT, multicast…), checked now and at every delivery, unless the service runs with
/// `VETGATE_WEBHOOKS_ALLOW_PRIVATE`.
#[utoipa::path(
    post, path = "/v1/webhooks", tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Registered; `secret` is shown only now", body = WebhookWithSecret,
         headers(("Location" = String, description = "The endpoint's deliveries"))),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unusable URL (pointer `/url`) or event type", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(WEBHOOKS_ADMIN)?;
    require_json(&req)?;
    let body = read_body(&req, payload, BODY_MAX, state.body_timeout).await?;
    let (url, types) = parse_new(&json_body(&body)?)?;
    let allow_private = state.webhooks_allow_private;
    let url_error = |detail: &str| {
        ApiError::InvalidRequest(vec![FieldError {
            pointer: "/url".into(),
            detail: detail.into(),
        }])
    };
    let target = ssrf::check_url(&url, allow_private).map_err(url_error)?;
    // Resolving is blocking work: off the request workers.
    web::block(move || ssrf::vet(&target, allow_private))
        .await
        .map_err(|_| url_error("could not be checked"))?
        .map_err(url_error)?;
    let secret = crate::webhooks::generate_secret();
    let endpoint = state
        .store
        .tenant(&caller.tenant)
        .create_webhook(&url, &types, &secret)
        .await?;
    tracing::info!(tenant = %caller.tenant.as_str(), endpoint = %endpoint.id, "webhook endpoint registered");
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/webhooks/{}/deliveries", endpoint.id),
        ))
        .json(WebhookWithSecret { endpoint, secret }))
}

/// The tenant's endpoints (never their secrets). Scope `webhooks:admin`.
#[utoipa::path(
    get, path = "/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = WebhookList), AuthErrors),
    security(("bearer" = []))
)]
pub async fn list(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(WEBHOOKS_ADMIN)?;
    let items = state.store.tenant(&caller.tenant).webhooks().await?;
    Ok(HttpResponse::Ok().json(WebhookList { items }))
}

/// Delete an endpoint, with its pending deliveries and their history. Scope `webhooks:admin`.
#[utoipa::path(
    delete, path = "/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint in this tenant", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(WEBHOOKS_ADMIN)?;
    if state
        .store
        .tenant(&caller.tenant)
        .delete_webhook(&id)
        .await?
    {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Rotate an endpoint's secret. Scope `webhooks:admin`.
///
/// The answer carries the new secret, shown only now. For `VETGATE_WEBHOOKS_ROTATION_OVERLAP_SECONDS`
/// (24 h by default) deliveries carry a signature with each secret, so receivers can switch over.
#[utoipa::path(
    post, path = "/v1/webhooks/{id}/rotate", tag = "webhooks",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "Rotated; `secret` is shown only now", body = WebhookWithSecret),
        (status = 404, description = "No such endpoint in this tenant", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn rotate(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(WEBHOOKS_ADMIN)?;
    let secret = crate::webhooks::generate_secret();
    let endpoint = state
        .store
        .tenant(&caller.tenant)
        .rotate_webhook(&id, &secret, state.webhooks_rotation_overlap)
        .await?
        .ok_or(ApiError::NotFound)?;
    tracing::info!(tenant = %caller.tenant.as_str(), endpoint = %endpoint.id, "webhook secret rotated");
    Ok(HttpResponse::Ok().json(WebhookWithSecret { endpoint, secret }))
}

/// An endpoint's deliveries, newest first, each with every attempt (time, status code or error
/// class, latency). Scope `webhooks:admin`.
#[utoipa::path(
    get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path, description = "The endpoint's id"), DeliveryParams),
    responses(
        (status = 200, body = DeliveryList),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this tenant", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn deliveries(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<DeliveryParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(WEBHOOKS_ADMIN)?;
    let params = params.into_inner();
    let mut errors = Vec::new();
    let limit = page_limit(params.limit.as_deref(), &mut errors);
    let before = params.cursor.as_deref().and_then(|c| {
        let decoded = decode_cursor(c);
        if decoded.is_none() {
            errors.push(ParamError {
                parameter: "cursor".into(),
                detail: "is not a cursor this service issued".into(),
            });
        }
        decoded
    });
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let page = state
        .store
        .tenant(&caller.tenant)
        .webhook_deliveries(&id, before, limit)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(DeliveryList {
        items: page.deliveries,
        next_cursor: page
            .next
            .map(|(at, id)| URL_SAFE_NO_PAD.encode(format!("{at}:{id}"))),
    }))
}

fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once(':')?;
    let id = id
        .strip_prefix("msg_")
        .filter(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()))?;
    Some((at.parse().ok()?, format!("msg_{id}")))
}
