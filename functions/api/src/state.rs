//! What a request handler reaches: the clients made once per container,
//! and the use cases over them.
//!
//! A use case is made when a handler asks for it (a few `Arc` clones). Its
//! ports are `dyn` traits, and a vtable keeps every method of the adapter
//! behind it linked; made up front, every use case would sit in every binary
//! serving `/api` whatever its routes. Made on demand, a binary that serves
//! one group of routes links only the use cases, and adapter methods, those
//! routes reach.

use parley::adapters::account_tokens::AccountTokens;
use parley::adapters::ai_http::HttpAiAssistant;
use parley::adapters::aws;
use parley::adapters::cloud_api::CloudApi;
use parley::adapters::dynamo::DynamoStore;
use parley::app::auth::BootstrapAdmin;
use parley::app::business_calendar::BusinessCalendar;
use parley::app::contact_export::ContactExport;
use parley::app::data_ownership::DataOwnership;
use parley::app::deals::Deals;
use parley::app::exports::Exports;
use parley::app::inbox::{Inbox, InboxSettings};
use parley::app::live_feed::LiveFeed;
use parley::app::opt_out::OptOuts;
use parley::app::reports::Reports;
use parley::app::rules::{DryRun, RuleEditor};
use parley::app::send_message::{SendMessage, SendSettings};
use parley::app::source_report::SourceReport;
use parley::app::tasks::Tasks;
use parley::app::team::Team;
use parley::app::webhooks::Webhooks;
use parley::app::Auth;
use parley::config::secrets::{AppSecrets, SecretName};
use parley::ports::{
    BusinessProfileStore, Clock, ContactEnrolment, ContactRecordStore, ConversationStore, OutboundQueue, OutboxStore,
    ReadMarkers, SpendStore, SystemClock, TemplateCatalog,
};
use std::sync::{Arc, OnceLock};

use crate::{bootstrap_admin, ApiSettings, Background};

/// Everything a request handler needs: clients built once per cold start,
/// use cases made over them on demand.
pub struct ApiState {
    table: Arc<DynamoStore>,
    /// The sender's queue, arming the outbox sweep (it remembers when it
    /// last armed it, so it lives as long as the container).
    queue: OnceLock<Arc<dyn OutboundQueue>>,
    whatsapp: Arc<CloudApi>,
    background: Background,
    admin: Option<BootstrapAdmin>,
    inbox_settings: InboxSettings,
    send_settings: SendSettings,
    ai_client: Arc<HttpAiAssistant>,
    /// The key CloudFront sends to vouch for `CloudFront-Viewer-Address`;
    /// without it only API Gateway's `sourceIp` (or the TCP peer) counts.
    pub origin_key: Option<String>,
    /// The AI provider's base URL the settings form suggests (locally, the
    /// simulator's stand-in of one).
    pub ai_stand_in: Option<String>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// Builds the state from parsed settings and the loaded secrets. On Lambda
/// this runs on the first request (the secrets are fetched then), never at
/// init; the table and the Cloud API client are made here, every other
/// client when a request first needs it.
pub fn build(
    settings: &ApiSettings,
    sdk: &aws::SdkConfig,
    secrets: &AppSecrets,
) -> Result<ApiState, Box<dyn std::error::Error + Send + Sync>> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let token = secrets.get(SecretName::WhatsAppAccessToken)?;
    let tokens = Arc::new(AccountTokens::new(
        token,
        &settings.cloud_api.waba_id,
        store.clone(),
        Arc::new(aws::account_tokens(sdk, &settings.background.account_token_prefix)),
    ));
    // Settings write through the same tokens the client uses.
    let background = Background::on_first_use(sdk, &settings.background).with_account_tokens(tokens.clone());
    let whatsapp = Arc::new(CloudApi::new(settings.cloud_api.with_token(token))?.with_account_tokens(tokens));
    let api = state(
        store,
        whatsapp,
        Arc::new(SystemClock),
        bootstrap_admin(settings.admin_email.as_deref(), secrets),
        settings.inbox,
        background,
        secrets.optional(SecretName::OriginKey).map(str::to_owned),
    );
    Ok(api.with_send_settings(settings.send))
}

