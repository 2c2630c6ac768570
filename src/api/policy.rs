//! `/v1/policy` and `/v1/allow`: a tenant's own scoring-policy override and allow entries. Scope
//! `policy:admin`. Every change re-screens the tenant's stored applications in the background, and
//! reaches the other instances within `VETGATE_LISTS_POLL_SECONDS` (docs/policy.md).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::applications::{json_body, read_body};
use super::auth::{Caller, POLICY_ADMIN};
use super::error::{AuthErrors, Problem, Unauthorized, Unavailable};
use super::{ApiError, AppState};
use crate::facts::allow::{AllowKind, IpRange, index_kind, parse_asn};
use crate::identifiers;
use crate::model::{Country, FieldError, IdentifierKind, ShippingAddress};
use crate::policy::{PolicyError, json_to_toml};
use crate::store::AllowRow;

/// A policy override is a short file: the built-in policy itself is under 10 KiB.
const POLICY_MAX_BYTES: usize = 64 * 1024;
/// Allow entries one tenant may hold.
pub const ALLOW_ENTRIES_MAX: usize = 1000;
const NOTE_MAX_CHARS: usize = 500;

/// `GET /v1/policy`: the tenant's override and the policy its applications are scored with.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    /// The override in force (TOML, as sent); `null`: the operator's policy applies.
    #[serde(rename = "override")]
    pub override_toml: Option<String>,
    /// The newest version of the tenant's override (a DELETE is a version too); `null`: never set.
    pub version: Option<i64>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    /// The content hash of the effective policy (operator's ← override): the verdicts'
    /// `policy_version`.
    pub effective_policy_version: String,
    /// The content hash of the operator's policy.
    pub operator_policy_version: String,
    /// The tenant's applications waiting to be screened again.
    pub rescreen_pending: i64,
}

async fn policy_view(state: &AppState, caller: &Caller) -> Result<PolicyView, ApiError> {
    let store = state.store.tenant(&caller.tenant);
    let current = store.policy_override().await?;
    let toml = current.as_ref().and_then(|c| c.toml.clone());
    let tenants = &state.screener.facts.tenants;
    let effective = tenants
        .effective(toml.as_deref())
        .map(|p| p.version().to_owned())
        // Stored valid, but the operator's file changed under it: the operator's applies.
        .unwrap_or_else(|_| tenants.operator_policy().version().to_owned());
    let pending = state
        .store
        .rescreen_depth(Some(&caller.tenant))
        .await?
        .pending;
    Ok(PolicyView {
        override_toml: toml,
        version: current.as_ref().map(|c| c.version),
        updated_at: current
            .as_ref()
            .map(|c| c.created_at.to_rfc3339_opts(SecondsFormat::Millis, true)),
        updated_by: current.map(|c| c.created_by),
        effective_policy_version: effective,
        operator_policy_version: tenants.operator_policy().version().to_owned(),
        rescreen_pending: pending,
    })
}

fn policy_error(err: PolicyError) -> ApiError {
    let pointer = match &err {
        PolicyError::UnknownCodes(_) | PolicyError::Points { .. } => "/points",
        PolicyError::Thresholds { .. } => "/thresholds",
        PolicyError::MinFamilies(_) | PolicyError::FamilyOverlap { .. } => "/agreement",
        _ => "",
    };
    ApiError::InvalidRequest(vec![FieldError {
        pointer: pointer.into(),
        detail: err.to_string(),
    }])
}

/// After a change: this instance screens with it at once (the others within their poll).
async fn refresh(state: &AppState) {
    if let Err(err) = state.screener.facts.tenants.refresh(&state.store).await {
        tracing::warn!(error = %err, "tenant settings refresh failed; the poll retries");
    }
}

/// The tenant's policy override. Scope: `policy:admin`.
#[utoipa::path(
    get, path = "/v1/policy", tag = "policy",
    responses((status = 200, description = "The override and the effective policy's version", body = PolicyView), AuthErrors),
    security(("bearer" = []))
)]
pub async fn get_policy(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    Ok(HttpResponse::Ok().json(policy_view(&state, &caller).await?))
}

