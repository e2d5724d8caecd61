use super::fixture::{session, World};
use crate::app::campaign_tracking::CampaignTracking;
use crate::app::campaigns::{CampaignDraft, CampaignError, CampaignPace, CampaignPorts, Campaigns, ConfirmedEstimate};
use crate::app::reactions::Reaction;
use crate::domain::campaign::{
    Audience, Campaign, CampaignStatus, Exclusion, ParamSource, RecipientState, REPLY_WINDOW_MS,
};
use crate::domain::template::{Category, Template};
use crate::domain::{ContactId, ContactPatch, DeliveryStatus, Event, EventKind, Millis, Pricing, Role, Session};
use crate::ports::memory::MemoryCampaignQueue;
use crate::ports::{CampaignStore, ConsentStore, ContactRecordStore, ConversationStore, TemplateCatalog};
use std::collections::HashSet;
use std::sync::Arc;

fn campaigns(w: &World, queue: &Arc<MemoryCampaignQueue>) -> Campaigns {
    let ports = CampaignPorts::over_store(w.store.clone(), queue.clone(), w.clock.clone());
    Campaigns::new(ports, Arc::new(w.send_message()), CampaignPace { sends_per_second: 40 })
}

fn manager() -> Session {
    session("manager@shop.test", Role::Manager)
}

fn offer() -> CampaignDraft {
    CampaignDraft {
        template: "diwali_offer".into(),
        language: "en_US".into(),
        params: vec![ParamSource::Field { field: "first_name".into(), fallback: Some("friend".into()) }],
        inputs: Default::default(),
        audience: Audience { tag: Some("diwali".into()), ..Audience::default() },
    }
}

/// `n` customers tagged `diwali` who wrote in; every tenth opted out.
async fn shop(w: &World, n: usize) -> Vec<ContactId> {
    let template =
        Template::body_only("diwali_offer", "en_US", Category::Marketing, "APPROVED", "{{1}}, 20% off this week");
    w.store.put_templates(&[template]).await.unwrap();
    let mut contacts = Vec::new();
    for i in 0..n {
        let contact = w.customer_says(&format!("9198{i:08}"), &format!("wamid.in{i}"), "hi").await;
        let patch = ContactPatch { tags: Some(vec!["diwali".into()]), ..ContactPatch::default() };
        w.store.patch_contact(&contact, &patch).await.unwrap();
        if i % 10 == 9 {
            let audit = crate::domain::AuditEntry {
                at: w.clock_now(),
                actor: "t".into(),
                action: "opt_out".into(),
                contact: Some(contact.clone()),
                detail: "{}".into(),
            };
            w.store.set_opt_out(&contact, true, &audit).await.unwrap();
        }
        contacts.push(contact);
    }
    contacts
}

async fn whole_preview(c: &Campaigns) -> (u64, u64, u64) {
    let (mut sendable, mut opted_out, mut cost) = (0, 0, 0);
    let mut cursor: Option<String> = None;
    loop {
        let page = c.preview(&manager(), &offer(), cursor.as_deref()).await.unwrap();
        sendable += page.sendable;
        opted_out += page.excluded.get(&Exclusion::OptedOut).copied().unwrap_or(0);
        cost += page.markets.iter().map(|m| m.amount_minor).sum::<u64>();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (sendable, opted_out, cost),
        }
    }
}

async fn create(c: &Campaigns, send_at: Option<Millis>) -> Campaign {
    let estimate = ConfirmedEstimate { recipients: 0, amount_minor: 0, currency: "INR".into() };
    c.create(&manager(), "Diwali offer", offer(), send_at, estimate).await.unwrap()
}

/// Runs the worker until the campaign asks for no further step.
async fn run_out(c: &Campaigns, queue: &MemoryCampaignQueue, id: &str) {
    for _ in 0..100 {
        let asked = queue.take();
        if asked.is_empty() {
            return;
        }
        for _ in asked {
            c.run(id).await.unwrap();
        }
    }
    panic!("the campaign never stopped asking for steps");
}

