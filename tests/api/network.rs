//! Network intelligence through the real API, on IP databases built by the project's own writer,
//! and compatibility with MaxMind's official test databases.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vetgate::intel::geoip::{Database, DatabaseKind};
use vetgate::intel::mmdb_writer::{Value as Mmdb, Writer};

use crate::helpers::*;

fn city(country: &str, region: Option<&str>, city: Option<&str>, zone: &str) -> Mmdb {
    let coordinates = match city {
        Some("Chicago") => (41.88, -87.63),
        Some("Shenyang") => (41.80, 123.43),
        Some("Paris") => (48.86, 2.35),
        Some("Berlin") => (52.52, 13.40),
        Some("Seoul") => (37.57, 126.98),
        Some("Shanghai") => (31.23, 121.47),
        _ => (0.0, 0.0),
    };
    let mut fields = vec![
        ("country", Mmdb::map([("iso_code", Mmdb::from(country))])),
        (
            "location",
            Mmdb::map([
                ("time_zone", Mmdb::from(zone)),
                ("latitude", Mmdb::Double(coordinates.0)),
                ("longitude", Mmdb::Double(coordinates.1)),
            ]),
        ),
    ];
    if let Some(region) = region {
        fields.push((
            "subdivisions",
            Mmdb::array([Mmdb::map([("iso_code", Mmdb::from(region))])]),
        ));
    }
    if let Some(city) = city {
        fields.push((
            "city",
            Mmdb::map([("names", Mmdb::map([("en", Mmdb::from(city))]))]),
        ));
    }
    Mmdb::map(fields)
}

fn asn(number: u32, organization: &str) -> Mmdb {
    Mmdb::map([
        ("autonomous_system_number", Mmdb::U32(number)),
        ("autonomous_system_organization", Mmdb::from(organization)),
    ])
}