/// Set the tenant's policy override: the TOML of `VETGATE_POLICY` (`application/toml`), or JSON of
/// the same shape (`application/json`), laid over the operator's policy and validated with the same
/// rules (422 naming what is wrong). Each PUT is a new version; the tenant's stored applications
/// are re-screened in the background. Scope: `policy:admin`.
#[utoipa::path(
    put, path = "/v1/policy", tag = "policy",
    request_body(content = String, content_type = "application/toml",
        description = "Or application/json of the same shape"),
    responses(
        (status = 200, description = "Stored as the new version", body = PolicyView),
        (status = 400, description = "A JSON body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks policy:admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid TOML, an unknown or retired code, broken thresholds…; nothing changed", body = Problem, content_type = "application/problem+json"),
        Unauthorized, Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn put_policy(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    let essence = content_type(&req);
    let limit = state.max_body_bytes.min(POLICY_MAX_BYTES);
    let text = match essence.as_str() {
        "application/toml" | "text/toml" => {
            let body = read_body(&req, payload, limit, state.body_timeout).await?;
            String::from_utf8(body.to_vec()).map_err(|_| {
                ApiError::InvalidRequest(vec![FieldError {
                    pointer: String::new(),
                    detail: "the policy is not UTF-8 text".into(),
                }])
            })?
        }
        "application/json" => {
            let body = read_body(&req, payload, limit, state.body_timeout).await?;
            json_to_toml(&json_body(&body)?).map_err(policy_error)?
        }
        _ => return Err(ApiError::UnsupportedMediaType),
    };
    state
        .screener
        .facts
        .tenants
        .effective(Some(&text))
        .map_err(policy_error)?;
    let by = format!("api:{}:{}", caller.tenant.as_str(), caller.subject);
    let version = state
        .store
        .tenant(&caller.tenant)
        .put_policy_override(Some(&text), &by)
        .await?;
    tracing::info!(
        tenant = caller.tenant.as_str(),
        version,
        "tenant policy override stored"
    );
    refresh(&state).await;
    Ok(HttpResponse::Ok().json(policy_view(&state, &caller).await?))
}

/// Go back to the operator's policy (a new version without an override; the earlier ones are
/// kept). The tenant's stored applications are re-screened. Without an override in force, nothing
/// changes. Scope: `policy:admin`.
#[utoipa::path(
    delete, path = "/v1/policy", tag = "policy",
    responses((status = 200, description = "The operator's policy applies", body = PolicyView), AuthErrors),
    security(("bearer" = []))
)]
pub async fn delete_policy(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    let store = state.store.tenant(&caller.tenant);
    let in_force = store
        .policy_override()
        .await?
        .is_some_and(|o| o.toml.is_some());
    if in_force {
        let by = format!("api:{}:{}", caller.tenant.as_str(), caller.subject);
        let version = store.put_policy_override(None, &by).await?;
        tracing::info!(
            tenant = caller.tenant.as_str(),
            version,
            "tenant policy override removed"
        );
        refresh(&state).await;
    }
    Ok(HttpResponse::Ok().json(policy_view(&state, &caller).await?))
}

fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// An allow entry as the API shows it: personal values only as a masked hint.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowEntryView {
    pub id: String,
    /// `ip_range`, `asn`, `payout_account` or `shipping_address`.
    pub kind: String,
    /// The range or AS number; absent for personal values (payout accounts, addresses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What identifies the entry to a person without showing personal data (`iban ••••4321`).
    pub hint: String,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

impl From<AllowRow> for AllowEntryView {
    fn from(row: AllowRow) -> AllowEntryView {
        AllowEntryView {
            id: row.id,
            kind: row.kind,
            value: row.value,
            hint: row.hint,
            note: row.note,
            created_at: row.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            created_by: row.created_by,
        }
    }
}

/// `GET /v1/allow`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowList {
    pub items: Vec<AllowEntryView>,
}

