//! Keeps the lead-source report's counters: each new contact is a lead of
//! its first-touch source (and ad); each contact's first message a
//! conversation of its source; each chat an ad starts a conversation of
//! that ad; and each deal won (or taken back out of won) counts, with its
//! value, for its contact's source and ad. Counted once per event.

use super::reactions::{Reaction, ReactionError};
use crate::domain::ad_referral::AdReferral;
use crate::domain::pipeline::{Pipeline, StageKind};
use crate::domain::source_figures::{ad_conversation, FirstTouch, SourceCount};
use crate::domain::{ContactId, Event, EventKind};
use crate::ports::{ConversationStore, DealStore, SourceFigureStore};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `contact.created`, `message.received`, `deal.created`
/// and `deal.stage_changed`.
pub struct SourceCounting {
    figures: Arc<dyn SourceFigureStore>,
    contacts: Arc<dyn ConversationStore>,
    deals: Arc<dyn DealStore>,
}

impl SourceCounting {
    /// Over the counters, the contacts (their first touch, re-read) and the
    /// pipelines (a deal created straight into a won stage).
    pub fn new(
        figures: Arc<dyn SourceFigureStore>,
        contacts: Arc<dyn ConversationStore>,
        deals: Arc<dyn DealStore>,
    ) -> Self {
        SourceCounting { figures, contacts, deals }
    }

    async fn touch_of(&self, contact: Option<&ContactId>) -> Result<FirstTouch, ReactionError> {
        let found = match contact {
            Some(id) => self.contacts.contact(id).await?,
            None => None,
        };
        // An erased or merged-away contact's deal still counts, as unknown.
        Ok(found.map_or(FirstTouch { source: None, ad: None }, |c| c.first_touch()))
    }

    async fn counts(&self, event: &Event) -> Result<Vec<SourceCount>, ReactionError> {
        let text = |name: &str| event.data.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        let flag = |name: &str| event.data.get(name).and_then(serde_json::Value::as_bool).unwrap_or(false);
        let value = event.data.get("value_minor").and_then(serde_json::Value::as_i64).unwrap_or(0);
        Ok(match event.kind {
            EventKind::ContactCreated => FirstTouch { source: text("source"), ad: text("ad") }.lead(),
            EventKind::MessageReceived => {
                let mut counts = Vec::new();
                let ad = event.data.get("ad").and_then(|ad| serde_json::from_value::<AdReferral>(ad.clone()).ok());
                if let Some(ad) = ad {
                    self.figures.note_ad(&ad.without_click()).await?;
                    counts.push(ad_conversation(&ad.ad_id));
                }
                if let (Some(id), Some(wamid)) = (&event.contact_id, text("wamid")) {
                    if let Some(contact) = self.contacts.contact(id).await? {
                        if contact.is_first_message(&wamid, event.at) {
                            counts.extend(contact.first_touch().first_conversation());
                        }
                    }
                }
                counts
            }
            EventKind::DealStageChanged if flag("won") != flag("was_won") => {
                self.touch_of(event.contact_id.as_ref()).await?.deal_won(value, flag("won"))
            }
            EventKind::DealCreated => {
                let pipelines = Pipeline::or_default(self.deals.pipelines().await?);
                let (pipeline, stage) = (text("pipeline").unwrap_or_default(), text("stage").unwrap_or_default());
                let won = pipelines
                    .iter()
                    .find(|p| p.id == pipeline)
                    .and_then(|p| p.stage(&stage).ok())
                    .is_some_and(|s| s.kind == StageKind::Won);
                if won {
                    self.touch_of(event.contact_id.as_ref()).await?.deal_won(value, true)
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        })
    }
}

#[async_trait]
impl Reaction for SourceCounting {
    fn name(&self) -> &'static str {
        "source_counting"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let counts = self.counts(event).await?;
        if !counts.is_empty() {
            self.figures.count_source(&event.id, event.at, &counts).await?;
        }
        Ok(())
    }
}
