//! Test support: a local stack on a fresh table in DynamoDB Local, and
//! helpers to talk to it as Meta and as staff would.

use anyhow::{anyhow, Context, Result};
use parley::adapters::cloud_api::CloudApiConfig;
use parley::app::auth::BootstrapAdmin;
use parley::app::deliver::RetryPolicy;
use parley::app::inbox::InboxSettings;
use parley::app::sweep::SweepPolicy;
use parley_local::{LocalConfig, LocalStack};
use parley_simulator::cloud_api::{Faults, SimulatorConfig};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The app secret the test stacks verify webhooks with.
pub const APP_SECRET: &str = "test-app-secret";
/// The verify token of the test stacks.
pub const VERIFY_TOKEN: &str = "test-verify-token";
/// The first administrator of the test stacks.
pub const ADMIN_EMAIL: &str = "owner@shop.test";
/// Their password.
pub const ADMIN_PASSWORD: &str = "a long test password";
/// The secret the test stacks derive contact ids with.
pub const CONTACT_ID_KEY: &str = "test-contact-id-key";
/// The stack's own WhatsApp Business Account: the simulator's.
pub const OWN_WABA_ID: &str = "102290129340398";

/// The test stacks' contact-id key.
pub fn contact_id_key() -> parley::domain::ContactIdKey {
    parley::domain::ContactIdKey::new(CONTACT_ID_KEY).expect("a long enough literal")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A request path for the route `template` (`/api/deals/{id}`): every path
/// variable given a value.
pub fn sample_path(template: &str) -> String {
    template.split('/').map(|s| if s.starts_with('{') { "x1" } else { s }).collect::<Vec<_>>().join("/")
}

/// A fixture's bytes, exactly as stored.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/fixtures/whatsapp").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// A unique table name, so tests never share state.
pub fn unique_table(prefix: &str) -> String {
    format!("{prefix}-{:016x}", rand_u64())
}

fn rand_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}

/// Fails loudly when the emulators are not there: these tests must run, not skip.
pub fn require_emulators() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL_DYNAMODB").is_ok(),
        "AWS_ENDPOINT_URL_DYNAMODB is not set: run these tests with `make test`, which starts DynamoDB Local"
    );
}

/// The machine's time plus an offset a test moves forward, so that rules
/// about time (windows, grace periods) are tested without sleeping. A test
/// that counts within a fixed window pins it, so that a slow run cannot
/// cross into the next window halfway.
#[derive(Debug)]
pub struct TestClock {
    offset_ms: std::sync::atomic::AtomicI64,
    pinned_ms: std::sync::atomic::AtomicI64,
}

/// `pinned_ms` when the clock runs.
const RUNNING: i64 = i64::MIN;

impl Default for TestClock {
    fn default() -> Self {
        TestClock { offset_ms: 0.into(), pinned_ms: RUNNING.into() }
    }
}

impl TestClock {
    /// Moves the stack's time forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).expect("a test-sized duration");
        self.offset_ms.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stops the stack's time where it is; [`TestClock::advance`] still moves it.
    pub fn pin(&self) {
        let now = parley::ports::Clock::now(&parley::ports::SystemClock).0;
        self.pinned_ms.store(now, std::sync::atomic::Ordering::SeqCst);
    }
}

impl parley::ports::Clock for TestClock {
    fn now(&self) -> parley::domain::Millis {
        let base = match self.pinned_ms.load(std::sync::atomic::Ordering::SeqCst) {
            RUNNING => parley::ports::Clock::now(&parley::ports::SystemClock).0,
            pinned => pinned,
        };
        parley::domain::Millis(base + self.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// A running local stack and an HTTP client for it.
pub struct TestStack {
    /// The stack.
    pub stack: LocalStack,
    /// A plain client (no cookie jar: sessions are passed explicitly).
    pub http: reqwest::Client,
    /// Its table.
    pub table: String,
    /// The Cloud API simulator.
    pub simulator_url: String,
    /// The stack's clock.
    pub clock: std::sync::Arc<TestClock>,
}

/// Drops the test's table when the test ends: DynamoDB Local slows down
/// under the hundreds of tables (each with its stream) a full run would
/// otherwise leave behind, and every later test pays for them.
impl Drop for TestStack {
    fn drop(&mut self) {
        let table = std::mem::take(&mut self.table);
        // Drop cannot await, and the test's runtime may be the current
        // thread's: the delete runs on a thread and runtime of its own.
        let deleting = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async {
                let sdk = parley::adapters::aws::load_config().await;
                let _ = aws_sdk_dynamodb::Client::new(&sdk).delete_table().table_name(table).send().await;
            });
        });
        let _ = deleting.join();
    }
}

