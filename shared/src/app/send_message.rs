//! `POST /api/contacts/{id}/messages`: check the rules, store `queued`,
//! enqueue; and `POST /api/messages/{id}/retry`: the same rules again, and
//! never a second send while Meta may still report on the first.

use crate::domain::number_accounts::NumberAccounts;
use crate::domain::outbound::{plan_send, OutboundContent, Recipient, SendRefusal};
use crate::domain::outbound_media::{is_upload_key, MediaRefusal};
use crate::domain::pricing::{Estimate, RateCards};
use crate::domain::rate_catalog::RateCatalog;
use crate::domain::template::{Category, Template};
use crate::domain::AuditEntry;
use crate::domain::Contact;
use crate::domain::OutboundMessage;
use crate::domain::{ContactId, DeliveryStatus, MessageRef, Millis};
use crate::ports::{
    BusinessProfileStore, Clock, ConsentPolicyStore, ConversationStore, Created, FirstResponse, IdempotencyKey,
    MediaUploads, NumberProfileStore, OutboundQueue, OutboxStore, RateOverrideStore, StoreError, TemplateCatalog,
    UploadedObject,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A send staff asked for.
#[derive(Debug, Clone)]
pub struct SendCommand {
    /// To whom.
    pub contact: ContactId,
    /// What.
    pub content: OutboundContent,
    /// Quoting this wamid.
    pub reply_to: Option<String>,
    /// The client's Idempotency-Key.
    pub idempotency_key: Option<String>,
    /// Who pressed send (for the audit log).
    pub actor: String,
}

/// Whose first-response figures an answer counts in: the owner's, else
/// the teammate who sent it (staff act under their e-mail address), else
/// `unassigned` (an answer the system sent on nobody's behalf).
fn credited_agent(owner: Option<&str>, actor: &str) -> String {
    owner.or(staff_member(actor)).unwrap_or("unassigned").to_owned()
}

/// The teammate an actor is: staff act under their e-mail address, rules
/// and the system under names without one.
fn staff_member(actor: &str) -> Option<&str> {
    actor.contains('@').then_some(actor)
}

/// Why nothing was queued.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No such contact.
    #[error("contact not found")]
    NotFound,
    /// A rule refused it.
    #[error(transparent)]
    Refused(#[from] SendRefusal),
    /// The Idempotency-Key came before with a different request.
    #[error("this Idempotency-Key was already used for a different request")]
    KeyReused,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a retry was not queued.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    /// No such outbound message (or contact).
    #[error("message not found")]
    NotFound,
    /// Only a failed message, or one whose outcome is unknown, is retried.
    #[error("only a failed message, or one whose outcome is unknown, can be retried")]
    NotRetryable,
    /// Meta may still report the last attempt's outcome: a retry now could
    /// send the message twice.
    #[error("Meta may still report whether the last attempt was sent; retry after {}", .retry_after.to_rfc3339())]
    TooSoon {
        /// When the status grace period ends.
        retry_after: Millis,
    },
    /// A send rule refuses it now (window, opt-out, template).
    #[error(transparent)]
    Refused(#[from] SendRefusal),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How sends and retries are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendSettings {
    /// How long after an attempt whose outcome is unknown Meta may still
    /// send its status webhook; no retry before that.
    pub status_grace_ms: i64,
}

impl Default for SendSettings {
    fn default() -> Self {
        SendSettings { status_grace_ms: 10 * 60_000 }
    }
}

/// What sends of one content read besides their contact (see
/// [`SendMessage::context`]).
#[derive(Debug, Clone)]
pub struct SendContext {
    translations: Vec<Template>,
    strict: bool,
    rates: RateCards,
    accounts: NumberAccounts,
}

impl SendContext {
    /// The template's translations (empty for text and files), in every
    /// account's catalog.
    pub fn translations(&self) -> &[Template] {
        &self.translations
    }

    /// The translations a message from business number `phone_number_id`
    /// may use: those of its account's catalog.
    pub fn translations_from(&self, phone_number_id: &str) -> Vec<Template> {
        let account = self.accounts.account_of(phone_number_id);
        self.translations.iter().filter(|t| t.is_in_account(account)).cloned().collect()
    }

    /// Whether a marketing opt-in is required (strict mode, marketing template).
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// The rate cards estimates are priced with.
    pub fn rates(&self) -> &RateCards {
        &self.rates
    }
}

/// Who sends, and the message's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOrigin {
    /// A teammate: the send is audited and may be the conversation's first answer.
    Staff(String),
    /// A campaign, whose message id is the same however often its step
    /// runs: the store refuses an id twice, so nobody gets it twice.
    Campaign(String),
}

/// A queued send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The message's id.
    pub id: String,
    /// What it will cost; `None` for a replayed request.
    pub estimate: Option<Estimate>,
    /// True when the Idempotency-Key was seen before.
    pub replayed: bool,
}

