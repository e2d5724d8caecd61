use super::fixture::{inbound, World, PHONE_NUMBER_ID};
use crate::app::data_ownership::{DataError, DataOwnership};
use crate::app::send_message::SendCommand;
use crate::app::tasks::NewTask;
use crate::domain::outbound::OutboundContent;
use crate::domain::{AuditEntry, ContactId, CustomerIdentity, DeliveryStatus, MessageRef, Role, StatusUpdate};
use crate::ports::{
    AuditLog, Clock, ConversationStore, InboundStore, OutboxStore, PageRequest, Recorded, StatusOutcome, StatusStore,
    TaskStore,
};

fn data(w: &World) -> DataOwnership {
    DataOwnership::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone())
}

#[tokio::test]
async fn erasure_is_for_admins_audited_first_and_removes_the_timeline() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let data = data(&w);
    assert!(matches!(data.erase(&boss, &contact).await, Err(DataError::Forbidden(_))));
    assert!(data.erase(&admin, &contact).await.unwrap() >= 2);
    assert!(w.store.contact(&contact).await.unwrap().is_none());
    assert!(w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items.is_empty());
    let audit = w.store.audit_lines();
    assert_eq!((audit[0].action.as_str(), audit[0].contact.as_ref()), ("erase", Some(&contact)));
    assert!(matches!(data.erase(&admin, &contact).await, Err(DataError::NotFound)));
}

#[tokio::test]
async fn merging_joins_the_histories() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let into = w.customer_says("15550001111", "wamid.1", "hi").await;
    let from = w.customer_says("15550002222", "wamid.2", "it's me, new phone").await;
    let data = data(&w);
    assert!(matches!(data.merge(&boss, &into, &into).await, Err(DataError::SameContact)));
    data.merge(&boss, &into, &from).await.unwrap();
    assert!(w.store.contact(&from).await.unwrap().is_none());
    assert_eq!(w.store.timeline(&into, &PageRequest::default()).await.unwrap().items.len(), 2);
}

/// A message from a customer known by `wa_id`, `user_id` (a BSUID), or both.
async fn says(w: &World, wa_id: Option<&str>, user_id: Option<&str>, wamid: &str) -> Recorded {
    let mut message = inbound("0", wamid, "hi", w.clock.now());
    message.from = CustomerIdentity::new(wa_id.map(str::to_owned), user_id.map(str::to_owned)).unwrap();
    w.store.record_inbound(&message).await.unwrap()
}

fn stored_on(recorded: Recorded) -> ContactId {
    match recorded {
        Recorded::New(contact) => contact,
        Recorded::Duplicate => panic!("not stored"),
    }
}

#[tokio::test]
async fn a_customer_on_two_records_is_stored_on_the_phones_and_both_are_flagged_until_merged() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let private = stored_on(says(&w, None, Some("IN.1"), "wamid.1").await);
    let phone = stored_on(says(&w, Some("15550001111"), None, "wamid.2").await);
    assert_ne!(private, phone);
    let both = stored_on(says(&w, Some("15550001111"), Some("IN.1"), "wamid.3").await);
    assert_eq!(both, phone, "the wa_id's record wins");
    assert_eq!(w.store.contact(&phone).await.unwrap().unwrap().merge_suggested, std::slice::from_ref(&private));
    assert_eq!(w.store.contact(&private).await.unwrap().unwrap().merge_suggested, std::slice::from_ref(&phone));
    assert!(w.store.audit_lines().iter().any(|l| l.action == "merge_suggested"));
    // Either identity alone now finds the phone's record.
    assert_eq!(stored_on(says(&w, None, Some("IN.1"), "wamid.4").await), phone);

    data(&w).merge(&boss, &phone, &private).await.unwrap();
    assert!(w.store.contact(&phone).await.unwrap().unwrap().merge_suggested.is_empty());
    assert_eq!(w.store.timeline(&phone, &PageRequest::default()).await.unwrap().items.len(), 4);
}

#[tokio::test]
async fn erasing_one_of_a_flagged_pair_withdraws_the_suggestion() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let private = stored_on(says(&w, None, Some("IN.1"), "wamid.1").await);
    let phone = stored_on(says(&w, Some("15550001111"), None, "wamid.2").await);
    says(&w, Some("15550001111"), Some("IN.1"), "wamid.3").await;
    data(&w).erase(&admin, &private).await.unwrap();
    assert!(w.store.contact(&phone).await.unwrap().unwrap().merge_suggested.is_empty());
}