/// A geoip directory like the shipped one: a city database, an ASN database, an anonymous-IP
/// database, the project's overlay compiled from the real `geoip/sources`, and the hosting list.
pub fn fixture_geoip_dir(dir: &Path) {
    let mut c = Writer::new("GeoIP2-City", 6).unwrap();
    for (net, value) in [
        (
            "73.44.12.0/24",
            city("US", Some("IL"), Some("Chicago"), "America/Chicago"),
        ),
        (
            "211.137.0.0/16",
            city("CN", Some("LN"), Some("Shenyang"), "Asia/Shanghai"),
        ),
        (
            "175.45.176.0/22",
            city("KP", None, Some("Pyongyang"), "Asia/Pyongyang"),
        ),
        (
            "121.134.0.0/16",
            city("KR", Some("11"), Some("Seoul"), "Asia/Seoul"),
        ),
        (
            "101.80.0.0/16",
            city("CN", Some("SH"), Some("Shanghai"), "Asia/Shanghai"),
        ),
        (
            "88.128.0.0/16",
            city("FR", Some("IDF"), Some("Paris"), "Europe/Paris"),
        ),
        (
            "91.64.0.0/16",
            city("DE", Some("BE"), Some("Berlin"), "Europe/Berlin"),
        ),
        (
            "203.0.113.0/24",
            city("US", Some("TX"), Some("Dallas"), "America/Chicago"),
        ),
        (
            "198.51.100.0/24",
            city("US", Some("VA"), Some("Ashburn"), "America/New_York"),
        ),
        (
            "5.62.0.0/16",
            city("RU", Some("PRI"), Some("Vladivostok"), "Asia/Vladivostok"),
        ),
    ] {
        c.insert(net, value).unwrap();
    }
    c.write_file_atomically(dir.join("city.mmdb")).unwrap();

    let mut a = Writer::new("GeoLite2-ASN", 6).unwrap();
    a.insert("211.137.0.0/16", asn(9808, "China Mobile"))
        .unwrap();
    a.insert("175.45.176.0/22", asn(131279, "Ryugyong-dong"))
        .unwrap();
    a.insert("198.51.100.0/24", asn(16509, "Amazon.com"))
        .unwrap();
    a.insert("73.44.12.0/24", asn(7922, "Comcast Cable"))
        .unwrap();
    a.write_file_atomically(dir.join("asn.mmdb")).unwrap();

    let mut anon = Writer::new("GeoIP2-Anonymous-IP", 6).unwrap();
    anon.insert(
        "203.0.113.0/24",
        Mmdb::map([
            ("is_anonymous", Mmdb::Bool(true)),
            ("is_anonymous_vpn", Mmdb::Bool(true)),
        ]),
    )
    .unwrap();
    anon.write_file_atomically(dir.join("anonymous.mmdb"))
        .unwrap();

    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip/sources");
    vetgate::intel::overlay::build_overlay(
        &sources.join("networks.csv"),
        &dir.join("vetgate-overlay.mmdb"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    std::fs::copy(
        sources.join("hosting-asns.csv"),
        dir.join("sources/hosting-asns.csv"),
    )
    .unwrap();
}

async fn spawn_with_geoip(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let geo = tempfile::tempdir().unwrap();
    fixture_geoip_dir(geo.path());
    let dir: PathBuf = geo.path().to_path_buf();
    let app = spawn_app_with(backend, move |s| s.geoip_dir = dir).await;
    (app, geo)
}

/// `/readyz` answers anyone: it names the loaded files without the server's directories and counts
/// what failed; the operator's `lists:admin` token sees the paths and the reader's errors.
#[actix_web::test]
async fn readiness_shows_paths_and_load_errors_to_the_operator_only() {
    let geo = tempfile::tempdir().unwrap();
    fixture_geoip_dir(geo.path());
    std::fs::write(geo.path().join("broken.mmdb"), b"not a MaxMind DB file").unwrap();
    let dir: PathBuf = geo.path().to_path_buf();
    let app = spawn_app_with(Backend::Sqlite, move |s| s.geoip_dir = dir).await;
    let secret_dir = geo.path().to_string_lossy().into_owned();

    let anonymous = app.send("GET", "/readyz", None, &[], None).await;
    assert_eq!(anonymous.status.as_u16(), 200);
    let body = String::from_utf8(anonymous.body.clone()).unwrap();
    assert!(!body.contains(&secret_dir), "{body}");
    let ready = anonymous.json();
    assert!(
        ready["intel"]["geoip"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with(".mmdb")
    );
    assert_eq!(ready["intel"]["problems"].as_array().unwrap().len(), 1);
    assert!(!body.contains("broken.mmdb"), "{body}");

    let tenant_admin = app.token("acme", &["lists:admin"]);
    let ready = app.get(&tenant_admin, "/readyz").await;
    assert!(!String::from_utf8_lossy(&ready.body).contains(&secret_dir));

    let operator = app.token("operator", &["lists:admin"]);
    let full = app.get(&operator, "/readyz").await;
    let body = String::from_utf8_lossy(&full.body);
    assert!(body.contains(&secret_dir), "{body}");
    assert!(body.contains("broken.mmdb"), "{body}");
}

fn session(ip: &str, kind: &str) -> Value {
    json!({"ip": ip, "kind": kind})
}

/// The clean example with its sessions replaced.
fn with_sessions(external_ref: &str, sessions: Vec<Value>) -> Value {
    let mut app = contract_example("clean-us-applicant.json");
    app["external_ref"] = external_ref.into();
    app["sessions"] = Value::Array(sessions);
    app
}

on_both_backends!(
    the_suspicious_example_is_rejected_for_dprk_address_space_and_the_clean_one_stays_clear,
    each_network_signal_fires_and_ordinary_lives_stay_clear,
    a_reload_swaps_in_new_databases_and_a_corrupt_file_changes_nothing,
);

async fn the_suspicious_example_is_rejected_for_dprk_address_space_and_the_clean_one_stays_clear(
    backend: Backend,
) {
    let (app, _geo) = spawn_with_geoip(backend).await;
    let token = app.writer("acme");
    let clean = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(
        (clean["verdict"].as_str(), codes(&clean)),
        (Some("clear"), vec![]),
        "{clean:#}"
    );

    let verdict = app
        .submit(&token, &contract_example("suspicious-applicant.json"))
        .await
        .json();
    assert_valid_verdict(&verdict);
    assert_eq!(verdict["verdict"], "reject");
    let found = codes(&verdict);
    for code in [
        "NET_DPRK_ADDRESS_SPACE",
        "NET_REMOTE_DESKTOP",
        "NET_INTERVIEW_WEBCAM_OFF",
        "NET_KOREAN_LOCALE",
    ] {
        assert!(
            found.contains(&code.to_owned()),
            "{code} missing: {found:?}"
        );
    }
    let dprk = verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "NET_DPRK_ADDRESS_SPACE")
        .unwrap();
    assert_eq!(dprk["evidence"]["sessions"][0]["ip"], "175.45.176.10");
    assert_eq!(
        dprk["evidence"]["sessions"][0]["network"],
        "175.45.176.0/22"
    );
    assert_eq!(dprk["evidence"]["sessions"][0]["asn"], 131279);

    let ready = app.send("GET", "/readyz", None, &[], None).await.json();
    let kinds: Vec<&str> = ready["intel"]["geoip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["city", "asn", "anonymous_ip", "overlay"]);
}

async fn each_network_signal_fires_and_ordinary_lives_stay_clear(backend: Backend) {
    let (app, _geo) = spawn_with_geoip(backend).await;
    let token = app.writer("acme");
    type Case = (&'static str, &'static str, fn() -> Vec<Value>);
    let firing: [Case; 8] = [
        ("NET_ADVISORY_ADDRESS", "clear", || {
            vec![
                session("73.44.12.9", "signup"),
                session("104.223.97.2", "login"),
            ]
        }),
        ("NET_ANONYMIZER_ALWAYS", "clear", || {
            vec![
                session("203.0.113.7", "signup"),
                session("203.0.113.8", "interview"),
            ]
        }),
        ("NET_ANONYMIZER_SOMETIMES", "clear", || {
            vec![
                session("73.44.12.9", "signup"),
                session("198.51.100.4", "login"),
            ]
        }),
        ("NET_SESSIONS_ABROAD", "clear", || {
            vec![
                session("73.44.12.9", "login"),
                session("101.80.1.1", "interview"),
            ]
        }),
        ("NET_DPRK_BORDER_REGION", "review", || {
            vec![
                session("211.137.0.1", "signup"),
                session("211.137.0.2", "interview"),
            ]
        }),
        ("NET_IP_KVM", "clear", || {
            vec![json!({"ip": "73.44.12.9", "kind": "work", "remote_access_tools": ["ip_kvm"]})]
        }),
        ("NET_REMOTE_DESKTOP", "clear", || {
            vec![json!({"ip": "73.44.12.9", "kind": "work", "remote_access_tools": ["teamviewer"]})]
        }),
        ("NET_INTERVIEW_WEBCAM_OFF", "clear", || {
            vec![json!({"ip": "73.44.12.9", "kind": "interview", "webcam_enabled": false})]
        }),
    ];
    let clocks: [Case; 4] = [
        ("NET_PYONGYANG_TIMEZONE", "reject", || {
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "browser_timezone": "Asia/Pyongyang", "observed_at": "2026-11-20T15:00:00Z"}),
            ]
        }),
        ("NET_CLOCK_AWAY_FROM_RESIDENCE", "clear", || {
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "browser_timezone": "Europe/Moscow", "observed_at": "2026-11-20T15:00:00Z"}),
            ]
        }),
        ("NET_CLOCK_CONTRADICTS_IP_LOCATION", "clear", || {
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "browser_timezone": "America/Chicago"}),
                json!({"ip": "91.64.1.1", "kind": "login", "browser_timezone": "America/Los_Angeles", "observed_at": "2026-11-20T15:00:00Z"}),
            ]
        }),
        ("NET_CLOCK_CONTRADICTS_TIMEZONE", "clear", || {
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "browser_timezone": "America/Chicago", "utc_offset_minutes": 480,
                "observed_at": "2026-11-20T15:00:00Z"}),
            ]
        }),
    ];
    let travel: [Case; 3] = [
        ("NET_SESSIONS_UNLOCATABLE", "clear", || {
            vec![
                session("10.0.0.1", "signup"),
                session("127.0.0.1", "login"),
                session("::1", "work"),
            ]
        }),
        ("NET_IMPOSSIBLE_TRAVEL", "clear", || {
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "observed_at": "2026-11-20T15:00:00Z"}),
                json!({"ip": "73.44.12.9", "kind": "interview", "observed_at": "2026-11-20T18:00:00Z"}),
                json!({"ip": "91.64.1.1", "kind": "login", "observed_at": "2026-11-20T20:00:00Z"}),
            ]
        }),
        ("NET_OFF_HOURS_ACTIVITY", "clear", || {
            // 22:10-01:45 in Chicago (UTC-6 in November) is 12:10-15:45 in Shenyang.
            [
                "2026-11-18T04:10:00Z",
                "2026-11-19T05:00:00Z",
                "2026-11-20T06:30:00Z",
                "2026-11-21T07:45:00Z",
            ]
            .into_iter()
            .map(|at| json!({"ip": "73.44.12.9", "kind": "work", "observed_at": at}))
            .collect()
        }),
    ];
    for (i, (code, verdict, sessions)) in firing.into_iter().chain(clocks).chain(travel).enumerate()
    {
        let reply = app
            .submit(&token, &with_sessions(&format!("net-{i}"), sessions()))
            .await
            .json();
        assert_valid_verdict(&reply);
        assert!(
            codes(&reply).contains(&code.to_owned()),
            "{code}: {reply:#}"
        );
        assert_eq!(reply["verdict"], verdict, "{code}: {:?}", codes(&reply));
        if code == "NET_SESSIONS_UNLOCATABLE" {
            // Alone it says why the network checks are silent, and costs nothing.
            assert_eq!(reply["risk_score"], 0, "{reply:#}");
            let evidence = &reply["signals"][0]["evidence"];
            assert_eq!(evidence["sessions"][0]["address"], "private network");
            assert_eq!(evidence["sessions"][2]["address"], "loopback");
        }
    }

    // Legitimate people: each stays clear.
    let mut korean = with_sessions(
        "seoul",
        vec![
            json!({"ip": "121.134.5.6", "kind": "signup", "accept_language": "ko-KR,ko;q=0.9", "keyboard_layouts": ["ko"]}),
        ],
    );
    korean["sessions"][0]["browser_timezone"] = "Asia/Seoul".into();
    korean["sessions"][0]["utc_offset_minutes"] = 540.into();
    korean["applicant"]["residence"] =
        json!({"country": "KR", "city": "Seoul", "timezone": "Asia/Seoul"});
    korean["applicant"]["nationality"] = "KR".into();
    korean["identity_document"] = json!({"kind": "passport", "issuing_country": "KOR", "number": "M12345678", "nationality": "KOR",
        "surname": "CARTER", "given_names": "EMILY", "date_of_birth": "1990-03-14", "expiry_date": "2031-05-01"});
    korean["payout"]["bank_country"] = "KR".into();
    let mut shanghai = with_sessions(
        "shanghai",
        vec![
            session("101.80.3.3", "signup"),
            session("101.80.3.4", "interview"),
        ],
    );
    shanghai["applicant"]["residence"] =
        json!({"country": "CN", "city": "Shanghai", "timezone": "Asia/Shanghai"});
    let holiday = with_sessions(
        "holiday",
        vec![
            session("91.64.1.1", "signup"),
            session("91.64.1.2", "interview"),
            session("88.128.4.4", "login"),
        ],
    );
    let mut german = holiday.clone();
    german["applicant"]["residence"] =
        json!({"country": "DE", "city": "Berlin", "timezone": "Europe/Berlin"});
    let vpn_once = with_sessions(
        "vpn-once",
        vec![
            session("73.44.12.9", "signup"),
            session("73.44.12.9", "interview"),
            session("203.0.113.9", "login"),
        ],
    );
    let build_box = with_sessions(
        "cloud",
        vec![
            session("73.44.12.9", "signup"),
            session("198.51.100.20", "work"),
            session("73.44.12.9", "interview"),
        ],
    );
    let korean_american = {
        let mut a = with_sessions(
            "ko-us",
            vec![
                json!({"ip": "73.44.12.9", "kind": "signup", "accept_language": "ko-KR,en-US;q=0.8"}),
            ],
        );
        a["applicant"]["other_names"] = json!(["김에밀리"]);
        a
    };
    // Every session through a VPN exit the City database puts in Dallas, the clock at home in Berlin:
    // the exit's zone says nothing of the person.
    let mut berlin_vpn = with_sessions(
        "berlin-vpn",
        vec![
            json!({"ip": "203.0.113.7", "kind": "signup", "browser_timezone": "Europe/Berlin", "observed_at": "2026-11-20T09:00:00Z"}),
            json!({"ip": "203.0.113.8", "kind": "interview", "browser_timezone": "Europe/Berlin", "observed_at": "2026-11-21T09:00:00Z"}),
        ],
    );
    berlin_vpn["applicant"]["residence"] =
        json!({"country": "DE", "city": "Berlin", "timezone": "Europe/Berlin"});
    let reply = app.submit(&token, &berlin_vpn).await.json();
    assert_eq!(codes(&reply), ["NET_ANONYMIZER_ALWAYS"], "{reply:#}");
    for (why, application) in [
        ("a South Korean in Seoul", korean),
        ("a Chinese developer in Shanghai", shanghai),
        ("a German on holiday in France", german),
        ("someone who used a VPN once", vpn_once),
        ("a developer whose build box sits in a cloud", build_box),
        ("a Korean-American in Chicago", korean_american),
    ] {
        let reply = app.submit(&token, &application).await.json();
        assert_eq!(reply["verdict"], "clear", "{why}: {:?}", codes(&reply));
    }
}

