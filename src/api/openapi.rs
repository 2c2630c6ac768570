//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at `/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, applications, error, health};
use crate::model;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vetgate",
        description = "Remote-worker identity verification gateway: screens contractor applications for \
                       disguised North Korean IT-worker indicators and returns an explainable verdict."
    ),
    paths(
        applications::submit,
        applications::get,
        applications::history,
        applications::list,
        admin::reload_intel,
        health::healthz,
        health::readyz,
        health::metrics,
    ),
    components(schemas(
        model::ApplicationDto,
        model::Verdict,
        model::ScoredSignal,
        model::SanctionsMatch,
        model::Category,
        model::Decision,
        model::FieldError,
        error::Problem,
        error::ParamError,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "applications", description = "Screening and verdicts"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
