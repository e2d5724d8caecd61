//! Opening hours per business number: set by admins through the API,
//! validated and audited, and applied by the DynamoDB `OpeningHours`
//! adapter (the one the away-message rule reads) in the number's zone.

use parley::domain::{BusinessNumber, Millis};
use parley::ports::{OpenState, OpeningHours};
use parley_e2e::TestStack;
use serde_json::json;

fn at(rfc3339: &str) -> Millis {
    Millis::parse_rfc3339(rfc3339).unwrap()
}

#[tokio::test]
async fn hours_saved_per_number_decide_open_and_closed_in_their_zone() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let weekdays = json!([
        [{"open": "09:00", "close": "18:00"}], [{"open": "09:00", "close": "18:00"}],
        [{"open": "09:00", "close": "18:00"}], [{"open": "09:00", "close": "18:00"}],
        [{"open": "09:00", "close": "13:00"}, {"open": "14:00", "close": "18:00"}], [], []
    ]);
    let india = json!({"time_zone": "Asia/Kolkata", "weekly": weekdays,
        "holidays": [{"date": "2026-12-25", "name": "Christmas"}]});
    let london = json!({"time_zone": "Europe/London", "weekly": weekdays});
    for (body, problem) in [
        (json!({"time_zone": "Mars/Base", "weekly": weekdays}), "time zone"),
        (json!({"time_zone": "UTC", "weekly": [[]]}), "seven days"),
        (json!({"time_zone": "UTC", "weekly": [[{"open": "9am", "close": "18:00"}], [], [], [], [], [], []]}), "HH:MM"),
    ] {
        let (status, answer) = t.request(&admin, "PUT", "/api/business/hours/1001", Some(&body)).await;
        assert_eq!(status, 422, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(problem), "{answer}");
    }
    assert_eq!(t.request(&admin, "PUT", "/api/business/hours/not-a-number", Some(&india)).await.0, 422);
    assert_eq!(t.request(&agent, "PUT", "/api/business/hours/1001", Some(&india)).await.0, 403);
    let (status, saved) = t.request(&admin, "PUT", "/api/business/hours/1001", Some(&india)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(t.request(&admin, "PUT", "/api/business/hours/2002", Some(&london)).await.0, 200);

    let (status, list) = t.get(&agent, "/api/business/hours").await;
    assert_eq!(status, 200, "{list}");
    let numbers: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["1001", "2002"]);
    assert_eq!(list["items"][0]["hours"]["holidays"][0]["name"], "Christmas");
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={}", &parley_e2e::today())).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "business_hours"), "{audit}");

    let hours = &t.stack.store;
    let (india_number, london_number) = (BusinessNumber("1001".into()), BusinessNumber("2002".into()));
    // 23:00 IST on Tuesday 1 December: closed since 18:00 IST, opens 09:00 IST.
    assert_eq!(
        hours.state_at(&india_number, at("2026-12-01T17:30:00Z")).await.unwrap(),
        OpenState::Closed { since: at("2026-12-01T12:30:00Z"), reopens: Some(at("2026-12-02T03:30:00Z")) }
    );
    // 17:30Z is 17:30 in a London winter: still open there.
    assert_eq!(hours.state_at(&london_number, at("2026-12-01T17:30:00Z")).await.unwrap(), OpenState::Open);
    assert!(matches!(
        hours.state_at(&india_number, at("2026-12-25T06:30:00Z")).await.unwrap(),
        OpenState::Closed { .. }
    ));
    assert_eq!(
        hours.state_at(&BusinessNumber("3003".into()), at("2026-12-01T17:30:00Z")).await.unwrap(),
        OpenState::Open,
        "a number without hours is always open"
    );
}

#[tokio::test]
async fn every_number_customers_write_to_is_listed_and_hours_can_be_cleared_back_to_always_open() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let main = parley_simulator::webhook::BusinessPhone::default();
    let second = parley_simulator::webhook::BusinessPhone {
        phone_number_id: "200200200200".into(),
        display_phone_number: "15550000002".into(),
    };
    for (i, phone) in [&main, &second, &main].into_iter().enumerate() {
        let mut customer = parley_simulator::Customer::new(&format!("91980000000{i}"), "Asha");
        customer.phone = phone.clone();
        let webhook = customer.webhook(vec![customer.text(&format!("wamid.KN{i}"), 1_700_000_000 + i as i64, "hi")]);
        assert_eq!(t.post_json_webhook(&webhook).await.status(), 200);
    }
    let always_closed = json!({"time_zone": "Asia/Kolkata", "weekly": [[], [], [], [], [], [], []]});
    let path = format!("/api/business/hours/{}", main.phone_number_id);
    assert_eq!(t.request(&admin, "PUT", &path, Some(&always_closed)).await.0, 200);
    assert_eq!(t.request(&admin, "PUT", "/api/business/hours/1001", Some(&always_closed)).await.0, 200);

    let listed = |list: &serde_json::Value| -> Vec<(String, bool)> {
        let items = list["items"].as_array().unwrap().iter();
        items.map(|i| (i["number"].as_str().unwrap().to_owned(), !i["hours"].is_null())).collect()
    };
    let (status, list) = t.get(&agent, "/api/business/hours").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        listed(&list),
        [("1001".to_owned(), true), (main.phone_number_id.clone(), true), (second.phone_number_id.clone(), false)],
        "numbers with hours and every number customers wrote to, without a profile"
    );
    let number = BusinessNumber(main.phone_number_id.clone());
    let now = Millis(1_700_000_000_000);
    assert!(matches!(t.stack.store.state_at(&number, now).await.unwrap(), OpenState::Closed { .. }));

    assert_eq!(t.request(&agent, "DELETE", &path, None).await.0, 403);
    assert_eq!(t.request(&admin, "DELETE", "/api/business/hours/not-a-number", None).await.0, 422);
    let (status, cleared) = t.request(&admin, "DELETE", &path, None).await;
    assert_eq!(status, 200, "{cleared}");
    assert_eq!(cleared, json!({"number": main.phone_number_id, "hours": null}));
    assert_eq!(t.stack.store.state_at(&number, now).await.unwrap(), OpenState::Open, "no hours: always open");
    assert_eq!(t.request(&admin, "DELETE", &path, None).await.0, 200, "clearing again changes nothing");
    let (_, list) = t.get(&agent, "/api/business/hours").await;
    assert_eq!(
        listed(&list),
        [("1001".to_owned(), true), (main.phone_number_id.clone(), false), (second.phone_number_id.clone(), false)]
    );
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={}", &parley_e2e::today())).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "business_hours_cleared"), "{audit}");
}