/// `POST /v1/allow`'s body.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AllowEntryRequest {
    /// `ip_range` (`"192.0.2.0/24"`), `asn` (`"AS64500"` or `64500`), `payout_account` (an object
    /// with one of `iban`, `account_number` with `routing_number`, `provider_account_id`,
    /// `crypto_address`), `shipping_address` (an object with `country`, `postal_code` or `city`,
    /// and `address_line`).
    kind: String,
    #[schema(value_type = Object)]
    value: Value,
    note: Option<String>,
}

fn invalid(pointer: &str, detail: impl Into<String>) -> ApiError {
    ApiError::InvalidRequest(vec![FieldError {
        pointer: pointer.into(),
        detail: detail.into(),
    }])
}

/// `••••` and the last four characters.
fn mask_tail(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("••••{tail}")
}

fn member<'a>(value: &'a Value, name: &str) -> Result<Option<&'a str>, ApiError> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.as_str())),
        Some(_) => Err(invalid(
            &format!("/value/{name}"),
            "must be a non-empty string",
        )),
    }
}

/// A stored row for a validated request: values of personal kinds become the identifier index's
/// keyed hash and a masked hint.
fn allow_row(
    body: &Value,
    caller: &Caller,
    keys: &crate::crypto::PiiKeys,
) -> Result<AllowRow, ApiError> {
    let Some(object) = body.as_object() else {
        return Err(invalid("", "the body must be a JSON object"));
    };
    if let Some(unknown) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "kind" | "value" | "note"))
    {
        return Err(invalid(&format!("/{unknown}"), "unknown member"));
    }
    let kinds = AllowKind::ALL.map(AllowKind::as_str).join(", ");
    let kind = body["kind"]
        .as_str()
        .and_then(AllowKind::parse)
        .ok_or_else(|| invalid("/kind", format!("must be one of {kinds}")))?;
    let note = match &body["note"] {
        Value::Null => None,
        Value::String(s) if s.chars().count() <= NOTE_MAX_CHARS => Some(s.clone()),
        _ => {
            return Err(invalid(
                "/note",
                format!("must be a string of at most {NOTE_MAX_CHARS} characters"),
            ));
        }
    };
    let value = &body["value"];
    let (plain, key_hash, hint) = match kind {
        AllowKind::IpRange => {
            let text = value
                .as_str()
                .ok_or_else(|| invalid("/value", "must be a CIDR range such as 192.0.2.0/24"))?;
            let range = IpRange::parse(text).map_err(|e| invalid("/value", e))?;
            (Some(range.to_string()), None, range.to_string())
        }
        AllowKind::Asn => {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(invalid("/value", "must be an AS number such as AS64500")),
            };
            let asn = parse_asn(&text).map_err(|e| invalid("/value", e))?;
            (Some(asn.to_string()), None, format!("AS{asn}"))
        }
        AllowKind::PayoutAccount => {
            if !value.is_object() {
                return Err(invalid(
                    "/value",
                    "must be an object with one of iban, account_number (with routing_number), provider_account_id, crypto_address",
                ));
            }
            let (iban, account, routing, provider, crypto) = (
                member(value, "iban")?,
                member(value, "account_number")?,
                member(value, "routing_number")?,
                member(value, "provider_account_id")?,
                member(value, "crypto_address")?,
            );
            let values =
                identifiers::payout_account_values(iban, account, routing, provider, crypto);
            let [keyed] = values.as_slice() else {
                return Err(invalid(
                    "/value",
                    "must name exactly one account: iban, account_number (with routing_number), provider_account_id or crypto_address",
                ));
            };
            let (label, shown) = match keyed.split_once(':') {
                Some(("account", rest)) => ("account", rest.rsplit(':').next().unwrap_or(rest)),
                Some((label, rest)) => (label, rest),
                None => ("account", keyed.as_str()),
            };
            let key = identifiers::index_key(IdentifierKind::PayoutAccount, keyed, keys);
            (
                None,
                Some(key.to_vec()),
                format!("{label} {}", mask_tail(shown)),
            )
        }
        AllowKind::ShippingAddress => {
            if !value.is_object() {
                return Err(invalid(
                    "/value",
                    "must be an object with country, postal_code or city, and address_line",
                ));
            }
            let country =
                match member(value, "country")? {
                    Some(c) => Some(Country::parse(c).ok_or_else(|| {
                        invalid("/value/country", "not an ISO 3166-1 alpha-2 code")
                    })?),
                    None => None,
                };
            let address = ShippingAddress {
                country,
                region: None,
                city: member(value, "city")?.map(str::to_owned),
                postal_code: member(value, "postal_code")?.map(str::to_owned),
                address_line: member(value, "address_line")?.map(str::to_owned),
                recipient_name: None,
            };
            let keyed = identifiers::shipping_address_value(&address).ok_or_else(|| {
                invalid(
                    "/value",
                    "needs address_line and a postal_code or city: the line alone names no place",
                )
            })?;
            let key = identifiers::index_key(index_kind(kind), &keyed, keys);
            let hint = format!(
                "{} ••••",
                country.map(|c| c.as_str().to_owned()).unwrap_or_default()
            );
            (None, Some(key.to_vec()), hint.trim().to_owned())
        }
    };
    Ok(AllowRow {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.as_str().to_owned(),
        value: plain,
        key_hash,
        hint,
        note,
        created_at: chrono::Utc::now(),
        created_by: format!("api:{}:{}", caller.tenant.as_str(), caller.subject),
    })
}

