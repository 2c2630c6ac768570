//! The application a platform submits: the wire shape (`ApplicationDto`, what serde and OpenAPI see) and
//! the parsed [`Application`] that checks, policy and store work with. Parsing happens once, in
//! [`Application::parse`], and reports every offending field with its JSON Pointer.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Country, IcaoCode, TimeZoneName, contract};

/// One offending field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// RFC 6901 JSON Pointer to the field, e.g. `/applicant/residence/country`.
    pub pointer: String,
    pub detail: String,
}

impl FieldError {
    /// A member sent twice in one object.
    pub fn duplicate(pointer: String) -> FieldError {
        FieldError {
            pointer,
            detail: "is sent more than once: an object's members must be unique".into(),
        }
    }
}

/// Why a body could not become an [`Application`].
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("the body is not valid JSON: {0}")]
    Syntax(String),
    #[error("{} field(s) are invalid", .0.len())]
    Fields(Vec<FieldError>),
}

// ---------------------------------------------------------------------------------------------
// Wire shape (application.schema.json). Strings stay strings here; meaning is given in `parse`.
// ---------------------------------------------------------------------------------------------

/// A contractor application (`application.schema.json`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Application)]
pub struct ApplicationDto {
    /// The platform's own id for this application, unique per tenant.
    #[schema(min_length = 1, max_length = 200)]
    pub external_ref: String,
    /// RFC 3339 instant.
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    pub applicant: ApplicantDto,
    pub identity_document: Option<IdentityDocumentDto>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub sessions: Vec<SessionDto>,
    pub payout: Option<PayoutDto>,
    pub shipping_address: Option<ShippingAddressDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Applicant)]
pub struct ApplicantDto {
    #[schema(min_length = 1, max_length = 300)]
    pub full_name: String,
    /// Former names, names in another script (e.g. Hangul, Cyrillic, Han), nicknames.
    #[serde(default)]
    #[schema(schema_with = contract::other_names)]
    pub other_names: Vec<String>,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub nationality: Option<String>,
    #[schema(max_length = 320)]
    pub email: Option<String>,
    /// E.164 preferred, e.g. +14155550100
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    pub residence: ResidenceDto,
    /// GitHub, LinkedIn, portfolio.
    #[serde(default)]
    #[schema(schema_with = contract::profile_urls)]
    pub profile_urls: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Residence)]
pub struct ResidenceDto {
    /// ISO 3166-1 alpha-2
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub country: String,
    #[schema(max_length = 100)]
    pub region: Option<String>,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[schema(max_length = 300)]
    pub address_line: Option<String>,
    /// IANA zone the applicant says they work in, e.g. America/Chicago
    #[schema(max_length = 64)]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Passport,
    NationalId,
    DriversLicense,
    ResidencePermit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum Sex {
    M,
    F,
    X,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = IdentityDocument)]
pub struct IdentityDocumentDto {
    pub kind: DocumentKind,
    /// ISO 3166-1 alpha-2, ISO alpha-3 or an ICAO 9303 special code (D, GBD, UNO, XXA…)
    #[schema(pattern = r"^([A-Z]{2,3}|D)$")]
    pub issuing_country: String,
    #[schema(min_length = 1, max_length = 40)]
    pub number: String,
    #[schema(max_length = 200)]
    pub surname: Option<String>,
    #[schema(max_length = 200)]
    pub given_names: Option<String>,
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    pub sex: Option<Sex>,
    /// ISO 3166-1 alpha-2, ISO alpha-3 or an ICAO 9303 special code
    #[schema(pattern = r"^([A-Z]{2,3}|D)$")]
    pub nationality: Option<String>,
    #[schema(format = Date)]
    pub issue_date: Option<String>,
    #[schema(format = Date)]
    pub expiry_date: Option<String>,
    /// Machine-readable zone lines exactly as read: 2 lines of 44 (TD3 passport), 2 of 36 (TD2) or
    /// 3 of 30 (TD1 ID card).
    #[schema(schema_with = contract::mrz_lines)]
    pub mrz: Option<Vec<String>>,
    #[schema(pattern = r"^[0-9a-f]{64}$")]
    pub portrait_sha256: Option<String>,
    /// 64-bit perceptual hash of the portrait, hex
    #[schema(pattern = r"^[0-9a-f]{16}$")]
    pub portrait_phash: Option<String>,
    pub vendor_check: Option<VendorCheckDto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorStatus {
    Passed,
    Failed,
    Inconclusive,
    NotRun,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VendorCheck)]
