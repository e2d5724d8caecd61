//! One origin over the Lambda handlers: `/webhook`, `/api/*`, `/healthz` and
//! the static UI, exactly as API Gateway and CloudFront put them together.

use crate::bootstrap;
use crate::live_sockets::{self, LiveSocketServer, LocalPushChannel};
use crate::template::Template;
use crate::transaction_conflicts::TransactionConflicts;
use anyhow::{Context, Result};
use aws_sdk_dynamodb::config::{SharedHttpClient, StalledStreamProtectionConfig};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parley::adapters::account_tokens::AccountTokens;
use parley::adapters::aws;
use parley::adapters::aws_http::ReqwestHttpClient;
use parley::adapters::aws_signed::Transport;
use parley::adapters::cloud_api::{CloudApi, CloudApiConfig};
use parley::adapters::dead_letters::{SqsDeadLetters, WatchedQueue};
use parley::adapters::dynamo::{DirectTransactions, DynamoStore};
use parley::adapters::font_directory::FontDirectory;
use parley::adapters::request_counter::RequestCounter;
use parley::adapters::s3_exports::S3ExportFiles;
use parley::adapters::sqs::SqsQueue;
use parley::app::auth::BootstrapAdmin;
use parley::app::contact_imports::{ContactImports, ImportPorts};
use parley::app::deliver::RetryPolicy;
use parley::app::exports::Exports;
use parley::app::inbox::InboxSettings;
use parley::app::live_push::LivePush;
use parley::app::sweep::SweepPolicy;
use parley::ports::{Clock, SystemClock};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// What the local stack runs with.
#[derive(Clone, Debug)]
pub struct LocalConfig {
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// DynamoDB table name.
    pub table: String,
    /// template.yaml, the table's definition.
    pub template: PathBuf,
    /// The static UI.
    pub web_dir: PathBuf,
    /// Meta's verify token.
    pub verify_token: String,
    /// Meta's app secret.
    pub app_secret: String,
    /// The first administrator.
    pub admin: Option<BootstrapAdmin>,
    /// The Cloud API (the simulator, locally).
    pub whatsapp: CloudApiConfig,
    /// IndiaMART's lead API (the simulator, locally); `None` without a key.
    pub indiamart: Option<parley::adapters::indiamart_http::IndiaMartHttp>,
    /// The sender's retry policy.
    pub retry: RetryPolicy,
    /// The webhook deliveries' retry schedule.
    pub webhook_retry: parley::domain::WebhookRetry,
    /// The sweep's thresholds.
    pub sweep: SweepPolicy,
    /// How often the runner fires the sweep and backfill jobs as a safety
    /// net (on AWS they run only when armed: see `drivers::schedule`).
    pub sweep_every: Duration,
    /// Visibility, SLA and routing.
    pub inbox: InboxSettings,
    /// Answer like DynamoDB when two writes meet a transaction on the same
    /// item (DynamoDB Local never reports these conflicts).
    pub transaction_conflicts: bool,
    /// The key contact ids are derived with.
    pub contact_id_key: parley::domain::ContactIdKey,
    /// The example extension's settings; `None` leaves it out.
    pub won_deals: Option<example_won_deals::WonDealsSettings>,
}

