//! Identity-verification vendor callbacks (docs/idv.md). `POST /v1/idv/{vendor}/callback/{tenant}`
//! takes Persona's, Onfido's and Veriff's webhooks: no bearer token, the vendor's signature with the
//! tenant's secret is the authentication. A verified result is stored beside the application its
//! reference names and queued for re-screening; the answer comes before the re-screen. The secrets
//! are set with `POST /v1/idv/{vendor}/secrets` (scope `integrations:admin`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::applications::{json_body, json_error_position, read_body, require_json};
use super::auth::{Caller, INTEGRATIONS_ADMIN};
use super::error::{AuthErrors, Problem};
use super::{ApiError, AppState};
use crate::idv::{self, Outcome, Refusal, Vendor, VendorSecrets};
use crate::model::FieldError;
use crate::store::{CallbackOutcome, IdvSecretView, TenantId};

/// Largest body of the secrets route.
const SECRETS_BODY_MAX: usize = 8 * 1024;

/// How long a replaced secret keeps verifying callbacks (the vendor may still be sending with it).
pub const SECRET_ROTATION_OVERLAP: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A new or replacing secret (the OpenAPI schema of the body; [`parse_secret`] reads it field by
/// field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewIdvSecret {
    /// The vendor's webhook signing secret: Persona's `wbhsec_…`, Onfido's webhook token, Veriff's
    /// shared secret key. 16–512 visible ASCII characters.
    #[schema(min_length = 16, max_length = 512)]
    pub secret: String,
    /// Veriff only: the integration's API key, which Veriff sends in `X-AUTH-CLIENT`; when set, a
    /// callback with another value is refused.
    #[schema(max_length = 200)]
    pub client_id: Option<String>,
}

/// One vendor's configuration, with the URL path to give the vendor.
#[derive(Serialize, ToSchema)]
pub struct IdvVendorConfig {
    #[serde(flatten)]
    config: IdvSecretView,
    /// Where the vendor sends its callbacks (`/v1/idv/{vendor}/callback/{tenant}`).
    callback_path: String,
}

#[derive(Serialize, ToSchema)]
pub struct IdvVendorList {
    /// The vendors this tenant configured, by name.
    items: Vec<IdvVendorConfig>,
}

/// What an accepted callback did.
#[derive(Serialize, ToSchema)]
pub struct CallbackAccepted {
    /// `accepted`: stored, the application is re-screened in the background; `ignored`: a signed
    /// event that carries no result (nothing stored).
    status: &'static str,
    /// `accepted`: the application the result was attached to.
    #[serde(skip_serializing_if = "Option::is_none")]
    application_id: Option<String>,
    /// `ignored`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

fn vendor_of(name: &str) -> Result<Vendor, ApiError> {
    Vendor::parse(name).ok_or(ApiError::NotFound)
}

fn callback_path(vendor: Vendor, tenant: &TenantId) -> String {
    format!("/v1/idv/{}/callback/{}", vendor.as_str(), tenant.as_str())
}

/// The body's fields, each error naming its field.
fn parse_secret(
    vendor: Vendor,
    value: &serde_json::Value,
) -> Result<(String, Option<String>), ApiError> {
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
    let mut errors = Vec::new();
    for key in object.keys() {
        if key != "secret" && key != "client_id" {
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
    let visible = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    let secret = match object.get("secret") {
        Some(serde_json::Value::String(s)) if (16..=512).contains(&s.len()) && visible(s) => {
            Some(s.clone())
        }
        Some(_) => {
            errors.push(field(
                "/secret",
                "must be 16 to 512 visible ASCII characters",
            ));
            None
        }
        None => {
            errors.push(field("/secret", "is required"));
            None
        }
    };
    let client_id = match object.get("client_id") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) if vendor != Vendor::Veriff => {
            errors.push(field(
                "/client_id",
                "only Veriff sends a client (X-AUTH-CLIENT)",
            ));
            None
        }
        Some(serde_json::Value::String(s)) if (1..=200).contains(&s.len()) && visible(s) => {
            Some(s.clone())
        }
        Some(_) => {
            errors.push(field(
                "/client_id",
                "must be 1 to 200 visible ASCII characters",
            ));
            None
        }
    };
    match secret {
        Some(secret) if errors.is_empty() => Ok((secret, client_id)),
        _ => Err(ApiError::InvalidRequest(errors)),
    }
}

/// Set or rotate the tenant's signing secret for a vendor. Scope `integrations:admin`.
///
/// The secret is stored sealed and never shown again (the answer carries its last four characters).
/// A replaced secret keeps verifying callbacks for 24 hours, so the vendor can be switched over.
#[utoipa::path(
    post, path = "/v1/idv/{vendor}/secrets", tag = "idv",
    params(("vendor" = String, Path, description = "`persona`, `onfido` or `veriff`")),
    request_body = NewIdvSecret,
    responses(
        (status = 200, description = "Set; the secret is not echoed", body = IdvVendorConfig),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a supported vendor", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unusable secret or client id", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn set_secret(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    vendor: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(INTEGRATIONS_ADMIN)?;
    let vendor = vendor_of(&vendor)?;
    require_json(&req)?;
    let body = read_body(&req, payload, SECRETS_BODY_MAX, state.body_timeout).await?;
    let (secret, client_id) = parse_secret(vendor, &json_body(&body)?)?;
    let config = state
        .store
        .tenant(&caller.tenant)
        .set_idv_secret(
            vendor,
            &secret,
            client_id.as_deref(),
            &caller.subject,
            SECRET_ROTATION_OVERLAP,
        )
        .await?;
    tracing::info!(
        tenant = caller.tenant.as_str(),
        vendor = vendor.as_str(),
        by = caller.subject,
        "identity-verification secret set"
    );
    Ok(HttpResponse::Ok().json(IdvVendorConfig {
        config,
        callback_path: callback_path(vendor, &caller.tenant),
    }))
}

/// The vendors the tenant configured, never their secrets. Scope `integrations:admin`.
#[utoipa::path(
    get, path = "/v1/idv/secrets", tag = "idv",
    responses((status = 200, body = IdvVendorList), AuthErrors),
    security(("bearer" = []))
)]
pub async fn list_secrets(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(INTEGRATIONS_ADMIN)?;
    let items = state
        .store
        .tenant(&caller.tenant)
        .idv_secret_views()
        .await?
        .into_iter()
        .map(|config| IdvVendorConfig {
            callback_path: callback_path(config.vendor, &caller.tenant),
            config,
        })
        .collect();
    Ok(HttpResponse::Ok().json(IdvVendorList { items }))
}

