//! Who is on the other end of a request. Behind a TLS proxy every connection comes
//! from the proxy, so the client's own address is read from `X-Forwarded-For` or
//! `Forwarded`, but only when the connection comes from a proxy the operator named:
//! anyone else could write those headers to pose as any address.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// The client's address, as far as it can be trusted.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.trusted_proxies)))
    }
}

/// The address of the client: the nearest address in the forwarding chain that is not
/// a trusted proxy, or the connection's own address when that is not a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Each proxy appends the address it received from, so read from the right.
    let chain: Vec<IpAddr> = forwarded_for(headers);
    chain.into_iter().rev().find(|ip| !is_trusted(ip)).unwrap_or(peer)
}

/// The addresses named by `Forwarded: for=` (RFC 7239) or, failing that, `X-Forwarded-For`, in order.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| parse_node(value))?
                })
            })
            .collect();
    }
    values("x-forwarded-for").split(',').filter_map(parse_node).collect()
}

/// `192.0.2.1`, `"[2001:db8::1]:4711"` or `192.0.2.1:80` as an address; obfuscated names are skipped.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    text.strip_prefix('[').and_then(|t| t.split_once(']')).and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let trusted: Vec<IpNet> = vec!["10.0.0.0/24".parse().unwrap()];
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.7")]);
        assert_eq!(client_ip("203.0.113.50".parse().unwrap(), &spoofed, &trusted), "203.0.113.50".parse::<IpAddr>().unwrap());
        assert_eq!(
            client_ip(proxy, &spoofed, &trusted),
            "203.0.113.7".parse::<IpAddr>().unwrap(),
            "the proxy's own entry, not the client's claim"
        );
        assert_eq!(client_ip(proxy, &spoofed, &[]), proxy, "no proxy is trusted unless named");
        let rfc = headers(&[("forwarded", "for=198.51.100.1, for=\"[2001:db8::9]:4711\";proto=https")]);
        assert_eq!(client_ip(proxy, &rfc, &trusted), "2001:db8::9".parse::<IpAddr>().unwrap());
        let chain = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.9")]);
        assert_eq!(client_ip(proxy, &chain, &trusted), "203.0.113.7".parse::<IpAddr>().unwrap(), "trusted hops are skipped");
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}
