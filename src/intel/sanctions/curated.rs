//! The curated DPRK lists shipped with vetgate, in the project CSV format
//! ([`csv_list`]):
//!
//! * [`DPRK_IT_CSV`], list `VETGATE-DPRK-IT`: the OFAC and joint US-ROK
//!   designations of 2018–2026 tied to DPRK IT workers (front companies,
//!   delegation heads, bankers and facilitators laundering their pay). Every
//!   row is a North Korea entry.
//! * [`DPRK_WATCH_CSV`], list `VETGATE-DPRK-WATCH`: ROK-only designations,
//!   persons charged by the US Department of Justice but not designated, and
//!   names whose designation the sources leave uncertain. A hit is a `review`.
//!
//! **A supplement, not a substitute.** These lists do not replace the official
//! OFAC SDN and UN Security Council lists, which stay authoritative and are
//! loaded beside them; an official entry for the same person takes precedence
//! in the evidence. They exist because the OFAC snapshot bundled with vetgate
//! predates most IT-worker designations (it has the 2018 Yanbian Silverstar
//! entries, nothing from 2023 on).
//!
//! **Compiled 2026-11-27** from the sources of the domain reference
//! `dprk-indicators.md` §4 (Treasury, DOJ and ROK Foreign Ministry releases
//! or their reprints); each row names its source (URL, press-release id and
//! the reference's `[Sx]` key) and that source's date. Names and aliases are
//! as published. Programme tags are given only where the reference states
//! them: an OFAC tag seen in SDN-derived data (`DPRK4`, `NPWMD`) or the
//! executive order a release names (`EO13722`, `EO13687`, `EO13694`,
//! `EO13810`); a fact the reference marks uncertain is left out (the row
//! notes say which). Dates of birth are not published in the sources
//! reviewed. Re-check against the live SDN list before relying on a row.

use super::csv_list;
use super::model::{LIST_VETGATE_DPRK_IT, LIST_VETGATE_DPRK_WATCH, LoadError, LoadedList};

/// `VETGATE-DPRK-IT`: DPRK IT-worker designations (OFAC, joint US-ROK), 2018–2026.
pub const DPRK_IT_CSV: &str = include_str!("curated/vetgate-dprk-it.csv");

/// `VETGATE-DPRK-WATCH`: ROK-only designations, DOJ-charged persons who are
/// not designated, and uncertain designees.
pub const DPRK_WATCH_CSV: &str = include_str!("curated/vetgate-dprk-watch.csv");

/// The date both lists were compiled.
pub const COMPILED: &str = "2026-11-27";

/// The shipped lists as (list name, CSV text), in the order [`load`] returns them.
pub fn bundled() -> [(&'static str, &'static str); 2] {
    [
        (LIST_VETGATE_DPRK_IT, DPRK_IT_CSV),
        (LIST_VETGATE_DPRK_WATCH, DPRK_WATCH_CSV),
    ]
}

