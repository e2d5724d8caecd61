//! The deployment's secrets, by name, and where a function reads them from.
//!
//! On AWS the stack keeps them in Secrets Manager and a function's
//! environment holds only the ids of the secrets it may read (IAM allows
//! `GetSecretValue` on those alone). Locally and in tests they are plain
//! variables with development defaults (infra/defaults.sh).

use super::{ConfigError, Environment};
use std::collections::BTreeMap;

/// One secret value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretName {
    /// Meta's app secret: signs every webhook.
    WhatsAppAppSecret,
    /// The token typed into Meta's webhook settings.
    WhatsAppVerifyToken,
    /// The Cloud API system-user token.
    WhatsAppAccessToken,
    /// The first administrator's initial password.
    AdminPassword,
    /// The key contact ids are derived with (a keyed hash of the identity).
    ContactIdKey,
    /// What CloudFront sends the API to prove a request came through it, so
    /// that its `CloudFront-Viewer-Address` can be trusted.
    OriginKey,
    /// IndiaMART's CRM key (optional: without it nothing is pulled).
    IndiaMartKey,
}

impl SecretName {
    /// Every secret.
    pub const ALL: [SecretName; 7] = [
        SecretName::WhatsAppAppSecret,
        SecretName::WhatsAppVerifyToken,
        SecretName::WhatsAppAccessToken,
        SecretName::AdminPassword,
        SecretName::ContactIdKey,
        SecretName::OriginKey,
        SecretName::IndiaMartKey,
    ];

    /// The variable the local stack reads it from.
    pub fn variable(self) -> &'static str {
        match self {
            SecretName::WhatsAppAppSecret => "WHATSAPP_APP_SECRET",
            SecretName::WhatsAppVerifyToken => "WHATSAPP_VERIFY_TOKEN",
            SecretName::WhatsAppAccessToken => "WHATSAPP_ACCESS_TOKEN",
            SecretName::AdminPassword => "PARLEY_ADMIN_PASSWORD",
            SecretName::ContactIdKey => "PARLEY_CONTACT_ID_KEY",
            SecretName::OriginKey => "PARLEY_ORIGIN_KEY",
            SecretName::IndiaMartKey => "INDIAMART_CRM_KEY",
        }
    }

    /// Its key in the stack's JSON secret (`PARLEY_SECRETS_ID`).
    pub fn json_key(self) -> &'static str {
        match self {
            SecretName::WhatsAppAppSecret => "whatsapp_app_secret",
            SecretName::WhatsAppVerifyToken => "whatsapp_verify_token",
            SecretName::WhatsAppAccessToken => "whatsapp_access_token",
            SecretName::AdminPassword => "admin_password",
            SecretName::ContactIdKey => "contact_id_key",
            SecretName::OriginKey => "origin_key",
            SecretName::IndiaMartKey => "indiamart_crm_key",
        }
    }
}

/// Why a secret could not be had. Never carries a secret value.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// A secret the function needs is not there.
    #[error("the secret {} is not configured", .0.json_key())]
    Missing(SecretName),
    /// Secrets Manager could not be reached or refused.
    #[error("secrets unavailable: {0}")]
    Unavailable(String),
    /// A key secret is too short to be a key.
    #[error("the secret {} is too short to be a key", .0.json_key())]
    WeakKey(SecretName),
    /// A stored secret is not in the expected shape.
    #[error("the secret {0} is not a JSON object of strings")]
    Malformed(String),
}

/// Secret values by name. `Debug` shows which are present, never a value.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AppSecrets(BTreeMap<SecretName, String>);

