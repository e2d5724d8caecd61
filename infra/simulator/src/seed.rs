//! A realistic shop, built through the product's own front doors: signed
//! webhooks for customers, the staff API for the team's work.
//!
//! Several agents, a few hundred contacts writing over the last two weeks
//! (thousands of messages of every common type), conversations claimed and
//! answered, closed, deals moving through the pipeline, follow-ups due.

use crate::customer::{every_message_type, new_wamid};
use crate::webhook::post_signed;
use crate::Customer;
use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// How big a shop to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    /// Parley's origin, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// The app secret webhooks are signed with.
    pub app_secret: String,
    /// The first administrator.
    pub admin_email: String,
    /// Their password.
    pub admin_password: String,
    /// Agents to invite.
    pub agents: usize,
    /// Contacts to create.
    pub contacts: usize,
    /// Inbound messages per contact (average).
    pub messages_per_contact: usize,
    /// Random seed, for repeatable data.
    pub seed: u64,
}

/// What was created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Agents invited.
    pub agents: usize,
    /// Contacts written in.
    pub contacts: usize,
    /// Inbound messages posted.
    pub inbound: usize,
    /// Replies sent.
    pub replies: usize,
    /// Deals opened.
    pub deals: usize,
    /// Tasks created.
    pub tasks: usize,
}

const FIRST_NAMES: &[&str] = &[
    "Asha", "Ravi", "Priya", "Arjun", "Meera", "Kiran", "Wanjiru", "Otieno", "Ana", "João", "Lucas", "Fatima",
    "Sanjay", "Divya", "Rahul", "Neha",
];
const LAST_NAMES: &[&str] =
    &["Verma", "Kumar", "Patel", "Sharma", "Iyer", "Mwangi", "Silva", "Santos", "Khan", "Reddy", "Nair", "Das"];
const WORDS: &[&str] = &[
    "Do you deliver to Pune?",
    "Price for 10 pieces?",
    "Is the blue one in stock?",
    "When will my order arrive?",
    "Can I pay on delivery?",
    "Please share the catalogue",
    "Thank you!",
    "Need it by Friday",
    "Any discount for bulk?",
    "Where is your shop?",
];

