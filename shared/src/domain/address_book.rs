//! A contact in the WhatsApp Business app's address book on the business's
//! phone, as coexistence syncs it (`smb_app_state_sync`).

use super::{CustomerIdentity, Millis};

/// One address-book change: the name the business saved a customer under,
/// or its removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBookEntry {
    /// The business number whose app it is.
    pub phone_number_id: String,
    /// The customer, by phone number.
    pub customer: CustomerIdentity,
    /// The saved name; `None` when the business removed the contact.
    pub name: Option<String>,
    /// When Meta reported it: a change older than the one kept is ignored,
    /// so a late `add` cannot undo a newer `remove`.
    pub at: Millis,
}
