//! Loads the real OFAC SDN set and UN consolidated list completely.
//! Data directory: `../shared/data` (override with `VETGATE_SHARED_DIR`).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

use vetgate::intel::sanctions::model::{
    AliasKind, AliasQuality, DateSpec, DocumentKind, Entity, EntityKind, Gender, LoadedList,
    PartialDate,
};
use vetgate::intel::sanctions::{ofac, un};

fn data_dir() -> PathBuf {
    crate::helpers::shared_dir().join("data")
}

static OFAC: LazyLock<LoadedList> =
    LazyLock::new(|| ofac::load_dir(&data_dir().join("ofac-sdn")).expect("OFAC set loads"));
static UN: LazyLock<LoadedList> = LazyLock::new(|| {
    un::load_file(&data_dir().join("un-consolidated.xml")).expect("UN list loads")
});

fn find<'a>(l: &'a LoadedList, id: &str) -> &'a Entity {
    l.entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("entry {id} is missing"))
}

fn ymd(y: i32, m: u32, d: u32) -> DateSpec {
    DateSpec::on(PartialDate::ymd(y, m, d).unwrap())
}

fn alias<'a>(e: &'a Entity, name: &str) -> &'a vetgate::intel::sanctions::model::Alias {
    e.aliases
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{}: alias {name:?} missing in {:?}", e.id, e.aliases))
}

#[test]
fn ofac_counts_and_report() {
    let l = &*OFAC;
    let r = &l.report;
    println!(
        "OFAC-SDN: {} entries, {} North Korea; {} unparsed fragments, {} free-text notes, {} unmapped countries",
        r.entries,
        r.north_korea_entries,
        r.unparsed_fragments.len(),
        r.free_text_notes.len(),
        r.unmapped_countries.len()
    );
    for (id, f) in &r.unparsed_fragments {
        println!("  unparsed {id}: {f}");
    }
    assert_eq!(r.entries, 8976);
    assert_eq!(l.entities.len(), 8976);
    assert_eq!(r.north_korea_entries, 414);
    let kinds = |k| l.entities.iter().filter(|e| e.kind == k).count();
    assert_eq!(
        (
            kinds(EntityKind::Person),
            kinds(EntityKind::Entity),
            kinds(EntityKind::Vessel),
            kinds(EntityKind::Aircraft)
        ),
        (4620, 3673, 406, 277)
    );
    // Near zero: what is left is prose with numbers and one-off forms.
    assert!(
        r.unparsed_fragments.len() <= 30,
        "{:?}",
        r.unparsed_fragments
    );
    // No unparsed fragment on a North Korea entry.
    let nk: BTreeSet<&str> = l
        .entities
        .iter()
        .filter(|e| e.north_korea)
        .map(|e| e.id.as_str())
        .collect();
    let nk_unparsed: Vec<_> = r
        .unparsed_fragments
        .iter()
        .filter(|(id, _)| nk.contains(id.as_str()))
        .collect();
    assert!(nk_unparsed.is_empty(), "{nk_unparsed:?}");
}

#[test]
fn ofac_every_dprk_programme_entry_is_flagged() {
    // Independent of the loader: read the programme column with the csv crate.
    let bytes = std::fs::read(data_dir().join("ofac-sdn/sdn.csv")).unwrap();
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut expected = BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if rec.len() == 12 && rec[3].split("] [").any(|p| p.trim().starts_with("DPRK")) {
            expected.insert(rec[0].trim().to_string());
        }
    }
    let flagged: BTreeSet<String> = OFAC
        .entities
        .iter()
        .filter(|e| e.north_korea)
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(expected.len(), 414);
    assert_eq!(flagged, expected);
}

