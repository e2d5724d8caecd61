//! The reminders function: woken by one EventBridge Scheduler one-time
//! schedule per job (a task falling due, an SLA running out, a deal gone
//! quiet, an outbox sweep, an index backfill step, a rule timer), with the
//! job's JSON as its input. Nothing runs when nothing is due. A deploy
//! wakes it too, through the stack's `Migrations` custom resource, to start
//! the data migrations the new version needs.

use parley::adapters::ai_http::HttpAiAssistant;
use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::cloudformation::{CustomResourceRequest, CustomResourceResponse, ResponseError};
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::indiamart_http::{IndiaMartHttp, INDIAMART_BASE};
use parley::adapters::scheduler::ScheduleTarget;
use parley::app::ai_assist::AiAssist;
use parley::app::due_work::{DueWork, DueWorkPorts, SlaPolicy};
use parley::app::index_backfill::IndexBackfill;
use parley::app::indiamart_pull::IndiaMartPull;
use parley::app::lead_intake::{LeadIntake, LeadIntakePorts};
use parley::app::migrations::{MigrationStatus, Migrations};
use parley::app::rules::RuleEngine;
use parley::app::send_message::SendMessage;
use parley::app::sweep::{Sweep, SweepPolicy};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{ConfigError, Environment};
use parley::domain::scheduled_job::ScheduledJob;
use parley::ports::{AiKeyStore, Clock, IndiaMartApi, OutboundQueue, Scheduler, SystemClock, WebhookQueue};
use std::sync::Arc;

/// What the reminders function runs with.
#[derive(Debug, Clone)]
pub struct RemindersSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `OUTBOUND_QUEUE_URL`.
    pub outbound_queue_url: String,
    /// `WEBHOOK_QUEUE_URL`: a timed rule's "call a webhook" action.
    pub webhook_queue_url: String,
    /// When a message counts as stuck.
    pub sweep: SweepPolicy,
    /// `PARLEY_SLA_MINUTES`, as the inbox reads it.
    pub sla: SlaPolicy,
    /// Where re-armed jobs are scheduled.
    pub schedules: ScheduleTarget,
    /// The contact-id key (and IndiaMART's CRM key, when set).
    pub secrets: SecretSource,
    /// `INDIAMART_API_BASE`: IndiaMART's address (the simulator's locally).
    pub indiamart_base: String,
    /// `AI_KEY_SECRET_ID`: the AI provider key's secret (default
    /// `parley-ai-key`, as the API's).
    pub ai_key_secret_id: String,
    /// `WHATSAPP_WABA_ID`: the deployment's own account.
    pub own_waba_id: String,
}

impl RemindersSettings {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let inbox = parley::app::inbox::InboxSettings::from_environment(env)?;
        Ok(RemindersSettings {
            table: env.required("TABLE_NAME")?,
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            sweep: SweepPolicy::default(),
            sla: SlaPolicy { minutes: inbox.sla_minutes },
            schedules: ScheduleTarget::from_environment(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
            indiamart_base: env.optional("INDIAMART_API_BASE").unwrap_or_else(|| INDIAMART_BASE.to_owned()),
            ai_key_secret_id: env
                .optional(parley::config::secrets::AI_KEY_SECRET_ID)
                .unwrap_or_else(|| "parley-ai-key".to_owned()),
            own_waba_id: parley::config::own_waba_id(env),
        })
    }
}

/// Pages of the index backfill one step reads (up to 100 items each, each a
/// conditional write when it must move): well inside the function's timeout.
const BACKFILL_PAGES_PER_RUN: u32 = 3;

/// The clients the due work runs over.
pub struct Wiring {
    /// The table (notifications included).
    pub store: Arc<DynamoStore>,
    /// The outbound queue (sweep, follow-up templates, timed rules' sends).
    pub queue: Arc<dyn OutboundQueue>,
    /// Re-arms jobs.
    pub scheduler: Arc<dyn Scheduler>,
    /// A timed rule's "call a webhook" action.
    pub webhooks: Arc<dyn WebhookQueue>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// IndiaMART's lead API; `None` without a CRM key.
    pub indiamart: Option<Arc<dyn IndiaMartApi>>,
    /// The AI provider's key, for timed rules that send AI assist's draft.
    pub ai_keys: Arc<dyn AiKeyStore>,
    /// The deployment's own WhatsApp Business Account (`WHATSAPP_WABA_ID`).
    pub own_waba_id: String,
}

