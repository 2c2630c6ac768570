//! Identity-document signals through the real API, and reuse of documents and portraits across
//! applications, tenants and backends.

use serde_json::{Value, json};

use crate::helpers::*;

on_both_backends!(
    a_document_number_behind_another_identity_is_flagged_but_the_same_person_is_not,
    sharing_tenants_learn_counts_only_and_others_learn_nothing,
    near_identical_portraits_are_flagged_within_the_configured_distance,
    every_document_signal_fires_through_the_api_and_the_clean_example_stays_clear,
    a_birth_date_slip_stays_clear_and_another_persons_birth_date_is_reviewed,
);

fn signal<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {verdict:#}"))
}

/// Another person, with the clean example's document number.
fn impostor(external_ref: &str) -> Value {
    let mut app = contract_example("clean-us-applicant.json");
    app["external_ref"] = external_ref.into();
    app["applicant"]["full_name"] = "Maria Lopez".into();
    app["applicant"]["date_of_birth"] = "1988-07-21".into();
    app["identity_document"]["surname"] = "LOPEZ".into();
    app["identity_document"]["given_names"] = "MARIA".into();
    app["identity_document"]["date_of_birth"] = "1988-07-21".into();
    app["identity_document"]
        .as_object_mut()
        .unwrap()
        .remove("mrz");
    app["payout"]["account_holder_name"] = "Maria Lopez".into();
    own_attributes(&mut app, external_ref);
    app
}