/// A running local stack.
pub struct LocalStack {
    /// Where it listens.
    pub addr: SocketAddr,
    /// DynamoDB round trips made by the webhook handlers so far.
    pub dynamo_round_trips: RequestCounter,
    /// DynamoDB round trips made by the staff API so far.
    pub api_round_trips: RequestCounter,
    /// DynamoDB round trips made by the sender and the schedule so far.
    pub background_round_trips: RequestCounter,
    /// DynamoDB round trips made by the events and push functions so far.
    pub reactions_round_trips: RequestCounter,
    /// SQS messages the sender has been handed (one per invocation record).
    pub sender_jobs: Arc<std::sync::atomic::AtomicU64>,
    /// The store the handlers use (for tests that inspect it).
    pub store: Arc<DynamoStore>,
    /// The outbound queue's URL.
    pub outbound_queue_url: String,
    /// The local sockets of `/ws`.
    pub live_channel: Arc<LocalPushChannel>,
    /// The live-push reaction over those sockets: what the events stream
    /// reader hands each event to.
    pub live_push: Arc<LivePush>,
    /// The webhook delivery queue's URL.
    pub webhook_queue_url: String,
    /// The scheduler the local runner plays (wake-ups not yet fired).
    pub scheduler: Arc<crate::local_scheduler::LocalScheduler>,
    /// What a fired wake-up runs (tests run jobs with it directly).
    pub due_work: Arc<parley::app::due_work::DueWork>,
    /// Invocations of the events function (stream batches handed over).
    pub events_invocations: Arc<crate::event_stream::Invocations>,
    /// The EventBridge bus (in moto) events are put on.
    pub event_bus_name: String,
    /// The media bucket (in moto).
    pub media_bucket: String,
    server: tokio::task::JoinHandle<()>,
    drivers: Vec<tokio::task::JoinHandle<()>>,
}

