//! List files on their way in: an upload (from the CLI, the admin API, a download or the bundled
//! curated lists), who may load it under which name, and its parse. A file is parsed completely
//! before anything is stored; a malformed one is refused whole with the line or element that broke
//! it, and the active version stays.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::format::{ListFormat, OFAC_FILES};
use crate::intel::sanctions::model::{LoadError, LoadedList, is_reserved_list_name};
use crate::intel::sanctions::{csv_list, eu, ftm, ofac, uk, un};
use crate::store::{ListScope, StoreError, TenantId};

/// A list as uploaded or read from disk, not parsed yet.
pub struct ListUpload {
    pub format: ListFormat,
    /// Required for `csv` and `ftm-json` (`OS-<DATASET>`); must be absent or the fixed name for
    /// the other official formats.
    pub list_name: Option<String>,
    /// File name → content. `ofac-csv` needs the four [`OFAC_FILES`]; the others one file.
    pub files: Vec<(String, Vec<u8>)>,
    /// Where it came from (path or URL), for the status pages.
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ListLoadError {
    /// The file itself is malformed: refused whole.
    #[error(transparent)]
    Malformed(#[from] LoadError),
    /// The request names the wrong files, list or format.
    #[error("{0}")]
    Invalid(String),
    /// The caller may not load this list.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot fetch {url}: {message}")]
    Fetch { url: String, message: String },
    /// A global list would lose most of what screens every tenant: a truncated download or a
    /// header-only file, until the operator says `force`.
    #[error(
        "{list}: the new version holds {entries} entries against {previous} in the active one; a \
         global list that is empty or loses more than half of its entries is stored only with force"
    )]
    Shrinks {
        list: String,
        entries: usize,
        previous: i64,
    },
    /// A tenant's upload over `VETGATE_LISTS_TENANT_MAX_UPLOAD_BYTES`.
    #[error("a tenant's list upload may be at most {limit} bytes")]
    TooLarge { limit: usize },
    /// A tenant's lists together over `VETGATE_LISTS_TENANT_MAX_ENTRIES`.
    #[error(
        "{list}: {entries} entries with the tenant's other lists' {others} would exceed the tenant \
         quota of {limit} (VETGATE_LISTS_TENANT_MAX_ENTRIES)"
    )]
    OverQuota {
        list: String,
        entries: usize,
        others: i64,
        limit: usize,
    },
}

/// What one tenant's own lists may take, so that no tenant's lists cost the others
/// (`VETGATE_LISTS_TENANT_MAX_ENTRIES`, `VETGATE_LISTS_TENANT_MAX_UPLOAD_BYTES`). The operator's
/// global lists are not bounded by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantQuotas {
    /// Entries of all of a tenant's active lists together.
    pub max_entries: usize,
    /// Bytes of one upload (all its files).
    pub max_upload_bytes: usize,
}

impl Default for TenantQuotas {
    fn default() -> TenantQuotas {
        TenantQuotas {
            max_entries: 50_000,
            max_upload_bytes: 8 * 1024 * 1024,
        }
    }
}

impl ListUpload {
    /// Bytes of all its files.
    pub fn size(&self) -> usize {
        self.files.iter().map(|(_, data)| data.len()).sum()
    }
}

impl ListUpload {
    fn file(&self, name: &str) -> Result<&[u8], ListLoadError> {
        self.files
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, data)| data.as_slice())
            .ok_or_else(|| ListLoadError::Invalid(format!("the {} set needs {name}", self.format)))
    }

    /// The name the list is stored under.
    pub fn list_name(&self) -> Result<String, ListLoadError> {
        match (self.format.fixed_list_name(), self.list_name.as_deref()) {
            (Some(fixed), None) => Ok(fixed.to_owned()),
            (Some(fixed), Some(given)) if given == fixed => Ok(fixed.to_owned()),
            (Some(fixed), Some(given)) => Err(ListLoadError::Invalid(format!(
                "a {} file is always the list {fixed}, not {given:?}",
                self.format
            ))),
            (None, Some(given)) if self.format == ListFormat::FtmJson => {
                if ftm::valid_list_name(given) {
                    Ok(given.to_owned())
                } else {
                    Err(ListLoadError::Invalid(format!(
                        "list name {given:?}: an OpenSanctions dataset is loaded as OS-<DATASET>, \
                         the dataset in upper-case letters, digits and dashes (OS-KP-SANCTIONS)"
                    )))
                }
            }
            (None, None) if self.format == ListFormat::FtmJson => Err(ListLoadError::Invalid(
                "an ftm-json list needs its name, OS-<DATASET> (--list OS-KP-SANCTIONS, or the \
                 `list` field)"
                    .into(),
            )),
            (None, Some(given)) if valid_list_name(given) => Ok(given.to_owned()),
            (None, Some(given)) => Err(ListLoadError::Invalid(format!(
                "list name {given:?}: use 1-64 characters of A-Z 0-9 . _ -"
            ))),
            (None, None) => Err(ListLoadError::Invalid(
                "a csv list needs a name (--list NAME, or the `list` field)".into(),
            )),
        }
    }

    /// Parses the files completely; nothing is stored.
    pub fn parse(&self) -> Result<LoadedList, ListLoadError> {
        let list_name = self.list_name()?;
        Ok(match self.format {
            ListFormat::OfacCsv => ofac::parse(&ofac::OfacSources {
                sdn: self.file("sdn.csv")?,
                add: self.file("add.csv")?,
                alt: self.file("alt.csv")?,
                comments: self.file("sdn_comments.csv")?,
            })?,
            ListFormat::UnXml
            | ListFormat::EuXml
            | ListFormat::UkXml
            | ListFormat::FtmJson
            | ListFormat::Csv => {
                let [(name, data)] = self.files.as_slice() else {
                    return Err(ListLoadError::Invalid(format!(
                        "a {} list is one file, got {}",
                        self.format,
                        self.files.len()
                    )));
                };
                match self.format {
                    ListFormat::UnXml => un::parse(name, data)?,
                    ListFormat::EuXml => eu::parse(name, data)?,
                    ListFormat::UkXml => uk::parse(name, data)?,
                    ListFormat::FtmJson => ftm::parse(name, &list_name, data)?,
                    _ => csv_list::parse(name, &list_name, data)?,
                }
            }
        })
    }

    pub(super) fn content_sha256(&self) -> [u8; 32] {
        let mut digest = Sha256::new();
        for (name, data) in &self.files {
            digest.update(name.as_bytes());
            digest.update((data.len() as u64).to_le_bytes());
            digest.update(data);
        }
        digest.finalize().into()
    }
}

