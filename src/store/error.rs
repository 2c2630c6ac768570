//! The store's one error type.

use crate::crypto::CryptoError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migrating the database failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "stored data could not be decrypted; is VETGATE_PII_KEY the key this database was created with?"
    )]
    Crypto(#[from] CryptoError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the writer has stopped (the service is shutting down)")]
    WriterGone,
}

impl StoreError {
    /// A collision with a concurrent transaction that a fresh try can get past: PostgreSQL's
    /// deadlock (40P01) and serialization failure (40001), and a unique key that another
    /// transaction took first (sqlx's unique-violation kind, on either backend).
    pub fn is_write_conflict(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => {
                db.is_unique_violation() || matches!(db.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        let unavailable = match &err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => true,
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                // PostgreSQL connection exceptions (08…), shutdown and start-up (57P01–57P03);
                // SQLite busy or locked beyond the busy timeout.
                code.starts_with("08") || code.starts_with("57P") || code == "5" || code == "6"
            }
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(err)
        } else {
            StoreError::Database(err)
        }
    }
}

/// A stored time in microseconds since the epoch, back as a time.
pub(crate) fn from_micros(us: i64) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Corrupt("timestamp out of range".into()))
}
