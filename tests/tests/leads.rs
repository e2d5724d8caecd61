//! Leads in by webhook: a source configured by a manager posts signed (or
//! bearer) leads to `/leads/{id}`; each becomes a contact found by phone and
//! a deal in the source's pipeline, owned in turn; a bad signature stores
//! nothing, and the same lead id posted again (or twice at once) makes
//! nothing new.

use parley::domain::webhook_signature::signature_header;
use parley::ports::Clock;
use parley_e2e::TestStack;
use serde_json::{json, Value};

const BUSINESS_NUMBER: &str = "106540352242922";

async fn ready(t: &TestStack) -> String {
    let admin = t.login().await;
    let profile = json!({"name": "Asha Textiles", "country": "IN", "currency": "INR",
        "time_zone": "Asia/Kolkata", "phone_number_id": BUSINESS_NUMBER});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&profile)).await.0, 200);
    admin
}

fn website() -> Value {
    json!({"id": "website", "name": "Website form", "auth": "hmac", "pipeline": "sales", "stage": null,
        "owner": {"kind": "round_robin"}, "tags": ["Web"],
        "mapping": {"lead_id": "id", "phone": "contact.mobile", "name": "contact.full_name", "fields.city": "city"}})
}

/// POSTs `body` to the source, signed with `secret` at the stack's time.
async fn post_signed(t: &TestStack, source: &str, secret: &str, body: &Value) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).unwrap();
    let now = t.clock.now().0 / 1000;
    let response = t
        .http
        .post(t.url(&format!("/leads/{source}")))
        .header("content-type", "application/json")
        .header("parley-signature", signature_header(secret, now, &bytes))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_bearer(t: &TestStack, source: &str, token: &str, body: &Value) -> (u16, Value) {
    let response = t.http.post(t.url(&format!("/leads/{source}"))).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn lead(id: &str, mobile: &str) -> Value {
    json!({"id": id, "contact": {"mobile": mobile, "full_name": "Meena Iyer"}, "city": "Pune",
        "tags": ["diwali"], "value_minor": 250000, "consent": ["marketing"]})
}

#[tokio::test]
async fn a_signed_lead_becomes_a_contact_and_a_deal_owned_in_turn_and_a_replay_makes_nothing_new() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, source) = t.request(&admin, "PUT", "/api/lead_sources/website", Some(&website())).await;
    assert_eq!(status, 200, "{source}");
    assert_eq!(source["path"], "/leads/website");
    let secret = source["secret"].as_str().unwrap().to_owned();
    assert_eq!(source["tags"], json!(["web"]));
    assert_eq!(t.request(&agent, "GET", "/api/lead_sources", None).await.0, 403, "agents do not see secrets");

    let (status, body) = post_signed(&t, "website", "not-the-secret", &lead("F-1", "098200 12345")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let (status, _) = post_signed(&t, "nowhere", &secret, &lead("F-1", "098200 12345")).await;
    assert_eq!(status, 401, "an unknown source answers as a bad secret does");
    let (status, body) = post_signed(&t, "website", &secret, &json!({"id": "F-2", "contact": {}})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_lead")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("contact.mobile"), "{body}");
    assert!(t.contacts(&admin).await.is_empty(), "refused posts store nothing");

    let (status, received) = post_signed(&t, "website", &secret, &lead("F-1", "098200 12345")).await;
    assert_eq!(status, 201, "{received}");
    let contact_id = received["contact_id"].as_str().unwrap().to_owned();
    let contact = t.get(&admin, &format!("/api/contacts/{contact_id}")).await.1;
    assert_eq!(contact["phone"], "+919820012345");
    assert_eq!(contact["name"], "Meena Iyer");
    assert_eq!(contact["tags"], json!(["diwali", "web"]));
    assert_eq!(contact["fields"], json!({"city": "Pune", "source": "website"}));
    assert_eq!(contact["owner"], "agent@shop.test", "the only available agent's turn");
    assert_eq!(contact["consent"]["method"], "form");
    let deals = t.get(&admin, &format!("/api/contacts/{contact_id}/deals")).await.1;
    let deals = deals["items"].as_array().unwrap().clone();
    assert_eq!(deals.len(), 1, "{deals:?}");
    assert_eq!((deals[0]["stage"].as_str(), deals[0]["value_minor"].as_i64()), (Some("enquiry"), Some(250000)));
    assert_eq!(deals[0]["owner"], "agent@shop.test");

    let (status, again) = post_signed(&t, "website", &secret, &lead("F-1", "+91 98200 12345")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (&again["contact_id"], &again["deal_id"], &again["created"]),
        (&received["contact_id"], &received["deal_id"], &json!(false))
    );
    let deals = t.get(&admin, &format!("/api/contacts/{contact_id}/deals")).await.1;
    assert_eq!(deals["items"].as_array().unwrap().len(), 1, "a replay makes no second deal");
    assert_eq!(t.contacts(&admin).await.len(), 1);

    // The same lead sent twice at once: one creates, the other finds it.
    let body = lead("F-3", "9820054321");
    let (a, b) = tokio::join!(post_signed(&t, "website", &secret, &body), post_signed(&t, "website", &secret, &body));
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{a:?} {b:?}");
    assert_eq!(a.1["deal_id"], b.1["deal_id"]);

    // A new secret: the old one stops working.
    let (status, rotated) = t.post(&admin, "/api/lead_sources/website/rotate", &json!({}), None).await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["secret"], json!(secret));
    assert_eq!(post_signed(&t, "website", &secret, &lead("F-4", "9820099999")).await.0, 401);
}