/// What one table must implement for [`SendMessage::over_table`].
pub trait SendTable:
    ConversationStore
    + TemplateCatalog
    + OutboxStore
    + ConsentPolicyStore
    + BusinessProfileStore
    + RateOverrideStore
    + NumberProfileStore
{
}

impl<S> SendTable for S where
    S: ConversationStore
        + TemplateCatalog
        + OutboxStore
        + ConsentPolicyStore
        + BusinessProfileStore
        + RateOverrideStore
        + NumberProfileStore
{
}

/// The send use case.
pub struct SendMessage {
    conversations: Arc<dyn ConversationStore>,
    templates: Arc<dyn TemplateCatalog>,
    outbox: Arc<dyn OutboxStore>,
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    rates: RateCards,
    consent: Arc<dyn ConsentPolicyStore>,
    business: Option<Arc<dyn BusinessProfileStore>>,
    prices: Option<Arc<dyn RateOverrideStore>>,
    uploads: Option<Arc<dyn MediaUploads>>,
    numbers: Option<(Arc<dyn NumberProfileStore>, String)>,
    settings: SendSettings,
}

impl SendMessage {
    /// Wires the use case. `consent` says whether marketing needs a
    /// recorded opt-in (read only when a marketing template is sent).
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        templates: Arc<dyn TemplateCatalog>,
        outbox: Arc<dyn OutboxStore>,
        queue: Arc<dyn OutboundQueue>,
        clock: Arc<dyn Clock>,
        rates: RateCards,
        consent: Arc<dyn ConsentPolicyStore>,
    ) -> Self {
        SendMessage {
            conversations,
            templates,
            outbox,
            queue,
            clock,
            rates,
            consent,
            business: None,
            prices: None,
            uploads: None,
            numbers: None,
            settings: SendSettings::default(),
        }
    }

    /// The use case as the functions run it, over one table: priced at the
    /// business's own card, and each number sending its own account's
    /// templates (`own_waba_id`: the deployment's account).
    pub fn over_table<S: SendTable + 'static>(
        store: Arc<S>,
        queue: Arc<dyn OutboundQueue>,
        clock: Arc<dyn Clock>,
        own_waba_id: &str,
    ) -> Self {
        SendMessage::new(store.clone(), store.clone(), store.clone(), queue, clock, RateCards::default(), store.clone())
            .with_business(store.clone())
            .with_prices(store.clone())
            .with_number_accounts(store, own_waba_id)
    }

    /// Uses these settings instead of the defaults.
    pub fn with_settings(mut self, settings: SendSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Prices estimates with Meta's card in the business profile's currency
    /// (one profile read per send) instead of the fixed cards given to `new`.
    pub fn with_business(mut self, profiles: Arc<dyn BusinessProfileStore>) -> Self {
        self.business = Some(profiles);
        self
    }

    /// Prices estimates with the business's own prices over Meta's card
    /// (one more read per send context), as admins set them.
    pub fn with_prices(mut self, prices: Arc<dyn RateOverrideStore>) -> Self {
        self.prices = Some(prices);
        self
    }

    /// Lets staff send files they uploaded to the media bucket; without
    /// it every file is refused as not uploaded.
    pub fn with_uploads(mut self, uploads: Arc<dyn MediaUploads>) -> Self {
        self.uploads = Some(uploads);
        self
    }

    /// Sends a template from each business number's own account's catalog
    /// (one more read, of the number profiles, per template send context);
    /// `own_waba_id` is the deployment's own account. Without it every
    /// number uses the deployment's own catalog.
    pub fn with_number_accounts(mut self, numbers: Arc<dyn NumberProfileStore>, own_waba_id: &str) -> Self {
        self.numbers = Some((numbers, own_waba_id.to_owned()));
        self
    }

    /// The rate cards estimates are priced with (shown to staff before a send).
    pub async fn rate_cards(&self) -> Result<RateCards, StoreError> {
        let Some(profiles) = &self.business else { return Ok(self.rates.clone()) };
        let currency = profiles.business_profile().await?.unwrap_or_default().currency;
        let published = RateCatalog::published().for_currency(&currency);
        let overrides = match &self.prices {
            Some(prices) => prices.rate_overrides().await?,
            None => None,
        };
        Ok(match overrides {
            Some(overrides) => overrides.apply(published, &currency),
            None => published,
        })
    }

    /// Checks, stores and enqueues. A failed enqueue is logged, not returned:
    /// the message is durably `queued` and the sweep sends it.
    pub async fn send(&self, command: SendCommand) -> Result<Queued, SendError> {
        let contact = self.conversations.contact(&command.contact).await?.ok_or(SendError::NotFound)?;
        let context = self.context(&command.content).await?;
        self.send_with(&contact, command, &context, SendOrigin::Staff(new_message_id())).await
    }

    /// What sends of `content` read besides their contact: read once for
    /// a whole campaign step rather than once a recipient.
    pub async fn context(&self, content: &OutboundContent) -> Result<SendContext, StoreError> {
        let translations = self.translations(content).await?;
        let marketing = match content {
            OutboundContent::Template { language, .. } => {
                translations.iter().any(|t| &t.language == language && t.category == Category::Marketing)
            }
            OutboundContent::Text { .. }
            | OutboundContent::Media { .. }
            | OutboundContent::Interactive { .. }
            | OutboundContent::Reaction { .. } => false,
        };
        // The consent settings matter only to a marketing template.
        let strict = marketing && self.consent.consent_policy().await?.unwrap_or_default().strict;
        let accounts = match (&self.numbers, translations.is_empty()) {
            (Some((numbers, own)), false) => NumberAccounts::of(&numbers.number_profiles().await?, own),
            _ => NumberAccounts::default(),
        };
        Ok(SendContext { translations, strict, rates: self.rate_cards().await?, accounts })
    }

    /// [`SendMessage::send`] to a contact already read, with its context.
    pub async fn send_with(
        &self,
        contact: &Contact,
        command: SendCommand,
        context: &SendContext,
        origin: SendOrigin,
    ) -> Result<Queued, SendError> {
        let now = self.clock.now();
        let recipient = Recipient::of(contact, context.strict);
        let content = self.with_uploaded_file(&contact.id, &command.content).await?;
        let translations = context.translations_from(&contact.phone_number_id);
        let plan = plan_send(&recipient, &content, &translations, &context.rates, now)?;
        let template = match &command.content {
            OutboundContent::Template { language, .. } => translations.iter().find(|t| &t.language == language),
            OutboundContent::Text { .. }
            | OutboundContent::Media { .. }
            | OutboundContent::Interactive { .. }
            | OutboundContent::Reaction { .. } => None,
        };
        let idempotency_key = command.idempotency_key.as_deref().map(|key| scoped_key(&command, key));
        let (id, staff) = match origin {
            SendOrigin::Staff(id) => (id, true),
            SendOrigin::Campaign(id) => (id, false),
        };
        let message = OutboundMessage {
            reference: MessageRef::new(contact.id.clone(), now, &id),
            id,
            phone_number_id: contact.phone_number_id.clone(),
            to: contact.wa_id.clone().or(contact.user_id.clone()).unwrap_or_default(),
            content: plan.content.clone(),
            reply_to: command.reply_to.clone(),
            attempts: 0,
            created_at: now,
            sent_by: staff.then(|| staff_member(&command.actor)).flatten().map(str::to_owned),
        };
        let text = plan.content.summary(template);
        // A campaign is audited once, not once a recipient.
        let audit = staff.then(|| AuditEntry {
            at: now,
            actor: command.actor.clone(),
            action: "send".to_owned(),
            contact: Some(message.reference.contact.clone()),
            detail: serde_json::json!({"message_id": message.id, "type": message.content.type_name(), "estimate": plan.estimate}).to_string(),
        });
        // The conversation's first answer counts into the response figures
        // of its owner (at this moment), or of the teammate who answered an
        // unowned one, and of the day the customer first wrote. A campaign
        // answers nobody.
        let first_response = (staff
            && contact.conversation.first_response_ms.is_none()
            && contact.last_inbound_at.is_some())
        .then(|| FirstResponse {
            agent: credited_agent(contact.conversation.owner.as_deref(), &command.actor),
            first_inbound_at: contact.created_at,
        });
        let created = self
            .outbox
            .create_outbound(
                &message,
                &text,
                &plan.estimate,
                idempotency_key.as_ref(),
                audit.as_ref(),
                first_response.as_ref(),
            )
            .await?;
        match created {
            Created::Existing(id) => return Ok(Queued { id, estimate: None, replayed: true }),
            Created::KeyReused => return Err(SendError::KeyReused),
            Created::New => {}
        }
        if let Err(e) = self.queue.enqueue(&message.reference).await {
            tracing::warn!(error = %e, message_id = %message.id, "enqueue failed; the sweep will send it");
        }
        tracing::info!(message_id = %message.id, contact_id = %message.reference.contact, kind = message.content.type_name(), "message queued");
        Ok(Queued { id: message.id, estimate: Some(plan.estimate), replayed: false })
    }
}