fn shared_maxmind(name: &str) -> PathBuf {
    shared_dir().join("data/maxmind-test").join(name)
}

#[test]
fn maxmind_test_databases_load_and_answer_the_ips_their_sources_list() {
    let db = Database::open(&shared_maxmind("GeoIP2-City-Test.mmdb"))
        .expect("MaxMind's city test database loads");
    assert_eq!(db.info.kind, DatabaseKind::City);
    let geo = vetgate::intel::geoip::GeoIp::from_databases([
        db,
        Database::open(&shared_maxmind("GeoLite2-ASN-Test.mmdb")).unwrap(),
        Database::open(&shared_maxmind("GeoIP2-Anonymous-IP-Test.mmdb")).unwrap(),
    ]);
    let source: Value = serde_json::from_str(
        &std::fs::read_to_string(shared_maxmind("GeoIP2-City-Test.source.json")).unwrap(),
    )
    .unwrap();
    let mut checked = 0;
    for entry in source.as_array().unwrap() {
        for (network, record) in entry.as_object().unwrap() {
            let Some(country) = record["country"]["iso_code"].as_str() else {
                continue;
            };
            let ip: std::net::IpAddr = network.split('/').next().unwrap().parse().unwrap();
            let facts = geo.lookup(ip);
            assert_eq!(
                facts.country.map(|c| c.as_str().to_owned()).as_deref(),
                Some(country),
                "{network}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "checked {checked} networks");

    let asn_source: Value = serde_json::from_str(
        &std::fs::read_to_string(shared_maxmind("GeoLite2-ASN-Test.source.json")).unwrap(),
    )
    .unwrap();
    for entry in asn_source.as_array().unwrap().iter().take(200) {
        for (network, record) in entry.as_object().unwrap() {
            let ip: std::net::IpAddr = network.split('/').next().unwrap().parse().unwrap();
            assert_eq!(
                geo.lookup(ip).asn,
                record["autonomous_system_number"]
                    .as_u64()
                    .map(|n| n as u32),
                "{network}"
            );
        }
    }
    let anon = geo.lookup("1.2.0.1".parse().unwrap());
    assert!(
        anon.anonymity.vpn,
        "MaxMind's anonymous test data marks 1.2.0.0/16 as a VPN"
    );
}

#[test]
fn every_corrupt_database_is_refused_or_answers_without_panicking() {
    let dir = shared_dir().join("data/maxmind-test/bad-data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15);
    let (mut refused, mut loaded) = (0, 0);
    for file in files {
        match Database::open(&file) {
            Err(err) => {
                assert!(
                    err.to_string()
                        .contains(file.file_name().unwrap().to_str().unwrap()),
                    "{err}"
                );
                refused += 1;
            }
            Ok(db) => {
                let geo = vetgate::intel::geoip::GeoIp::from_databases([db]);
                for ip in [
                    "1.1.1.1",
                    "::1",
                    "2001:db8::1",
                    "255.255.255.255",
                    "0.0.0.0",
                ] {
                    let _ = geo.lookup(ip.parse().unwrap());
                }
                loaded += 1;
            }
        }
    }
    assert!(refused > 0, "refused {refused}, loaded {loaded}");
}

#[test]
fn the_shipped_databases_geolocate_a_real_public_ip() {
    let geoip = Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip");
    let intel = vetgate::intel::Intel::load(&vetgate::intel::IntelSources {
        geoip_dir: Some(geoip),
        geoip_files: vec![],
    });
    assert!(intel.problems.is_empty(), "{:?}", intel.problems);
    let google = intel.lookup("8.8.8.8".parse().unwrap());
    assert_eq!(
        google.country.map(|c| c.as_str().to_owned()).as_deref(),
        Some("US")
    );
    assert_eq!(google.asn, Some(15169));
    let dprk = intel.lookup("175.45.176.10".parse().unwrap());
    assert!(dprk.has_tag("dprk"), "{dprk:?}");
    let aws = intel.lookup("3.15.4.158".parse().unwrap());
    assert!(
        aws.anonymity.hosting,
        "an AWS address is a hosting network: {aws:?}"
    );
    assert!(aws.has_tag("advisory_ioc"));
}

async fn a_reload_swaps_in_new_databases_and_a_corrupt_file_changes_nothing(backend: Backend) {
    let (app, geo) = spawn_with_geoip(backend).await;
    let operator = app.token("operator", &["lists:admin"]);
    let reload = |token: String| {
        let app = &app;
        async move {
            app.send("POST", "/v1/admin/intel/reload", Some(&token), &[], None)
                .await
        }
    };
    let ok = reload(operator.clone()).await;
    assert_eq!(ok.status.as_u16(), 200);
    assert_eq!(ok.json()["geoip"].as_array().unwrap().len(), 4);
    reload(app.token("acme", &["lists:admin"]))
        .await
        .problem(403);
    reload(app.token("operator", &["verdicts:read"]))
        .await
        .problem(403);

    // A truncated city file and a corrupt one: each refused, the loaded snapshot keeps serving.
    let city = std::fs::read(geo.path().join("city.mmdb")).unwrap();
    let corrupt =
        shared_dir().join("data/maxmind-test/bad-data/libmaxminddb-corrupt-search-tree.mmdb");
    for (why, bytes) in [
        ("truncated", city[..city.len() / 2].to_vec()),
        ("corrupt search tree", std::fs::read(corrupt).unwrap()),
    ] {
        std::fs::write(geo.path().join("city.mmdb"), bytes).unwrap();
        let refused = reload(operator.clone()).await.problem(409);
        assert_eq!(refused["type"], "/problems/intel-reload-refused", "{why}");
        assert!(
            refused["detail"].as_str().unwrap().contains("city.mmdb"),
            "{why}: {refused}"
        );
        let verdict = app
            .submit(
                &app.writer("acme"),
                &with_sessions(
                    why,
                    vec![
                        session("211.137.0.1", "signup"),
                        session("211.137.0.2", "interview"),
                    ],
                ),
            )
            .await
            .json();
        assert!(
            codes(&verdict).contains(&"NET_DPRK_BORDER_REGION".to_owned()),
            "{why}: the old city data still answers"
        );
    }
    let metrics =
        String::from_utf8(app.send("GET", "/metrics", None, &[], None).await.body).unwrap();
    assert!(
        metrics.contains(r#"vetgate_intel_reloads_total{outcome="refused"} 2"#),
        "{metrics}"
    );

    // A good file again: the reload goes through.
    std::fs::write(geo.path().join("city.mmdb"), city).unwrap();
    assert_eq!(reload(operator).await.status.as_u16(), 200);
}

#[test]
fn anonymous_plus_and_ip_risk_databases_are_recognised_and_read() {
    let plus = Database::open(&shared_maxmind("GeoIP-Anonymous-Plus-Test.mmdb"))
        .expect("Anonymous Plus loads");
    assert_eq!(plus.info.kind, DatabaseKind::AnonymousPlus);
    let risk = Database::open(&shared_maxmind("GeoIP2-IP-Risk-Test.mmdb")).expect("IP Risk loads");
    assert_eq!(risk.info.kind, DatabaseKind::IpRisk);
    let geo = vetgate::intel::geoip::GeoIp::from_databases([plus]);
    let facts = geo.lookup("1.2.0.1".parse().unwrap());
    assert!(facts.anonymity.vpn, "{facts:?}");
    assert_eq!(
        facts.anonymity.provider.as_deref(),
        Some("foo"),
        "the Anonymous Plus provider name is kept"
    );
    assert!(!geo.lookup("8.8.8.8".parse().unwrap()).anonymity.any());
}

fn shipped_geoip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip")
}

/// A session with a browser clock, at 14:00 UTC on `day` of November 2026 (08:00 in Chicago: not
/// the night-time pattern of `NET_OFF_HOURS_ACTIVITY`).
fn clocked(ip: &str, kind: &str, zone: &str, day: u32) -> Value {
    json!({"ip": ip, "kind": kind, "browser_timezone": zone,
        "observed_at": format!("2026-11-{day:02}T14:00:00Z")})
}

fn signal_named<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{code} missing: {verdict:#}"))
}

on_both_backends!(
    with_the_shipped_databases_working_abroad_is_one_fact_and_vpn_exits_are_anonymisers
);

/// The IPs are real and hit these shipped rows: 2.80.10.20 (MEO, AS3243) and 85.138.10.20 (NOS,
/// AS2860) are PT, 171.96.10.20/21 (True Internet, AS7470) TH, 113.160.10.20 and 14.160.10.20
/// (VNPT, AS45899) VN in dbip-country.mmdb; 37.120.192.10 is M247 (AS9009, a `vpn` row of
/// anonymiser-asns.csv) exiting in NL, 138.199.6.194 (CH) and 185.213.154.66 (SE) are Mullvad exits
/// of vpn-ranges.csv; 211.137.0.1/2 (China Mobile) are Liaoning in regions.mmdb.
async fn with_the_shipped_databases_working_abroad_is_one_fact_and_vpn_exits_are_anonymisers(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |s| s.geoip_dir = shipped_geoip()).await;
    let token = app.writer("acme");

    // A digital nomad: lives in Chicago, works from Lisbon then Bangkok on local time.
    let nomad = with_sessions(
        "nomad",
        vec![
            clocked("2.80.10.20", "signup", "Europe/Lisbon", 2),
            clocked("85.138.10.20", "interview", "Europe/Lisbon", 4),
            clocked("171.96.10.20", "login", "Asia/Bangkok", 16),
            clocked("171.96.10.21", "work", "Asia/Bangkok", 18),
        ],
    );
    let verdict = app.submit(&token, &nomad).await.json();
    assert_valid_verdict(&verdict);
    assert_eq!(codes(&verdict), ["NET_WORKING_ABROAD"], "{verdict:#}");
    assert_eq!(verdict["verdict"], "clear");
    let abroad = signal_named(&verdict, "NET_WORKING_ABROAD");
    assert_eq!(
        abroad["evidence"]["session_countries"],
        json!({"PT": 2, "TH": 2})
    );
    assert_eq!(abroad["evidence"]["residence_country"], "US");

    // The same pattern from Vietnam, named as a base of DPRK IT workers, with a US residence.
    let vietnam = with_sessions(
        "vietnam",
        vec![
            clocked("113.160.10.20", "signup", "Asia/Ho_Chi_Minh", 2),
            clocked("14.160.10.20", "interview", "Asia/Ho_Chi_Minh", 4),
            clocked("14.160.10.20", "work", "Asia/Bangkok", 6),
        ],
    );
    let verdict = app.submit(&token, &vietnam).await.json();
    assert_eq!(
        codes(&verdict),
        ["NET_WORKING_FROM_DPRK_WORKER_BASE"],
        "{verdict:#}"
    );
    assert_eq!(
        signal_named(&verdict, "NET_WORKING_FROM_DPRK_WORKER_BASE")["evidence"]["session_countries"],
        json!({"VN": 3})
    );
    // Medium: alone it stays clear; with one more sign (the webcam off at the interview) it is looked at.
    assert_eq!(verdict["verdict"], "clear");
    let mut camera_off = vietnam.clone();
    camera_off["external_ref"] = "vietnam-camera-off".into();
    camera_off["sessions"][1]["webcam_enabled"] = false.into();
    let verdict = app.submit(&token, &camera_off).await.json();
    assert_eq!(verdict["verdict"], "review", "{:?}", codes(&verdict));

    // An always-on VPN user: every session through a commercial VPN exit abroad, clock at home.
    let vpn = with_sessions(
        "always-vpn",
        vec![
            clocked("37.120.192.10", "signup", "America/Chicago", 2),
            clocked("138.199.6.194", "interview", "America/Chicago", 3),
            clocked("185.213.154.66", "login", "America/Chicago", 3),
            clocked("37.120.192.10", "work", "America/Chicago", 4),
        ],
    );
    let verdict = app.submit(&token, &vpn).await.json();
    assert_eq!(codes(&verdict), ["NET_ANONYMIZER_ALWAYS"], "{verdict:#}");
    assert_eq!(verdict["verdict"], "clear");
    let through = &signal_named(&verdict, "NET_ANONYMIZER_ALWAYS")["evidence"]["sessions"];
    assert_eq!(through[0]["through"], json!(["vpn"]));
    assert!(
        through[0]["provider"].as_str().unwrap().contains("M247"),
        "{through:#}"
    );
    assert_eq!(through[1]["provider"], "Mullvad VPN");

    // Liaoning, seen with nothing but what ships.
    let liaoning = with_sessions(
        "liaoning",
        vec![
            session("211.137.0.1", "signup"),
            session("211.137.0.2", "interview"),
        ],
    );
    let verdict = app.submit(&token, &liaoning).await.json();
    let border = signal_named(&verdict, "NET_DPRK_BORDER_REGION");
    assert_eq!(border["evidence"]["sessions"][0]["region"], "Liaoning");
    assert_eq!(verdict["verdict"], "review", "{:?}", codes(&verdict));

    // A Chinese developer at home in Liaoning is neither abroad nor in a border region far from home.
    let mut at_home = with_sessions(
        "shenyang",
        vec![
            clocked("211.137.0.1", "signup", "Asia/Shanghai", 2),
            clocked("211.137.0.2", "interview", "Asia/Shanghai", 3),
        ],
    );
    at_home["applicant"]["residence"] =
        json!({"country": "CN", "city": "Shenyang", "timezone": "Asia/Shanghai"});
    let verdict = app.submit(&token, &at_home).await.json();
    assert_eq!(verdict["verdict"], "clear", "{:?}", codes(&verdict));
    assert!(
        !codes(&verdict).iter().any(|c| c.starts_with("NET_")),
        "{:?}",
        codes(&verdict)
    );
}

on_both_backends!(a_maxmind_style_jilin_record_raises_the_border_region);

async fn a_maxmind_style_jilin_record_raises_the_border_region(backend: Backend) {
    let geo = tempfile::tempdir().unwrap();
    let mut c = Writer::new("GeoIP2-City", 6).unwrap();
    let record = |country: &str, code: Option<&str>, name: &str, zone: &str| {
        let mut sub = vec![("names", Mmdb::map([("en", Mmdb::from(name))]))];
        if let Some(code) = code {
            sub.push(("iso_code", Mmdb::from(code)));
        }
        Mmdb::map([
            ("country", Mmdb::map([("iso_code", Mmdb::from(country))])),
            ("subdivisions", Mmdb::array([Mmdb::map(sub)])),
            ("location", Mmdb::map([("time_zone", Mmdb::from(zone))])),
        ])
    };
    // MaxMind's City data: Jilin as the former numeric code and "Sheng"; Primorsky by name only.
    c.insert(
        "175.16.0.0/16",
        record("CN", Some("22"), "Jilin Sheng", "Asia/Shanghai"),
    )
    .unwrap();
    c.insert(
        "5.100.64.0/18",
        record("RU", None, "Primorskiy Kray", "Asia/Vladivostok"),
    )
    .unwrap();
    c.insert(
        "1.180.0.0/16",
        record("CN", Some("15"), "Inner Mongolia", "Asia/Shanghai"),
    )
    .unwrap();
    c.write_file_atomically(geo.path().join("city.mmdb"))
        .unwrap();
    let dir = geo.path().to_path_buf();
    let app = spawn_app_with(backend, move |s| s.geoip_dir = dir).await;
    let token = app.writer("acme");
    for (ip, region) in [("175.16.10.20", "22"), ("5.100.64.10", "Primorskiy Kray")] {
        let verdict = app
            .submit(
                &token,
                &with_sessions(&format!("border-{ip}"), vec![session(ip, "login")]),
            )
            .await
            .json();
        let border = signal_named(&verdict, "NET_DPRK_BORDER_REGION");
        assert_eq!(border["evidence"]["sessions"][0]["region"], region);
    }
    let verdict = app
        .submit(
            &token,
            &with_sessions("mongolia", vec![session("1.180.0.9", "login")]),
        )
        .await
        .json();
    assert!(!codes(&verdict).contains(&"NET_DPRK_BORDER_REGION".to_owned()));
}
