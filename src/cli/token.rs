use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use jsonwebtoken::{Algorithm, EncodingKey};

use crate::api::auth::{Audience, Claims, SCOPES, sign};
use crate::config::Settings;
use crate::startup;

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Tenant the token acts for.
    #[arg(long)]
    tenant: String,
    /// Scope to grant (repeatable): applications:write, verdicts:read, reviews:write, lists:admin,
    /// applications:erase, applications:export, audit:read.
    #[arg(long = "scope", required = true)]
    scopes: Vec<String>,
    /// Lifetime, e.g. 15m, 1h, 7d.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    ttl: Duration,
    /// Subject (`sub`) of the token.
    #[arg(long, default_value = "vetgate-cli")]
    sub: String,
    /// Sign with this RSA or EC P-256 private key (PEM) when the service verifies RS256/ES256.
    #[arg(long, value_name = "FILE")]
    private_key: Option<PathBuf>,
}

pub fn run(settings: &Settings, args: TokenArgs) -> anyhow::Result<ExitCode> {
    if crate::store::TenantId::parse(&args.tenant).is_none() {
        bail!("--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -");
    }
    if let Some(unknown) = args.scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        bail!(
            "unknown scope {unknown}; known scopes: {}",
            SCOPES.join(", ")
        );
    }
    let (key, algorithm) = match &args.private_key {
        Some(path) => {
            let pem =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            if let Ok(key) = EncodingKey::from_rsa_pem(&pem) {
                (key, Algorithm::RS256)
            } else if let Ok(key) = EncodingKey::from_ec_pem(&pem) {
                (key, Algorithm::ES256)
            } else {
                bail!(
                    "{} is neither an RSA nor an EC P-256 private key in PEM form",
                    path.display()
                );
            }
        }
        None => {
            let secret = startup::jwt_secret(settings)?;
            (
                EncodingKey::from_secret(secret.expose().as_bytes()),
                Algorithm::HS256,
            )
        }
    };
    if args.ttl.as_secs() > settings.jwt_max_lifetime_seconds {
        bail!(
            "--ttl {} is longer than the service accepts (VETGATE_JWT_MAX_LIFETIME_SECONDS = {} s)",
            humantime::format_duration(args.ttl),
            settings.jwt_max_lifetime_seconds
        );
    }
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let claims = Claims {
        sub: args.sub,
        tenant: args.tenant,
        scope: args.scopes.join(" "),
        exp: now + args.ttl.as_secs(),
        iat: Some(now),
        iss: settings.jwt_issuer.clone(),
        aud: settings.jwt_audience.clone().map(Audience::One),
    };
    println!("{}", sign(&claims, &key, algorithm)?);
    Ok(ExitCode::SUCCESS)
}
