//! Who a request comes from, for the limits on sign-in, wrong attendance codes and writes: the
//! connection's peer address, or, when the peer is a proxy listed in `ENROL_TRUSTED_PROXIES`,
//! the address that proxy says it forwarded for. `X-Forwarded-For` from anyone else is
//! ignored, since a client can write whatever it likes there.

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The client's address, resolved once per request by [`resolve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// Reads `ENROL_TRUSTED_PROXIES`: CIDR blocks or single addresses, separated by commas or spaces.
pub fn parse_trusted_proxies(list: &str) -> Result<Vec<IpNet>, String> {
    list.split([',', ' ', '\t', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>().or_else(|_| item.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
                format!("ENROL_TRUSTED_PROXIES: {item:?} is not an address or a CIDR block like 10.0.0.0/8")
            })
        })
        .collect()
}

/// The client address of a request from `peer` with these headers. Walking `X-Forwarded-For`
/// from its right-hand end (the hop the nearest proxy added), every trusted proxy is passed
/// over and the first other address is the client; an entry that does not parse ends the walk.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.trusts(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.trusts(ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => return client,
        }
    }
    client
}

/// Middleware: works out the client address and keeps it with the request.
pub async fn resolve(State(trusted): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let client = client_ip(peer, request.headers(), &trusted);
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().copied().unwrap_or(ClientIp(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in xff {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies(Arc::new(parse_trusted_proxies(list).unwrap()))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(client_ip(ip("203.0.113.9"), &headers(&["198.51.100.1"]), &none), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
        let lb = trusted("10.0.0.0/8");
        assert_eq!(client_ip(ip("10.0.0.2"), &headers(&["198.51.100.7"]), &lb), ip("198.51.100.7"));
    }

    #[test]
    fn an_address_a_client_wrote_in_front_of_the_real_one_is_ignored() {
        let lb = trusted("10.0.0.2");
        // The client sent "1.2.3.4" itself; the proxy appended the address it saw.
        let h = headers(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &lb), ip("198.51.100.7"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_and_several_headers_read_in_order() {
        let proxies = trusted("10.0.0.0/8, 192.168.1.1");
        let h = headers(&["198.51.100.7, 192.168.1.1", "10.1.2.3"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &proxies), ip("198.51.100.7"));
    }

    #[test]
    fn a_trusted_proxy_without_the_header_or_with_nonsense_is_its_own_client() {
        let lb = trusted("10.0.0.0/8");
        assert_eq!(client_ip(ip("10.0.0.2"), &HeaderMap::new(), &lb), ip("10.0.0.2"));
        assert_eq!(client_ip(ip("10.0.0.2"), &headers(&["not-an-address"]), &lb), ip("10.0.0.2"));
    }

    #[test]
    fn the_setting_takes_blocks_and_single_addresses_and_names_a_mistake() {
        assert_eq!(parse_trusted_proxies("10.0.0.0/8, 127.0.0.1 ::1").unwrap().len(), 3);
        assert!(parse_trusted_proxies("").unwrap().is_empty());
        let err = parse_trusted_proxies("10.0.0.0/33").unwrap_err();
        assert!(err.contains("\"10.0.0.0/33\"") && err.contains("ENROL_TRUSTED_PROXIES"), "{err}");
    }
}
