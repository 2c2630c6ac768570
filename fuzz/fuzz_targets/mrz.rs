//! The MRZ parser over arbitrary bytes: no input may panic it, and whatever it accepts must survive
//! every accessor the checks use.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser is a dependency-light module of the service; it is compiled here on its own so the
// fuzz build does not instrument the whole HTTP stack.
#[path = "../../src/model/mrz.rs"]
#[allow(dead_code)]
mod mrz;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.split('\n').collect();
    if let Ok(zone) = mrz::parse(&lines) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let _ = zone.birth.resolve_birth(today);
        let _ = zone.expiry.resolve_expiry(today);
        let _ = zone.failed_checks().count();
        let _ = zone.fields();
        let _ = zone.sex_code();
    }
    let _ = mrz::check_digit(&text);
});
