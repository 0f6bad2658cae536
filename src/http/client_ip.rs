//! The client's address behind proxies: `TRUSTED_PROXIES` and `X-Forwarded-For`.
//!
//! A proxy appends the address it received the request from to `X-Forwarded-For`, after
//! whatever the client sent in the header itself. Only the entries that trusted proxies
//! appended can be believed, and those are the rightmost ones: the leftmost entry is
//! whatever the client wrote. So the address is found by walking from the right, from the
//! TCP peer through the entries, for as long as the address at hand is a trusted proxy
//! (as Rails' `remote_ip` and Express' `trust proxy` do).

use std::net::{IpAddr, SocketAddr};

/// Which hops in front of the server may be believed about the client's address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustedProxies {
    /// The TCP peer is the client; `X-Forwarded-For` is ignored.
    #[default]
    None,
    /// This many proxies stand in front of the server, each appending to
    /// `X-Forwarded-For`: the client is that many entries back from the right.
    Count(usize),
    /// The proxies' own addresses: every hop inside one of these networks is skipped, and
    /// the first address outside them is the client.
    Networks(Vec<Network>),
}

/// An IP network in CIDR notation; a bare address is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// `10.0.0.0/8`, `fd00::/8`, `192.0.2.7` or `::1`.
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address = address.parse::<IpAddr>().ok()?.to_canonical();
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            // Digits only: `u8::from_str` would also take `+8`.
            Some(prefix) if prefix.bytes().all(|b| b.is_ascii_digit()) => prefix.parse().ok()?,
            Some(_) => return None,
            None => bits,
        };
        (prefix <= bits).then_some(Self { address, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl TrustedProxies {
    /// `TRUSTED_PROXIES`: a count (`0` is none) or a comma-separated list of addresses and
    /// CIDR networks; `None` when it is neither.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(count) = text.parse::<usize>() {
            return Some(if count == 0 {
                Self::None
            } else {
                Self::Count(count)
            });
        }
        let networks = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Network::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(if networks.is_empty() {
            Self::None
        } else {
            Self::Networks(networks)
        })
    }

    /// The client's address, given the TCP peer's and the `X-Forwarded-For` values in the
    /// order they came. An entry that is not an address ends the walk: nothing to the left
    /// of it can be told apart from what the client wrote, so the hop that passed it on
    /// counts as the client.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = peer.to_canonical();
        let entries = forwarded_for
            .iter()
            .rev()
            .flat_map(|value| value.rsplit(','))
            .map(parse_entry);
        match self {
            Self::None => peer,
            Self::Count(count) => entries
                .take(*count)
                .map_while(|entry| entry)
                .last()
                .unwrap_or(peer),
            Self::Networks(networks) => {
                let trusted = |address: IpAddr| networks.iter().any(|n| n.contains(address));
                let mut client = peer;
                for entry in entries {
                    match entry {
                        Some(address) if trusted(client) => client = address,
                        _ => break,
                    }
                }
                client
            }
        }
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`) as some proxies write it.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|address| address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    fn client(trusted: &str, forwarded_for: &[&str]) -> String {
        TrustedProxies::parse(trusted)
            .map(|trusted| trusted.client(PEER, forwarded_for).to_string())
            .unwrap_or_else(|| format!("`{trusted}` does not parse"))
    }

    #[test]
    fn a_count_takes_that_many_entries_from_the_right() {
        assert_eq!(client("0", &["203.0.113.9"]), "10.0.0.1");
        assert_eq!(client("", &["203.0.113.9"]), "10.0.0.1");
        assert_eq!(client("1", &["198.51.100.1, 203.0.113.9"]), "203.0.113.9");
        assert_eq!(client("2", &["198.51.100.1, 203.0.113.9"]), "198.51.100.1");
        // Fewer entries than proxies: the farthest one there is.
        assert_eq!(client("3", &["198.51.100.1, 203.0.113.9"]), "198.51.100.1");
        // Several header lines are one list, in order.
        assert_eq!(
            client("2", &["198.51.100.1", "203.0.113.9"]),
            "198.51.100.1"
        );
        assert_eq!(client("1", &[]), "10.0.0.1");
    }

    #[test]
    fn garbage_ends_the_walk_at_the_hop_that_passed_it_on() {
        assert_eq!(client("1", &["not-an-address"]), "10.0.0.1");
        assert_eq!(client("2", &["junk, 203.0.113.9"]), "203.0.113.9");
        assert_eq!(client("1", &["203.0.113.9:4711"]), "203.0.113.9");
        assert_eq!(client("1", &["[2001:db8::1]:4711"]), "2001:db8::1");
    }

    #[test]
    fn networks_skip_trusted_hops_from_the_right() {
        let trusted = "10.0.0.0/8, 192.0.2.7";
        assert_eq!(
            client(trusted, &["198.51.100.1, 203.0.113.9, 192.0.2.7, 10.9.9.9"]),
            "203.0.113.9"
        );
        // Only trusted hops: the farthest of them.
        assert_eq!(client(trusted, &["10.1.1.1"]), "10.1.1.1");
        // A peer outside the networks is the client, whatever it says.
        assert_eq!(client("192.0.2.0/24", &["203.0.113.9"]), "10.0.0.1");
        assert_eq!(client("10.0.0.0/8", &["::ffff:203.0.113.9"]), "203.0.113.9");
    }

    #[test]
    fn networks_parse_strictly() {
        for good in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "::/0",
            "fd00::/8",
            "192.0.2.7",
            "::1",
        ] {
            assert!(Network::parse(good).is_some(), "{good}");
        }
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "10.0.0.0/+8",
            "proxy",
            "10.0.0.0/",
        ] {
            assert!(Network::parse(bad).is_none(), "{bad}");
        }
        let network = Network::parse("2001:db8::/32");
        assert!(network.is_some_and(|n| n.contains("2001:db8:1::1".parse().unwrap_or(PEER))));
        assert!(network.is_some_and(|n| !n.contains("2001:db9::1".parse().unwrap_or(PEER))));
    }
}
