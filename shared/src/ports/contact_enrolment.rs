//! Contacts staff add by phone number, before the customer ever wrote.

use super::StoreError;
use crate::domain::{BusinessNumber, ContactId, Millis};
use async_trait::async_trait;

/// A contact to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    /// The business number the conversation runs on.
    pub number: BusinessNumber,
    /// The customer's `wa_id` (E.164 digits, no `+`).
    pub wa_id: String,
    /// The name staff gave, if any.
    pub name: Option<String>,
    /// Who owns the conversation (`None`: unassigned).
    pub owner: Option<String>,
    /// When it was added.
    pub at: Millis,
    /// Where it came from, as `contact.created` says: `staff`, or
    /// `lead:<source id>`.
    pub source: String,
}

/// Whether the number was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enrolled {
    /// A new contact.
    Created(ContactId),
    /// The number already had one (which may have been merged elsewhere).
    Existing(ContactId),
}

/// Adds contacts by number under the same identity pointer an inbound
/// message claims, so the customer's first message lands on this contact.
#[async_trait]
pub trait ContactEnrolment: Send + Sync {
    /// Creates the contact, or names the one the number already has.
    async fn enrol_contact(&self, contact: &NewContact) -> Result<Enrolled, StoreError>;
}