/// The due work over one store: what both Lambda and the local runner use.
pub fn due_work(wiring: Wiring, sweep: SweepPolicy, sla: SlaPolicy) -> DueWork {
    let Wiring { store, queue, scheduler, webhooks, clock, indiamart, ai_keys, own_waba_id } = wiring;
    let intake = Arc::new(LeadIntake::new(LeadIntakePorts::over_store(store.clone(), clock.clone())));
    let pull = IndiaMartPull::new(indiamart, intake, store.clone(), store.clone(), scheduler.clone(), clock.clone());
    let send = Arc::new(SendMessage::over_table(store.clone(), queue.clone(), clock.clone(), &own_waba_id));
    let assist = AiAssist::over_store(store.clone(), ai_keys, Arc::new(HttpAiAssistant::new()), clock.clone());
    let rule_timers = RuleEngine::over_table(store.clone(), send.clone(), scheduler.clone(), webhooks, clock.clone())
        .with_assist(Arc::new(assist));
    let sweeper = Sweep::new(store.clone(), store.clone(), queue, clock.clone(), sweep);
    DueWork::new(
        DueWorkPorts {
            tasks: store.clone(),
            ledger: store.clone(),
            conversations: store.clone(),
            deals: store.clone(),
            users: store.clone(),
            notifications: store.clone(),
            scheduler,
            outbox: store.clone(),
            clock,
        },
        send,
        (sweeper, sweep),
        IndexBackfill::new(store, BACKFILL_PAGES_PER_RUN),
        Some(Arc::new(rule_timers)),
        sla,
    )
    .with_lead_pull(Arc::new(pull))
}

/// Builds the function's use cases from settings and the loaded secrets,
/// with clients made here, once per container (on Lambda: at the first run).
pub fn build(
    settings: &RemindersSettings,
    sdk: &SdkConfig,
    secrets: &AppSecrets,
) -> Result<Reminders, Box<dyn std::error::Error + Send + Sync>> {
    let indiamart: Option<Arc<dyn IndiaMartApi>> = match secrets.optional(SecretName::IndiaMartKey) {
        Some(key) => Some(Arc::new(IndiaMartHttp::new(&settings.indiamart_base, key)?)),
        None => None,
    };
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let scheduler: Arc<dyn Scheduler> = Arc::new(aws::scheduler(sdk, settings.schedules.clone()));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let migrations = Migrations::new(store.clone(), scheduler.clone(), clock.clone());
    let wiring = Wiring {
        store,
        queue: Arc::new(aws::queue(sdk, &settings.outbound_queue_url)),
        scheduler,
        webhooks: Arc::new(aws::queue(sdk, &settings.webhook_queue_url)),
        clock,
        indiamart,
        ai_keys: Arc::new(aws::ai_key(sdk, &settings.ai_key_secret_id)),
        own_waba_id: settings.own_waba_id.clone(),
    };
    Ok(Reminders { work: due_work(wiring, settings.sweep, settings.sla), migrations })
}

/// What woke the function: a scheduled job, or a deploy asking for the
/// data migrations through the stack's custom resource.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum Wake {
    /// CloudFormation's request (create, update or delete of `Migrations`).
    Deploy(CustomResourceRequest),
    /// A Scheduler wake-up.
    Job(ScheduledJob),
}

/// The function's use cases, built once per container.
pub struct Reminders {
    /// What scheduled jobs run.
    pub work: DueWork,
    /// What a deploy runs.
    pub migrations: Migrations,
}

/// Answers a deploy's request, always (CloudFormation waits an hour for an
/// answer that never comes): migrations scheduled or up to date, a delete
/// acknowledged, or the failure (the function could not start, the table
/// could not be read) as the reason the deploy rolls back.
pub async fn answer_deploy(
    migrations: Result<&Migrations, String>,
    request: &CustomResourceRequest,
) -> Result<String, ResponseError> {
    let outcome = if request.is_delete() {
        Ok("nothing to migrate when the stack deletes it".to_owned())
    } else {
        match migrations {
            Ok(migrations) => match migrations.on_deploy().await {
                Ok(MigrationStatus::UpToDate { version }) => Ok(format!("data up to date (version {version})")),
                Ok(MigrationStatus::Started { pending }) => Ok(format!("migrating: {}", pending.join(", "))),
                Err(e) => Err(format!("the table could not be read: {e}")),
            },
            Err(why) => Err(format!("the function could not start: {why}")),
        }
    };
    let response = CustomResourceResponse::to(request, outcome);
    tracing::info!(request = %request.request_type, status = response.status, reason = %response.reason, "deploy answered");
    response.send(&request.response_url).await?;
    Ok(response.reason)
}
