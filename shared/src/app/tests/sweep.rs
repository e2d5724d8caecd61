use super::fixture::{World, T0};
use crate::app::deliver::{Deliver, RetryPolicy};
use crate::app::send_message::SendCommand;
use crate::app::sweep::{Sweep, SweepPolicy, SweepReport};
use crate::domain::outbound::OutboundContent;
use crate::domain::Millis;
use crate::whatsapp::send::SendOutcome;

#[tokio::test]
async fn the_sweep_enqueues_what_was_never_sent_and_flags_what_hung_mid_send() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let send = w.send_message();
    let command = |text: &str| SendCommand {
        contact: contact.clone(),
        content: OutboundContent::Text { text: text.into() },
        reply_to: None,
        idempotency_key: None,
        actor: "agent@shop.test".into(),
    };
    w.queue.fail(true);
    send.send(command("lost before the queue")).await.unwrap();
    w.queue.fail(false);
    send.send(command("hangs in the sender")).await.unwrap();
    let hanging = w.queue.enqueued().remove(0);
    // The sender claims it and dies before recording the outcome.
    crate::ports::OutboxStore::claim(&*w.store, &hanging).await.unwrap().unwrap();
    let policy = SweepPolicy::default();
    let sweep = Sweep::new(w.store.clone(), w.store.clone(), w.queue.clone(), w.clock.clone(), policy);
    assert_eq!(sweep.run().await.unwrap(), SweepReport::default(), "nothing is stuck yet");
    w.clock.set(Millis(T0.0 + policy.queued_after_ms + 1));
    let report = sweep.run().await.unwrap();
    assert_eq!(report, SweepReport { requeued: 1, flagged: 1, folded: 0 });
    assert_eq!(w.queue.enqueued().len(), 2);
    // Overlapping sweeps (the safety net and a wake-up) do not pile copies
    // on the queue: the stuck clock restarted when it was re-enqueued.
    assert_eq!(sweep.run().await.unwrap().requeued, 0, "re-enqueued once per threshold");
    assert_eq!(w.queue.enqueued().len(), 2);
    assert!(w.store.message(&hanging).unwrap().outcome_unknown);
    // The re-enqueued message then goes out normally.
    let lost = w.queue.enqueued()[1].clone();
    let deliver = Deliver::new(w.store.clone(), w.whatsapp.clone(), RetryPolicy::default());
    w.whatsapp.then(SendOutcome::Accepted { wamid: "wamid.LOST".into() });
    deliver.deliver(&lost).await.unwrap();
    assert_eq!(sweep.run().await.unwrap(), SweepReport::default(), "nothing left to sweep");
}
