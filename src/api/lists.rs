//! `/v1/admin/lists`: load sanctions-list versions and see what is loaded. Scope `lists:admin`.
//! The operator tenant manages the global lists (official and curated); any other tenant manages
//! lists that screen only its own applications.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::SecondsFormat;
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::applications::{json_body, read_body};
use super::auth::{Caller, LISTS_ADMIN};
use super::error::{AuthErrors, Problem, Unauthorized, Unavailable};
use super::{ApiError, AppState};
use crate::intel::lists::ListSummary;
use crate::lists::{self, ListFormat, ListLoadError, ListUpload, LoadOutcome};
use crate::model::FieldError;
use crate::model::json::member_pointer;
use crate::store::{ListScope, ListVersionInfo};

/// A stored version as the status page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListVersionView {
    pub list: String,
    pub seq: i64,
    /// `global` (official and curated lists) or `tenant` (a tenant's own).
    pub scope: &'static str,
    /// The tenant a `tenant` list belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub format: String,
    pub source: String,
    pub content_sha256: String,
    pub loaded_at: String,
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    /// The newest version of its list: the one screening uses.
    pub active: bool,
    /// What the parser could not structure (kept raw in the entries' remarks).
    #[schema(value_type = Object)]
    pub report: Value,
}

/// `GET /v1/admin/lists`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListsStatus {
    /// The version label this instance screens the caller's applications with.
    pub lists_version: Option<String>,
    /// The lists this instance has loaded (it polls the database for new versions).
    #[schema(value_type = Vec<Object>)]
    pub loaded: Vec<ListSummary>,
    /// Every stored version the caller may see, newest first per list.
    pub versions: Vec<ListVersionView>,
    /// Applications waiting to be screened again after a list change.
    pub rescreen_pending: i64,
}

impl From<ListVersionInfo> for ListVersionView {
    fn from(info: ListVersionInfo) -> ListVersionView {
        let (scope, tenant) = match info.scope {
            ListScope::Global => ("global", None),
            ListScope::Tenant(t) => ("tenant", Some(t.as_str().to_owned())),
        };
        ListVersionView {
            list: info.list_name,
            seq: info.seq,
            scope,
            tenant,
            format: info.format,
            source: info.source,
            content_sha256: hex::encode(&info.content_sha256),
            loaded_at: info.loaded_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            loaded_by: info.loaded_by,
            entries: info.entries,
            north_korea_entries: info.north_korea_entries,
            active: info.active,
            report: serde_json::from_str(&info.report_json).unwrap_or(Value::Null),
        }
    }
}

/// Stored and loaded sanctions-list versions. Scope: `lists:admin`.
#[utoipa::path(
    get, path = "/v1/admin/lists", tag = "sanctions",
    responses(
        (status = 200, description = "Versions, entry counts, load times", body = ListsStatus),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn status(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(LISTS_ADMIN)?;
    let operator = caller.tenant.as_str() == state.operator_tenant;
    let versions = state.store.list_versions(Some(&caller.tenant)).await?;
    let pending = state
        .store
        .rescreen_depth((!operator).then_some(&caller.tenant))
        .await?
        .pending;
    let lists = state.lists.snapshot().current();
    Ok(HttpResponse::Ok().json(ListsStatus {
        lists_version: lists
            .for_tenant(caller.tenant.as_str())
            .version()
            .map(str::to_owned),
        loaded: lists.summaries(Some(caller.tenant.as_str())),
        versions: versions.into_iter().map(ListVersionView::from).collect(),
        rescreen_pending: pending,
    }))
}

/// What a load answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadResponse {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub outcome: LoadOutcome,
    pub scope: &'static str,
    /// Every application the list screens is queued to be screened again.
    pub rescreen_pending: i64,
}

