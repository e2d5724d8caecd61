//! Reports on a seeded shop, cross-checked against the lists they summarise.

use parley_e2e::{TestStack, ADMIN_EMAIL, ADMIN_PASSWORD, APP_SECRET};
use parley_simulator::seed::{seed, SeedPlan};
use serde_json::{json, Value};

async fn all(t: &TestStack, cookie: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, page) = t.get(cookie, &format!("{path}{sep}cursor={cursor}")).await;
        assert_eq!(status, 200, "{path}: {page}");
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return items,
        }
    }
}

#[tokio::test]
async fn reports_on_a_seeded_shop_agree_with_the_lists() {
    let t = TestStack::start().await;
    let plan = SeedPlan {
        base_url: t.stack.url(),
        app_secret: APP_SECRET.into(),
        admin_email: ADMIN_EMAIL.into(),
        admin_password: ADMIN_PASSWORD.into(),
        agents: 3,
        contacts: 40,
        messages_per_contact: 4,
        seed: 11,
    };
    let seeded = seed(&plan).await.unwrap();
    assert_eq!(seeded.contacts, 40);
    assert!(seeded.inbound >= 40 && seeded.replies > 0 && seeded.deals > 0, "{seeded:?}");
    let admin = t.login().await;

    let (status, messages) = t.get(&admin, "/api/reports/messages?from=2000-01-01&to=2100-01-01").await;
    assert_eq!(status, 200, "{messages}");
    let sum = |key: &str| messages["items"].as_array().unwrap().iter().map(|d| d[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("inbound"), seeded.inbound as u64, "every stored message counted once");
    assert_eq!(sum("outbound"), seeded.replies as u64);

    let (_, workload) = t.get(&admin, "/api/reports/workload").await;
    let unassigned = all(&t, &admin, "/api/conversations?queue=unassigned").await;
    assert_eq!(workload["unassigned"], unassigned.len() as u64);
    let overdue = all(&t, &admin, "/api/conversations?queue=overdue").await;
    assert_eq!(workload["overdue"], overdue.len() as u64);
    let overdue_tasks = all(&t, &admin, "/api/tasks?scope=team&due=overdue").await;
    assert_eq!(workload["tasks_overdue"], overdue_tasks.len() as u64);
    let today = all(&t, &admin, "/api/tasks?scope=team&due=today").await;
    assert_eq!(workload["tasks_due_today"], today.len() as u64);

    let (_, funnel) = t.get(&admin, "/api/reports/funnel?pipeline=sales").await;
    let stages = funnel["stages"].as_array().unwrap();
    assert_eq!(stages.iter().map(|s| s["current"].as_u64().unwrap()).sum::<u64>(), seeded.deals as u64);
    assert_eq!(stages[0]["reached"], seeded.deals as u64, "every deal starts at enquiry");
    let (_, board) = t.get(&admin, "/api/pipelines/sales/board").await;
    let won_column = board["columns"].as_array().unwrap().iter().find(|c| c["stage"]["id"] == "won").unwrap();
    assert_eq!(funnel["won_value_minor"], won_column["value_minor"]);

    let (_, response) = t.get(&admin, "/api/reports/first_response?from=2000-01-01&to=2100-01-01").await;
    let answered: u64 = response["by_agent"].as_array().unwrap().iter().map(|a| a["answered"].as_u64().unwrap()).sum();
    let contacts = all(&t, &admin, "/api/contacts").await;
    let with_answer = contacts.iter().filter(|c| c["first_response_seconds"].is_i64()).count() as u64;
    assert_eq!(answered, with_answer);
    for row in response["by_agent"].as_array().unwrap() {
        assert!(row["median_seconds"].as_i64().unwrap() <= row["p90_seconds"].as_i64().unwrap(), "{row}");
    }

    let agent = t.login_as("agent1@shop.example", "agent password 1").await.unwrap();
    assert_eq!(t.get(&agent, "/api/reports/workload").await.0, 403);
}

#[tokio::test]
async fn first_response_figures_come_from_daily_aggregates_that_outlive_erasure() {
    use parley_simulator::Customer;
    let t = TestStack::start().await;
    let admin = t.login().await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    for (i, ago) in [(1, 120), (2, 600)] {
        let c = Customer::new(&format!("91980000000{i}"), &format!("Customer {i}"));
        assert_eq!(
            t.post_json_webhook(&c.webhook(vec![c.text(&format!("wamid.F{i}"), now - ago, "hi")])).await.status(),
            200
        );
    }
    let contacts = t.contacts(&admin).await;
    for contact in &contacts {
        let id = contact["id"].as_str().unwrap();
        for text in ["Hello!", "Anything else?"] {
            let (status, _) = t
                .post(&admin, &format!("/api/contacts/{id}/messages"), &json!({"type": "text", "text": text}), None)
                .await;
            assert_eq!(status, 202);
        }
    }
    // Days are the business's (the default profile's Asia/Kolkata).
    let kolkata = parley::domain::BusinessDay::in_zone("Asia/Kolkata").unwrap();
    let day = &kolkata.day_of(parley::domain::Millis((now - 600) * 1000));
    let path = format!("/api/reports/first_response?from={day}&to={day}");
    let before = t.stack.api_round_trips.get();
    let (_, me) = t.get(&admin, "/api/me").await;
    let session_cost = t.stack.api_round_trips.get() - before;
    assert_eq!(me["role"], "admin");
    let before = t.stack.api_round_trips.get();
    let (status, report) = t.get(&admin, &path).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(t.stack.api_round_trips.get() - before - session_cost, 1, "one Query for a one-month range");
    let row = &report["by_agent"][0];
    // Nobody owned the conversations: the admin who answered gets the credit.
    assert_eq!((row["agent"].as_str(), row["answered"].as_u64()), (Some(ADMIN_EMAIL), Some(2)), "first answers only");
    let (median, p90) = (row["median_seconds"].as_i64().unwrap(), row["p90_seconds"].as_i64().unwrap());
    assert!((120..=150).contains(&median), "the 2-minute answer's bucket: {row}");
    assert!((600..=720).contains(&p90), "the 10-minute answer's bucket: {row}");
    assert_eq!(report["by_day"][0]["day"], *day);

    let erased = contacts[0]["id"].as_str().unwrap();
    assert_eq!(t.request(&admin, "DELETE", &format!("/api/contacts/{erased}"), None).await.0, 200);
    let (_, after) = t.get(&admin, &path).await;
    assert_eq!(after["by_agent"], report["by_agent"], "aggregates are kept when a contact's data is erased");
}

#[tokio::test]
async fn a_message_at_2000_utc_counts_on_the_next_day_in_kolkata() {
    use parley_simulator::Customer;
    let t = TestStack::start().await;
    let admin = t.login().await;
    let profile = json!({"name": "Shop", "country": "IN", "currency": "INR", "time_zone": "Asia/Kolkata"});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&profile)).await.0, 200);
    // The latest 20:00 UTC: 01:30 the next morning in India, and recent
    // enough that the customer's window is still open for the reply.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let evening = (now - 20 * 3600).div_euclid(86_400) * 86_400 + 20 * 3600;
    let utc_day = parley::domain::Millis(evening * 1000).to_rfc3339()[..10].to_owned();
    let india_day = parley::domain::Millis((evening + 86_400) * 1000).to_rfc3339()[..10].to_owned();
    let c = Customer::new("919800000001", "Late writer");
    assert_eq!(t.post_json_webhook(&c.webhook(vec![c.text("wamid.LATE", evening, "still open?")])).await.status(), 200);
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let reply = json!({"type": "text", "text": "Yes!"});
    assert_eq!(t.post(&admin, &format!("/api/contacts/{id}/messages"), &reply, None).await.0, 202);

    let range = format!("from={utc_day}&to={india_day}");
    let (status, messages) = t.get(&admin, &format!("/api/reports/messages?{range}")).await;
    assert_eq!(status, 200, "{messages}");
    let inbound: Vec<(String, u64)> = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["inbound"].as_u64() > Some(0))
        .map(|d| (d["day"].as_str().unwrap().to_owned(), d["inbound"].as_u64().unwrap()))
        .collect();
    assert_eq!(inbound, [(india_day.clone(), 1)], "counted on the Indian date, not the UTC one");
    let (_, response) = t.get(&admin, &format!("/api/reports/first_response?{range}")).await;
    let days: Vec<&str> = response["by_day"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert_eq!(days, [india_day.as_str()], "the first response belongs to the day the customer wrote, in India");
}
