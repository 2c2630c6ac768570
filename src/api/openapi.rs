//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at `/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    admin, applications, error, health, idv, lists, policy, privacy, reviews, sanctions, webhooks,
};
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
        applications::links,
        privacy::erase,
        privacy::export,
        applications::list,
        reviews::decide,
        reviews::cases,
        reviews::claim,
        admin::reload_intel,
        admin::audit_log,
        lists::status,
        lists::load,
        sanctions::search,
        policy::get_policy,
        policy::put_policy,
        policy::delete_policy,
        policy::list_allow,
        policy::add_allow,
        policy::delete_allow,
        webhooks::create,
        webhooks::list,
        webhooks::delete,
        webhooks::rotate,
        webhooks::deliveries,
        idv::callback,
        idv::set_secret,
        idv::list_secrets,
        health::healthz,
        health::readyz,
        health::metrics,
        openapi_json,
    ),
    components(schemas(
        model::ApplicationDto,
        model::Verdict,
        model::ScoredSignal,
        model::SanctionsMatch,
        model::ListScopeLabel,
        model::Category,
        model::Decision,
        model::Review,
        model::ReviewDecision,
        model::NewEvidence,
        model::Cause,
        model::CauseKind,
        model::FieldError,
        reviews::ReviewRequest,
        reviews::CasePage,
        reviews::CaseItem,
        reviews::Assignee,
        reviews::TopSignal,
        reviews::CaseClaim,
        error::Problem,
        error::ParamError,
        applications::Links,
        applications::LinkView,
        privacy::Export,
        admin::AuditLog,
        crate::store::AuditEntry,
        crate::store::Tombstone,
        crate::store::ErasedVersion,
        sanctions::SanctionsSearchRequest,
        sanctions::SanctionsSearchResponse,
        sanctions::SearchMatch,
        lists::ListsStatus,
        lists::ListVersionView,
        lists::LoadResponse,
        policy::PolicyView,
        policy::AllowEntryView,
        policy::AllowList,
        policy::AllowEntryRequest,
        webhooks::NewWebhook,
        webhooks::WebhookWithSecret,
        webhooks::WebhookList,
        webhooks::DeliveryList,
        crate::store::WebhookEndpoint,
        crate::store::Delivery,
        crate::store::DeliveryAttempt,
        idv::NewIdvSecret,
        idv::IdvVendorConfig,
        idv::IdvVendorList,
        idv::CallbackAccepted,
        crate::store::IdvSecretView,
        crate::store::StoredIdvResult,
        crate::idv::Vendor,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "applications", description = "Screening and verdicts"),
        (name = "sanctions", description = "Sanctions search and list versions"),
        (name = "reviews", description = "Reviewer decisions and the case queue"),
        (name = "policy", description = "A tenant's own policy override and allow entries"),
        (name = "webhooks", description = "Signed webhooks (Standard Webhooks): endpoints, secrets, deliveries"),
        (name = "idv", description = "Identity-verification vendor callbacks (Persona, Onfido, Veriff) and their secrets"),
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

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses(
    (status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json", body = Object),
))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
