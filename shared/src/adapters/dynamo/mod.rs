//! The single-table DynamoDB store.
//!
//! | item | pk | sk |
//! |---|---|---|
//! | contact | `C#<contactId>` | `PROFILE` |
//! | message | `C#<contactId>` | `M#<millis>#<id>` |
//! | identity pointer | `I#<phoneNumberId>#<wa:…\|bsuid:…>` | `I` |
//! | wamid pointer | `W#<wamid>` | `W` |
//! | pending status | `W#<wamid>` | `PS#<rank>#<millis>` |
//! | user | `U#<email>` | `USER` |
//! | session | `S#<token hash>` | `SESSION` (TTL) |
//!
//! `gsi1` (`gsi1pk`, `gsi1sk`) lists contacts by last activity.

mod contacts;
mod cursor;
mod deals;
mod exports;
mod first_responses;
mod inbound;
mod inbox;
mod item;
pub mod keys;
mod lifecycle;
mod outbox;
mod paging;
mod record;
mod stats;
mod statuses;
mod tasks;
mod users;

use aws_sdk_dynamodb::Client;

/// The DynamoDB implementation of the store ports.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    read_page_size: Option<i32>,
}

impl DynamoStore {
    /// A store over `table`, using a client built once at cold start.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore { client, table: table.into(), read_page_size: None }
    }

    /// Caps the pages of reads that need every item (pipelines, the team,
    /// templates, report counters), which otherwise end only at DynamoDB's
    /// 1 MB: lets a test prove that each of them follows every page.
    pub fn with_read_page_size(mut self, items: i32) -> Self {
        self.read_page_size = Some(items);
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }
}

/// Narrows a query to what an agent may see: unassigned and their own.
fn visible_to(
    query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    me: Option<&str>,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    match me {
        Some(me) => query
            .filter_expression("attribute_not_exists(#owner) OR #owner = :me")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":me", item::s(me)),
        None => query,
    }
}

/// Runs a transaction; `false` when its first item's condition failed (the
/// caller's optimistic check), an error for anything else.
async fn transact_checked(
    client: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<bool, crate::ports::StoreError> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match client.transact_write_items().set_transact_items(Some(items)).send().await {
        Ok(_) => Ok(true),
        Err(err) => match err.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(e))
                if e.cancellation_reasons().first().and_then(|r| r.code()) == Some("ConditionalCheckFailed") =>
            {
                Ok(false)
            }
            _ => Err(unavailable(err)),
        },
    }
}

/// Maps any SDK failure to an unavailable store, keeping the SDK's message;
/// a starting key DynamoDB refused is a bad cursor (the caller's mistake).
fn unavailable<E: std::fmt::Debug>(e: E) -> crate::ports::StoreError {
    let text = format!("{e:?}");
    if cursor::refused_start_key(&text) {
        return crate::ports::StoreError::BadCursor;
    }
    crate::ports::StoreError::Unavailable(text)
}

#[async_trait::async_trait]
impl crate::ports::ConversationStore for DynamoStore {
    async fn record_inbound(
        &self,
        message: &crate::domain::message::InboundMessage,
    ) -> Result<crate::ports::Recorded, crate::ports::StoreError> {
        self.put_inbound(message).await
    }

    async fn apply_status(
        &self,
        update: &crate::domain::StatusUpdate,
    ) -> Result<crate::ports::StatusOutcome, crate::ports::StoreError> {
        self.apply_status_update(update).await
    }

    async fn link_wamid(
        &self,
        contact: &crate::domain::ContactId,
        message_sk: &str,
        wamid: &str,
    ) -> Result<(), crate::ports::StoreError> {
        DynamoStore::link_wamid(self, contact, message_sk, wamid).await
    }

    async fn list_contacts(
        &self,
        page: &crate::ports::PageRequest,
        only_visible_to: Option<&str>,
    ) -> Result<crate::ports::Page<crate::domain::Contact>, crate::ports::StoreError> {
        self.query_contacts(page, only_visible_to).await
    }

    async fn contact(
        &self,
        id: &crate::domain::ContactId,
    ) -> Result<Option<crate::domain::Contact>, crate::ports::StoreError> {
        self.get_contact(id).await
    }

    async fn timeline(
        &self,
        id: &crate::domain::ContactId,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::domain::Message>, crate::ports::StoreError> {
        self.query_timeline(id, page).await
    }
}

#[async_trait::async_trait]
impl crate::ports::UserStore for DynamoStore {
    async fn user(&self, email: &str) -> Result<Option<crate::domain::User>, crate::ports::StoreError> {
        self.get_user(email).await
    }

    async fn create_user(&self, user: &crate::domain::User) -> Result<bool, crate::ports::StoreError> {
        self.put_user_if_absent(user).await
    }

