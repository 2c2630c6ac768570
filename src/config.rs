//! Settings: built-in defaults, then an optional TOML file, then `VETGATE_*` environment variables.
//! This is the only module that reads the environment. Each setting is documented once, in
//! [`SETTINGS_HELP`], which `vetgate serve --help` prints and a test holds to the struct.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};

/// A value that must never reach a log. `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        string_like(d).map(Secret)
    }
}

/// Environment values arrive typed by guesswork (`VETGATE_JWT_SECRET=1234…` looks like a number);
/// text settings take them back as text.
fn string_like<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Unsigned(u64),
        Signed(i64),
        Float(f64),
        Bool(bool),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Unsigned(n) => n.to_string(),
        Raw::Signed(n) => n.to_string(),
        Raw::Float(n) => n.to_string(),
        Raw::Bool(b) => b.to_string(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    #[serde(deserialize_with = "string_like")]
    pub listen: String,
    pub database_url: Secret,
    pub jwt_secret: Option<Secret>,
    pub jwt_public_key: Option<PathBuf>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub jwt_max_lifetime_seconds: u64,
    pub pii_key: Option<Secret>,
    pub pii_key_previous: Option<Secret>,
    pub policy: Option<PathBuf>,
    pub max_body_bytes: usize,
    pub http_header_timeout_seconds: u64,
    pub http_body_timeout_seconds: u64,
    pub workers: usize,
    pub db_max_connections: u32,
    pub db_acquire_timeout_ms: u64,
    pub write_batch_max: usize,
    pub write_writers: usize,
    pub idempotency_ttl_hours: u64,
    #[serde(deserialize_with = "string_like")]
    pub shared_tenants: String,
    pub identity_phash_max_distance: u32,
    #[serde(deserialize_with = "string_like")]
    pub operator_tenant: String,
    pub geoip_dir: PathBuf,
    pub geoip_city: Option<PathBuf>,
    pub geoip_asn: Option<PathBuf>,
    pub geoip_anonymous: Option<PathBuf>,
    pub geoip_connection_type: Option<PathBuf>,
    pub lists_poll_seconds: u64,
    pub lists_bundled: bool,
    #[serde(deserialize_with = "string_like")]
    pub lists_ofac_url: String,
    #[serde(deserialize_with = "string_like")]
    pub lists_un_url: String,
    #[serde(deserialize_with = "string_like")]
    pub lists_eu_url: String,
    #[serde(deserialize_with = "string_like")]
    pub lists_uk_url: String,
    pub lists_max_upload_bytes: usize,
    pub lists_tenant_max_entries: usize,
    pub lists_tenant_max_upload_bytes: usize,
    pub rescreen_batch: usize,
    pub retention_days: u32,
    #[serde(deserialize_with = "string_like")]
    pub retention_tenant_days: String,
    pub retention_sweep_seconds: u64,
    pub cases_claim_minutes: u64,
    pub links_cluster_max: usize,
    pub rate_limit_per_minute: u32,
    pub webhooks_allow_private: bool,
    pub webhooks_timeout_seconds: u64,
    pub webhooks_retry_hours: u64,
    pub webhooks_backoff_base_ms: u64,
    pub webhooks_rotation_overlap_seconds: u64,
    pub log: String,
    pub log_format: LogFormat,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: "127.0.0.1:8080".into(),
            database_url: Secret::new("sqlite://vetgate.db"),
            jwt_secret: None,
            jwt_public_key: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_max_lifetime_seconds: 7 * 86_400,
            pii_key: None,
            pii_key_previous: None,
            policy: None,
            max_body_bytes: 256 * 1024,
            http_header_timeout_seconds: 5,
            http_body_timeout_seconds: 10,
            workers: 0,
            db_max_connections: 16,
            db_acquire_timeout_ms: 2_000,
            write_batch_max: 256,
            write_writers: 4,
            idempotency_ttl_hours: 24,
            shared_tenants: String::new(),
            identity_phash_max_distance: 6,
            operator_tenant: "operator".into(),
            geoip_dir: PathBuf::from("geoip"),
            geoip_city: None,
            geoip_asn: None,
            geoip_anonymous: None,
            geoip_connection_type: None,
            lists_poll_seconds: 5,
            lists_bundled: true,
            lists_ofac_url: "https://www.treasury.gov/ofac/downloads".into(),
            lists_un_url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml".into(),
            lists_eu_url: String::new(),
            lists_uk_url: String::new(),
            lists_max_upload_bytes: 64 * 1024 * 1024,
            lists_tenant_max_entries: 50_000,
            lists_tenant_max_upload_bytes: 8 * 1024 * 1024,
            rescreen_batch: 64,
            retention_days: 0,
            retention_tenant_days: String::new(),
            retention_sweep_seconds: 3600,
            cases_claim_minutes: 30,
            links_cluster_max: 4,
            rate_limit_per_minute: 0,
            webhooks_allow_private: false,
            webhooks_timeout_seconds: 10,
            webhooks_retry_hours: 24,
            webhooks_backoff_base_ms: 5_000,
            webhooks_rotation_overlap_seconds: 86_400,
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database", &self.database_kind())
            .field("jwt_secret", &self.jwt_secret)
            .field("jwt_public_key", &self.jwt_public_key)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_max_lifetime_seconds", &self.jwt_max_lifetime_seconds)
            .field("pii_key", &self.pii_key)
            .field("pii_key_previous", &self.pii_key_previous)
            .field("policy", &self.policy)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// One documented setting: environment name, default, meaning.
pub struct SettingDoc {
    pub env: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

pub static SETTINGS_HELP: &[SettingDoc] = &[
    SettingDoc {
        env: "VETGATE_LISTEN",
        default: "127.0.0.1:8080",
        help: "Address and port the HTTP API listens on.",
    },
    SettingDoc {
        env: "VETGATE_DATABASE_URL",
        default: "sqlite://vetgate.db",
        help: "sqlite://PATH (created and migrated on start) or postgres://USER@HOST:PORT/DB.",
    },
    SettingDoc {
        env: "VETGATE_JWT_SECRET",
        default: "generated beside a SQLite database",
        help: "HS256 secret (32+ bytes) that tokens are verified with.",
    },
    SettingDoc {
        env: "VETGATE_JWT_PUBLIC_KEY",
        default: "-",
        help: "PEM file of an RSA or EC P-256 public key; pins RS256 or ES256 instead of HS256.",
    },
    SettingDoc {
        env: "VETGATE_JWT_ISSUER",
        default: "-",
        help: "When set, tokens must carry this `iss`.",
    },
    SettingDoc {
        env: "VETGATE_JWT_AUDIENCE",
        default: "-",
        help: "When set, tokens must carry this `aud` (alone or in an array).",
    },
    SettingDoc {
        env: "VETGATE_JWT_MAX_LIFETIME_SECONDS",
        default: "604800 (7 days)",
        help: "A token whose `exp` lies further ahead is refused (401).",
    },
    SettingDoc {
        env: "VETGATE_PII_KEY",
        default: "generated beside a SQLite database",
        help: "32+ byte key (hex or base64) that encrypts stored applications and verdicts. Required on PostgreSQL; every instance must share it.",
    },
    SettingDoc {
        env: "VETGATE_PII_KEY_PREVIOUS",
        default: "-",
        help: "During a key rotation: the key VETGATE_PII_KEY replaces. Stored data sealed with it still opens while a background job re-seals it; `vetgate keys status` says when it is no longer needed.",
    },
    SettingDoc {
        env: "VETGATE_POLICY",
        default: "built-in",
        help: "TOML scoring policy laid over the built-in one.",
    },
    SettingDoc {
        env: "VETGATE_MAX_BODY_BYTES",
        default: "262144",
        help: "Largest accepted request body; larger bodies get 413.",
    },
    SettingDoc {
        env: "VETGATE_HTTP_HEADER_TIMEOUT_SECONDS",
        default: "5",
        help: "A request's headers must arrive within this time (slow clients get 408 and are closed).",
    },
    SettingDoc {
        env: "VETGATE_HTTP_BODY_TIMEOUT_SECONDS",
        default: "10",
        help: "A request's whole body must arrive within this time (else 408 problem+json).",
    },
    SettingDoc {
        env: "VETGATE_WORKERS",
        default: "0 (one per core)",
        help: "HTTP worker threads.",
    },
    SettingDoc {
        env: "VETGATE_DB_MAX_CONNECTIONS",
        default: "16",
        help: "Database pool size; on PostgreSQL the pre-screening lookups have a second pool of this size.",
    },
    SettingDoc {
        env: "VETGATE_DB_ACQUIRE_TIMEOUT_MS",
        default: "2000",
        help: "How long a request waits for the database before answering 503.",
    },
    SettingDoc {
        env: "VETGATE_WRITE_BATCH_MAX",
        default: "256",
        help: "Most applications committed in one group-commit transaction.",
    },
    SettingDoc {
        env: "VETGATE_WRITE_WRITERS",
        default: "4",
        help: "Group-commit writers working at once on PostgreSQL (SQLite always has one).",
    },
    SettingDoc {
        env: "VETGATE_IDEMPOTENCY_TTL_HOURS",
        default: "24",
        help: "How long an Idempotency-Key is remembered (at least 24).",
    },
    SettingDoc {
        env: "VETGATE_SHARED_TENANTS",
        default: "(none)",
        help: "Comma-separated tenants whose document and portrait reuse lookups see each other (counts only, never ids or names).",
    },
    SettingDoc {
        env: "VETGATE_IDENTITY_PHASH_MAX_DISTANCE",
        default: "6",
        help: "Largest Hamming distance (0-7) at which two portrait perceptual hashes count as the same face.",
    },
    SettingDoc {
        env: "VETGATE_OPERATOR_TENANT",
        default: "operator",
        help: "The tenant whose lists:admin tokens manage global intelligence (IP databases, official lists).",
    },
    SettingDoc {
        env: "VETGATE_GEOIP_DIR",
        default: "geoip",
        help: "Directory scanned for MaxMind DB files (.mmdb: country/city, ASN, anonymous IP, the vetgate overlay); its sources/hosting-asns.csv lists hosting networks.",
    },
    SettingDoc {
        env: "VETGATE_GEOIP_CITY",
        default: "-",
        help: "A City or Country database (GeoIP2/GeoLite2, DB-IP, ip-location-db) that wins over the directory's.",
    },
    SettingDoc {
        env: "VETGATE_GEOIP_ASN",
        default: "-",
        help: "An ASN or ISP database that wins over the directory's.",
    },
    SettingDoc {
        env: "VETGATE_GEOIP_ANONYMOUS",
        default: "-",
        help: "A GeoIP2 Anonymous IP, Anonymous Plus or IP Risk database.",
    },
    SettingDoc {
        env: "VETGATE_GEOIP_CONNECTION_TYPE",
        default: "-",
        help: "A GeoIP2 Connection-Type database: addresses it calls Cellular or Corporate are shared by many people and never index as residential.",
    },
    SettingDoc {
        env: "VETGATE_LISTS_POLL_SECONDS",
        default: "5",
        help: "How often an instance checks the database for new sanctions-list versions (loaded by another instance or the CLI).",
    },
    SettingDoc {
        env: "VETGATE_LISTS_BUNDLED",
        default: "true",
        help: "Store the curated DPRK IT-worker lists shipped with vetgate on start when the database has none (or an older bundled version).",
    },
    SettingDoc {
        env: "VETGATE_LISTS_OFAC_URL",
        default: "https://www.treasury.gov/ofac/downloads",
        help: "Where `vetgate lists update` fetches sdn.csv, add.csv, alt.csv and sdn_comments.csv.",
    },
    SettingDoc {
        env: "VETGATE_LISTS_UN_URL",
        default: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        help: "Where `vetgate lists update` fetches the UN Security Council consolidated list.",
    },
    SettingDoc {
        env: "VETGATE_LISTS_EU_URL",
        default: "",
        help: "Where `vetgate lists update` fetches the EU consolidated financial sanctions list (the FSF XML export URL, with the token the Commission issues); empty: not downloaded.",
    },
    SettingDoc {
        env: "VETGATE_LISTS_UK_URL",
        default: "",
        help: "Where `vetgate lists update` fetches the UK Sanctions List (the FCDO's XML export, `UK_Sanctions_List.xml`); empty: not downloaded.",
    },
    SettingDoc {
        env: "VETGATE_LISTS_MAX_UPLOAD_BYTES",
        default: "67108864",
        help: "Largest list upload `POST /v1/admin/lists` accepts (all files together).",
    },
    SettingDoc {
        env: "VETGATE_LISTS_TENANT_MAX_ENTRIES",
        default: "50000",
        help: "Entries one tenant's own lists may hold together (the operator's global lists are not bounded).",
    },
    SettingDoc {
        env: "VETGATE_LISTS_TENANT_MAX_UPLOAD_BYTES",
        default: "8388608",
        help: "Largest list upload a tenant other than the operator may send (413 beyond it).",
    },
    SettingDoc {
        env: "VETGATE_RESCREEN_BATCH",
        default: "64",
        help: "Applications one re-screen step claims and stores in one transaction.",
    },
    SettingDoc {
        env: "VETGATE_RETENTION_DAYS",
        default: "0 (keep)",
        help: "Erase applications the platform has not submitted or re-submitted for this many days (docs/privacy.md).",
    },
    SettingDoc {
        env: "VETGATE_RETENTION_TENANT_DAYS",
        default: "(none)",
        help: "Per-tenant retention overriding VETGATE_RETENTION_DAYS, e.g. `acme=30,globex=0` (0: keep).",
    },
    SettingDoc {
        env: "VETGATE_RETENTION_SWEEP_SECONDS",
        default: "3600",
        help: "How often an instance looks for applications past their retention period.",
    },
    SettingDoc {
        env: "VETGATE_CASES_CLAIM_MINUTES",
        default: "30",
        help: "How long a reviewer's claim on a case lasts (POST /v1/cases/{id}/claim); claiming again renews it.",
    },
    SettingDoc {
        env: "VETGATE_RATE_LIMIT_PER_MINUTE",
        default: "0 (off)",
        help: "Requests one tenant may make per minute on one instance (burst: one minute's worth); over it, 429 with Retry-After.",
    },
    SettingDoc {
        env: "VETGATE_LINKS_CLUSTER_MAX",
        default: "4",
        help: "Largest number of identities connected through shared payout accounts, devices, shipping addresses or documents before LNK_CLUSTER_LARGE is raised.",
    },
    SettingDoc {
        env: "VETGATE_WEBHOOKS_ALLOW_PRIVATE",
        default: "false",
        help: "Allow webhook endpoints on loopback, private, link-local, CGNAT and other non-public addresses, and plain http (docs/webhooks.md); for tests and closed networks only.",
    },
    SettingDoc {
        env: "VETGATE_WEBHOOKS_TIMEOUT_SECONDS",
        default: "10",
        help: "A webhook receiver must connect and answer within this time, else the attempt fails (`timeout`).",
    },
    SettingDoc {
        env: "VETGATE_WEBHOOKS_RETRY_HOURS",
        default: "24",
        help: "How long a webhook delivery is retried (exponential backoff, full jitter) before it is marked failed.",
    },
    SettingDoc {
        env: "VETGATE_WEBHOOKS_BACKOFF_BASE_MS",
        default: "5000",
        help: "The first retry's backoff ceiling; it doubles per attempt up to one hour, and the wait is drawn uniformly below it.",
    },
    SettingDoc {
        env: "VETGATE_WEBHOOKS_ROTATION_OVERLAP_SECONDS",
        default: "86400",
        help: "After a webhook secret rotation, how long deliveries carry the previous secret's signature too.",
    },
    SettingDoc {
        env: "VETGATE_LOG",
        default: "info",
        help: "Log filter (tracing EnvFilter syntax, e.g. `info,vetgate=debug`).",
    },
    SettingDoc {
        env: "VETGATE_LOG_FORMAT",
        default: "text",
        help: "`text` or `json` log lines.",
    },
];

/// Text for `vetgate serve --help`.
pub fn settings_help() -> String {
    let mut out = String::from(
        "Settings (environment variable, or the same name lower-cased without VETGATE_ in the --config TOML file; \
         environment wins):\n",
    );
    for s in SETTINGS_HELP {
        out.push_str(&format!(
            "  {:<32} {}\n  {:<32} default: {}\n",
            s.env, s.help, "", s.default
        ));
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl fmt::Debug for DatabaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DatabaseKind::Sqlite => "sqlite",
            DatabaseKind::Postgres => "postgres",
        })
    }
}

