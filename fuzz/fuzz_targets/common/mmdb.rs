//! The `mmdb` target: arbitrary bytes as a MaxMind DB through the service's wrapper
//! (`src/intel/geoip.rs`): the full verification `Database::from_bytes` runs (the same as
//! `Database::open` after its file read), type and schema detection, then lookups of a few
//! addresses through `GeoIp::lookup` with every record decoder. No input may panic it.

use std::net::IpAddr;

use vetgate::intel::geoip::{Database, GeoIp};

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

/// The `mmdb` target's input, also replayed by `cargo test`.
pub fn mmdb_input(data: &[u8]) {
    let Ok(db) = Database::from_bytes("fuzz.mmdb", data.to_vec()) else {
        return;
    };
    let _ = serde_json::to_string(&db.info).expect("database info serialises");
    let geo = GeoIp::from_databases([db]);
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
}
