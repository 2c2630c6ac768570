//! Keeping webhook endpoints off internal networks (server-side request forgery). An endpoint's host
//! must resolve only to public addresses, checked when it is registered and again at every delivery
//! by the resolver the HTTP client connects through ([`PinnedResolver`]): the addresses it vets are
//! the ones the connection uses, so a DNS answer that changes between the check and the connection
//! (rebinding) changes nothing. `VETGATE_WEBHOOKS_ALLOW_PRIVATE` lifts the rule (tests, closed
//! networks), and with it the https-only rule.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Longest endpoint URL accepted.
pub const URL_MAX_LEN: usize = 2048;

/// Whether a delivery may connect to `ip`: not loopback, private (RFC 1918, fc00::/7), link-local
/// (169.254/16, fe80::/10), CGNAT (100.64/10), unspecified, multicast, broadcast, documentation,
/// benchmarking or reserved space, nor an IPv4-mapped, -compatible or NAT64 form of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || ip.is_multicast()
        || a >= 240 // reserved, and the broadcast address
        || ip.is_broadcast())
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) carry an IPv4 address.
    if (segments[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified())
        || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
    {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || ip.is_multicast()
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)) // documentation
}

/// An endpoint URL that passed the syntax rules: where it points.
#[derive(Debug, Clone)]
pub struct Target {
    /// The host as written (an IPv6 literal without brackets).
    pub host: String,
    pub port: u16,
}

/// The syntax rules: an absolute `https` URL (or `http` when private addresses are allowed) with a
/// host, no user information, at most [`URL_MAX_LEN`] bytes. The error is the detail to show.
pub fn check_url(url: &str, allow_private: bool) -> Result<Target, &'static str> {
    if url.len() > URL_MAX_LEN {
        return Err("must be at most 2048 characters");
    }
    let uri: Uri = url.parse().map_err(|_| "is not an absolute URL")?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if allow_private => false,
        Some("http") => return Err("must be an https URL"),
        _ => return Err("must be an https URL"),
    };
    let authority = uri.authority().ok_or("is not an absolute URL")?;
    if authority.as_str().contains('@') {
        return Err("must not carry user information");
    }
    let host = authority.host();
    if host.is_empty() {
        return Err("is not an absolute URL");
    }
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok(Target { host, port })
}

/// Resolves `target` (blocking) and checks every address; the error is the detail to show.
pub fn vet(target: &Target, allow_private: bool) -> Result<Vec<SocketAddr>, &'static str> {
    let addrs: Vec<SocketAddr> = match target.host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, target.port)],
        Err(_) => (target.host.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|_| "has a host that does not resolve")?
            .collect(),
    };
    if addrs.is_empty() {
        return Err("has a host that does not resolve");
    }
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err("resolves to a loopback, private, link-local or otherwise non-public address");
    }
    Ok(addrs)
}

/// ureq's resolver, vetting what it resolves: the connection goes to those addresses and no
/// others. A host with any non-public address is refused whole (an I/O error of kind
/// `PermissionDenied`, which the worker records as `blocked_address`).
#[derive(Debug)]
pub struct PinnedResolver {
    pub allow_private: bool,
}

impl Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        if !self.allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the endpoint resolves to a non-public address",
            )));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_must_be_https_with_a_host_and_no_user_information() {
        assert!(check_url("https://hooks.example.com/x", false).is_ok());
        assert_eq!(
            check_url("https://[::1]:8443/x", false).unwrap().host,
            "::1"
        );
        assert!(check_url("http://hooks.example.com/x", false).is_err());
        assert!(check_url("http://hooks.example.com/x", true).is_ok());
        assert!(check_url("https://user:pw@hooks.example.com/x", false).is_err());
        assert!(check_url("/relative", false).is_err());
        assert!(check_url("ftp://hooks.example.com/", true).is_err());
        assert!(vet(&check_url("https://10.0.0.1/", false).unwrap(), false).is_err());
        assert!(vet(&check_url("https://10.0.0.1/", false).unwrap(), true).is_ok());
    }
}
