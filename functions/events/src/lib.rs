//! The events function: takes the committed domain events from the table's
//! stream (only inserts of event items reach it), puts them on the event
//! bus, then hands each to every reaction.
//!
//! Delivery is at least once end to end. A record is "done" when its event
//! is on the bus and every reaction has taken it (or refused it for good).
//! The first record that is not done is reported as the batch's failure, so
//! Lambda (or the local runner) delivers it and everything after it again;
//! events before it are never redone. A record that is not an event, or an
//! event item that cannot be decoded, can never succeed: it is logged
//! (ids only) and skipped.

pub mod bus;
pub mod reactions;
pub mod stream;

use bus::{EventBus, PUT_EVENTS_BATCH};
use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::dynamo::event_from_image;
use parley::adapters::scheduler::ScheduleTarget;
use parley::app::due_work::SlaPolicy;
use parley::app::inbox::InboxSettings;
use parley::app::reactions::Reaction;
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
use parley::domain::Event;
use parley::ports::SystemClock;
use std::sync::Arc;
use stream::{BatchResponse, ItemFailure, StreamBatch};

/// How often entries the bus refused are offered again within one batch
/// before the record is left for the stream's own retry.
const PUBLISH_ATTEMPTS: usize = 3;

/// The events function's settings.
#[derive(Debug, Clone)]
pub struct EventsSettings {
    /// The EventBridge bus events are put on.
    pub bus_name: String,
    /// `TABLE_NAME`.
    pub table: String,
    /// `OUTBOUND_QUEUE_URL`: rule sends.
    pub outbound_queue_url: String,
    /// `WEBHOOK_QUEUE_URL`: outbound webhook deliveries.
    pub webhook_queue_url: String,
    /// `MEDIA_QUEUE_URL`: copies of customers' files.
    pub media_queue_url: String,
    /// `PUSH_ENDPOINT`: the WebSocket stage's management endpoint.
    pub push_endpoint: String,
    /// Where SLA checks, quiet-deal checks and rule timers are scheduled.
    pub schedules: ScheduleTarget,
    /// The inbox's SLA and visibility, as the API reads them.
    pub inbox: InboxSettings,
    /// The contact-id key.
    pub secrets: SecretSource,
    /// `AI_KEY_SECRET_ID`: the AI provider key's secret, for rules that send
    /// AI assist's draft (default `parley-ai-key`, as the API's).
    pub ai_key_secret_id: String,
    /// `WHATSAPP_WABA_ID`: the deployment's own account.
    pub own_waba_id: String,
}

impl EventsSettings {
    /// Reads the settings; fails at cold start naming a missing or bad one.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(EventsSettings {
            bus_name: env.required("EVENT_BUS_NAME")?,
            table: env.required("TABLE_NAME")?,
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            media_queue_url: env.required("MEDIA_QUEUE_URL")?,
            push_endpoint: env.required("PUSH_ENDPOINT")?,
            schedules: ScheduleTarget::from_environment(env)?,
            inbox: InboxSettings::from_environment(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
            ai_key_secret_id: env
                .optional(parley::config::secrets::AI_KEY_SECRET_ID)
                .unwrap_or_else(|| "parley-ai-key".to_owned()),
            own_waba_id: parley::config::own_waba_id(env),
        })
    }
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handled {
    /// Events put on the bus.
    pub published: usize,
    /// Records skipped because they can never be handled.
    pub skipped: usize,
    /// What to tell Lambda: the first record to deliver again, if any.
    pub response: BatchResponse,
}

/// Publishes and reacts; built once per cold start.
pub struct EventsHandler {
    bus: Arc<dyn EventBus>,
    reactions: Vec<Arc<dyn Reaction>>,
}

impl EventsHandler {
    /// A handler over `bus` running `reactions` for each event.
    pub fn new(bus: Arc<dyn EventBus>, reactions: Vec<Arc<dyn Reaction>>) -> Self {
        EventsHandler { bus, reactions }
    }