/// Wires the state over one store, Cloud API client and set of background
/// clients.
pub fn state(
    store: Arc<DynamoStore>,
    whatsapp: Arc<CloudApi>,
    clock: Arc<dyn Clock>,
    admin: Option<BootstrapAdmin>,
    settings: InboxSettings,
    background: Background,
    origin_key: Option<String>,
) -> ApiState {
    ApiState {
        table: store,
        queue: OnceLock::new(),
        whatsapp,
        background,
        admin,
        inbox_settings: settings,
        send_settings: SendSettings::default(),
        ai_client: Arc::new(HttpAiAssistant::new()),
        origin_key,
        ai_stand_in: None,
        clock,
    }
}

impl ApiState {
    /// Sends with these settings instead of the defaults.
    pub fn with_send_settings(mut self, settings: SendSettings) -> Self {
        self.send_settings = settings;
        self
    }

    /// Who sees what: the inbox's settings.
    pub fn inbox_settings(&self) -> InboxSettings {
        self.inbox_settings
    }

    fn calendar(&self) -> BusinessCalendar {
        BusinessCalendar::new(self.table.clone())
    }

    /// Every send arms the outbox sweep (debounced): nothing sweeps periodically.
    fn queue(&self) -> Arc<dyn OutboundQueue> {
        let arming = || -> Arc<dyn OutboundQueue> {
            Arc::new(parley::app::sweep_arming::SweepArming::new(
                self.background.outbound(),
                self.background.scheduler(),
                self.clock.clone(),
                parley::app::sweep::SweepPolicy::default().queued_after_ms,
            ))
        };
        self.queue.get_or_init(arming).clone()
    }

    fn sending(&self) -> SendMessage {
        SendMessage::over_table(self.table.clone(), self.queue(), self.clock.clone(), self.whatsapp.waba_id())
            .with_uploads(self.background.uploads())
    }

    /// Visibility, ownership, queues, audit.
    pub fn inbox(&self) -> Inbox {
        let t = &self.table;
        Inbox::new(t.clone(), t.clone(), t.clone(), t.clone(), self.clock.clone(), self.inbox_settings)
    }

    /// What changed since a cursor (live updates).
    pub fn live(&self) -> LiveFeed {
        LiveFeed::new(Arc::new(self.inbox()), self.table.clone(), self.table.clone(), self.clock.clone())
    }

    /// The team.
    pub fn team(&self) -> Team {
        let t = &self.table;
        Team::new(t.clone(), t.clone(), t.clone(), self.clock.clone())
    }

    /// Pipelines and deals.
    pub fn deals(&self) -> Deals {
        let t = &self.table;
        Deals::new(t.clone(), t.clone(), t.clone(), self.clock.clone(), self.inbox_settings.agents_see_all)
    }

    /// Products, quotes and invoices.
    pub fn quotes(&self) -> parley::app::quotes::Quotes {
        let t = &self.table;
        parley::app::quotes::Quotes::new(
            t.clone(),
            t.clone(),
            t.clone(),
            self.deals(),
            self.clock.clone(),
            self.calendar(),
            self.inbox_settings.agents_see_all,
        )
    }

    /// Quote PDFs, and the WhatsApp message that sends one.
    pub fn quote_delivery(&self) -> parley::app::quote_delivery::QuoteDelivery {
        let t = &self.table;
        parley::app::quote_delivery::QuoteDelivery::new(
            self.background.fonts(),
            self.background.media(),
            t.clone(),
            t.clone(),
            t.clone(),
            self.clock.clone(),
        )
    }

    /// Notes, tags, fields, search.
    pub fn records(&self) -> Arc<dyn ContactRecordStore> {
        self.table.clone()
    }

    /// Follow-ups.
    pub fn tasks(&self) -> Tasks {
        let t = &self.table;
        Tasks::new(
            t.clone(),
            t.clone(),
            t.clone(),
            self.clock.clone(),
            self.calendar(),
            self.background.scheduler(),
            t.clone(),
        )
    }