/// A vendor's callback (Persona, Onfido, Veriff). No bearer token: the vendor's signature header,
/// made with the tenant's secret for that vendor, authenticates it (docs/idv.md).
///
/// Verified and stored before the answer; the re-screen that adds an `intel_change` verdict version
/// runs in the background. Refused with problem+json, changing nothing: no or a bad signature, an
/// unknown tenant or one without a secret for the vendor (`401`, the same answer), a replay
/// (`409`: Persona's signed timestamp more than 5 minutes away, or an event accepted before), an
/// unusable payload or a reference to no application of the tenant (`422`).
#[utoipa::path(
    post, path = "/v1/idv/{vendor}/callback/{tenant}", tag = "idv",
    params(
        ("vendor" = String, Path, description = "`persona`, `onfido` or `veriff`"),
        ("tenant" = String, Path, description = "The tenant the callback is for"),
        ("Persona-Signature" = Option<String>, Header, description = "Persona: `t=<unix>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">`"),
        ("X-SHA2-Signature" = Option<String>, Header, description = "Onfido: hex HMAC-SHA256 of the body"),
        ("X-HMAC-SIGNATURE" = Option<String>, Header, description = "Veriff: hex HMAC-SHA256 of the body"),
        ("X-AUTH-CLIENT" = Option<String>, Header, description = "Veriff: the integration's API key"),
    ),
    request_body(content = Object, description = "The vendor's webhook body, exactly as sent", content_type = "application/json"),
    responses(
        (status = 202, description = "Verified and stored; the application is re-screened in the background", body = CallbackAccepted),
        (status = 200, description = "Verified; the event carries no result and nothing was stored", body = CallbackAccepted),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unsigned, badly signed, or no such tenant or secret", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a supported vendor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A replay: stale signed timestamp or an event accepted before", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unusable payload, or a reference to no application", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (vendor, tenant) = path.into_inner();
    let vendor = vendor_of(&vendor)?;
    let body = read_body(&req, payload, idv::BODY_MAX, state.body_timeout).await?;
    let store_secrets = match TenantId::parse(&tenant) {
        Some(tenant) => state.store.tenant(&tenant).idv_secrets(vendor).await?,
        None => None,
    };
    // An unknown tenant, or one without a secret, is verified against a secret nobody has: the
    // answer is the one a wrong signature gets.
    let known = store_secrets.is_some();
    let secrets = store_secrets.unwrap_or_else(|| VendorSecrets {
        secrets: vec![crate::crypto::PiiKeys::generate_secret()],
        client_id: None,
    });
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let module = vendor.module();
    match module.verify(&header, &body, &secrets, chrono::Utc::now()) {
        Ok(()) if known => {}
        Ok(()) | Err(Refusal::BadSignature) => {
            return Err(ApiError::CallbackUnauthenticated(
                "The callback's signature does not verify with the tenant's secret for this vendor",
            ));
        }
        Err(Refusal::Unsigned) => {
            return Err(ApiError::CallbackUnauthenticated(
                "The callback carries no usable signature header",
            ));
        }
        Err(Refusal::Stale) => {
            return Err(ApiError::CallbackReplayed(
                "The signed timestamp lies more than 5 minutes from now: a replay",
            ));
        }
    }
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        return Err(ApiError::MalformedJson(json_error_position(&e)));
    }
    let read = module
        .parse(&body)
        .map_err(|e| ApiError::CallbackUnusable(e.0))?;
    let tenant = TenantId::parse(&tenant).ok_or(ApiError::NotFound)?;
    match read.outcome {
        Outcome::Ignored(detail) => Ok(HttpResponse::Ok().json(CallbackAccepted {
            status: "ignored",
            application_id: None,
            detail: Some(detail),
        })),
        Outcome::Result { reference, result } => {
            match state
                .store
                .tenant(&tenant)
                .record_idv_result(vendor, &read.event_id, &reference, &result)
                .await?
            {
                CallbackOutcome::Stored { application_id } => {
                    tracing::info!(
                        tenant = tenant.as_str(),
                        vendor = vendor.as_str(),
                        application = application_id,
                        "identity-verification result stored"
                    );
                    Ok(HttpResponse::Accepted().json(CallbackAccepted {
                        status: "accepted",
                        application_id: Some(application_id),
                        detail: None,
                    }))
                }
                CallbackOutcome::Replayed => Err(ApiError::CallbackReplayed(
                    "This event was accepted before; nothing changed",
                )),
                CallbackOutcome::UnknownReference => Err(ApiError::UnknownReference),
            }
        }
    }
}
