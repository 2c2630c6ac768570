//! The `vetgate` command line.

mod intel;
mod keys;
mod lists;
mod screen;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{DatabaseKind, Settings, settings_help};
use crate::startup;

#[derive(Debug, Parser)]
#[command(
    name = "vetgate",
    version,
    about = "Remote-worker identity verification gateway"
)]
pub struct Cli {
    /// TOML settings file; `VETGATE_*` environment variables override it.
    #[arg(long, global = true, env = "VETGATE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API.
    #[command(after_help = settings_help())]
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the identifier index from the stored applications with this build's key derivation
    /// (the service also does it in the background at start when the stored index is older).
    Reindex(ReindexArgs),
    /// Print a signed JWT for local use and tests.
    Token(token::TokenArgs),
    /// Screen a JSONL file of applications through the same pipeline as the API, store them, and
    /// write one verdict per line to stdout.
    Screen(screen::ScreenArgs),
    /// Build IP databases from the project's sources.
    #[command(subcommand)]
    Geoip(intel::GeoipCommand),
    /// Intelligence the service loads.
    #[command(subcommand)]
    Intel(IntelCommand),
    /// Sanctions-list versions stored in the database.
    #[command(subcommand)]
    Lists(lists::ListsCommand),
    /// The PII key rotation (VETGATE_PII_KEY_PREVIOUS).
    #[command(subcommand)]
    Keys(keys::KeysCommand),
}

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    /// Rebuild even when the stored index already follows this build's derivation.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Subcommand)]
pub enum IntelCommand {
    /// Which IP databases load, their build dates and sizes, and what is refused (JSON).
    Status,
}

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("vetgate: {err}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.log, settings.log_format);
    let result = match cli.command {
        Command::Serve => block_on(serve(settings)),
        Command::Migrate => block_on(migrate(settings)),
        Command::Reindex(args) => block_on(reindex(settings, args)),
        Command::Token(args) => token::run(&settings, args),
        Command::Screen(args) => block_on(screen::run(settings, args)),
        Command::Geoip(command) => intel::geoip(command),
        Command::Intel(IntelCommand::Status) => intel::status(&settings),
        Command::Lists(command) => block_on(lists::run(settings, command)),
        Command::Keys(command) => block_on(keys::run(settings, command)),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vetgate: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn block_on<F: Future<Output = anyhow::Result<ExitCode>>>(future: F) -> anyhow::Result<ExitCode> {
    actix_web::rt::System::new().block_on(future)
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = startup::Application::build(&settings).await?;
    app.run_until_stopped().await?;
    tracing::info!("vetgate stopped");
    Ok(ExitCode::SUCCESS)
}

async fn reindex(settings: Settings, args: ReindexArgs) -> anyhow::Result<ExitCode> {
    use indicatif::{ProgressBar, ProgressStyle};
    let store = startup::open_store(&settings).await?;
    let version = store.index_version().await?;
    if !args.force && !store.needs_reindex().await? {
        eprintln!(
            "the index follows derivation {version} already (use --force to rebuild it anyway)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.force {
        store.mark_index_stale().await?;
    }
    let screener = startup::screener(
        &settings,
        std::sync::Arc::new(crate::metrics::Metrics::default()),
    )?;
    // Hidden by indicatif itself when stderr is not a terminal.
    let bar = ProgressBar::new(store.stale_index_count().await?).with_style(
        ProgressStyle::with_template(
            "{spinner} re-indexing [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let report = screener
        .reindex(&store, |read, total| {
            bar.set_length(total);
            bar.set_position(read);
        })
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "re-indexed {} of {} applications from derivation {version} to {}; all are queued for re-screening",
        report.rebuilt,
        report.read,
        crate::identifiers::INDEX_VERSION
    );
    Ok(ExitCode::SUCCESS)
}

async fn migrate(settings: Settings) -> anyhow::Result<ExitCode> {
    // The key file is created with the database, as `serve` does: a database migrated first must
    // not lock out every later command.
    if settings.pii_key.is_none() && matches!(settings.database_kind(), Some(DatabaseKind::Sqlite))
    {
        startup::pii_keys(&settings).await?;
    }
    crate::store::Store::migrate_only(
        settings.database_url.expose(),
        &startup::store_options(&settings),
    )
    .await?;
    eprintln!("migrations applied");
    Ok(ExitCode::SUCCESS)
}