#[tokio::test]
async fn a_bearer_source_takes_parleys_own_shape_and_a_removed_source_is_refused() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let source = json!({"id": "expo", "name": "Expo stall tablet", "auth": "bearer", "pipeline": "sales",
        "stage": "qualified", "owner": {"kind": "unassigned"}, "tags": [], "mapping": {}});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/expo", Some(&source)).await;
    assert_eq!(status, 200, "{saved}");
    let token = saved["secret"].as_str().unwrap().to_owned();
    let mut bad = source.clone();
    bad["pipeline"] = json!("nope");
    assert_eq!(t.request(&admin, "PUT", "/api/lead_sources/expo", Some(&bad)).await.0, 422);

    let body = json!({"lead_id": 77, "phone": "+254 712 345678", "name": "Wanjiku", "fields": {"stall": "B4"}});
    assert_eq!(post_bearer(&t, "expo", "wrong", &body).await.0, 401);
    let (status, received) = post_bearer(&t, "expo", &token, &body).await;
    assert_eq!(status, 201, "{received}");
    let contact = t.get(&admin, &format!("/api/contacts/{}", received["contact_id"].as_str().unwrap())).await.1;
    assert_eq!(contact["phone"], "+254712345678");
    assert_eq!(contact["owner"], Value::Null);
    assert_eq!(contact["fields"]["stall"], "B4");
    let deal = t.get(&admin, &format!("/api/deals/{}", received["deal_id"].as_str().unwrap())).await.1;
    assert_eq!(deal["stage"], "qualified", "{deal}");

    assert_eq!(t.request(&admin, "DELETE", "/api/lead_sources/expo", None).await.0, 204);
    assert_eq!(post_bearer(&t, "expo", &token, &json!({"lead_id": 78, "phone": "0712345679"})).await.0, 401);
}

