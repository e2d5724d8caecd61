//! The health page against the local stack: the newest customer message,
//! the queues beside their dead letters, the token as Meta (the simulator)
//! judges it, the data migrations, and a redrive that moves a dead message
//! back to its work queue.

use parley_e2e::TestStack;
use serde_json::{json, Value};

fn queue<'a>(health: &'a Value, name: &str) -> &'a Value {
    health["queues"].as_array().expect("queues read").iter().find(|q| q["queue"] == name).expect("queue listed")
}

#[tokio::test]
async fn admins_see_arrivals_queues_token_and_data_and_redrive_a_dead_letter() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;

    let (status, before) = t.get(&admin, "/api/admin/health").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["last_customer_message_at"], Value::Null, "no customer yet");
    assert_eq!(before["last_customer_message_known"], true);
    assert_eq!(before["access_token"], "valid", "{before}");
    assert_eq!(before["data_version"], 2);
    assert!(before["migrations_pending"].is_array(), "{before}");
    assert_eq!(before["code_version"], env!("CARGO_PKG_VERSION"));

    t.customer_says("919800000011", "Asha", "Is the blue one in stock?").await;
    let contact = t.contacts(&admin).await.into_iter().next().expect("the customer's contact");
    let contact = t.contact_once(&admin, contact["id"].as_str().unwrap(), |c| !c["last_inbound_at"].is_null()).await;
    let (_, after) = t.get(&admin, "/api/admin/health").await;
    assert_eq!(after["last_customer_message_at"], contact["last_inbound_at"], "{after}");

    // A job that failed its tries waits in the exports dead-letter queue.
    let sdk = parley::adapters::aws::load_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let dlq = t.queue_url(&sqs, "ExportDeadLetterQueue").await;
    sqs.send_message().queue_url(&dlq).message_body(json!({"export_id": "ex.gone"}).to_string()).send().await.unwrap();
    let (_, dead) = t.get(&admin, "/api/admin/health").await;
    let exports = queue(&dead, "exports");
    assert_eq!(exports["approximate_depth"], 1, "{dead}");
    assert_eq!(exports["first"][0]["refers_to"]["export_id"], "ex.gone");
    assert!(exports["work_waiting"].is_u64() && exports["work_in_flight"].is_u64());

    assert_eq!(t.post(&manager, "/api/admin/dlq/exports/redrive", &json!({}), None).await.0, 403);
    assert_eq!(t.get(&manager, "/api/admin/health").await.0, 403);
    let (status, unknown) = t.post(&admin, "/api/admin/dlq/nowhere/redrive", &json!({}), None).await;
    assert_eq!(status, 404, "{unknown}");

    let (status, redriven) = t.post(&admin, "/api/admin/dlq/exports/redrive", &json!({}), None).await;
    assert_eq!((status, &redriven["moved"]), (200, &json!(1)), "{redriven}");
    let (_, emptied) = t.get(&admin, "/api/admin/health").await;
    assert_eq!(queue(&emptied, "exports")["approximate_depth"], 0, "{emptied}");
    let (status, again) = t.post(&admin, "/api/admin/dlq/exports/redrive", &json!({}), None).await;
    assert_eq!((status, &again["moved"]), (200, &json!(0)), "nothing left to move");

    let (_, audit) = t.get(&admin, &format!("/api/audit?day={}", parley_e2e::today())).await;
    let lines: Vec<&Value> =
        audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "dead_letters_redriven").collect();
    assert_eq!(lines.len(), 2, "each redrive audited: {audit}");
    let mut moved: Vec<&Value> = lines.iter().map(|e| &e["detail"]["moved"]).collect();
    moved.sort_by_key(|m| m.as_u64());
    assert_eq!(moved, [&json!(0), &json!(1)], "{audit}");
    assert!(lines.iter().all(|e| e["detail"]["queue"] == "exports"));

    // Meta revokes the token: the page says so, with Meta's code.
    let faults = json!({"token_revoked": true});
    let r = t.http.put(format!("{}/sim/faults", t.simulator_url)).json(&faults).send().await.unwrap();
    assert!(r.status().is_success());
    let (_, revoked) = t.get(&admin, "/api/admin/health").await;
    assert_eq!((&revoked["access_token"], &revoked["access_token_code"]), (&json!("rejected"), &json!(190)));
    assert_eq!(queue(&revoked, "exports")["approximate_depth"], 0, "the other parts still read: {revoked}");
}

