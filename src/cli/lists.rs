//! `vetgate lists load | update | status`: list versions in the database the service uses. Running
//! instances pick a new version up within `VETGATE_LISTS_POLL_SECONDS` and re-screen what it
//! screens in the background.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::api::lists::ListVersionView;
use crate::config::Settings;
use crate::intel::lists::ListsHandle;
use crate::lists::{self, ListFormat, ListUpload, ListsService};
use crate::startup;
use crate::store::{ListScope, TenantId};

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Parse a list file (or the OFAC set's directory) and store it as the list's new version.
    Load(LoadArgs),
    /// Download the official lists (OFAC SDN, UN, and EU and UK when their URL is set:
    /// VETGATE_LISTS_OFAC_URL, VETGATE_LISTS_UN_URL, VETGATE_LISTS_EU_URL, VETGATE_LISTS_UK_URL)
    /// and store each as a new version.
    Update {
        /// Store them even when one is empty or keeps fewer than half of the active entries.
        #[arg(long)]
        force: bool,
    },
    /// Stored versions, entry counts, load times and the re-screen backlog (JSON).
    Status,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The file's format; the path of a set of several files (ofac-csv) is their directory.
    /// eu-xml and uk-xml load EU-FSF and UK-SANCTIONS; ftm-json needs --list OS-<DATASET>.
    #[arg(long)]
    format: ListFormat,
    /// The list's name; required for csv (e.g. VETGATE-DPRK-WATCH, or a tenant's own name) and for
    /// ftm-json (OS-<DATASET>, the OpenSanctions dataset: OS-KP-SANCTIONS).
    #[arg(long)]
    list: Option<String>,
    /// Load as this tenant's own list (screens only its applications) instead of as the operator.
    #[arg(long)]
    tenant: Option<String>,
    /// Store a global list even when it is empty or keeps fewer than half of the active version's
    /// entries (refused otherwise: a truncated download or a header-only file).
    #[arg(long)]
    force: bool,
    /// The directory (ofac-csv) or file.
    path: PathBuf,
}

pub async fn run(settings: Settings, command: ListsCommand) -> anyhow::Result<ExitCode> {
    let store = startup::open_store(&settings).await?;
    // The CLI stores versions; running instances compile them at their next poll.
    let service = ListsService::new(store.clone(), ListsHandle::default())
        .with_tenant_quotas(settings.tenant_list_quotas());
    match command {
        ListsCommand::Load(args) => {
            let files = if let Some(set) = args.format.set_files() {
                let mut files = Vec::new();
                for &name in set {
                    let path = args.path.join(name);
                    let data = std::fs::read(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    files.push((name.to_owned(), data));
                }
                files
            } else {
                let data = std::fs::read(&args.path)
                    .with_context(|| format!("cannot read {}", args.path.display()))?;
                let name = args
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| args.path.display().to_string());
                vec![(name, data)]
            };
            let upload = ListUpload {
                format: args.format,
                list_name: args.list,
                files,
                source: args.path.display().to_string(),
            };
            let list_name = upload.list_name()?;
            let tenant = match &args.tenant {
                Some(t) => TenantId::parse(t)
                    .context("--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -")?,
                None => TenantId::parse(&settings.operator_tenant)
                    .context("VETGATE_OPERATOR_TENANT is not a valid tenant id")?,
            };
            let scope = lists::scope_for(&tenant, &settings.operator_tenant, &list_name)?;
            let (_, outcome) = service.load(upload, scope, "cli", args.force).await?;
            print_json(&outcome)?;
            Ok(ExitCode::SUCCESS)
        }
        ListsCommand::Update { force } => {
            let sources = lists::OfficialSources {
                ofac_base: settings.lists_ofac_url.clone(),
                un_url: settings.lists_un_url.clone(),
                eu_url: settings.lists_eu_url.clone(),
                uk_url: settings.lists_uk_url.clone(),
            };
            let max = settings.lists_max_upload_bytes as u64;
            eprintln!("downloading {} …", sources.urls().join(", "));
            let uploads =
                tokio::task::spawn_blocking(move || lists::fetch_official(&sources, max)).await??;
            let mut outcomes = Vec::new();
            for upload in uploads {
                let (_, outcome) = service
                    .load(upload, ListScope::Global, "cli update", force)
                    .await?;
                outcomes.push(outcome);
            }
            print_json(&outcomes)?;
            Ok(ExitCode::SUCCESS)
        }
        ListsCommand::Status => {
            let versions = store.list_versions(None).await?;
            if versions.is_empty() && !settings.lists_bundled {
                bail!("no list is stored; load one with `vetgate lists load`");
            }
            let pending = store.rescreen_depth(None).await?.pending;
            let versions: Vec<ListVersionView> =
                versions.into_iter().map(ListVersionView::from).collect();
            print_json(&serde_json::json!({
                "versions": versions,
                "rescreen_pending": pending,
            }))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Pretty JSON on stdout; a closed pipe (`| head`) ends the output quietly.
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
    {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