/// Parse both shipped lists: `VETGATE-DPRK-IT` first, then `VETGATE-DPRK-WATCH`.
pub fn load() -> Result<Vec<LoadedList>, LoadError> {
    Ok(vec![
        csv_list::parse(
            "vetgate-dprk-it.csv",
            LIST_VETGATE_DPRK_IT,
            DPRK_IT_CSV.as_bytes(),
        )?,
        csv_list::parse(
            "vetgate-dprk-watch.csv",
            LIST_VETGATE_DPRK_WATCH,
            DPRK_WATCH_CSV.as_bytes(),
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::sanctions::matcher::{Index, Query, REVIEW_THRESHOLD};
    use crate::intel::sanctions::model::{Entity, EntityKind};

    fn lists() -> (Vec<Entity>, Vec<Entity>) {
        let mut l = load().expect("curated lists parse");
        assert_eq!(l.len(), 2);
        let watch = l.pop().unwrap();
        let it = l.pop().unwrap();
        assert_eq!(it.report.list, LIST_VETGATE_DPRK_IT);
        assert_eq!(watch.report.list, LIST_VETGATE_DPRK_WATCH);
        (it.entities, watch.entities)
    }

    /// Ids `PREFIX-0001`, `PREFIX-0002`, … in file order, source dates never decreasing.
    fn check_ids_and_dates(entities: &[Entity], prefix: &str) {
        for (i, e) in entities.iter().enumerate() {
            assert_eq!(e.id, format!("{prefix}-{:04}", i + 1));
        }
        for w in entities.windows(2) {
            assert!(
                w[0].source_date <= w[1].source_date,
                "{} is dated before {}",
                w[1].id,
                w[0].id
            );
        }
    }

    #[test]
    fn both_lists_parse_with_source_and_date_on_every_row() {
        let (it, watch) = lists();
        assert!(it.len() >= 50, "{}", it.len());
        assert!(watch.len() >= 40, "{}", watch.len());
        for e in it.iter().chain(&watch) {
            let source = e.source.as_deref().unwrap_or_default();
            assert!(!source.trim().is_empty(), "{} has no source", e.id);
            assert!(
                source.contains("http") || source.contains("press release"),
                "{}: {source}",
                e.id
            );
            let d = e.source_date.expect("source_date");
            assert!(d.day.is_some(), "{}", e.id);
            assert!((2018..=2026).contains(&d.year), "{}: {d}", e.id);
            assert!(!e.remarks.is_empty(), "{} has no notes", e.id);
        }
        check_ids_and_dates(&it, "DPRK-IT");
        check_ids_and_dates(&watch, "DPRK-WATCH");
    }

    #[test]
    fn every_it_row_is_a_north_korea_entry() {
        let (it, watch) = lists();
        assert!(it.iter().all(|e| e.north_korea));
        // the watchlist carries no DPRK programme tags, so its rows are not
        let ll = load().unwrap();
        assert_eq!(ll[0].report.north_korea_entries, it.len());
        assert_eq!(ll[1].report.north_korea_entries, 0);
        assert!(watch.iter().all(|e| !e.north_korea));
    }

    #[test]
    fn uncertain_facts_are_left_out() {
        let (it, watch) = lists();
        let by_name = |v: &[Entity], n: &str| -> Entity {
            v.iter()
                .find(|e| e.primary_name == n)
                .unwrap_or_else(|| panic!("{n} missing"))
                .clone()
        };
        // Andreyev: the executive order is uncertain, the designation is not
        let a = by_name(&it, "Vitaliy Sergeyevich ANDREYEV");
        assert!(a.programs.is_empty());
        assert_eq!(a.kind, EntityKind::Person);
        // designees only by arithmetic: on the watchlist, not the curated list
        for n in ["HOANG Minh Quang", "York Louis Celestino HERRERA"] {
            assert!(it.iter().all(|e| e.primary_name != n), "{n}");
            by_name(&watch, n);
        }
        // DOJ-charged names from a secondary list are kept, flagged
        let r = by_name(&watch, "Ri Kyong Sik");
        assert!(r.remarks.contains("verify"), "{}", r.remarks);
        // a DOJ-charged person who is also designated is on the curated list only
        by_name(&it, "JONG Song Hwa");
        assert!(watch.iter().all(|e| e.primary_name != "JONG Song Hwa"));
        // tags that were seen: Kim Sang Man DPRK4, Sim Hyon Sop NPWMD
        assert_eq!(by_name(&it, "KIM Sang Man").programs, ["DPRK4"]);
        assert_eq!(by_name(&it, "SIM Hyon Sop").programs, ["NPWMD"]);
    }

    #[test]
    fn published_crypto_addresses_are_findable() {
        let (it, _) = lists();
        let index = Index::build(it);
        for (addr, owner) in [
            ("0x97b1043abd9e6fc31681635166d430a458d14f9c", "KIM Sang Man"),
            ("0xb6f5ec1a0a9cd1526536d3f0426c429529471f40", "KIM Sang Man"),
            ("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c", "SIM Hyon Sop"),
            ("0xd04e33461fea8302c5e1e13895b60cee8aefda7f", "SIM Hyon Sop"),
            ("0x76ea76ca4eb727f18956ab93445a94c5280412b9", "SIM Hyon Sop"),
            ("0xfb3eff152ea55d1bfa04dbdd509a80fd7b72cdeb", "SIM Hyon Sop"),
            ("0xfda1ec4a6178d4916b001a065422d31ebe5f62ff", "SIM Hyon Sop"),
            ("0x747afb5c7a7fc34b547cd0fdebf9b91759c5a52b", "SIM Hyon Sop"),
            ("0xb637f84b66876ebf609c2a4208905f9ddac9d075", "YUN Song Guk"),
            ("0x95584c303fcd48af5c6b9873015f2ad0ca84eae3", "YUN Song Guk"),
            (
                "0xcb74874f1e06fcf80a306e06e5379a44b488ba2d",
                "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY",
            ),
            (
                "0x0330070fd38ec3bb94f58fa55d40368271e9e54a",
                "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY",
            ),
            (
                "0x9be599d7867f5e1a2d7ec6db9710df2b98a15573",
                "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY",
            ),
        ] {
            let hits = index.find_crypto(Some("ETH"), addr);
            assert_eq!(hits.len(), 1, "{addr}");
            assert_eq!(hits[0].primary_name, owner, "{addr}");
            // hex addresses compare case-insensitively
            let upper = format!("0x{}", addr[2..].to_ascii_uppercase());
            assert_eq!(index.find_crypto(Some("ETH"), &upper).len(), 1, "{upper}");
        }
        let total: usize = index
            .entities()
            .iter()
            .map(|e| e.crypto_addresses.len())
            .sum();
        assert_eq!(total, 13);
        assert!(
            index
                .find_crypto(Some("ETH"), "0x0000000000000000000000000000000000000000")
                .is_empty()
        );
    }

    /// Primary names of the entries `q` matches (`is_match`).
    fn matched(index: &Index, q: &str) -> Vec<String> {
        index
            .search(&Query::name(q))
            .into_iter()
            .filter(|m| m.is_match)
            .map(|m| index.entity(m.entity).primary_name.clone())
            .collect()
    }

    #[test]
    fn published_spellings_match_their_entry() {
        let (it, _) = lists();
        let index = Index::build(it);
        for (q, expected) in [
            ("Kim Sangman", "KIM Sang Man"),
            ("Sang Man Kim", "KIM Sang Man"),
            (
                "Jinyong IT Cooperation Co., Ltd.",
                "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY",
            ),
            (
                "Chinyong Information Technology Cooperation Company",
                "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY",
            ),
            ("Alice LLC", "ALIS LLC"),
            ("Alis LLC", "ALIS LLC"),
            ("Ho Chong Son", "HO Jong Son"),
            ("Ho Jong Son", "HO Jong Son"),
            ("Song Kyong Sik", "SON Kyong Sik"),
            ("Son Kyong Sik", "SON Kyong Sik"),
            (
                "Shenyang Kumpungri Network Technology Co., Ltd.",
                "SHENYANG GEUMPUNGRI NETWORK TECHNOLOGY CO., LTD",
            ),
            (
                "Shenyang Geumpungri Network Technology Co Ltd",
                "SHENYANG GEUMPUNGRI NETWORK TECHNOLOGY CO., LTD",
            ),
            (
                "Yanbian Silver Star Network Technology",
                "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.",
            ),
            (
                "延边银星网络科技有限公司",
                "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.",
            ),
            ("Volasys Silverstar", "VOLASYS SILVER STAR"),
            ("정성화", "JONG Song Hwa"),
            (
                "Korea Sobaeksu Trading Corporation",
                "KOREA SOBAEKSU TRADING COMPANY",
            ),
            (
                "Korea Sobaeksu Trading Company",
                "KOREA SOBAEKSU TRADING COMPANY",
            ),
            ("Song Guk Yun", "YUN Song Guk"),
            ("Yun Song Guk", "YUN Song Guk"),
            ("Hyon Sop Sim", "SIM Hyon Sop"),
            ("Green Alpine Trading LLC", "GREEN ALPINE TRADING, LLC"),
            (
                "Amnokgang Technology Development Company",
                "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY",
            ),
        ] {
            let m = matched(&index, q);
            assert!(
                m.iter().any(|n| n == expected),
                "{q} should match {expected}: {:?}",
                index.search(&Query::name(q))
            );
        }
    }

    /// Known gap, reported: "Kumpungri" without "Shenyang" scores about 0.75
    /// against the only published name (`SHENYANG GEUMPUNGRI NETWORK TECHNOLOGY
    /// CO., LTD`), a review rather than a match. None of the sources reviewed
    /// publishes a shorter or `Kumpungri` form to add as an alias, so the row
    /// keeps the published name only. Run with `--ignored` to see the score.
    #[test]
    #[ignore = "known gap: no published alias without Shenyang; see the comment"]
    fn kumpungri_without_shenyang_matches() {
        let (it, _) = lists();
        let index = Index::build(it);
        let m = matched(&index, "Kumpungri Network Technology");
        assert!(
            m.iter()
                .any(|n| n == "SHENYANG GEUMPUNGRI NETWORK TECHNOLOGY CO., LTD"),
            "{:?}",
            index.search(&Query::name("Kumpungri Network Technology"))
        );
    }

    /// Until then the short form still reaches the review floor on the right entry.
    #[test]
    fn kumpungri_without_shenyang_is_at_least_reviewed() {
        let (it, _) = lists();
        let index = Index::build(it);
        let hits = index.search(&Query::name("Kumpungri Network Technology"));
        let top = hits.first().expect("a hit");
        assert_eq!(
            index.entity(top.entity).primary_name,
            "SHENYANG GEUMPUNGRI NETWORK TECHNOLOGY CO., LTD"
        );
        assert!(top.score >= REVIEW_THRESHOLD, "{top:?}");
    }

    #[test]
    fn ordinary_names_do_not_match() {
        let (it, watch) = lists();
        let index = Index::build(it.into_iter().chain(watch).collect());
        for q in [
            "Kim Min-jun",
            "Emily Carter",
            "Samsung Electronics Co., Ltd.",
            "Nguyen Van An",
            "Park Jin-young",
            "Lee Ji-eun",
            "Kim Young-ho",
            "Hoang Van Nam",
            "Nguyen Thi Lan",
            "Pyongyang Restaurant Group",
            "Liaoning Port Group Co., Ltd.",
            "Shenyang Software Technology Co., Ltd.",
            "Korea Trading Corporation",
            "Green Valley Trading LLC",
            "Star Real Estate LLC",
            "John Smith",
            "Wang Wei",
        ] {
            let m = matched(&index, q);
            assert!(m.is_empty(), "{q}: {:?}", index.search(&Query::name(q)));
        }
    }

    #[test]
    fn watchlist_names_are_searchable() {
        let (_, watch) = lists();
        let index = Index::build(watch);
        for (q, expected) in [
            ("Kim Ryu-song", "Kim Ryu Song"),
            ("Pak Hung-ryong", "Pak Hung Ryong"),
            ("Jin Sung Il", "Jin Sung-Il"),
            ("Kim Kwang Jin", "Kim Kwang Jin"),
            ("Danny Wang", "Zhenxing Wang"),
            ("Hoang Minh Quang", "HOANG Minh Quang"),
            ("Kumsong Academy", "Kumsong Academy"),
        ] {
            let m = matched(&index, q);
            assert!(m.iter().any(|n| n == expected), "{q}: {m:?}");
        }
    }
}
