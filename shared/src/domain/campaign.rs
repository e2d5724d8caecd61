//! A campaign: one approved template to a segment of contacts, paced
//! through the sender. The worker walks the audience in steps, records
//! each recipient once, and hands each send to the outbox under a key of
//! (campaign, contact), so a redelivered or crashed step sends nobody
//! twice. What happened to each recipient is kept beside the campaign;
//! the results are counted from those records, so they always agree.

use super::template_inputs::TemplateInputs;
use super::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Contacts one worker step takes: about a second of Meta's default
/// throughput, so pause and cancel take hold within a step.
pub const RECIPIENTS_PER_STEP: u32 = 100;

/// How long after its send a customer's message counts as a reply to a
/// campaign.
pub const REPLY_WINDOW_MS: i64 = 72 * 3600 * 1000;

/// Whether a customer's message at `message_at` answers a campaign that
/// reached them at `reached_at`. Meta stamps a message to the whole second
/// and the campaign's own clock to the millisecond, so a reply written in
/// the same second as the send reads as up to 999 ms before it: the send is
/// compared at the second it fell in.
pub fn is_campaign_reply(reached_at: Millis, message_at: Millis) -> bool {
    let reached_second = reached_at.0 - reached_at.0.rem_euclid(1000);
    (0..=REPLY_WINDOW_MS).contains(&(message_at.0 - reached_second))
}

/// Prefix of every campaign message id: `pc.<campaign id>.<random>`, so a
/// status names its campaign without a read.
const MESSAGE_PREFIX: &str = "pc.";

/// Where a campaign stands.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Waits for its time.
    Scheduled,
    /// The worker is handing its recipients to the sender.
    Sending,
    /// Stopped by staff; resumes where it stopped.
    Paused,
    /// Stopped for good by staff; recipients not yet reached get nothing.
    Cancelled,
    /// Every recipient was reached (sends still report their statuses).
    Finished,
}

impl CampaignStatus {
    /// Whether staff may move it to `to` (pause, resume, cancel).
    pub fn may_become(self, to: CampaignStatus) -> bool {
        use CampaignStatus::*;
        matches!(
            (self, to),
            (Scheduled | Sending, Paused) | (Paused, Sending) | (Scheduled | Sending | Paused, Cancelled)
        )
    }
}

/// Who a campaign goes to. Every part narrows; an empty audience is every
/// contact of the business.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Contacts carrying this tag (normalized).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Contacts with an open deal in this pipeline stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageChoice>,
    /// `unassigned`, or the owner's e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The lead source (`whatsapp`, `ad`, `import`, `staff`, `lead:<id>`);
    /// a value ending in `:` takes every source it begins (`lead:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A custom field that must hold this value (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldChoice>,
    /// Only contacts that wrote within this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound_within_days: Option<u32>,
    /// Only contacts with a marketing opt-in on record (the others are
    /// counted as excluded for no consent); absent is no.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opted_in_only: Option<bool>,
}

impl Audience {
    /// The audience as the stores key it: the tag as tags are stored
    /// ("Diwali " is `diwali`), the owner's address in lower case, blanks
    /// as nothing.
    pub fn normalized(mut self) -> Self {
        self.tag = self.tag.and_then(|t| super::tags::normalize_tags(&[t]).ok()).and_then(|t| t.into_iter().next());
        self.owner = self.owner.map(|o| o.trim().to_lowercase()).filter(|o| !o.is_empty());
        self.source = self.source.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        self
    }
}

/// A pipeline stage.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChoice {
    /// The pipeline's id.
    pub pipeline: String,
    /// The stage's id.
    pub stage: String,
}

/// A custom field and the value it must hold.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChoice {
    /// The field's key.
    pub name: String,
    /// The value.
    pub value: String,
}

/// Where one body parameter's text comes from.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamSource {
    /// The same text for everyone.
    Text {
        /// The text.
        text: String,
    },
    /// A field of the contact: `name`, `first_name`, or a custom field's key.
    Field {
        /// Which field.
        field: String,
        /// Used where the contact lacks it; without one, such contacts are
        /// left out (and shown before sending).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fallback: Option<String>,
    },
}

