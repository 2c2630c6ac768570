//! The physical ceiling: what a durable HTTP service reaches on this machine (issue 16).
//!
//! A bare actix-web + sqlx service with nothing but the unavoidable work of vetgate's
//! `POST /v1/applications`: read the body, parse it as JSON, commit ONE row to disk, answer 201.
//! No authentication, no screening, no sealing, no lookups. `bench/compare.sh` loads it and vetgate
//! in one run with the same wrk script and the same bodies, so vetgate's throughput can be read as a
//! fraction of it (see `docs/performance.md`, "Against the ceiling", and
//! `../shared/reference/ceiling.md`, which measured such a service by hand).
//!
//! Durability matches vetgate's:
//! - `DATABASE_URL=sqlite://PATH`: WAL, `synchronous=FULL` (every commit fsynced before the answer),
//!   ONE writer connection (SQLite has one writer anyway), no ping on acquire.
//! - `DATABASE_URL=postgres://…`: a pool of 16 connections, `synchronous_commit=on`, no ping on
//!   acquire.
//!
//! Routes: `POST /v1/applications` (a JSON object; `external_ref` is kept when it is a string) →
//! 201 `{"id":N,"external_ref":"…"}`, 400 on a body that is not JSON; `GET /healthz` → 200.
//! Listens on `LISTEN` (default 127.0.0.1:18099); actix's default worker count (one per core).
//!
//! usage: `DATABASE_URL=sqlite:///tmp/c.db LISTEN=127.0.0.1:18099 ceiling`
use std::str::FromStr;

use actix_web::{App, HttpResponse, HttpServer, web};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// The one statement per request, the same text on both databases.
const INSERT: &str = "insert into applications (external_ref, body) values ($1, $2) returning id";

enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            sqlx::query(
                "create table if not exists applications (
                     id integer primary key, external_ref text not null, body text not null)",
            )
            .execute(&pool)
            .await?;
            Ok(Db::Sqlite(pool))
        } else {
            let options = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "on")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            sqlx::query(
                "create table if not exists applications (
                     id bigserial primary key, external_ref text not null, body text not null)",
            )
            .execute(&pool)
            .await?;
            Ok(Db::Postgres(pool))
        }
    }

    /// Commits one row and returns its id: the durable write each request pays for.
    async fn insert(&self, external_ref: &str, body: &str) -> Result<i64, sqlx::Error> {
        match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar(INSERT)
                    .bind(external_ref)
                    .bind(body)
                    .fetch_one(pool)
                    .await
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(INSERT)
                    .bind(external_ref)
                    .bind(body)
                    .fetch_one(pool)
                    .await
            }
        }
    }
}

async fn create(db: web::Data<Db>, body: web::Bytes) -> HttpResponse {
    // Parsed into a Value, as a service that validates its input must at least do.
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(error) => {
            return HttpResponse::BadRequest()
                .json(serde_json::json!({"error": error.to_string()}));
        }
    };
    let external_ref = value["external_ref"].as_str().unwrap_or("");
    // The bytes came in as valid JSON, hence valid UTF-8.
    let text = std::str::from_utf8(&body).unwrap_or_default();
    match db.insert(external_ref, text).await {
        Ok(id) => HttpResponse::Created().json(serde_json::json!({
            "id": id,
            "external_ref": external_ref,
        })),
        Err(error) => {
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"error": error.to_string()}))
        }
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://ceiling.db".into());
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:18099".into());
    let db = Db::connect(&url)
        .await
        .map_err(|error| std::io::Error::other(format!("{url}: {error}")))?;
    let db = web::Data::new(db);
    HttpServer::new(move || {
        App::new()
            .app_data(db.clone())
            .route("/v1/applications", web::post().to(create))
            .route("/healthz", web::get().to(healthz))
    })
    .bind(&listen)?
    .run()
    .await
}