#[tokio::test]
async fn meta_rating_a_number_shows_on_the_health_page_and_an_older_word_never_wins() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let change = |field: &str, time: i64, value: Value| {
        json!({"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "time": time, "changes": [{"field": field, "value": value}]}]})
    };
    let flagged = change(
        "phone_number_quality_update",
        1_700_000_100,
        json!({"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_1K"}),
    );
    let earlier = change(
        "phone_number_quality_update",
        1_700_000_000,
        json!({"display_phone_number": "15550783881", "event": "UPGRADE", "current_limit": "TIER_10K"}),
    );
    let restricted = change(
        "account_update",
        1_700_000_200,
        json!({"phone_number": "15550783881", "event": "ACCOUNT_RESTRICTION",
            "restriction_info": [{"restriction_type": "RESTRICTED_ADD_PHONE_NUMBER_ACTION", "expiration": 1_700_600_000}]}),
    );
    for body in [&flagged, &flagged, &earlier, &restricted] {
        assert_eq!(t.post_json_webhook(body).await.status(), 200);
    }
    let (status, health) = t.get(&admin, "/api/admin/health").await;
    assert_eq!(status, 200, "{health}");
    let numbers = health["numbers"].as_array().unwrap();
    assert_eq!(numbers.len(), 1, "{health}");
    let number = &numbers[0];
    assert_eq!(
        (&number["quality_event"], &number["messaging_limit"], &number["account_event"], &number["account_detail"]),
        (
            &json!("FLAGGED"),
            &json!("TIER_1K"),
            &json!("ACCOUNT_RESTRICTION"),
            &json!("RESTRICTED_ADD_PHONE_NUMBER_ACTION")
        ),
        "the later quality word stands: {number}"
    );
    assert_eq!(number["needs_attention"], true);
}

#[tokio::test]
async fn metas_account_events_and_volume_tiers_reach_the_health_page_and_the_rate_card() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "tiers.agent@shop.test", "agent").await;
    // Meta's documented account_update examples: they name the account, not a number.
    let change = |time: i64, value: Value| {
        json!({"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "time": time, "changes": [{"field": "account_update", "value": value}]}]})
    };
    let tier = |time: i64, range: &str, month: &str| {
        change(
            time,
            json!({"volume_tier_info": {"tier_update_time": time, "pricing_category": "UTILITY", "tier": range,
                "effective_month": month, "region": "India"}, "event": "VOLUME_BASED_PRICING_TIER_UPDATE"}),
        )
    };
    let violation =
        change(1_743_451_903, json!({"event": "ACCOUNT_VIOLATION", "violation_info": {"violation_type": "ADULT"}}));
    let november = tier(1_743_451_903, "25000001:50000000", "2025-11");
    let older = tier(1_743_000_000, "1:25000000", "2025-10");
    let torn = change(1_743_451_999, json!({"event": "VOLUME_BASED_PRICING_TIER_UPDATE", "volume_tier_info": {}}));
    for body in [&violation, &november, &november, &older] {
        assert_eq!(t.post_json_webhook(body).await.status(), 200);
    }
    assert_eq!(t.post_json_webhook(&torn).await.status(), 200, "a torn change is acknowledged, not retried forever");

    let (status, health) = t.get(&admin, "/api/admin/health").await;
    assert_eq!(status, 200, "{health}");
    let account = &health["numbers"][0];
    assert_eq!(
        (&account["number"], &account["account_wide"], &account["account_event"], &account["account_detail"]),
        (&json!("102290129340398"), &json!(true), &json!("ACCOUNT_VIOLATION"), &json!("ADULT")),
        "{health}"
    );
    assert_eq!(account["needs_attention"], true);
    let tiers = health["volume_tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 1, "one word per account, category and region, the later month's: {health}");
    assert_eq!(
        (
            &tiers[0]["category"],
            &tiers[0]["market"],
            &tiers[0]["tier_from"],
            &tiers[0]["after"],
            &tiers[0]["effective_month"]
        ),
        (&json!("utility"), &json!("91"), &json!(25_000_001), &json!(25_000_000), &json!("2025-11")),
        "{health}"
    );

    // The admin's rate card offers the line; a teammate's card reads no more than before.
    let (_, card) = t.get(&admin, "/api/rate_card").await;
    assert_eq!(card["meta_volume_tiers"][0]["after"], 25_000_000, "{card}");
    let (status, theirs) = t.get(&agent, "/api/rate_card").await;
    assert_eq!((status, &theirs["meta_volume_tiers"]), (200, &json!([])), "{theirs}");
}
