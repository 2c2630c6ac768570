//! `POST /v1/sanctions/search`: the ad-hoc screening compliance analysts run by hand
//! (`sanctions-search.request.schema.json` / `.response.schema.json`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::applications::{json_body, read_body, require_json};
use super::auth::{Caller, VERDICTS_READ};
use super::error::{Problem, Unauthorized};
use super::{ApiError, AppState};
use crate::checks::sanctions::round3;
use crate::intel::sanctions::matcher::{KindFilter, Query, REVIEW_THRESHOLD, THRESHOLD};
use crate::intel::sanctions::model::{EntityKind, parse_iso_partial};
use crate::model::json::member_pointer;
use crate::model::{Country, FieldError};

/// The request (`sanctions-search.request.schema.json`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the schema; the body is validated field by field below
pub struct SanctionsSearchRequest {
    /// A name in any script and any order.
    #[schema(min_length = 1, max_length = 300)]
    name: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[schema(pattern = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2; a soft hint, never a filter.
    #[schema(pattern = "^[A-Z]{2}$")]
    country: Option<String>,
    /// `person`, `entity` or `any` (default).
    #[schema(pattern = "^(person|entity|any)$")]
    kind: Option<String>,
    /// 1–100, default 10.
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// One ranked entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchMatch {
    pub list: String,
    /// The publisher's own id: OFAC entity number, UN reference number, a CSV list's id.
    pub entry_id: String,
    pub entry_name: String,
    pub matched_name: String,
    /// person, entity, vessel or aircraft.
    #[schema(value_type = String)]
    pub kind: EntityKind,
    pub score: f64,
    /// `score >= threshold`.
    #[serde(rename = "match")]
    pub is_match: bool,
    pub programs: Vec<String>,
    /// Contributions that add up to the score before clamping: name, date_of_birth, country,
    /// documents.
    #[schema(value_type = Object)]
    pub breakdown: serde_json::Map<String, Value>,
    /// OFAC DPRK programmes, UN KPi/KPe entries and the curated IT-worker list.
    pub north_korea: bool,
}

/// The response (`sanctions-search.response.schema.json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionsSearchResponse {
    pub threshold: f64,
    pub review_threshold: f64,
    /// The active list version searched; empty when no list is loaded.
    pub lists_version: String,
    pub matches: Vec<SearchMatch>,
}

/// Reads the request against its schema, reporting every unusable field with its pointer.
fn parse_request(value: &Value) -> Result<Query, Vec<FieldError>> {
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
        if !matches!(
            key.as_str(),
            "name" | "date_of_birth" | "country" | "kind" | "limit"
        ) {
            error(&member_pointer("", key), "unknown field");
        }
    }
    let mut query = Query::name("");
    match object.get("name") {
        Some(Value::String(name)) if (1..=300).contains(&name.chars().count()) => {
            if name.trim().is_empty() {
                error("/name", "must not be blank");
            }
            query.name = name.clone();
        }
        Some(Value::String(_)) => error("/name", "must be 1-300 characters"),
        Some(_) => error("/name", "must be a string"),
        None => error("/name", "is required"),
    }
    match object.get("date_of_birth") {
        None | Some(Value::Null) => {}
        Some(Value::String(d)) => match parse_iso_partial(d).filter(|_| d.trim() == d) {
            Some(date) => query.date_of_birth = Some(date),
            None => error(
                "/date_of_birth",
                "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD",
            ),
        },
        Some(_) => error("/date_of_birth", "must be a string"),
    }
    match object.get("country") {
        None | Some(Value::Null) => {}
        Some(Value::String(c)) => match Country::parse(c) {
            Some(country) => {
                // A Korean subject's Han name is read the Korean way as well (`金正恩` = KIM Jong Un).
                query.korean_readings = matches!(country.as_str(), "KR" | "KP");
                query.country = Some(country.as_str().to_owned());
            }
            None => error(
                "/country",
                "must be an assigned ISO 3166-1 alpha-2 code in upper case",
            ),
        },
        Some(_) => error("/country", "must be a string"),
    }
    match object.get("kind") {
        None | Some(Value::Null) => {}
        Some(Value::String(kind)) => match kind.as_str() {
            "person" => query.kind = KindFilter::Person,
            "entity" => query.kind = KindFilter::Entity,
            "any" => query.kind = KindFilter::Any,
            _ => error("/kind", "must be person, entity or any"),
        },
        Some(_) => error("/kind", "must be a string"),
    }
    match object.get("limit") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => match n.as_u64() {
            Some(limit @ 1..=100) => query.limit = limit as usize,
            _ => error("/limit", "must be an integer from 1 to 100"),
        },
        Some(_) => error("/limit", "must be an integer from 1 to 100"),
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// Screen one name against the active sanctions lists. Scope: `verdicts:read`.
///
/// Ranked entries of the official lists, the curated DPRK lists and the tenant's own lists, best
/// first, with the score breakdown. `match` is `score >= threshold`, the same threshold screening
/// acts on; a birth date that contradicts the entry's by more than a year lowers the score so far
/// that a namesake is never a match.
#[utoipa::path(
    post, path = "/v1/sanctions/search", tag = "sanctions",
    request_body(content = SanctionsSearchRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Ranked entries", body = SanctionsSearchResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Token lacks verdicts:read", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive within VETGATE_HTTP_BODY_TIMEOUT_SECONDS", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unusable fields, one `errors` item each", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    ),
    security(("bearer" = []))
)]
pub async fn search(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(VERDICTS_READ)?;
    require_json(&req)?;
    let body = read_body(&req, payload, state.max_body_bytes, state.body_timeout).await?;
    let value = json_body(&body)?;
    let query = parse_request(&value).map_err(ApiError::InvalidRequest)?;

    let lists = state.screener.facts.lists.current();
    let view = lists.for_tenant(caller.tenant.as_str());
    let matches = view
        .search(&query)
        .into_iter()
        .map(|m| {
            let b = m.found.breakdown;
            let mut breakdown = serde_json::Map::new();
            breakdown.insert("name".into(), round3(b.name).into());
            breakdown.insert("date_of_birth".into(), round3(b.date_of_birth).into());
            breakdown.insert("country".into(), round3(b.country).into());
            breakdown.insert("documents".into(), round3(b.documents).into());
            SearchMatch {
                list: m.entity.list.clone(),
                entry_id: m.entity.id.clone(),
                entry_name: m.entity.primary_name.clone(),
                matched_name: m.found.matched_name.clone(),
                kind: m.entity.kind,
                score: round3(m.found.score),
                is_match: m.found.is_match,
                programs: m.entity.programs.clone(),
                breakdown,
                north_korea: m.entity.north_korea,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(SanctionsSearchResponse {
        threshold: THRESHOLD,
        review_threshold: REVIEW_THRESHOLD,
        lists_version: view.version().unwrap_or_default().to_owned(),
        matches,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::sanctions::model::PartialDate;
    use serde_json::json;

    #[test]
    fn every_unusable_field_is_reported_with_its_pointer() {
        let errors = parse_request(&json!({
            "date_of_birth": "1990-02-30", "country": "XX", "kind": "ship", "limit": 0, "extra": 1
        }))
        .unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        for p in [
            "/name",
            "/date_of_birth",
            "/country",
            "/kind",
            "/limit",
            "/extra",
        ] {
            assert!(pointers.contains(&p), "{p} missing from {pointers:?}");
        }
    }

    #[test]
    fn a_full_request_becomes_a_query() {
        let q = parse_request(&json!({
            "name": "KIM, Yong Chol", "date_of_birth": "1961-01", "country": "KP", "kind": "person", "limit": 3
        }))
        .unwrap();
        assert_eq!(q.name, "KIM, Yong Chol");
        assert_eq!(q.date_of_birth, PartialDate::year_month(1961, 1));
        assert_eq!(q.country.as_deref(), Some("KP"));
        assert_eq!(q.kind, KindFilter::Person);
        assert_eq!(q.limit, 3);
    }
}
