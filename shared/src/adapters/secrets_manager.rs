//! A function's secrets: read once, on first use, then kept for the life of
//! the container. Building a [`SecretStore`] makes no network call, so a cold
//! start never waits on Secrets Manager.

use super::secrets_manager_client::SecretsManagerClient;
use crate::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError, StoredSecret};
use aws_types::SdkConfig;
use tokio::sync::OnceCell;

/// The secrets behind a [`SecretSource`].
pub struct SecretStore {
    source: SecretSource,
    client: Option<SecretsManagerClient>,
    loaded: OnceCell<AppSecrets>,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretStore").field("loaded", &self.loaded.initialized()).finish_non_exhaustive()
    }
}

impl SecretStore {
    /// A store over `source`; the Secrets Manager client (if any) is made
    /// now, from the shared SDK configuration, without a request.
    pub fn new(source: SecretSource, sdk: &SdkConfig) -> Self {
        let client = matches!(source, SecretSource::SecretsManager { .. }).then(|| SecretsManagerClient::new(sdk));
        SecretStore { source, client, loaded: OnceCell::new() }
    }

    /// The secrets: fetched the first time (one `GetSecretValue` per stored
    /// secret), the same values after that. A failed fetch is tried again
    /// on the next call.
    pub async fn get(&self) -> Result<&AppSecrets, SecretsError> {
        self.loaded
            .get_or_try_init(|| async {
                match (&self.source, &self.client) {
                    (SecretSource::Environment(secrets), _) => Ok(secrets.clone()),
                    (SecretSource::SecretsManager { stored, required }, Some(client)) => {
                        // Boxed: the call's future is deep, and every Lambda
                        // main would otherwise carry its whole type.
                        Box::pin(fetch(client, stored, required)).await
                    }
                    (SecretSource::SecretsManager { .. }, None) => {
                        Err(SecretsError::Unavailable("no Secrets Manager client".into()))
                    }
                }
            })
            .await
    }
}

async fn fetch(
    client: &SecretsManagerClient,
    stored: &[StoredSecret],
    required: &[SecretName],
) -> Result<AppSecrets, SecretsError> {
    let mut secrets = AppSecrets::default();
    for secret in stored {
        // A read's error names the call and AWS's code, never a value.
        let value = client
            .secret_string(&secret.id)
            .await
            .map_err(|e| SecretsError::Unavailable(format!("{}: {e}", secret.id)))?
            .ok_or_else(|| SecretsError::Unavailable(format!("{}: no such secret", secret.id)))?;
        let value = value.as_str();
        secrets = match secret.plain {
            Some(name) => secrets.with(name, value),
            None => secrets.merge_json(&secret.id, value)?,
        };
    }
    match secrets.first_missing(required) {
        Some(name) => Err(SecretsError::Missing(name)),
        None => {
            tracing::info!(secrets = stored.len(), "secrets read");
            Ok(secrets)
        }
    }
}

/// Any error a builder may fail with.
pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// Builds a function's state from its secrets.
type Builder<T> = Box<dyn Fn(&AppSecrets) -> Result<T, BuildError> + Send + Sync>;

/// A function's state, built from its secrets on first use and then kept
/// for the container's life: Lambda init stays free of network calls, and
/// a failed build is tried again on the next event.
pub struct BuiltOnFirstUse<T> {
    secrets: SecretStore,
    build: Builder<T>,
    built: OnceCell<T>,
}

impl<T> BuiltOnFirstUse<T> {
    /// Nothing is fetched or built yet.
    pub fn new(
        secrets: SecretStore,
        build: impl Fn(&AppSecrets) -> Result<T, BuildError> + Send + Sync + 'static,
    ) -> Self {
        BuiltOnFirstUse { secrets, build: Box::new(build), built: OnceCell::new() }
    }

    /// The state, building it (and reading the secrets) the first time.
    pub async fn get(&self) -> Result<&T, BuildError> {
        self.built.get_or_try_init(|| async { (self.build)(self.secrets.get().await?) }).await
    }
}