impl SendMessage {
    /// Queues the outbound `message` again, on staff's
    /// say-so: only a failed one, or one whose outcome is unknown once Meta
    /// can no longer be expected to report it, and only if the send rules
    /// still allow it now.
    pub async fn retry(&self, message: &MessageRef) -> Result<(), RetryError> {
        let contact = &message.contact;
        let standing = self.outbox.outbound(message).await?.ok_or(RetryError::NotFound)?;
        let unknown = standing.status == DeliveryStatus::Sending && standing.outcome_unknown;
        if standing.status != DeliveryStatus::Failed && !unknown {
            return Err(RetryError::NotRetryable);
        }
        let now = self.clock.now();
        if unknown {
            let attempted = standing.last_attempt_at.unwrap_or(standing.message.created_at);
            let retry_after = Millis(attempted.0.saturating_add(self.settings.status_grace_ms));
            if now < retry_after {
                return Err(RetryError::TooSoon { retry_after });
            }
        }
        let recipient = self.conversations.contact(contact).await?.ok_or(RetryError::NotFound)?;
        let context = self.context(&standing.message.content).await?;
        let translations = context.translations_from(&recipient.phone_number_id);
        let recipient = Recipient::of(&recipient, context.strict);
        plan_send(&recipient, &standing.message.content, &translations, &context.rates, now)?;
        // Conditional on the state read above: a status that settled the
        // message meanwhile makes this a no.
        if !self.outbox.requeue(message).await? {
            return Err(RetryError::NotRetryable);
        }
        if let Err(e) = self.queue.enqueue(message).await {
            tracing::warn!(error = %e, message_id = %standing.message.id, "enqueue failed; the sweep will send it");
        }
        tracing::info!(message_id = %standing.message.id, contact_id = %contact, "message queued again");
        Ok(())
    }

