//! The SQS-driven export worker: each record names one export job, which
//! is written to the export bucket page by page, or one step of a contact
//! import or of a campaign (each queues its next step itself). A failed job is marked
//! failed for its requester; only an unreadable record or a storage outage
//! is handed back to SQS (and, after its retries, the dead-letter queue).

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use parley::adapters::aws::{self, ExportBucket, MediaBucket, SdkConfig};
use parley::adapters::scheduler::ScheduleTarget;
use parley::adapters::sqs::{CampaignRequest, ExportRequest, ImportRequest};
use parley::adapters::sqs_batch::BatchFailures;
use parley::app::campaigns::{CampaignPace, CampaignPorts, Campaigns};
use parley::app::contact_imports::{ContactImports, ImportPorts};
use parley::app::exports::Exports;
use parley::app::send_message::SendMessage;
use parley::app::sweep::SweepPolicy;
use parley::app::sweep_arming::SweepArming;
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
use parley::ports::{Clock, OutboundQueue, Scheduler, SystemClock};
use std::sync::Arc;

/// What the export worker runs with.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `EXPORT_QUEUE_URL` (a job's request is re-queued there).
    pub export_queue_url: String,
    /// `EXPORT_BUCKET`.
    pub bucket: ExportBucket,
    /// `MEDIA_BUCKET`: where import files are uploaded.
    pub media_bucket: MediaBucket,
    /// The contact-id key (the store needs it even though exports derive no ids).
    pub secrets: SecretSource,
    /// `OUTBOUND_QUEUE_URL`: where campaign sends go.
    pub outbound_queue_url: String,
    /// Where the outbox sweep is armed (each send arms it, as the API's do).
    pub schedules: ScheduleTarget,
    /// `CAMPAIGN_SENDS_PER_SECOND`: the campaign pace (default 40).
    pub pace: CampaignPace,
    /// `WHATSAPP_WABA_ID`: the deployment's own account.
    pub own_waba_id: String,
}

impl ExportSettings {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(ExportSettings {
            table: env.required("TABLE_NAME")?,
            export_queue_url: env.required("EXPORT_QUEUE_URL")?,
            bucket: ExportBucket::from_environment(env)?,
            media_bucket: MediaBucket::from_environment(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            schedules: ScheduleTarget::from_environment(env)?,
            pace: campaign_pace(env)?,
            own_waba_id: parley::config::own_waba_id(env),
        })
    }
}

/// `CAMPAIGN_SENDS_PER_SECOND`: 1 to 1,000 (Meta's highest tier), 40 when unset.
pub fn campaign_pace(env: &Environment) -> Result<CampaignPace, ConfigError> {
    const EXPECTED: &str = "a whole number of sends a second, from 1 to 1000";
    let pace: u32 =
        env.parsed("CAMPAIGN_SENDS_PER_SECOND", EXPECTED)?.unwrap_or(CampaignPace::default().sends_per_second);
    if !(1..=1000).contains(&pace) {
        return Err(ConfigError::Invalid { name: "CAMPAIGN_SENDS_PER_SECOND", expected: EXPECTED });
    }
    Ok(CampaignPace { sends_per_second: pace })
}

/// The worker.
pub struct Worker {
    /// The use case.
    pub exports: Exports,
    /// Contact imports, a step per request.
    pub imports: ContactImports,
    /// Campaigns, a step per request.
    pub campaigns: Campaigns,
}

/// One queue message: an export, or an import's or a campaign's next step.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Request {
    Export(ExportRequest),
    Import(ImportRequest),
    Campaign(CampaignRequest),
}

/// Campaigns over `store`, sending through `outbound` (which arms the
/// outbox sweep as every send does) and stepping through `steps`; each
/// recipient gets the template of their number's account (`own_waba_id`:
/// the deployment's).
pub fn campaigns(
    store: Arc<parley::adapters::dynamo::DynamoStore>,
    outbound: Arc<dyn OutboundQueue>,
    scheduler: Arc<dyn Scheduler>,
    steps: Arc<dyn parley::ports::CampaignQueue>,
    clock: Arc<dyn Clock>,
    pace: CampaignPace,
    own_waba_id: &str,
) -> Campaigns {
    let outbound: Arc<dyn OutboundQueue> =
        Arc::new(SweepArming::new(outbound, scheduler, clock.clone(), SweepPolicy::default().queued_after_ms));
    let send = SendMessage::over_table(store.clone(), outbound, clock.clone(), own_waba_id);
    Campaigns::new(CampaignPorts::over_store(store, steps, clock), Arc::new(send), pace)
}

/// Builds the worker from settings and the loaded secrets, with clients
/// made here, once per container (on Lambda: at the first batch).
pub fn build(settings: &ExportSettings, sdk: &SdkConfig, secrets: &AppSecrets) -> Result<Worker, SecretsError> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let queue = Arc::new(aws::queue(sdk, &settings.export_queue_url));
    let files = Arc::new(aws::export_files(sdk, &settings.bucket));
    let clock = Arc::new(SystemClock);
    let exports =
        Exports::new(store.clone(), queue.clone(), files.clone(), store.clone(), store.clone(), clock.clone());
    let uploads = Arc::new(aws::media_vault(sdk, &settings.media_bucket));
    let imports =
        ContactImports::new(ImportPorts::over_store(store.clone(), uploads, files, queue.clone(), clock.clone()));
    let campaigns = campaigns(
        store,
        Arc::new(aws::queue(sdk, &settings.outbound_queue_url)),
        Arc::new(aws::scheduler(sdk, settings.schedules.clone())),
        queue,
        clock,
        settings.pace,
        &settings.own_waba_id,
    );
    Ok(Worker { exports, imports, campaigns })
}

/// Handles one SQS batch.
pub async fn handle(worker: &Worker, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = BatchFailures::new();
    for record in event.records {
        let id = record.message_id.as_deref().unwrap_or_default();
        let request = record.body.as_deref().and_then(|b| serde_json::from_str::<Request>(b).ok());
        match request {
            Some(Request::Export(request)) => {
                if let Err(e) = worker.exports.run(&request.export_id).await {
                    tracing::error!(error = %e, export_id = %request.export_id, "export job failed on storage; SQS will redeliver");
                    failures.retry(&record);
                }
            }
            Some(Request::Import(request)) => {
                if let Err(e) = worker.imports.run(&request.import_id).await {
                    tracing::error!(error = %e, import = %request.import_id, "import step failed on storage; SQS will redeliver");
                    failures.retry(&record);
                }
            }
            Some(Request::Campaign(request)) => {
                if let Err(e) = worker.campaigns.run(&request.campaign_id).await {
                    tracing::error!(error = %e, campaign = %request.campaign_id, "campaign step failed on storage; SQS will redeliver");
                    failures.retry(&record);
                }
            }
            None => {
                tracing::error!(sqs_message_id = %id, "unreadable export, import or campaign request");
                failures.retry(&record);
            }
        }
    }
    failures.into_response()
}