/// Why a contact in the segment gets nothing.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The contact opted out of marketing.
    OptedOut,
    /// No marketing opt-in on record, where one is required.
    NoConsent,
    /// Neither a phone-number id nor a user id to send to.
    NoIdentity,
    /// A parameter's field is empty and has no fallback.
    MissingField,
}

impl Exclusion {
    /// Its name in the API and the records.
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::OptedOut => "opted_out",
            Exclusion::NoConsent => "no_consent",
            Exclusion::NoIdentity => "no_identity",
            Exclusion::MissingField => "missing_field",
        }
    }

    /// Reads [`Exclusion::as_str`] back.
    pub fn parse(text: &str) -> Option<Self> {
        [Exclusion::OptedOut, Exclusion::NoConsent, Exclusion::NoIdentity, Exclusion::MissingField]
            .into_iter()
            .find(|e| e.as_str() == text)
    }
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Time-ordered: `cp` and hex digits.
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// The template's name.
    pub template: String,
    /// The template's language.
    pub language: String,
    /// One source per body parameter, in order.
    pub params: Vec<ParamSource>,
    /// The header's value and the buttons' values, the same for every
    /// recipient (checked against the template when it was created).
    #[serde(default)]
    pub inputs: TemplateInputs,
    /// Who it goes to.
    pub audience: Audience,
    /// Where it stands.
    pub status: CampaignStatus,
    /// When it is to start (its creation, when sent at once).
    pub send_at: Millis,
    /// The estimate the admin confirmed: minor units and currency.
    pub estimate_minor: u64,
    /// That estimate's currency.
    pub currency: String,
    /// How many the estimate counted.
    pub estimated_recipients: u64,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: Millis,
    /// The audience page the next step starts at (`None` before the first).
    pub cursor: Option<String>,
    /// Steps taken: the conditional write of each step checks it, so a
    /// step run twice advances once.
    pub steps: u32,
    /// When the last recipient was handed to the sender, or it was cancelled.
    pub finished_at: Option<Millis>,
    /// Why the worker stopped it (its template was paused at Meta).
    #[serde(default)]
    pub note: Option<String>,
}

impl Campaign {
    /// A new id for a campaign created at `now`.
    pub fn new_id(now: Millis, random: u32) -> String {
        format!("cp{:012x}{random:08x}", now.0.max(0))
    }

    /// Whether `id` looks like a campaign id (it is put into keys).
    pub fn is_id(id: &str) -> bool {
        id.len() == 22 && id.starts_with("cp") && id[2..].bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// The id of this campaign's message to one recipient.
    pub fn message_id(&self, random: &str) -> String {
        format!("{MESSAGE_PREFIX}{}.{random}", self.id)
    }
}

/// The campaign and recipient a message id belongs to, if it is a
/// campaign's (the recipient as first reached: a later merge moves the
/// message, not the record).
pub fn campaign_of_message(message_id: &str) -> Option<(&str, super::ContactId)> {
    let rest = message_id.strip_prefix(MESSAGE_PREFIX)?;
    let (campaign, contact) = rest.split_once('.')?;
    Some((campaign, super::ContactId::parse(contact)?)).filter(|(c, _)| Campaign::is_id(c))
}

/// That a campaign reached a contact: what a reply is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignReach {
    /// The campaign.
    pub campaign: String,
    /// The recipient as the campaign recorded it (before any merge).
    pub recipient: super::ContactId,
    /// When.
    pub at: Millis,
}

/// One recipient's state, as far as it got.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientState {
    /// Left out, with its reason.
    Excluded,
    /// Handed to the sender.
    Queued,
    /// Meta took it.
    Sent,
    /// On the customer's phone.
    Delivered,
    /// Read.
    Read,
    /// Failed, with Meta's code.
    Failed,
}

impl RecipientState {
    /// Statuses only move forward: a late `sent` never undoes `read`.
    pub fn rank(self) -> u8 {
        match self {
            RecipientState::Excluded => 0,
            RecipientState::Queued => 1,
            RecipientState::Sent => 2,
            RecipientState::Delivered => 3,
            RecipientState::Read => 4,
            RecipientState::Failed => 5,
        }
    }