    /// Handles one stream batch.
    pub async fn handle(&self, batch: StreamBatch) -> Handled {
        let mut handled = Handled::default();
        let mut events: Vec<(String, Event)> = Vec::with_capacity(batch.records.len());
        for record in batch.records {
            let position = record.dynamodb.sequence_number;
            if record.event_name != "INSERT" {
                handled.skipped += 1;
                continue;
            }
            match event_from_image(&record.dynamodb.new_image) {
                Some(Ok(event)) => events.push((position, event)),
                Some(Err(error)) => {
                    handled.skipped += 1;
                    tracing::error!(sequence_number = %position, error = %error, "event item cannot be decoded; skipped");
                }
                None => handled.skipped += 1,
            }
        }
        let published = self.publish(&events).await;
        handled.published = published;
        for (position, event) in &events[..published] {
            if !self.react(event).await {
                handled.response = failure_at(position);
                return handled;
            }
        }
        if let Some((position, _)) = events.get(published) {
            handled.response = failure_at(position);
        }
        handled
    }

    /// Puts the events on the bus in order, ten at a time, offering refused
    /// entries again; how many from the start are on the bus.
    async fn publish(&self, events: &[(String, Event)]) -> usize {
        let mut done = 0;
        for chunk in events.chunks(PUT_EVENTS_BATCH) {
            let batch: Vec<Event> = chunk.iter().map(|(_, e)| e.clone()).collect();
            let mut accepted = vec![false; batch.len()];
            for attempt in 1..=PUBLISH_ATTEMPTS {
                let pending: Vec<usize> = (0..batch.len()).filter(|i| !accepted[*i]).collect();
                if pending.is_empty() {
                    break;
                }
                let offered: Vec<Event> = pending.iter().map(|i| batch[*i].clone()).collect();
                match self.bus.put(&offered).await {
                    Ok(answers) => {
                        for (i, ok) in pending.iter().zip(answers) {
                            accepted[*i] |= ok;
                        }
                    }
                    Err(error) => tracing::warn!(attempt, error = %error, "putting events on the bus failed"),
                }
            }
            let in_order = accepted.iter().take_while(|ok| **ok).count();
            done += in_order;
            if in_order < batch.len() {
                tracing::error!(event_id = %batch[in_order].id, "event not accepted by the bus; the stream delivers it again");
                break;
            }
        }
        done
    }

    /// Runs every reaction; `false` when one failed in a way a retry can fix.
    async fn react(&self, event: &Event) -> bool {
        for reaction in &self.reactions {
            if let Err(error) = reaction.react(event).await {
                if error.is_transient() {
                    tracing::warn!(reaction = reaction.name(), event_id = %event.id, error = %error, "reaction failed; the event is delivered again");
                    return false;
                }
                tracing::error!(reaction = reaction.name(), event_id = %event.id, kind = event.kind.as_str(), error = %error, "reaction refused the event for good");
            }
        }
        true
    }
}

fn failure_at(position: &str) -> BatchResponse {
    BatchResponse { batch_item_failures: vec![ItemFailure { item_identifier: position.to_owned() }] }
}

/// The production handler: the EventBridge bus and every reaction, built
/// with the first batch (the contact-id key comes from Secrets Manager).
pub fn build(settings: &EventsSettings, sdk: &SdkConfig, secrets: &AppSecrets) -> Result<EventsHandler, SecretsError> {
    let bus = bus::EventBridgeBus::new(sdk, &settings.bus_name);
    let parts = reactions::ReactionParts {
        store: Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?)),
        outbound: Arc::new(aws::queue(sdk, &settings.outbound_queue_url)),
        scheduler: Arc::new(aws::scheduler(sdk, settings.schedules.clone())),
        webhooks: Arc::new(aws::queue(sdk, &settings.webhook_queue_url)),
        push: push::api_gateway_channel(sdk, &settings.push_endpoint),
        clock: Arc::new(SystemClock),
        sla: SlaPolicy { minutes: settings.inbox.sla_minutes },
        agents_see_all: settings.inbox.agents_see_all,
        media: Arc::new(aws::queue(sdk, &settings.media_queue_url)),
        ai_keys: Arc::new(aws::ai_key(sdk, &settings.ai_key_secret_id)),
        own_waba_id: settings.own_waba_id.clone(),
    };
    Ok(EventsHandler::new(Arc::new(bus), reactions::reactions(&parts)))
}