pub struct VendorCheckDto {
    #[schema(max_length = 100)]
    pub vendor: Option<String>,
    pub status: Option<VendorStatus>,
    pub liveness_passed: Option<bool>,
    #[schema(minimum = 0, maximum = 1)]
    pub face_match_score: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Signup,
    Login,
    Interview,
    DocumentUpload,
    PayoutChange,
    Work,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Session)]
pub struct SessionDto {
    /// IPv4 or IPv6 literal
    #[schema(schema_with = contract::ip_literal)]
    pub ip: String,
    #[schema(format = DateTime)]
    pub observed_at: Option<String>,
    pub kind: Option<SessionKind>,
    #[schema(max_length = 1000)]
    pub user_agent: Option<String>,
    #[schema(max_length = 64)]
    pub browser_timezone: Option<String>,
    /// Minutes EAST of UTC (+540 Asia/Seoul).
    #[schema(minimum = -840, maximum = 840)]
    pub utc_offset_minutes: Option<i64>,
    #[schema(max_length = 200)]
    pub accept_language: Option<String>,
    #[serde(default)]
    #[schema(schema_with = contract::keyboard_layouts)]
    pub keyboard_layouts: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = contract::remote_access_tools)]
    pub remote_access_tools: Vec<String>,
    #[schema(max_length = 200)]
    pub device_id: Option<String>,
    pub webcam_enabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayoutMethod {
    BankTransfer,
    Crypto,
    Payoneer,
    Paypal,
    Wise,
    Other,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Payout)]
pub struct PayoutDto {
    pub method: PayoutMethod,
    #[schema(max_length = 300)]
    pub account_holder_name: Option<String>,
    #[schema(max_length = 42)]
    pub iban: Option<String>,
    #[schema(max_length = 11)]
    pub bic: Option<String>,
    #[schema(max_length = 40)]
    pub account_number: Option<String>,
    #[schema(max_length = 20)]
    pub routing_number: Option<String>,
    #[schema(max_length = 200)]
    pub bank_name: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub bank_country: Option<String>,
    #[schema(max_length = 320)]
    pub provider_account_id: Option<String>,
    #[schema(max_length = 20)]
    pub crypto_asset: Option<String>,
    #[schema(max_length = 128)]
    pub crypto_address: Option<String>,
    #[schema(minimum = 0)]
    pub changes_last_90_days: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ShippingAddress)]