/// Polls the source's feed until it has taken `n` leads (a pull runs on its own timer).
async fn feed_when(t: &TestStack, admin: &str, id: &str, n: u64) -> Value {
    for _ in 0..100 {
        let feed = feed_of(t, admin, id).await;
        if feed["leads_taken"].as_u64() >= Some(n) {
            return feed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{n} leads never arrived");
}

async fn feed_of(t: &TestStack, admin: &str, id: &str) -> Value {
    let sources = t.get(admin, "/api/lead_sources").await.1;
    sources["items"].as_array().unwrap().iter().find(|s| s["id"] == id).expect("the source is listed")["feed"].clone()
}

#[tokio::test]
async fn a_facebook_lead_form_is_read_from_the_graph_api_and_lands_assigned_once() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    t.teammate(&admin, "agent@shop.test", "agent").await;
    let source = json!({"id": "facebook_lead_ads", "name": "Diwali lead ads", "auth": "facebook_lead_ads",
        "pipeline": "sales", "stage": "qualified", "owner": {"kind": "teammate", "email": "agent@shop.test"},
        "tags": ["Diwali"], "mapping": {}});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/facebook_lead_ads", Some(&source)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!((&saved["path"], &saved["secret"]), (&Value::Null, &Value::Null), "nothing posts to a fed source");
    let mut misnamed = source.clone();
    misnamed["id"] = json!("fb");
    assert_eq!(t.request(&admin, "PUT", "/api/lead_sources/fb", Some(&misnamed)).await.0, 422);

    let form = json!({"phone": "098201 55501", "name": "Kavya Iyer", "answers": {"Which city?": "Chennai"}});
    let submitted = t.http.post(format!("{}/sim/lead_ad", t.simulator_url)).json(&form).send().await.unwrap();
    assert_eq!(submitted.status().as_u16(), 200, "Parley answered Meta's leadgen webhook");
    let leadgen_id = submitted.json::<Value>().await.unwrap()["leadgen_id"].as_str().unwrap().to_owned();
    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts.len(), 1);
    let contact = &contacts[0];
    assert_eq!(contact["phone"], "+919820155501");
    assert_eq!(contact["name"], "Kavya Iyer");
    assert_eq!(contact["owner"], "agent@shop.test");
    assert_eq!(contact["tags"], json!(["diwali"]));
    assert_eq!(contact["fields"]["which_city"], "Chennai");
    assert_eq!(contact["fields"]["source"], "facebook_lead_ads");
    assert!(contact["fields"]["fb_ad_id"].is_string(), "{contact}");
    let id = contact["id"].as_str().unwrap();
    let deals = t.get(&admin, &format!("/api/contacts/{id}/deals")).await.1["items"].clone();
    assert_eq!((deals.as_array().unwrap().len(), &deals[0]["stage"]), (1, &json!("qualified")));

    // Meta delivers the same change again: nothing new.
    let form = parley_simulator::lead_ads::LeadForm {
        phone: String::new(),
        name: String::new(),
        answers: Default::default(),
        form_id: "129595594131704".into(),
        ad_id: "6011245987123".into(),
    };
    let again = parley_simulator::lead_ads::leadgen_webhook(&leadgen_id, &form, 1_796_000_000);
    assert_eq!(t.post_json_webhook(&again).await.status().as_u16(), 200);
    let deals = t.get(&admin, &format!("/api/contacts/{id}/deals")).await.1;
    assert_eq!(deals["items"].as_array().unwrap().len(), 1, "a redelivery makes no second deal");

    // A lead the Graph API will not give: 503, so Meta delivers it again; nothing stored.
    let unknown = parley_simulator::lead_ads::leadgen_webhook("424242", &form, 1_796_000_000);
    assert_eq!(t.post_json_webhook(&unknown).await.status().as_u16(), 503);
    assert_eq!(t.contacts(&admin).await.len(), 1);
    let feed = feed_of(&t, &admin, "facebook_lead_ads").await;
    assert_eq!((&feed["leads_taken"], &feed["outcome"]), (&json!(1), &json!("key_rejected")), "{feed}");
    assert!(!feed.to_string().contains(parley_e2e::ACCESS_TOKEN), "no token in what staff see");

    let (status, _) = post_bearer(&t, "facebook_lead_ads", "anything", &json!({"lead_id": 1, "phone": "1"})).await;
    assert_eq!(status, 401, "a fed source takes no posts");
}

