use super::fixture::{inbound, session, World};
use crate::app::reactions::Reaction;
use crate::app::source_counting::SourceCounting;
use crate::app::source_report::{SourceReport, SourceReportLines};
use crate::domain::change_event::{contact_created, contact_wrote_first, message_received};
use crate::domain::source_figures::SourceTotals;
use crate::domain::{ContactId, Event, EventKind, Millis, Role};
use crate::ports::{ContactEnrolment, ConversationStore, Enrolled, InboundStore, NewContact, Recorded};
use serde_json::json;

const AD: &str = r#"{"source_url":"https://fb.me/120200","source_id":"120200","source_type":"ad","headline":"Diwali sale","ctwa_clid":"ARAk1"}"#;

fn counting(w: &World) -> SourceCounting {
    SourceCounting::new(w.store.clone(), w.store.clone(), w.store.clone())
}

/// Each event handed over twice, as a redelivered batch would.
async fn react_twice(reaction: &SourceCounting, events: &[Event]) {
    for _ in 0..2 {
        for event in events {
            reaction.react(event).await.unwrap();
        }
    }
}

async fn lines(w: &World) -> SourceReportLines {
    let report = SourceReport::new(w.store.clone(), w.store.clone());
    report.lines(&session("boss@shop.test", Role::Manager), "2023-01-01", "2023-12-31").await.unwrap()
}

fn totals(leads: i64, conversations: i64, won: i64, won_minor: i64) -> SourceTotals {
    SourceTotals { leads, conversations, won, won_minor }
}

fn won(contact: &ContactId, deal: &str, at: Millis, won: bool, value_minor: i64) -> Event {
    let data = json!({"deal": deal, "won": won, "was_won": !won, "value_minor": value_minor, "currency": "INR"});
    Event::new(EventKind::DealStageChanged, format!("deal.stage_changed:{deal}:{}", at.0), at, data).about(contact)
}

#[tokio::test]
async fn an_ad_s_leads_conversations_and_wins_are_counted_once_for_the_ad_and_its_source() {
    let w = World::new();
    let reaction = counting(&w);
    let now = w.clock_now();

    // A customer taps the ad and writes: a lead and a conversation of the ad.
    let mut first = inbound("919800000001", "wamid.A1", "Saw your ad", now);
    first.referral = Some(AD.into());
    let Recorded::New(asha) = w.store.record_inbound(&first).await.unwrap() else { panic!("stored") };
    react_twice(&reaction, &[contact_wrote_first(&first, &asha), message_received(&first, &asha)]).await;
    // Her next messages start nothing, one sent in the same second too.
    let same_second = inbound("919800000001", "wamid.A1b", "Blue?", now);
    let next = inbound("919800000001", "wamid.A2", "What sizes?", Millis(now.0 + 60_000));
    for message in [&same_second, &next] {
        w.store.record_inbound(message).await.unwrap();
        react_twice(&reaction, &[message_received(message, &asha)]).await;
    }

    // A lead from the website form writes later, from the same ad: its
    // source keeps the first touch; the ad counts the chat it started.
    let new = NewContact {
        number: crate::domain::BusinessNumber(super::fixture::PHONE_NUMBER_ID.into()),
        wa_id: "919800000002".into(),
        name: Some("Ravi".into()),
        owner: None,
        at: now,
        source: "lead:website".into(),
    };
    let Enrolled::Created(ravi) = w.store.enrol_contact(&new).await.unwrap() else { panic!("new") };
    let created = contact_created(&ravi, &new.number.0, &new.source, now);
    let mut from_ad = inbound("919800000002", "wamid.R1", "hello", Millis(now.0 + 120_000));
    from_ad.referral = Some(AD.into());
    w.store.record_inbound(&from_ad).await.unwrap();
    react_twice(&reaction, &[created, message_received(&from_ad, &ravi)]).await;
    let ravi_record = w.store.contact(&ravi).await.unwrap().unwrap();
    assert_eq!(ravi_record.source.as_deref(), Some("lead:website"), "the first touch stays");
    assert_eq!(ravi_record.first_ad.map(|ad| ad.ad_id).as_deref(), Some("120200"));

    // Asha's deal is won, reopened and won again; Ravi's is won.
    let day = Millis(now.0 + 3_600_000);
    react_twice(
        &reaction,
        &[
            won(&asha, "d1", day, true, 450_000),
            won(&asha, "d1", Millis(day.0 + 1), false, 450_000),
            won(&asha, "d1", Millis(day.0 + 2), true, 450_000),
            won(&ravi, "d2", day, true, 100_000),
        ],
    )
    .await;

    let report = lines(&w).await;
    let source = |name: &str| report.sources.iter().find(|s| s.source == name).map(|s| s.totals.clone());
    assert_eq!(source("ad"), Some(totals(1, 1, 1, 450_000)));
    assert_eq!(source("lead:website"), Some(totals(1, 1, 1, 100_000)));
    assert_eq!(report.ads.len(), 1);
    let ad = &report.ads[0];
    assert_eq!(ad.ad.headline.as_deref(), Some("Diwali sale"));
    assert_eq!(ad.ad.ctwa_clid, None, "the click id stays on the contact");
    assert_eq!(ad.totals, totals(1, 2, 2, 550_000), "both chats it started, both customers' wins");
    assert_eq!(report.sources[0].source, "ad", "most leads first, then by name");
}

#[tokio::test]
async fn agents_do_not_read_the_report_and_an_erased_contact_s_win_counts_as_unknown() {
    let w = World::new();
    let report = SourceReport::new(w.store.clone(), w.store.clone());
    assert!(report.lines(&session("a@shop.test", Role::Agent), "2023-01-01", "2023-12-31").await.is_err());
    let gone = ContactId::parse("0123456789abcdef01234567").unwrap();
    counting(&w).react(&won(&gone, "d9", w.clock_now(), true, 5_000)).await.unwrap();
    let lines = lines(&w).await;
    assert_eq!(lines.sources[0].source, "unknown");
    assert_eq!(lines.sources[0].totals, totals(0, 0, 1, 5_000));
}
