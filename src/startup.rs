//! Builds the running service from settings: keys, policy, store, HTTP server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use anyhow::{Context, bail};

use crate::api::auth::{Authenticator, TokenRules};
use crate::api::{self, AppState};
use crate::config::{DatabaseKind, Secret, Settings};
use crate::crypto::PiiKeys;
use crate::facts::{FactsStage, Limits};
use crate::intel::IntelHandle;
use crate::intel::lists::ListsHandle;
use crate::lists::ListsService;
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::screening::Screener;
use crate::store::{Store, StoreOptions, TenantId, sqlite_database_exists};

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    store: Store,
    /// The background tasks, stopped inside the runtime when the server has stopped: dropped with
    /// the runtime instead, a task inside a query dropped its pooled connection where sqlx can no
    /// longer return it (a panic in the shutdown log).
    tasks: Vec<Task>,
}

type Task = actix_web::rt::task::JoinHandle<()>;

impl Application {
    /// Opens the store (migrating it), binds the listener and prepares the server; `run_until_stopped`
    /// serves. Binding `127.0.0.1:0` picks a free port, which [`Application::port`] tells.
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        let state = web::Data::new(build_state(settings).await?);
        let store = state.store.clone();
        let mut tasks = vec![
            spawn_idempotency_purge(store.clone()),
            spawn_reload_on_sighup(state.clone()),
            actix_web::rt::spawn(
                state
                    .lists
                    .clone()
                    .poll(Duration::from_secs(settings.lists_poll_seconds.max(1))),
            ),
            spawn_rescreen_worker(
                store.clone(),
                state.screener.clone(),
                settings.rescreen_batch.max(1),
            ),
            spawn_case_counts(store.clone(), state.metrics.clone()),
            actix_web::rt::spawn(state.screener.facts.tenants.clone().poll(
                store.clone(),
                Duration::from_secs(settings.lists_poll_seconds.max(1)),
            )),
        ];
        tasks.push(actix_web::rt::spawn(crate::webhooks::delivery::run(
            store.clone(),
            state.metrics.clone(),
            webhook_delivery_options(settings),
        )));
        let retention = crate::retention::RetentionPolicy::from_settings(settings)?;
        if retention.is_active() {
            tasks.push(spawn_retention(
                store.clone(),
                retention,
                Duration::from_secs(settings.retention_sweep_seconds),
                state.metrics.clone(),
            ));
        }
        if store.keys().rotating() {
            tasks.push(spawn_reseal(store.clone()));
        }
        if store.needs_reindex().await? {
            tasks.push(spawn_reindex(store.clone(), state.screener.clone()));
        }
        let listener = TcpListener::bind(&settings.listen)
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap_fn(api::breaker::shed_while_database_down)
                .wrap_fn(api::record_metrics)
                .configure(api::configure)
        })
        // Slow clients may not hold a connection: headers within VETGATE_HTTP_HEADER_TIMEOUT_SECONDS,
        // the body within VETGATE_HTTP_BODY_TIMEOUT_SECONDS (read_body), idle keep-alive 30 s.
        .client_request_timeout(Duration::from_secs(settings.http_header_timeout_seconds))
        .keep_alive(Duration::from_secs(30))
        .shutdown_timeout(30);
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        let server = server.listen(listener)?.run();
        tracing::info!(port, backend = store.backend_name(), "vetgate listening");
        Ok(Application {
            port,
            server,
            store,
            tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until SIGINT/SIGTERM (graceful: in-flight requests finish) or the handle stops it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
        served
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

pub async fn build_state(settings: &Settings) -> anyhow::Result<AppState> {
    let auth = Arc::new(authenticator(settings)?);
    let metrics = Arc::new(Metrics::default());
    let screener = screener(settings, metrics.clone())?;
    let store = open_store(settings).await?;
    let lists = ListsService::new(store.clone(), screener.facts.lists.clone())
        .with_tenant_quotas(settings.tenant_list_quotas());
    load_lists(settings, &lists).await?;
    screener
        .facts
        .tenants
        .refresh(&store)
        .await
        .context("cannot load the tenants' policies and allow entries")?;
    Ok(AppState {
        store,
        screener,
        lists,
        auth,
        metrics,
        max_body_bytes: settings.max_body_bytes,
        body_timeout: Duration::from_secs(settings.http_body_timeout_seconds),
        operator_tenant: settings.operator_tenant.clone(),
        lists_max_upload_bytes: settings.lists_max_upload_bytes,
        rate_limiter: crate::api::rate_limit::RateLimiter::new(settings.rate_limit_per_minute),
        case_claim: chrono::Duration::minutes(
            i64::try_from(settings.cases_claim_minutes).unwrap_or(i64::MAX / 60_000_000),
        ),
        webhooks_allow_private: settings.webhooks_allow_private,
        webhooks_rotation_overlap: Duration::from_secs(settings.webhooks_rotation_overlap_seconds),
        breaker: Default::default(),
    })
}

/// Stores the bundled curated lists if the database lacks them, then loads every active list.
pub async fn load_lists(settings: &Settings, lists: &ListsService) -> anyhow::Result<()> {
    if settings.lists_bundled {
        for outcome in lists
            .ensure_bundled()
            .await
            .context("cannot store the bundled sanctions lists")?
        {
            tracing::info!(list = %outcome.list, entries = outcome.entries, "bundled list stored");
        }
    }
    lists
        .refresh()
        .await
        .context("cannot load the sanctions lists")?;
    Ok(())
}

/// Works through the re-screen queue: claims a batch the loaded lists can serve, screens each
/// application again and stores the verdicts that changed, in one transaction per batch.
fn spawn_rescreen_worker(store: Store, screener: Screener, batch: usize) -> Task {
    const LEASE: Duration = Duration::from_secs(120);
    actix_web::rt::spawn(async move {
        loop {
            let seq = screener.facts.lists.current().seq;
            let claims = match store.claim_rescreens(seq, batch as i64, LEASE).await {
                Ok(claims) => claims,
                Err(err) => {
                    tracing::warn!(error = %err, "re-screen queue unavailable");
                    actix_web::rt::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            if claims.is_empty() {
                actix_web::rt::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            // A tenant's policy change commits with its re-screens: once they are claimed, the
            // change is in the store, and this instance screens them with it.
            if let Err(err) = screener.facts.tenants.refresh(&store).await {
                tracing::warn!(error = %err, "tenant settings refresh failed; keeping the loaded ones");
            }
            let mut results = Vec::with_capacity(claims.len());
            for claim in claims {
                let id = claim.application_id.clone();
                match screener.rescreen(&store, claim).await {
                    Ok(result) => results.push(result),
                    // Left claimed: the lease runs out and it is tried again.
                    Err(err) => tracing::warn!(error = %err, application = %id, "re-screen failed"),
                }
            }
            let done = results.len();
            match store.complete_rescreens(results).await {
                Ok(changed) => {
                    screener
                        .metrics
                        .count_rescreens(done as u64, changed as u64);
                    tracing::debug!(done, changed, "re-screen batch stored");
                }
                Err(err) => tracing::warn!(error = %err, "storing re-screen results failed"),
            }
        }
    })
}

/// Re-seals what the previous PII key sealed with the current one, while the service serves
/// (docs/privacy.md, "Rotating the PII key"). A failure is logged; the next start runs it again.
fn spawn_reseal(store: Store) -> Task {
    actix_web::rt::spawn(async move {
        tracing::info!("key rotation: re-sealing stored data with the current VETGATE_PII_KEY");
        match store.reseal(true, |_| {}).await {
            Ok(counts) => tracing::info!(
                resealed = counts.total(),
                "key rotation: every stored value is sealed with the current key; once the \
                 re-index is done too (`vetgate keys status`), VETGATE_PII_KEY_PREVIOUS can go"
            ),
            Err(err) => {
                tracing::error!(error = %err, "key rotation: re-sealing failed; it runs again at the next start")
            }
        }
    })
}

/// Erases applications past their retention period, at start and then every `every`.
/// Counts the cases per status for `/metrics` (every 30 s: a count over the applications table).
fn spawn_case_counts(store: Store, metrics: Arc<Metrics>) -> Task {
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.case_counts().await {
                Ok(counts) => {
                    for (status, count) in counts {
                        metrics.set_cases(status.as_str(), count);
                    }
                }
                Err(err) => tracing::warn!(error = %err, "counting cases failed"),
            }
        }
    })
}

fn spawn_retention(
    store: Store,
    policy: crate::retention::RetentionPolicy,
    every: Duration,
    metrics: Arc<Metrics>,
) -> Task {
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match crate::retention::sweep(&store, &policy, chrono::Utc::now(), &metrics).await {
                Ok(0) => {}
                Ok(erased) => {
                    tracing::info!(erased, "retention: applications past their period erased")
                }
                Err(err) => {
                    tracing::warn!(error = %err, "retention sweep failed; retrying at the next one")
                }
            }
        }
    })
}

