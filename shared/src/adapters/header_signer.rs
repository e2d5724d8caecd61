//! Signature Version 4 in a request's headers, for requests that carry no
//! query and are signed with the default settings: the JSON protocols'
//! `POST /` ([`aws_json`](super::aws_json)).
//!
//! Why not the SDK's signer (aws-sigv4, which S3 and presigned links still
//! use): for the webhook's one DynamoDB transaction a message, it was a
//! tenth of the function's CPU: it copies every header into a map, builds
//! the canonical request as owned strings, and derives the signing key
//! (four HMACs) at every call. Here the canonical request is written into
//! one buffer and the key is derived once a day per secret. Its output is
//! the SDK's, byte for byte: the tests sign the same requests with both.

use aws_credential_types::Credentials;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// What a signed request adds to its headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// `x-amz-date`.
    pub date_time: String,
    /// `authorization`.
    pub authorization: String,
}

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SigningRefused {
    /// Dot segments and empty ones would be resolved before signing; no
    /// Parley request has them.
    #[error("the path {0:?} has dot or empty segments, which this signer does not resolve")]
    Unnormalised(String),
    /// A header name with capitals would be signed in lower case while sent as given.
    #[error("the header name {0:?} is not in lower case")]
    HeaderCase(String),
    /// The clock is before 1970 or past 9999.
    #[error("the clock cannot be written as a signing time")]
    Clock,
}

/// A request to sign.
#[derive(Debug, Clone, Copy)]
pub struct Unsigned<'a> {
    /// `POST`, `GET`…
    pub method: &'a str,
    /// The `Host` header as sent: without the scheme's default port.
    pub host: &'a str,
    /// The path, already percent-encoded as sent.
    pub path: &'a str,
    /// Headers sent and signed, names in lower case (beside `host`,
    /// `x-amz-date` and `x-amz-security-token`, which the signer adds).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

/// Signs one service's requests in one region, keeping the day's signing key.
#[derive(Debug, Clone)]
pub struct HeaderSigner {
    service: &'static str,
    region: String,
    key: Arc<Mutex<Option<DayKey>>>,
}

/// A signing key and what it was derived from.
#[derive(Debug)]
struct DayKey {
    date: String,
    secret: String,
    key: [u8; 32],
}

impl HeaderSigner {
    /// A signer for `service` (`dynamodb`) in `region`.
    pub fn new(service: &'static str, region: &str) -> Self {
        HeaderSigner { service, region: region.to_owned(), key: Arc::default() }
    }

    /// The headers that sign `request` with `credentials` at `now` (the
    /// session token, when there is one, is sent as `x-amz-security-token`).
    pub fn sign(
        &self,
        request: &Unsigned<'_>,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Signature, SigningRefused> {
        let date_time = amz_date_time(now)?;
        let date = &date_time[..8];
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(request.headers.len() + 3);
        for &(name, value) in request.headers {
            if name.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(SigningRefused::HeaderCase(name.to_owned()));
            }
            headers.push((name, value));
        }
        headers.push(("host", request.host));
        headers.push(("x-amz-date", &date_time));
        if let Some(token) = credentials.session_token() {
            headers.push(("x-amz-security-token", token));
        }
        // Stable, so that a name sent twice keeps its values' order.
        headers.sort_by(|a, b| a.0.cmp(b.0));

        let mut canonical = String::with_capacity(512);
        canonical.push_str(request.method);
        canonical.push('\n');
        canonical_path(request.path, &mut canonical)?;
        canonical.push_str("\n\n");
        let mut signed_headers = String::with_capacity(128);
        let mut previous: Option<&str> = None;
        for (name, value) in &headers {
            if previous == Some(name) {
                canonical.push(',');
            } else {
                if previous.is_some() {
                    canonical.push('\n');
                    signed_headers.push(';');
                }
                canonical.push_str(name);
                canonical.push(':');
                signed_headers.push_str(name);
            }
            push_trimmed(value, &mut canonical);
            previous = Some(name);
        }
        canonical.push_str("\n\n");
        canonical.push_str(&signed_headers);
        canonical.push('\n');
        push_hex(&Sha256::digest(request.body), &mut canonical);

        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let mut string_to_sign = String::with_capacity(160);
        let _ = write!(string_to_sign, "{ALGORITHM}\n{date_time}\n{scope}\n");
        push_hex(&Sha256::digest(canonical.as_bytes()), &mut string_to_sign);

        let key = self.day_key(date, credentials.secret_access_key());
        let mut signature = String::with_capacity(64);
        push_hex(&hmac(&key, string_to_sign.as_bytes()), &mut signature);
        let authorization = format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            credentials.access_key_id()
        );
        Ok(Signature { date_time, authorization })
    }

    /// The signing key of `date` for `secret`, derived when either changed.
    fn day_key(&self, date: &str, secret: &str) -> [u8; 32] {
        let mut kept = self.key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(day) = kept.as_ref().filter(|day| day.date == date && day.secret == secret) {
            return day.key;
        }
        let key = hmac(
            &hmac(
                &hmac(&hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes()), self.region.as_bytes()),
                self.service.as_bytes(),
            ),
            b"aws4_request",
        );
        *kept = Some(DayKey { date: date.to_owned(), secret: secret.to_owned(), key });
        key
    }
}

/// `now` as `x-amz-date` gives it: `20261206T211859Z`. Written from
/// the `time` crate's calendar fields, which every function links already
/// (a format string parser would be more code in every binary).
fn amz_date_time(now: SystemTime) -> Result<String, SigningRefused> {
    let seconds = now.duration_since(SystemTime::UNIX_EPOCH).map_err(|_| SigningRefused::Clock)?.as_secs();
    let at = i64::try_from(seconds)
        .ok()
        .and_then(|seconds| time::OffsetDateTime::from_unix_timestamp(seconds).ok())
        .filter(|at| at.year() <= 9999)
        .ok_or(SigningRefused::Clock)?;
    let mut text = String::with_capacity(16);
    let (year, month, day) = (at.year(), u8::from(at.month()), at.day());
    let _ = write!(text, "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", at.hour(), at.minute(), at.second());
    Ok(text)
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The path as signed with the default settings: `/` when empty, and
/// encoded once more (a `%` becomes `%25`).
fn canonical_path(path: &str, out: &mut String) -> Result<(), SigningRefused> {
    if path.contains("//") || path.split('/').any(|segment| segment == "." || segment == "..") {
        return Err(SigningRefused::Unnormalised(path.to_owned()));
    }
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(&super::aws_signed::percent_encoded(path, true));
    Ok(())
}

/// `value` without leading or trailing spaces, each run of spaces inside it as one.
fn push_trimmed(value: &str, out: &mut String) {
    let mut words = value.split(' ').filter(|word| !word.is_empty());
    if let Some(first) = words.next() {
        out.push_str(first);
    }
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
}

fn push_hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
}

#[cfg(test)]
mod tests;
