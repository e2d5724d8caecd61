//! `parley-local`: the local stack's single origin.

use anyhow::Context;
use parley::config::optional;
use parley_local::{LocalConfig, LocalStack};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    parley::telemetry::init();
    let port = optional("PARLEY_PORT").unwrap_or_else(|| "8080".to_owned());
    let config = LocalConfig {
        listen: format!("127.0.0.1:{port}").parse().context("PARLEY_PORT")?,
        table: optional("TABLE_NAME").unwrap_or_else(|| "parley".to_owned()),
        template: optional("PARLEY_TEMPLATE").unwrap_or_else(|| "template.yaml".to_owned()).into(),
        web_dir: optional("PARLEY_WEB_DIR").unwrap_or_else(|| "web".to_owned()).into(),
        verify_token: parley::config::required("WHATSAPP_VERIFY_TOKEN")?,
        app_secret: parley::config::required("WHATSAPP_APP_SECRET")?,
        admin: parley_api::bootstrap_admin_from_env(),
        whatsapp: parley::adapters::cloud_api::CloudApi::config_from_env()?,
        retry: sender::policy_from_env(),
        sweep: Default::default(),
        sweep_every: std::time::Duration::from_secs(60),
        inbox: parley::app::inbox::InboxSettings::from_env(),
        transaction_conflicts: false,
    };
    let stack = LocalStack::start(config).await?;
    tracing::info!(url = %stack.url(), "parley is up");
    tokio::select! {
        result = stack.wait() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