/// The access token the simulator accepts.
pub const ACCESS_TOKEN: &str = "test-access-token";

/// The IndiaMART CRM key the simulator accepts.
pub const INDIAMART_KEY: &str = "test-indiamart-key";

/// How a test's stack differs from the default one. Built with
/// [`TestStack::builder`]; every knob defaults to what most tests want.
#[derive(Debug, Clone)]
pub struct TestStackBuilder {
    faults: Faults,
    sweep_every: Duration,
    inbox: InboxSettings,
    transaction_conflicts: bool,
    won_deals: Option<example_won_deals::WonDealsSettings>,
}

impl TestStackBuilder {
    /// The Cloud API simulator injects these faults.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// The outbox sweep runs this often (default 500 ms).
    pub fn sweep_every(mut self, every: Duration) -> Self {
        self.sweep_every = every;
        self
    }

    /// Routing, SLA and visibility settings of the inbox.
    pub fn inbox(mut self, inbox: InboxSettings) -> Self {
        self.inbox = inbox;
        self
    }

    /// DynamoDB reports transaction conflicts as AWS does under contention
    /// (DynamoDB Local never does), for tests of behaviour under load.
    pub fn transaction_conflicts(mut self) -> Self {
        self.transaction_conflicts = true;
        self
    }

    /// The example extension function runs, posting won deals to `url`.
    pub fn won_deals_sheet(mut self, url: &str, bearer_token: Option<&str>) -> Self {
        self.won_deals = Some(example_won_deals::WonDealsSettings {
            sheet_url: url.to_owned(),
            bearer_token: bearer_token.map(str::to_owned),
        });
        self
    }

    /// Starts the stack on a fresh table and a free port.
    pub async fn start(self) -> TestStack {
        TestStack::start_full(self).await
    }
}

impl TestStack {
    /// A stack with a fault-free simulator and default settings.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A stack that differs from the default one in what the builder sets.
    pub fn builder() -> TestStackBuilder {
        TestStackBuilder {
            faults: Faults::default(),
            sweep_every: Duration::from_millis(500),
            inbox: InboxSettings::default(),
            transaction_conflicts: false,
            won_deals: None,
        }
    }