#[tokio::test]
async fn the_live_count_adds_up_over_pages_and_prices_only_those_that_get_it() {
    let w = World::new();
    shop(&w, 230).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let (sendable, opted_out, cost) = whole_preview(&c).await;
    assert_eq!((sendable, opted_out), (207, 23));
    let per_message = crate::domain::pricing::RateCards::default()
        .estimate(Some("919800000000"), Category::Marketing, true)
        .amount_minor;
    assert_eq!(cost, 207 * per_message, "marketing is billed inside the window too");
    let agent = session("agent@shop.test", Role::Agent);
    assert!(matches!(c.preview(&agent, &offer(), None).await, Err(CampaignError::Forbidden)));
    let too_many = CampaignDraft { params: vec![], ..offer() };
    assert!(matches!(c.preview(&manager(), &too_many, None).await, Err(CampaignError::Invalid(_))));
}

#[tokio::test]
async fn each_recipient_gets_the_campaign_once_through_redelivered_and_crashed_steps() {
    let w = World::new();
    let contacts = shop(&w, 250).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let campaign = create(&c, None).await;
    // Every step is delivered twice, and one step's record is lost after
    // its sends (a crash): it is redone.
    w.store.fail_campaign_steps(1);
    for _ in 0..100 {
        let asked = queue.take();
        if asked.is_empty() {
            break;
        }
        for _ in asked {
            // SQS redelivers a step that failed until it goes through.
            while c.run(&campaign.id).await.is_err() {}
            c.run(&campaign.id).await.unwrap();
        }
    }
    let sends = w.queue.enqueued();
    let recipients: HashSet<&ContactId> = sends.iter().map(|m| &m.contact).collect();
    assert_eq!(sends.len(), 225, "250 tagged, 25 opted out");
    assert_eq!(recipients.len(), sends.len(), "nobody twice");
    let (stored, totals) = c.get(&manager(), &campaign.id).await.unwrap();
    assert_eq!(stored.status, CampaignStatus::Finished);
    assert_eq!((totals.recipients, totals.queued), (250, 225));
    assert_eq!(totals.excluded.get("opted_out"), Some(&25));
    let opted_out: Vec<&ContactId> = contacts.iter().skip(9).step_by(10).collect();
    assert!(opted_out.iter().all(|c| !recipients.contains(c)), "no opted-out contact was sent anything");
}

#[tokio::test]
async fn pause_holds_the_campaign_after_its_step_and_resume_goes_on_where_it_stopped() {
    let w = World::new();
    shop(&w, 250).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let campaign = create(&c, None).await;
    queue.take();
    c.run(&campaign.id).await.unwrap();
    let after_one = w.queue.enqueued().len();
    assert!(after_one > 0 && after_one < 225);
    let paused = c.change(&manager(), &campaign.id, CampaignStatus::Paused).await.unwrap();
    assert_eq!(paused.status, CampaignStatus::Paused);
    for _ in queue.take() {
        c.run(&campaign.id).await.unwrap();
    }
    assert_eq!(w.queue.enqueued().len(), after_one, "nothing goes out while paused");
    assert!(matches!(
        c.change(&manager(), &campaign.id, CampaignStatus::Paused).await,
        Err(CampaignError::Conflict { status: CampaignStatus::Paused, .. })
    ));
    c.change(&manager(), &campaign.id, CampaignStatus::Sending).await.unwrap();
    run_out(&c, &queue, &campaign.id).await;
    assert_eq!(w.queue.enqueued().len(), 225);
    let finished = c.get(&manager(), &campaign.id).await.unwrap().0;
    assert!(matches!(
        c.change(&manager(), &finished.id, CampaignStatus::Cancelled).await,
        Err(CampaignError::Conflict { status: CampaignStatus::Finished, .. })
    ));
    let audit = w.store.audit_lines();
    assert!(
        audit.iter().any(|a| a.action == "campaign_paused") && audit.iter().any(|a| a.action == "campaign_resumed")
    );
}

