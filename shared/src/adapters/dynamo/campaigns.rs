//! Campaigns: one item each under `CAMPAIGNS` (a handful a month), the
//! campaign as JSON with its status and step count beside it for the
//! conditional step write. Each recipient is an item under
//! `CAMPAIGN#<id>#<shard>` keyed by contact id, so a 10,000-recipient
//! campaign's status writes spread over the shards; the results are a
//! projected Query of those partitions. A marker under the contact's
//! partition (`CAMPAIGN#<id>`) says the campaign reached it: replies are
//! matched against the newest, and erasure finds the recipient records
//! through them.

use super::item::{get_bool, get_n, get_s, key, n, s, Item};
use super::keys::{self, Shard};
use super::{unavailable, DynamoStore};
use crate::domain::campaign::{
    Audience, Campaign, CampaignReach, CampaignTotals, Exclusion, Recipient, RecipientState,
};
use crate::domain::{AuditEntry, Contact, ContactId, Millis};
use crate::ports::{ListFilter, OwnerFilter, Page, PageRequest, RecipientRecord, StoreError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};

const CAMPAIGNS: &str = "CAMPAIGNS";
/// Prefix of a contact's campaign markers.
pub(super) const MARKER_PREFIX: &str = "CAMPAIGN#";

/// The partition of a campaign's recipients in `shard`.
fn recipients_pk(campaign: &str, shard: Shard) -> String {
    format!("CAMPAIGN#{campaign}#{shard}")
}

/// The key of one recipient's record.
pub(super) fn recipient_key(campaign: &str, contact: &ContactId) -> Item {
    key(recipients_pk(campaign, Shard::of(contact)), contact.as_str())
}

/// The campaign and recipient a contact's marker item names.
pub(super) fn marker_target(item: &Item) -> Option<(String, ContactId)> {
    let campaign = get_s(item, keys::SK)?.strip_prefix(MARKER_PREFIX)?.to_owned();
    Some((campaign, ContactId::parse(&get_s(item, "recipient")?)?))
}

fn status_name(campaign: &Campaign) -> &'static str {
    campaign.status.as_str()
}

fn item_of(campaign: &Campaign) -> Result<Item, StoreError> {
    let json = serde_json::to_string(campaign).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut item = key(CAMPAIGNS, &campaign.id);
    item.extend([
        ("campaign".to_owned(), s(json)),
        ("campaign_status".to_owned(), s(status_name(campaign))),
        ("steps".to_owned(), n(i64::from(campaign.steps))),
    ]);
    Ok(item)
}

fn campaign_from(item: &Item) -> Result<Campaign, StoreError> {
    let json = get_s(item, "campaign").ok_or_else(|| StoreError::Corrupt("campaign without its body".into()))?;
    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("campaign: {e}")))
}

/// The sort key prefix of a recipient record whose contact was erased:
/// its state still counts in the totals, nothing says whose it was.
const ERASED_PREFIX: &str = "erased#";

/// Stands in for an erased recipient's contact when the totals count it.
fn erased_contact() -> Option<ContactId> {
    ContactId::parse("000000000000000000000000")
}

fn recipient_from(item: &Item) -> Option<Recipient> {
    let sk = get_s(item, keys::SK)?;
    let contact = if sk.starts_with(ERASED_PREFIX) { erased_contact()? } else { ContactId::parse(&sk)? };
    Some(Recipient {
        contact,
        name: get_s(item, "name"),
        state: RecipientState::parse(&get_s(item, "state")?)?,
        excluded: get_s(item, "excluded").as_deref().and_then(Exclusion::parse),
        error_code: get_n(item, "error_code"),
        message_id: get_s(item, "message_id"),
        replied_at: get_n(item, "replied_at").map(Millis),
        opted_out_after: get_bool(item, "opted_out_after").unwrap_or(false),
        price_minor: get_n(item, "price_minor").and_then(|p| u64::try_from(p).ok()),
        billed: get_bool(item, "billed"),
    })
}

fn rank(state: RecipientState) -> AttributeValue {
    n(i64::from(state.rank()))
}

impl DynamoStore {
    /// Erasure: each of the contact's recipient records (found through its
    /// markers) becomes one that says only how far the message got, so the
    /// campaign's totals stay whole and nothing is left of the person.
    pub(super) async fn forget_recipients(&self, records: Vec<Item>) -> Result<usize, StoreError> {
        let mut forgotten = 0;
        for record in records {
            let found = self
                .client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(record.clone()))
                .consistent_read(true)
                .send()
                .await;
            let Some(mut item) = found.map_err(unavailable)?.item().cloned() else { continue };
            // The message id names the contact; the state, code and reply
            // time, with no one to tie them to, are figures.
            for personal in ["name", "message_id"] {
                item.remove(personal);
            }
            let mut suffix = [0u8; 8];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut suffix);
            item.insert(keys::SK.to_owned(), s(format!("{ERASED_PREFIX}{}", hex::encode(suffix))));
            let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
            let delete = aws_sdk_dynamodb::types::Delete::builder()
                .table_name(&self.table)
                .set_key(Some(record))
                .build()
                .map_err(unavailable)?;
            self.client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().put(put).build())
                .transact_items(TransactWriteItem::builder().delete(delete).build())
                .send()
                .await
                .map_err(unavailable)?;
            forgotten += 1;
        }
        Ok(forgotten)
    }
}

