//! `parley-simulator customer --says "hi"`: play a customer writing in.

use anyhow::{bail, Context};
use parley_simulator::customer::new_wamid;
use parley_simulator::{webhook, Customer};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("customer") => customer(&args).await,
        _ => bail!("usage: parley-simulator customer --says TEXT [--from WA_ID] [--name NAME] [--url URL]"),
    }
}

async fn customer(args: &[String]) -> anyhow::Result<()> {
    let says = arg(args, "--says").context("--says TEXT is required")?;
    let from = arg(args, "--from").unwrap_or_else(|| "919876543210".to_owned());
    let name = arg(args, "--name").unwrap_or_else(|| "Asha Verma".to_owned());
    let port = env_or("PARLEY_PORT", "8080");
    let url = arg(args, "--url").unwrap_or_else(|| format!("http://127.0.0.1:{port}/webhook"));
    let secret = env_or("WHATSAPP_APP_SECRET", "dev-app-secret");
    let customer = Customer::new(&from, &name);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let wamid = new_wamid();
    let body = serde_json::to_vec(&customer.webhook(vec![customer.text(&wamid, i64::try_from(now)?, &says)]))?;
    let response = webhook::post_signed(&reqwest::Client::new(), &url, &secret, body)
        .await
        .with_context(|| format!("posting to {url}; is `make dev` running?"))?;
    let status = response.status();
    println!("{name} (+{from}) says {says:?} → {url}: {status}");
    if !status.is_success() {
        bail!("the webhook answered {status}: {}", response.text().await.unwrap_or_default());
    }
    Ok(())
}
