//! Small hand-made files: what each loader accepts and what it refuses whole.

use vetgate::intel::sanctions::csv_list;
use vetgate::intel::sanctions::model::{
    AliasKind, AliasQuality, DateSpec, DocumentKind, EntityKind, LoadError, PartialDate,
};
use vetgate::intel::sanctions::ofac::{self, OfacSources};
use vetgate::intel::sanctions::un;

// ---------------------------------------------------------------------------
// OFAC
// ---------------------------------------------------------------------------

const SDN: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
17616,\"RYU, Jin\",\"individual\",\"DPRK2] [DPRK-NKSPEA\",\"KOMID official in Syria\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 07 Aug 1965; alt. DOB 1969 to 1971; nationality Korea, North; Passport 563410081; KOMID official in Syria; a.k.a. 'JIN'; Digital Currency Address - USDT TRyuJin\"\r\n\
\x1a";
const ALT: &str = "17616,1,\"aka\",\"RYU, Chin\",-0- \r\n17616,2,\"fka\",\"RYU, Old\",-0- \r\n\x1a";
const ADD: &str =
    "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n17616,26,-0- ,\"Damascus\",\"Syria\",-0- \r\n\x1a";
const COMMENTS: &str = "17616,\"123; Email Address ryu@example.kp.\"\r\n";

fn ofac_parse(
    sdn: &str,
    add: &str,
    alt: &str,
    comments: &str,
) -> Result<vetgate::intel::sanctions::LoadedList, LoadError> {
    ofac::parse(&OfacSources {
        sdn: sdn.as_bytes(),
        add: add.as_bytes(),
        alt: alt.as_bytes(),
        comments: comments.as_bytes(),
    })
}

fn malformed_at(err: LoadError, file: &str, line: u64) -> String {
    match err {
        LoadError::Malformed {
            file: f,
            line: l,
            message,
        } => {
            assert_eq!((f.as_str(), l), (file, line), "{message}");
            message
        }
        other => panic!("expected a malformed {file}, got {other}"),
    }
}

#[test]
fn ofac_small_set_loads() {
    let l = ofac_parse(SDN, ADD, ALT, COMMENTS).unwrap();
    assert_eq!(l.entities.len(), 2);
    let e = &l.entities[1];
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(e.programs, ["DPRK2", "DPRK-NKSPEA"]);
    assert!(e.north_korea && !l.entities[0].north_korea);
    assert_eq!(e.dates_of_birth.len(), 2);
    assert_eq!(
        e.dates_of_birth[1],
        DateSpec::Between {
            from: PartialDate::year(1969),
            to: PartialDate::year(1971),
            circa: false
        }
    );
    assert_eq!(e.documents[0].kind, DocumentKind::Passport);
    assert_eq!(e.aliases.len(), 3);
    assert_eq!(
        (e.aliases[1].kind, e.aliases[1].quality),
        (AliasKind::Fka, AliasQuality::Strong)
    );
    let jin = &e.aliases[2];
    assert!(jin.short && jin.quality == AliasQuality::Weak);
    // "TRyuJin" + "123" from sdn_comments.csv, merged mid-word.
    assert_eq!(e.crypto_addresses[0].address, "TRyuJin123");
    assert_eq!(e.emails, ["ryu@example.kp"]);
    assert_eq!(
        e.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("SY")
    );
    assert_eq!(l.entities[0].kind, EntityKind::Entity);
    assert!(l.report.unparsed_fragments.is_empty());
}

#[test]
fn ofac_latin1_is_decoded_byte_for_byte() {
    let mut sdn = b"1,\"P\xc9REZ, Jos\xe9\",\"individual\",\"SDNT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec();
    sdn.push(0x1a);
    let l = ofac::parse(&OfacSources {
        sdn: &sdn,
        add: b"\x1a",
        alt: b"\x1a",
        comments: b"",
    })
    .unwrap();
    assert_eq!(l.entities[0].primary_name, "PÉREZ, José");
    assert_eq!(ofac::decode_latin1(&[0x41, 0xff, 0x80]), "A\u{ff}\u{80}");
}

