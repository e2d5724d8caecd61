//! The `GET /webhook` handshake Meta performs when a webhook is configured.

use subtle::ConstantTimeEq;

/// Answers Meta's verification request: the challenge to echo when the mode is
/// `subscribe` and the token matches ours, `None` (→ 403) otherwise.
pub fn verify_subscription<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    verify_token: &str,
) -> Option<&'a str> {
    if mode != Some("subscribe") || verify_token.is_empty() {
        return None;
    }
    let token = token?;
    bool::from(token.as_bytes().ct_eq(verify_token.as_bytes())).then_some(challenge?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_the_challenge_only_for_a_matching_subscribe() {
        assert_eq!(verify_subscription(Some("subscribe"), Some("tok"), Some("42"), "tok"), Some("42"));
        assert_eq!(verify_subscription(Some("subscribe"), Some("bad"), Some("42"), "tok"), None);
        assert_eq!(verify_subscription(Some("unsubscribe"), Some("tok"), Some("42"), "tok"), None);
        assert_eq!(verify_subscription(Some("subscribe"), None, Some("42"), "tok"), None);
        assert_eq!(verify_subscription(Some("subscribe"), Some(""), Some("42"), ""), None);
        assert_eq!(verify_subscription(Some("subscribe"), Some("tok"), None, "tok"), None);
    }
}