/// The tenant's allow entries. Scope: `policy:admin`.
#[utoipa::path(
    get, path = "/v1/allow", tag = "policy",
    responses((status = 200, description = "Every allow entry of the tenant", body = AllowList), AuthErrors),
    security(("bearer" = []))
)]
pub async fn list_allow(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    let rows = state.store.tenant(&caller.tenant).allow_entries().await?;
    Ok(HttpResponse::Ok().json(AllowList {
        items: rows.into_iter().map(AllowEntryView::from).collect(),
    }))
}

/// Mark an attribute as known-good for this tenant: an IP range or ASN (a corporate VPN's egress:
/// its sessions raise no address-based network signal), a payout account (a payroll company) or a
/// shipping address (an office): they link applications to nothing. Sanctions screening is not
/// affected. Payout accounts and addresses are stored only as the identifier index's keyed hash.
/// The tenant's applications are re-screened. Scope: `policy:admin`.
#[utoipa::path(
    post, path = "/v1/allow", tag = "policy",
    request_body(content = AllowEntryRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = AllowEntryView),
        (status = 400, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks policy:admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A kind, value or note that cannot be used, or too many entries", body = Problem, content_type = "application/problem+json"),
        Unauthorized, Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn add_allow(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    super::applications::require_json(&req)?;
    let body = read_body(
        &req,
        payload,
        state.max_body_bytes.min(16 * 1024),
        state.body_timeout,
    )
    .await?;
    let value = json_body(&body)?;
    let row = allow_row(&value, &caller, state.store.keys())?;
    let store = state.store.tenant(&caller.tenant);
    if store.allow_entries().await?.len() >= ALLOW_ENTRIES_MAX {
        return Err(invalid(
            "",
            format!("a tenant holds at most {ALLOW_ENTRIES_MAX} allow entries"),
        ));
    }
    store.add_allow_entry(&row).await?;
    tracing::info!(tenant = caller.tenant.as_str(), id = %row.id, kind = %row.kind, "allow entry stored");
    refresh(&state).await;
    let location = format!("/v1/allow/{}", row.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(AllowEntryView::from(row)))
}

/// Remove an allow entry; the tenant's applications are re-screened. Scope: `policy:admin`.
#[utoipa::path(
    delete, path = "/v1/allow/{id}", tag = "policy",
    params(("id" = String, Path, description = "The allow entry's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such entry for this tenant", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn delete_allow(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(POLICY_ADMIN)?;
    let by = format!("api:{}:{}", caller.tenant.as_str(), caller.subject);
    if !state
        .store
        .tenant(&caller.tenant)
        .delete_allow_entry(&id, &by)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    tracing::info!(tenant = caller.tenant.as_str(), id = %id, "allow entry removed");
    refresh(&state).await;
    Ok(HttpResponse::NoContent().finish())
}