/// Load a new version of a sanctions list. Scope: `lists:admin`.
///
/// `multipart/form-data` with a `format` field (`ofac-csv`, `un-xml`, `eu-xml`, `uk-xml`,
/// `ftm-json`, `csv`), a `list` field for `csv` lists and for `ftm-json` (`OS-<DATASET>`), an
/// optional `force` field (`true`: store a global list even when it is empty or
/// loses more than half of its entries, which is otherwise refused with 422), and the file(s): the four OFAC files by their names (`sdn.csv`, `add.csv`,
/// `alt.csv`, `sdn_comments.csv`), or one file. Or JSON `{"format": "un-xml"|"eu-xml"|"uk-xml"|"ftm-json"|"csv",
/// "list": …, "content": "…"}`. The whole file is parsed first: a malformed one is refused (422, naming the
/// line or element) and the active version stays. Every instance serves the new version within
/// `VETGATE_LISTS_POLL_SECONDS`; stored applications are re-screened in the background.
#[utoipa::path(
    post, path = "/v1/admin/lists", tag = "sanctions",
    request_body(content = ListUploadJson, content_type = "application/json",
        description = "Or multipart/form-data with `format`, `list` and the file(s)"),
    responses(
        (status = 201, description = "Stored as the list's new version", body = LoadResponse),
        (status = 400, description = "A JSON body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not lists:admin, or a global list outside the operator tenant", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within VETGATE_HTTP_BODY_TIMEOUT_SECONDS", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields or a malformed file; nothing changed", body = Problem, content_type = "application/problem+json"),
        Unauthorized, Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn load(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(LISTS_ADMIN)?;
    // A tenant's upload stops at its quota: no tenant's upload holds the memory of the operator's.
    let limit = if caller.tenant.as_str() == state.operator_tenant {
        state.lists_max_upload_bytes
    } else {
        state
            .lists_max_upload_bytes
            .min(state.lists.tenant_quotas().max_upload_bytes)
    };
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let (upload, force) = match essence.as_str() {
        "multipart/form-data" => {
            // The same deadline as a JSON body: a trickled upload must not hold a worker.
            let deadline = state.body_timeout;
            actix_web::rt::time::timeout(
                deadline,
                read_multipart(Multipart::new(req.headers(), payload.into_inner()), limit),
            )
            .await
            .map_err(|_| ApiError::BodyTimeout(deadline.as_secs()))??
        }
        "application/json" => {
            let body = read_body(&req, payload, limit, state.body_timeout).await?;
            let value = json_body(&body)?;
            json_upload(&value).map_err(ApiError::InvalidRequest)?
        }
        _ => return Err(ApiError::UnsupportedMediaType),
    };
    let list_name = upload.list_name().map_err(load_error)?;
    let scope =
        lists::scope_for(&caller.tenant, &state.operator_tenant, &list_name).map_err(load_error)?;
    let loaded_by = format!("api:{}:{}", caller.tenant.as_str(), caller.subject);
    let (info, outcome) = state
        .lists
        .load(upload, scope.clone(), &loaded_by, force)
        .await
        .map_err(load_error)?;
    // This instance serves the new version at once; the others at their next poll.
    if let Err(err) = state.lists.refresh().await {
        tracing::warn!(error = %err, "list refresh after a load failed; the poller retries");
    }
    let pending = state
        .store
        .rescreen_depth(match &info.scope {
            ListScope::Global => None,
            ListScope::Tenant(t) => Some(t),
        })
        .await?
        .pending;
    Ok(HttpResponse::Created().json(LoadResponse {
        outcome,
        scope: match scope {
            ListScope::Global => "global",
            ListScope::Tenant(_) => "tenant",
        },
        rescreen_pending: pending,
    }))
}

fn load_error(err: ListLoadError) -> ApiError {
    match err {
        ListLoadError::Malformed(e) => ApiError::ListRefused(e.to_string()),
        ListLoadError::Invalid(detail) => ApiError::InvalidRequest(vec![FieldError {
            pointer: String::new(),
            detail,
        }]),
        ListLoadError::Forbidden(detail) => ApiError::ListForbidden(detail),
        ListLoadError::Store(e) => ApiError::Store(e),
        ListLoadError::Fetch { url, message } => ApiError::ListRefused(format!("{url}: {message}")),
        err @ (ListLoadError::Shrinks { .. } | ListLoadError::OverQuota { .. }) => {
            ApiError::ListRefused(err.to_string())
        }
        ListLoadError::TooLarge { limit } => ApiError::PayloadTooLarge(limit),
    }
}

/// The JSON form of a list upload (the OFAC set, four Latin-1 files, comes as multipart).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the schema; the body is validated field by field in json_upload
pub struct ListUploadJson {
    /// A format that is one file: `un-xml`, `eu-xml`, `uk-xml`, `ftm-json` (OpenSanctions) or
    /// `csv` (the project format) (the `pattern` is checked against the format registry by a
    /// test).
    #[schema(pattern = "^(un-xml|eu-xml|uk-xml|ftm-json|csv)$")]
    format: String,
    /// The list's name, for `csv`, and `OS-<DATASET>` for `ftm-json`.
    list: Option<String>,
    /// The file's text.
    #[schema(min_length = 1)]
    content: String,
    /// Shown in the parse report.
    file_name: Option<String>,
    /// Store a global list even when it is empty or loses more than half of its entries.
    force: Option<bool>,
}

fn json_upload(value: &Value) -> Result<(ListUpload, bool), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut error = |pointer: &str, detail: String| {
        errors.push(FieldError {
            pointer: pointer.into(),
            detail,
        })
    };
    let Some(object) = value.as_object() else {
        error("", "the body must be a JSON object".into());
        return Err(errors);
    };
    for key in object.keys() {
        if !matches!(
            key.as_str(),
            "format" | "list" | "content" | "file_name" | "force"
        ) {
            error(&member_pointer("", key), "unknown field".into());
        }
    }
    let format = match object.get("format").and_then(Value::as_str) {
        Some(f) => match f.parse::<ListFormat>() {
            Ok(format) if format.set_files().is_some() => {
                error(
                    "/format",
                    format!("a {format} set is several files: upload it as multipart/form-data"),
                );
                None
            }
            Ok(format) => Some(format),
            Err(e) => {
                error("/format", e);
                None
            }
        },
        None => {
            error(
                "/format",
                format!(
                    "is required: {}",
                    ListFormat::names(ListFormat::single_file())
                ),
            );
            None
        }
    };
    let list_name = match object.get("list") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            error("/list", "must be a string".into());
            None
        }
    };
    let content = match object.get("content").and_then(Value::as_str) {
        Some(c) => Some(c.as_bytes().to_vec()),
        None => {
            error("/content", "is required: the file's text".into());
            None
        }
    };
    let force = match object.get("force") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            error("/force", "must be true or false".into());
            false
        }
    };
    let file_name = object
        .get("file_name")
        .and_then(Value::as_str)
        .unwrap_or("upload")
        .to_owned();
    match (format, content) {
        (Some(format), Some(content)) if errors.is_empty() => Ok((
            ListUpload {
                format,
                list_name,
                files: vec![(file_name.clone(), content)],
                source: format!("upload {file_name}"),
            },
            force,
        )),
        _ => Err(errors),
    }
}