    /// Its name in the records.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientState::Excluded => "excluded",
            RecipientState::Queued => "queued",
            RecipientState::Sent => "sent",
            RecipientState::Delivered => "delivered",
            RecipientState::Read => "read",
            RecipientState::Failed => "failed",
        }
    }

    /// Reads [`RecipientState::as_str`] back.
    pub fn parse(text: &str) -> Option<Self> {
        use RecipientState::*;
        [Excluded, Queued, Sent, Delivered, Read, Failed].into_iter().find(|s| s.as_str() == text)
    }

    /// The state a delivery status moves a recipient to.
    pub fn of_status(status: super::DeliveryStatus) -> Option<Self> {
        use super::DeliveryStatus as D;
        match status {
            D::Sent => Some(RecipientState::Sent),
            D::Delivered => Some(RecipientState::Delivered),
            D::Read => Some(RecipientState::Read),
            D::Failed => Some(RecipientState::Failed),
            D::Queued | D::Sending => None,
        }
    }
}

/// One recipient of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The contact.
    pub contact: super::ContactId,
    /// Its name when the campaign reached it (the record goes with the
    /// contact on erasure).
    pub name: Option<String>,
    /// As far as it got.
    pub state: RecipientState,
    /// Why it was left out.
    pub excluded: Option<Exclusion>,
    /// Meta's error code, for a failure.
    pub error_code: Option<i64>,
    /// The message, once queued.
    pub message_id: Option<String>,
    /// When the customer first wrote back within [`REPLY_WINDOW_MS`].
    pub replied_at: Option<Millis>,
    /// Whether the customer opted out after the campaign reached them.
    pub opted_out_after: bool,
    /// The rate card's price of its message when it was queued (minor
    /// units of the campaign's currency).
    pub price_minor: Option<u64>,
    /// Meta's pricing of its message: billed (`true`) or free; `None`
    /// until a status carried it.
    pub billed: Option<bool>,
}

/// What a campaign came to, counted from its recipients.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignTotals {
    /// Recipients recorded so far.
    pub recipients: u64,
    /// Handed to the sender, no answer from Meta yet.
    pub queued: u64,
    /// Sent (at least), delivered and read count separately too.
    pub sent: u64,
    /// Delivered (at least).
    pub delivered: u64,
    /// Read.
    pub read: u64,
    /// Failed, by Meta's code (`0` for Parley's own reasons).
    pub failed: u64,
    /// Failures by code.
    pub failed_by_code: BTreeMap<String, u64>,
    /// Left out, by reason.
    pub excluded: BTreeMap<String, u64>,
    /// Wrote back within 72 hours.
    pub replied: u64,
    /// Opted out after it reached them.
    pub opted_out_after: u64,
    /// Messages Meta's pricing says it bills.
    pub billed: u64,
    /// Messages Meta's pricing says are free.
    pub free: u64,
    /// What the billed messages cost, in minor units: each at the rate
    /// card's price for its recipient's market. Only Meta's pricing makes
    /// a message count here, never the status alone.
    pub billed_cost_minor: u64,
}

