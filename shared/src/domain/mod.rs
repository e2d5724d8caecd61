//! Pure types and rules: no I/O, no AWS types, no async.

pub mod contact;
pub mod contact_fields;
pub mod conversation;
pub mod deal_access;
pub mod export;
pub mod identity;
pub mod message;
pub mod message_content;
pub mod metrics;
pub mod outbound;
pub mod pipeline;
pub mod pricing;
pub mod response_figures;
pub mod routing;
pub mod service_window;
pub mod status;
pub mod task;
pub mod template;
pub mod timestamp;
pub mod user;

pub use contact::Contact;
pub use identity::{BusinessNumber, ContactId, CustomerIdentity};
pub use message::{Direction, Message};
pub use message_content::MessageContent;
pub use service_window::ServiceWindow;
pub use status::{DeliveryError, DeliveryStatus, Pricing, StatusUpdate};
pub use timestamp::Millis;
pub use user::{Role, User};