struct Staff {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Staff {
    async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<Self> {
        let r =
            http.post(format!("{base}/api/login")).json(&json!({"email": email, "password": password})).send().await?;
        if !r.status().is_success() {
            bail!("signing in as {email}: {}", r.status());
        }
        let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).context("no session cookie")?;
        Ok(Staff {
            http: http.clone(),
            base: base.to_owned(),
            cookie: cookie.split(';').next().unwrap_or_default().to_owned(),
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<(u16, Value)> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header("cookie", &self.cookie);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    async fn post(&self, path: &str, body: Value) -> Result<(u16, Value)> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

/// Seeds the shop. Idempotent enough to run twice (existing agents are kept).
pub async fn seed(plan: &SeedPlan) -> Result<SeedReport> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let http = reqwest::Client::new();
    let base = plan.base_url.trim_end_matches('/');
    let admin = Staff::login(&http, base, &plan.admin_email, &plan.admin_password).await?;
    let mut report = SeedReport::default();

    let mut agents = Vec::new();
    for i in 0..plan.agents {
        let email = format!("agent{}@shop.example", i + 1);
        let name = format!("{} {}", FIRST_NAMES[i % FIRST_NAMES.len()], LAST_NAMES[(i * 7) % LAST_NAMES.len()]);
        let (status, invite) = admin.post("/api/users", json!({"email": email, "name": name, "role": "agent"})).await?;
        if status == 201 {
            let accept = json!({"token": invite["token"], "password": "agent password 1"});
            http.post(format!("{base}/api/invites/accept")).json(&accept).send().await?;
            report.agents += 1;
        }
        agents.push(Staff::login(&http, base, &email, "agent password 1").await?);
    }
    admin.post("/api/templates/sync", json!({})).await?;

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let types = every_message_type();
    for c in 0..plan.contacts {
        let wa_id = format!("91{}", 9_000_000_000u64 + (plan.seed % 1000) * 1_000_000 + c as u64);
        let name = format!(
            "{} {}",
            FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())],
            LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())]
        );
        let customer = Customer::new(&wa_id, &name);
        let first = now - rng.gen_range(600..14 * 86_400);
        let count = rng.gen_range(1..=plan.messages_per_contact * 2 - 1);
        let messages: Vec<Value> = (0..count)
            .map(|k| {
                let at = first + (k as i64) * rng.gen_range(30..3_600);
                if rng.gen_bool(0.8) {
                    customer.text(&new_wamid(), at.min(now), WORDS[rng.gen_range(0..WORDS.len())])
                } else {
                    let (kind, body, extra) = types[rng.gen_range(0..types.len())].clone();
                    let mut m = customer.message(&new_wamid(), at.min(now), kind, body);
                    if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
                        m.extend(extra.clone());
                    }
                    m
                }
            })
            .collect();
        report.inbound += messages.len();
        let body = serde_json::to_vec(&customer.webhook(messages))?;
        let r = post_signed(&http, &format!("{base}/webhook"), &plan.app_secret, body).await?;
        if !r.status().is_success() {
            bail!("webhook for contact {c} answered {}", r.status());
        }
        report.contacts += 1;
    }

    // The team works the inbox: claim, answer with a template, close some.
    let (_, contacts) = admin.call(reqwest::Method::GET, "/api/contacts?limit=200", None).await?;
    let mut ids: Vec<String> = contacts["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    let mut cursor = contacts["next_cursor"].as_str().map(str::to_owned);
    while let Some(next) = cursor {
        let (_, page) =
            admin.call(reqwest::Method::GET, &format!("/api/contacts?limit=200&cursor={next}"), None).await?;
        ids.extend(page["items"].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str().map(str::to_owned)));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    let stages = ["enquiry", "qualified", "quote_sent", "negotiation", "won", "lost"];
    for (i, id) in ids.iter().enumerate() {
        if agents.is_empty() || rng.gen_bool(0.15) {
            continue; // stays unassigned
        }
        let agent = &agents[i % agents.len()];
        let me = format!("agent{}@shop.example", i % agents.len() + 1);
        agent.post(&format!("/api/contacts/{id}/assign"), json!({"owner": me})).await?;
        if rng.gen_bool(0.8) {
            let reply = json!({"type": "template", "template": {"name": "order_update", "language": "en_US", "params": ["there", format!("#{}", 1000 + i)]}});
            let (status, _) = agent.post(&format!("/api/contacts/{id}/messages"), reply).await?;
            if status == 202 {
                report.replies += 1;
            }
        }
        if rng.gen_bool(0.45) {
            let value = rng.gen_range(5..500) * 10_000;
            let (status, deal) = agent
                .post(
                    "/api/deals",
                    json!({"contact_id": id, "title": format!("Order {}", 1000 + i), "value_minor": value}),
                )
                .await?;
            if status == 201 {
                report.deals += 1;
                let deal_id = deal["id"].as_str().unwrap_or_default();
                let target = rng.gen_range(0..stages.len());
                // Deals go forward stage by stage to where they are, or drop out as lost.
                let path: &[&str] = if stages[target] == "lost" { &["lost"] } else { &stages[1..=target] };
                for stage in path {
                    agent.post(&format!("/api/deals/{deal_id}/stage"), json!({"stage": stage})).await?;
                }
            }
        }
        if rng.gen_bool(0.3) {
            let due = now + rng.gen_range(-2 * 86_400..3 * 86_400);
            let due = time::OffsetDateTime::from_unix_timestamp(due)?
                .format(&time::format_description::well_known::Rfc3339)?;
            let (status, _) =
                agent.post("/api/tasks", json!({"title": "Follow up", "due_at": due, "contact_id": id})).await?;
            if status == 201 {
                report.tasks += 1;
            }
        }
        if rng.gen_bool(0.2) {
            agent.post(&format!("/api/contacts/{id}/close"), json!({})).await?;
        }
    }
    Ok(report)
}
