//! The `mmdb` target needs the service's IP-database wrapper (`src/intel/geoip.rs`) opening a file
//! from memory, which it cannot do: `Database::open` takes a path. Rather than write every input
//! to disk, this copies the module into the build with one change, the file read replaced by the
//! fuzz input (`crate::mmdb_input::take()`); verification, type and schema detection and every
//! lookup are the service's code as it stands. The build fails if the line to replace moves.

use std::path::Path;

const OPEN: &str = "Reader::open_readfile(path)";
const FROM_INPUT: &str = "Reader::from_source(crate::mmdb_input::take())";

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let source = Path::new(&manifest).join("../src/intel/geoip.rs");
    println!("cargo::rerun-if-changed={}", source.display());
    println!("cargo::rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(&source).expect("src/intel/geoip.rs");
    assert_eq!(
        text.matches(OPEN).count(),
        1,
        "{}: expected `{OPEN}` once; update fuzz/build.rs",
        source.display()
    );
    let patched: String = text
        .replace(OPEN, FROM_INPUT)
        .lines()
        // Inner doc comments cannot be `include!`d.
        .map(|line| match line.strip_prefix("//!") {
            Some(rest) => format!("//{rest}\n"),
            None => format!("{line}\n"),
        })
        .collect();
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("geoip_from_input.rs");
    std::fs::write(out, patched).expect("write the patched module");
}
