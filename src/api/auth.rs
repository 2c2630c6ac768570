//! Bearer JWT authentication. The key, and with it the one accepted algorithm, is fixed at start-up:
//! an HS256 secret, or an RSA (RS256) or EC P-256 (ES256) public key. `exp` is required and may lie
//! at most `VETGATE_JWT_MAX_LIFETIME_SECONDS` ahead; `sub` must name someone; `iss` and `aud` are
//! checked when configured (`aud` as one string or an array, RFC 7519 4.1.3). Tokens never reach a
//! log.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};
use crate::store::TenantId;

pub const APPLICATIONS_WRITE: &str = "applications:write";
pub const VERDICTS_READ: &str = "verdicts:read";
pub const LISTS_ADMIN: &str = "lists:admin";
/// Erasing applicants on request: a privacy officer's, not every integration's.
pub const APPLICATIONS_ERASE: &str = "applications:erase";
/// Reading everything stored about an applicant, decrypted (subject-access requests).
pub const APPLICATIONS_EXPORT: &str = "applications:export";
/// Reading the audit log (operator tenant only).
pub const AUDIT_READ: &str = "audit:read";
/// Recording reviewer decisions and claiming cases.
pub const REVIEWS_WRITE: &str = "reviews:write";
/// Managing the tenant's own policy override and allow entries (`/v1/policy`, `/v1/allow`).
pub const POLICY_ADMIN: &str = "policy:admin";
/// Managing the tenant's webhook endpoints (their secrets are shown once, to this scope).
pub const WEBHOOKS_ADMIN: &str = "webhooks:admin";
/// Setting the tenant's identity-verification vendor secrets (`/v1/idv/{vendor}/secrets`).
pub const INTEGRATIONS_ADMIN: &str = "integrations:admin";
pub const SCOPES: &[&str] = &[
    APPLICATIONS_WRITE,
    VERDICTS_READ,
    LISTS_ADMIN,
    APPLICATIONS_ERASE,
    APPLICATIONS_EXPORT,
    AUDIT_READ,
    REVIEWS_WRITE,
    POLICY_ADMIN,
    WEBHOOKS_ADMIN,
    INTEGRATIONS_ADMIN,
];

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub tenant: String,
    /// Space-separated scopes.
    pub scope: String,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// `aud`: one audience, or several (RFC 7519 allows both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

/// What a token must satisfy besides its signature.
#[derive(Debug, Clone)]
pub struct TokenRules {
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// How far ahead `exp` may lie: a stolen token must not work forever.
    pub max_lifetime_seconds: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no JWT key: set VETGATE_JWT_SECRET or VETGATE_JWT_PUBLIC_KEY")]
    Missing,
    #[error("VETGATE_JWT_SECRET must be at least 32 bytes")]
    WeakSecret,
    #[error("the key file is neither an RSA nor an EC P-256 key in PEM form")]
    UnsupportedKey,
}

/// Verifies tokens with the one key and algorithm configured.
pub struct Authenticator {
    key: DecodingKey,
    validation: Validation,
    max_lifetime_seconds: u64,
}

