//! The three Secrets Manager calls Parley makes (read a secret, write a new
//! value, create one), over its JSON protocol rather than the SDK's client:
//! see [`aws_json`](super::aws_json) for why and what it keeps of the SDK.

use super::aws_json::{CallFailure, JsonProtocol, SECRETS_MANAGER};
use aws_types::SdkConfig;
use bytes::Bytes;
use serde_json::{json, Value};

/// Why a call failed; the text names the call and AWS's error, never a
/// secret's value.
#[derive(Debug, thiserror::Error)]
#[error("Secrets Manager {0}")]
pub struct SecretsCallError(String);

/// A Secrets Manager client. Building it sends nothing.
#[derive(Debug, Clone)]
pub struct SecretsManagerClient {
    protocol: JsonProtocol,
}

impl SecretsManagerClient {
    /// A client with `config`'s region, credentials, retries and endpoint.
    pub fn new(config: &SdkConfig) -> Self {
        SecretsManagerClient { protocol: JsonProtocol::new(&SECRETS_MANAGER, config, super::aws::connector(config)) }
    }

    #[cfg(test)]
    fn over(protocol: JsonProtocol) -> Self {
        SecretsManagerClient { protocol }
    }

    /// The secret's text (`GetSecretValue`); `None` when there is no such
    /// secret.
    pub async fn secret_string(&self, id: &str) -> Result<Option<String>, SecretsCallError> {
        let answer = match self.call("GetSecretValue", json!({ "SecretId": id })).await {
            Ok(answer) => answer,
            Err(Refused::NotFound) => return Ok(None),
            Err(other) => return Err(other.into_error("GetSecretValue")),
        };
        match answer.get("SecretString").and_then(Value::as_str) {
            Some(text) => Ok(Some(text.to_owned())),
            None => Err(SecretsCallError(format!("GetSecretValue: {id} holds no text"))),
        }
    }

    /// Writes `value` as the secret's new current value (`PutSecretValue`);
    /// `false` when there is no such secret.
    pub async fn put_secret_string(&self, id: &str, value: &str) -> Result<bool, SecretsCallError> {
        let body = json!({ "SecretId": id, "SecretString": value, "ClientRequestToken": request_token() });
        match self.call("PutSecretValue", body).await {
            Ok(_) => Ok(true),
            Err(Refused::NotFound) => Ok(false),
            Err(other) => Err(other.into_error("PutSecretValue")),
        }
    }

    /// Creates the secret `name` holding `value` (`CreateSecret`); `false`
    /// when a secret of that name exists already.
    pub async fn create_secret(&self, name: &str, description: &str, value: &str) -> Result<bool, SecretsCallError> {
        let body = json!({
            "Name": name, "Description": description, "SecretString": value, "ClientRequestToken": request_token()
        });
        match self.call("CreateSecret", body).await {
            Ok(_) => Ok(true),
            Err(Refused::Exists) => Ok(false),
            Err(other) => Err(other.into_error("CreateSecret")),
        }
    }

    /// Sets the secret `name` to `value`, creating it (with `description`)
    /// if it does not exist yet. Of two first writes at once, the later
    /// writes over the other's, as the later of two saves does.
    pub async fn write(&self, name: &str, description: &str, value: &str) -> Result<(), SecretsCallError> {
        if self.put_secret_string(name, value).await? || self.create_secret(name, description, value).await? {
            return Ok(());
        }
        match self.put_secret_string(name, value).await? {
            true => Ok(()),
            false => Err(SecretsCallError(format!("PutSecretValue: {name} was created and then deleted"))),
        }
    }

    async fn call(&self, operation: &str, body: Value) -> Result<Value, Refused> {
        let target = format!("secretsmanager.{operation}");
        match self.protocol.call(&target, Bytes::from(body.to_string())).await {
            Ok(answer) => {
                serde_json::from_slice(&answer).map_err(|e| Refused::Other(format!("an unreadable answer: {e}")))
            }
            Err(CallFailure::Refused(r)) if r.code == "ResourceNotFoundException" => Err(Refused::NotFound),
            Err(CallFailure::Refused(r)) if r.code == "ResourceExistsException" => Err(Refused::Exists),
            Err(CallFailure::Refused(r)) => Err(Refused::Other(r.to_string())),
            Err(CallFailure::Unavailable(why)) => Err(Refused::Other(why)),
        }
    }
}