impl Settings {
    /// Defaults < TOML file < `VETGATE_*` environment.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = config_file {
            if !path.exists() {
                return Err(ConfigError::Invalid(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        // VETGATE_CONFIG names the file itself (read by the CLI), it is not a setting.
        let settings: Settings = figment
            .merge(Env::prefixed("VETGATE_").ignore(&["config"]))
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.idempotency_ttl_hours < 24 {
            return Err(ConfigError::Invalid(
                "VETGATE_IDEMPOTENCY_TTL_HOURS must be at least 24".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "VETGATE_MAX_BODY_BYTES must be at least 1024".into(),
            ));
        }
        if self.http_header_timeout_seconds == 0 || self.http_body_timeout_seconds == 0 {
            return Err(ConfigError::Invalid(
                "VETGATE_HTTP_HEADER_TIMEOUT_SECONDS and VETGATE_HTTP_BODY_TIMEOUT_SECONDS must be at least 1"
                    .into(),
            ));
        }
        if self.write_batch_max == 0 || self.write_writers == 0 || self.db_max_connections == 0 {
            return Err(ConfigError::Invalid(
                "VETGATE_WRITE_BATCH_MAX, VETGATE_WRITE_WRITERS and VETGATE_DB_MAX_CONNECTIONS must be positive".into(),
            ));
        }
        if self.identity_phash_max_distance > 7 {
            return Err(ConfigError::Invalid(
                "VETGATE_IDENTITY_PHASH_MAX_DISTANCE must be 0-7 (the portrait index finds nothing farther)".into(),
            ));
        }
        if let Some(bad) = self
            .shared_tenant_list()
            .iter()
            .find(|t| crate::store::TenantId::parse(t).is_none())
        {
            return Err(ConfigError::Invalid(format!(
                "VETGATE_SHARED_TENANTS: {bad:?} is not a tenant id"
            )));
        }
        crate::retention::RetentionPolicy::from_settings(self)?;
        if self.cases_claim_minutes == 0 {
            return Err(ConfigError::Invalid(
                "VETGATE_CASES_CLAIM_MINUTES must be at least 1".into(),
            ));
        }
        if self.retention_sweep_seconds == 0 {
            return Err(ConfigError::Invalid(
                "VETGATE_RETENTION_SWEEP_SECONDS must be at least 1".into(),
            ));
        }
        if self.webhooks_timeout_seconds == 0
            || self.webhooks_retry_hours == 0
            || self.webhooks_backoff_base_ms == 0
        {
            return Err(ConfigError::Invalid(
                "VETGATE_WEBHOOKS_TIMEOUT_SECONDS, VETGATE_WEBHOOKS_RETRY_HOURS and VETGATE_WEBHOOKS_BACKOFF_BASE_MS must be positive".into(),
            ));
        }
        if self.jwt_secret.is_some() && self.jwt_public_key.is_some() {
            return Err(ConfigError::Invalid(
                "set VETGATE_JWT_SECRET or VETGATE_JWT_PUBLIC_KEY, not both: the key pins the algorithm".into(),
            ));
        }
        self.database_kind_checked().map(|_| ())
    }

    fn database_kind_checked(&self) -> Result<DatabaseKind, ConfigError> {
        let url = self.database_url.expose();
        if url.starts_with("sqlite:") {
            Ok(DatabaseKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseKind::Postgres)
        } else {
            Err(ConfigError::Invalid(
                "VETGATE_DATABASE_URL must start with sqlite: or postgres://".into(),
            ))
        }
    }

    pub fn database_kind(&self) -> Option<DatabaseKind> {
        self.database_kind_checked().ok()
    }

    pub fn intel_sources(&self) -> crate::intel::IntelSources {
        crate::intel::IntelSources {
            geoip_dir: self.geoip_dir.is_dir().then(|| self.geoip_dir.clone()),
            geoip_files: [
                &self.geoip_city,
                &self.geoip_asn,
                &self.geoip_anonymous,
                &self.geoip_connection_type,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        }
    }

    /// What one tenant's own lists may take.
    pub fn tenant_list_quotas(&self) -> crate::lists::TenantQuotas {
        crate::lists::TenantQuotas {
            max_entries: self.lists_tenant_max_entries,
            max_upload_bytes: self.lists_tenant_max_upload_bytes,
        }
    }

    pub fn shared_tenant_list(&self) -> Vec<String> {
        self.shared_tenants
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The file a SQLite URL points at, for keys generated beside it.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url.expose();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

#[cfg(test)]
// figment's Jail fixes the closures' error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_documented_for_help() {
        let value = serde_json::to_value(Settings::default()).unwrap();
        let keys: Vec<String> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| format!("VETGATE_{}", k.to_uppercase()))
            .collect();
        let documented: Vec<&str> = SETTINGS_HELP.iter().map(|s| s.env).collect();
        for key in &keys {
            assert!(
                documented.contains(&key.as_str()),
                "{key} is not in SETTINGS_HELP"
            );
        }
        assert_eq!(
            keys.len(),
            documented.len(),
            "SETTINGS_HELP documents a setting that does not exist"
        );
    }

    #[test]
    fn toml_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "vetgate.toml",
                "listen = \"0.0.0.0:9000\"\nmax_body_bytes = 4096\njwt_secret = \"from-file\"",
            )?;
            jail.set_env("VETGATE_MAX_BODY_BYTES", "8192");
            jail.set_env("VETGATE_PII_KEY", "1234567890");
            let s = Settings::load(Some(Path::new("vetgate.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(s.listen, "0.0.0.0:9000");
            assert_eq!(s.max_body_bytes, 8192);
            assert_eq!(
                s.pii_key.as_ref().map(Secret::expose),
                Some("1234567890"),
                "digits stay text"
            );
            assert_eq!(s.jwt_secret.as_ref().map(Secret::expose), Some("from-file"));
            Ok(())
        });
    }

    #[test]
    fn typos_and_bad_values_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("VETGATE_JWT_SECRT", "x");
            let err = Settings::load(None)
                .expect_err("unknown setting refused")
                .to_string();
            assert!(err.contains("jwt_secrt"), "{err}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("VETGATE_DATABASE_URL", "mysql://x");
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let s = Settings {
            jwt_secret: Some(Secret::new("super-secret-value")),
            database_url: Secret::new("postgres://user:hunter2@db/vetgate"),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("super-secret-value") && !shown.contains("hunter2"),
            "{shown}"
        );
    }

    #[test]
    fn sqlite_paths_are_read_from_the_url() {
        let with = |url: &str| {
            Settings {
                database_url: Secret::new(url),
                ..Settings::default()
            }
            .sqlite_path()
        };
        assert_eq!(
            with("sqlite://vetgate.db"),
            Some(PathBuf::from("vetgate.db"))
        );
        assert_eq!(
            with("sqlite:///var/lib/v.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/v.db"))
        );
        assert_eq!(with("postgres://localhost/test"), None);
    }
}