    async fn start_full(options: TestStackBuilder) -> Self {
        let TestStackBuilder { faults, sweep_every, inbox, transaction_conflicts, won_deals } = options;
        require_emulators();
        // Logs go to the captured output, shown when a test fails: warnings
        // and errors unless `RUST_LOG` asks for more, so a failure's own
        // message is not buried after a test's worth of info lines (CI
        // shows only the start of a failing test's output).
        let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned());
        let _ = tracing_subscriber::util::SubscriberInitExt::try_init(parley::telemetry::subscriber(
            std::io::stdout,
            Some(&directives),
        ));
        let table = unique_table("e2e");
        let simulator = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let simulator_url = format!("http://{}", simulator.local_addr().expect("bound"));
        let config = LocalConfig {
            listen: "127.0.0.1:0".parse().expect("a literal address"),
            table: table.clone(),
            template: repo_root().join("template.yaml"),
            web_dir: repo_root().join("web").join("dist"),
            verify_token: VERIFY_TOKEN.to_owned(),
            app_secret: APP_SECRET.to_owned(),
            admin: Some(BootstrapAdmin { email: ADMIN_EMAIL.to_owned(), password: ADMIN_PASSWORD.to_owned() }),
            indiamart: Some(
                parley::adapters::indiamart_http::IndiaMartHttp::new(&simulator_url, INDIAMART_KEY)
                    .expect("an HTTP client"),
            ),
            whatsapp: CloudApiConfig {
                base_url: simulator_url.clone(),
                version: "v23.0".to_owned(),
                access_token: ACCESS_TOKEN.to_owned(),
                waba_id: OWN_WABA_ID.to_owned(),
                timeout: Duration::from_millis(400),
            },
            retry: RetryPolicy { max_attempts: 8, base_seconds: 1, max_seconds: 2 },
            webhook_retry: parley::domain::WebhookRetry { max_attempts: 3, base_seconds: 1, max_seconds: 2 },
            sweep: SweepPolicy { queued_after_ms: 1_500, sending_after_ms: 60_000 },
            sweep_every,
            inbox,
            contact_id_key: contact_id_key(),
            transaction_conflicts,
            won_deals,
        };
        let clock = std::sync::Arc::new(TestClock::default());
        let stack = LocalStack::start_with_clock(config, clock.clone()).await.expect("local stack starts");
        let sim = SimulatorConfig {
            webhook_url: format!("{}/webhook", stack.url()),
            app_secret: APP_SECRET.to_owned(),
            access_token: ACCESS_TOKEN.to_owned(),
            indiamart_key: INDIAMART_KEY.to_owned(),
        };
        tokio::spawn(async move {
            let _ = axum::serve(
                simulator,
                parley_simulator::cloud_api::router(sim, faults).merge(parley_simulator::ai_provider::router()),
            )
            .await;
        });
        TestStack { stack, http: reqwest::Client::new(), table, simulator_url, clock }
    }

    /// What the simulator accepted, in order.
    pub async fn accepted(&self) -> Vec<Value> {
        let url = format!("{}/sim/accepted", self.simulator_url);
        self.http.get(url).send().await.expect("simulator answers").json().await.expect("JSON")
    }

    /// What the simulator accepted, once it is at least `count` messages
    /// (or after 30 s, whatever it is then).
    pub async fn accepted_at_least(&self, count: usize) -> Vec<Value> {
        let mut accepted = Vec::new();
        for _ in 0..300 {
            accepted = self.accepted().await;
            if accepted.len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        accepted
    }

    /// A customer writes in through the simulator (which opens its window).
    pub async fn customer_says(&self, from: &str, name: &str, text: &str) {
        let url = format!("{}/sim/customer", self.simulator_url);
        let r = self
            .http
            .post(url)
            .json(&serde_json::json!({"from": from, "name": name, "text": text}))
            .send()
            .await
            .expect("simulator answers");
        assert!(r.status().is_success(), "customer message refused: {}", r.status());
    }

    /// POSTs JSON with a session cookie (and optional Idempotency-Key).
    pub async fn post(&self, cookie: &str, path: &str, body: &Value, idempotency_key: Option<&str>) -> (u16, Value) {
        let mut request = self.http.post(self.url(path)).header("cookie", cookie).json(body);
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.expect("POST reaches the stack");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Waits until the events function has no stream batch in hand and
    /// none came for a second longer than the local stream reader takes to
    /// find a new shard: what a benchmark's last action caused has been
    /// counted. (With one second, the records of a shard DynamoDB Local had
    /// just opened came after the wait, and a benchmark counted one phase's
    /// reactions in the next.)
    pub async fn settle(&self) {
        let quiet = parley_local::event_stream::DISCOVERY_PERIOD + Duration::from_secs(1);
        let invocations = &self.stack.events_invocations;
        let load = |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed);
        loop {
            let started = load(&invocations.started);
            tokio::time::sleep(quiet).await;
            if started == load(&invocations.started) && started == load(&invocations.finished) {
                return;
            }
        }
    }

    /// What the whole stack has used so far: every function's DynamoDB
    /// round trips and capacity units, and the invocations of the functions
    /// that run per event (the sender per SQS record, the events function
    /// per stream batch). Benchmarks subtract two of these.
    pub fn usage(&self) -> Usage {
        let s = &self.stack;
        let counters = [&s.dynamo_round_trips, &s.api_round_trips, &s.background_round_trips, &s.reactions_round_trips];
        Usage {
            round_trips: counters.iter().map(|c| c.get()).sum::<u64>() as f64,
            read_units: counters.iter().map(|c| c.read_units()).sum(),
            write_units: counters.iter().map(|c| c.write_units()).sum(),
            sender_invocations: s.sender_jobs.load(std::sync::atomic::Ordering::Relaxed) as f64,
            events_invocations: s.events_invocations.started.load(std::sync::atomic::Ordering::Relaxed) as f64,
        }
    }

    /// The URL of the stack's SQS queue `resource` (its logical id in the
    /// template, e.g. `ExportDeadLetterQueue`).
    pub async fn queue_url(&self, sqs: &aws_sdk_sqs::Client, resource: &str) -> String {
        let found = sqs.get_queue_url().queue_name(format!("{}-{resource}", self.table)).send().await;
        found.expect("the stack made its queues").queue_url.expect("a queue URL")
    }

    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.stack.url())
    }

    /// Posts `body` to `/webhook`, signed with the right secret.
    pub async fn post_webhook(&self, body: &[u8]) -> reqwest::Response {
        parley_simulator::webhook::post_signed(&self.http, &self.url("/webhook"), APP_SECRET, body.to_vec())
            .await
            .expect("webhook POST reaches the stack")
    }

    /// Posts a JSON webhook, signed.
    pub async fn post_json_webhook(&self, body: &Value) -> reqwest::Response {
        self.post_webhook(&serde_json::to_vec(body).expect("JSON")).await
    }

    /// Signs in as the administrator; returns the `Cookie` header value.
    pub async fn login(&self) -> String {
        self.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("admin signs in")
    }

    /// Signs in; returns the `Cookie` header value.
    pub async fn login_as(&self, email: &str, password: &str) -> Result<String> {
        let response = self
            .http
            .post(self.url("/api/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(anyhow!("login answered {}", response.status()));
        }
        let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).context("no Set-Cookie")?;
        Ok(cookie.split(';').next().unwrap_or_default().to_owned())
    }

    /// Invites a teammate as the admin and accepts for them; returns their cookie.
    pub async fn teammate(&self, admin_cookie: &str, email: &str, role: &str) -> String {
        let (status, invite) = self
            .post(admin_cookie, "/api/users", &serde_json::json!({"email": email, "name": email, "role": role}), None)
            .await;
        assert_eq!(status, 201, "{invite}");
        let accept = serde_json::json!({"token": invite["token"], "password": "teammate password 1"});
        let (status, body) = self.post("", "/api/invites/accept", &accept, None).await;
        assert_eq!(status, 200, "{body}");
        self.login_as(email, "teammate password 1").await.expect("the teammate signs in")
    }

    /// Sends a request with any method; returns status and JSON body.
    pub async fn request(&self, cookie: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, self.url(path)).header("cookie", cookie);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the request reaches the stack");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GETs `path` with a session cookie; returns status and JSON body.
    pub async fn get(&self, cookie: &str, path: &str) -> (u16, Value) {
        let response =
            self.http.get(self.url(path)).header("cookie", cookie).send().await.expect("GET reaches the stack");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The contact once `settled` holds for it (the events function acts
    /// after the write that announced the change); panics after a minute.
    pub async fn contact_once(&self, cookie: &str, contact_id: &str, settled: impl Fn(&Value) -> bool) -> Value {
        let path = format!("/api/contacts/{contact_id}");
        for _ in 0..600 {
            let (status, contact) = self.get(cookie, &path).await;
            if status == 200 && settled(&contact) {
                return contact;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("contact {contact_id} never settled: {:?}", self.get(cookie, &path).await);
    }

    /// All contacts, following cursors.
    pub async fn contacts(&self, cookie: &str) -> Vec<Value> {
        self.follow(cookie, "/api/contacts").await
    }

    /// A contact's whole timeline, following cursors.
    pub async fn timeline(&self, cookie: &str, contact_id: &str) -> Vec<Value> {
        self.follow(cookie, &format!("/api/contacts/{contact_id}/messages")).await
    }

    async fn follow(&self, cookie: &str, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page_path = match &cursor {
                Some(c) => format!("{path}?cursor={c}"),
                None => path.to_owned(),
            };
            let (status, body) = self.get(cookie, &page_path).await;
            assert_eq!(status, 200, "GET {page_path}: {body}");
            items.extend(body["items"].as_array().cloned().unwrap_or_default());
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }

    /// DynamoDB round trips made by the handlers so far.
    pub fn round_trips(&self) -> u64 {
        self.stack.dynamo_round_trips.get()
    }

    /// Writes an outbound text to `contact` as the send path leaves it in
    /// `status` (`queued` is rank 0, `sending` rank 1), without sending it;
    /// returns its sort key.
    pub async fn plant_outbound(
        &self,
        contact: &parley::domain::ContactId,
        id: &str,
        at: parley::domain::Millis,
        status: &str,
    ) -> String {
        use aws_sdk_dynamodb::types::AttributeValue;
        use parley::adapters::dynamo::keys;
        let rank = if status == "queued" { "0" } else { "1" };
        let sk = keys::message_sk(at, id);
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let item = std::collections::HashMap::from([
            ("pk".to_owned(), s(&keys::contact_pk(contact))),
            ("sk".to_owned(), s(&sk)),
            ("id".to_owned(), s(id)),
            ("contact_id".to_owned(), s(contact.as_str())),
            ("direction".to_owned(), s("out")),
            ("type".to_owned(), s("text")),
            ("text".to_owned(), s("Your order has shipped")),
            ("at".to_owned(), AttributeValue::N(at.0.to_string())),
            ("status".to_owned(), s(status)),
            ("status_rank".to_owned(), AttributeValue::N(rank.into())),
        ]);
        self.dynamo().await.put_item().table_name(&self.table).set_item(Some(item)).send().await.unwrap();
        sk
    }

    /// A raw DynamoDB client on the test's emulator.
    pub async fn dynamo(&self) -> aws_sdk_dynamodb::Client {
        let sdk = parley::adapters::aws::load_config().await;
        aws_sdk_dynamodb::Client::new(&sdk)
    }
}

/// Today's date (UTC, `YYYY-MM-DD`), as the audit log keys its days.
pub fn today() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis();
    business_day_of(parley::domain::Millis(i64::try_from(now).expect("a date this century")))
}

/// The business's calendar date at `at`, in the default profile's zone
/// (Asia/Kolkata), which every test business keeps: the day the audit log
/// and the reports file `at` under, a day ahead of UTC's from 18:30 UTC.
pub fn business_day_of(at: parley::domain::Millis) -> String {
    let zone = parley::domain::BusinessProfile::default().time_zone;
    parley::domain::BusinessDay::in_zone(&zone).expect("the default zone is known").day_of(at)
}

/// A stack's use of AWS, as [`TestStack::usage`] counts it.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Usage {
    /// DynamoDB requests.
    pub round_trips: f64,
    /// DynamoDB read capacity units (what on-demand bills).
    pub read_units: f64,
    /// DynamoDB write capacity units.
    pub write_units: f64,
    /// Sender invocations (one per SQS record locally).
    pub sender_invocations: f64,
    /// Events function invocations (stream batches).
    pub events_invocations: f64,
}

impl Usage {
    /// What was used since `before`, per one of `n` actions.
    pub fn since(&self, before: &Usage, n: f64) -> Usage {
        Usage {
            round_trips: (self.round_trips - before.round_trips) / n,
            read_units: (self.read_units - before.read_units) / n,
            write_units: (self.write_units - before.write_units) / n,
            sender_invocations: (self.sender_invocations - before.sender_invocations) / n,
            events_invocations: (self.events_invocations - before.events_invocations) / n,
        }
    }
}

/// Writes a benchmark's figures to `target/bench/figures/<name>.json`, where
/// `make cost` reads them.
pub fn record_figures(name: &str, figures: &serde_json::Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench/figures");
    std::fs::create_dir_all(&dir).expect("target/bench/figures is writable");
    let text = serde_json::to_string_pretty(figures).expect("figures are JSON");
    std::fs::write(dir.join(format!("{name}.json")), text).expect("figures written");
}