#[async_trait::async_trait]
impl crate::ports::CampaignStore for DynamoStore {
    async fn create_campaign(&self, campaign: &Campaign, audit: &AuditEntry) -> Result<(), StoreError> {
        match self.put_new_audited(item_of(campaign)?, audit).await? {
            true => Ok(()),
            false => Err(StoreError::Rejected("a campaign with this id exists".into())),
        }
    }

    async fn campaign(&self, id: &str) -> Result<Option<Campaign>, StoreError> {
        self.listed_job(CAMPAIGNS, id).await?.as_ref().map(campaign_from).transpose()
    }

    async fn recent_campaigns(&self, limit: i32) -> Result<Vec<Campaign>, StoreError> {
        self.recent_listed_jobs(CAMPAIGNS, limit).await?.iter().map(campaign_from).collect()
    }

    async fn advance_campaign(
        &self,
        from: &Campaign,
        to: &Campaign,
        audit: Option<&AuditEntry>,
    ) -> Result<bool, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item_of(to)?))
            .condition_expression("campaign_status = :status AND steps = :steps")
            .expression_attribute_values(":status", s(status_name(from)))
            .expression_attribute_values(":steps", n(i64::from(from.steps)))
            .build()
            .map_err(unavailable)?;
        let write = TransactWriteItem::builder().put(put).build();
        match audit {
            Some(audit) => self.audited(write, audit).await,
            None => super::transact_checked(&self.client, vec![write]).await,
        }
    }

    async fn record_recipient(
        &self,
        campaign: &str,
        recipient: &Recipient,
        at: Millis,
    ) -> Result<RecipientRecord, StoreError> {
        let mut item = recipient_key(campaign, &recipient.contact);
        item.extend([
            ("state".to_owned(), s(recipient.state.as_str())),
            ("rank".to_owned(), rank(recipient.state)),
            ("reached_at".to_owned(), n(at.0)),
        ]);
        if let Some(reason) = recipient.excluded {
            item.insert("excluded".to_owned(), s(reason.as_str()));
        }
        if let Some(id) = &recipient.message_id {
            item.insert("message_id".to_owned(), s(id));
        }
        if let Some(name) = &recipient.name {
            item.insert("name".to_owned(), s(name));
        }
        if let Some(price) = recipient.price_minor {
            item.insert("price_minor".to_owned(), n(i64::try_from(price).unwrap_or(i64::MAX)));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(unavailable)?;
        let mut marker = key(keys::contact_pk(&recipient.contact), format!("{MARKER_PREFIX}{campaign}"));
        marker.extend([
            ("recipient".to_owned(), s(recipient.contact.as_str())),
            ("reached_at".to_owned(), n(at.0)),
            ("state".to_owned(), s(recipient.state.as_str())),
        ]);
        let marker = Put::builder().table_name(&self.table).set_item(Some(marker)).build().map_err(unavailable)?;
        let written = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().put(marker).build())
            .send()
            .await;
        let Err(err) = written else { return Ok(RecipientRecord::New) };
        if let Some(TransactWriteItemsError::TransactionCanceledException(e)) = err.as_service_error() {
            if let Some(old) = e
                .cancellation_reasons()
                .first()
                .filter(|r| r.code() == Some("ConditionalCheckFailed"))
                .and_then(|r| r.item())
            {
                let state = get_s(old, "state").as_deref().and_then(RecipientState::parse);
                return Ok(RecipientRecord::Existing(state.unwrap_or(RecipientState::Queued)));
            }
        }
        Err(unavailable(err))
    }

    async fn recipient_reached(
        &self,
        campaign: &str,
        contact: &ContactId,
        state: RecipientState,
        error_code: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(recipient_key(campaign, contact)))
            .condition_expression("attribute_exists(pk) AND #rank < :rank AND #rank > :excluded")
            .expression_attribute_names("#rank", "rank")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":rank", rank(state))
            .expression_attribute_values(":excluded", rank(RecipientState::Excluded))
            .expression_attribute_values(":state", s(state.as_str()));
        update = match error_code {
            Some(code) => update
                .update_expression("SET #state = :state, #rank = :rank, error_code = :code")
                .expression_attribute_values(":code", n(code)),
            None => update.update_expression("SET #state = :state, #rank = :rank"),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            // Already further along (a late or repeated status), or left out.
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn recipient_priced(&self, campaign: &str, contact: &ContactId, billed: bool) -> Result<(), StoreError> {
        let priced = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(recipient_key(campaign, contact)))
            .update_expression("SET billed = :billed")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":billed", AttributeValue::Bool(billed))
            .send()
            .await;
        // `false`: erased since, and its record is a figure now, without this.
        super::failure::applied(priced).map(|_| ())
    }

    async fn latest_campaign_of(&self, contact: &ContactId) -> Result<Option<CampaignReach>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::contact_pk(contact)))
            .expression_attribute_values(":prefix", s(MARKER_PREFIX))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.items().first().and_then(|item| {
            let (campaign, recipient) = marker_target(item)?;
            Some(CampaignReach { campaign, recipient, at: Millis(get_n(item, "reached_at")?) })
        }))
    }

    async fn note_reply(&self, reach: &CampaignReach, at: Millis, opted_out: bool) -> Result<bool, StoreError> {
        let (expression, value) = if opted_out {
            ("SET opted_out_after = :v", AttributeValue::Bool(true))
        } else {
            ("SET replied_at = if_not_exists(replied_at, :v)", n(at.0))
        };
        let values: Item = [(":v".to_owned(), value), (":excluded".to_owned(), rank(RecipientState::Excluded))].into();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(recipient_key(&reach.campaign, &reach.recipient)))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk) AND #rank > :excluded")
            .expression_attribute_names("#rank", "rank")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn mark_reply(&self, message: &crate::domain::MessageRef, campaign: &str) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(&message.contact), keys::referenced_sk(message))))
            .update_expression("SET campaign_id = :c")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":c", s(campaign))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn recipients(&self, campaign: &str, page: &PageRequest) -> Result<Page<Recipient>, StoreError> {
        // Shard by shard: the cursor is the shard and the last key in it.
        let (mut shard, mut start) = match page.cursor.as_deref().and_then(|c| c.split_once(':')) {
            Some((shard, contact)) => {
                (shard.parse::<usize>().unwrap_or(0), Some(contact.to_owned()).filter(|c| !c.is_empty()))
            }
            None => (0, None),
        };
        let shards: Vec<Shard> = Shard::all().collect();
        let limit = page.limit.unwrap_or(100).clamp(1, 200);
        let mut items = Vec::new();
        while let Some(current) = shards.get(shard) {
            let pk = recipients_pk(campaign, *current);
            let remaining = i32::try_from(limit as usize - items.len()).unwrap_or(1);
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(&pk))
                .set_exclusive_start_key(start.as_ref().map(|sk| key(&pk, sk)))
                .limit(remaining)
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(out.items().iter().filter_map(recipient_from));
            match out.last_evaluated_key().and_then(|k| get_s(k, keys::SK)) {
                Some(last) if items.len() >= limit as usize => {
                    return Ok(Page { items, next_cursor: Some(format!("{shard}:{last}")) })
                }
                Some(last) => start = Some(last),
                None => {
                    shard += 1;
                    start = None;
                    if items.len() >= limit as usize && shard < shards.len() {
                        return Ok(Page { items, next_cursor: Some(format!("{shard}:")) });
                    }
                }
            }
        }
        Ok(Page { items, next_cursor: None })
    }

    async fn campaign_totals(&self, campaign: &str) -> Result<CampaignTotals, StoreError> {
        let reads = Shard::all().map(|shard| {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(recipients_pk(campaign, shard)))
                .projection_expression(
                    "sk, #state, excluded, error_code, replied_at, opted_out_after, price_minor, billed",
                )
                .expression_attribute_names("#state", "state");
            self.query_all(query)
        });
        let mut totals = CampaignTotals::default();
        for items in futures_util::future::try_join_all(reads).await? {
            for recipient in items.iter().filter_map(recipient_from) {
                totals.add(&recipient);
            }
        }
        Ok(totals)
    }
}

