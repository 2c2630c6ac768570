//! `vetgate keys`: the PII key rotation's progress, and running it in the foreground.

use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use crate::config::Settings;
use crate::startup;
use crate::store::{ResealCounts, Store};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Where a rotation stands (JSON): values still sealed with the previous key, the key the index
    /// was built with, and whether VETGATE_PII_KEY_PREVIOUS is still needed. Exit status 0 when it
    /// is not.
    Status,
    /// Re-seal with the current key what the previous key sealed, then rebuild the index if it was
    /// built with another key, with progress bars (the service does the same in the background).
    Rotate,
}

#[derive(Serialize)]
struct KeysStatus {
    /// VETGATE_PII_KEY_PREVIOUS is set.
    rotating: bool,
    /// The key the identifier index was built with: `current`, `previous` or `other`.
    index_key: &'static str,
    /// Stored values only the previous key opens.
    sealed_with_previous: ResealCounts,
    /// Whether VETGATE_PII_KEY_PREVIOUS must stay: something stored still needs it.
    previous_key_needed: bool,
}

pub async fn run(settings: Settings, command: KeysCommand) -> anyhow::Result<ExitCode> {
    let store = startup::open_store(&settings).await?;
    match command {
        KeysCommand::Status => {
            let status = status(&store).await?;
            println!("{}", serde_json::to_string_pretty(&status)?);
            Ok(if status.previous_key_needed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        KeysCommand::Rotate => rotate(&settings, &store).await,
    }
}

async fn status(store: &Store) -> anyhow::Result<KeysStatus> {
    let keys = store.keys();
    let index = store.index_key().await?;
    let index_key = if index.as_deref() == Some(&keys.index_fingerprint()) {
        "current"
    } else if index.is_some() && index == keys.previous_index_fingerprint() {
        "previous"
    } else {
        "other"
    };
    let sealed_with_previous = store.reseal(false, |_| {}).await?;
    Ok(KeysStatus {
        rotating: keys.rotating(),
        index_key,
        previous_key_needed: sealed_with_previous.total() > 0,
        sealed_with_previous,
    })
}

async fn rotate(settings: &Settings, store: &Store) -> anyhow::Result<ExitCode> {
    use indicatif::{ProgressBar, ProgressStyle};
    if !store.keys().rotating() {
        anyhow::bail!(
            "set VETGATE_PII_KEY to the new key and VETGATE_PII_KEY_PREVIOUS to the one it replaces"
        );
    }
    let spinner = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} re-sealing: {msg}").expect("valid template"),
    );
    let counts = store
        .reseal(true, |c| {
            spinner.set_message(format!("{} values", c.total()))
        })
        .await?;
    spinner.finish_and_clear();
    eprintln!(
        "re-sealed {} applications, {} verdicts, {} list versions and {} key check with the current key",
        counts.applications, counts.verdicts, counts.list_versions, counts.key_check
    );
    if store.needs_reindex().await? {
        eprintln!("the index was built with another key: rebuilding it");
        super::reindex(settings.clone(), super::ReindexArgs { force: false }).await?;
    }
    let status = status(store).await?;
    if status.previous_key_needed {
        eprintln!("values were stored with the previous key meanwhile: run it again");
        return Ok(ExitCode::FAILURE);
    }
    eprintln!("done: VETGATE_PII_KEY_PREVIOUS is no longer needed");
    Ok(ExitCode::SUCCESS)
}