async fn a_document_number_behind_another_identity_is_flagged_but_the_same_person_is_not(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let original = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(original["verdict"], "clear");

    let mut again = contract_example("clean-us-applicant.json");
    again["external_ref"] = "app-10001-second-platform-profile".into();
    let same_person = app.submit(&token, &again).await.json();
    assert_eq!(
        codes(&same_person),
        Vec::<String>::new(),
        "the same person applying twice is not reuse"
    );

    let reply = app.submit(&token, &impostor("app-impostor")).await;
    assert_eq!(reply.status.as_u16(), 201);
    let verdict = reply.json();
    assert_valid_verdict(&verdict);
    assert_eq!(codes(&verdict), ["ID_DOCUMENT_REUSED"]);
    assert_eq!(verdict["verdict"], "review");
    let evidence = &signal(&verdict, "ID_DOCUMENT_REUSED")["evidence"];
    let mut ids: Vec<&str> = evidence["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![
        original["id"].as_str().unwrap(),
        same_person["id"].as_str().unwrap(),
    ];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(evidence["other_tenant_applications"], 0);
    assert!(
        !verdict.to_string().contains("C03005988"),
        "the document number is not echoed"
    );

    // Re-submitting the impostor does not find itself.
    let resubmitted = app.submit(&token, &impostor("app-impostor")).await;
    assert_eq!(resubmitted.status.as_u16(), 200);
    assert_eq!(
        signal(&resubmitted.json(), "ID_DOCUMENT_REUSED")["evidence"]["applications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Another issuing state's document with the same number is another document.
    let mut canadian = impostor("app-canadian");
    canadian["identity_document"]["issuing_country"] = "CAN".into();
    canadian["identity_document"]["nationality"] = "CAN".into();
    canadian["applicant"]["nationality"] = "CA".into();
    assert_eq!(
        codes(&app.submit(&token, &canadian).await.json()),
        Vec::<String>::new()
    );
}

async fn sharing_tenants_learn_counts_only_and_others_learn_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.shared_tenants = "acme, globex".into()).await;
    let acme = app.writer("acme");
    let rejected = app
        .submit(&acme, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(rejected["verdict"], "clear");

    let globex = app.writer("globex");
    let verdict = app.submit(&globex, &impostor("globex-1")).await.json();
    assert_eq!(codes(&verdict), ["ID_DOCUMENT_REUSED"]);
    let evidence = &signal(&verdict, "ID_DOCUMENT_REUSED")["evidence"];
    assert_eq!(evidence["applications"], json!([]));
    assert_eq!(evidence["other_tenant_applications"], 1);
    assert_eq!(evidence["other_tenants"], 1);
    assert_eq!(evidence["any_rejected"], false);
    let text = verdict.to_string();
    assert!(
        !text.contains(rejected["id"].as_str().unwrap())
            && !text.contains("acme")
            && !text.contains("Emily")
    );

    let initech = app.writer("initech");
    let unshared = app.submit(&initech, &impostor("initech-1")).await.json();
    assert_eq!(
        codes(&unshared),
        Vec::<String>::new(),
        "a tenant that does not share sees nothing"
    );
}

async fn near_identical_portraits_are_flagged_within_the_configured_distance(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let base: u64 = 0x9f3c_5a10_77e2_c481;
    let mut first = contract_example("clean-us-applicant.json");
    first["identity_document"]["portrait_phash"] = format!("{base:016x}").into();
    first["identity_document"]["portrait_sha256"] = "ab".repeat(32).into();
    assert_eq!(
        codes(&app.submit(&token, &first).await.json()),
        Vec::<String>::new()
    );

    let with_portrait = |external_ref: &str, number: &str, phash: u64, sha: &str| {
        let mut app = impostor(external_ref);
        app["identity_document"]["number"] = number.into();
        app["identity_document"]["portrait_phash"] = format!("{phash:016x}").into();
        app["identity_document"]["portrait_sha256"] = sha.into();
        app
    };
    let near = app
        .submit(
            &token,
            &with_portrait("near", "X1", base ^ 0b1011, &"cd".repeat(32)),
        )
        .await
        .json();
    assert_eq!(codes(&near), ["ID_PORTRAIT_REUSED"]);
    assert_eq!(
        signal(&near, "ID_PORTRAIT_REUSED")["evidence"]["hamming_distance"],
        3
    );

    let far = app
        .submit(
            &token,
            &with_portrait("far", "X2", base ^ 0xff00_0000_0000_0000, &"ef".repeat(32)),
        )
        .await
        .json();
    assert_eq!(
        codes(&far),
        Vec::<String>::new(),
        "8 bits apart is another face"
    );

    let exact = app
        .submit(
            &token,
            &with_portrait("exact", "X3", !base, &"ab".repeat(32)),
        )
        .await
        .json();
    assert_eq!(codes(&exact), ["ID_PORTRAIT_REUSED"]);
    assert!(
        signal(&exact, "ID_PORTRAIT_REUSED")["evidence"]
            .get("hamming_distance")
            .is_none()
    );
}

async fn every_document_signal_fires_through_the_api_and_the_clean_example_stays_clear(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let clean = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(
        (clean["verdict"].as_str(), codes(&clean).len()),
        (Some("clear"), 0)
    );

    type Edit = fn(&mut Value);
    let mrz = |a: &mut Value, line2: &str| {
        a["identity_document"]["mrz"] =
            json!(["P<USACARTER<<EMILY<<<<<<<<<<<<<<<<<<<<<<<<<<", line2]);
        a["identity_document"]["number"] = "C03005988".into();
    };
    let zone_cases: [(&str, &str, Edit); 10] = [
        ("ID_MRZ_CHECK_DIGIT", "review", |a| {
            a["identity_document"]["mrz"][1] =
                "C030059887USA9003141F3105011<<<<<<<<<<<<<<02".into();
        }),
        ("ID_MRZ_MALFORMED", "clear", |a| {
            a["identity_document"]["mrz"][1] = "C030059887USA".into()
        }),
        ("ID_MRZ_OCR_SUBSTITUTION", "clear", |a| {
            a["identity_document"]["mrz"][1] =
                "C030059887USA9OO3141F3105010<<<<<<<<<<<<<<02".into();
        }),
        ("ID_MRZ_FORMAT", "clear", |a| {
            a["identity_document"]["mrz"][1] =
                "C03<059887USA9003141F3105010<<<<<<<<<<<<<<02".into();
            a["identity_document"]["number"] = "C03-05988".into();
        }),
        ("ID_MRZ_NAME_MISMATCH", "clear", |a| {
            a["identity_document"]["given_names"] = "EMILIA".into();
            a["applicant"]["full_name"] = "Emilia Carter".into();
        }),
        ("ID_MRZ_NUMBER_MISMATCH", "review", |a| {
            a["identity_document"]["number"] = "C03005989".into()
        }),
        ("ID_MRZ_DOB_MISMATCH", "clear", |a| {
            a["identity_document"]["date_of_birth"] = "1990-03-15".into();
            a["applicant"]["date_of_birth"] = "1990-03-15".into();
        }),
        ("ID_MRZ_EXPIRY_MISMATCH", "clear", |a| {
            a["identity_document"]["expiry_date"] = "2031-06-01".into()
        }),
        ("ID_MRZ_NATIONALITY_MISMATCH", "clear", |a| {
            a["identity_document"]["nationality"] = "CAN".into();
            a["applicant"]["nationality"] = "CA".into();
        }),
        ("ID_MRZ_ISSUER_MISMATCH", "clear", |a| {
            a["identity_document"]["issuing_country"] = "CAN".into()
        }),
    ];
    // Each case in a tenant of its own: the clean example's passport number is not reused.
    for (i, (code, verdict, edit)) in zone_cases.into_iter().enumerate() {
        let other = app.writer(&format!("zone-{i}"));
        let mut application = contract_example("clean-us-applicant.json");
        application["external_ref"] = format!("zone-{i}").into();
        mrz(
            &mut application,
            "C030059887USA9003141F3105010<<<<<<<<<<<<<<02",
        );
        edit(&mut application);
        let reply = app.submit(&other, &application).await.json();
        assert_valid_verdict(&reply);
        assert_eq!(codes(&reply), [code], "{code}: {reply:#}");
        assert_eq!(reply["verdict"], verdict, "{code} alone");
    }
    let mismatch = app
        .submit(&app.writer("zone-mismatch"), &{
            let mut a = contract_example("clean-us-applicant.json");
            a["identity_document"]["sex"] = "M".into();
            a
        })
        .await
        .json();
    assert_eq!(codes(&mismatch), ["ID_MRZ_SEX_MISMATCH"]);

    let cases: [(&str, &str, Edit); 9] = [
        ("ID_DOCUMENT_EXPIRED", "clear", |a| {
            a["identity_document"]["expiry_date"] = "2026-10-01".into()
        }),
        ("ID_DOCUMENT_EXPIRING", "clear", |a| {
            a["identity_document"]["expiry_date"] = "2026-12-01".into()
        }),
        ("ID_DOCUMENT_DATES_INCONSISTENT", "clear", |a| {
            a["identity_document"]["issue_date"] = "2032-01-01".into()
        }),
        ("ID_AGE_IMPLAUSIBLE", "clear", |a| {
            a["applicant"]["date_of_birth"] = "1921-03-14".into();
            a["identity_document"]["date_of_birth"] = "1921-03-14".into();
        }),
        ("ID_DOCUMENT_KIND_IMPLAUSIBLE", "clear", |a| {
            a["identity_document"]["kind"] = "national_id".into()
        }),
        ("ID_DPRK_DOCUMENT", "reject", |a| {
            a["applicant"]["nationality"] = "KP".into();
            a["identity_document"]["nationality"] = "PRK".into();
        }),
        ("ID_VENDOR_CHECK_FAILED", "review", |a| {
            a["identity_document"]["vendor_check"]["status"] = "failed".into()
        }),
        ("ID_LIVENESS_FAILED", "review", |a| {
            a["identity_document"]["vendor_check"]["liveness_passed"] = false.into()
        }),
        ("ID_FACE_MATCH_LOW", "clear", |a| {
            a["identity_document"]["vendor_check"]["face_match_score"] = 0.5.into()
        }),
    ];
    for (i, (code, verdict, edit)) in cases.into_iter().enumerate() {
        let mut application = contract_example("clean-us-applicant.json");
        application["external_ref"] = format!("case-{i}").into();
        own_attributes(&mut application, &format!("case-{i}"));
        // Its own document, so no case is also a reuse of the clean example's.
        application["identity_document"]["number"] = format!("N{i:08}").into();
        application["identity_document"]
            .as_object_mut()
            .unwrap()
            .remove("mrz");
        edit(&mut application);
        let reply = app.submit(&token, &application).await.json();
        assert_valid_verdict(&reply);
        assert!(
            codes(&reply).contains(&code.to_owned()),
            "{code}: {reply:#}"
        );
        assert_eq!(reply["verdict"], verdict, "{code} alone: {reply:#}");
    }
}

async fn a_birth_date_slip_stays_clear_and_another_persons_birth_date_is_reviewed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for (i, (declared, code, verdict)) in [
        ("1990-03-15", "ID_DOB_SLIP", "clear"),
        ("1991-03-14", "ID_DOB_SLIP", "clear"),
        ("1990-04-03", "ID_DOB_OTHER_PERSON", "review"),
        ("1983-07-22", "ID_DOB_OTHER_PERSON", "review"),
    ]
    .into_iter()
    .enumerate()
    {
        // Each in a tenant of its own: the passport number is not reused.
        let token = app.writer(&format!("dob-{i}"));
        let mut a = contract_example("clean-us-applicant.json");
        a["applicant"]["date_of_birth"] = declared.into();
        let reply = app.submit(&token, &a).await.json();
        assert_valid_verdict(&reply);
        assert_eq!(codes(&reply), [code], "{declared}: {reply:#}");
        assert_eq!(reply["verdict"], verdict, "{declared}");
    }
}
