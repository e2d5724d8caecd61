use super::*;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::Duration;

const REGION: &str = "ap-south-1";

fn credentials(secret: &str, token: Option<&str>) -> Credentials {
    Credentials::new("AKIDEXAMPLE", secret, token.map(str::to_owned), None, "test")
}

/// What the SDK's signer adds to `request` sent to `scheme://host`.
fn sdk_signature(scheme: &str, request: &Unsigned<'_>, credentials: &Credentials, now: SystemTime) -> Signature {
    let identity = Identity::from(credentials.clone());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("dynamodb")
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("{scheme}://{}{}", request.host, request.path);
    let signable =
        SignableRequest::new(request.method, &url, request.headers.iter().copied(), SignableBody::Bytes(request.body))
            .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let header = |name: &str| instructions.headers().find(|(n, _)| *n == name).map(|(_, v)| v.to_owned()).unwrap();
    Signature { date_time: header("x-amz-date"), authorization: header("authorization") }
}

fn json_post<'a>(host: &'a str, path: &'a str, headers: &'a [(&'a str, &'a str)]) -> Unsigned<'a> {
    Unsigned { method: "POST", host, path, headers, body: br#"{"TransactItems":[]}"# }
}

const HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/x-amz-json-1.0"),
    ("x-amz-target", "DynamoDB_20120810.TransactWriteItems"),
    ("content-length", "20"),
];

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

#[test]
fn a_json_post_is_signed_as_the_sdk_signs_it_with_and_without_a_session_token() {
    let signer = HeaderSigner::new("dynamodb", REGION);
    let now = at(1_796_000_000);
    for credentials in [credentials("secret", Some("session/token+==")), credentials("secret", None)] {
        for (scheme, host) in [("http", "127.0.0.1:18000"), ("https", "dynamodb.ap-south-1.amazonaws.com")] {
            let request = json_post(host, "", HEADERS);
            let ours = signer.sign(&request, &credentials, now).unwrap();
            assert_eq!(ours, sdk_signature(scheme, &request, &credentials, now), "{host}");
        }
    }
    let signed = signer.sign(&json_post("h", "/", HEADERS), &credentials("s", Some("t")), now).unwrap();
    assert!(
        signed
            .authorization
            .contains("SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"),
        "{}",
        signed.authorization
    );
}

#[test]
fn an_encoded_path_and_spaced_values_are_signed_as_the_sdk_signs_them() {
    let signer = HeaderSigner::new("dynamodb", REGION);
    let headers = [("x-amz-target", "  a   b  "), ("content-type", "text/plain"), ("x-custom", "")];
    let request =
        Unsigned { method: "GET", host: "example.com", path: "/@connections/a%3Db~c", headers: &headers, body: b"" };
    let credentials = credentials("secret", None);
    let now = at(1_796_000_000);
    assert_eq!(signer.sign(&request, &credentials, now).unwrap(), sdk_signature("https", &request, &credentials, now));
}

#[test]
fn the_kept_key_follows_the_day_and_the_secret() {
    let signer = HeaderSigner::new("dynamodb", REGION);
    let request = json_post("127.0.0.1:18000", "/", HEADERS);
    let midnight = 1_796_083_200; // 2026-12-01T00:00:00Z
    for (secret, seconds) in
        [("one", midnight - 1), ("one", midnight - 1), ("one", midnight), ("two", midnight + 5), ("one", midnight + 9)]
    {
        let credentials = credentials(secret, Some("t"));
        let ours = signer.sign(&request, &credentials, at(seconds)).unwrap();
        assert_eq!(ours, sdk_signature("http", &request, &credentials, at(seconds)), "{secret} at {seconds}");
    }
}

#[test]
fn what_the_sdk_would_rewrite_before_signing_is_refused() {
    let signer = HeaderSigner::new("dynamodb", REGION);
    let credentials = credentials("secret", None);
    for path in ["/a/../b", "/./a", "/a//b"] {
        let refused = signer.sign(&json_post("h", path, HEADERS), &credentials, at(0));
        assert_eq!(refused, Err(SigningRefused::Unnormalised(path.to_owned())));
    }
    let refused = signer.sign(&json_post("h", "/", &[("Content-Type", "x")]), &credentials, at(0));
    assert_eq!(refused, Err(SigningRefused::HeaderCase("Content-Type".to_owned())));
}

#[test]
fn a_clock_before_1970_or_past_9999_cannot_sign() {
    let signer = HeaderSigner::new("dynamodb", REGION);
    let credentials = credentials("secret", None);
    let request = json_post("h", "/", HEADERS);
    let before = SystemTime::UNIX_EPOCH - Duration::from_secs(1);
    assert_eq!(signer.sign(&request, &credentials, before), Err(SigningRefused::Clock));
    let after = at(253_402_300_800); // 10000-01-01T00:00:00Z
    assert_eq!(signer.sign(&request, &credentials, after), Err(SigningRefused::Clock));
    assert_eq!(amz_date_time(at(253_402_300_799)).as_deref(), Ok("99991231T235959Z"));
}
