//! What Parley does with each published event, in order. Each reaction is
//! idempotent on the event id, so a redelivered batch repeats nothing.

use parley::adapters::ai_http::HttpAiAssistant;
use parley::adapters::dynamo::DynamoStore;
use parley::app::ai_assist::AiAssist;
use parley::app::campaign_tracking::CampaignTracking;
use parley::app::consent_keywords::ConsentKeywords;
use parley::app::deal_idle_watch::DealIdleWatch;
use parley::app::deals::Deals;
use parley::app::due_work::SlaPolicy;
use parley::app::flow_leads::FlowLeads;
use parley::app::follow_up_cancellation::FollowUpCancellation;
use parley::app::inbox::{Inbox, InboxSettings};
use parley::app::lead_intake::{LeadIntake, LeadIntakePorts};
use parley::app::media_copy_request::MediaCopyRequest;
use parley::app::missed_call_follow_up::MissedCallFollowUp;
use parley::app::number_owner_routing::NumberOwnerRouting;
use parley::app::quote_replies::QuoteReplies;
use parley::app::quotes::Quotes;
use parley::app::reactions::{Reaction, ReactionError};
use parley::app::rules::RuleEngine;
use parley::app::send_message::SendMessage;
use parley::app::sender_spend::SenderSpend;
use parley::app::sla_watch::SlaWatch;
use parley::app::source_counting::SourceCounting;
use parley::app::staff_notifier::StaffNotifier;
use parley::app::webhook_fanout::WebhookFanout;
use parley::domain::Event;
use parley::ports::{AiKeyStore, Clock, MediaQueue, OutboundQueue, PushChannel, Scheduler, WebhookQueue};
use std::sync::Arc;

/// The clients the reactions run over, built once per cold start (or once
/// by the local runner).
pub struct ReactionParts {
    /// The table.
    pub store: Arc<DynamoStore>,
    /// Rule sends go through the sender like any other.
    pub outbound: Arc<dyn OutboundQueue>,
    /// Wake-ups for SLA checks, quiet deals and rule timers.
    pub scheduler: Arc<dyn Scheduler>,
    /// Outbound webhook deliveries.
    pub webhooks: Arc<dyn WebhookQueue>,
    /// The staff's open sockets.
    pub push: Arc<dyn PushChannel>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// How long a conversation may wait on us.
    pub sla: SlaPolicy,
    /// Whether agents see every conversation (who is pushed what).
    pub agents_see_all: bool,
    /// Copies of customers' files into the media bucket.
    pub media: Arc<dyn MediaQueue>,
    /// The AI provider's key, for rules that send AI assist's draft.
    pub ai_keys: Arc<dyn AiKeyStore>,
    /// The deployment's own WhatsApp Business Account (`WHATSAPP_WABA_ID`).
    pub own_waba_id: String,
}

/// Every reaction, in the order they run for each event: the cheap
/// bookkeeping first, automation next, then what leaves the stack.
pub fn reactions(parts: &ReactionParts) -> Vec<Arc<dyn Reaction>> {
    let store = parts.store.clone();
    let send = Arc::new(SendMessage::over_table(
        store.clone(),
        parts.outbound.clone(),
        parts.clock.clone(),
        &parts.own_waba_id,
    ));
    let rules = RuleEngine::over_table(
        store.clone(),
        send.clone(),
        parts.scheduler.clone(),
        parts.webhooks.clone(),
        parts.clock.clone(),
    )
    .with_assist(Arc::new(AiAssist::over_store(
        store.clone(),
        parts.ai_keys.clone(),
        Arc::new(HttpAiAssistant::new()),
        parts.clock.clone(),
    )));
    vec![
        Arc::new(PublishedLog),
        Arc::new(FollowUpCancellation::new(store.clone(), parts.scheduler.clone())),
        // Before the notifier and the live push: they tell the new owner.
        Arc::new(number_owner_routing(&store, parts)),
        Arc::new(SlaWatch::new(store.clone(), parts.scheduler.clone(), parts.sla)),
        Arc::new(DealIdleWatch::new(store.clone(), parts.scheduler.clone())),
        Arc::new(SourceCounting::new(store.clone(), store.clone(), store.clone())),
        // Before the notifier: once staff hear of a tap, it has been handled.
        Arc::new(QuoteReplies::new(store.clone(), quotes(&store, parts))),
        Arc::new(StaffNotifier::new(store.clone(), store.clone())),
        Arc::new(MissedCallFollowUp::new(store.clone(), store.clone(), store.clone(), parts.scheduler.clone())),
        Arc::new(FlowLeads::new(
            store.clone(),
            Arc::new(LeadIntake::new(LeadIntakePorts::over_store(store.clone(), parts.clock.clone()))),
        )),
        // Before the rules: a customer who just said STOP gets no offer from them.
        Arc::new(ConsentKeywords::new(store.clone(), store.clone(), store.clone(), send)),
        // After the keywords: a reply that opts out counts as an opt-out after the campaign.
        Arc::new(CampaignTracking::new(store.clone(), store.clone())),
        Arc::new(SenderSpend::new(store.clone())),
        Arc::new(rules),
        Arc::new(WebhookFanout::new(store.clone(), parts.webhooks.clone())),
        Arc::new(push::live_push(store, parts.push.clone(), parts.agents_see_all)),
        Arc::new(MediaCopyRequest::new(parts.media.clone())),
    ]
}

/// Default owners per number (one Query per customer message; a contact
/// read more only when some number has a default owner).
fn number_owner_routing(store: &Arc<DynamoStore>, parts: &ReactionParts) -> NumberOwnerRouting {
    let settings = InboxSettings { agents_see_all: parts.agents_see_all, ..InboxSettings::default() };
    let inbox = Inbox::new(store.clone(), store.clone(), store.clone(), store.clone(), parts.clock.clone(), settings);
    NumberOwnerRouting::new(Arc::new(inbox.with_number_owners(store.clone())))
}

/// The quotes use case, for the customer's Accept tap.
fn quotes(store: &Arc<DynamoStore>, parts: &ReactionParts) -> Quotes {
    let deals = Deals::new(store.clone(), store.clone(), store.clone(), parts.clock.clone(), parts.agents_see_all);
    let calendar = parley::app::business_calendar::BusinessCalendar::new(store.clone());
    Quotes::new(store.clone(), store.clone(), store.clone(), deals, parts.clock.clone(), calendar, parts.agents_see_all)
}

/// Logs each event it is handed (ids and kind only: an event holds no
/// phone number or message body, and the log keeps it that way).
pub struct PublishedLog;

#[async_trait::async_trait]
impl Reaction for PublishedLog {
    fn name(&self) -> &'static str {
        "published_log"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        tracing::info!(event_id = %event.id, kind = event.kind.as_str(), "event published");
        Ok(())
    }
}
