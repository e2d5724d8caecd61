use super::fixture::World;
use crate::app::deliver::{Deliver, JobOutcome, RetryPolicy};
use crate::app::send_message::SendCommand;
use crate::domain::outbound::OutboundContent;
use crate::domain::{DeliveryError, DeliveryStatus, MessageRef};
use crate::whatsapp::send::{ErrorClass, SendFailure, SendOutcome};

const POLICY: RetryPolicy = RetryPolicy { max_attempts: 2, base_seconds: 5, max_seconds: 60 };

async fn queued(w: &World) -> MessageRef {
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let send = w.send_message();
    send.send(SendCommand {
        contact,
        content: OutboundContent::Text { text: "hi".into() },
        reply_to: None,
        idempotency_key: None,
        actor: "agent@shop.test".into(),
    })
    .await
    .unwrap();
    w.queue.enqueued().remove(0)
}

fn failure(class: ErrorClass, code: i64) -> SendOutcome {
    SendOutcome::Failed(SendFailure { class, error: DeliveryError { code, title: "nope".into(), details: None } })
}

fn deliver(w: &World) -> Deliver {
    Deliver::new(w.store.clone(), w.whatsapp.clone(), POLICY)
}

#[tokio::test]
async fn an_accepted_send_is_sent_once_even_when_the_job_comes_twice() {
    let w = World::new();
    let message = queued(&w).await;
    w.whatsapp.then(SendOutcome::Accepted { wamid: "wamid.OUT".into() });
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::Done);
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::Done);
    assert_eq!(w.whatsapp.requests().len(), 1, "only the claim's winner calls Meta");
    assert_eq!(w.whatsapp.requests()[0].callback_data, message.callback_data());
    assert_eq!(w.store.message(&message).unwrap().status, Some(DeliveryStatus::Sent));
}

#[tokio::test]
async fn a_retryable_failure_backs_off_then_gives_up_after_the_last_attempt() {
    let w = World::new();
    let message = queued(&w).await;
    w.whatsapp.then(failure(ErrorClass::Retryable, 131000)).then(failure(ErrorClass::Retryable, 131000));
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::RetryAfter(5));
    assert_eq!(w.store.message(&message).unwrap().status, Some(DeliveryStatus::Queued), "released for the retry");
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::Done);
    let stored = w.store.message(&message).unwrap();
    assert_eq!(stored.status, Some(DeliveryStatus::Failed));
    assert!(stored.errors.unwrap().contains("gave up after 2 attempts"));
}

#[tokio::test]
async fn a_permanent_failure_fails_at_once_and_an_unknown_outcome_is_flagged() {
    let w = World::new();
    let message = queued(&w).await;
    w.whatsapp.then(failure(ErrorClass::Permanent, 131026));
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::Done);
    let stored = w.store.message(&message).unwrap();
    assert_eq!(stored.status, Some(DeliveryStatus::Failed));
    assert!(stored.errors.unwrap().contains("131026"));

    let w = World::new();
    let message = queued(&w).await;
    w.whatsapp.then(SendOutcome::Unknown);
    assert_eq!(deliver(&w).deliver(&message).await.unwrap(), JobOutcome::Done);
    let stored = w.store.message(&message).unwrap();
    assert_eq!(stored.status, Some(DeliveryStatus::Sending), "Meta may have it: not failed");
    assert!(stored.outcome_unknown);
}