    async fn put_session(&self, session: &crate::ports::Session) -> Result<(), crate::ports::StoreError> {
        self.put_session_item(session).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<crate::ports::Session>, crate::ports::StoreError> {
        self.get_session(token_hash).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), crate::ports::StoreError> {
        self.remove_session(token_hash).await
    }

    async fn list_users(&self) -> Result<Vec<crate::domain::User>, crate::ports::StoreError> {
        self.query_users().await
    }

    async fn update_user(
        &self,
        email: &str,
        patch: &crate::ports::UserPatch,
    ) -> Result<Option<crate::domain::User>, crate::ports::StoreError> {
        self.patch_user(email, patch).await
    }

    async fn set_password(&self, email: &str, password_hash: &str) -> Result<(), crate::ports::StoreError> {
        self.put_password(email, password_hash).await
    }

    async fn put_invite(
        &self,
        token_hash: &str,
        email: &str,
        expires_at: crate::domain::Millis,
    ) -> Result<(), crate::ports::StoreError> {
        self.store_invite(token_hash, email, expires_at).await
    }

    async fn take_invite(
        &self,
        token_hash: &str,
        now: crate::domain::Millis,
    ) -> Result<Option<String>, crate::ports::StoreError> {
        self.use_invite(token_hash, now).await
    }

    async fn login_failures(&self, email: &str) -> Result<(u32, crate::domain::Millis), crate::ports::StoreError> {
        self.get_login_failures(email).await
    }

    async fn record_login_failure(
        &self,
        email: &str,
        now: crate::domain::Millis,
        window_ms: i64,
    ) -> Result<(), crate::ports::StoreError> {
        self.add_login_failure(email, now, window_ms).await
    }

    async fn clear_login_failures(&self, email: &str) -> Result<(), crate::ports::StoreError> {
        self.reset_login_failures(email).await
    }
}

#[async_trait::async_trait]
impl crate::ports::OutboxStore for DynamoStore {
    async fn create_outbound(
        &self,
        message: &crate::ports::OutboundMessage,
        text: &str,
        estimate: &crate::domain::pricing::Estimate,
        idempotency_key: Option<&str>,
        audit: Option<&crate::ports::AuditEntry>,
        first_response: Option<&crate::ports::FirstResponse>,
    ) -> Result<crate::ports::Created, crate::ports::StoreError> {
        self.put_outbound(message, text, estimate, idempotency_key, audit, first_response).await
    }

    async fn claim(
        &self,
        contact: &crate::domain::ContactId,
        sk: &str,
    ) -> Result<Option<crate::ports::OutboundMessage>, crate::ports::StoreError> {
        self.claim_outbound(contact, sk).await
    }

    async fn mark_sent(
        &self,
        contact: &crate::domain::ContactId,
        sk: &str,
        wamid: &str,
    ) -> Result<(), crate::ports::StoreError> {
        self.mark_outbound_sent(contact, sk, wamid).await
    }

    async fn release(
        &self,
        contact: &crate::domain::ContactId,
        sk: &str,
        error: &crate::domain::DeliveryError,
    ) -> Result<(), crate::ports::StoreError> {
        self.release_outbound(contact, sk, error).await
    }

    async fn mark_failed(
        &self,
        contact: &crate::domain::ContactId,
        sk: &str,
        errors: &[crate::domain::DeliveryError],
    ) -> Result<(), crate::ports::StoreError> {
        self.fail_outbound(contact, sk, errors).await
    }

    async fn mark_unknown(&self, contact: &crate::domain::ContactId, sk: &str) -> Result<(), crate::ports::StoreError> {
        self.flag_unknown(contact, sk).await
    }

    async fn locate(&self, id: &str) -> Result<Option<(crate::domain::ContactId, String)>, crate::ports::StoreError> {
        self.locate_message(id).await
    }

    async fn requeue(&self, contact: &crate::domain::ContactId, sk: &str) -> Result<bool, crate::ports::StoreError> {
        self.requeue_outbound(contact, sk).await
    }

    async fn stuck(
        &self,
        state: crate::ports::StuckState,
        before: crate::domain::Millis,
        limit: i32,
    ) -> Result<Vec<(crate::domain::ContactId, String)>, crate::ports::StoreError> {
        self.find_stuck(state, before, limit).await
    }

    async fn template_translations(
        &self,
        name: &str,
    ) -> Result<Vec<crate::domain::template::Template>, crate::ports::StoreError> {
        self.query_templates(Some(name)).await
    }

    async fn put_templates(
        &self,
        templates: &[crate::domain::template::Template],
    ) -> Result<(), crate::ports::StoreError> {
        self.store_templates(templates).await
    }

    async fn list_templates(&self) -> Result<Vec<crate::domain::template::Template>, crate::ports::StoreError> {
        self.query_templates(None).await
    }

    async fn spend(&self, month: &str) -> Result<Vec<crate::ports::SpendLine>, crate::ports::StoreError> {
        self.query_spend(month).await
    }

    async fn set_opt_out(
        &self,
        contact: &crate::domain::ContactId,
        opted_out: bool,
    ) -> Result<bool, crate::ports::StoreError> {
        self.update_opt_out(contact, opted_out).await
    }
}

#[async_trait::async_trait]
impl crate::ports::InboxStore for DynamoStore {
    async fn assign(
        &self,
        contact: &crate::domain::ContactId,
        from: Option<&str>,
        to: Option<&str>,
        closed: bool,
        audit: &crate::ports::AuditEntry,
    ) -> Result<bool, crate::ports::StoreError> {
        self.assign_owner(contact, from, to, closed, audit).await
    }

    async fn set_status(
        &self,
        contact: &crate::domain::ContactId,
        close: bool,
        owner: Option<&str>,
        audit: &crate::ports::AuditEntry,
    ) -> Result<bool, crate::ports::StoreError> {
        self.change_status(contact, close, owner, audit).await
    }

    async fn queue(
        &self,
        query: &crate::ports::QueueQuery,
        only_visible_to: Option<&str>,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::domain::Contact>, crate::ports::StoreError> {
        self.query_queue(query, only_visible_to, page).await
    }

    async fn audit(&self, entry: &crate::ports::AuditEntry) -> Result<(), crate::ports::StoreError> {
        self.put_audit(entry).await
    }

    async fn audit_for_contact(
        &self,
        contact: &crate::domain::ContactId,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::ports::AuditEntry>, crate::ports::StoreError> {
        self.query_audit(Some(contact), None, page).await
    }

    async fn audit_for_day(
        &self,
        day: &str,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::ports::AuditEntry>, crate::ports::StoreError> {
        self.query_audit(None, Some(day), page).await
    }

    async fn next_turn(&self) -> Result<u64, crate::ports::StoreError> {
        self.take_turn().await
    }
}