#[tokio::test]
async fn erasure_leaves_nothing_of_the_person_and_a_redelivery_stores_nothing() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let contact = w.customer_says("15550001111", "wamid.1", "my address is …").await;
    let tasks = w.tasks();
    let call = NewTask {
        title: "call back".into(),
        due_at: w.clock.now().plus_hours(1),
        owner: None,
        contact_id: Some(contact.clone()),
        deal_id: None,
        cancel_on_reply: false,
        template: None,
    };
    let task = tasks.create(&admin, call).await.unwrap();
    let said = AuditEntry {
        at: w.clock.now(),
        actor: "admin@shop.test".into(),
        action: "send".into(),
        contact: Some(contact.clone()),
        detail: r#"{"text":"lives at 12 MG Road"}"#.into(),
    };
    w.store.audit(&said).await.unwrap();
    data(&w).erase(&admin, &contact).await.unwrap();
    assert!(w.store.task(&task.id).await.unwrap().is_none(), "tasks about the person go");
    let lines = w.store.audit_lines();
    let note = lines.iter().find(|l| l.action == "send").unwrap();
    assert_eq!(
        (note.actor.as_str(), note.detail.as_str()),
        ("admin@shop.test", r#"{"redacted":true}"#),
        "the fact stays"
    );
    assert!(lines.iter().any(|l| l.action == "erase" && l.detail.contains("requested")), "the erasure is kept whole");

    // Meta redelivers the erased message and a status of it: nothing comes back.
    let again = inbound("15550001111", "wamid.1", "my address is …", w.clock.now());
    assert_eq!(w.store.record_inbound(&again).await.unwrap(), Recorded::Duplicate);
    let status = StatusUpdate {
        wamid: "wamid.1".into(),
        phone_number_id: PHONE_NUMBER_ID.into(),
        status: DeliveryStatus::Read,
        at: w.clock.now(),
        recipient_id: None,
        errors: vec![],
        pricing: None,
        callback_data: None,
        raw: "{}".into(),
    };
    assert_eq!(w.store.apply_status(&status).await.unwrap(), StatusOutcome::Discarded);
    assert!(w.store.contact(&contact).await.unwrap().is_none());
    // A new message from the same person starts a fresh record.
    let fresh = w.customer_says("15550001111", "wamid.2", "hello again").await;
    assert_eq!(w.store.timeline(&fresh, &PageRequest::default()).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn merging_moves_tasks_and_a_late_send_result_follows_the_message() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let into = w.customer_says("15550001111", "wamid.1", "hi").await;
    let from = w.customer_says("15550002222", "wamid.2", "new phone").await;
    let tasks = w.tasks();
    let call = NewTask {
        title: "call".into(),
        due_at: w.clock.now().plus_hours(1),
        owner: None,
        contact_id: Some(from.clone()),
        deal_id: None,
        cancel_on_reply: false,
        template: None,
    };
    let task = tasks.create(&boss, call).await.unwrap();
    let send = w.send_message();
    let command = SendCommand {
        contact: from.clone(),
        content: OutboundContent::Text { text: "on its way".into() },
        reply_to: None,
        idempotency_key: None,
        actor: "boss@shop.test".into(),
    };
    send.send(command).await.unwrap();
    let queued: MessageRef = w.queue.enqueued().remove(0);
    // The sender had the message in hand when staff merged the contacts.
    data(&w).merge(&boss, &into, &from).await.unwrap();
    w.store.mark_sent(&queued, "wamid.OUT").await.unwrap();

    assert_eq!(w.store.task(&task.id).await.unwrap().unwrap().contact_id, Some(into.clone()));
    assert!(w.store.message(&queued).is_none(), "no stub at the old home");
    let moved = MessageRef::from_locator(into.clone(), queued.locator());
    assert_eq!(w.store.message(&moved).unwrap().status, Some(DeliveryStatus::Sent));
    assert_eq!(w.store.locate("wamid.OUT").await.unwrap(), Some(moved.clone()));
    // The status Meta sends with the old callback key finds the moved message.
    let read = StatusUpdate {
        wamid: "wamid.OUT".into(),
        phone_number_id: PHONE_NUMBER_ID.into(),
        status: DeliveryStatus::Read,
        at: w.clock.now(),
        recipient_id: None,
        errors: vec![],
        pricing: None,
        callback_data: Some(queued.callback_data()),
        raw: "{}".into(),
    };
    assert_eq!(w.store.apply_status(&read).await.unwrap(), StatusOutcome::Applied);
    assert_eq!(w.store.message(&moved).unwrap().status, Some(DeliveryStatus::Read));
}

#[tokio::test]
async fn an_export_is_a_job_for_supervisors_written_by_the_worker() {
    use crate::app::exports::{ExportError, Exports};
    use crate::domain::export::{ExportFormat, ExportKind, ExportStatus};
    use crate::ports::memory::{MemoryExportQueue, MemoryFiles};
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let a = w.teammate("a@shop.test", Role::Agent).await;
    w.customer_says("15550001111", "wamid.1", "hi").await;
    w.customer_says("15550002222", "wamid.2", "hello").await;
    let queue = std::sync::Arc::new(MemoryExportQueue::default());
    let files = MemoryFiles::default();
    let exports = Exports::new(
        w.store.clone(),
        queue.clone(),
        std::sync::Arc::new(files.clone()),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
    );
    assert!(matches!(exports.request(&a, ExportKind::Contacts, ExportFormat::Csv).await, Err(ExportError::Forbidden)));
    let job = exports.request(&boss, ExportKind::Conversations, ExportFormat::Csv).await.unwrap();
    assert_eq!(queue.enqueued(), vec![job.id.clone()]);
    assert!(w.store.audit_lines().iter().any(|l| l.actor == "boss@shop.test"));
    exports.run(&job.id).await.unwrap();
    let view = exports.status(&boss, &job.id).await.unwrap();
    assert_eq!(view.job.status, ExportStatus::Done);
    assert!(view.download_url.is_some());
    let csv = String::from_utf8(files.file(&job.object_key()).unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and both messages: {csv}");
}
