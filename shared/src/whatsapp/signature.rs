//! `X-Hub-Signature-256`: HMAC-SHA256 of the exact raw request body, keyed
//! with the app secret, sent as `sha256=<hex>`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook's signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// No `X-Hub-Signature-256` header.
    #[error("missing X-Hub-Signature-256 header")]
    Missing,
    /// The header is not `sha256=<64 hex digits>`.
    #[error("malformed X-Hub-Signature-256 header")]
    Malformed,
    /// The signature does not match the body.
    #[error("X-Hub-Signature-256 does not match the body")]
    Mismatch,
}

/// Checks `header` against `body` in constant time.
pub fn verify_signature(app_secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let hex_digest = header.trim().strip_prefix("sha256=").ok_or(SignatureError::Malformed)?;
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
    if expected.len() != 32 {
        return Err(SignatureError::Malformed);
    }
    let mut mac = HmacSha256::new_from_slice(app_secret).map_err(|_| SignatureError::Mismatch)?;
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

/// The header value Meta would send for `body` (used by the simulator and tests).
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(app_secret).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_its_own_signature_and_refuses_tampering() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let header = sign(b"secret", body);
        assert_eq!(verify_signature(b"secret", body, Some(&header)), Ok(()));
        assert_eq!(verify_signature(b"other", body, Some(&header)), Err(SignatureError::Mismatch));
        let mut tampered = body.to_vec();
        tampered[3] ^= 1;
        assert_eq!(verify_signature(b"secret", &tampered, Some(&header)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn refuses_missing_and_malformed_headers() {
        assert_eq!(verify_signature(b"s", b"{}", None), Err(SignatureError::Missing));
        assert_eq!(verify_signature(b"s", b"{}", Some("sha1=00")), Err(SignatureError::Malformed));
        assert_eq!(verify_signature(b"s", b"{}", Some("sha256=zz")), Err(SignatureError::Malformed));
        assert_eq!(verify_signature(b"s", b"{}", Some("sha256=00")), Err(SignatureError::Malformed));
    }

    #[test]
    fn matches_an_independent_implementation() {
        // `printf '{}' | openssl dgst -sha256 -hmac key`
        assert_eq!(sign(b"key", b"{}"), "sha256=a777724d943eb48dc69bca8a4a6d57a04db3f9ec7e1de4e581e860265bdf3032");
    }
}