pub struct ShippingAddressDto {
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub country: Option<String>,
    #[schema(max_length = 100)]
    pub region: Option<String>,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[schema(max_length = 300)]
    pub address_line: Option<String>,
    #[schema(max_length = 300)]
    pub recipient_name: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Parsed model.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Application {
    pub external_ref: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub applicant: Applicant,
    pub identity_document: Option<IdentityDocument>,
    pub sessions: Vec<Session>,
    pub payout: Option<Payout>,
    pub shipping_address: Option<ShippingAddress>,
}

#[derive(Debug, Clone)]
pub struct Applicant {
    pub full_name: String,
    pub other_names: Vec<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub nationality: Option<Country>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub residence: Residence,
    pub profile_urls: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Residence {
    pub country: Country,
    pub region: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub address_line: Option<String>,
    pub timezone: Option<TimeZoneName>,
}

#[derive(Debug, Clone)]
pub struct IdentityDocument {
    pub kind: DocumentKind,
    pub issuing_country: IcaoCode,
    pub number: String,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub nationality: Option<IcaoCode>,
    pub issue_date: Option<NaiveDate>,
    pub expiry_date: Option<NaiveDate>,
    pub mrz: Vec<String>,
    /// The MRZ as read, when one was given: a malformed MRZ is a finding about the document, not a
    /// request error.
    pub mrz_read: Option<Result<super::mrz::Mrz, super::mrz::MrzError>>,
    pub portrait_sha256: Option<[u8; 32]>,
    pub portrait_phash: Option<u64>,
    pub vendor_check: Option<VendorCheck>,
}

#[derive(Debug, Clone)]
pub struct VendorCheck {
    pub vendor: Option<String>,
    pub status: Option<VendorStatus>,
    pub liveness_passed: Option<bool>,
    pub face_match_score: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub ip: IpAddr,
    pub observed_at: Option<DateTime<Utc>>,
    pub kind: Option<SessionKind>,
    pub user_agent: Option<String>,
    pub browser_timezone: Option<TimeZoneName>,
    pub utc_offset_minutes: Option<i16>,
    pub accept_language: Option<String>,
    pub keyboard_layouts: Vec<String>,
    pub remote_access_tools: Vec<String>,
    pub device_id: Option<String>,
    pub webcam_enabled: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Payout {
    pub method: PayoutMethod,
    pub account_holder_name: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub account_number: Option<String>,
    pub routing_number: Option<String>,
    pub bank_name: Option<String>,
    pub bank_country: Option<Country>,
    pub provider_account_id: Option<String>,
    pub crypto_asset: Option<String>,
    pub crypto_address: Option<String>,
    pub changes_last_90_days: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ShippingAddress {
    pub country: Option<Country>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub address_line: Option<String>,
    pub recipient_name: Option<String>,
}

impl Application {
    /// Parses a request body: `Syntax` when it is not JSON, `Fields` with one entry per offending
    /// field when it is JSON that breaks the contract or carries values the service cannot use.
    pub fn parse(body: &[u8]) -> Result<Application, ParseError> {
        let value = super::json::from_slice_strict(body).map_err(|e| match e {
            super::json::JsonBodyError::Syntax(e) => ParseError::Syntax(e.to_string()),
            super::json::JsonBodyError::DuplicateKey { pointer } => {
                ParseError::Fields(vec![FieldError::duplicate(pointer)])
            }
        })?;
        Application::from_value(&value)
    }

    /// Checks `value` against the contract ([`contract::violations`]), then gives the values their
    /// meaning (assigned country codes, real time zones). Both report every offending field, one
    /// item each: the meaning of the fields the contract accepted is checked even when others broke
    /// it, as long as what is left still has the contract's shape.
    pub fn from_value(value: &serde_json::Value) -> Result<Application, ParseError> {
        if !value.is_object() {
            return Err(ParseError::Fields(vec![FieldError {
                pointer: String::new(),
                detail: "the application must be a JSON object".into(),
            }]));
        }
        let violations = contract::check(value);
        let readable = if violations.is_empty() {
            None
        } else {
            match violations.set_aside(value) {
                Some(rest) => Some(rest),
                None => return Err(ParseError::Fields(violations.errors)),
            }
        };
        let dto: ApplicationDto =
            match serde_path_to_error::deserialize(readable.as_ref().unwrap_or(value)) {
                Ok(dto) => dto,
                Err(e) if violations.is_empty() => {
                    return Err(ParseError::Fields(vec![structural_error(e)]));
                }
                Err(_) => return Err(ParseError::Fields(violations.errors)),
            };
        let mut meaning = Errors::default();
        let app = meaning.application(dto);
        if violations.is_empty() && meaning.0.is_empty() {
            return Ok(app);
        }
        // One item per field: the contract's word, then the meaning of what it accepted.
        let mut items = Vec::with_capacity(violations.errors.len() + meaning.0.len());
        for error in meaning.0 {
            if !violations.covers(&error.pointer)
                && !items
                    .iter()
                    .any(|e: &FieldError| e.pointer == error.pointer)
            {
                items.push(error);
            }
        }
        items.extend(violations.errors);
        items.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        Err(ParseError::Fields(items))
    }
}

/// The first structural error serde met, for a body the contract accepted but the wire types do
/// not (a number beyond what the field holds). serde's own message quotes the value, so it is not
/// used.
fn structural_error(err: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let mut pointer = String::new();
    for segment in err.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Map { key } => match super::json::pointer_token(key) {
                Some(token) => push_token(&mut pointer, token),
                None => break,
            },
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    FieldError {
        pointer,
        detail: "has a type or a value this field cannot hold".to_owned(),
    }
}

fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&super::json::escape_token(token));
}

/// Collects every semantic error while building the model.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, pointer: &str, detail: impl Into<String>) {
        self.0.push(FieldError {
            pointer: pointer.to_owned(),
            detail: detail.into(),
        });
    }

    /// Length limits count characters, as JSON Schema does.
    fn text(
        &mut self,
        pointer: &str,
        value: Option<String>,
        min: usize,
        max: usize,
    ) -> Option<String> {
        let value = value?;
        let len = value.chars().count();
        if len < min {
            self.push(pointer, format!("must be at least {min} character(s)"));
        } else if len > max {
            self.push(pointer, format!("must be at most {max} characters"));
        }
        Some(value)
    }