impl std::fmt::Debug for AppSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl AppSecrets {
    /// These secrets plus `name` (an empty value counts as absent).
    pub fn with(mut self, name: SecretName, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(name, value);
        }
        self
    }

    /// A secret that must be there.
    pub fn get(&self, name: SecretName) -> Result<&str, SecretsError> {
        self.optional(name).ok_or(SecretsError::Missing(name))
    }

    /// A secret that may be absent.
    pub fn optional(&self, name: SecretName) -> Option<&str> {
        self.0.get(&name).map(String::as_str)
    }

    /// The key contact ids are derived with; a key too short to keep ids
    /// from being recomputed from phone numbers is refused.
    pub fn contact_id_key(&self) -> Result<crate::domain::ContactIdKey, SecretsError> {
        let key = self.get(SecretName::ContactIdKey)?;
        crate::domain::ContactIdKey::new(key.as_bytes()).map_err(|_| SecretsError::WeakKey(SecretName::ContactIdKey))
    }

    /// The first of `required` that is absent.
    pub fn first_missing(&self, required: &[SecretName]) -> Option<SecretName> {
        required.iter().copied().find(|name| !self.0.contains_key(name))
    }

    /// Adds every string field of a JSON object whose key names a secret.
    pub fn merge_json(mut self, id: &str, json: &str) -> Result<Self, SecretsError> {
        let object: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|_| SecretsError::Malformed(id.to_owned()))?;
        for name in SecretName::ALL {
            match object.get(name.json_key()) {
                Some(serde_json::Value::String(value)) => self = self.with(name, value.as_str()),
                Some(_) => return Err(SecretsError::Malformed(id.to_owned())),
                None => {}
            }
        }
        Ok(self)
    }
}

/// A Secrets Manager secret and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    /// Its ARN or name.
    pub id: String,
    /// `None`: a JSON object keyed by [`SecretName::json_key`]; `Some`: one
    /// plain value (a generated secret).
    pub plain: Option<SecretName>,
}

/// The variable naming the stack's JSON secret (app secret, tokens, admin password).
pub const SECRETS_ID: &str = "PARLEY_SECRETS_ID";
/// The variable naming the generated contact-id key.
pub const CONTACT_ID_KEY_SECRET_ID: &str = "PARLEY_CONTACT_ID_KEY_SECRET_ID";
/// The variable naming the generated CloudFront origin key.
pub const ORIGIN_KEY_SECRET_ID: &str = "PARLEY_ORIGIN_KEY_SECRET_ID";
/// The variable naming where accounts' own token secrets are, which the
/// API reads and writes (admins set them) and the sender reads.
pub const ACCOUNT_TOKEN_SECRET_PREFIX: &str = "ACCOUNT_TOKEN_SECRET_PREFIX";

/// What [`ACCOUNT_TOKEN_SECRET_PREFIX`] is when unset (locally).
pub const DEFAULT_ACCOUNT_TOKEN_PREFIX: &str = "parley/account-token/";

/// `ACCOUNT_TOKEN_SECRET_PREFIX`: the name each WhatsApp Business Account's
/// own token secret starts with (the account id follows).
pub fn account_token_prefix(env: &Environment) -> String {
    env.optional(ACCOUNT_TOKEN_SECRET_PREFIX).unwrap_or_else(|| DEFAULT_ACCOUNT_TOKEN_PREFIX.to_owned())
}

/// The variable naming the AI provider key's secret, which the API reads
/// and writes (admins set the key) apart from the secrets above.
pub const AI_KEY_SECRET_ID: &str = "AI_KEY_SECRET_ID";

/// Where a function's secrets come from, chosen by its settings at cold start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// Read from variables at cold start: the local stack and tests.
    Environment(AppSecrets),
    /// Fetched from Secrets Manager on first use, then kept.
    SecretsManager {
        /// The secrets to read.
        stored: Vec<StoredSecret>,
        /// What must be among them.
        required: Vec<SecretName>,
    },
}

