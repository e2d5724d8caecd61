//! `parley-simulator serve`: the Cloud API simulator.
//! `parley-simulator customer --says "hi"`: a customer writes in through it.

use anyhow::{bail, Context};
use parley_simulator::cloud_api::{self, Faults, SimulatorConfig};

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
        Some("serve") => serve().await,
        Some("customer") => customer(&args).await,
        Some("seed") => seed(&args).await,
        _ => bail!("usage: parley-simulator serve | customer (--says TEXT | --sends photo|voice|pdf|video|sticker | --taps BUTTON) [--from WA_ID] [--name NAME] | seed [--contacts N] [--agents N]"),
    }
}

async fn serve() -> anyhow::Result<()> {
    let port = env_or("PARLEY_SIMULATOR_PORT", "8090");
    let config = SimulatorConfig {
        webhook_url: format!("http://127.0.0.1:{}/webhook", env_or("PARLEY_PORT", "8080")),
        app_secret: env_or("WHATSAPP_APP_SECRET", "dev-app-secret"),
        access_token: env_or("WHATSAPP_ACCESS_TOKEN", "dev-access-token"),
    };
    let faults: Faults = match std::env::var("PARLEY_SIMULATOR_FAULTS") {
        Ok(json) => serde_json::from_str(&json).context("PARLEY_SIMULATOR_FAULTS")?,
        Err(_) => Faults::default(),
    };
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("Cloud API simulator on http://127.0.0.1:{port} → webhooks to {}", config.webhook_url);
    axum::serve(listener, cloud_api::router(config, faults)).await?;
    Ok(())
}

async fn customer(args: &[String]) -> anyhow::Result<()> {
    let media = arg(args, "--sends");
    let taps = arg(args, "--taps");
    let says = match (arg(args, "--says"), &media, &taps) {
        (Some(says), _, _) => says,
        (None, Some(_), _) | (None, None, Some(_)) => String::new(),
        (None, None, None) => bail!("--says TEXT, --sends photo|voice|pdf|video|sticker or --taps BUTTON is required"),
    };
    let from = arg(args, "--from").unwrap_or_else(|| "919876543210".to_owned());
    let name = arg(args, "--name").unwrap_or_else(|| "Asha Verma".to_owned());
    let url = format!("http://127.0.0.1:{}/sim/customer", env_or("PARLEY_SIMULATOR_PORT", "8090"));
    let response = reqwest::Client::new()
        .post(&url)
        .json(&serde_json::json!({"from": from, "name": name, "text": says, "media": media, "taps": taps}))
        .send()
        .await
        .with_context(|| format!("reaching the simulator at {url}; is `make dev` running?"))?;
    let status = response.status();
    match (&media, &taps) {
        (_, Some(button)) => println!("{name} (+{from}) taps {button:?}: Parley answered {status}"),
        (Some(media), None) => println!("{name} (+{from}) sends a {media}: Parley answered {status}"),
        (None, None) => println!("{name} (+{from}) says {says:?}: Parley answered {status}"),
    }
    if !status.is_success() {
        bail!("{}", response.text().await.unwrap_or_default());
    }
    Ok(())
}

async fn seed(args: &[String]) -> anyhow::Result<()> {
    let number = |name: &str, default: usize| arg(args, name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let plan = parley_simulator::seed::SeedPlan {
        base_url: format!("http://127.0.0.1:{}", env_or("PARLEY_PORT", "8080")),
        app_secret: env_or("WHATSAPP_APP_SECRET", "dev-app-secret"),
        admin_email: env_or("PARLEY_ADMIN_EMAIL", "admin@parley.local"),
        admin_password: env_or("PARLEY_ADMIN_PASSWORD", "parley-admin-pass"),
        agents: number("--agents", 4),
        contacts: number("--contacts", 300),
        messages_per_contact: number("--messages", 10),
        seed: number("--seed", 7) as u64,
    };
    let started = std::time::Instant::now();
    let report = parley_simulator::seed::seed(&plan).await.context("seeding; is `make dev` running?")?;
    println!(
        "seeded in {:.1}s: {} agents, {} contacts, {} inbound messages, {} replies, {} deals, {} tasks",
        started.elapsed().as_secs_f64(),
        report.agents,
        report.contacts,
        report.inbound,
        report.replies,
        report.deals,
        report.tasks
    );
    Ok(())
}
