//! The caller's notifications as the bell shows them.

use parley::domain::notification::{Notification, NotificationKind};
use schemars::JsonSchema;
use serde::Serialize;

/// One notification; `contact_id`, `task_id` and `deal_id` say what it
/// links to (`null` when unset).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Notification")]
pub struct NotificationView {
    id: String,
    #[schemars(extend("enum" = ["new_message", "assigned", "task_due", "sla_breach", "deal_idle", "mention", "rule"]))]
    kind: String,
    at: String,
    contact_id: Option<String>,
    task_id: Option<String>,
    deal_id: Option<String>,
    /// A contact's name or a task's title; never a phone number or a message body.
    title: String,
    read: bool,
}

fn kind_name(kind: NotificationKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            id: n.id,
            kind: kind_name(n.kind),
            at: n.at.to_rfc3339(),
            contact_id: n.contact_id.map(|c| c.to_string()),
            task_id: n.task_id,
            deal_id: n.deal_id,
            title: n.title,
            read: n.read,
        }
    }
}

/// A page of the caller's notifications, newest first, with how many are unread.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Notifications")]
pub struct NotificationsView {
    items: Vec<NotificationView>,
    next_cursor: Option<String>,
    unread: u64,
}

impl NotificationsView {
    /// The page and the unread count.
    pub fn new(items: Vec<Notification>, next_cursor: Option<String>, unread: u64) -> Self {
        NotificationsView { items: items.into_iter().map(NotificationView::from).collect(), next_cursor, unread }
    }
}

/// How many the caller has unread after a change.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NotificationsRead")]
pub struct NotificationsReadView {
    unread: u64,
}

impl NotificationsReadView {
    /// The count.
    pub fn new(unread: u64) -> Self {
        NotificationsReadView { unread }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_use_their_api_names() {
        assert_eq!(kind_name(NotificationKind::SlaBreach), "sla_breach");
    }
}
