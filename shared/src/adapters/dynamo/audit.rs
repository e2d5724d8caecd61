//! The audit log: one item per line under its day (`A#<day>`), and each
//! contact's trail on `gsi1`.

use super::day_partitions::{DayPartitioned, DaySpan};
use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::audit_actions::debug_assert_listed;
use crate::domain::{AuditEntry, ContactId, Millis};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use rand::RngCore;
use sha2::Digest;

const PAGE: i32 = 50;

impl DynamoStore {
    pub(super) fn audit_put(&self, entry: &AuditEntry) -> Result<TransactWriteItem, StoreError> {
        let mut suffix = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut suffix);
        self.audit_line(entry, &hex::encode(suffix), Some("attribute_not_exists(pk)"))
    }

    /// `write` and its audit line in one transaction; `false` when the
    /// write's condition failed.
    pub(super) async fn audited(&self, write: TransactWriteItem, audit: &AuditEntry) -> Result<bool, StoreError> {
        super::transact_checked(&self.client, vec![write, self.audit_put(audit)?]).await
    }

    /// A new item, put only if no item has its key, and its audit line in
    /// one transaction; `false`, with nothing written, when one has.
    pub(super) async fn put_new_audited(&self, item: Item, audit: &AuditEntry) -> Result<bool, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().put(put).build(), audit).await
    }

    /// An unconditional write (a settings item saved or cleared) and its
    /// audit line in one transaction. The line's key is fresh, so a failed
    /// check is a broken invariant, answered as retryable.
    pub(super) async fn write_audited(&self, write: TransactWriteItem, audit: &AuditEntry) -> Result<(), StoreError> {
        if super::transact_checked_all(&self.client, vec![write, self.audit_put(audit)?]).await? {
            Ok(())
        } else {
            Err(StoreError::Unavailable("the audit line collided; retry".into()))
        }
    }

    /// The audit line of a change made once per `id` (an event's, say), at
    /// a key derived from it: a redelivery that repeats the change writes
    /// the same line again instead of a second one.
    pub(super) fn audit_put_once(&self, entry: &AuditEntry, id: &str) -> Result<TransactWriteItem, StoreError> {
        let digest = sha2::Sha256::digest(id.as_bytes());
        self.audit_line(entry, &hex::encode(&digest[..6]), None)
    }

    fn audit_line(
        &self,
        entry: &AuditEntry,
        suffix: &str,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, StoreError> {
        debug_assert_listed(&entry.action);
        let sk = format!("{}#{suffix}", entry.at.sortable());
        let mut item = key(keys::audit_pk(&entry.at.utc_date()), &sk);
        item.extend([
            ("at".to_owned(), n(entry.at.0)),
            ("actor".to_owned(), s(&entry.actor)),
            ("action".to_owned(), s(&entry.action)),
            ("detail".to_owned(), s(&entry.detail)),
        ]);
        if let Some(contact) = &entry.contact {
            item.insert("contact_id".to_owned(), s(contact.as_str()));
            item.insert(keys::GSI1_PK.to_owned(), s(keys::contact_audit(contact)));
            item.insert(keys::GSI1_SK.to_owned(), s(&sk));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned))
            .build()
            .map_err(unavailable)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    async fn audit_of_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError> {
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, keys::GSI1_PK, keys::GSI1_SK])?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .scan_index_forward(false)
            .limit(PAGE)
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s(keys::contact_audit(contact)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(audit_from).collect(),
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }

    /// The lines of a date in the business's calendar, newest first. Lines
    /// are filed under their UTC day, so a business day reads the one to
    /// three UTC days it overlaps (two in India: its day starts at 18:30
    /// UTC), newest first, within its first and last instant
    /// ([`super::day_partitions`]).
    async fn audit_of_business_day(&self, day: &str, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError> {
        let Some((from, to)) = self.report_calendar().await.span_of(day) else {
            return Ok(Page { items: Vec::new(), next_cursor: None });
        };
        let last = Millis(to.0 - 1);
        let read = DayPartitioned { index: None, key: (keys::PK, keys::SK), partition: keys::audit_pk };
        let span = DaySpan { first: from, last, sort_keys: (from.sortable(), format!("{}#~", last.sortable())) };
        let (lines, next_cursor) =
            self.newest_first_by_day(&read, &span, page.cursor.as_deref(), PAGE as usize).await?;
        Ok(Page { items: lines.iter().map(audit_from).collect(), next_cursor })
    }
}

#[async_trait::async_trait]
impl crate::ports::AuditLog for DynamoStore {
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let put = self.audit_put(entry)?;
        let put = put.put().cloned().ok_or_else(|| StoreError::Corrupt("audit put".into()))?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(put.item().clone()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn audit_for_contact(
        &self,
        contact: &crate::domain::ContactId,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::domain::AuditEntry>, crate::ports::StoreError> {
        self.audit_of_contact(contact, page).await
    }

    async fn audit_for_day(
        &self,
        day: &str,
        page: &crate::ports::PageRequest,
    ) -> Result<crate::ports::Page<crate::domain::AuditEntry>, crate::ports::StoreError> {
        self.audit_of_business_day(day, page).await
    }
}

fn audit_from(item: &Item) -> AuditEntry {
    AuditEntry {
        at: Millis(get_n(item, "at").unwrap_or(0)),
        actor: get_s(item, "actor").unwrap_or_default(),
        action: get_s(item, "action").unwrap_or_default(),
        contact: get_s(item, "contact_id").and_then(|c| ContactId::parse(&c)),
        detail: get_s(item, "detail").unwrap_or_else(|| "{}".to_owned()),
    }
}