async fn read_multipart(mut form: Multipart, limit: usize) -> Result<(ListUpload, bool), ApiError> {
    let invalid = |pointer: &str, detail: &str| {
        ApiError::InvalidRequest(vec![FieldError {
            pointer: pointer.into(),
            detail: detail.into(),
        }])
    };
    let (mut format, mut list_name, mut files, mut force) = (None, None, Vec::new(), false);
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| ApiError::UnreadableBody)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| ApiError::UnreadableBody)?;
            total += chunk.len();
            if total > limit {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            data.extend_from_slice(&chunk);
        }
        match (name.as_str(), file_name) {
            ("format", None) => {
                let text = String::from_utf8_lossy(&data);
                format = Some(
                    text.trim()
                        .parse::<ListFormat>()
                        .map_err(|e| invalid("/format", &e))?,
                );
            }
            ("list", None) => list_name = Some(String::from_utf8_lossy(&data).trim().to_owned()),
            ("force", None) => {
                force = match String::from_utf8_lossy(&data).trim() {
                    "true" | "1" => true,
                    "false" | "0" | "" => false,
                    _ => return Err(invalid("/force", "must be true or false")),
                }
            }
            (_, Some(file_name)) => files.push((file_name, data)),
            (other, None) => {
                return Err(invalid(
                    &member_pointer("", other),
                    "unknown field: send format, list and the file(s)",
                ));
            }
        }
    }
    let format = format.ok_or_else(|| {
        invalid(
            "/format",
            &format!("is required: {}", ListFormat::names(ListFormat::ALL)),
        )
    })?;
    if files.is_empty() {
        return Err(invalid("/files", "no file was uploaded"));
    }
    let source = format!(
        "upload {}",
        files
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok((
        ListUpload {
            format,
            list_name,
            files,
            source,
        },
        force,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_upload_schema_names_the_one_file_formats_of_the_registry() {
        let schema = serde_json::to_value(<ListUploadJson as utoipa::PartialSchema>::schema())
            .expect("the schema serialises");
        let pattern = schema["properties"]["format"]["pattern"]
            .as_str()
            .expect("format has a pattern");
        let mut documented: Vec<&str> = pattern
            .trim_start_matches("^(")
            .trim_end_matches(")$")
            .split('|')
            .collect();
        documented.sort_unstable();
        let mut registry: Vec<&str> = ListFormat::single_file().map(ListFormat::as_str).collect();
        registry.sort_unstable();
        assert_eq!(documented, registry);
    }
}