/// How a call failed, with the two refusals callers act on named.
enum Refused {
    NotFound,
    Exists,
    Other(String),
}

impl Refused {
    fn into_error(self, operation: &str) -> SecretsCallError {
        let why = match self {
            Refused::NotFound => "ResourceNotFoundException".to_owned(),
            Refused::Exists => "ResourceExistsException".to_owned(),
            Refused::Other(why) => why,
        };
        SecretsCallError(format!("{operation}: {why}"))
    }
}

/// The idempotency token a new secret version needs: the SDK fills one in
/// for its callers, and a raw request must bring its own (32–64 characters).
fn request_token() -> String {
    format!("{:032x}", fastrand::u128(..))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};

    fn client(connector: &Scripted) -> SecretsManagerClient {
        SecretsManagerClient::over(JsonProtocol::new(&SECRETS_MANAGER, &config(), connector.connector()))
    }

    #[tokio::test]
    async fn a_read_gives_the_text_or_none_for_a_secret_that_does_not_exist() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (200, r#"{"ARN":"arn:x","Name":"app","SecretString":"{\"k\":\"v\"}","VersionId":"1"}"#),
            (
                400,
                r#"{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}"#,
            ),
            (200, r#"{"ARN":"arn:x","Name":"bin","SecretBinary":"aGk="}"#),
        ];
        let client = client(&connector);
        assert_eq!(client.secret_string("app").await.unwrap().as_deref(), Some(r#"{"k":"v"}"#));
        assert_eq!(client.secret_string("gone").await.unwrap(), None);
        let binary = client.secret_string("bin").await.unwrap_err().to_string();
        assert_eq!(binary, "Secrets Manager GetSecretValue: bin holds no text");
        let sent = connector.seen.lock().unwrap();
        assert_eq!(sent[0].2["x-amz-target"], "secretsmanager.GetSecretValue");
        assert_eq!(serde_json::from_slice::<Value>(&sent[0].3).unwrap(), json!({ "SecretId": "app" }));
    }

    #[tokio::test]
    async fn writes_carry_a_fresh_request_token_and_say_whether_the_secret_was_there() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (400, r#"{"__type":"ResourceNotFoundException","message":"not found"}"#),
            (200, r#"{"ARN":"arn:x","Name":"t","VersionId":"v1"}"#),
            (400, r#"{"__type":"ResourceExistsException","message":"exists"}"#),
            (400, r#"{"__type":"AccessDeniedException","Message":"not allowed"}"#),
        ];
        let client = client(&connector);
        assert!(!client.put_secret_string("t", "value-one").await.unwrap(), "no such secret");
        assert!(client.create_secret("t", "about t", "value-one").await.unwrap(), "created");
        assert!(!client.create_secret("t", "about t", "value-one").await.unwrap(), "already there");
        let denied = client.put_secret_string("t", "value-two").await.unwrap_err().to_string();
        assert_eq!(denied, "Secrets Manager PutSecretValue: AccessDeniedException: not allowed");
        assert!(!denied.contains("value-two"), "the value is never in an error");

        let sent = connector.seen.lock().unwrap();
        let bodies: Vec<Value> = sent.iter().map(|(_, _, _, body)| serde_json::from_slice(body).unwrap()).collect();
        assert_eq!(sent[1].2["x-amz-target"], "secretsmanager.CreateSecret");
        assert_eq!((&bodies[1]["Name"], &bodies[1]["SecretString"]), (&json!("t"), &json!("value-one")));
        let tokens: Vec<&str> = bodies.iter().map(|b| b["ClientRequestToken"].as_str().unwrap()).collect();
        assert!(tokens.iter().all(|t| t.len() == 32), "{tokens:?}");
        assert_ne!(tokens[0], tokens[3], "each write is a new version");
    }
}
