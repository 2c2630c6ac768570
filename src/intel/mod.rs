//! Intelligence the checks consult: IP databases (files on disk, an immutable [`Intel`] snapshot that
//! [`IntelHandle`] swaps atomically, so a reload never stalls or half-changes a lookup) and sanctions
//! lists (versions stored in the database, indexed in memory by [`lists::ListsHandle`]).

pub mod geoip;
pub mod list_sources;
pub mod lists;
pub mod mmdb_writer;
pub mod overlay;
pub mod sanctions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use serde::Serialize;

use geoip::{Database, DatabaseInfo, GeoIp, IpFacts};

/// Where the IP databases come from.
#[derive(Debug, Clone, Default)]
pub struct IntelSources {
    /// Scanned for `.mmdb` files; `sources/hosting-asns.csv` in it lists hosting networks.
    pub geoip_dir: Option<PathBuf>,
    /// Files named explicitly; they win over the directory's for their kind.
    pub geoip_files: Vec<PathBuf>,
}

/// One immutable view of all intelligence.
#[derive(Default)]
pub struct Intel {
    pub geoip: GeoIp,
    /// Autonomous systems of hosting and VPN providers (`geoip/sources/hosting-asns.csv`).
    pub hosting_asns: HashMap<u32, String>,
    /// What could not be loaded, for `/readyz` and the log.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntelStatus {
    pub geoip: Vec<DatabaseInfo>,
    pub hosting_asns: usize,
    pub problems: Vec<String>,
}

impl Intel {
    /// Loads what it can. A missing optional source means no signal from it, not a failure; a
    /// corrupt file is refused and reported.
    pub fn load(sources: &IntelSources) -> Intel {
        let mut problems = Vec::new();
        let mut databases: Vec<Database> = Vec::new();
        for path in geoip::candidate_files(sources.geoip_dir.as_deref(), &sources.geoip_files) {
            match Database::open(&path) {
                Ok(db) => databases.push(db),
                Err(err) => {
                    tracing::error!(error = %err, "IP database refused");
                    problems.push(err.to_string());
                }
            }
        }
        let hosting_asns = match sources
            .geoip_dir
            .as_deref()
            .map(|d| d.join("sources/hosting-asns.csv"))
        {
            Some(path) if path.exists() => match overlay::read_hosting_asns(&path) {
                Ok(asns) => asns,
                Err(err) => {
                    tracing::error!(error = %err, "hosting ASN list refused");
                    problems.push(err.to_string());
                    HashMap::new()
                }
            },
            _ => HashMap::new(),
        };
        Intel {
            geoip: GeoIp::from_databases(databases),
            hosting_asns,
            problems,
        }
    }

    pub fn status(&self) -> IntelStatus {
        IntelStatus {
            geoip: self.geoip.status(),
            hosting_asns: self.hosting_asns.len(),
            problems: self.problems.clone(),
        }
    }

    /// Everything known about one address, the hosting-ASN list included.
    pub fn lookup(&self, ip: std::net::IpAddr) -> IpFacts {
        let mut facts = self.geoip.lookup(ip);
        if let Some(provider) = facts.asn.and_then(|asn| self.hosting_asns.get(&asn)) {
            facts.anonymity.hosting = true;
            if facts.anonymity.provider.is_none() {
                facts.anonymity.provider = Some(provider.clone());
            }
        }
        facts
    }
}

/// The live snapshot, shared by every worker.
#[derive(Clone)]
pub struct IntelHandle {
    current: Arc<ArcSwap<Intel>>,
    sources: Arc<IntelSources>,
}

impl IntelHandle {
    pub fn load(sources: IntelSources) -> IntelHandle {
        let intel = Intel::load(&sources);
        IntelHandle {
            current: Arc::new(ArcSwap::from_pointee(intel)),
            sources: Arc::new(sources),
        }
    }

    pub fn current(&self) -> arc_swap::Guard<Arc<Intel>> {
        self.current.load()
    }

    pub fn sources(&self) -> &IntelSources {
        &self.sources
    }

    /// Loads a new snapshot and swaps it in only if every source loaded cleanly; otherwise the
    /// current snapshot keeps serving and the refusal says why.
    pub fn reload(&self) -> Result<IntelStatus, Vec<String>> {
        let fresh = Intel::load(&self.sources);
        if !fresh.problems.is_empty() {
            tracing::error!(problems = ?fresh.problems, "intelligence reload refused; keeping the loaded snapshot");
            return Err(fresh.problems);
        }
        let status = fresh.status();
        self.current.store(Arc::new(fresh));
        tracing::info!(databases = status.geoip.len(), "intelligence reloaded");
        Ok(status)
    }
}
