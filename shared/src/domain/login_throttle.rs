//! Login throttling: which counters a sign-in attempt counts against, and
//! how many attempts each allows in a fixed window.
//!
//! Three counters, so that a lock set off from one place does not lock the
//! real user out from theirs:
//! - e-mail × source: the usual lock; five tries from one address;
//! - source: one address spraying guesses over many e-mails;
//! - e-mail: a much higher ceiling against guessing spread over many
//!   addresses (a botnet). Reaching it does lock the e-mail everywhere, but
//!   only after far more guesses than one address could make.
//!
//! An attempt is counted *before* the password is checked, so parallel
//! guesses cannot all pass. A success forgives what it cost (see
//! [`crate::ports::LoginThrottle::forgive_login_attempt`]).

use super::Millis;
use std::net::IpAddr;

/// Where a sign-in came from, reduced to what one party controls: an IPv4
/// address, or an IPv6 /64 (one subscriber's usual allocation).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginSource(String);

impl LoginSource {
    /// The source of a request from `ip`; an unknown address is one shared
    /// source, which is the old per-e-mail behaviour.
    pub fn of(ip: Option<IpAddr>) -> Self {
        let Some(ip) = ip else { return LoginSource("unknown".to_owned()) };
        match ip {
            IpAddr::V4(v4) => LoginSource(v4.to_string()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => LoginSource(v4.to_string()),
                None => {
                    let s = v6.segments();
                    LoginSource(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
                }
            },
        }
    }

    /// As text (never contains `#`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One attempt's identity: whose e-mail, from where, in which window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// The e-mail tried, normalised.
    pub email: String,
    /// Where from.
    pub source: LoginSource,
    /// The window's first instant.
    pub window_start: Millis,
    /// The window's end (counters can be collected after it).
    pub window_end: Millis,
}

/// Attempts counted in the window so far, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCounts {
    /// For this e-mail from this source.
    pub email_from_source: u64,
    /// From this source, any e-mail.
    pub source: u64,
    /// For this e-mail, from anywhere.
    pub email: u64,
}

/// How many attempts each counter allows per fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// The fixed window's length.
    pub window_ms: i64,
    /// Attempts for one e-mail from one source.
    pub per_email_from_source: u64,
    /// Attempts from one source.
    pub per_source: u64,
    /// Attempts for one e-mail from anywhere.
    pub per_email: u64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits { window_ms: 15 * 60_000, per_email_from_source: 5, per_source: 30, per_email: 100 }
    }
}

impl LoginLimits {
    /// The attempt `email` from `source` makes at `now`.
    pub fn attempt(&self, email: &str, source: LoginSource, now: Millis) -> LoginAttempt {
        let window = self.window_ms.max(1);
        let start = now.0 - now.0.rem_euclid(window);
        LoginAttempt {
            email: email.to_owned(),
            source,
            window_start: Millis(start),
            window_end: Millis(start + window),
        }
    }

    /// `Ok` when the attempt may go on to the password check; otherwise the
    /// whole minutes until its window ends.
    pub fn verdict(&self, attempt: &LoginAttempt, counts: AttemptCounts, now: Millis) -> Result<(), i64> {
        let within = counts.email_from_source <= self.per_email_from_source
            && counts.source <= self.per_source
            && counts.email <= self.per_email;
        if within {
            Ok(())
        } else {
            let left = (attempt.window_end.0 - now.0).max(1);
            Err((left + 59_999) / 60_000)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn counts(email_from_source: u64, source: u64, email: u64) -> AttemptCounts {
        AttemptCounts { email_from_source, source, email }
    }

    #[test]
    fn each_counter_has_its_own_limit() {
        let throttle = LoginLimits::default();
        let now = Millis(1_800_000_000_000);
        let attempt = throttle.attempt("a@b.c", LoginSource::of(None), now);
        assert_eq!(throttle.verdict(&attempt, counts(5, 30, 100), now), Ok(()));
        assert!(throttle.verdict(&attempt, counts(6, 1, 1), now).is_err(), "a sixth try from one place");
        assert!(throttle.verdict(&attempt, counts(1, 31, 1), now).is_err(), "a 31st e-mail from one place");
        assert!(throttle.verdict(&attempt, counts(1, 1, 101), now).is_err(), "a 101st try from anywhere");
    }

    #[test]
    fn windows_are_fixed_and_the_wait_is_until_the_window_ends() {
        let throttle = LoginLimits::default();
        // 1_800_000_000_000 is a whole number of 15-minute windows.
        let start = Millis(1_800_000_000_000);
        let attempt = throttle.attempt("a@b.c", LoginSource::of(None), Millis(start.0 + 60_000));
        assert_eq!((attempt.window_start, attempt.window_end), (start, Millis(start.0 + 900_000)));
        assert_eq!(throttle.verdict(&attempt, counts(6, 6, 6), Millis(start.0 + 60_000)), Err(14));
        assert_eq!(throttle.verdict(&attempt, counts(6, 6, 6), Millis(start.0 + 899_999)), Err(1));
    }

    #[test]
    fn an_ipv6_subscriber_is_one_source_and_a_mapped_ipv4_is_the_ipv4() {
        let a = LoginSource::of(Some(IpAddr::V6("2001:db8:1:2:aaaa::1".parse::<Ipv6Addr>().unwrap())));
        let b = LoginSource::of(Some(IpAddr::V6("2001:db8:1:2:bbbb::9".parse::<Ipv6Addr>().unwrap())));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "2001:db8:1:2::/64");
        let mapped = LoginSource::of(Some(IpAddr::V6(Ipv4Addr::new(203, 0, 113, 7).to_ipv6_mapped())));
        assert_eq!(mapped.as_str(), "203.0.113.7");
        assert!(!mapped.as_str().contains('#') && !a.as_str().contains('#'));
    }
}
