//! `parley-local`: the local stack's single origin. Its settings come from the
//! same parsers the functions use, and its secrets from the same source
//! (plain variables locally, with the dev defaults of infra/defaults.sh).

use anyhow::Context;
use parley::adapters::secrets_manager::SecretStore;
use parley::config::secrets::{SecretName, SecretSource};
use parley::config::{CloudApiSettings, Environment};
use parley_local::{LocalConfig, LocalStack};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    parley::telemetry::init();
    let env = Environment::process();
    let port = env.optional("PARLEY_PORT").unwrap_or_else(|| "8080".to_owned());
    let admin_email = env.optional("PARLEY_ADMIN_EMAIL");
    let source = SecretSource::from_environment(
        &env,
        &[
            SecretName::WhatsAppAppSecret,
            SecretName::WhatsAppVerifyToken,
            SecretName::WhatsAppAccessToken,
            SecretName::ContactIdKey,
        ],
    )?;
    let secrets = SecretStore::new(source, &parley::adapters::aws::load_config().await).get().await?.clone();
    let cloud_api = CloudApiSettings::from_environment(&env)?;
    let config = LocalConfig {
        listen: format!("127.0.0.1:{port}").parse().context("PARLEY_PORT")?,
        table: env.optional("TABLE_NAME").unwrap_or_else(|| "parley".to_owned()),
        template: env.optional("PARLEY_TEMPLATE").unwrap_or_else(|| "template.yaml".to_owned()).into(),
        web_dir: env.optional("PARLEY_WEB_DIR").unwrap_or_else(|| "web/dist".to_owned()).into(),
        verify_token: webhook_verify::VerifyConfig::from_secrets(&secrets)?.verify_token,
        app_secret: secrets.get(SecretName::WhatsAppAppSecret)?.to_owned(),
        admin: parley_api::bootstrap_admin(admin_email.as_deref(), &secrets),
        whatsapp: cloud_api.with_token(secrets.get(SecretName::WhatsAppAccessToken)?),
        indiamart: match secrets.optional(SecretName::IndiaMartKey) {
            Some(key) => Some(parley::adapters::indiamart_http::IndiaMartHttp::new(
                &env.optional("INDIAMART_API_BASE").unwrap_or_else(|| cloud_api.base_url.clone()),
                key,
            )?),
            None => None,
        },
        retry: sender::retry_policy(&env)?,
        webhook_retry: webhooks::retry_policy(&env)?,
        sweep: Default::default(),
        sweep_every: std::time::Duration::from_secs(60),
        inbox: parley::app::inbox::InboxSettings::from_environment(&env)?,
        contact_id_key: secrets.contact_id_key()?,
        transaction_conflicts: false,
        won_deals: match env.optional("WON_DEALS_SHEET_URL") {
            Some(_) => Some(example_won_deals::WonDealsSettings::from_environment(&env)?),
            None => None,
        },
    };
    let stack = LocalStack::start(config).await?;
    // What a deploy's custom resource asks in AWS: the data migrations this
    // version ships, run through the reminders' scheduled job.
    let migrations = parley::app::migrations::Migrations::new(
        stack.store.clone(),
        stack.scheduler.clone(),
        std::sync::Arc::new(parley::ports::SystemClock),
    );
    let status = migrations.on_deploy().await.context("data migrations")?;
    tracing::info!(?status, "data migrations asked");
    tracing::info!(url = %stack.url(), "parley is up");
    tokio::select! {
        result = stack.wait() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
