//! "What would this rule have done over the last 7 days": the stored events
//! replayed through the rule's trigger and conditions, acting on nothing.
//! Conditions are checked on the state as it is now (the past state is not
//! kept), which the screen says.

use crate::domain::pipeline::Deal;
use crate::domain::rule::Rule;
use crate::domain::rule_match::{caused_by_rule, RuleFacts, TriggerMatch};
use crate::domain::{BusinessNumber, Contact, ContactId, Event, Millis};
use crate::ports::{Clock, ConversationStore, DealStore, EventLog, OpenState, OpeningHours, PageRequest, StoreError};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// How far back a dry run looks.
pub const DRY_RUN_DAYS: i64 = 7;

/// The most lines a dry run returns (the newest are dropped past it).
pub const DRY_RUN_LIMIT: usize = 200;

/// One thing the rule would have done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunLine {
    /// When the triggering event happened.
    pub at: Millis,
    /// The event's id.
    pub event_id: String,
    /// Its public kind.
    pub event_kind: &'static str,
    /// The contact concerned.
    pub contact_id: Option<ContactId>,
    /// `run` (its actions, now) or `timer` (armed for `due_at`).
    pub outcome: &'static str,
    /// When the timer would fire.
    pub due_at: Option<Millis>,
    /// The actions it would take, by kind.
    pub actions: Vec<&'static str>,
}

/// The dry run use case: reads only.
pub struct DryRun {
    events: Arc<dyn EventLog>,
    contacts: Arc<dyn ConversationStore>,
    deals: Arc<dyn DealStore>,
    hours: Arc<dyn OpeningHours>,
    clock: Arc<dyn Clock>,
}

impl DryRun {
    /// The use case over its ports (none of which it writes to).
    pub fn new(
        events: Arc<dyn EventLog>,
        contacts: Arc<dyn ConversationStore>,
        deals: Arc<dyn DealStore>,
        hours: Arc<dyn OpeningHours>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        DryRun { events, contacts, deals, hours, clock }
    }

    /// Every event of the window in time order: the log pages per partition,
    /// so the pages are gathered and sorted here.
    async fn window(&self, from: Millis, until: Millis) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        let mut page = PageRequest::default();
        loop {
            let got = self.events.events_between(from, until, &page).await?;
            events.extend(got.items);
            match got.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(events)
    }

    /// What `rule` would have done over the last [`DRY_RUN_DAYS`], oldest first.
    pub async fn run(&self, rule: &Rule) -> Result<Vec<DryRunLine>, StoreError> {
        let now = self.clock.now();
        let from = Millis(now.0 - DRY_RUN_DAYS * 24 * Millis::HOUR);
        let events = self.window(from, Millis(now.0 + 1)).await?;
        let mut contacts: HashMap<ContactId, Option<Contact>> = HashMap::new();
        let mut seen_keys = BTreeSet::new();
        let mut lines = Vec::new();
        for event in events.iter().filter(|e| !caused_by_rule(e)) {
            if lines.len() >= DRY_RUN_LIMIT {
                break;
            }
            let enriched;
            let event = if rule.reads_message_facts() {
                enriched = super::message_facts::with_message_facts(self.contacts.as_ref(), event).await?;
                &enriched
            } else {
                event
            };
            let matched = rule.trigger.on_event(event);
            if matched == TriggerMatch::No {
                continue;
            }
            let contact = match &event.contact_id {
                Some(id) => {
                    if !contacts.contains_key(id) {
                        let read = self.contacts.contact(id).await?;
                        contacts.insert(id.clone(), read);
                    }
                    contacts.get(id).cloned().flatten()
                }
                None => None,
            };
            let (key, outcome, due_at) = match matched {
                TriggerMatch::No => continue,
                TriggerMatch::Fire { key } => (key, "run", None),
                TriggerMatch::Arm { subject, since, at } => (format!("{subject}:{}", since.0), "timer", Some(at)),
                TriggerMatch::FireIfClosed => {
                    let Some(contact) = &contact else { continue };
                    let number = BusinessNumber(contact.phone_number_id.clone());
                    match self.hours.state_at(&number, event.at).await? {
                        OpenState::Open => continue,
                        OpenState::Closed { since, .. } => (format!("{}:{}", contact.id, since.0), "run", None),
                    }
                }
            };
            if !seen_keys.insert(key) {
                continue;
            }
            let deal = self.deal(event, contact.as_ref()).await?;
            let facts = RuleFacts {
                contact: contact.as_ref(),
                deal: deal.as_ref(),
                now,
                button_payload: event.data.get("button_payload").and_then(|v| v.as_str()),
            };
            if !rule.conditions.iter().all(|c| c.holds(&facts)) {
                continue;
            }
            lines.push(DryRunLine {
                at: event.at,
                event_id: event.id.clone(),
                event_kind: event.kind.as_str(),
                contact_id: event.contact_id.clone(),
                outcome,
                due_at,
                actions: rule.actions.iter().map(|a| a.kind()).collect(),
            });
        }
        Ok(lines)
    }

    async fn deal(&self, event: &crate::domain::Event, contact: Option<&Contact>) -> Result<Option<Deal>, StoreError> {
        if let Some(id) = event.data.get("deal").and_then(|v| v.as_str()) {
            return self.deals.deal(id).await;
        }
        let Some(contact) = contact else { return Ok(None) };
        let page = PageRequest { cursor: None, limit: Some(1) };
        Ok(self.deals.contact_deals(&contact.id, &page).await?.items.into_iter().next())
    }
}