/// Whether a new version of a global list with `entries` entries may replace one with `previous`
/// (none stored: 0) without the operator's `force`: never when it is empty, nor when it keeps fewer
/// than half.
pub fn shrink_allowed(entries: usize, previous: i64) -> bool {
    entries > 0 && (entries as i64).saturating_mul(2) >= previous
}

pub fn valid_list_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Who is loading: the operator loads global lists (official and curated); any other tenant loads
/// lists that screen only its own applications, under names that are not reserved.
pub fn scope_for(
    tenant: &TenantId,
    operator_tenant: &str,
    list_name: &str,
) -> Result<ListScope, ListLoadError> {
    if tenant.as_str() == operator_tenant {
        return Ok(ListScope::Global);
    }
    if is_reserved_list_name(list_name) {
        return Err(ListLoadError::Forbidden(format!(
            "{list_name} is a global list: only the operator tenant loads it"
        )));
    }
    Ok(ListScope::Tenant(tenant.clone()))
}

/// What a load did, for the CLI, the API and the logs.
#[derive(Debug, Clone, Serialize)]
pub struct LoadOutcome {
    pub list: String,
    pub seq: i64,
    pub format: ListFormat,
    pub entries: usize,
    pub north_korea_entries: usize,
    pub unparsed_fragments: usize,
    pub unmapped_countries: usize,
    /// The first few fragments the parser could not structure (all are in `vetgate lists status`).
    pub unparsed_examples: Vec<(String, String)>,
}

/// Where `vetgate lists update` downloads the official lists from (`VETGATE_LISTS_OFAC_URL`,
/// `VETGATE_LISTS_UN_URL`, `VETGATE_LISTS_EU_URL`, `VETGATE_LISTS_UK_URL`). An empty URL skips
/// that list.
#[derive(Debug, Clone, Default)]
pub struct OfficialSources {
    /// The directory holding the OFAC legacy CSV set's four files.
    pub ofac_base: String,
    pub un_url: String,
    pub eu_url: String,
    pub uk_url: String,
}

impl OfficialSources {
    /// The URLs that will be fetched, for messages.
    pub fn urls(&self) -> Vec<&str> {
        [&self.ofac_base, &self.un_url, &self.eu_url, &self.uk_url]
            .into_iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .collect()
    }
}

/// Downloads the official lists whose URL is set (blocking; run it off the async workers), every
/// one before any is stored. Refuses a response that is not 200 or larger than `max_bytes`.
pub fn fetch_official(
    sources: &OfficialSources,
    max_bytes: u64,
) -> Result<Vec<ListUpload>, ListLoadError> {
    if sources.urls().is_empty() {
        return Err(ListLoadError::Invalid(
            "no list to download: every VETGATE_LISTS_*_URL is empty".into(),
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .user_agent(concat!("vetgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let get = |url: &str| -> Result<Vec<u8>, ListLoadError> {
        let fail = |message: String| ListLoadError::Fetch {
            url: url.to_owned(),
            message,
        };
        let mut response = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
        response
            .body_mut()
            .with_config()
            .limit(max_bytes)
            .read_to_vec()
            .map_err(|e| fail(e.to_string()))
    };
    let mut uploads = Vec::new();
    let base = sources.ofac_base.trim().trim_end_matches('/');
    if !base.is_empty() {
        let mut files = Vec::new();
        for name in OFAC_FILES {
            files.push((name.to_owned(), get(&format!("{base}/{name}"))?));
        }
        uploads.push(ListUpload {
            format: ListFormat::OfacCsv,
            list_name: None,
            files,
            source: base.to_owned(),
        });
    }
    for (url, format, file) in [
        (&sources.un_url, ListFormat::UnXml, "consolidated.xml"),
        (&sources.eu_url, ListFormat::EuXml, "eu-fsf.xml"),
        (&sources.uk_url, ListFormat::UkXml, "uk-sanctions-list.xml"),
    ] {
        let url = url.trim();
        if url.is_empty() {
            continue;
        }
        uploads.push(ListUpload {
            format,
            list_name: None,
            files: vec![(file.to_owned(), get(url)?)],
            source: url.to_owned(),
        });
    }
    Ok(uploads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_list_may_shrink_by_half_at_most_and_never_to_nothing() {
        assert!(shrink_allowed(1, 0), "a first version");
        assert!(!shrink_allowed(0, 0), "an empty first version");
        assert!(!shrink_allowed(0, 1_003));
        assert!(shrink_allowed(502, 1_003) && !shrink_allowed(501, 1_003));
        assert!(shrink_allowed(2_000, 1_003), "growing");
    }
}