impl Authenticator {
    pub fn hs256(secret: &str, rules: &TokenRules) -> Result<Authenticator, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError::WeakSecret);
        }
        Ok(Self::new(
            DecodingKey::from_secret(secret.as_bytes()),
            Algorithm::HS256,
            rules,
        ))
    }

    /// RS256 for an RSA key, ES256 for an EC P-256 key; the PEM decides, not the token.
    pub fn public_key(pem: &[u8], rules: &TokenRules) -> Result<Authenticator, KeyError> {
        let (key, algorithm) = if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            (key, Algorithm::RS256)
        } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
            (key, Algorithm::ES256)
        } else {
            return Err(KeyError::UnsupportedKey);
        };
        Ok(Self::new(key, algorithm, rules))
    }

    fn new(key: DecodingKey, algorithm: Algorithm, rules: &TokenRules) -> Authenticator {
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        // A token whose `nbf` lies ahead is not valid yet (jsonwebtoken checks it only when asked).
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(issuer) = &rules.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &rules.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        Authenticator {
            key,
            validation,
            max_lifetime_seconds: rules.max_lifetime_seconds,
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.validation.algorithms[0]
    }

    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|_| ApiError::Unauthorized("token rejected"))?;
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        if claims.exp > now.saturating_add(self.max_lifetime_seconds) {
            return Err(ApiError::Unauthorized("token lives longer than allowed"));
        }
        if claims.sub.trim().is_empty() {
            return Err(ApiError::Unauthorized("token names no subject"));
        }
        let tenant =
            TenantId::parse(&claims.tenant).ok_or(ApiError::Unauthorized("bad tenant claim"))?;
        Ok(Caller {
            subject: claims.sub,
            tenant,
            scopes: claims.scope.split_whitespace().map(str::to_owned).collect(),
        })
    }
}

/// Signs a token (for `vetgate token` and tests).
pub fn sign(
    claims: &Claims,
    key: &EncodingKey,
    algorithm: Algorithm,
) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key)
}

/// The verified caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: String,
    pub tenant: TenantId,
    scopes: Vec<String>,
}

impl Caller {
    /// The operator tenant's `lists:admin`: who manages global intelligence.
    pub fn is_operator_admin(&self, operator_tenant: &str) -> bool {
        self.tenant.as_str() == operator_tenant && self.require(LISTS_ADMIN).is_ok()
    }

    /// The first statement of every handler: the scope it needs.
    pub fn require(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(scope))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = (|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or(ApiError::Unauthorized("no state"))?;
            let header = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .ok_or(ApiError::Unauthorized("no Authorization header"))?
                .to_str()
                .map_err(|_| ApiError::Unauthorized("Authorization header is not text"))?;
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .ok_or(ApiError::Unauthorized("not a bearer token"))?;
            let caller = state.auth.verify(token.trim())?;
            state
                .rate_limiter
                .check(caller.tenant.as_str())
                .map_err(ApiError::RateLimited)?;
            Ok(caller)
        })();
        ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn rules() -> TokenRules {
        TokenRules {
            issuer: None,
            audience: None,
            max_lifetime_seconds: 86_400,
        }
    }

    fn claims(exp_offset: i64) -> Claims {
        Claims {
            sub: "s".into(),
            tenant: "acme".into(),
            scope: "verdicts:read".into(),
            exp: (chrono::Utc::now().timestamp() + exp_offset) as u64,
            iat: None,
            iss: None,
            aud: None,
        }
    }

    #[test]
    fn a_valid_token_yields_the_caller_and_its_scopes() {
        let auth = Authenticator::hs256(SECRET, &rules()).unwrap();
        let token = sign(
            &claims(600),
            &EncodingKey::from_secret(SECRET.as_bytes()),
            Algorithm::HS256,
        )
        .unwrap();
        let caller = auth.verify(&token).unwrap();
        assert_eq!(caller.tenant.as_str(), "acme");
        assert!(caller.require(VERDICTS_READ).is_ok());
        assert!(matches!(
            caller.require(APPLICATIONS_WRITE),
            Err(ApiError::Forbidden(_))
        ));
    }

    #[test]
    fn expired_tokens_and_short_secrets_are_refused() {
        let auth = Authenticator::hs256(SECRET, &rules()).unwrap();
        let token = sign(
            &claims(-3600),
            &EncodingKey::from_secret(SECRET.as_bytes()),
            Algorithm::HS256,
        )
        .unwrap();
        assert!(matches!(
            auth.verify(&token),
            Err(ApiError::Unauthorized(_))
        ));
        assert!(matches!(
            Authenticator::hs256("short", &rules()),
            Err(KeyError::WeakSecret)
        ));
    }
}
