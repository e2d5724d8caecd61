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
        Some("lead-ad") => lead_ad(&args).await,
        Some("indiamart") => indiamart(&args).await,
        Some("phone-app") => phone_app(&args).await,
        Some("history") => history(&args).await,
        Some("call") => call(&args).await,
        _ => bail!("usage: parley-simulator serve | customer (--says TEXT | --sends photo|voice|pdf|video|sticker | --taps BUTTON) [--from WA_ID] [--name NAME] [--from-ad AD_ID[:HEADLINE]] [--to-number PHONE_NUMBER_ID] | seed [--contacts N] [--agents N] | lead-ad --phone PHONE --name NAME | indiamart --mobile MOBILE --name NAME [--product P] [--message M] | phone-app --says TEXT [--to WA_ID] | history [--from WA_ID] | call [--from WA_ID] [--name NAME] [--answered SECONDS]"),
    }
}

async fn serve() -> anyhow::Result<()> {
    let port = env_or("PARLEY_SIMULATOR_PORT", "8090");
    let config = SimulatorConfig {
        webhook_url: format!("http://127.0.0.1:{}/webhook", env_or("PARLEY_PORT", "8080")),
        app_secret: env_or("WHATSAPP_APP_SECRET", "dev-app-secret"),
        access_token: env_or("WHATSAPP_ACCESS_TOKEN", "dev-access-token"),
        indiamart_key: env_or("INDIAMART_CRM_KEY", "dev-indiamart-key"),
    };
    let faults: Faults = match std::env::var("PARLEY_SIMULATOR_FAULTS") {
        Ok(json) => serde_json::from_str(&json).context("PARLEY_SIMULATOR_FAULTS")?,
        Err(_) => Faults::default(),
    };
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("Cloud API simulator on http://127.0.0.1:{port} → webhooks to {}", config.webhook_url);
    axum::serve(listener, cloud_api::router(config, faults).merge(parley_simulator::ai_provider::router())).await?;
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
    // `--from-ad 120200:Diwali sale`: the message comes from that ad.
    let ad = arg(args, "--from-ad").map(|ad| match ad.split_once(':') {
        Some((id, headline)) => serde_json::json!({"id": id.trim(), "headline": headline.trim()}),
        None => serde_json::json!({"id": ad.trim()}),
    });
    let url = format!("http://127.0.0.1:{}/sim/customer", env_or("PARLEY_SIMULATOR_PORT", "8090"));
    let response = reqwest::Client::new()
        .post(&url)
        .json(&serde_json::json!({"from": from, "name": name, "text": says, "media": media, "taps": taps, "ad": ad,
            "to_number": arg(args, "--to-number")}))
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

async fn post_to_simulator(path: &str, body: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let url = format!("http://127.0.0.1:{}{path}", env_or("PARLEY_SIMULATOR_PORT", "8090"));
    let response = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("reaching the simulator at {url}; is `make dev` running?"))?;
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        bail!("{status}: {answer}");
    }
    Ok(answer)
}

/// The shopkeeper answers from the WhatsApp Business app on the number's
/// phone (coexistence): Meta echoes it to Parley.
async fn phone_app(args: &[String]) -> anyhow::Result<()> {
    let Some(says) = arg(args, "--says") else { bail!("--says TEXT is required") };
    let to = arg(args, "--to").unwrap_or_else(|| "919876543210".to_owned());
    post_to_simulator("/sim/phone-app", serde_json::json!({"to": to, "text": says})).await?;
    println!("the shopkeeper typed {says:?} to +{to} in the WhatsApp Business app; Parley has it");
    Ok(())
}

/// A customer calls on WhatsApp: missed, or answered for `--answered` seconds.
async fn call(args: &[String]) -> anyhow::Result<()> {
    let from = arg(args, "--from").unwrap_or_else(|| "919876543210".to_owned());
    let name = arg(args, "--name").unwrap_or_else(|| "Asha Verma".to_owned());
    let answered: Option<i64> = arg(args, "--answered").and_then(|s| s.parse().ok());
    let body = serde_json::json!({"from": from, "name": name, "answered_seconds": answered});
    post_to_simulator("/sim/customer/call", body).await?;
    match answered {
        Some(seconds) => println!("{name} (+{from}) called; answered for {seconds}s"),
        None => println!("{name} (+{from}) called; nobody answered"),
    }
    Ok(())
}

/// The business shares a chat from before onboarding (coexistence's
/// history backfill).
async fn history(args: &[String]) -> anyhow::Result<()> {
    let from = arg(args, "--from").unwrap_or_else(|| "919811122233".to_owned());
    let lines = [
        (false, "Hello, do you stitch blouses too?", 4320),
        (true, "Yes madam, 3 days, Rs 650", 4310),
        (false, "Ok I will come Saturday", 4300),
        (true, "Welcome! We open at 10", 4290),
    ];
    let messages: Vec<serde_json::Value> = lines
        .iter()
        .map(|(from_business, text, minutes_ago)| {
            serde_json::json!({"from_business": from_business, "text": text, "minutes_ago": minutes_ago})
        })
        .collect();
    let body = serde_json::json!({"chats": [{"customer": from, "messages": messages}], "chunk": format!("demo{from}")});
    let answer = post_to_simulator("/sim/history", body).await?;
    println!("the chat with +{from} from before onboarding ({} messages) reached Parley", answer["messages"]);
    Ok(())
}

/// Someone fills in a Facebook lead form; Meta tells Parley at once.
async fn lead_ad(args: &[String]) -> anyhow::Result<()> {
    let phone = arg(args, "--phone").unwrap_or_else(|| "+91 98201 55501".to_owned());
    let name = arg(args, "--name").unwrap_or_else(|| "Kavya Iyer".to_owned());
    let answer = post_to_simulator("/sim/lead_ad", serde_json::json!({"phone": phone, "name": name})).await?;
    println!("{name} submitted a Facebook lead form (lead {}); Parley took it", answer["leadgen_id"]);
    Ok(())
}

/// Someone sends an enquiry on IndiaMART; Parley's next pull takes it.
async fn indiamart(args: &[String]) -> anyhow::Result<()> {
    let body = serde_json::json!({
        "mobile": arg(args, "--mobile").unwrap_or_else(|| "+91-9876501234".to_owned()),
        "name": arg(args, "--name").unwrap_or_else(|| "Ravi Kumar".to_owned()),
        "product": arg(args, "--product").unwrap_or_else(|| "Cotton Sarees".to_owned()),
        "message": arg(args, "--message").unwrap_or_else(|| "Need 200 pieces before Diwali".to_owned()),
        "city": "Surat",
    });
    let answer = post_to_simulator("/sim/indiamart", body).await?;
    println!("IndiaMART enquiry {} is waiting; Parley pulls every five minutes", answer["unique_query_id"]);
    Ok(())
}