    async fn translations(&self, content: &OutboundContent) -> Result<Vec<Template>, StoreError> {
        match content {
            OutboundContent::Template { name, .. } => self.templates.template_translations(name).await,
            OutboundContent::Text { .. }
            | OutboundContent::Media { .. }
            | OutboundContent::Interactive { .. }
            | OutboundContent::Reaction { .. } => Ok(Vec::new()),
        }
    }

    /// A file's content with what the bucket says of the upload (one HEAD):
    /// its real size and stored type, whatever the browser claimed, so the
    /// limits are checked on the bytes that would go to Meta.
    async fn with_uploaded_file(
        &self,
        contact: &ContactId,
        content: &OutboundContent,
    ) -> Result<OutboundContent, SendError> {
        match content {
            OutboundContent::Media { file } => {
                let object = self.uploaded(contact, &file.key).await?;
                let mut file = file.clone();
                file.size = object.size;
                file.mime_type = object.mime_type;
                Ok(OutboundContent::Media { file })
            }
            OutboundContent::Template { name, language, params, inputs } => {
                // A header file from the bucket must be this contact's and
                // be there; Meta checks its type and size when it fetches.
                let Some(stored) = inputs.stored_header() else { return Ok(content.clone()) };
                let object = self.uploaded(contact, &stored.key).await?;
                Ok(OutboundContent::Template {
                    name: name.clone(),
                    language: language.clone(),
                    params: params.clone(),
                    inputs: inputs.clone().with_stored_type(&object.mime_type),
                })
            }
            OutboundContent::Text { .. } | OutboundContent::Interactive { .. } | OutboundContent::Reaction { .. } => {
                Ok(content.clone())
            }
        }
    }

