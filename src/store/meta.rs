//! `store_meta`: named values the store keeps about itself (the key check, the index version).

use super::sql::Conn;

pub(crate) async fn get(conn: &mut Conn<'_>, name: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row: Option<(Vec<u8>,)> = conn
        .fetch_optional(
            "select value from store_meta where name = $1",
            &[name.into()],
        )
        .await?;
    Ok(row.map(|(value,)| value))
}

/// Sets a value once; a second writer of the same name fails on the primary key.
pub(crate) async fn insert(
    conn: &mut Conn<'_>,
    name: &str,
    value: &[u8],
) -> Result<(), sqlx::Error> {
    conn.execute(
        "insert into store_meta (name, value) values ($1, $2)",
        &[name.into(), value.into()],
    )
    .await
    .map(|_| ())
}

pub(crate) async fn put(conn: &mut Conn<'_>, name: &str, value: &[u8]) -> Result<(), sqlx::Error> {
    conn.execute(
        "insert into store_meta (name, value) values ($1, $2) \
         on conflict (name) do update set value = excluded.value",
        &[name.into(), value.into()],
    )
    .await
    .map(|_| ())
}