impl CampaignTotals {
    /// Counts `recipient` in.
    pub fn add(&mut self, recipient: &Recipient) {
        self.recipients += 1;
        let rank = recipient.state.rank();
        match recipient.state {
            RecipientState::Excluded => {
                let reason = recipient.excluded.map_or("unknown", Exclusion::as_str);
                *self.excluded.entry(reason.to_owned()).or_default() += 1;
            }
            RecipientState::Queued => self.queued += 1,
            RecipientState::Failed => {
                self.failed += 1;
                *self.failed_by_code.entry(recipient.error_code.unwrap_or(0).to_string()).or_default() += 1;
            }
            RecipientState::Sent | RecipientState::Delivered | RecipientState::Read => {
                self.sent += 1;
                let delivered = rank >= RecipientState::Delivered.rank();
                self.delivered += u64::from(delivered);
                self.read += u64::from(rank >= RecipientState::Read.rank());
            }
        }
        match recipient.billed {
            Some(true) => {
                self.billed += 1;
                self.billed_cost_minor += recipient.price_minor.unwrap_or(0);
            }
            Some(false) => self.free += 1,
            None => {}
        }
        self.replied += u64::from(recipient.replied_at.is_some());
        self.opted_out_after += u64::from(recipient.opted_out_after);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_stamped_in_the_second_of_the_send_counts_and_one_before_or_past_72_hours_does_not() {
        let sent = Millis(1_700_000_000_700);
        assert!(is_campaign_reply(sent, Millis(1_700_000_000_000)), "Meta's whole second of the send");
        assert!(is_campaign_reply(sent, Millis(1_700_000_001_000)));
        assert!(is_campaign_reply(sent, Millis(1_700_000_000_000 + REPLY_WINDOW_MS)));
        assert!(!is_campaign_reply(sent, Millis(1_699_999_999_000)), "the second before");
        assert!(!is_campaign_reply(sent, Millis(1_700_000_001_000 + REPLY_WINDOW_MS)), "past 72 hours");
    }

    #[test]
    fn a_campaign_message_names_its_campaign_and_no_other_message_does() {
        let id = Campaign::new_id(Millis(1_700_000_000_000), 0xdead_beef);
        assert!(Campaign::is_id(&id), "{id}");
        let campaign = Campaign {
            id: id.clone(),
            name: "Diwali".into(),
            template: "offer".into(),
            language: "en".into(),
            params: vec![],
            inputs: TemplateInputs::default(),
            audience: Audience::default(),
            status: CampaignStatus::Sending,
            send_at: Millis(0),
            estimate_minor: 0,
            currency: "INR".into(),
            estimated_recipients: 0,
            created_by: "a@b.c".into(),
            created_at: Millis(0),
            cursor: None,
            steps: 0,
            finished_at: None,
            note: None,
        };
        let contact = super::super::ContactId::parse("0123456789abcdef01234567").unwrap();
        assert_eq!(campaign_of_message(&campaign.message_id(contact.as_str())), Some((id.as_str(), contact)));
        assert_eq!(campaign_of_message("pm.0123456789abcdef01234567"), None);
        assert_eq!(campaign_of_message("pc.nonsense.1"), None);
    }

    #[test]
    fn only_pause_resume_and_cancel_move_a_campaign_and_cancel_is_final() {
        use CampaignStatus::*;
        assert!(Sending.may_become(Paused) && Paused.may_become(Sending) && Scheduled.may_become(Cancelled));
        assert!(!Cancelled.may_become(Sending) && !Finished.may_become(Paused) && !Sending.may_become(Sending));
    }

    #[test]
    fn totals_count_each_recipient_once_in_its_furthest_state() {
        let contact = super::super::ContactId::parse("0123456789abcdef01234567").unwrap();
        let mut totals = CampaignTotals::default();
        let r = |state, code: Option<i64>, excluded, billed| Recipient {
            contact: contact.clone(),
            name: None,
            state,
            excluded,
            error_code: code,
            message_id: None,
            replied_at: None,
            opted_out_after: false,
            price_minor: Some(78),
            billed,
        };
        totals.add(&r(RecipientState::Read, None, None, Some(true)));
        totals.add(&r(RecipientState::Delivered, None, None, None));
        totals.add(&r(RecipientState::Sent, None, None, Some(false)));
        totals.add(&r(RecipientState::Failed, Some(131049), None, None));
        totals.add(&r(RecipientState::Excluded, None, Some(Exclusion::OptedOut), None));
        assert_eq!((totals.recipients, totals.sent, totals.delivered, totals.read, totals.failed), (5, 3, 2, 1, 1));
        assert_eq!(totals.failed_by_code.get("131049"), Some(&1));
        assert_eq!(totals.excluded.get("opted_out"), Some(&1));
        assert_eq!((totals.billed, totals.free), (1, 1), "as Meta priced them; one not priced yet");
        assert_eq!(totals.billed_cost_minor, 78, "only what Meta bills costs, whatever the status");
    }
}
