use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::AsyncWriteExt;

use crate::config::Settings;
use crate::lists::ListsService;
use crate::metrics::Metrics;
use crate::model::Intake;
use crate::startup;
use crate::store::{SubmitOutcome, TenantId};

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Tenant the applications belong to.
    #[arg(long)]
    tenant: String,
    /// JSON Lines file, one application per line.
    file: PathBuf,
    /// Applications in flight at once (they share group commits).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
}

pub async fn run(settings: Settings, args: ScreenArgs) -> anyhow::Result<ExitCode> {
    let Some(tenant) = TenantId::parse(&args.tenant) else {
        bail!("--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -");
    };
    let text = tokio::fs::read_to_string(&args.file)
        .await
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();

    let store = startup::open_store(&settings).await?;
    let screener = startup::screener(&settings, Arc::new(Metrics::default()))?;
    startup::load_lists(
        &settings,
        &ListsService::new(store.clone(), screener.facts.lists.clone()),
    )
    .await?;
    // The tenant's own policy override and allow entries, as the service screens with them.
    screener.facts.tenants.refresh(&store).await?;
    let tenant_store = store.tenant(&tenant);
    // Hidden by indicatif itself when stderr is not a terminal.
    let progress = ProgressBar::new(lines.len() as u64).with_style(
        ProgressStyle::with_template(
            "{spinner} screening [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );

    let results = futures_util::stream::iter(lines)
        .map(|(line, json)| {
            let (screener, store) = (&screener, &tenant_store);
            async move {
                let intake =
                    Intake::from_json(json.as_bytes()).map_err(|e| format!("line {line}: {e}"))?;
                match screener.screen_and_store(store, intake, None).await {
                    Ok(SubmitOutcome::Created(stored) | SubmitOutcome::Rescreened(stored)) => {
                        Ok(stored.json)
                    }
                    Ok(other) => Err(format!("line {line}: unexpected outcome {other:?}")),
                    Err(err) => Err(format!("line {line}: {err}")),
                }
            }
        })
        .buffered(args.concurrency.max(1));
    futures_util::pin_mut!(results);

    let mut stdout = tokio::io::stdout();
    let (mut screened, mut failed) = (0usize, 0usize);
    while let Some(result) = results.next().await {
        progress.inc(1);
        match result {
            Ok(mut body) => {
                body.push(b'\n');
                stdout.write_all(&body).await?;
                screened += 1;
            }
            Err(message) => {
                progress.suspend(|| eprintln!("{message}"));
                failed += 1;
            }
        }
    }
    stdout.flush().await?;
    progress.finish_and_clear();
    eprintln!("screened {screened}, failed {failed}");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