#[test]
fn ofac_tian_yinyin_remarks_continue_in_comments() {
    let e = find(&OFAC, "28263");
    assert_eq!(e.primary_name, "TIAN, Yinyin");
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(e.programs, ["DPRK3", "CYBER2"]);
    assert!(e.north_korea);
    assert_eq!(e.dates_of_birth, [ymd(1986, 7, 12)]);
    assert_eq!(e.nationalities[0].iso2.as_deref(), Some("CN"));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.emails, ["417136259@qq.com"]);
    assert_eq!(e.crypto_addresses.len(), 8);
    assert!(e.crypto_addresses.iter().all(|c| c.asset == "XBT"));
    assert!(
        e.crypto_addresses
            .iter()
            .any(|c| c.address == "1Hn9ErTCPRP6j5UDBeuXPGuq5RtRjFJxJQ")
    );
    // Chinese resident ID number, given as "Identification Number … (China)".
    let id = &e.documents[0];
    assert_eq!(
        (id.kind, id.number.as_str()),
        (DocumentKind::NationalId, "321284198607120616")
    );
    assert_eq!(id.country.as_ref().unwrap().iso2.as_deref(), Some("CN"));
    // `a.k.a. 'snowsjo` is cut at 1,000 characters; `hn'; Linked To: …` follows in sdn_comments.csv.
    let a = alias(e, "snowsjohn");
    assert_eq!((a.quality, a.kind), (AliasQuality::Weak, AliasKind::Aka));
    alias(e, "tianyinyin0404");
    assert_eq!(e.linked_to, ["LAZARUS GROUP"]);
    assert!(
        e.remarks
            .ends_with("a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP.")
    );
    assert_eq!(e.phones, ["8613621583465"]);
    assert_eq!(e.secondary_sanctions_risk.len(), 1);
    assert_eq!(e.addresses[0].city.as_deref(), Some("Nanjing, Jiangsu"));
    assert_eq!(
        e.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("CN")
    );
}

#[test]
fn ofac_ri_chong_chol_passports_and_strong_alias() {
    let e = find(&OFAC, "18668");
    assert_eq!(e.primary_name, "RI, Chong Chol");
    assert_eq!(e.programs, ["DPRK2"]);
    assert_eq!(e.dates_of_birth, [ymd(1970, 4, 12)]);
    let a = alias(e, "RI, Jong Chol");
    assert_eq!(
        (a.quality, a.kind, a.short),
        (AliasQuality::Strong, AliasKind::Aka, false)
    );
    let numbers: Vec<&str> = e.documents.iter().map(|d| d.number.as_str()).collect();
    assert_eq!(numbers, ["199110092", "472220503", "654220197"]);
    assert!(e.documents.iter().all(|d| d.kind == DocumentKind::Passport
        && d.country.as_ref().unwrap().iso2.as_deref() == Some("KP")));
    assert_eq!(e.documents[0].expires, PartialDate::ymd(2014, 3, 17));
    assert_eq!(
        e.linked_to,
        ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    );
    assert!(
        e.addresses.is_empty(),
        "the all-null add.csv row is not an address"
    );
}

#[test]
fn ofac_reconnaissance_general_bureau() {
    let e = find(&OFAC, "12210");
    assert_eq!(e.kind, EntityKind::Entity);
    assert_eq!(e.programs, ["DPRK", "DPRK2"]);
    assert!(e.north_korea);
    assert_eq!(
        alias(e, "CHONGCH'AL CH'ONGGUK").quality,
        AliasQuality::Strong
    );
    alias(e, "KPA UNIT 586");
    // `a.k.a. 'RGB'` in Remarks: weak, and too short to match on alone.
    let rgb = alias(e, "RGB");
    assert_eq!(rgb.quality, AliasQuality::Weak);
    assert!(rgb.short && !rgb.matchable_alone());
    assert_eq!(e.addresses.len(), 2);
    assert!(
        e.addresses
            .iter()
            .all(|a| a.country.as_ref().unwrap().iso2.as_deref() == Some("KP"))
    );
    assert!(e.dates_of_birth.is_empty());
}