#[tokio::test]
async fn a_scheduled_campaign_waits_for_its_time_and_a_cancelled_one_sends_nothing() {
    let w = World::new();
    shop(&w, 20).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let later = create(&c, Some(Millis(w.clock_now().0 + 3_600_000))).await;
    assert_eq!(later.status, CampaignStatus::Scheduled);
    let asked = queue.take();
    assert_eq!(asked, vec![(later.id.clone(), 900)], "the longest delay SQS takes, then again");
    c.run(&later.id).await.unwrap();
    assert!(w.queue.enqueued().is_empty());
    assert_eq!(queue.take(), vec![(later.id.clone(), 900)]);
    w.clock.set(Millis(w.clock_now().0 + 3_600_000));
    c.run(&later.id).await.unwrap();
    assert_eq!(w.queue.enqueued().len(), 18, "sent once its time came");

    let cancelled = create(&c, Some(Millis(w.clock_now().0 + 60_000))).await;
    c.change(&manager(), &cancelled.id, CampaignStatus::Cancelled).await.unwrap();
    w.clock.set(Millis(w.clock_now().0 + 120_000));
    c.run(&cancelled.id).await.unwrap();
    assert_eq!(w.queue.enqueued().len(), 18, "a cancelled campaign sends nothing");
    assert_eq!(c.get(&manager(), &cancelled.id).await.unwrap().1.recipients, 0);
}

fn status_event(message_id: &str, contact: &ContactId, status: DeliveryStatus, code: Option<i64>) -> Event {
    let data = serde_json::json!({"message_id": message_id, "status": status.as_str(), "error_codes": code.into_iter().collect::<Vec<_>>()});
    Event::new(EventKind::MessageStatusChanged, format!("s:{message_id}:{}", status.as_str()), Millis(0), data)
        .about(contact)
}

#[tokio::test]
async fn statuses_move_recipients_forward_and_replies_within_72_hours_count_once() {
    let w = World::new();
    let contacts = shop(&w, 4).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let campaign = create(&c, None).await;
    run_out(&c, &queue, &campaign.id).await;
    let tracking = CampaignTracking::new(w.store.clone(), w.store.clone());
    let (asha, ravi) = (&contacts[0], &contacts[1]);
    let asha_message = campaign.message_id(asha.as_str());
    // Out of order and repeated: read, then a late sent, then read again.
    for status in [DeliveryStatus::Read, DeliveryStatus::Sent, DeliveryStatus::Read] {
        tracking.react(&status_event(&asha_message, asha, status, None)).await.unwrap();
    }
    let ravi_message = campaign.message_id(ravi.as_str());
    tracking.react(&status_event(&ravi_message, ravi, DeliveryStatus::Failed, Some(131049))).await.unwrap();
    // A message that is not a campaign's changes nothing.
    tracking.react(&status_event("pm.0123", asha, DeliveryStatus::Failed, Some(1))).await.unwrap();

    let reply = |contact: &ContactId, after_ms: i64, wamid: &str| {
        Event::new(
            EventKind::MessageReceived,
            format!("r:{wamid}"),
            Millis(w.clock_now().0 + after_ms),
            serde_json::json!({"wamid": wamid}),
        )
        .about(contact)
    };
    tracking.react(&reply(asha, 3_600_000, "wamid.r1")).await.unwrap();
    tracking.react(&reply(asha, 7_200_000, "wamid.r2")).await.unwrap();
    tracking.react(&reply(&contacts[2], REPLY_WINDOW_MS + 60_000, "wamid.late")).await.unwrap();
    // A STOP (the keyword reaction has opted the contact out by now) is an
    // opt-out after the campaign, not a reply to it.
    let stop_audit = crate::domain::AuditEntry {
        at: w.clock_now(),
        actor: "keyword".into(),
        action: "opt_out".into(),
        contact: Some(contacts[3].clone()),
        detail: "{}".into(),
    };
    w.store.set_opt_out(&contacts[3], true, &stop_audit).await.unwrap();
    let mut stop = reply(&contacts[3], 60_000, "wamid.stop");
    stop.data["keyword_candidate"] = serde_json::json!(true);
    tracking.react(&stop).await.unwrap();

    let totals = c.get(&manager(), &campaign.id).await.unwrap().1;
    assert_eq!((totals.read, totals.delivered, totals.sent, totals.failed, totals.queued), (1, 1, 1, 1, 2));
    assert_eq!(totals.opted_out_after, 1);
    assert_eq!(totals.failed_by_code.get("131049"), Some(&1));
    assert_eq!(totals.replied, 1, "one reply within 72 hours, counted once");
    let page = w.store.recipients(&campaign.id, &Default::default()).await.unwrap();
    let asha_record = page.items.iter().find(|r| &r.contact == asha).unwrap();
    assert_eq!(asha_record.state, RecipientState::Read);
    assert_eq!(asha_record.replied_at, Some(Millis(w.clock_now().0 + 3_600_000)));
    let timeline = w.store.timeline(asha, &Default::default()).await.unwrap().items;
    let marked: Vec<_> = timeline.iter().filter(|m| m.campaign.as_deref() == Some(campaign.id.as_str())).collect();
    assert_eq!(marked.len(), 1, "the campaign's message is marked with it: {timeline:?}");
}

