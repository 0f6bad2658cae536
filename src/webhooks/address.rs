//! Where webhooks may be sent: `http(s)` URLs on public addresses only, so that an admin
//! account (or a stolen token) cannot make the server probe its own network or a cloud
//! metadata service (SSRF). Checked when an endpoint is registered or changed, and again at
//! every send against the addresses actually connected to ([`PublicOnly`]), since DNS may
//! answer differently by then (rebinding).

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use url::Host;

use crate::error::FieldError;

pub const MAX_URL_CHARS: usize = 2000;
/// How long registering an endpoint waits for its host to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether packets to `ip` would leave for the public internet: not loopback, private
/// (RFC 1918, fc00::/7), link-local (169.254/16, where cloud metadata lives, and
/// fe80::/10), CGNAT (100.64/10), unspecified, multicast, broadcast, documentation,
/// benchmarking or reserved. (`IpAddr::is_global` is not stable yet.)
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let [first, second, ..] = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if first == 0x64 && second == 0xff9b {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    // Global unicast is 2000::/3; inside it, documentation (2001:db8::/32) is not routed.
    (first & 0xe000) == 0x2000 && !(first == 0x2001 && second == 0x0db8)
}

/// A webhook URL as an admin sent it: `http` or `https`, with a host, without credentials;
/// unless `allow_private`, a host that resolves to public addresses only.
pub async fn check_url(field: &str, text: &str, allow_private: bool) -> Result<String, FieldError> {
    let url = parse(text).map_err(|message| FieldError::new(field, message))?;
    if allow_private {
        return Ok(url.into());
    }
    let refused = |message: String| FieldError::new(field, message);
    match literal_address(&url) {
        Some(ip) if !is_public(ip) => Err(refused(format!(
            "{ip} is not a public address (loopback, private, link-local and other \
             non-public addresses are refused)"
        ))),
        Some(_) => Ok(url.into()),
        None => {
            let host = url.host_str().unwrap_or_default().to_owned();
            let port = url.port_or_known_default().unwrap_or(443);
            let addresses = resolve(&host, port).await.map_err(&refused)?;
            match addresses.iter().find(|address| !is_public(address.ip())) {
                Some(address) => Err(refused(format!(
                    "{host} resolves to {}, which is not a public address",
                    address.ip()
                ))),
                None => Ok(url.into()),
            }
        }
    }
}

/// The URL, if it is one a webhook can be sent to; else why not.
pub fn parse(text: &str) -> Result<Url, String> {
    if text.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    let url = Url::parse(text.trim()).map_err(|error| format!("is not a URL ({error})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http:// or https:// URL".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".to_owned());
    }
    Ok(url)
}

/// The address written in the URL itself, which no resolver sees.
pub fn literal_address(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

/// Resolves on tokio's blocking pool (the system resolver blocks), never on a worker.
async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let lookup = tokio::net::lookup_host((host, port));
    match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        Err(_) => Err(format!("{host} did not resolve within {RESOLVE_TIMEOUT:?}")),
        Ok(Err(error)) => Err(format!("{host} does not resolve ({error})")),
        Ok(Ok(addresses)) => {
            let addresses: Vec<SocketAddr> = addresses.collect();
            if addresses.is_empty() {
                Err(format!("{host} does not resolve"))
            } else {
                Ok(addresses)
            }
        }
    }
}

/// The HTTP client's resolver: only public addresses are returned, so the client can only
/// connect to those, whatever DNS says at send time.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let public: Vec<SocketAddr> = resolve(&host, 0)
                .await?
                .into_iter()
                .filter(|address| is_public(address.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addresses: Addrs = Box::new(public.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_global_addresses_are_public() {
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert!(is_public(ip), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = private.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert!(!is_public(ip), "{private}");
        }
    }

    #[test]
    fn only_http_urls_with_a_host_are_taken() {
        assert!(parse("https://hooks.example.com/in?x=1").is_ok());
        assert!(parse("http://[2606:4700::1111]:8080/").is_ok());
        for bad in [
            "ftp://example.com/",
            "example.com",
            "https://user:pw@example.com/",
            "file:///etc/passwd",
            "https://",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
