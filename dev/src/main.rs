//! `vetgate-dev`: tools for working on vetgate itself, built apart from the service
//! (`cargo build --release -p vetgate-dev`; the service's own `cargo build` leaves it out).
//!
//! - `vetgate-dev generate --count N (--tenant ID | --jsonl) [--seed S] [--start I] [--farm-every K]
//!   [--concurrency C]`: deterministic synthetic applications (the crate's [`Generator`]), screened
//!   and stored through the same pipeline as `vetgate screen` and the API, for load and scaling runs
//!   (`bench/scaling.sh`, docs/performance.md); with `--jsonl` printed instead, as bodies for the load
//!   scripts. Storing reads the service's settings as `vetgate` does (`--config FILE`, `VETGATE_*`):
//!   the same database, PII key, policy, IP databases and lists.
//! - `vetgate-dev fuzz-seeds DIR`: the cargo-fuzz targets' seed inputs, one sub-directory per target
//!   (docs/reliability.md, "Fuzzing").

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::{Args, Parser, Subcommand};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use vetgate::config::Settings;
use vetgate::lists::ListsService;
use vetgate::metrics::Metrics;
use vetgate::model::{Decision, Intake};
use vetgate::startup;
use vetgate::store::{SubmitOutcome, TenantId};
use vetgate_dev::{Generator, MAX_INDEX};

#[derive(Debug, Parser)]
#[command(
    name = "vetgate-dev",
    version,
    about = "Development tools for vetgate: synthetic applications, fuzz seeds"
)]
struct Cli {
    /// TOML settings file (as `vetgate --config`); `VETGATE_*` environment variables override it.
    /// Read only to store applications.
    #[arg(long, global = true, env = "VETGATE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Screen and store deterministic synthetic applications (for measurements), or print them.
    Generate(GenerateArgs),
    /// Write the cargo-fuzz targets' seed inputs (fuzz/README in docs/reliability.md).
    FuzzSeeds(FuzzSeedsArgs),
}

#[derive(Debug, Args)]
struct FuzzSeedsArgs {
    /// Directory that gets one sub-directory per target (`ofac_csv`, `un_xml`, `mmdb`,
    /// `application`).
    out: PathBuf,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Tenant the applications are stored for.
    #[arg(long, required_unless_present = "jsonl")]
    tenant: Option<String>,
    /// How many applications.
    #[arg(long)]
    count: u64,
    /// Series seed: the same seed and index give the same application.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Index of the first application; continue a filled series with `--start` at its size.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Every K-th application is a laptop-farm member (0: none).
    #[arg(long, default_value_t = 50)]
    farm_every: u64,
    /// Applications in flight at once (they share group commits).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Write the applications to stdout as JSON Lines instead of storing them.
    #[arg(long)]
    jsonl: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(cli.config.as_deref(), args),
        Command::FuzzSeeds(args) => vetgate_dev::fuzz_seeds::write(&args.out).map(|written| {
            for (target, files) in written {
                println!("{target}: {files} seeds");
            }
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vetgate-dev: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(config: Option<&Path>, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let end = args.start.saturating_add(args.count);
    if end > MAX_INDEX {
        bail!("--start + --count must stay within {MAX_INDEX} (identifiers stay unique up to it)");
    }
    let generator = Generator::new(args.seed, args.farm_every);
    if args.jsonl {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for index in args.start..end {
            serde_json::to_writer(&mut out, &generator.application(index))?;
            std::io::Write::write_all(&mut out, b"\n")?;
        }
        std::io::Write::flush(&mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = match Settings::load(config) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("vetgate-dev: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    vetgate::telemetry::init(&settings.log, settings.log_format);
    // The runtime `vetgate`'s commands run on (actix's System: one thread).
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(screen_and_store(settings, args, generator, end))
}

async fn screen_and_store(
    settings: Settings,
    args: GenerateArgs,
    generator: Generator,
    end: u64,
) -> anyhow::Result<ExitCode> {
    let tenant_arg = args.tenant.as_deref().unwrap_or_default();
    let Some(tenant) = TenantId::parse(tenant_arg) else {
        bail!("--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -");
    };

    let store = startup::open_store(&settings).await?;
    let screener = startup::screener(&settings, Arc::new(Metrics::default()))?;
    startup::load_lists(
        &settings,
        &ListsService::new(store.clone(), screener.facts.lists.clone()),
    )
    .await?;
    let tenant_store = store.tenant(&tenant);
    // Hidden by indicatif itself when stderr is not a terminal; a line every 10 s then instead.
    let progress = ProgressBar::new(args.count).with_style(
        ProgressStyle::with_template(
            "{spinner} generating [{bar:40}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let plain_progress = !std::io::stderr().is_terminal();

    let started = Instant::now();
    let results = futures_util::stream::iter(args.start..end)
        .map(|index| {
            let (screener, store, generator) = (&screener, &tenant_store, &generator);
            async move {
                let intake = Intake::from_value(&generator.application(index))
                    .map_err(|e| format!("application {index}: {e}"))?;
                match screener.screen_and_store(store, intake, None).await {
                    Ok(SubmitOutcome::Created(stored) | SubmitOutcome::Rescreened(stored)) => {
                        Ok(stored.decision)
                    }
                    Ok(other) => Err(format!("application {index}: unexpected outcome {other:?}")),
                    Err(err) => Err(format!("application {index}: {err}")),
                }
            }
        })
        .buffer_unordered(args.concurrency.max(1));
    futures_util::pin_mut!(results);

    let mut tally = Tally::default();
    let mut last_report = Instant::now();
    while let Some(result) = results.next().await {
        progress.inc(1);
        match result {
            Ok(decision) => tally.count(decision),
            Err(message) => {
                progress.suspend(|| eprintln!("{message}"));
                tally.failed += 1;
            }
        }
        if plain_progress && last_report.elapsed() >= Duration::from_secs(10) {
            last_report = Instant::now();
            let done = tally.total();
            let rate = done as f64 / started.elapsed().as_secs_f64();
            let eta = (args.count - done) as f64 / rate.max(1e-9);
            eprintln!(
                "generated {done}/{} ({rate:.0}/s, eta {})",
                args.count,
                humantime::format_duration(Duration::from_secs(eta as u64))
            );
        }
    }
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} applications for tenant {tenant_arg} (indices {}..{end}, seed {}) in {elapsed:.1} s \
         ({:.0}/s): clear {}, review {}, reject {}, failed {}",
        tally.total() - tally.failed,
        args.start,
        args.seed,
        tally.total() as f64 / elapsed.max(1e-9),
        tally.clear,
        tally.review,
        tally.reject,
        tally.failed,
    );
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Default)]
struct Tally {
    clear: u64,
    review: u64,
    reject: u64,
    failed: u64,
}

impl Tally {
    fn count(&mut self, decision: Decision) {
        match decision {
            Decision::Clear => self.clear += 1,
            Decision::Review => self.review += 1,
            Decision::Reject => self.reject += 1,
        }
    }

    fn total(&self) -> u64 {
        self.clear + self.review + self.reject + self.failed
    }
}