/// Rebuilds an index written with an older key derivation while the service serves (lookups meet a
/// mix of old and new keys until it ends; nothing is lost, and every application is re-screened
/// after). Progress goes to the log; a failure is logged and the next start tries again.
fn spawn_reindex(store: Store, screener: Screener) -> Task {
    actix_web::rt::spawn(async move {
        let from = store.index_version().await.unwrap_or_default();
        tracing::info!(
            from,
            to = crate::identifiers::INDEX_VERSION,
            "re-indexing stored applications in the background"
        );
        let mut logged = 0;
        let result = screener
            .reindex(&store, |read, total| {
                // About every tenth, and the end.
                if read == total || read >= logged + total.div_ceil(10) {
                    logged = read;
                    tracing::info!(read, total, "re-index progress");
                }
            })
            .await;
        match result {
            Ok(report) => tracing::info!(
                read = report.read,
                rebuilt = report.rebuilt,
                "re-index done; every application is queued for re-screening"
            ),
            Err(err) => {
                tracing::error!(error = %err, "re-index failed; it runs again at the next start")
            }
        }
    })
}

/// The screening pipeline as configured.
pub fn screener(settings: &Settings, metrics: Arc<Metrics>) -> anyhow::Result<Screener> {
    let sharing_tenants = settings
        .shared_tenant_list()
        .iter()
        .filter_map(|t| TenantId::parse(t))
        .collect();
    let policy = Arc::new(Policy::load(settings.policy.as_deref())?);
    Ok(Screener {
        policy: policy.clone(),
        metrics,
        facts: FactsStage {
            intel: IntelHandle::load(settings.intel_sources()),
            lists: ListsHandle::default(),
            sharing_tenants: Arc::new(sharing_tenants),
            limits: Limits {
                portrait_max_distance: settings.identity_phash_max_distance,
                cluster_max: settings.links_cluster_max,
            },
            tenants: crate::tenants::TenantSettings::new(policy),
        },
    })
}