#[test]
fn ofac_wrong_column_count() {
    let sdn = SDN.replace("\"CUBA\",-0- ,", "\"CUBA\",");
    let msg = malformed_at(
        ofac_parse(&sdn, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        1,
    );
    assert!(msg.contains("expected 12 columns, found 11"), "{msg}");
    let alt = ALT.replace("\"fka\",", "");
    malformed_at(
        ofac_parse(SDN, ADD, &alt, COMMENTS).unwrap_err(),
        "alt.csv",
        2,
    );
}

#[test]
fn ofac_non_numeric_entity_number() {
    let add = ADD.replace("17616,26", "17616x,26");
    let msg = malformed_at(
        ofac_parse(SDN, &add, ALT, COMMENTS).unwrap_err(),
        "add.csv",
        2,
    );
    assert!(msg.contains("not numeric"), "{msg}");
    let sdn = SDN.replace("36,\"AERO", "3 6,\"AERO");
    malformed_at(
        ofac_parse(&sdn, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        1,
    );
}

#[test]
fn ofac_unknown_entity_reference() {
    let alt = ALT.replace("17616,2,", "99999,2,");
    let msg = malformed_at(
        ofac_parse(SDN, ADD, &alt, COMMENTS).unwrap_err(),
        "alt.csv",
        2,
    );
    assert!(msg.contains("unknown entity number 99999"), "{msg}");
    malformed_at(
        ofac_parse(SDN, ADD, ALT, "5,\"x\"\r\n").unwrap_err(),
        "sdn_comments.csv",
        1,
    );
}

#[test]
fn ofac_truncated_files() {
    // Cut inside the quoted Remarks: the quote is never closed.
    let cut = &SDN[..SDN.find("Passport").unwrap()];
    let msg = malformed_at(
        ofac_parse(cut, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        2,
    );
    assert!(msg.contains("never closed"), "{msg}");
    // Cut at a line end: the 0x1A marker is missing.
    let cut = &SDN[..SDN.find("17616").unwrap()];
    let msg = malformed_at(
        ofac_parse(cut, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        2,
    );
    assert!(msg.contains("end-of-file marker"), "{msg}");
    // Cut inside an unquoted field.
    let cut = &ADD[..ADD.find("Havana").unwrap() - 2];
    assert!(matches!(
        ofac_parse(SDN, cut, ALT, COMMENTS),
        Err(LoadError::Malformed { .. })
    ));
}

#[test]
fn ofac_other_refusals() {
    let after =
        format!("{SDN}\r\n1,\"X\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    let msg = malformed_at(
        ofac_parse(&after, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        4,
    );
    assert!(msg.contains("after the end-of-file marker"), "{msg}");
    let bad_type = SDN.replace("\"individual\"", "\"person\"");
    malformed_at(
        ofac_parse(&bad_type, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        2,
    );
    let dup = SDN.replace("36,\"AERO", "17616,\"AERO");
    malformed_at(
        ofac_parse(&dup, ADD, ALT, COMMENTS).unwrap_err(),
        "sdn.csv",
        2,
    );
    let bad_alias = ALT.replace("\"fka\"", "\"xka\"");
    malformed_at(
        ofac_parse(SDN, ADD, &bad_alias, COMMENTS).unwrap_err(),
        "alt.csv",
        2,
    );
}

// ---------------------------------------------------------------------------
// UN
// ---------------------------------------------------------------------------

const UN_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>RI</FIRST_NAME>
      <SECOND_NAME>U’N SO’NG</SECOND_NAME>
      <THIRD_NAME/>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>
      <LISTED_ON>2017-12-22-05:00</LISTED_ON>
      <COMMENTS1>Works for &quot;KOMID&quot; &amp; Co&#8217;s bank.</COMMENTS1>
      <DESIGNATION><VALUE>Bank
          representative</VALUE></DESIGNATION>
      <NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ri Un Song</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Sonny</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1969-07-22</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1968</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1960</FROM_YEAR><TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1958</YEAR><NOTE>Sep.</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH/>
      <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Pyongyang</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> 654234735</NUMBER><ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification
          Number</TYPE_OF_DOCUMENT><NUMBER>12345</NUMBER></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_ADDRESS><CITY>Beijing</CITY><COUNTRY>China</COUNTRY></INDIVIDUAL_ADDRESS>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <FIRST_NAME>KOREA MINING DEVELOPMENT TRADING CORPORATION</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>"KOMID"</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>OLD CORP</ALIAS_NAME></ENTITY_ALIAS>
    </ENTITY>
    <ENTITY>
      <FIRST_NAME>SOME OTHER GROUP</FIRST_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDe.999</REFERENCE_NUMBER>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"#;

fn xml_error_at(err: LoadError, line: u64) -> String {
    match err {
        LoadError::Xml {
            line: l,
            message,
            file,
            ..
        } => {
            assert_eq!(file, "test.xml");
            assert_eq!(l, line, "{message}");
            message
        }
        other => panic!("expected an XML error, got {other}"),
    }
}

#[test]
fn un_small_document_loads() {
    let l = un::parse("test.xml", UN_XML.as_bytes()).unwrap();
    assert_eq!(l.entities.len(), 3);
    assert_eq!(l.report.north_korea_entries, 2);
    let p = &l.entities[0];
    assert_eq!(p.primary_name, "RI U’N SO’NG");
    assert_eq!(p.remarks, "Works for \"KOMID\" & Co’s bank.");
    assert_eq!(p.titles, ["Bank representative"]);
    assert_eq!(p.listed_on, PartialDate::ymd(2017, 12, 22));
    assert_eq!(p.aliases.len(), 2);
    assert_eq!(p.aliases[1].quality, AliasQuality::Weak);
    assert_eq!(
        p.dates_of_birth,
        [
            DateSpec::on(PartialDate::ymd(1969, 7, 22).unwrap()),
            DateSpec::On {
                date: PartialDate::year(1968),
                circa: true
            },
            DateSpec::Between {
                from: PartialDate::year(1960),
                to: PartialDate::year(1962),
                circa: false
            },
            DateSpec::on(PartialDate::year_month(1958, 9).unwrap()),
        ]
    );
    assert_eq!(
        p.places_of_birth[0]
            .country
            .as_ref()
            .unwrap()
            .iso2
            .as_deref(),
        Some("KP")
    );
    assert_eq!(p.documents[0].number, "654234735");
    assert_eq!(
        p.documents[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("KP")
    );
    assert_eq!(p.documents[1].kind, DocumentKind::NationalId);
    assert_eq!(p.documents[1].label, "National Identification Number");
    assert_eq!(
        p.addresses[0].country.as_ref().unwrap().iso2.as_deref(),
        Some("CN")
    );
    let komid = &l.entities[1];
    assert_eq!(komid.kind, EntityKind::Entity);
    assert_eq!(komid.aliases[0].name, "KOMID");
    assert_eq!(komid.aliases[1].kind, AliasKind::Fka);
    assert!(!l.entities[2].north_korea);
    assert!(
        l.report.unparsed_fragments.is_empty(),
        "{:?}",
        l.report.unparsed_fragments
    );
}

#[test]
fn un_not_well_formed() {
    let bad = UN_XML.replace(
        "<SECOND_NAME>U’N SO’NG</SECOND_NAME>",
        "<SECOND_NAME>U’N SO’NG</SECOND>",
    );
    let msg = xml_error_at(un::parse("test.xml", bad.as_bytes()).unwrap_err(), 7);
    assert!(msg.contains("not well-formed"), "{msg}");
    let bad = UN_XML.replace("&amp; Co", "& Co");
    xml_error_at(un::parse("test.xml", bad.as_bytes()).unwrap_err(), 12);
    let bad = UN_XML.replace("&quot;KOMID", "&bogus;KOMID");
    let msg = xml_error_at(un::parse("test.xml", bad.as_bytes()).unwrap_err(), 12);
    assert!(msg.contains("&bogus;"), "{msg}");
}

#[test]
fn un_truncated() {
    let cut = &UN_XML[..UN_XML.find("<ENTITIES>").unwrap()];
    let msg = match un::parse("test.xml", cut.as_bytes()).unwrap_err() {
        LoadError::Xml { message, .. } => message,
        other => panic!("{other}"),
    };
    assert!(msg.contains("truncated"), "{msg}");
    assert!(un::parse("test.xml", b"").is_err());
    assert!(un::parse("test.xml", &UN_XML.as_bytes()[..200]).is_err());
}

#[test]
fn un_individual_without_reference_number() {
    let bad = UN_XML.replace(
        "<REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>",
        "<REFERENCE_NUMBER/>",
    );
    let msg = xml_error_at(un::parse("test.xml", bad.as_bytes()).unwrap_err(), 4);
    assert!(
        msg.contains("INDIVIDUAL (DATAID 1) has no REFERENCE_NUMBER"),
        "{msg}"
    );
    let bad = UN_XML.replace("<REFERENCE_NUMBER>QDe.999</REFERENCE_NUMBER>", "");
    let err = un::parse("test.xml", bad.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("ENTITY (DATAID ?) has no REFERENCE_NUMBER"),
        "{err}"
    );
}

#[test]
fn un_other_refusals() {
    let bad = UN_XML.replace("CONSOLIDATED_LIST", "OTHER_LIST");
    xml_error_at(un::parse("test.xml", bad.as_bytes()).unwrap_err(), 2);
    let bad = UN_XML.replace("QDe.999", "KPe.001");
    assert!(
        un::parse("test.xml", bad.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("used twice")
    );
    let mut bad = UN_XML.as_bytes().to_vec();
    bad[300] = 0xff;
    assert!(
        un::parse("test.xml", &bad)
            .unwrap_err()
            .to_string()
            .contains("UTF-8")
    );
}

// ---------------------------------------------------------------------------
// Project CSV lists
// ---------------------------------------------------------------------------

const HEADER: &str = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n";

fn list(rows: &str) -> String {
    format!("{HEADER}{rows}")
}

#[test]
fn csv_list_loads() {
    let text = list(
        "DPRK-IT-0001,person,KIM Sang Man,\"Sang Man KIM; weak:Danny ;fka:KIM Old\",~1970;1969..1971;1971-03-12,kp;CN,DPRK4,ETH:0x97b1043abd9e6fc31681635166d430a458d14f9c;trx:TAbc,Treasury jy1498,2023-05-23,\"Chinyong rep, Vladivostok\"\n\
         \n\
         DPRK-IT-0002,Entity,CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY,JIC,,KP,,,Treasury jy1498,2023-05-23,\n",
    );
    let l = csv_list::parse("dprk.csv", "VETGATE-DPRK-IT", text.as_bytes()).unwrap();
    assert_eq!(l.entities.len(), 2);
    assert_eq!(l.report.north_korea_entries, 2);
    let e = &l.entities[0];
    assert_eq!(e.list, "VETGATE-DPRK-IT");
    assert_eq!(e.aliases.len(), 3);
    assert_eq!(e.aliases[1].name, "Danny");
    assert_eq!(e.aliases[1].quality, AliasQuality::Weak);
    assert_eq!(e.aliases[2].kind, AliasKind::Fka);
    assert!(l.entities[1].aliases[0].short);
    assert_eq!(e.dates_of_birth.len(), 3);
    assert!(e.dates_of_birth[0].is_circa());
    assert_eq!(
        e.nationalities
            .iter()
            .map(|c| c.iso2.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["KP", "CN"]
    );
    assert_eq!(e.crypto_addresses[1].asset, "TRX");
    assert_eq!(e.source.as_deref(), Some("Treasury jy1498"));
    assert_eq!(e.source_date, PartialDate::ymd(2023, 5, 23));
    assert_eq!(e.remarks, "Chinyong rep, Vladivostok");
    assert_eq!(l.entities[1].kind, EntityKind::Entity);

    // A tenant list: source optional, north_korea only from a DPRK tag.
    let tenant = list("t1,person,John Doe,,,,,,,,\nt2,person,Jane Roe,,,,DPRK3,,,,\n");
    let l = csv_list::parse("acme.csv", "acme-watch", tenant.as_bytes()).unwrap();
    assert_eq!(
        l.entities.iter().map(|e| e.north_korea).collect::<Vec<_>>(),
        [false, true]
    );
    // A byte-order mark and CRLF line ends are fine.
    let bom = format!("\u{feff}{}", tenant.replace('\n', "\r\n"));
    assert_eq!(
        csv_list::parse("acme.csv", "acme-watch", bom.as_bytes())
            .unwrap()
            .entities
            .len(),
        2
    );
}

fn csv_error(text: &str, list_name: &str) -> (u64, String) {
    match csv_list::parse("list.csv", list_name, text.as_bytes()).unwrap_err() {
        LoadError::Malformed {
            file,
            line,
            message,
        } => {
            assert_eq!(file, "list.csv");
            (line, message)
        }
        other => panic!("{other}"),
    }
}

#[test]
fn csv_list_refusals() {
    let good = "a,person,A B,,,,,,,,\n";
    // Unknown, missing or reordered header.
    let (line, msg) = csv_error(
        &format!("{}{good}", HEADER.replace("notes", "comments")),
        "x",
    );
    assert_eq!(line, 1);
    assert!(msg.contains("unknown: comments"), "{msg}");
    assert_eq!(
        csv_error(
            &format!("{}{good}", HEADER.replace("id,kind", "kind,id")),
            "x"
        )
        .0,
        1
    );
    assert_eq!(csv_error("", "x").0, 1);
    // Bad kind, bad date, bad nationality, bad crypto on line 3.
    for (row, needle) in [
        ("b,company,B,,,,,,,,", "kind"),
        ("b,person,B,,1971-13-01,,,,,,", "date of birth"),
        ("b,person,B,,12 Mar 1971,,,,,,", "date of birth"),
        ("b,person,B,,1971..1969,,,,,,", "date of birth"),
        ("b,person,B,,,KOR,,,,,", "nationality"),
        ("b,person,B,,,ZZ,,,,,", "nationality"),
        ("b,person,B,,,,,0xabc,,,", "ASSET:address"),
        ("b,person,B,,,,,ETH:,,,", "crypto address"),
        ("b,person,,,,,,,,,", "name"),
        ("b,person,B,,,,,,src,23/05/2023,", "source_date"),
        ("a,person,B,,,,,,,,", "twice"),
        ("b,person,B,,,,,,,", "expected 11 fields"),
    ] {
        let (line, msg) = csv_error(&list(&format!("{good}{row}\n")), "x");
        assert_eq!(line, 3, "{row}: {msg}");
        assert!(msg.contains(needle), "{row}: {msg}");
    }
    // Truncated inside a quoted field.
    let (line, msg) = csv_error(&list(&format!("{good}b,person,\"B, unfinished")), "x");
    assert_eq!(line, 3);
    assert!(msg.contains("never closed"), "{msg}");
    // Curated rows need their source and date.
    let (line, msg) = csv_error(&list(good), "VETGATE-DPRK-WATCH");
    assert_eq!(line, 2);
    assert!(msg.contains("source"), "{msg}");
    // Official list names are not loaded from CSV.
    assert!(csv_list::parse("l.csv", "OFAC-SDN", list(good).as_bytes()).is_err());
    // Not UTF-8.
    assert!(csv_list::parse("l.csv", "x", b"id,kind\xff").is_err());
}