#[test]
fn ofac_yanbian_silverstar_it_worker_front() {
    let e = find(&OFAC, "24977");
    assert_eq!(
        e.primary_name,
        "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD."
    );
    assert_eq!(e.kind, EntityKind::Entity);
    assert_eq!(e.programs, ["DPRK3", "DPRK4"]);
    assert!(e.north_korea);
    for a in [
        "CHINA SILVER STAR INTERNET TECHNOLOGY COMPANY",
        "YANBIAN SILVER STAR",
        "SILVER STAR CHINA",
    ] {
        assert_eq!(alias(e, a).quality, AliasQuality::Strong);
    }
    let d = &e.documents[0];
    assert_eq!(d.label, "Unified Social Credit Code (USCC)");
    assert_eq!(
        (d.kind, d.number.as_str()),
        (DocumentKind::Other, "91222401MA0Y31E659")
    );
    assert_eq!(d.country.as_ref().unwrap().iso2.as_deref(), Some("CN"));
    assert_eq!(e.addresses.len(), 3);
    assert_eq!(e.addresses[0].city.as_deref(), Some("Yanji, Jilin"));
    // VOLASYS SILVER STAR, Vladivostok.
    let v = find(&OFAC, "24978");
    assert_eq!(
        v.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("RU")
    );
}

#[test]
fn ofac_date_forms_and_titles() {
    let l = &*OFAC;
    // DOB circa 1947; alt. DOB circa 1946
    let e = find(l, "12211");
    assert_eq!(e.dates_of_birth.len(), 2);
    assert!(e.dates_of_birth.iter().all(DateSpec::is_circa));
    // DOB 01 Jan 1953 to 31 Dec 1953
    let e = find(l, "19792");
    assert!(matches!(e.dates_of_birth[0], DateSpec::Between { .. }));
    // Title repeated in Remarks is not a note; passport without country.
    let e = find(l, "17616");
    assert_eq!(e.titles, ["KOMID official in Syria"]);
    assert!(e.notes.is_empty());
    assert_eq!(e.documents[0].number, "563410081");
    assert!(e.documents[0].country.is_none());
    // No unparsable DOB anywhere in the set.
    assert!(
        !l.entities
            .iter()
            .flat_map(|e| &e.dates_of_birth)
            .any(|d| matches!(d, DateSpec::Text(_)))
    );
}

#[test]
fn un_counts_and_report() {
    let l = &*UN;
    let r = &l.report;
    println!(
        "UN-SC: {} entries, {} North Korea (KPi./KPe.); {} unparsed, {} notes, {} unmapped countries",
        r.entries,
        r.north_korea_entries,
        r.unparsed_fragments.len(),
        r.free_text_notes.len(),
        r.unmapped_countries.len()
    );
    for (id, f) in &r.unparsed_fragments {
        println!("  unparsed {id}: {f}");
    }
    assert_eq!(r.entries, 1003);
    let persons = l
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .count();
    assert_eq!((persons, l.entities.len() - persons), (730, 273));
    assert_eq!(r.north_korea_entries, 155);
    assert!(r.unparsed_fragments.len() <= 20);
    // Independent count of DPRK references in the raw text.
    let raw = std::fs::read_to_string(data_dir().join("un-consolidated.xml")).unwrap();
    let kp = raw.matches("<REFERENCE_NUMBER>KPi.").count()
        + raw.matches("<REFERENCE_NUMBER>KPe.").count();
    assert_eq!(kp, 155);
    for e in &l.entities {
        assert_eq!(e.north_korea, e.programs == ["DPRK"], "{}", e.id);
    }
}

#[test]
fn un_ri_won_ho() {
    let e = find(&UN, "KPi.033");
    assert_eq!(e.primary_name, "RI WON HO");
    assert_eq!(e.list, "UN-SC");
    assert!(e.north_korea);
    assert_eq!(e.dates_of_birth, [ymd(1964, 7, 17)]);
    assert_eq!(e.nationalities[0].iso2.as_deref(), Some("KP"));
    assert_eq!(e.titles, ["DPRK Ministry of State Security Official"]);
    // Published as " 381310014".
    assert_eq!(e.documents[0].number, "381310014");
    assert_eq!(e.documents[0].kind, DocumentKind::Passport);
    assert_eq!(e.listed_on, PartialDate::ymd(2016, 11, 30));
    assert!(
        e.remarks
            .starts_with("Ri Won Ho is a DPRK Ministry of State Security Official")
    );
    // The same person is OFAC 19609.
    let o = find(&OFAC, "19609");
    assert_eq!(o.dates_of_birth, e.dates_of_birth);
    assert_eq!(o.documents[0].number, e.documents[0].number);
}

