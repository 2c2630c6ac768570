//! The list file formats vetgate reads: one registry the CLI (`--format`), the admin API (the
//! `format` field and its OpenAPI pattern), the error messages and the parsers all go through.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::intel::sanctions::model::{LIST_EU_FSF, LIST_OFAC_SDN, LIST_UK_SANCTIONS, LIST_UN_SC};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListFormat {
    /// OFAC SDN legacy CSV set: sdn.csv, add.csv, alt.csv, sdn_comments.csv.
    #[serde(rename = "ofac-csv")]
    OfacCsv,
    /// UN Security Council consolidated list XML.
    #[serde(rename = "un-xml")]
    UnXml,
    /// EU consolidated financial sanctions list XML (the FSF export).
    #[serde(rename = "eu-xml")]
    EuXml,
    /// UK Sanctions List XML (the FCDO export).
    #[serde(rename = "uk-xml")]
    UkXml,
    /// OpenSanctions FollowTheMoney entities, JSON lines (a dataset as `OS-<DATASET>`).
    #[serde(rename = "ftm-json")]
    FtmJson,
    /// The project's own CSV list format (`src/intel/sanctions/csv_list.rs`).
    #[serde(rename = "csv")]
    Csv,
}

impl ListFormat {
    /// Every format, in the order messages list them.
    pub const ALL: [ListFormat; 6] = [
        ListFormat::OfacCsv,
        ListFormat::UnXml,
        ListFormat::EuXml,
        ListFormat::UkXml,
        ListFormat::FtmJson,
        ListFormat::Csv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::OfacCsv => "ofac-csv",
            ListFormat::UnXml => "un-xml",
            ListFormat::EuXml => "eu-xml",
            ListFormat::UkXml => "uk-xml",
            ListFormat::FtmJson => "ftm-json",
            ListFormat::Csv => "csv",
        }
    }

    /// The list name a format implies, when it implies one.
    pub fn fixed_list_name(self) -> Option<&'static str> {
        match self {
            ListFormat::OfacCsv => Some(LIST_OFAC_SDN),
            ListFormat::UnXml => Some(LIST_UN_SC),
            ListFormat::EuXml => Some(LIST_EU_FSF),
            ListFormat::UkXml => Some(LIST_UK_SANCTIONS),
            ListFormat::FtmJson | ListFormat::Csv => None,
        }
    }

    /// The files a set of this format is made of, when it is more than one (read from a
    /// directory by the CLI, uploaded as several parts to the API, in the order the parser wants).
    pub fn set_files(self) -> Option<&'static [&'static str]> {
        match self {
            ListFormat::OfacCsv => Some(&OFAC_FILES),
            ListFormat::UnXml
            | ListFormat::EuXml
            | ListFormat::UkXml
            | ListFormat::FtmJson
            | ListFormat::Csv => None,
        }
    }

    /// The formats that are one file, which a JSON upload can carry.
    pub fn single_file() -> impl Iterator<Item = ListFormat> {
        Self::ALL.into_iter().filter(|f| f.set_files().is_none())
    }

    /// `a, b or c`: the names of some formats, for messages.
    pub fn names(formats: impl IntoIterator<Item = ListFormat>) -> String {
        let names: Vec<&str> = formats.into_iter().map(ListFormat::as_str).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

/// The OFAC set's files, in the order the loader wants them.
pub const OFAC_FILES: [&str; 4] = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"];

impl FromStr for ListFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<ListFormat, String> {
        ListFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown list format; expected {}",
                    ListFormat::names(ListFormat::ALL)
                )
            })
    }
}

/// `--format` on the command line: clap's possible values come from the registry.
impl clap::ValueEnum for ListFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &ListFormat::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl fmt::Display for ListFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_reads_back_from_its_name() {
        for format in ListFormat::ALL {
            assert_eq!(format.as_str().parse::<ListFormat>(), Ok(format));
            assert_eq!(
                serde_json::to_value(format).unwrap(),
                serde_json::json!(format.as_str())
            );
        }
        let err = "xml".parse::<ListFormat>().unwrap_err();
        assert!(
            err.ends_with("expected ofac-csv, un-xml, eu-xml, uk-xml, ftm-json or csv"),
            "{err}"
        );
    }

    #[test]
    fn only_one_file_formats_travel_as_json() {
        assert_eq!(
            ListFormat::names(ListFormat::single_file()),
            "un-xml, eu-xml, uk-xml, ftm-json or csv"
        );
    }
}