/// Meta under faults, for the sender: a tenth of calls answered 500, a
/// tenth accepted but answered too late (the outcome unknown), some
/// throttled (130429) or pair-rate limited (131056). Deterministic.
#[derive(Default)]
struct FaultyMeta {
    roll: std::sync::Mutex<u64>,
    accepted: std::sync::Mutex<Vec<crate::whatsapp::send::SendRequest>>,
}

#[async_trait::async_trait]
impl crate::ports::WhatsAppClient for FaultyMeta {
    async fn send(&self, request: &crate::whatsapp::send::SendRequest) -> crate::whatsapp::send::SendOutcome {
        use crate::whatsapp::send::{ErrorClass, SendFailure, SendOutcome};
        let roll = {
            let mut state = self.roll.lock().unwrap();
            *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (*state >> 33) % 100
        };
        let refused = |code: i64| {
            let error = crate::domain::DeliveryError { code, title: "simulated".into(), details: None };
            SendOutcome::Failed(SendFailure { class: ErrorClass::Retryable, error })
        };
        match roll {
            0..=9 => return refused(1),
            10..=11 => return refused(130_429),
            12 => return refused(131_056),
            _ => {}
        }
        let mut accepted = self.accepted.lock().unwrap();
        accepted.push(request.clone());
        let wamid = format!("wamid.c{}", accepted.len());
        if roll < 23 {
            SendOutcome::Unknown
        } else {
            SendOutcome::Accepted { wamid }
        }
    }

