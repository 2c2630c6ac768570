//! Intelligence as pure snapshots: IP databases (files on disk, an immutable [`Intel`] snapshot that
//! [`IntelHandle`] swaps atomically, so a reload never stalls or half-changes a lookup) and compiled
//! sanctions lists ([`lists::ListsHandle`]; which versions, and when to rebuild, is the lists
//! service's business, `crate::lists`). Nothing here reads or writes the store.

pub mod geoip;
pub mod lists;
pub mod mmdb_writer;
pub mod overlay;
pub mod sanctions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use serde::Serialize;

use crate::model::IpFacts;
use geoip::{Database, DatabaseInfo, GeoIp};

type ListReader =
    fn(&std::path::Path) -> Result<HashMap<u32, overlay::ListedAsn>, overlay::OverlayError>;

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
    /// Autonomous systems of hosting, VPN and Tor providers (`geoip/sources/hosting-asns.csv` and
    /// `geoip/sources/anonymiser-asns.csv`).
    pub hosting_asns: HashMap<u32, overlay::ListedAsn>,
    /// What could not be loaded, for `/readyz` and the log.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntelStatus {
    pub geoip: Vec<DatabaseInfo>,
    pub hosting_asns: usize,
    pub problems: Vec<String>,
}

impl IntelStatus {
    /// What an anonymous caller may see: each file by its name without the server's directories,
    /// and how many files failed without the reader's words (which name paths).
    pub fn redacted(mut self) -> IntelStatus {
        for info in &mut self.geoip {
            if let Some(name) = std::path::Path::new(&info.path).file_name() {
                info.path = name.to_string_lossy().into_owned();
            }
        }
        if !self.problems.is_empty() {
            self.problems = vec![format!(
                "{} IP database source(s) could not be loaded; the log, `vetgate intel status` \
                 and /readyz with the operator's lists:admin token say which",
                self.problems.len()
            )];
        }
        self
    }
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
        let mut hosting_asns = HashMap::new();
        let lists: [(&str, ListReader); 2] = [
            ("sources/hosting-asns.csv", overlay::read_hosting_asns),
            ("sources/anonymiser-asns.csv", overlay::read_anonymiser_asns),
        ];
        for (name, read) in lists {
            let Some(path) = sources.geoip_dir.as_deref().map(|d| d.join(name)) else {
                continue;
            };
            if !path.exists() {
                continue;
            }
            match read(&path) {
                // The anonymiser list is read second: its kind (vpn, tor) is the more specific.
                Ok(asns) => hosting_asns.extend(asns),
                Err(err) => {
                    tracing::error!(error = %err, "ASN list refused");
                    problems.push(err.to_string());
                }
            }
        }
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
        if let Some(listed) = facts.asn.and_then(|asn| self.hosting_asns.get(&asn)) {
            let a = &mut facts.anonymity;
            match listed.kind {
                overlay::AsnKind::Hosting => a.hosting = true,
                overlay::AsnKind::Vpn => a.vpn = true,
                overlay::AsnKind::Tor => a.tor_exit = true,
            }
            if a.provider.is_none() {
                a.provider = Some(listed.provider.clone());
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
