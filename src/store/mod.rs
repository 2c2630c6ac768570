//! Storage: one schema on SQLite (embedded default) and PostgreSQL (scale-out), one set of queries
//! for both.
//!
//! - [`sql`](self::sql): what differs between the two databases, and the connection every query
//!   runs on; the queries themselves sit by table: `applications` (applications, verdicts,
//!   tenants, Idempotency-Keys), `index` (identifier index), `lists`, `rescreen`, `meta`.
//! - `writer`: one batched writer per instance (group commit). A task drains the queue, commits a
//!   batch in one transaction and only then answers each request, so a 201 means the application
//!   and its verdict are on disk. Reads go straight to a pool.
//! - `handle`: [`Store`] and the tenant-bound [`TenantStore`]: every query that touches
//!   applications binds the tenant, and callers get a `TenantStore` and nothing else.
//! - `lookup`: what the store knows before a screening (links, cluster); `reindex`: rebuilding
//!   the identifier index.

mod applications;
mod audit;
mod erasure;
mod error;
mod handle;
pub(crate) mod idv;
mod index;
mod lists;
mod lookup;
mod meta;
mod model;
mod reindex;
mod rescreen;
mod reviews;
mod rotation;
mod sql;
mod tenant_settings;
mod webhooks;
mod writer;

#[doc(hidden)]
pub use applications::RECEPTION_SQL;
pub use audit::{AuditAction, AuditEntry, AuditPage, NewAuditEntry};
pub use erasure::{ErasedVersion, Erasure, Tombstone};
pub use error::StoreError;
pub use handle::{Store, StoreOptions, TenantStore, sqlite_database_exists};
pub use idv::{CallbackOutcome, IdvSecretView, StoredIdvResult};
pub use index::{CLUSTER_COUNT_MAX, LOOKUP_BUDGETS, REJECTED_BUDGET, lookup_budget};
#[doc(hidden)]
pub use index::{
    INDEXED_KINDS_SQL, Part, SET_BASE_VERDICT_SQL, SQLITE_LINKS_SQL, pg_identifier_lookup_sql,
    pg_strong_neighbours_sql, sqlite_identifier_lookup_sql, sqlite_strong_neighbours_sql,
};
pub use lists::{ActiveList, ListScope, ListVersionInfo, NewListVersion, VERSIONS_KEPT};
pub use lookup::CLUSTER_HOPS;
pub use model::{
    IdempotencyKey, LinkedApplication, ListQuery, Owner, Page, PriorKnowledge, SharedIdentifier,
    StoredVerdict, Submission, SubmitOutcome, TenantId,
};
pub use reindex::{ReindexSource, Reindexed};
pub use rescreen::{
    NewVerdictVersion, QueueDepth, RescreenClaim, RescreenResult, StoredApplication,
};
pub use reviews::{Case, CaseStatus, ClaimOutcome, NewReview, RecordedReview, StoredReview};
pub use rotation::ResealCounts;
pub use tenant_settings::{AllowRow, PolicyOverride};
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryPage, Event, EventType,
    WebhookEndpoint,
};