pub fn webhook_delivery_options(settings: &Settings) -> crate::webhooks::delivery::DeliveryOptions {
    crate::webhooks::delivery::DeliveryOptions {
        timeout: Duration::from_secs(settings.webhooks_timeout_seconds),
        retry_window: Duration::from_secs(settings.webhooks_retry_hours * 3600),
        backoff_base: Duration::from_millis(settings.webhooks_backoff_base_ms),
        allow_private: settings.webhooks_allow_private,
    }
}

pub fn store_options(settings: &Settings) -> StoreOptions {
    StoreOptions {
        max_connections: settings.db_max_connections,
        acquire_timeout: Duration::from_millis(settings.db_acquire_timeout_ms),
        write_batch_max: settings.write_batch_max,
        writers: settings.write_writers,
        idempotency_ttl: Duration::from_secs(settings.idempotency_ttl_hours * 3600),
    }
}

pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let keys = pii_keys(settings).await?;
    let url = settings.database_url.expose();
    Store::open(url, keys, store_options(settings))
        .await
        .context("cannot open the database")
}

fn spawn_idempotency_purge(store: Store) -> Task {
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match store.purge_idempotency_keys(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "expired idempotency keys forgotten"),
                Err(err) => tracing::warn!(error = %err, "idempotency key purge failed"),
            }
            let history = chrono::Utc::now()
                - chrono::Duration::days(crate::webhooks::delivery::HISTORY_DAYS);
            match store.purge_webhook_deliveries(history).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "finished webhook deliveries forgotten"),
                Err(err) => tracing::warn!(error = %err, "webhook delivery purge failed"),
            }
        }
    })
}