    fn list(
        &mut self,
        pointer: &str,
        values: Vec<String>,
        max_items: usize,
        max_len: usize,
    ) -> Vec<String> {
        if values.len() > max_items {
            self.push(pointer, format!("must have at most {max_items} items"));
        }
        values
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| self.text(&format!("{pointer}/{i}"), Some(v), 0, max_len))
            .collect()
    }

    fn country(&mut self, pointer: &str, value: Option<String>) -> Option<Country> {
        let value = value?;
        let parsed = Country::parse(&value);
        if parsed.is_none() {
            self.push(
                pointer,
                "must be an assigned ISO 3166-1 alpha-2 country code, e.g. US",
            );
        }
        parsed
    }

    fn icao(&mut self, pointer: &str, value: Option<String>) -> Option<IcaoCode> {
        let value = value?;
        let parsed = IcaoCode::parse(&value);
        if parsed.is_none() {
            self.push(
                pointer,
                "must be an ISO 3166-1 alpha-2 or alpha-3 code or an ICAO 9303 code (D, GBD, UNO, XXA…)",
            );
        }
        parsed
    }

    fn date(&mut self, pointer: &str, value: Option<String>) -> Option<NaiveDate> {
        let value = value?;
        // `%Y` alone would accept 5-digit and signed years; the contract wants YYYY-MM-DD.
        let well_formed =
            value.len() == 10 && value.as_bytes()[4] == b'-' && value.as_bytes()[7] == b'-';
        match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
            Ok(date) if well_formed => Some(date),
            _ => {
                self.push(pointer, "must be a calendar date in the form YYYY-MM-DD");
                None
            }
        }
    }

    fn instant(&mut self, pointer: &str, value: Option<String>) -> Option<DateTime<Utc>> {
        let value = value?;
        // chrono also takes a space between date and time; RFC 3339's grammar (and JSON Schema's
        // date-time) does not.
        let separated = matches!(value.as_bytes().get(10), Some(b'T' | b't'));
        match DateTime::parse_from_rfc3339(&value) {
            Ok(t) if separated => Some(t.with_timezone(&Utc)),
            _ => {
                self.push(
                    pointer,
                    "must be an RFC 3339 date-time, e.g. 2026-11-20T15:04:05Z",
                );
                None
            }
        }
    }

    fn zone(&mut self, pointer: &str, value: Option<String>) -> Option<TimeZoneName> {
        let value = self.text(pointer, value, 0, 64)?;
        let parsed = TimeZoneName::parse(&value);
        if parsed.is_none() {
            self.push(
                pointer,
                "must be an IANA time zone name, e.g. America/Chicago",
            );
        }
        parsed
    }

    fn hex<const N: usize>(&mut self, pointer: &str, value: Option<String>) -> Option<[u8; N]> {
        let value = value?;
        let lower_hex = value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let mut out = [0u8; N];
        if lower_hex && hex::decode_to_slice(&value, &mut out).is_ok() {
            Some(out)
        } else {
            self.push(
                pointer,
                format!("must be {} lower-case hexadecimal digits", N * 2),
            );
            None
        }
    }

    fn application(&mut self, dto: ApplicationDto) -> Application {
        let external_ref = self
            .text("/external_ref", Some(dto.external_ref), 1, 200)
            .unwrap_or_default();
        let submitted_at = self.instant("/submitted_at", dto.submitted_at);
        let applicant = self.applicant(dto.applicant);
        let identity_document = dto.identity_document.map(|d| self.document(d));
        if dto.sessions.len() > 500 {
            self.push("/sessions", "must have at most 500 items");
        }
        let sessions = dto
            .sessions
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| self.session(&format!("/sessions/{i}"), s))
            .collect();
        let payout = dto.payout.map(|p| self.payout(p));
        let shipping_address = dto.shipping_address.map(|s| self.shipping(s));
        Application {
            external_ref,
            submitted_at,
            applicant,
            identity_document,
            sessions,
            payout,
            shipping_address,
        }
    }

    fn applicant(&mut self, a: ApplicantDto) -> Applicant {
        let p = "/applicant";
        let r = a.residence;
        let residence_country = self.country(&format!("{p}/residence/country"), Some(r.country));
        let residence = Residence {
            // An invalid country is already an error; the placeholder never leaves this function.
            country: residence_country.unwrap_or(Country::parse("US").expect("US is assigned")),
            region: self.text(&format!("{p}/residence/region"), r.region, 0, 100),
            city: self.text(&format!("{p}/residence/city"), r.city, 0, 100),
            postal_code: self.text(&format!("{p}/residence/postal_code"), r.postal_code, 0, 20),
            address_line: self.text(
                &format!("{p}/residence/address_line"),
                r.address_line,
                0,
                300,
            ),
            timezone: self.zone(&format!("{p}/residence/timezone"), r.timezone),
        };
        Applicant {
            full_name: self
                .text(&format!("{p}/full_name"), Some(a.full_name), 1, 300)
                .unwrap_or_default(),
            other_names: self.list(&format!("{p}/other_names"), a.other_names, 20, 300),
            date_of_birth: self.date(&format!("{p}/date_of_birth"), a.date_of_birth),
            nationality: self.country(&format!("{p}/nationality"), a.nationality),
            email: self.text(&format!("{p}/email"), a.email, 0, 320),
            phone: self.text(&format!("{p}/phone"), a.phone, 0, 40),
            residence,
            profile_urls: self.list(&format!("{p}/profile_urls"), a.profile_urls, 20, 500),
        }
    }

    fn document(&mut self, d: IdentityDocumentDto) -> IdentityDocument {
        let p = "/identity_document";
        let mrz = d.mrz.unwrap_or_default();
        let vendor_check = d.vendor_check.map(|v| {
            let score = v.face_match_score.filter(|s| {
                let ok = (0.0..=1.0).contains(s);
                if !ok {
                    self.push(
                        &format!("{p}/vendor_check/face_match_score"),
                        "must be between 0 and 1",
                    );
                }
                ok
            });
            VendorCheck {
                vendor: self.text(&format!("{p}/vendor_check/vendor"), v.vendor, 0, 100),
                status: v.status,
                liveness_passed: v.liveness_passed,
                face_match_score: score,
            }
        });
        let issuing_country = self.icao(&format!("{p}/issuing_country"), Some(d.issuing_country));
        IdentityDocument {
            kind: d.kind,
            issuing_country: issuing_country
                .unwrap_or_else(|| IcaoCode::parse("XXX").expect("known code")),
            number: self
                .text(&format!("{p}/number"), Some(d.number), 1, 40)
                .unwrap_or_default(),
            surname: self.text(&format!("{p}/surname"), d.surname, 0, 200),
            given_names: self.text(&format!("{p}/given_names"), d.given_names, 0, 200),
            date_of_birth: self.date(&format!("{p}/date_of_birth"), d.date_of_birth),
            sex: d.sex,
            nationality: self.icao(&format!("{p}/nationality"), d.nationality),
            issue_date: self.date(&format!("{p}/issue_date"), d.issue_date),
            expiry_date: self.date(&format!("{p}/expiry_date"), d.expiry_date),
            mrz_read: (!mrz.is_empty()).then(|| {
                let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
                super::mrz::parse(&lines)
            }),
            mrz: self.list(&format!("{p}/mrz"), mrz, 3, 44),
            portrait_sha256: self.hex::<32>(&format!("{p}/portrait_sha256"), d.portrait_sha256),
            portrait_phash: self
                .hex::<8>(&format!("{p}/portrait_phash"), d.portrait_phash)
                .map(u64::from_be_bytes),
            vendor_check,
        }
    }

    fn session(&mut self, p: &str, s: SessionDto) -> Option<Session> {
        let ip = match s.ip.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.push(
                    &format!("{p}/ip"),
                    "must be an IPv4 or IPv6 address literal",
                );
                None
            }
        };
        let utc_offset_minutes = s.utc_offset_minutes.and_then(|m| {
            if (-840..=840).contains(&m) {
                i16::try_from(m).ok()
            } else {
                self.push(
                    &format!("{p}/utc_offset_minutes"),
                    "must be between -840 and 840",
                );
                None
            }
        });
        let session = Session {
            ip: ip.unwrap_or(IpAddr::from([0, 0, 0, 0])),
            observed_at: self.instant(&format!("{p}/observed_at"), s.observed_at),
            kind: s.kind,
            user_agent: self.text(&format!("{p}/user_agent"), s.user_agent, 0, 1000),
            browser_timezone: self.zone(&format!("{p}/browser_timezone"), s.browser_timezone),
            utc_offset_minutes,
            accept_language: self.text(&format!("{p}/accept_language"), s.accept_language, 0, 200),
            keyboard_layouts: self.list(
                &format!("{p}/keyboard_layouts"),
                s.keyboard_layouts,
                20,
                40,
            ),
            remote_access_tools: self.list(
                &format!("{p}/remote_access_tools"),
                s.remote_access_tools,
                20,
                60,
            ),
            device_id: self.text(&format!("{p}/device_id"), s.device_id, 0, 200),
            webcam_enabled: s.webcam_enabled,
        };
        ip.map(|_| session)
    }

    fn payout(&mut self, d: PayoutDto) -> Payout {
        let p = "/payout";
        Payout {
            method: d.method,
            account_holder_name: self.text(
                &format!("{p}/account_holder_name"),
                d.account_holder_name,
                0,
                300,
            ),
            iban: self.text(&format!("{p}/iban"), d.iban, 0, 42),
            bic: self.text(&format!("{p}/bic"), d.bic, 0, 11),
            account_number: self.text(&format!("{p}/account_number"), d.account_number, 0, 40),
            routing_number: self.text(&format!("{p}/routing_number"), d.routing_number, 0, 20),
            bank_name: self.text(&format!("{p}/bank_name"), d.bank_name, 0, 200),
            bank_country: self.country(&format!("{p}/bank_country"), d.bank_country),
            provider_account_id: self.text(
                &format!("{p}/provider_account_id"),
                d.provider_account_id,
                0,
                320,
            ),
            crypto_asset: self.text(&format!("{p}/crypto_asset"), d.crypto_asset, 0, 20),
            crypto_address: self.text(&format!("{p}/crypto_address"), d.crypto_address, 0, 128),
            changes_last_90_days: d.changes_last_90_days,
        }
    }

    fn shipping(&mut self, d: ShippingAddressDto) -> ShippingAddress {
        let p = "/shipping_address";
        ShippingAddress {
            country: self.country(&format!("{p}/country"), d.country),
            region: self.text(&format!("{p}/region"), d.region, 0, 100),
            city: self.text(&format!("{p}/city"), d.city, 0, 100),
            postal_code: self.text(&format!("{p}/postal_code"), d.postal_code, 0, 20),
            address_line: self.text(&format!("{p}/address_line"), d.address_line, 0, 300),
            recipient_name: self.text(&format!("{p}/recipient_name"), d.recipient_name, 0, 300),
        }
    }
}