    /// Reports.
    pub fn reports(&self) -> Reports {
        Reports::new(self.table.clone(), self.clock.clone(), self.inbox_settings.sla_minutes, self.calendar())
    }

    /// Leads, conversations and won deals per source and ad.
    pub fn source_report(&self) -> SourceReport {
        SourceReport::new(self.table.clone(), self.table.clone())
    }

    /// Erase, merge.
    pub fn data(&self) -> DataOwnership {
        let t = &self.table;
        DataOwnership::new(t.clone(), t.clone(), t.clone(), self.clock.clone()).with_media(self.background.media())
    }

    /// A data-subject export of one contact.
    pub fn contact_export(&self) -> ContactExport {
        let t = &self.table;
        ContactExport::new(t.clone(), t.clone(), t.clone(), t.clone(), t.clone(), self.clock.clone())
    }

    /// Export jobs.
    pub fn exports(&self) -> Exports {
        let (t, b) = (&self.table, &self.background);
        Exports::new(t.clone(), b.exports(), b.export_files(), t.clone(), t.clone(), self.clock.clone())
    }

    /// The health page: arrivals, queues, the token, the data's shape.
    pub fn health(&self) -> parley::app::health::Health {
        let t = &self.table;
        parley::app::health::Health::new(
            t.clone(),
            self.background.dead_letters(),
            self.whatsapp.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
        )
    }

    /// Answering, declining and ending customers' WhatsApp calls.
    pub fn calls(&self) -> parley::app::call_desk::CallDesk {
        parley::app::call_desk::CallDesk::new(self.table.clone(), self.whatsapp.clone(), self.clock.clone())
    }

    /// Read receipts and "typing…" to the customer.
    pub fn chat_signals(&self) -> parley::app::chat_signals::ChatSignals {
        let t = &self.table;
        parley::app::chat_signals::ChatSignals::new(self.whatsapp.clone(), t.clone(), t.clone(), self.clock.clone())
    }

    /// The send use case.
    pub fn send(&self) -> SendMessage {
        self.sending().with_settings(self.send_settings)
    }

    /// Outbound messages through their states.
    pub fn outbox(&self) -> Arc<dyn OutboxStore> {
        self.table.clone()
    }

    /// The template catalog.
    pub fn templates(&self) -> Arc<dyn TemplateCatalog> {
        self.table.clone()
    }

    /// Spend by month and category.
    pub fn spend(&self) -> Arc<dyn SpendStore> {
        self.table.clone()
    }

    /// Each account's template catalog, synced from the Cloud API.
    pub fn catalogs(&self) -> parley::app::template_catalogs::TemplateCatalogs {
        let t = &self.table;
        parley::app::template_catalogs::TemplateCatalogs::new(
            self.whatsapp.clone(),
            t.clone(),
            t.clone(),
            self.whatsapp.waba_id(),
        )
    }

    /// Automation rules.
    pub fn rules(&self) -> RuleEditor {
        let t = &self.table;
        RuleEditor::new(t.clone(), t.clone(), t.clone(), t.clone(), self.clock.clone())
    }

    /// Rule dry runs over the stored events.
    pub fn dry_run(&self) -> DryRun {
        let t = &self.table;
        DryRun::new(t.clone(), t.clone(), t.clone(), t.clone(), self.clock.clone())
    }

    /// Sign-in and sessions.
    pub fn auth(&self) -> Auth {
        let t = &self.table;
        Auth::new(t.clone(), t.clone(), t.clone(), self.clock.clone(), self.admin.clone())
    }

    /// Marketing opt-outs.
    pub fn opt_outs(&self) -> OptOuts {
        OptOuts::new(self.table.clone(), self.clock.clone())
    }

    /// Opt-ins staff record, and the consent settings.
    pub fn consents(&self) -> parley::app::consent::Consents {
        parley::app::consent::Consents::new(self.table.clone(), self.table.clone(), self.clock.clone())
    }

    /// Leads posted by their sources.
    pub fn lead_intake(&self) -> parley::app::lead_intake::LeadIntake {
        use parley::app::lead_intake::{LeadIntake, LeadIntakePorts};
        LeadIntake::new(LeadIntakePorts::over_store(self.table.clone(), self.clock.clone()))
    }

