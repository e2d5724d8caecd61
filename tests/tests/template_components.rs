//! Templates with every component, through the real stack and the simulator:
//! the catalog keeps each component, a send carries what each needs and is
//! refused with a clear 422 before queueing when something is missing, the
//! request reaches Meta (the simulator, which validates as Meta does) in
//! Meta's documented shape and ends `read`, and a tapped quick reply's
//! payload reaches the rules.

use parley_e2e::TestStack;
use parley_simulator::customer::new_wamid;
use parley_simulator::Customer;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const CUSTOMER: &str = "919812345678";

async fn ready(t: &TestStack) -> (String, String) {
    t.customer_says(CUSTOMER, "Asha", "Do you have the fuel pump?").await;
    let cookie = t.login().await;
    let (status, body) = t.post(&cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    let contact = t.contacts(&cookie).await[0]["id"].as_str().unwrap().to_owned();
    (cookie, contact)
}

async fn wait_for_read(t: &TestStack, cookie: &str, contact: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let timeline = t.timeline(cookie, contact).await;
        if let Some(m) = timeline.iter().find(|m| m["id"] == id || m["client_id"] == id) {
            if m["status"] == "read" {
                return m.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("message {id} never reached read: {:?}", t.timeline(cookie, contact).await);
}

fn part_offer(header: Value, named: Value, buttons: Value) -> Value {
    json!({"type": "template", "template": {"name": "part_offer", "language": "en_US",
        "header": header, "named": named, "buttons": buttons}})
}

#[tokio::test]
async fn the_catalog_keeps_every_component() {
    let t = TestStack::start().await;
    let (cookie, _) = ready(&t).await;
    let (_, templates) = t.get(&cookie, "/api/templates").await;
    let find = |name: &str| {
        templates["items"].as_array().unwrap().iter().find(|t| t["name"] == name).cloned().unwrap_or(Value::Null)
    };
    let offer = find("part_offer");
    assert_eq!(offer["header"], json!({"format": "image"}));
    assert_eq!(offer["parameter_format"], "named");
    assert_eq!(offer["body_param_names"], json!(["customer_name", "part"]));
    assert_eq!(offer["footer"], "Reply STOP to opt out");
    assert_eq!(
        offer["buttons"],
        json!([{"type": "url", "text": "See the part", "url": "https://shop.example.com/parts/{{1}}", "dynamic": true},
               {"type": "quick_reply", "text": "Interested"}])
    );
    assert_eq!(
        find("order_shipped")["header"],
        json!({"format": "text", "text": "Order {{1}} shipped", "parameter": "1"})
    );
    assert_eq!(
        find("order_shipped")["buttons"][1],
        json!({"type": "phone_number", "text": "Call us", "phone_number": "+919800000000"})
    );
    assert_eq!(find("quote_ready")["header"], json!({"format": "document"}));
    assert_eq!(find("store_visit")["header"], json!({"format": "location"}));
    assert_eq!(find("festive_coupon")["header"], json!({"format": "video"}));
    assert_eq!(find("festive_coupon")["buttons"], json!([{"type": "copy_code", "example": "DIWALI10"}]));
}

#[tokio::test]
async fn a_media_header_named_template_reaches_read_in_metas_shape() {
    let t = TestStack::start().await;
    let (cookie, contact) = ready(&t).await;
    let path = format!("/api/contacts/{contact}/messages");
    let send = part_offer(
        json!({"type": "image", "image": {"link": "https://cdn.example.com/parts/pump.jpg"}}),
        json!({"part": "fuel pump", "customer_name": "Asha"}),
        json!([{"type": "url", "index": 0, "text": "fuel-pump-42"},
               {"type": "quick_reply", "index": 1, "payload": "INTERESTED_PUMP"}]),
    );
    let (status, queued) = t.post(&cookie, &path, &send, None).await;
    assert_eq!(status, 202, "{queued}");
    let id = queued["id"].as_str().unwrap().to_owned();
    let message = wait_for_read(&t, &cookie, &contact, &id).await;
    assert_eq!(message["text"], "Hi Asha, the fuel pump you asked about is in stock.");
    let accepted = t.accepted().await;
    let sent = accepted.iter().find(|a| a["body"]["type"] == "template").expect("Meta got the template");
    assert_eq!(
        sent["body"]["template"],
        json!({
            "name": "part_offer",
            "language": {"code": "en_US"},
            "components": [
                {"type": "header", "parameters": [
                    {"type": "image", "image": {"link": "https://cdn.example.com/parts/pump.jpg"}}]},
                {"type": "body", "parameters": [
                    {"type": "text", "parameter_name": "customer_name", "text": "Asha"},
                    {"type": "text", "parameter_name": "part", "text": "fuel pump"}]},
                {"type": "button", "sub_type": "url", "index": "0",
                 "parameters": [{"type": "text", "text": "fuel-pump-42"}]},
                {"type": "button", "sub_type": "quick_reply", "index": "1",
                 "parameters": [{"type": "payload", "payload": "INTERESTED_PUMP"}]}
            ]
        })
    );
}

#[tokio::test]
async fn text_document_location_and_coupon_headers_reach_read() {
    let t = TestStack::start().await;
    let (cookie, contact) = ready(&t).await;
    let path = format!("/api/contacts/{contact}/messages");
    let sends = [
        json!({"name": "order_shipped", "language": "en_US", "params": ["Asha"],
               "header": {"type": "text", "text": "#1042"}, "buttons": [{"type": "url", "index": 0, "text": "1042"}]}),
        json!({"name": "quote_ready", "language": "en_US", "params": ["Asha", "QT-2026-0001"],
               "header": {"type": "document", "document": {"link": "https://cdn.example.com/q/QT-2026-0001.pdf"},
                          "filename": "QT-2026-0001.pdf"},
               "buttons": [{"type": "quick_reply", "index": 0, "payload": "ACCEPT_QT-2026-0001"}]}),
        json!({"name": "store_visit", "language": "en_US", "params": ["Asha"],
               "header": {"type": "location", "latitude": "19.0760", "longitude": "72.8777", "name": "Kumar Motors"}}),
        json!({"name": "festive_coupon", "language": "en_US", "params": ["Asha"],
               "header": {"type": "video", "video": {"id": "1166846181421424"}},
               "buttons": [{"type": "copy_code", "index": 0, "coupon_code": "DIWALI10"}]}),
    ];
    for send in sends {
        let (status, queued) = t.post(&cookie, &path, &json!({"type": "template", "template": send}), None).await;
        assert_eq!(status, 202, "{queued}");
        wait_for_read(&t, &cookie, &contact, queued["id"].as_str().unwrap()).await;
    }
    let accepted = t.accepted().await;
    let header_of = |name: &str| {
        accepted
            .iter()
            .find(|a| a["body"]["template"]["name"] == name)
            .map(|a| a["body"]["template"]["components"][0].clone())
    };
    assert_eq!(
        header_of("order_shipped"),
        Some(json!({"type": "header", "parameters": [{"type": "text", "text": "#1042"}]}))
    );
    assert_eq!(
        header_of("quote_ready"),
        Some(json!({"type": "header", "parameters": [{"type": "document", "document": {
            "link": "https://cdn.example.com/q/QT-2026-0001.pdf", "filename": "QT-2026-0001.pdf"}}]}))
    );
    assert_eq!(
        header_of("store_visit"),
        Some(json!({"type": "header", "parameters": [{"type": "location", "location": {
            "latitude": "19.0760", "longitude": "72.8777", "name": "Kumar Motors"}}]}))
    );
}

#[tokio::test]
async fn what_meta_would_refuse_is_a_clear_422_and_nothing_is_queued() {
    let t = TestStack::start().await;
    let (cookie, contact) = ready(&t).await;
    let path = format!("/api/contacts/{contact}/messages");
    let image = json!({"type": "image", "image": {"link": "https://cdn.example.com/parts/pump.jpg"}});
    let named = json!({"part": "fuel pump", "customer_name": "Asha"});
    let suffix = json!([{"type": "url", "index": 0, "text": "fuel-pump-42"}]);
    let positional = json!({"type": "template", "template": {"name": "part_offer", "language": "en_US",
        "params": ["Asha", "fuel pump"], "header": image, "buttons": suffix}});
    let cases = [
        (part_offer(Value::Null, named.clone(), suffix.clone()), "IMAGE header needs an https link"),
        (positional, "named (customer_name, part); send them by name"),
        (part_offer(image.clone(), json!({"part": "fuel pump"}), suffix.clone()), "\"customer_name\" is missing"),
        (part_offer(image.clone(), named.clone(), json!([])), "button 0 (See the part) needs its URL suffix"),
        (
            part_offer(json!({"type": "video", "video": {"id": "1"}}), named.clone(), suffix.clone()),
            "the header is IMAGE, but a VIDEO value was given",
        ),
        (
            part_offer(json!({"type": "image", "image": {"link": "http://cdn.example.com/p.jpg"}}), named, suffix),
            "https link or a Meta media id",
        ),
    ];
    for (send, says) in cases {
        let (status, body) = t.post(&cookie, &path, &send, None).await;
        assert_eq!(status, 422, "{send} → {body}");
        assert_eq!(body["error"]["code"], "template_components", "{body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message:?} should say {says:?}");
    }
    assert!(t.accepted().await.iter().all(|a| a["body"]["type"] != "template"), "nothing reached Meta");
    let timeline = t.timeline(&cookie, &contact).await;
    assert!(timeline.iter().all(|m| m["direction"] != "out"), "nothing was queued: {timeline:?}");
}

#[tokio::test]
async fn a_tapped_quick_reply_payload_reaches_the_rules() {
    let t = TestStack::start().await;
    let (cookie, contact) = ready(&t).await;
    let rule = json!({"name": "Interested in the pump", "trigger": {"type": "message_received", "first_only": false},
        "conditions": [{"type": "button_payload", "payload": "INTERESTED_PUMP"}],
        "actions": [{"type": "add_tag", "tag": "pump-lead"}]});
    let (status, body) = t.post(&cookie, "/api/rules", &rule, None).await;
    assert_eq!(status, 201, "{body}");
    let customer = Customer::new(CUSTOMER, "Asha");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let tap = |payload: &str, at: i64| {
        customer.webhook(vec![customer.message(
            &new_wamid(),
            at,
            "button",
            json!({"payload": payload, "text": "Interested"}),
        )])
    };
    // Another button first: the condition tells them apart.
    assert!(t.post_json_webhook(&tap("ASK_QUESTION", now + 1)).await.status().is_success());
    assert!(t.post_json_webhook(&tap("INTERESTED_PUMP", now + 2)).await.status().is_success());
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, record) = t.get(&cookie, &format!("/api/contacts/{contact}")).await;
        if record["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == "pump-lead")) {
            break;
        }
        assert!(Instant::now() < deadline, "the rule never tagged the contact: {record}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let timeline = t.timeline(&cookie, &contact).await;
    let taps: Vec<_> = timeline.iter().filter(|m| m["type"] == "button").collect();
    assert_eq!(taps.len(), 2, "both taps are on the timeline");
}

#[tokio::test]
async fn a_template_meta_pauses_by_webhook_is_shown_paused_and_refused_with_the_reason() {
    let t = TestStack::start().await;
    let (cookie, contact) = ready(&t).await;
    let pause = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": 1_900_000_000,
        "changes": [{"field": "message_template_status_update", "value": {"event": "PAUSED",
            "message_template_id": 3, "message_template_name": "diwali_sale", "message_template_language": "en_US",
            "reason": "NONE", "other_info": {"title": "FIRST_PAUSE",
                "description": "Your WhatsApp message template has been paused for 3 hours."}}}]}]});
    assert_eq!(t.post_json_webhook(&pause).await.status(), 200);
    let (_, templates) = t.get(&cookie, "/api/templates").await;
    let diwali = templates["items"].as_array().unwrap().iter().find(|t| t["name"] == "diwali_sale").unwrap().clone();
    assert_eq!(diwali["status"], "PAUSED");
    assert!(diwali["status_reason"].as_str().unwrap().contains("paused for 3 hours"));
    let send =
        json!({"type": "template", "template": {"name": "diwali_sale", "language": "en_US", "params": ["Asha"]}});
    let (status, body) = t.post(&cookie, &format!("/api/contacts/{contact}/messages"), &send, Some("pause-1")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("paused for 3 hours"), "{body}");
    assert!(t.accepted().await.is_empty(), "nothing reached Meta");
}