#[async_trait::async_trait]
impl crate::ports::AudienceSource for DynamoStore {
    async fn audience_page(
        &self,
        audience: &Audience,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Contact>, StoreError> {
        let page = PageRequest { cursor: cursor.map(str::to_owned), limit: Some(limit) };
        if let Some(stage) = &audience.stage {
            let deals =
                crate::ports::DealStore::deals_in_stage(self, &stage.pipeline, &stage.stage, None, &page).await?;
            let ids: Vec<ContactId> = deals.items.iter().map(|d| d.contact_id.clone()).collect();
            let profiles = self.profiles(&ids).await?;
            let mut seen = std::collections::HashSet::new();
            let items = ids
                .iter()
                .filter(|id| seen.insert(id.as_str().to_owned()))
                .filter_map(|id| profiles.get(id.as_str()))
                .filter(|p| !p.contains_key("merged_into") && !p.contains_key("erased"))
                .map(super::contacts::contact_from)
                .collect::<Result<_, _>>()?;
            return Ok(Page { items, next_cursor: deals.next_cursor });
        }
        if let Some(tag) = &audience.tag {
            return self.tagged_contacts(tag, None, &page).await;
        }
        let owner = match audience.owner.as_deref() {
            None => None,
            Some("unassigned") => Some(OwnerFilter::Unassigned),
            Some(email) => Some(OwnerFilter::Owner(email.to_owned())),
        };
        let filter = ListFilter { owner, ..ListFilter::default() };
        crate::ports::ConversationStore::list_contacts(self, &page, None, &filter).await
    }
}
