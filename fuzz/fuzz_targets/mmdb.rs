//! Arbitrary bytes as a MaxMind DB through the service's wrapper (`src/intel/geoip.rs`): the full
//! verification `Database::open` runs, type and schema detection, then lookups of a few addresses
//! through `GeoIp::lookup` with every record decoder. No input may panic it.
//!
//! The wrapper only opens paths; `build.rs` compiles a copy whose file read takes the fuzz input
//! instead (see there), so no input touches the disk.
#![no_main]

use std::cell::RefCell;
use std::net::IpAddr;
use std::path::Path;

use libfuzzer_sys::fuzz_target;

/// What the copied module refers to as `crate::model`.
mod model {
    pub use vetgate::model::{Country, TimeZoneName};
}

mod mmdb_input {
    use super::*;

    thread_local! {
        pub static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    /// The bytes `Database::open` reads instead of its file.
    pub fn take() -> Vec<u8> {
        INPUT.with(|i| std::mem::take(&mut *i.borrow_mut()))
    }
}

#[allow(dead_code)]
mod geoip {
    include!(concat!(env!("OUT_DIR"), "/geoip_from_input.rs"));
}

/// Addresses the MaxMind test databases, the DPRK ranges and the edges of both trees.
const ADDRESSES: [&str; 12] = [
    "1.128.0.0",
    "2.125.160.216",
    "81.2.69.142",
    "89.160.20.112",
    "175.45.176.1",
    "216.160.83.56",
    "0.0.0.0",
    "255.255.255.255",
    "::",
    "2001:218::1",
    "::ffff:81.2.69.142",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
];

fuzz_target!(|data: &[u8]| {
    mmdb_input::INPUT.with(|i| *i.borrow_mut() = data.to_vec());
    let Ok(db) = geoip::Database::open(Path::new("fuzz.mmdb")) else {
        return;
    };
    let _ = serde_json::to_string(&db.info).expect("database info serialises");
    let geo = geoip::GeoIp::from_databases([db]);
    for address in ADDRESSES {
        let ip: IpAddr = address.parse().expect("valid address");
        let facts = geo.lookup(ip);
        let _ = serde_json::to_string(&facts);
        let _ = facts.anonymity.kinds();
        let _ = facts.has_tag("dprk");
    }
    // One address chosen by the input, so the fuzzer can steer lookups into the tree it built.
    if data.len() >= 16 {
        let mut octets = [0u8; 16];
        octets.copy_from_slice(&data[data.len() - 16..]);
        let _ = geo.lookup(IpAddr::from(octets));
        let v4 = [octets[0], octets[1], octets[2], octets[3]];
        let _ = geo.lookup(IpAddr::from(v4));
    }
});