/// Document numbers are compared without spaces, dashes or fillers and in upper case, per issuing
/// state (the same number from two states is two documents), after the identifier normaliser
/// ([`super::text::clean`]: invisible characters dropped, full-width `１２３` read as `123`; no
/// look-alike folding, `0` and `O` stay two characters).
pub fn normalise_document_number(number: &str) -> String {
    super::text::clean(number)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<FieldError> {
        match Application::parse(body.as_bytes()) {
            Err(ParseError::Fields(f)) => f,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn pointers(body: &str) -> Vec<String> {
        fields(body).into_iter().map(|f| f.pointer).collect()
    }

    const MINIMAL: &str = r#"{"external_ref":"a1","applicant":{"full_name":"Ana Lima","residence":{"country":"BR"}}}"#;

    #[test]
    fn a_minimal_application_parses() {
        let app = Application::parse(MINIMAL.as_bytes()).expect("minimal application");
        assert_eq!(app.applicant.residence.country.as_str(), "BR");
        assert!(app.sessions.is_empty());
    }

    #[test]
    fn malformed_json_is_a_syntax_error() {
        assert!(matches!(
            Application::parse(b"{\"external_ref\":"),
            Err(ParseError::Syntax(_))
        ));
    }

    #[test]
    fn unknown_and_missing_fields_point_at_the_field_itself() {
        assert_eq!(
            pointers(
                r#"{"external_ref":"a","applicant":{"full_name":"A","residence":{"country":"US","planet":"x"}}}"#
            ),
            ["/applicant/residence/planet"]
        );
        assert_eq!(
            pointers(r#"{"external_ref":"a","applicant":{"full_name":"A"}}"#),
            ["/applicant/residence"]
        );
        assert_eq!(
            pointers(
                r#"{"external_ref":"a","applicant":{"full_name":"A","residence":{"country":"US"}},"sessions":[{"ip":"1.2.3.4","kind":"teleport"}]}"#
            ),
            ["/sessions/0/kind"]
        );
    }

    #[test]
    fn every_bad_value_is_reported_not_only_the_first() {
        let body = r#"{"external_ref":"","applicant":{"full_name":"A","date_of_birth":"1990-02-30",
            "nationality":"ZZ","residence":{"country":"XY","timezone":"Mars/Olympus"}},
            "sessions":[{"ip":"300.1.1.1"},{"ip":"::1","utc_offset_minutes":900}],
            "identity_document":{"kind":"passport","issuing_country":"QQQ","number":"1","portrait_phash":"ABCDEF0123456789"}}"#;
        let mut got = pointers(body);
        got.sort();
        assert_eq!(
            got,
            [
                "/applicant/date_of_birth",
                "/applicant/nationality",
                "/applicant/residence/country",
                "/applicant/residence/timezone",
                "/external_ref",
                "/identity_document/issuing_country",
                "/identity_document/portrait_phash",
                "/sessions/0/ip",
                "/sessions/1/utc_offset_minutes",
            ]
        );
    }

    #[test]
    fn no_detail_repeats_what_was_sent() {
        let body = r#"{"external_ref":"a","submitted_at":"Kenji Tanaka",
            "applicant":{"full_name":["Kenji Tanaka"],"nationality":"Kenji Tanaka","Kenji Tanaka":1,
            "residence":{"country":"US","timezone":"Kenji Tanaka"}},
            "identity_document":{"kind":"Kenji Tanaka","issuing_country":"US","number":"1"},
            "sessions":[{"ip":"Kenji Tanaka","observed_at":"Kenji Tanaka"}],
            "payout":{"method":"wise","changes_last_90_days":"Kenji Tanaka"}}"#;
        let errors = fields(body);
        let text = format!("{errors:?}");
        assert!(!text.contains("Kenji"), "{text}");
        let mut got: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        got.sort();
        assert_eq!(
            got,
            [
                // The unknown member whose name is not a field name: pointed at its object.
                "/applicant",
                "/applicant/full_name",
                "/applicant/nationality",
                "/applicant/residence/timezone",
                "/identity_document/kind",
                "/payout/changes_last_90_days",
                "/sessions/0/ip",
                "/sessions/0/observed_at",
                "/submitted_at",
            ]
        );
    }

    #[test]
    fn a_wrong_shape_does_not_hide_the_meaning_of_the_other_fields() {
        // A wrong type in a required member, an unassigned country beside it.
        let body = r#"{"external_ref":"a","applicant":{"full_name":7,"residence":{"country":"ZZ"}},
            "sessions":[{"ip":5},{"ip":"::1","browser_timezone":"Mars/Olympus"}]}"#;
        assert_eq!(
            pointers(body),
            [
                "/applicant/full_name",
                "/applicant/residence/country",
                "/sessions/0/ip",
                "/sessions/1/browser_timezone",
            ]
        );
    }

    #[test]
    fn the_contract_forms_chrono_would_also_take_are_refused() {
        let base = |extra: &str| {
            format!(
                r#"{{"external_ref":"a","applicant":{{"full_name":"A","residence":{{"country":"US"}}}}{extra}}}"#
            )
        };
        assert_eq!(
            pointers(&base(r#","submitted_at":"2026-11-20 15:04:05Z""#)),
            ["/submitted_at"]
        );
        assert_eq!(
            pointers(&base(
                r#","identity_document":{"kind":"passport","issuing_country":"US","number":"1","mrz":[]}"#
            )),
            ["/identity_document/mrz"]
        );
        assert!(
            Application::parse(base(r#","submitted_at":"2026-11-20T15:04:05Z""#).as_bytes())
                .is_ok()
        );
    }

    #[test]
    fn a_member_sent_twice_is_refused() {
        let body = r#"{"external_ref":"a","applicant":{"full_name":"A","residence":{"country":"US","country":"KP"}}}"#;
        assert_eq!(pointers(body), ["/applicant/residence/country"]);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let name = "김".repeat(300);
        let body = format!(
            r#"{{"external_ref":"a","applicant":{{"full_name":"{name}","residence":{{"country":"KR"}}}}}}"#
        );
        assert!(
            Application::parse(body.as_bytes()).is_ok(),
            "300 Hangul syllables are 300 characters"
        );
        let body = body.replace(&name, &"x".repeat(301));
        assert_eq!(pointers(&body), ["/applicant/full_name"]);
    }

    #[test]
    fn a_non_object_body_is_refused_at_the_root() {
        assert_eq!(pointers("[1,2]"), [""]);
    }
}