impl LocalStack {
    /// Creates the table if needed and starts serving.
    pub async fn start(config: LocalConfig) -> Result<Self> {
        Self::start_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`LocalStack::start`], with a chosen clock.
    pub async fn start_with_clock(config: LocalConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let sdk = aws::load_config().await;
        let (dynamo_sdk, inbound_http) = match config.transaction_conflicts {
            // Requests queue for the table as they would at a busy one, so
            // the SDK must not mistake waiting in line for a stalled stream.
            true => {
                let conflicts = TransactionConflicts::over_default_client();
                let connector = conflicts.connector(&aws::connector_settings(&sdk));
                let sdk = sdk
                    .to_builder()
                    .http_client(SharedHttpClient::new(conflicts))
                    .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
                    .build();
                (sdk, Transport::from(connector))
            }
            false => {
                let http = ReqwestHttpClient::default();
                (
                    sdk.to_builder().http_client(SharedHttpClient::new(http)).build(),
                    aws::transactions_connector(&sdk).into(),
                )
            }
        };
        let counter = RequestCounter::measuring_capacity();
        let client = aws::dynamo_client(&dynamo_sdk, &counter);
        let spec = Template::load(&config.template)?.table()?;
        bootstrap::ensure_table(&client, &config.table, &spec).await?;
        // The inbound function's transactions go as on Lambda: direct.
        let direct = DirectTransactions::new(&dynamo_sdk, inbound_http, counter.clone());
        let store = Arc::new(
            DynamoStore::new(client, config.table.clone(), config.contact_id_key.clone())
                .with_direct_transactions(direct),
        );
        // The inbound function's cold start: it reads the business time zone
        // its report counters are bucketed in once, before the first message.
        store.warm_report_calendar().await;
        let sqs_client = aws_sdk_sqs::Client::new(&sdk);
        let sqs = parley::adapters::sqs_client::SqsClient::new(&sdk);
        let template = Template::load(&config.template)?;
        let queues = bootstrap::ensure_queues(&sqs_client, &config.table, &template.queues()).await?;
        let outbound_queue_url =
            queues.get("OutboundQueue").context("template.yaml declares no OutboundQueue")?.clone();
        let queue = SqsQueue::new(sqs.clone(), outbound_queue_url.clone());
        // The sender and the schedule are other functions: their round trips
        // are counted apart from the request handlers'.
        let background_counter = RequestCounter::measuring_capacity();
        let background = Arc::new(DynamoStore::new(
            aws::dynamo_client(&dynamo_sdk, &background_counter),
            config.table.clone(),
            config.contact_id_key.clone(),
        ));
        // Each account's own token in a secret of its own, as on AWS.
        let account_tokens: Arc<dyn parley::ports::AccountTokenStore> =
            Arc::new(aws::account_tokens(&sdk, &format!("{}/account-token/", config.table)));
        let tokens = Arc::new(AccountTokens::new(
            config.whatsapp.access_token.clone(),
            config.whatsapp.waba_id.clone(),
            background.clone(),
            account_tokens,
        ));
        let whatsapp = Arc::new(CloudApi::new(config.whatsapp.clone())?.with_account_tokens(tokens.clone()));

        let lead_ads = Arc::new(parley::adapters::graph_leads::GraphLeads::new(config.whatsapp.clone())?);
        let ingest = webhook_inbound::ingest(
            store.clone(),
            clock.clone(),
            config.inbox,
            &config.app_secret,
            &config.whatsapp.waba_id,
            Some(lead_ads),
        );
        // Each function has its own client, as on Lambda, so round trips
        // are counted per function.
        let api_counter = RequestCounter::measuring_capacity();
        let api_store = Arc::new(DynamoStore::new(
            aws::dynamo_client(&dynamo_sdk, &api_counter),
            config.table.clone(),
            config.contact_id_key.clone(),
        ));
        // Exports: the queue and dead-letter queue come from the template
        // like the others; the bucket is `<table>-exports` in moto.
        let queue_url = |id: &str| queues.get(id).cloned().with_context(|| format!("template.yaml declares no {id}"));
        let export_queue = SqsQueue::new(sqs.clone(), queue_url("ExportQueue")?);
        let s3 = bootstrap::sdk_s3_client(&sdk);
        let export_bucket = bootstrap::bucket_name(&config.table, "exports");
        bootstrap::ensure_bucket(&s3, &export_bucket).await?;
        let media = crate::media::bucket(&s3, &sdk, &config.table).await?;
        let media_queue = SqsQueue::new(sqs.clone(), queue_url("MediaQueue")?);
        let export_files = Arc::new(S3ExportFiles::new(aws::s3_bucket(&sdk, &export_bucket, true)));
        let dead_letters = SqsDeadLetters::new(
            sqs.clone(),
            [
                ("outbound", "OutboundDeadLetterQueue", "OutboundQueue"),
                ("exports", "ExportDeadLetterQueue", "ExportQueue"),
                ("webhooks", "WebhookDeadLetterQueue", "WebhookQueue"),
                ("media", "MediaDeadLetterQueue", "MediaQueue"),
            ]
            .into_iter()
            .map(|(name, dead, work)| {
                Ok(WatchedQueue {
                    name: name.to_owned(),
                    dead_letter_url: queue_url(dead)?,
                    work_url: queue_url(work)?,
                })
            })
            .collect::<Result<Vec<_>>>()?,
        );
        let webhook_queue_url = queue_url("WebhookQueue")?;
        let webhook_queue = SqsQueue::new(sqs.clone(), webhook_queue_url.clone());
        let (fire, fired) = tokio::sync::mpsc::unbounded_channel();
        let scheduler = crate::local_scheduler::LocalScheduler::new(clock.clone(), fire);
        // One AI key secret, as the deployed stack's API, events and reminders share.
        let ai_keys: Arc<dyn parley::ports::AiKeyStore> =
            Arc::new(aws::ai_key(&sdk, &format!("{}-ai-key", config.table)));
        let mut api = parley_api::state(
            api_store,
            whatsapp.clone(),
            clock.clone(),
            config.admin.clone(),
            config.inbox,
            parley_api::Background::given(parley_api::BackgroundClients {
                outbound: Arc::new(queue.clone()),
                exports: Arc::new(export_queue.clone()),
                export_files: export_files.clone(),
                dead_letters: Arc::new(dead_letters),
                webhooks: Arc::new(webhook_queue.clone()),
                scheduler: scheduler.clone(),
                media: media.vault.clone(),
                uploads: media.vault.clone(),
                import_files: media.vault.clone(),
                imports: Arc::new(export_queue.clone()),
                campaigns: Arc::new(export_queue.clone()),
                ai_keys: ai_keys.clone(),
                account_tokens: tokens.clone(),
                fonts: Arc::new(FontDirectory::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fonts"))),
            }),
            None,
        );
        // The simulator plays an OpenAI-compatible provider too: the AI
        // settings form suggests it, so `make dev` needs no real provider.
        api.ai_stand_in = Some(format!("{}/openai/v1", config.whatsapp.base_url.trim_end_matches('/')));
        let sender = sender::Sender::new(background.clone(), whatsapp, queue.clone(), config.retry)
            .with_media(media.vault.clone());
        let media_worker = crate::media::worker(
            background.clone(),
            config.whatsapp.clone(),
            tokens.clone(),
            media.vault.clone(),
            media_queue.clone(),
        )?;
        let worker = exports::Worker {
            exports: Exports::new(
                background.clone(),
                Arc::new(export_queue.clone()),
                export_files.clone(),
                background.clone(),
                background.clone(),
                clock.clone(),
            ),
            imports: ContactImports::new(ImportPorts::over_store(
                background.clone(),
                media.vault.clone(),
                export_files,
                Arc::new(export_queue.clone()),
                clock.clone(),
            )),
            campaigns: exports::campaigns(
                background.clone(),
                Arc::new(queue.clone()),
                scheduler.clone(),
                Arc::new(export_queue),
                clock.clone(),
                parley::app::campaigns::CampaignPace::default(),
                &config.whatsapp.waba_id,
            ),
        };
        let webhook_worker =
            crate::webhooks::worker(background.clone(), webhook_queue.clone(), clock.clone(), config.webhook_retry)?;
        let due_work = Arc::new(reminders::due_work(
            reminders::Wiring {
                store: background.clone(),
                queue: Arc::new(queue.clone()),
                scheduler: scheduler.clone(),
                webhooks: Arc::new(webhook_queue.clone()),
                clock: clock.clone(),
                indiamart: config.indiamart.clone().map(|api| Arc::new(api) as Arc<dyn parley::ports::IndiaMartApi>),
                ai_keys: ai_keys.clone(),
                own_waba_id: config.whatsapp.waba_id.clone(),
            },
            config.sweep,
            parley::app::due_work::SlaPolicy { minutes: config.inbox.sla_minutes },
        ));
        let sender_jobs = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let drivers = vec![
            tokio::spawn(crate::drivers::sqs_event_source(
                sqs_client.clone(),
                outbound_queue_url.clone(),
                sender,
                sender_jobs.clone(),
            )),
            tokio::spawn(crate::webhooks::event_source(sqs_client.clone(), webhook_queue_url.clone(), webhook_worker)),
            tokio::spawn(crate::drivers::schedule(due_work.clone(), config.sweep_every)),
            tokio::spawn(crate::drivers::reminders(due_work.clone(), fired)),
            tokio::spawn(crate::drivers::export_event_source(sqs_client.clone(), queue_url("ExportQueue")?, worker)),
            tokio::spawn(crate::media::event_source(sqs_client, queue_url("MediaQueue")?, media_worker)),
        ];
        // Live push: the push function's routes on /ws, and the reaction
        // that posts to those sockets (for the events stream reader).
        let reactions_counter = RequestCounter::measuring_capacity();
        let push_store = Arc::new(DynamoStore::new(
            aws::dynamo_client(&dynamo_sdk, &reactions_counter),
            config.table.clone(),
            config.contact_id_key.clone(),
        ));
        let live_channel = Arc::new(LocalPushChannel::default());
        let live_push =
            Arc::new(push::live_push(push_store.clone(), live_channel.clone(), config.inbox.agents_see_all));
        let live = Arc::new(LiveSocketServer {
            sockets: push::sockets(push_store, clock.clone()),
            channel: live_channel.clone(),
        });
        // The events function's reactions, over a client of its own (its
        // round trips are not the handlers').
        let reaction_parts = events::reactions::ReactionParts {
            store: Arc::new(DynamoStore::new(
                aws::dynamo_client(&dynamo_sdk, &reactions_counter),
                config.table.clone(),
                config.contact_id_key.clone(),
            )),
            outbound: Arc::new(queue),
            scheduler: scheduler.clone(),
            webhooks: Arc::new(webhook_queue),
            push: live_channel.clone(),
            clock: clock.clone(),
            sla: parley::app::due_work::SlaPolicy { minutes: config.inbox.sla_minutes },
            agents_see_all: config.inbox.agents_see_all,
            media: Arc::new(media_queue),
            ai_keys: ai_keys.clone(),
            own_waba_id: config.whatsapp.waba_id.clone(),
        };
        let (event_bus_name, events_invocations, player) =
            crate::event_wiring::play_events(&sdk, &config, &template, &reaction_parts).await?;
        let mut drivers = drivers;
        drivers.push(tokio::spawn(player.run()));
        let app = Router::new()
            .merge(webhook_verify::router(webhook_verify::VerifyConfig { verify_token: config.verify_token.clone() }))
            .merge(webhook_inbound::router(Arc::new(ingest)))
            .route("/healthz", get(|| async { "ok" }))
            .merge(Router::new().route("/ws", get(live_sockets::upgrade)).with_state(live))
            .fallback(same_origin(
                parley_api::router(api),
                ServeDir::new(&config.web_dir),
                security_headers(&template, &media.origin)?,
            ));

        let listener = TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        // The peer address reaches the handlers as `ConnectInfo`, where API
        // Gateway would put `sourceIp`: login throttling reads either.
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await {
                tracing::error!(error = %e, "local server stopped");
            }
        });
        Ok(LocalStack {
            addr,
            dynamo_round_trips: counter,
            api_round_trips: api_counter,
            background_round_trips: background_counter,
            reactions_round_trips: reactions_counter,
            sender_jobs,
            store,
            outbound_queue_url,
            live_channel,
            live_push,
            webhook_queue_url,
            scheduler,
            due_work,
            events_invocations,
            event_bus_name,
            media_bucket: media.bucket,
            server,
            drivers,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the process is asked to stop.
    pub async fn wait(mut self) -> Result<()> {
        (&mut self.server).await.context("local server task")
    }
}

/// The security headers template.yaml's CloudFront policy adds, with the
/// local media origin where the stack's bucket would be.
fn security_headers(template: &Template, media_origin: &str) -> Result<Arc<Vec<(HeaderName, HeaderValue)>>> {
    let headers = template
        .security_headers_for(media_origin)?
        .into_iter()
        .map(|(name, value)| Ok((HeaderName::try_from(name)?, HeaderValue::try_from(value)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(headers))
}

/// CloudFront's behaviours: `/api/*` and `/leads/*` go whole to the api function (whose
/// own fallback answers unknown routes), everything else to the UI bucket;
/// both with the response headers policy's security headers.
fn same_origin(
    api: Router,
    web: ServeDir,
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
) -> impl Fn(Request) -> Pin<Box<dyn Future<Output = Response> + Send>> + Clone + Send + Sync + 'static {
    move |request: Request| {
        let (api, web, headers) = (api.clone(), web.clone(), headers.clone());
        Box::pin(async move {
            let path = request.uri().path();
            let mut response = if path.starts_with("/api/") || path.starts_with("/leads/") {
                api.oneshot(request).await.into_response()
            } else {
                web.oneshot(request).await.into_response()
            };
            for (name, value) in headers.iter() {
                response.headers_mut().insert(name.clone(), value.clone());
            }
            response
        })
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        self.server.abort();
        for driver in &self.drivers {
            driver.abort();
        }
    }
}
