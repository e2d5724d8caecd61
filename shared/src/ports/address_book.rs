//! The WhatsApp Business app's address book, as coexistence syncs it.

use super::StoreError;
use crate::domain::address_book::AddressBookEntry;
use async_trait::async_trait;

/// Names the business saved its customers under on its phone.
#[async_trait]
pub trait AddressBook: Send + Sync {
    /// Keeps (or, for a removal, clears) the saved name on the customer's
    /// contact; `false` when no contact has that number, or the contact
    /// holds a newer change. Never touches the name staff set.
    async fn note_address_book(&self, entry: &AddressBookEntry) -> Result<bool, StoreError>;
}