    async fn templates(&self, _waba_id: Option<&str>) -> Result<Vec<Template>, crate::ports::CatalogError> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn a_campaign_of_2000_under_faults_reaches_each_recipient_once_in_one_final_state() {
    use crate::app::deliver::{Deliver, JobOutcome, RetryPolicy};
    use crate::domain::{DeliveryError, StatusUpdate};
    use crate::ports::StatusStore;
    let w = World::new();
    let contacts = shop(&w, 2_000).await;
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let campaign = create(&c, None).await;
    let meta = Arc::new(FaultyMeta::default());
    let policy = RetryPolicy { max_attempts: 50, base_seconds: 1, max_seconds: 1 };
    let deliver = Deliver::new(w.store.clone(), meta.clone(), policy);
    // The worker's steps, each delivered twice; the sender's jobs, every
    // seventh delivered twice, retried ones again until they settle.
    let mut handed = 0;
    for _ in 0..1_000 {
        let steps = queue.take();
        for _ in &steps {
            c.run(&campaign.id).await.unwrap();
            c.run(&campaign.id).await.unwrap();
        }
        let mut jobs: Vec<_> = w.queue.enqueued()[handed..].to_vec();
        handed += jobs.len();
        if steps.is_empty() && jobs.is_empty() {
            break;
        }
        let mut round = 0;
        while !jobs.is_empty() {
            round += 1;
            let mut again = Vec::new();
            for (i, job) in jobs.iter().enumerate() {
                let times = if (i + round) % 7 == 0 { 2 } else { 1 };
                for _ in 0..times {
                    if let JobOutcome::RetryAfter(_) = deliver.deliver(job).await.unwrap() {
                        again.push(job.clone());
                    }
                }
            }
            jobs = again;
        }
    }
    let accepted = meta.accepted.lock().unwrap().clone();
    let callbacks: HashSet<&str> = accepted.iter().map(|r| r.callback_data.as_str()).collect();
    assert_eq!(callbacks.len(), accepted.len(), "Meta took a recipient's message twice");
    assert_eq!(accepted.len(), 1_800, "2,000 tagged, 200 opted out");

    // Meta's statuses, every one twice and out of order; recipients ending
    // in 13 are undeliverable (131026), in 41 held back by Meta's
    // per-user marketing limit (131049).
    let mut updates = Vec::new();
    for (i, request) in accepted.iter().enumerate() {
        let wamid = format!("wamid.c{}", i + 1);
        let failure = [("13", 131_026), ("41", 131_049)].into_iter().find(|(s, _)| request.to.ends_with(s));
        let statuses: &[DeliveryStatus] = match failure {
            Some(_) => &[DeliveryStatus::Failed],
            None => &[DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read],
        };
        for (n, status) in statuses.iter().enumerate() {
            let update = StatusUpdate {
                wamid: wamid.clone(),
                status: *status,
                at: Millis(w.clock_now().0 + n as i64 * 1_000),
                phone_number_id: "pn".into(),
                recipient_id: Some(request.to.clone()),
                // Meta prices a template on its sent and delivered statuses.
                pricing: matches!(status, DeliveryStatus::Sent | DeliveryStatus::Delivered).then(|| Pricing {
                    billable: true,
                    category: Some("marketing".into()),
                    pricing_model: Some("PMP".into()),
                    pricing_type: Some("regular".into()),
                }),
                errors: failure
                    .map(|(_, code)| DeliveryError { code, title: "failed".into(), details: None })
                    .into_iter()
                    .collect(),
                callback_data: Some(request.callback_data.clone()),
                raw: "{}".into(),
            };
            updates.push(update.clone());
            updates.push(update);
        }
    }
    updates.reverse();
    updates.rotate_left(1_234);
    let tracking = CampaignTracking::new(w.store.clone(), w.store.clone());
    for update in &updates {
        let reference =
            crate::domain::MessageRef::from_callback_data(update.callback_data.as_deref().unwrap()).unwrap();
        let message_id = reference.locator().rsplit('#').next().unwrap().to_owned();
        if w.store.apply_status(update).await.unwrap() == crate::ports::StatusOutcome::Applied {
            let event = crate::domain::change_event::message_status_changed(update, &reference.contact, &message_id);
            tracking.react(&event).await.unwrap();
        }
        // The store writes the priced event once per wamid; its redelivery
        // (every event is at least once) must change nothing.
        if let Some(pricing) = &update.pricing {
            let event = crate::domain::change_event::message_priced(update, pricing, &reference);
            tracking.react(&event).await.unwrap();
        }
    }

    let (_, totals) = c.get(&manager(), &campaign.id).await.unwrap();
    let ending = |suffix: &str| accepted.iter().filter(|r| r.to.ends_with(suffix)).count() as u64;
    assert_eq!((totals.recipients, totals.queued), (2_000, 0), "{totals:?}");
    assert_eq!(totals.failed_by_code.get("131026"), Some(&ending("13")));
    assert_eq!(totals.failed_by_code.get("131049"), Some(&ending("41")));
    assert_eq!(totals.read + totals.failed, 1_800, "each recipient sent to ends read or failed");
    assert_eq!(totals.excluded.get("opted_out"), Some(&200));
    let price = crate::domain::pricing::RateCards::default().estimate(Some("919800000000"), Category::Marketing, true);
    assert_eq!((totals.billed, totals.free), (totals.sent, 0), "Meta priced each message it sent, once");
    assert_eq!(totals.billed_cost_minor, totals.billed * price.amount_minor, "each at its rate card price");
    let opted_out: HashSet<String> = contacts.iter().skip(9).step_by(10).map(|c| c.to_string()).collect();
    assert!(accepted.iter().all(|r| !opted_out.iter().any(|c| r.callback_data.starts_with(c.as_str()))));
    let mut recounted = crate::domain::campaign::CampaignTotals::default();
    let mut cursor = None;
    loop {
        let page =
            w.store.recipients(&campaign.id, &crate::ports::PageRequest { cursor, limit: Some(200) }).await.unwrap();
        page.items.iter().for_each(|r| recounted.add(r));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(recounted, totals, "the totals are the recipients' own states");
}

#[tokio::test]
async fn a_template_with_a_video_header_and_a_coupon_code_goes_to_each_recipient_with_both() {
    use crate::app::deliver::{Deliver, RetryPolicy};
    use crate::domain::template_component::{TemplateButton, TemplateHeader};
    use crate::domain::template_inputs::{ButtonInput, HeaderInput, MediaSource, StoredFile, TemplateInputs};
    let w = World::new();
    shop(&w, 3).await;
    let mut coupon = Template::body_only(
        "festive_coupon",
        "en_US",
        Category::Marketing,
        "APPROVED",
        "{{1}}, a festive code for you.",
    );
    coupon.header = Some(TemplateHeader::Video);
    coupon.buttons = vec![TemplateButton::CopyCode { example: Some("DIWALI10".into()) }];
    w.store.put_templates(&[coupon]).await.unwrap();
    let queue = Arc::new(MemoryCampaignQueue::default());
    let c = campaigns(&w, &queue);
    let estimate = || ConfirmedEstimate { recipients: 0, amount_minor: 0, currency: "INR".into() };
    let draft = |inputs: TemplateInputs| CampaignDraft { template: "festive_coupon".into(), inputs, ..offer() };
    let video = |video: MediaSource| Some(HeaderInput::Video { video });
    let code = vec![ButtonInput::CopyCode { index: 0, coupon_code: "DIWALI10".into() }];

    let bare = c.create(&manager(), "Coupons", draft(TemplateInputs::default()), None, estimate()).await;
    assert!(matches!(&bare, Err(CampaignError::Invalid(why)) if why.contains("VIDEO")), "{bare:?}");
    let no_code =
        TemplateInputs { header: video(MediaSource::Link("https://shop.test/d.mp4".into())), ..Default::default() };
    let refused = c.create(&manager(), "Coupons", draft(no_code), None, estimate()).await;
    assert!(matches!(&refused, Err(CampaignError::Invalid(why)) if why.contains("button 0")), "{refused:?}");
    let one_contacts_file = StoredFile { key: "c/x.mp4".into(), mime_type: "video/mp4".into() };
    let stored = TemplateInputs {
        header: video(MediaSource::Stored(one_contacts_file)),
        buttons: code.clone(),
        ..Default::default()
    };
    let refused = c.create(&manager(), "Coupons", draft(stored), None, estimate()).await;
    assert!(matches!(&refused, Err(CampaignError::Invalid(why)) if why.contains("https link")), "{refused:?}");

    let inputs = TemplateInputs {
        header: video(MediaSource::Link("https://shop.test/d.mp4".into())),
        buttons: code,
        ..Default::default()
    };
    let campaign = c.create(&manager(), "Coupons", draft(inputs), None, estimate()).await.unwrap();
    run_out(&c, &queue, &campaign.id).await;
    let deliver = Deliver::new(
        w.store.clone(),
        w.whatsapp.clone(),
        RetryPolicy { max_attempts: 3, base_seconds: 1, max_seconds: 1 },
    );
    for job in w.queue.enqueued() {
        deliver.deliver(&job).await.unwrap();
    }
    let sent = w.whatsapp.requests();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        let components = request.body()["template"]["components"].clone();
        let header = components.as_array().unwrap().iter().find(|c| c["type"] == "header").unwrap();
        assert_eq!(header["parameters"][0]["video"]["link"], "https://shop.test/d.mp4", "{components}");
        let button = components.as_array().unwrap().iter().find(|c| c["type"] == "button").unwrap();
        assert_eq!(button["parameters"][0]["coupon_code"], "DIWALI10", "{components}");
        assert_eq!(button["sub_type"], "copy_code");
    }
}
