//! Contacts, their timelines, inbound messages and statuses, the contact
//! record, consent, and erasure and merging.

use super::{by_activity, page_of, storable, visible, ContactRow, MemoryStore, MessageRow, State};
use crate::domain::consent::Consent;
use crate::domain::conversation::ConversationStatus;
use crate::domain::message::{Arrival, InboundMessage};
use crate::domain::ringing_call::RingingCall;
use crate::domain::unprocessable::UnprocessableItem;
use crate::domain::MessageContent;
use crate::domain::{
    AuditEntry, BusinessNumber, Contact, ContactId, ContactPatch, Message, MessageRef, Millis, Note, ServiceWindow,
    StatusUpdate,
};
use crate::ports::{
    ContactLifecycleStore, ContactRecordStore, ConversationStore, InboundStore, Page, PageRequest, Recorded,
    StatusOutcome, StatusStore, StoreError,
};
use std::collections::BTreeSet;

pub(super) fn new_contact(id: &ContactId, phone_number_id: &str, at: Millis) -> ContactRow {
    ContactRow { contact: Contact::blank(id.clone(), phone_number_id, at), in_owner_queue: true }
}

/// How many merges a late writer follows, as the DynamoDB store.
const MAX_REDIRECTS: usize = 4;

/// What an erased contact's audit lines say from then on.
const REDACTED: &str = r#"{"redacted":true}"#;

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl State {
    /// Puts a message Meta reported on its contact's timeline, with its
    /// wamid pointer.
    pub(super) fn keep_message(&mut self, message: &InboundMessage, contact: &ContactId) {
        let reference = MessageRef::new(contact.clone(), message.at, &message.wamid);
        self.pointers.insert(message.wamid.clone(), reference.clone());
        let stored = Message {
            id: message.wamid.clone(),
            contact_id: contact.clone(),
            direction: message.arrival.direction(),
            type_name: message.type_name.clone(),
            text: message.content.summary_text().map(str::to_owned),
            status: None,
            at: message.at,
            content: Some(message.content.clone()),
            context: message.context.clone(),
            referral: message.referral.clone(),
            errors: None,
            pricing: None,
            attempts: None,
            outcome_unknown: false,
            estimate: None,
            media: None,
            campaign: None,
            origin: message.arrival.origin().map(str::to_owned),
            sent_by: None,
        };
        let row = MessageRow {
            message: stored,
            outbound: None,
            rank: None,
            wamid: Some(message.wamid.clone()),
            error_notes: Default::default(),
            spend_counted: false,
        };
        self.messages.entry(contact.clone()).or_default().insert(reference.locator().to_owned(), row);
    }

    /// The business date of `at`, in the saved profile's zone (the default
    /// profile's until one is saved), as the DynamoDB store buckets reports.
    pub(super) fn report_day_of(&self, at: Millis) -> String {
        let default = crate::domain::BusinessProfile::default();
        let zone = self.business_profile.as_ref().map_or(default.time_zone.as_str(), |p| p.time_zone.as_str());
        crate::domain::BusinessDay::in_zone(zone).unwrap_or(crate::domain::BusinessDay::FixedOffset(0)).day_of(at)
    }

    /// The day's counters, as the reports read them.
    pub(super) fn count_message(&mut self, at: Millis, inbound: bool) {
        let day = self.report_day_of(at);
        let counts = self.message_counts.entry(day).or_default();
        if inbound {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }

    fn row_mut(&mut self, reference: &MessageRef) -> Option<&mut MessageRow> {
        self.messages.get_mut(&reference.contact)?.get_mut(reference.locator())
    }

    fn has_row(&self, reference: &MessageRef) -> bool {
        self.messages.get(&reference.contact).is_some_and(|m| m.contains_key(reference.locator()))
    }

    /// Where the message `reference` names lives now: followed through
    /// merges; `None` when it is gone (erased, or never there).
    pub(super) fn follow(&self, reference: &MessageRef) -> Result<Option<MessageRef>, StoreError> {
        let mut at = reference.clone();
        for _ in 0..MAX_REDIRECTS {
            if self.has_row(&at) {
                return Ok(Some(at));
            }
            match self.merged_into.get(&at.contact) {
                Some(survivor) => at = MessageRef::from_locator(survivor.clone(), at.locator()),
                None => return Ok(None),
            }
        }
        Err(StoreError::Unavailable(format!("message {}: too many merges to follow", reference.locator())))
    }

    /// Flags `contact` as the same person as `other`, for staff to merge.
    fn suggest_merge(&mut self, contact: &ContactId, other: &ContactId) {
        if let Some(row) = self.contacts.get_mut(contact) {
            if !row.contact.merge_suggested.contains(other) {
                row.contact.merge_suggested.push(other.clone());
            }
        }
    }

    /// Applies a status to a known message: forward only, noting pricing and
    /// failures of a stale one; spend counted once per message.
    pub(super) fn apply_to(&mut self, reference: &MessageRef, update: &StatusUpdate) -> StatusOutcome {
        let Some(row) = self.row_mut(reference) else { return StatusOutcome::Stale };
        let pricing = update.pricing.as_ref().map(|p| {
            serde_json::json!({"billable": p.billable, "category": p.category, "pricing_model": p.pricing_model, "type": p.pricing_type})
                .to_string()
        });
        let errors = (!update.errors.is_empty()).then(|| serde_json::to_string(&update.errors).unwrap_or_default());
        if pricing.is_some() {
            row.message.pricing = pricing;
        }
        let outcome = if row.rank.is_none_or(|r| r < update.status.rank()) {
            row.rank = Some(update.status.rank());
            row.message.status = Some(update.status);
            row.wamid.get_or_insert_with(|| update.wamid.clone());
            if errors.is_some() {
                row.message.errors = errors;
            }
            row.message.outcome_unknown = false;
            if let Some(outbound) = &mut row.outbound {
                outbound.outbox = None;
            }
            StatusOutcome::Applied
        } else {
            if let Some(errors) = errors {
                row.error_notes.insert(format!("{}:{errors}", update.status.as_str()));
            }
            StatusOutcome::Stale
        };
        let counted = row.spend_counted;
        row.spend_counted |= update.pricing.is_some();
        if let (Some(pricing), false) = (&update.pricing, counted) {
            let category = pricing.category.clone().unwrap_or_else(|| "unknown".to_owned());
            let key = crate::domain::spend::SpendKey::of(update, category);
            let line = self.spend.entry((self.report_day_of(update.at)[..7].to_owned(), key)).or_default();
            if pricing.billable {
                line.0 += 1;
            } else {
                line.1 += 1;
            }
        }
        outcome
    }
}

#[async_trait::async_trait]
impl ConversationStore for MemoryStore {
    async fn list_contacts(
        &self,
        page: &PageRequest,
        only_visible_to: Option<&str>,
        filter: &crate::ports::ListFilter,
    ) -> Result<Page<Contact>, StoreError> {
        let state = self.state();
        let contacts = state
            .contacts
            .values()
            .filter(|r| r.contact.last_activity_at.is_some() && visible(&r.contact, only_visible_to))
            .filter(|r| filter.keeps(&r.contact))
            .map(|r| r.contact.clone())
            .collect();
        page_of(by_activity(contacts), page)
    }

    async fn contact(&self, id: &ContactId) -> Result<Option<Contact>, StoreError> {
        Ok(self.state().contacts.get(id).map(|r| r.contact.clone()))
    }

    async fn timeline(&self, id: &ContactId, page: &PageRequest) -> Result<Page<Message>, StoreError> {
        let state = self.state();
        let messages = state.messages.get(id).map(|m| m.values().map(|r| r.message.clone()).collect());
        page_of(messages.unwrap_or_default(), page)
    }

    async fn message_at(&self, reference: &MessageRef) -> Result<Option<Message>, StoreError> {
        self.state().message_reads += 1;
        Ok(self.message(reference))
    }

    async fn merged_into(&self, id: &ContactId) -> Result<Option<ContactId>, StoreError> {
        Ok(self.state().merged_into.get(id).cloned())
    }
}

#[async_trait::async_trait]
impl InboundStore for MemoryStore {
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError> {
        let mut state = self.state();
        state.reachable(&message.wamid)?;
        // Meta redelivering a message stored before, or erased since.
        if state.pointers.contains_key(&message.wamid) || state.erased_ids.contains(&message.wamid) {
            return Ok(Recorded::Duplicate);
        }
        storable(&message.wamid, message.raw.len() + message.content.summary_text().map_or(0, str::len))?;
        let pnid = message.phone_number_id.clone();
        let identities = message.from.keys();
        // The contacts the identities name, the `wa_id`'s first: it wins, and
        // another one is the same person on a second record.
        let mut owners: Vec<ContactId> = Vec::new();
        for identity in &identities {
            if let Some(owner) = state.identities.get(&(pnid.clone(), identity.as_key())) {
                if !owners.contains(owner) {
                    owners.push(owner.clone());
                }
            }
        }
        let mut contact = match owners.first() {
            Some(owner) => owner.clone(),
            None => ContactId::derive(&self.ids, &BusinessNumber(pnid.clone()), &message.from.primary_key()),
        };
        for _ in 0..MAX_REDIRECTS {
            match state.merged_into.get(&contact) {
                Some(survivor) => contact = survivor.clone(),
                None => break,
            }
        }
        let twin = owners.get(1).filter(|t| **t != contact && state.contacts.contains_key(*t)).cloned();
        for identity in &identities {
            state.identities.insert((pnid.clone(), identity.as_key()), contact.clone());
        }
        state.keep_message(message, &contact);
        if message.arrival != Arrival::Live {
            let row = state.contacts.entry(contact.clone()).or_insert_with(|| new_contact(&contact, &pnid, message.at));
            let c = &mut row.contact;
            // The team answered from the phone: as a reply from Parley, but
            // the customer's window stays as it was.
            if c.last_activity_at.is_none_or(|last| last <= message.at) {
                c.last_activity_at = Some(message.at);
                c.conversation.status = Some(ConversationStatus::WaitingOnCustomer);
                c.conversation.awaiting_since = None;
                if let Some(wa) = message.from.wa_id() {
                    c.wa_id = Some(wa.to_owned());
                }
            }
            state.events.push(crate::domain::change_event::message_sent_from_phone_app(message, &contact));
            return Ok(Recorded::New(contact));
        }
        let ring = RingingCall::rung_by(message);
        if ring.is_none() {
            state.count_message(message.at, true);
        }
        let row = state.contacts.entry(contact.clone()).or_insert_with(|| new_contact(&contact, &pnid, message.at));
        let c = &mut row.contact;
        // Only a message at least as new as the newest moves the contact.
        if c.last_inbound_at.is_none_or(|last| last <= message.at) {
            let window = ServiceWindow::opened_by(message.at, message.referral.is_some());
            c.phone_number_id = pnid;
            c.last_inbound_at = Some(message.at);
            c.last_activity_at = Some(message.at);
            c.window.service_until = window.service_until;
            if window.free_entry_until.is_some() {
                c.window.free_entry_until = window.free_entry_until;
            }
            c.conversation.status = Some(ConversationStatus::WaitingOnUs);
            c.conversation.awaiting_since.get_or_insert(message.at);
            row.in_owner_queue = true;
            c.first_inbound_at.get_or_insert(message.at);
            c.first_wamid.get_or_insert_with(|| message.wamid.clone());
            match (&ring, &message.content) {
                (Some(ring), _) => c.ringing = Some(ring.clone()),
                (None, MessageContent::Call { .. }) => c.ringing = None,
                (None, _) => c.last_inbound_wamid = Some(message.wamid.clone()),
            }
            c.source.get_or_insert_with(|| message.first_touch_source().to_owned());
            if c.first_ad.is_none() {
                c.first_ad = message.ad();
            }
            if let Some(wa) = message.from.wa_id() {
                c.wa_id = Some(wa.to_owned());
            }
            if let Some(user) = message.from.user_id() {
                c.user_id = Some(user.to_owned());
            }
            if let Some(name) = &message.profile_name {
                c.name = Some(name.clone());
            }
            if let Some(username) = &message.username {
                c.username = Some(username.clone());
            }
            // Writing first is consent to hear back about it (an opt-in
            // recorded earlier, say from a form, stays).
            c.consent.get_or_insert_with(|| Consent::by_writing_first(message.at));
        }
        if let Some(twin) = twin {
            state.suggest_merge(&contact, &twin);
            state.suggest_merge(&twin, &contact);
            state.audit.push(AuditEntry {
                at: message.at,
                actor: "system".into(),
                action: "merge_suggested".into(),
                contact: Some(contact.clone()),
                detail: serde_json::json!({"other": twin, "wamid": message.wamid}).to_string(),
            });
        }
        state.events.push(match &ring {
            Some(ring) => crate::domain::change_event::call_ringing(message, &contact, &ring.call_id),
            None => crate::domain::change_event::message_received(message, &contact),
        });
        Ok(Recorded::New(contact))
    }

    async fn park_unprocessable(&self, item: &UnprocessableItem) -> Result<(), StoreError> {
        let mut state = self.state();
        let day = item.at.utc_date();
        state.unprocessable.insert((day, item.kind.as_str(), item.wamid.clone()), item.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl StatusStore for MemoryStore {
    async fn apply_status(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError> {
        let mut state = self.state();
        state.reachable(&update.wamid)?;
        // The callback names the message's home at send time; after a merge
        // the wamid pointer, which moved with it, finds it.
        let by_callback = update.callback_data.as_deref().and_then(MessageRef::from_callback_data);
        if let Some(reference) = by_callback.filter(|r| state.has_row(r)) {
            return Ok(state.apply_to(&reference, update));
        }
        if let Some(reference) = state.pointers.get(&update.wamid).cloned() {
            if !state.has_row(&reference) {
                return Err(StoreError::Unavailable(format!("the message of wamid {} is moving", update.wamid)));
            }
            return Ok(state.apply_to(&reference, update));
        }
        if state.erased_ids.contains(&update.wamid) {
            return Ok(StatusOutcome::Discarded);
        }
        storable(&update.wamid, update.raw.len())?;
        state.parked.entry(update.wamid.clone()).or_default().push(update.clone());
        Ok(StatusOutcome::Pending)
    }

    async fn link_wamid(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        // A pointer that names the message elsewhere already wins (a merge
        // moved it there); a message that moved is followed; one that is
        // gone gets no pointer.
        let target = match state.pointers.get(wamid).cloned() {
            Some(existing) => existing,
            None => match state.follow(message)? {
                Some(at) => at,
                None => return Ok(()),
            },
        };
        state.pointers.insert(wamid.to_owned(), target.clone());
        let mut parked = state.parked.remove(wamid).unwrap_or_default();
        parked.sort_by_key(|u| (u.status.rank(), u.at));
        for update in &parked {
            state.apply_to(&target, update);
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::ports::ReceiptLog for MemoryStore {
    async fn note_read_receipt(&self, contact: &ContactId, wamid: &str) -> Result<(), StoreError> {
        if let Some(row) = self.state().contacts.get_mut(contact) {
            row.contact.read_receipt_for = Some(wamid.to_owned());
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl ContactRecordStore for MemoryStore {
    async fn patch_contact(&self, contact: &ContactId, patch: &ContactPatch) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(false) };
        // The same checks as the DynamoDB store's conditions: clearing
        // staff's name expects the profile name read; a field edit expects
        // the room and the keys it was planned against.
        if patch.display_name == Some(None) && row.contact.name != patch.profile_name {
            return Ok(false);
        }
        if let Some(fields) = patch.fields.as_ref().filter(|f| !f.is_empty()) {
            let current = &row.contact.fields;
            if current.len() > fields.max_before || !fields.present.iter().all(|k| current.contains_key(k)) {
                return Ok(false);
            }
        }
        if let Some(name) = &patch.display_name {
            row.contact.display_name = name.clone();
        }
        if let Some(tags) = &patch.tags {
            row.contact.tags = tags.clone();
        }
        if let Some(fields) = &patch.fields {
            for key in &fields.remove {
                row.contact.fields.remove(key);
            }
            row.contact.fields.extend(fields.set.clone());
        }
        Ok(true)
    }

    async fn add_note(&self, contact: &ContactId, note: &Note) -> Result<(), StoreError> {
        self.state().notes.entry(contact.clone()).or_default().push(note.clone());
        Ok(())
    }

    async fn notes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Note>, StoreError> {
        let mut notes = self.state().notes.get(contact).cloned().unwrap_or_default();
        notes.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        page_of(notes, page)
    }

    async fn search(
        &self,
        query: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let phone_like = !digits.is_empty() && query.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let wanted = fold(query);
        let state = self.state();
        let mut found: Vec<(String, Contact)> = state
            .contacts
            .values()
            .filter(|r| visible(&r.contact, only_visible_to))
            .filter_map(|r| {
                let key = if phone_like {
                    r.contact.wa_id.clone().filter(|wa| wa.starts_with(&digits))?
                } else {
                    fold(r.contact.shown_name()?)
                };
                (phone_like || key.starts_with(&wanted)).then(|| (key, r.contact.clone()))
            })
            .collect();
        found.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
        page_of(found.into_iter().map(|(_, c)| c).collect(), page)
    }

    async fn tagged(
        &self,
        tag: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let state = self.state();
        let mut found: Vec<Contact> = state
            .contacts
            .values()
            .filter(|r| visible(&r.contact, only_visible_to) && r.contact.tags.iter().any(|t| t == tag))
            .map(|r| r.contact.clone())
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page_of(found, page)
    }
}

#[async_trait::async_trait]
impl ContactLifecycleStore for MemoryStore {
    async fn erase_contact(&self, contact: &ContactId) -> Result<usize, StoreError> {
        let mut state = self.state();
        let mut owners: BTreeSet<ContactId> = state.merged_from.remove(contact).unwrap_or_default();
        owners.insert(contact.clone());
        let mut removed = 0;
        for owner in &owners {
            let messages = state.messages.remove(owner).unwrap_or_default();
            removed += messages.len();
            for row in messages.into_values() {
                // Meta's redelivery of an erased message must store nothing.
                let ids = [Some(row.message.id), row.wamid];
                for id in ids.into_iter().flatten() {
                    removed += usize::from(state.pointers.remove(&id).is_some());
                    removed += state.parked.remove(&id).map_or(0, |p| p.len());
                    state.erased_ids.insert(id);
                }
            }
            removed += state.notes.remove(owner).map_or(0, |n| n.len());
        }
        let before =
            state.identities.len() + state.pointers.len() + state.deals.len() + state.tasks.len() + state.quotes.len();
        state.identities.retain(|_, c| !owners.contains(c));
        state.pointers.retain(|_, r| !owners.contains(&r.contact));
        state.deals.retain(|_, d| !owners.contains(&d.contact_id));
        state.tasks.retain(|_, t| t.contact_id.as_ref().is_none_or(|c| !owners.contains(c)));
        state.quotes.retain(|_, q| !owners.contains(&q.contact_id));
        removed += before
            - state.identities.len()
            - state.pointers.len()
            - state.deals.len()
            - state.tasks.len()
            - state.quotes.len();
        // The audit facts stay; what they said about the person goes.
        for line in state.audit.iter_mut() {
            if line.contact.as_ref().is_some_and(|c| owners.contains(c)) && line.action != "erase" {
                line.detail = REDACTED.to_owned();
            }
        }
        let twins = state.contacts.remove(contact).map(|r| r.contact.merge_suggested).unwrap_or_default();
        for twin in twins {
            if let Some(row) = state.contacts.get_mut(&twin) {
                row.contact.merge_suggested.retain(|c| c != contact);
            }
        }
        Ok(removed)
    }

    async fn merge_contacts(&self, into: &ContactId, from: &ContactId) -> Result<usize, StoreError> {
        let mut state = self.state();
        if state.merged_into.get(from).is_some_and(|c| c != into) {
            return Err(StoreError::Corrupt(format!("contact {from} is gone or merged into another")));
        }
        // A late writer to `from` goes to `into` from now on.
        state.merged_into.insert(from.clone(), into.clone());
        let absorbed = state.merged_from.remove(from).unwrap_or_default();
        let into_absorbed = state.merged_from.entry(into.clone()).or_default();
        into_absorbed.insert(from.clone());
        into_absorbed.extend(absorbed);
        let mut moved = 0;
        for (locator, mut row) in state.messages.remove(from).unwrap_or_default() {
            row.message.contact_id = into.clone();
            let reference = MessageRef::from_locator(into.clone(), locator.clone());
            for pointer in state.pointers.values_mut() {
                if pointer.contact == *from && pointer.locator() == locator {
                    *pointer = reference.clone();
                }
            }
            state.messages.entry(into.clone()).or_default().insert(locator, row);
            moved += 1;
        }
        let notes = state.notes.remove(from).unwrap_or_default();
        moved += notes.len();
        state.notes.entry(into.clone()).or_default().extend(notes);
        for owner in state.identities.values_mut().filter(|c| *c == from) {
            *owner = into.clone();
            moved += 1;
        }
        for deal in state.deals.values_mut().filter(|d| d.contact_id == *from) {
            deal.contact_id = into.clone();
            moved += 1;
        }
        for task in state.tasks.values_mut().filter(|t| t.contact_id.as_ref() == Some(from)) {
            task.contact_id = Some(into.clone());
            moved += 1;
        }
        for quote in state.quotes.values_mut().filter(|q| q.contact_id == *from) {
            quote.contact_id = into.clone();
            moved += 1;
        }
        if let Some(other) = state.contacts.remove(from) {
            if let Some(row) = state.contacts.get_mut(into) {
                let c = &mut row.contact;
                c.wa_id = c.wa_id.take().or(other.contact.wa_id);
                c.user_id = c.user_id.take().or(other.contact.user_id);
                c.last_activity_at = c.last_activity_at.max(other.contact.last_activity_at);
                c.last_inbound_at = c.last_inbound_at.max(other.contact.last_inbound_at);
                c.opted_out |= other.contact.opted_out;
                if c.consent.is_none() {
                    c.consent = other.contact.consent;
                }
                // The pair no longer needs merging.
                c.merge_suggested.retain(|c| c != from);
                for tag in other.contact.tags {
                    if !c.tags.contains(&tag) {
                        c.tags.push(tag);
                    }
                }
            }
        }
        Ok(moved)
    }
}