/// `SIGHUP` reloads the IP databases like `POST /v1/admin/intel/reload`.
fn spawn_reload_on_sighup(state: web::Data<AppState>) -> Task {
    actix_web::rt::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("cannot listen for SIGHUP; reload through the admin endpoint");
            return;
        };
        while hangups.recv().await.is_some() {
            let intel = state.screener.facts.intel.clone();
            let outcome = web::block(move || intel.reload()).await;
            state
                .metrics
                .count_intel_reload(matches!(outcome, Ok(Ok(_))));
            let refused = match &outcome {
                Ok(Ok(_)) => None,
                Ok(Err(problems)) => Some(problems.len()),
                Err(_) => Some(0),
            };
            api::audit_intel_reload(&state, "sighup", refused).await;
        }
    })
}

/// `VETGATE_PII_KEY`, or on SQLite a key kept beside the database: created with the database, and
/// refused as missing only once the database holds data sealed with a key.
pub async fn pii_keys(settings: &Settings) -> anyhow::Result<PiiKeys> {
    let secret = match (&settings.pii_key, settings.database_kind()) {
        (Some(secret), _) => secret.clone(),
        (None, Some(DatabaseKind::Sqlite)) => {
            let db = settings
                .sqlite_path()
                .context("VETGATE_PII_KEY is required for an in-memory database")?;
            let key_file = sibling(&db, "pii-key");
            if !key_file.exists()
                && sqlite_database_exists(&db)
                && Store::sqlite_holds_sealed_data(&db)
                    .await
                    .with_context(|| format!("cannot read {}", db.display()))?
            {
                bail!(
                    "{} exists but its key file {} is missing: without it the stored applications cannot be read. \
                     Restore the file or set VETGATE_PII_KEY.",
                    db.display(),
                    key_file.display()
                );
            }
            read_or_create_secret(&key_file)?
        }
        (None, _) => {
            bail!("VETGATE_PII_KEY is required with PostgreSQL (every instance must share it)")
        }
    };
    let keys = PiiKeys::from_secret(secret.expose()).context("VETGATE_PII_KEY")?;
    match &settings.pii_key_previous {
        Some(previous) => Ok(keys.with_previous(
            PiiKeys::from_secret(previous.expose()).context("VETGATE_PII_KEY_PREVIOUS")?,
        )),
        None => Ok(keys),
    }
}

/// The token verifier: a public key pins RS256/ES256, otherwise the HS256 secret (on SQLite kept
/// beside the database when not configured, so a fresh clone works with `vetgate token`).
pub fn authenticator(settings: &Settings) -> anyhow::Result<Authenticator> {
    let rules = TokenRules {
        issuer: settings.jwt_issuer.clone(),
        audience: settings.jwt_audience.clone(),
        max_lifetime_seconds: settings.jwt_max_lifetime_seconds,
    };
    if let Some(path) = &settings.jwt_public_key {
        let pem = std::fs::read(path)
            .with_context(|| format!("cannot read VETGATE_JWT_PUBLIC_KEY {}", path.display()))?;
        return Ok(Authenticator::public_key(&pem, &rules)?);
    }
    Ok(Authenticator::hs256(
        jwt_secret(settings)?.expose(),
        &rules,
    )?)
}

pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Secret> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.clone());
    }
    match settings.sqlite_path() {
        Some(db) => read_or_create_secret(&sibling(&db, "jwt-secret")),
        None => bail!("set VETGATE_JWT_SECRET or VETGATE_JWT_PUBLIC_KEY"),
    }
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{suffix}"));
    db.with_file_name(name)
}

fn read_or_create_secret(path: &Path) -> anyhow::Result<Secret> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Secret::new(text.trim())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let secret = PiiKeys::generate_secret();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            tracing::info!(file = %path.display(), "generated a new secret");
            Ok(Secret::new(secret))
        }
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}