impl SecretSource {
    /// Secrets Manager when any secret id variable is set (on AWS),
    /// otherwise the variables themselves. For variables, a missing
    /// `required` one fails now; for Secrets Manager, on first use.
    pub fn from_environment(env: &Environment, required: &[SecretName]) -> Result<Self, ConfigError> {
        let stored: Vec<StoredSecret> = [
            (SECRETS_ID, None),
            (CONTACT_ID_KEY_SECRET_ID, Some(SecretName::ContactIdKey)),
            (ORIGIN_KEY_SECRET_ID, Some(SecretName::OriginKey)),
        ]
        .into_iter()
        .filter_map(|(variable, plain)| env.optional(variable).map(|id| StoredSecret { id, plain }))
        .collect();
        if !stored.is_empty() {
            return Ok(SecretSource::SecretsManager { stored, required: required.to_vec() });
        }
        let secrets = SecretName::ALL
            .into_iter()
            .fold(AppSecrets::default(), |s, name| s.with(name, env.optional(name.variable()).unwrap_or_default()));
        match secrets.first_missing(required) {
            Some(name) => Err(ConfigError::Missing(name.variable())),
            None => Ok(SecretSource::Environment(secrets)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locally_secrets_are_variables_and_a_missing_one_fails_at_once() {
        let env = Environment::from_pairs([("WHATSAPP_APP_SECRET", "s3cret"), ("PARLEY_CONTACT_ID_KEY", "k")]);
        let source = SecretSource::from_environment(&env, &[SecretName::WhatsAppAppSecret]).unwrap();
        let SecretSource::Environment(secrets) = source else { panic!("variables, not Secrets Manager") };
        assert_eq!(secrets.get(SecretName::WhatsAppAppSecret).unwrap(), "s3cret");
        assert!(secrets.contact_id_key().is_err(), "a one-byte key is refused");
        assert!(secrets.optional(SecretName::OriginKey).is_none());
        assert_eq!(
            SecretSource::from_environment(&env, &[SecretName::WhatsAppVerifyToken]),
            Err(ConfigError::Missing("WHATSAPP_VERIFY_TOKEN"))
        );
    }

    #[test]
    fn on_aws_only_the_secret_ids_are_in_the_environment() {
        let env = Environment::from_pairs([
            (SECRETS_ID, "arn:app"),
            (CONTACT_ID_KEY_SECRET_ID, "arn:key"),
            ("WHATSAPP_APP_SECRET", "ignored"),
        ]);
        let source = SecretSource::from_environment(&env, &[SecretName::WhatsAppAppSecret]).unwrap();
        assert_eq!(
            source,
            SecretSource::SecretsManager {
                stored: vec![
                    StoredSecret { id: "arn:app".into(), plain: None },
                    StoredSecret { id: "arn:key".into(), plain: Some(SecretName::ContactIdKey) },
                ],
                required: vec![SecretName::WhatsAppAppSecret],
            }
        );
    }

    #[test]
    fn debug_and_errors_never_show_a_value() {
        let secrets = AppSecrets::default().with(SecretName::WhatsAppAccessToken, "EAAG-very-secret");
        assert!(!format!("{secrets:?}").contains("very-secret"));
        let malformed = AppSecrets::default().merge_json("arn:app", r#"{"whatsapp_app_secret": 42}"#).unwrap_err();
        assert!(!malformed.to_string().contains("42"), "{malformed}");
        let garbled = AppSecrets::default().merge_json("arn:app", "EAAG-very-secret").unwrap_err();
        assert!(!garbled.to_string().contains("very-secret"), "{garbled}");
        assert_eq!(
            SecretsError::Missing(SecretName::AdminPassword).to_string(),
            "the secret admin_password is not configured"
        );
    }

    #[test]
    fn the_stack_secret_is_a_json_object_keyed_by_name() {
        let secrets = AppSecrets::default()
            .merge_json("arn:app", r#"{"whatsapp_app_secret": "a", "admin_password": "p", "other": "x"}"#)
            .unwrap();
        assert_eq!(secrets.get(SecretName::WhatsAppAppSecret).unwrap(), "a");
        assert_eq!(secrets.get(SecretName::AdminPassword).unwrap(), "p");
        assert_eq!(
            secrets.first_missing(&[SecretName::AdminPassword, SecretName::ContactIdKey]),
            Some(SecretName::ContactIdKey)
        );
    }
}
