//! The read side: the contact list (one Query per shard, in parallel) and
//! timelines (one Query).

use super::fan_out::{ShardedRead, ACTIVITY};
use super::item::{get_bool, get_n, get_s, key, req_s, Item};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::conversation::{Conversation, ConversationStatus};
use crate::domain::{
    Contact, ContactId, DeliveryStatus, Direction, Message, MessageContent, MessageRef, Millis, ServiceWindow,
};
use crate::ports::{ListFilter, Page, PageRequest, StoreError};

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

fn page_size(page: &PageRequest) -> i32 {
    let size = page.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    i32::try_from(size).unwrap_or(50)
}

pub(super) fn contact_from(item: &Item) -> Result<Contact, StoreError> {
    let id = ContactId::parse(&req_s(item, "contact_id")?).ok_or_else(|| StoreError::Corrupt("contact id".into()))?;
    Ok(Contact {
        id,
        phone_number_id: get_s(item, "phone_number_id").unwrap_or_default(),
        wa_id: get_s(item, "wa_id"),
        user_id: get_s(item, "user_id"),
        name: get_s(item, "name"),
        last_activity_at: get_n(item, "last_activity_at").map(Millis),
        last_inbound_at: get_n(item, "last_inbound_at").map(Millis),
        window: ServiceWindow {
            service_until: get_n(item, "service_until").map(Millis),
            free_entry_until: get_n(item, "free_entry_until").map(Millis),
        },
        created_at: get_n(item, "created_at").map(Millis).unwrap_or_default(),
        opted_out: get_bool(item, "opted_out").unwrap_or(false),
        consent: super::consent::consent_from(item),
        conversation: conversation_from(item),
        display_name: get_s(item, "display_name"),
        tags: item.get("tags").and_then(|v| v.as_ss().ok()).cloned().unwrap_or_default(),
        fields: item
            .get("fields")
            .and_then(|v| v.as_m().ok())
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone()))).collect())
            .unwrap_or_default(),
        merge_suggested: item
            .get("merge_suggested")
            .and_then(|v| v.as_ss().ok())
            .map(|ids| ids.iter().filter_map(|id| ContactId::parse(id)).collect())
            .unwrap_or_default(),
        source: get_s(item, "lead_source"),
        first_ad: get_s(item, "first_ad").and_then(|ad| serde_json::from_str(&ad).ok()),
        first_inbound_at: get_n(item, "first_inbound_at").map(Millis),
        first_wamid: get_s(item, "first_wamid"),
        address_book_name: get_s(item, "address_book_name"),
        username: get_s(item, "username"),
        last_inbound_wamid: get_s(item, "last_inbound_wamid"),
        read_receipt_for: get_s(item, "read_receipt_for"),
        ringing: ringing_from(item),
    })
}

/// The call ringing on a contact: its attributes are set by the `connect`
/// message and removed by the `terminate` (see `inbound.rs`).
fn ringing_from(item: &Item) -> Option<crate::domain::ringing_call::RingingCall> {
    Some(crate::domain::ringing_call::RingingCall {
        call_id: get_s(item, "ringing_call")?,
        since: Millis(get_n(item, "ringing_since")?),
        offer_sdp: get_s(item, "ringing_offer").unwrap_or_default(),
        answered_by: get_s(item, "ringing_by"),
    })
}

fn conversation_from(item: &Item) -> Conversation {
    let first_in = get_n(item, "first_inbound_at");
    let first_out = get_n(item, "first_response_at");
    Conversation {
        owner: get_s(item, "owner"),
        status: get_s(item, "status").and_then(|s| ConversationStatus::parse(&s)),
        awaiting_since: get_n(item, "awaiting_since").map(Millis),
        first_response_ms: first_in.zip(first_out).map(|(i, o)| o - i).filter(|ms| *ms >= 0),
    }
}

pub(super) fn message_from(item: &Item, contact: &ContactId) -> Result<Message, StoreError> {
    let direction = match get_s(item, "direction").as_deref() {
        Some("out") => Direction::Out,
        _ => Direction::In,
    };
    Ok(Message {
        id: req_s(item, "id")?,
        contact_id: contact.clone(),
        direction,
        type_name: get_s(item, "type").unwrap_or_else(|| "unknown".to_owned()),
        text: get_s(item, "text"),
        status: get_s(item, "status").and_then(|s| DeliveryStatus::parse(&s)),
        at: get_n(item, "at").map(Millis).unwrap_or_default(),
        content: get_s(item, "content").and_then(|c| serde_json::from_str::<MessageContent>(&c).ok()),
        context: get_s(item, "context"),
        referral: get_s(item, "referral"),
        errors: get_s(item, "errors"),
        pricing: get_s(item, "pricing"),
        attempts: get_n(item, "attempts").and_then(|a| u32::try_from(a).ok()),
        outcome_unknown: get_bool(item, "outcome_unknown").unwrap_or(false),
        estimate: get_s(item, "estimate"),
        media: super::media::media_copy_from(item),
        // A campaign's message names it in its id; a reply is marked.
        campaign: get_s(item, "campaign_id").or_else(|| {
            get_s(item, "id")
                .and_then(|id| crate::domain::campaign::campaign_of_message(&id).map(|(c, _)| c.to_owned()))
        }),
        origin: get_s(item, "origin"),
        sent_by: get_s(item, "sent_by"),
    })
}

#[async_trait::async_trait]
impl crate::ports::ConversationStore for DynamoStore {
    async fn list_contacts(
        &self,
        page: &PageRequest,
        only_visible_to: Option<&str>,
        filter: &ListFilter,
    ) -> Result<Page<Contact>, StoreError> {
        let read = ShardedRead {
            index: &ACTIVITY,
            partition: &keys::contacts_by_activity,
            sort_condition: "",
            refine: &|query| super::narrowed(query, only_visible_to, filter),
        };
        let (items, next_cursor) = self.fan_out(&read, page.cursor.as_deref(), page_size(page)).await?;
        Ok(Page { items: items.iter().map(contact_from).collect::<Result<_, _>>()?, next_cursor })
    }

    async fn contact(&self, id: &ContactId) -> Result<Option<Contact>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(id), keys::PROFILE)))
            .send()
            .await
            .map_err(unavailable)?;
        // A merged-away contact is only a redirect for late writers.
        out.item().filter(|item| !item.contains_key("merged_into")).map(contact_from).transpose()
    }

    async fn timeline(&self, id: &ContactId, page: &PageRequest) -> Result<Page<Message>, StoreError> {
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK])?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :m)")
            .expression_attribute_values(":pk", super::item::s(keys::contact_pk(id)))
            .expression_attribute_values(":m", super::item::s(keys::MESSAGE_PREFIX))
            .scan_index_forward(true)
            .limit(page_size(page))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(|i| message_from(i, id)).collect::<Result<_, _>>()?,
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }

    async fn message_at(&self, reference: &MessageRef) -> Result<Option<Message>, StoreError> {
        let sk = format!("{}{}", keys::MESSAGE_PREFIX, reference.locator());
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, super::item::s(keys::contact_pk(&reference.contact)))
            .key(keys::SK, super::item::s(sk))
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(|item| message_from(item, &reference.contact)).transpose()
    }

    async fn merged_into(&self, id: &ContactId) -> Result<Option<ContactId>, StoreError> {
        DynamoStore::merged_into(self, id).await
    }
}