#[test]
fn un_ri_un_song_keeps_typographic_apostrophes() {
    let e = find(&UN, "KPi.078");
    assert_eq!(e.primary_name, "RI U’N SO’NG");
    assert_eq!(
        vetgate::intel::sanctions::model::fold_apostrophes(&e.primary_name),
        "RI U'N SO'NG"
    );
    assert_eq!(e.aliases.len(), 2);
    assert!(e.aliases.iter().all(|a| a.quality == AliasQuality::Strong));
    alias(e, "Ri Eun Song");
    assert_eq!(e.dates_of_birth, [ymd(1969, 7, 22)]);
    // Wrapped over two indented lines in the file.
    assert_eq!(
        e.titles,
        ["Former overseas Korea Unification Development Bank representative"]
    );
    // No GENDER element; "Gender: male" in COMMENTS1.
    assert_eq!(e.gender, Some(Gender::Male));
}

#[test]
fn un_komid_entity() {
    let e = find(&UN, "KPe.001");
    assert_eq!(e.kind, EntityKind::Entity);
    assert_eq!(
        e.primary_name,
        "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    );
    alias(e, "CHANGGWANG SINYONG CORPORATION");
    let komid = alias(e, "KOMID"); // published as "\"KOMID\""
    assert_eq!(komid.kind, AliasKind::Aka);
    assert_eq!(e.addresses[0].city.as_deref(), Some("Pyongyang"));
    assert_eq!(
        e.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("KP")
    );
    assert!(e.north_korea);
}

#[test]
fn un_date_forms() {
    let l = &*UN;
    let all: Vec<&DateSpec> = l.entities.iter().flat_map(|e| &e.dates_of_birth).collect();
    assert!(
        all.iter()
            .any(|d| matches!(d, DateSpec::Between { circa: true, .. }))
    );
    assert!(
        all.iter()
            .any(|d| matches!(d, DateSpec::On { circa: true, .. }))
    );
    assert!(all.iter().any(|d| matches!(
        d,
        DateSpec::On {
            date: PartialDate { month: None, .. },
            circa: false
        }
    )));
    let text: Vec<_> = all
        .iter()
        .filter(|d| matches!(d, DateSpec::Text(_)))
        .collect();
    assert_eq!(text.len(), 1, "{text:?}"); // "30-35 years old"
    // Low-quality aliases are weak.
    assert!(
        l.entities
            .iter()
            .flat_map(|e| &e.aliases)
            .any(|a| a.quality == AliasQuality::Weak)
    );
    // KIM JONG SIK: BETWEEN 1967 and 1969.
    let e = find(l, "KPi.066");
    assert_eq!(
        e.dates_of_birth,
        [DateSpec::Between {
            from: PartialDate::year(1967),
            to: PartialDate::year(1969),
            circa: false
        }]
    );
}

/// `cargo test --release --test real_lists -- --ignored --nocapture load_time`
#[test]
#[ignore]
fn load_time() {
    let t = Instant::now();
    let o = ofac::load_dir(&data_dir().join("ofac-sdn")).unwrap();
    let t_ofac = t.elapsed();
    let t = Instant::now();
    let u = un::load_file(&data_dir().join("un-consolidated.xml")).unwrap();
    let t_un = t.elapsed();
    println!(
        "OFAC {} entries in {t_ofac:?}; UN {} entries in {t_un:?}; total {:?}",
        o.entities.len(),
        u.entities.len(),
        t_ofac + t_un
    );
    assert!(t_ofac + t_un < std::time::Duration::from_secs(1));
}
