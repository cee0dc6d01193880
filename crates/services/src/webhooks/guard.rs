//! Where a delivery may go. A webhook address is typed by a person, so without a guard
//! it is a way into the trust's own network (server-side request forgery): loopback,
//! private, shared, link-local (the cloud metadata service at 169.254.169.254 among
//! them) and other special addresses are refused unless an admin allow-lists them. The
//! check runs on the addresses a name resolves to, at every attempt (a name can be
//! pointed elsewhere between attempts), and redirects are never followed.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared,
/// multicast, documentation or otherwise special).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || ip.to_ipv4().is_some()) // IPv4-compatible and NAT64 forms are not followed
}

/// The addresses an admin allows although they are not public.
#[derive(Debug, Clone, Default)]
pub struct AllowList(pub Vec<IpNet>);

impl AllowList {
    /// Reads a list of addresses and ranges (`127.0.0.1`, `10.20.0.0/16`) separated by
    /// commas, spaces or lines; the entries it cannot read are returned as problems.
    pub fn parse(text: &str) -> Result<AllowList, Vec<String>> {
        let mut nets = Vec::new();
        let mut bad = Vec::new();
        for entry in text.split([',', ' ', '\n', '\r', '\t']).filter(|e| !e.is_empty()) {
            match entry.parse::<IpNet>().or_else(|_| entry.parse::<IpAddr>().map(IpNet::from)) {
                Ok(net) => nets.push(net),
                Err(_) => bad.push(entry.to_string()),
            }
        }
        if bad.is_empty() { Ok(AllowList(nets)) } else { Err(bad) }
    }

    /// Whether a delivery may go to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.0.iter().any(|net| net.contains(&ip))
    }

    /// As the settings page shows it.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
    }
}

/// Why a delivery was not made.
pub fn refused(ip: IpAddr) -> String {
    format!("refused: {ip} is not a public address and is not on the allow-list on the Webhooks page")
}

/// Resolves names as the system does, then keeps only the addresses the list permits;
/// a name with none left fails, so the connection is never made.
pub struct GuardedResolver(pub Arc<AllowList>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found.iter().copied().filter(|a| allow.permits(a.ip())).collect();
            if kept.is_empty() {
                let why = match found.first() {
                    Some(a) => refused(a.ip()),
                    None => format!("{host} did not resolve to any address"),
                };
                return Err(why.into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_unless_allow_listed() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["81.144.1.1", "2a00:1450:4009::1", "8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        let allow = AllowList::parse("127.0.0.1, 10.20.0.0/16").unwrap();
        assert!(allow.permits("127.0.0.1".parse().unwrap()));
        assert!(allow.permits("10.20.9.9".parse().unwrap()));
        assert!(!allow.permits("10.21.0.1".parse().unwrap()));
        assert_eq!(AllowList::parse("127.0.0.1 nonsense").unwrap_err(), ["nonsense"]);
    }
}
