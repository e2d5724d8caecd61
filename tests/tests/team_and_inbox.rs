//! The team and the shared inbox over HTTP: roles on every route,
//! invitations, throttling, ownership, conversation status, queues, routing
//! and the audit log.

use parley::app::inbox::InboxSettings;
use parley::domain::routing::RoutingRule;
use parley_e2e::{TestStack, ADMIN_EMAIL};
use parley_simulator::Customer;
use serde_json::{json, Value};

fn now_seconds() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn write_in(t: &TestStack, wa_id: &str, name: &str, seconds_ago: i64) -> String {
    let c = Customer::new(wa_id, name);
    let wamid = format!("wamid.{wa_id}.{seconds_ago}.{}", now_seconds());
    assert_eq!(
        t.post_json_webhook(&c.webhook(vec![c.text(&wamid, now_seconds() - seconds_ago, "hello")])).await.status(),
        200
    );
    parley::domain::ContactId::derive(
        &parley_e2e::contact_id_key(),
        &parley::domain::BusinessNumber(c.phone.phone_number_id.clone()),
        &parley::domain::identity::IdentityKey::WaId(wa_id.into()),
    )
    .to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_route_checks_the_role() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let other_agent = t.teammate(&admin, "other@shop.test", "agent").await;
    t.customer_says("919800000001", "Theirs", "hi").await;
    let theirs = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = t
        .post(&other_agent, &format!("/api/contacts/{theirs}/assign"), &json!({"owner": "other@shop.test"}), None)
        .await;
    assert_eq!(status, 200, "an agent takes an unassigned conversation");
    let day = &parley::domain::Millis(now_seconds() * 1000).to_rfc3339()[..10];

    // (method, path, body, expected for admin, manager, agent who does not own it)
    let routes: Vec<(&str, String, Option<Value>, [u16; 3])> = vec![
        ("GET", "/api/me".into(), None, [200, 200, 200]),
        ("GET", "/api/contacts".into(), None, [200, 200, 200]),
        ("GET", format!("/api/contacts/{theirs}"), None, [200, 200, 404]),
        ("GET", format!("/api/contacts/{theirs}/messages"), None, [200, 200, 404]),
        (
            "POST",
            format!("/api/contacts/{theirs}/messages"),
            Some(json!({"type": "text", "text": "hi"})),
            [202, 202, 404],
        ),
        ("POST", format!("/api/contacts/{theirs}/opt_out"), Some(json!({"opted_out": false})), [200, 200, 404]),
        ("POST", format!("/api/contacts/{theirs}/assign"), Some(json!({"owner": "other@shop.test"})), [200, 200, 404]),
        ("POST", format!("/api/contacts/{theirs}/close"), None, [200, 200, 404]),
        ("POST", format!("/api/contacts/{theirs}/reopen"), None, [200, 200, 404]),
        ("GET", "/api/conversations?queue=unassigned".into(), None, [200, 200, 200]),
        ("GET", "/api/conversations?queue=mine".into(), None, [200, 200, 200]),
        ("GET", "/api/conversations?queue=bogus".into(), None, [400, 400, 400]),
        ("GET", format!("/api/audit?day={day}"), None, [200, 200, 403]),
        ("GET", format!("/api/audit?contact={theirs}"), None, [200, 200, 403]),
        ("GET", "/api/users".into(), None, [200, 200, 403]),
        ("POST", "/api/users".into(), Some(json!({"email": "x@shop.test", "role": "agent"})), [201, 403, 403]),
        ("PATCH", "/api/users/other@shop.test".into(), Some(json!({"available": false})), [200, 403, 403]),
        ("POST", "/api/users/other@shop.test/invite".into(), None, [201, 403, 403]),
        ("DELETE", "/api/users/other@shop.test/invite".into(), None, [204, 403, 403]),
        ("DELETE", "/api/users/ghost@shop.test/invite".into(), None, [404, 403, 403]),
        (
            "POST",
            "/api/me/password".into(),
            Some(json!({"current_password": "not it", "new_password": "short"})),
            [422, 422, 422],
        ),
        ("GET", "/api/templates".into(), None, [200, 200, 200]),
        ("POST", "/api/templates/sync".into(), None, [200, 200, 403]),
        ("GET", "/api/reports/spend".into(), None, [200, 200, 403]),
        ("POST", "/api/messages/pm.000000000000000000000000/retry".into(), None, [404, 404, 404]),
        ("GET", "/api/pipelines".into(), None, [200, 200, 200]),
        ("GET", "/api/tasks?due=today".into(), None, [200, 200, 200]),
        ("GET", "/api/tasks?scope=team".into(), None, [200, 200, 403]),
        ("GET", format!("/api/contacts/{theirs}/notes"), None, [200, 200, 404]),
        ("POST", format!("/api/contacts/{theirs}/notes"), Some(json!({"text": "n"})), [201, 201, 404]),
        ("PATCH", format!("/api/contacts/{theirs}"), Some(json!({"tags": ["vip"]})), [200, 200, 404]),
        ("GET", "/api/pipelines/sales/board".into(), None, [200, 200, 200]),
        ("PUT", "/api/pipelines/sales".into(), Some(json!({"name": "Sales", "stages": []})), [422, 422, 403]),
        ("GET", format!("/api/contacts/{theirs}/deals"), None, [200, 200, 404]),
        (
            "POST",
            "/api/deals".into(),
            Some(json!({"contact_id": theirs, "title": "t", "value_minor": 1})),
            [201, 201, 404],
        ),
    ];
    for (method, path, body, expected) in &routes {
        for (who, cookie, want) in
            [("admin", &admin, expected[0]), ("manager", &manager, expected[1]), ("agent", &agent, expected[2])]
        {
            let body = body.clone().or_else(|| (*method != "GET").then(|| json!({})));
            let (status, answer) = t.request(cookie, method, path, body.as_ref()).await;
            assert_eq!(status, want, "{who} {method} {path}: {answer}");
            if status >= 400 {
                assert!(answer["error"]["code"].is_string(), "{who} {method} {path}: one error shape, got {answer}");
            }
        }
        let (status, _) = t.request("parley_session=none", method, path, body.as_ref()).await;
        assert_eq!(status, 401, "anonymous {method} {path}");
    }
    // Agents see unassigned conversations and their own, not others'.
    let (_, list) = t.get(&agent, "/api/contacts").await;
    assert!(!ids(&list).contains(&theirs));
    let (_, list) = t.get(&other_agent, "/api/contacts").await;
    assert!(ids(&list).contains(&theirs));
}