    /// The object at `key`, which must be among `contact`'s uploads.
    async fn uploaded(&self, contact: &ContactId, key: &str) -> Result<UploadedObject, SendError> {
        if !is_upload_key(contact, key) {
            return Err(SendRefusal::from(MediaRefusal::ForeignKey).into());
        }
        let uploads = self.uploads.as_ref().ok_or(SendRefusal::Media(MediaRefusal::NotUploaded))?;
        Ok(uploads
            .uploaded(key)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .ok_or(SendRefusal::Media(MediaRefusal::NotUploaded))?)
    }
}

/// The client's key scoped to who sent it and where (the contact's send
/// route), and bound to what they sent.
fn scoped_key(command: &SendCommand, key: &str) -> IdempotencyKey {
    let digest = |parts: &[&str]| {
        let mut hasher = Sha256::new();
        for part in parts {
            // Length-prefixed, so that no two different lists hash alike.
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    };
    let route = format!("POST /api/contacts/{}/messages", command.contact);
    let body = serde_json::json!({"content": command.content, "reply_to": command.reply_to}).to_string();
    IdempotencyKey { scope: digest(&[&command.actor, &route, key]), request: digest(&[&body]) }
}

/// Parley's own message ids: `pm.` and 24 hex digits, never a wamid.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("pm.{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(actor: &str, contact: &str, text: &str) -> SendCommand {
        SendCommand {
            contact: ContactId::parse(contact).unwrap_or_else(|| unreachable!("a literal id")),
            content: OutboundContent::Text { text: text.to_owned() },
            reply_to: None,
            idempotency_key: Some("k".to_owned()),
            actor: actor.to_owned(),
        }
    }

    #[test]
    fn idempotency_keys_are_scoped_to_user_and_route_and_bound_to_the_body() {
        let (a, b) = ("aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb");
        let first = scoped_key(&command("ann@shop.test", a, "hi"), "k");
        assert_eq!(first, scoped_key(&command("ann@shop.test", a, "hi"), "k"));
        assert_ne!(first.scope, scoped_key(&command("bob@shop.test", a, "hi"), "k").scope);
        assert_ne!(first.scope, scoped_key(&command("ann@shop.test", b, "hi"), "k").scope);
        let other_body = scoped_key(&command("ann@shop.test", a, "hello"), "k");
        assert_eq!(first.scope, other_body.scope);
        assert_ne!(first.request, other_body.request);
    }
}