#[tokio::test]
async fn indiamart_enquiries_are_pulled_into_the_pipeline_once_within_its_rate_limit() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    t.teammate(&admin, "agent@shop.test", "agent").await;
    let enquire = |mobile: &str, name: &str| {
        let body = json!({"mobile": mobile, "name": name, "product": "Cotton Sarees", "message": "Need 200 pieces"});
        t.http.post(format!("{}/sim/indiamart", t.simulator_url)).json(&body).send()
    };
    assert!(enquire("+91-9876501234", "Ravi Kumar").await.unwrap().status().is_success());

    let source = json!({"id": "indiamart", "name": "IndiaMART", "auth": "indiamart", "pipeline": "sales",
        "stage": null, "owner": {"kind": "round_robin"}, "tags": ["indiamart"], "mapping": {}});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/indiamart", Some(&source)).await;
    assert_eq!(status, 200, "{saved}");
    // Saving the source starts the pull at once, on the scheduler's timer.
    let feed = feed_when(&t, &admin, "indiamart", 1).await;
    assert_eq!(feed["outcome"], "ok", "{feed}");
    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts[0]["phone"], "+919876501234");
    assert_eq!(contacts[0]["owner"], "agent@shop.test");
    assert_eq!(contacts[0]["fields"]["product"], "Cotton Sarees");
    let next = t.stack.scheduler.pending();
    assert!(next.contains_key("lead-pull-indiamart"), "the next pull is set: {:?}", next.keys());

    // Five minutes on by Parley's clock, but IndiaMART's own clock says the
    // last call was a moment ago: it refuses, and the window stays.
    t.clock.advance(std::time::Duration::from_secs(300));
    t.stack.due_work.run(&parley::domain::scheduled_job::ScheduledJob::LeadPull).await.unwrap();
    assert_eq!(feed_of(&t, &admin, "indiamart").await["outcome"], "rate_limited");

    let faults = json!({"indiamart_min_interval_ms": 0});
    t.http.put(format!("{}/sim/faults", t.simulator_url)).json(&faults).send().await.unwrap();
    assert!(enquire("09876505678", "Meera Shah").await.unwrap().status().is_success());
    t.clock.advance(std::time::Duration::from_secs(300));
    t.stack.due_work.run(&parley::domain::scheduled_job::ScheduledJob::LeadPull).await.unwrap();
    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts.len(), 2, "the first enquiry, read again, makes nothing new");
    let feed = feed_of(&t, &admin, "indiamart").await;
    assert_eq!((&feed["outcome"], &feed["leads_taken"]), (&json!("ok"), &json!(2)), "{feed}");
    for contact in &contacts {
        let deals = t.get(&admin, &format!("/api/contacts/{}/deals", contact["id"].as_str().unwrap())).await.1;
        assert_eq!(deals["items"].as_array().unwrap().len(), 1, "one deal per enquiry: {deals}");
    }
}

#[tokio::test]
async fn a_completed_whatsapp_flow_is_a_lead_of_its_flow_source_with_the_answers_as_fields() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let source = json!({"id": "kurta_form", "name": "Kurta enquiry form", "auth": "whatsapp_flow", "pipeline": "sales",
        "stage": "qualified", "owner": {"kind": "unassigned"}, "tags": ["flow"], "mapping": {"name": "full_name"}});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/kurta_form", Some(&source)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(post_bearer(&t, "kurta_form", saved["secret"].as_str().unwrap_or(""), &json!({})).await.0, 401);

    let form = json!({"from": "919812388001", "name": "Meera", "flow_token": "kurta_form",
        "answers": {"full_name": "Meera Iyer", "city": "Pune", "size": "M"}});
    let response = t.http.post(format!("{}/sim/customer/flow", t.simulator_url)).json(&form).send().await.unwrap();
    assert!(response.status().is_success());
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let contact = t.contact_once(&admin, &id, |c| c["fields"]["city"] == "Pune").await;
    assert_eq!(contact["fields"]["size"], "M");
    assert_eq!(contact["tags"], json!(["flow"]));
    let timeline = t.timeline(&admin, &id).await;
    assert_eq!(timeline[0]["content"]["answers"]["city"], "Pune");
    assert_eq!(timeline[0]["content"]["flow_token"], "kurta_form");
    let (_, deals) = t.get(&admin, &format!("/api/contacts/{id}/deals")).await;
    let deals = deals["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(deals.len(), 1, "{deals:?}");
    assert_eq!(
        (deals[0]["stage"].as_str(), deals[0]["title"].as_str()),
        (Some("qualified"), Some("Meera Iyer · Kurta enquiry form"))
    );
}