#[tokio::test]
async fn invitations_throttling_deactivation_and_role_changes() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (status, invite) =
        t.post(&admin, "/api/users", &json!({"email": "New@Shop.test", "name": "Neha", "role": "agent"}), None).await;
    assert_eq!(status, 201);
    assert!(invite["invite_path"].as_str().unwrap().starts_with("/#accept="));
    assert!(t.login_as("new@shop.test", "anything at all").await.is_err(), "no password works before acceptance");
    let (status, body) =
        t.post("", "/api/invites/accept", &json!({"token": invite["token"], "password": "short"}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("weak_password")));
    let (status, _) = t
        .post("", "/api/invites/accept", &json!({"token": invite["token"], "password": "a good long password"}), None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = t
        .post("", "/api/invites/accept", &json!({"token": invite["token"], "password": "a good long password"}), None)
        .await;
    assert_eq!(status, 410, "an invitation works once");
    let (status, _) = t.post(&admin, "/api/users", &json!({"email": "new@shop.test", "role": "agent"}), None).await;
    assert_eq!(status, 409, "a teammate who accepted is not invited again");
    let agent = t.login_as("new@shop.test", "a good long password").await.unwrap();
    assert_eq!(t.get(&agent, "/api/me").await.1["role"], "agent");

    let (status, _) = t.request(&admin, "PATCH", "/api/users/new@shop.test", Some(&json!({"role": "manager"}))).await;
    assert_eq!(status, 200);
    assert_eq!(t.get(&agent, "/api/me").await.1["role"], "manager", "a role change applies to live sessions");
    let (status, _) = t.request(&admin, "PATCH", "/api/users/new@shop.test", Some(&json!({"active": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(t.get(&agent, "/api/me").await.0, 401, "a deactivated user's session stops working");
    assert!(t.login_as("new@shop.test", "a good long password").await.is_err());
    let (status, body) =
        t.request(&admin, "PATCH", &format!("/api/users/{ADMIN_EMAIL}"), Some(&json!({"active": false}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("self_lockout")));

    // Throttling: five wrong passwords, then even the right one waits.
    t.clock.pin();
    for _ in 0..5 {
        assert!(t.login_as("owner@shop.test", "wrong").await.is_err());
    }
    let response = t
        .http
        .post(t.url("/api/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": parley_e2e::ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "throttled");
}

#[tokio::test]
async fn ownership_status_first_response_and_queues() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let _other = t.teammate(&admin, "other@shop.test", "agent").await;
    let fresh = write_in(&t, "919800000001", "Fresh", 60).await;
    let late = write_in(&t, "919800000002", "Waiting an hour", 3600).await;

    let (_, unassigned) = t.get(&agent, "/api/conversations?queue=unassigned").await;
    assert_eq!(ids(&unassigned), [fresh.as_str(), late.as_str()], "newest first");
    let (_, waiting) = t.get(&admin, "/api/conversations?queue=waiting_on_us").await;
    assert_eq!(ids(&waiting).len(), 2);
    let (_, overdue) = t.get(&admin, "/api/conversations?queue=overdue").await;
    assert_eq!(ids(&overdue), [late.as_str()], "only the one past the 15-minute SLA");
    assert_eq!(overdue["items"][0]["overdue"], true);

    let (status, taken) =
        t.post(&agent, &format!("/api/contacts/{fresh}/assign"), &json!({"owner": "agent@shop.test"}), None).await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(taken["owner"], "agent@shop.test");
    let (_, mine) = t.get(&agent, "/api/conversations?queue=mine").await;
    assert_eq!(ids(&mine), [fresh.as_str()]);
    let (_, unassigned) = t.get(&agent, "/api/conversations?queue=unassigned").await;
    assert_eq!(ids(&unassigned), [late.as_str()]);
    let (status, _) =
        t.post(&agent, &format!("/api/contacts/{late}/assign"), &json!({"owner": "other@shop.test"}), None).await;
    assert_eq!(status, 403, "agents do not hand out others' work");
    let (status, moved) =
        t.post(&admin, &format!("/api/contacts/{fresh}/assign"), &json!({"owner": "other@shop.test"}), None).await;
    assert_eq!((status, moved["owner"].as_str()), (200, Some("other@shop.test")), "a manager or admin transfers");
    assert_eq!(t.get(&agent, &format!("/api/contacts/{fresh}")).await.0, 404, "now out of the first agent's sight");
    let (status, _) =
        t.post(&admin, &format!("/api/contacts/{fresh}/assign"), &json!({"owner": "ghost@shop.test"}), None).await;
    assert_eq!(status, 422);

    // A reply: waiting on the customer, first response recorded.
    let (status, _) = t
        .post(
            &admin,
            &format!("/api/contacts/{late}/messages"),
            &json!({"type": "text", "text": "Sorry for the wait!"}),
            None,
        )
        .await;
    assert_eq!(status, 202);
    let contact = t.get(&admin, &format!("/api/contacts/{late}")).await.1;
    assert_eq!(contact["status"], "waiting_on_customer");
    assert!(contact["first_response_seconds"].as_i64().unwrap() >= 3600, "{contact}");
    assert_eq!(contact["overdue"], false);
    let (_, overdue) = t.get(&admin, "/api/conversations?queue=overdue").await;
    assert!(ids(&overdue).is_empty());

    // Close it; the customer's next message reopens it to its owner's queue.
    let (status, closed) = t.post(&admin, &format!("/api/contacts/{fresh}/close"), &json!({}), None).await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    let (_, closed_queue) = t.get(&admin, "/api/conversations?queue=closed").await;
    assert_eq!(ids(&closed_queue), [fresh.as_str()]);
    let (_, other_mine) = t
        .get(&t.login_as("other@shop.test", "teammate password 1").await.unwrap(), "/api/conversations?queue=mine")
        .await;
    assert!(ids(&other_mine).is_empty(), "closed conversations leave the owner's queue");
    write_in(&t, "919800000001", "Fresh", 0).await;
    let reopened = t.get(&admin, &format!("/api/contacts/{fresh}")).await.1;
    assert_eq!(reopened["status"], "waiting_on_us");
    assert_eq!(reopened["owner"], "other@shop.test", "back to the teammate who owns the contact");

    // The audit log, per contact and per day.
    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={fresh}")).await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["close", "transfer", "assign"], "newest first");
    assert_eq!(trail["items"][2]["actor"], "agent@shop.test");
    let day = parley_e2e::today();
    let (_, today) = t.get(&admin, &format!("/api/audit?day={day}")).await;
    let all: Vec<&str> = today["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(all.contains(&"send") && all.contains(&"invite"), "{all:?}");
}

#[tokio::test]
async fn round_robin_routes_new_conversations_to_available_agents_in_turn() {
    let t = TestStack::builder()
        .inbox(InboxSettings { routing: RoutingRule::RoundRobin, ..InboxSettings::default() })
        .start()
        .await;
    let admin = t.login().await;
    t.teammate(&admin, "a@shop.test", "agent").await;
    t.teammate(&admin, "b@shop.test", "agent").await;
    t.teammate(&admin, "c@shop.test", "agent").await;
    let (status, _) = t.request(&admin, "PATCH", "/api/users/c@shop.test", Some(&json!({"available": false}))).await;
    assert_eq!(status, 200);
    let mut owners = Vec::new();
    for i in 0..4 {
        let id = write_in(&t, &format!("91980000010{i}"), "New", 0).await;
        owners.push(t.get(&admin, &format!("/api/contacts/{id}")).await.1["owner"].as_str().unwrap().to_owned());
    }
    assert_eq!(owners, ["a@shop.test", "b@shop.test", "a@shop.test", "b@shop.test"], "unavailable agents are skipped");
    let first = write_in(&t, "919800000100", "New", 0).await;
    assert_eq!(
        t.get(&admin, &format!("/api/contacts/{first}")).await.1["owner"],
        "a@shop.test",
        "an owned contact stays with its owner"
    );
}

#[tokio::test]
async fn closing_a_closed_conversation_or_reopening_an_open_one_changes_nothing() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let id = write_in(&t, "919800000001", "Asha", 60).await;
    let actions = |trail: &Value| -> Vec<String> {
        trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
    };
    let (status, open) = t.post(&admin, &format!("/api/contacts/{id}/reopen"), &json!({}), None).await;
    assert_eq!((status, open["status"].as_str()), (200, Some("waiting_on_us")), "reopening an open one is a no-op");
    for _ in 0..2 {
        let (status, closed) = t.post(&admin, &format!("/api/contacts/{id}/close"), &json!({}), None).await;
        assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    }
    for _ in 0..2 {
        let (status, reopened) = t.post(&admin, &format!("/api/contacts/{id}/reopen"), &json!({}), None).await;
        assert_eq!((status, reopened["status"].as_str()), (200, Some("open")));
    }
    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={id}")).await;
    assert_eq!(actions(&trail), ["reopen", "close"], "one audit line per change, none for a no-op");
    let (status, _) = t.post(&admin, "/api/contacts/0123456789abcdef01234567/close", &json!({}), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn clearing_an_opt_out_takes_a_supervisor_and_every_change_is_audited() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = write_in(&t, "919800000009", "Stop please", 0).await;
    let path = format!("/api/contacts/{contact}/opt_out");

    let (status, _) = t.post(&agent, &path, &json!({"opted_out": true}), None).await;
    assert_eq!(status, 200, "anyone who sees the contact records a customer's opt-out");
    let (status, body) = t.post(&agent, &path, &json!({"opted_out": false}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{body}");
    let (status, body) = t.post(&agent, &path, &json!({"opted_out": "no"}), None).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["code"].is_string(), "a bad body gets the one error shape: {body}");
    let (status, _) = t.post(&manager, &path, &json!({"opted_out": false}), None).await;
    assert_eq!(status, 200, "a manager clears it");

    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={contact}")).await;
    let lines: Vec<(&str, &str)> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [("clear_opt_out", "manager@shop.test"), ("opt_out", "agent@shop.test")], "newest first");
}

#[tokio::test]
async fn the_audit_log_of_a_day_is_the_businesss_day_across_two_utc_days_and_pages_through_both() {
    let t = TestStack::start().await;
    // 19:00 UTC: already tomorrow in India (the stack's calendar), where the
    // audit screen opened after midnight once showed nothing.
    t.clock.pin();
    let now = parley::ports::Clock::now(&*t.clock).0;
    const DAY: i64 = 86_400_000;
    let evening = (now.div_euclid(DAY) + 1) * DAY + 19 * 3_600_000;
    t.clock.advance(std::time::Duration::from_millis((evening - now) as u64));
    let kolkata_day = parley_e2e::business_day_of(parley::domain::Millis(evening));
    let utc_day = parley::domain::Millis(evening).to_rfc3339()[..10].to_owned();
    assert_ne!(kolkata_day, utc_day);
    let mut invited = Vec::new();
    let mut admin = String::new();
    for (hours_later, n) in [(0, 0..28), (10, 28..56)] {
        // Signed in again: a session lasts less than the hours skipped.
        t.clock.advance(std::time::Duration::from_secs(hours_later * 3600));
        admin = t.login().await;
        for i in n {
            let email = format!("late{i}@shop.test");
            let (status, _) =
                t.post(&admin, "/api/users", &json!({"email": email, "name": email, "role": "agent"}), None).await;
            assert_eq!(status, 201);
            invited.push(email);
            t.clock.advance(std::time::Duration::from_secs(1));
        }
    }
    let mut read = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (status, page) = t.get(&admin, &format!("/api/audit?day={kolkata_day}&cursor={cursor}")).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for entry in page["items"].as_array().unwrap() {
            if entry["action"] == "invite" {
                read.push(entry["detail"]["email"].as_str().unwrap().to_owned());
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    invited.reverse();
    assert_eq!(read, invited, "every invitation of the Indian day, newest first, once, over {pages} pages");
    assert!(pages >= 2);
    let (_, before) = t.get(&admin, &format!("/api/audit?day={utc_day}")).await;
    let earlier: Vec<&serde_json::Value> =
        before["items"].as_array().unwrap().iter().filter(|e| e["action"] == "invite").collect();
    assert!(earlier.is_empty(), "the Indian day before holds none of them: {earlier:?}");
}
