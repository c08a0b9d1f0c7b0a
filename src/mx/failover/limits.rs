//! The address limits of a profile, as they apply to one MX list.

use std::collections::HashSet;
use std::net::IpAddr;

use super::profile::Profile;
use super::sender::SenderList;

/// How many addresses a sender tries in one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limits {
    /// Every address.
    None,
    /// At most this many distinct addresses (Postfix `smtp_mx_address_limit`,
    /// or an `--address-limit` override).
    Total(usize),
    /// Exim: `soft` checked only before an address of another preference
    /// than the last one tried, `hard` always.
    Exim { soft: usize, hard: usize },
    /// Postfix with `smtp_balance_inet_protocols`: of the list's distinct
    /// addresses, in list order, only the first `v6` IPv6 and the first `v4`
    /// IPv4 ones are kept (`v6 + v4` is the limit).
    Balanced { v6: usize, v4: usize },
}

impl Limits {
    pub fn of(list: &SenderList, profile: &Profile) -> Self {
        let soft = profile.address_limit.map(|l| l as usize);
        let hard = profile.address_limit_hard.map(|l| l as usize);
        match (soft, hard) {
            (None, None) => Limits::None,
            (None, Some(h)) => Limits::Total(h),
            (Some(s), Some(h)) => Limits::Exim { soft: s, hard: h },
            (Some(l), None) => {
                if !profile.balance_families {
                    return Limits::Total(l);
                }
                let distinct: HashSet<IpAddr> = list
                    .hosts()
                    .flat_map(|h| h.addresses.iter().map(|&(ip, _)| ip))
                    .collect();
                let n6 = distinct.iter().filter(|ip| ip.is_ipv6()).count();
                let n4 = distinct.len() - n6;
                match balance(l, n6, n4) {
                    Some((v6, v4)) => Limits::Balanced { v6, v4 },
                    None => Limits::Total(l),
                }
            }
        }
    }

    /// The same limits without any cut: what the hosts would get with none.
    pub fn is_none(self) -> bool {
        self == Limits::None
    }
}

/// "postfix tries at most 5 addresses per delivery attempt
/// (smtp_mx_address_limit)", with the profile's own terms.
pub fn limit_sentence(profile: &Profile, limits: Limits) -> Option<String> {
    let name = &profile.name;
    Some(match limits {
        Limits::None => return None,
        Limits::Total(l) => format!(
            "{name} tries at most {l} addresses per delivery attempt{}",
            if name == "postfix" {
                " (smtp_mx_address_limit)"
            } else {
                ""
            }
        ),
        Limits::Exim { soft, hard } => format!(
            "{name} tries at most {soft} addresses per delivery attempt unless the next has the same preference as the last tried, and {hard} in all (hosts_max_try, hosts_max_try_hardlimit)"
        ),
        Limits::Balanced { v6, v4 } => format!(
            "{name} tries at most {} addresses per delivery attempt (smtp_mx_address_limit), keeping only the first {v6} IPv6 and {v4} IPv4 addresses of its list (smtp_balance_inet_protocols)",
            v6 + v4
        ),
    })
}

/// Postfix `smtp_balance_inet_proto()`: with both families present and more
/// addresses than the limit `l`, the (IPv6, IPv4) counts kept: half each,
/// the odd one to IPv6, and a family with fewer addresses than its half
/// gives the rest to the other. `None` when nothing is stripped.
pub fn balance(l: usize, n6: usize, n4: usize) -> Option<(usize, usize)> {
    if n6 == 0 || n4 == 0 || n6 + n4 <= l {
        return None;
    }
    let (mut v6, mut v4) = (l.div_ceil(2), l / 2);
    if v6 > n6 {
        v4 += v6 - n6;
        v6 = n6;
    } else if v4 > n4 {
        v6 += v4 - n4;
        v4 = n4;
    }
    Some((v6, v4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_splits_the_limit() {
        assert_eq!(balance(5, 4, 4), Some((3, 2)));
        assert_eq!(balance(5, 1, 9), Some((1, 4)));
        assert_eq!(balance(5, 9, 1), Some((4, 1)));
        assert_eq!(balance(5, 3, 2), None, "five fit");
        assert_eq!(balance(5, 6, 0), None, "one family");
        assert_eq!(balance(4, 3, 3), Some((2, 2)));
    }
}