    /// The sources managers configure.
    pub fn lead_sources(&self) -> parley::app::lead_sources::LeadSources {
        let t = &self.table;
        parley::app::lead_sources::LeadSources::new(t.clone(), t.clone(), t.clone(), t.clone(), self.clock.clone())
            .with_pulls(self.background.scheduler())
    }

    /// Contact imports from CSV.
    pub fn imports(&self) -> parley::app::contact_imports::ContactImports {
        use parley::app::contact_imports::{ContactImports, ImportPorts};
        let b = &self.background;
        ContactImports::new(ImportPorts::over_store(
            self.table.clone(),
            b.import_files(),
            b.export_files(),
            b.imports(),
            self.clock.clone(),
        ))
    }

    /// Campaigns.
    pub fn campaigns(&self) -> parley::app::campaigns::Campaigns {
        use parley::app::campaigns::{CampaignPace, CampaignPorts, Campaigns};
        Campaigns::new(
            CampaignPorts::over_store(self.table.clone(), self.background.campaigns(), self.clock.clone()),
            Arc::new(self.sending()),
            CampaignPace::default(),
        )
    }

    /// Outbound webhook subscriptions (administrators).
    pub fn webhooks(&self) -> Webhooks {
        Webhooks::new(self.table.clone(), self.background.webhooks(), self.clock.clone())
    }

    /// Contacts and timelines.
    pub fn store(&self) -> Arc<dyn ConversationStore> {
        self.table.clone()
    }

    /// The business profile.
    pub fn business(&self) -> Arc<dyn BusinessProfileStore> {
        self.table.clone()
    }

    /// The business's own prices over Meta's rate card.
    pub fn rate_overrides(&self) -> Arc<dyn parley::ports::RateOverrideStore> {
        self.table.clone()
    }

    /// Opening hours per business number.
    pub fn hours(&self) -> Arc<dyn parley::ports::BusinessHoursStore> {
        self.table.clone()
    }

    /// Settings → Numbers' accounts and their tokens.
    pub fn account_settings(&self) -> parley::app::account_settings::AccountSettings {
        let t = &self.table;
        parley::app::account_settings::AccountSettings::new(
            t.clone(),
            self.background.account_tokens(),
            t.clone(),
            self.clock.clone(),
            self.whatsapp.waba_id(),
        )
    }

    /// Every business number known, and admins' set-up of each.
    pub fn number_settings(&self) -> parley::app::number_settings::NumberSettings {
        let t = &self.table;
        parley::app::number_settings::NumberSettings::new(
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            self.clock.clone(),
        )
    }

    /// Contacts added by phone number.
    pub fn enrolment(&self) -> Arc<dyn ContactEnrolment> {
        self.table.clone()
    }

    /// Who has read what.
    pub fn read_markers(&self) -> Arc<dyn ReadMarkers> {
        self.table.clone()
    }

    /// Each staff member's notifications.
    pub fn notifications(&self) -> Arc<dyn parley::ports::NotificationInbox> {
        self.table.clone()
    }

    /// Raises notifications (`@name` mentions).
    pub fn notifier(&self) -> Arc<dyn parley::ports::Notifications> {
        self.table.clone()
    }

    /// The team (who a mention names).
    pub fn users(&self) -> Arc<dyn parley::ports::UserStore> {
        self.table.clone()
    }

    /// Customers' files in the media bucket.
    pub fn media(&self) -> Arc<dyn parley::ports::MediaVault> {
        self.background.media()
    }

    /// Presigned PUTs for files staff attach.
    pub fn uploads(&self) -> parley::app::media_upload::MediaUpload {
        parley::app::media_upload::MediaUpload::new(self.background.uploads())
    }

    /// AI assist (off until an admin turns it on).
    pub fn ai_assist(&self) -> parley::app::ai_assist::AiAssist {
        parley::app::ai_assist::AiAssist::over_store(
            self.table.clone(),
            self.background.ai_keys(),
            self.ai_client.clone(),
            self.clock.clone(),
        )
    }
}