#[tokio::test]
async fn staff_send_a_sources_flow_and_the_completed_form_is_its_lead() {
    let t = TestStack::start().await;
    let admin = ready(&t).await;
    let launch = json!({"flow_id": "1290472038", "screen": "ENQUIRY", "cta": "Tell us more"});
    let source = json!({"id": "saree_form", "name": "Saree enquiry", "auth": "whatsapp_flow", "pipeline": "sales",
        "stage": null, "owner": {"kind": "unassigned"}, "tags": ["saree-form"], "mapping": {}, "flow": launch});
    let (status, saved) = t.request(&admin, "PUT", "/api/lead_sources/saree_form", Some(&source)).await;
    assert_eq!((status, &saved["flow"]), (200, &launch), "{saved}");
    let mut long = source.clone();
    long["flow"]["cta"] = json!("Tell us more about what you need");
    let (status, refused) = t.request(&admin, "PUT", "/api/lead_sources/saree_form", Some(&long)).await;
    assert_eq!(status, 422, "{refused}");

    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (_, forms) = t.get(&agent, "/api/flow_forms").await;
    assert_eq!(forms["items"], json!([{"source": "saree_form", "name": "Saree enquiry", "flow": launch}]), "no secret");

    t.customer_says("919812388002", "Rekha", "Do you have Banarasi sarees?").await;
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let flow = json!({"type": "interactive", "interactive": {"body": "Tell us the colour and budget", "footer": "Takes a minute",
        "action": {"kind": "flow", "flow_id": "1290472038", "screen": "ENQUIRY", "cta": "Tell us more", "token": "saree_form"}}});
    let (status, queued) = t.post(&admin, &format!("/api/contacts/{id}/messages"), &flow, None).await;
    assert_eq!(status, 202, "{queued}");
    let mut sent = Vec::new();
    for _ in 0..300 {
        sent = t.accepted().await;
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let interactive = &sent[0]["body"]["interactive"];
    assert_eq!(interactive["type"], "flow", "{interactive}");
    assert_eq!(
        interactive["action"]["parameters"],
        json!({"flow_message_version": "3", "flow_token": "saree_form", "flow_id": "1290472038", "flow_cta": "Tell us more",
            "flow_action": "navigate", "flow_action_payload": {"screen": "ENQUIRY"}})
    );

    let timeline = t.timeline(&admin, &id).await;
    let offered = timeline.iter().find(|m| m["direction"] == "out").map(|m| m["content"].clone());
    assert_eq!(
        offered,
        Some(
            json!({"kind": "offered", "style": "flow", "header": null, "options": [], "button": "Tell us more", "footer": "Takes a minute"})
        ),
        "the timeline shows what the customer was given"
    );

    let form = json!({"from": "919812388002", "name": "Rekha", "flow_token": "saree_form",
        "answers": {"colour": "Maroon", "budget": "15000"}});
    let response = t.http.post(format!("{}/sim/customer/flow", t.simulator_url)).json(&form).send().await.unwrap();
    assert!(response.status().is_success());
    let contact = t.contact_once(&admin, &id, |c| c["fields"]["colour"] == "Maroon").await;
    assert_eq!(contact["tags"], json!(["saree-form"]));
    let (_, deals) = t.get(&admin, &format!("/api/contacts/{id}/deals")).await;
    assert_eq!(deals["items"].as_array().map(Vec::len), Some(1), "{deals}");
}
