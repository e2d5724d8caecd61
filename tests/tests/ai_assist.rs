//! AI assist against the simulator's stand-in of both providers' HTTP
//! contracts: off until an admin turns it on, the key never returned, the
//! conversation's text (not the phone number) sent, tokens and cost per
//! use, and a provider outage failing only the assist call.

use parley_e2e::TestStack;
use serde_json::{json, Value};

const KEY: &str = "sk-test-e2e-4242";
const PHONE: &str = "919876500201";

async fn contact_of(t: &TestStack, cookie: &str) -> String {
    t.customer_says(PHONE, "Asha Rao", "Hi, I am Asha from Pune, budget 40000 for a sofa").await;
    let (_, found) = t.get(cookie, "/api/contacts?q=asha").await;
    found["items"][0]["id"].as_str().expect("the contact").to_owned()
}

fn openai(t: &TestStack) -> Value {
    json!({"enabled": true, "provider": "open_ai", "endpoint": format!("{}/openai/v1", t.simulator_url),
        "model": "gpt-4o-mini", "input_price_per_1k": 0.15, "output_price_per_1k": 0.6,
        "business_facts": "Sofas start at Rs 25,000. Free delivery in Pune.", "api_key": KEY})
}

async fn provider_requests(t: &TestStack) -> Vec<Value> {
    let url = format!("{}/sim/ai/requests", t.simulator_url);
    t.http.get(url).send().await.expect("simulator answers").json().await.expect("JSON")
}

async fn assist(t: &TestStack, cookie: &str, contact: &str, task: &str) -> (u16, Value) {
    t.post(cookie, &format!("/api/contacts/{contact}/assist"), &json!({"task": task}), None).await
}

#[tokio::test]
async fn both_providers_answer_and_the_key_never_leaves() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = contact_of(&t, &admin).await;

    let (status, off) = assist(&t, &agent, &contact, "summary").await;
    assert_eq!((status, &off["error"]["code"]), (409, &json!("ai_off")), "{off}");
    let (status, settings) = t.get(&admin, "/api/ai_settings").await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!((&settings["enabled"], &settings["key_set"]), (&json!(false), &json!(false)));
    let suggested = settings["suggested_endpoint"].as_str().unwrap_or_default();
    assert!(suggested.ends_with("/openai/v1"), "{settings}");
    assert_eq!(t.get(&agent, "/api/ai_settings").await.0, 403);
    assert_eq!(t.request(&agent, "PUT", "/api/ai_settings", Some(&openai(&t))).await.0, 403, "agents change nothing");

    let (status, saved) = t.request(&admin, "PUT", "/api/ai_settings", Some(&openai(&t))).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!((&saved["enabled"], &saved["key_set"]), (&json!(true), &json!(true)));
    assert!(!saved.to_string().contains(KEY), "the key is never returned: {saved}");

    let (status, summary) = assist(&t, &agent, &contact, "summary").await;
    assert_eq!(status, 200, "{summary}");
    assert!(summary["summary"].as_str().unwrap().contains("I am Asha from Pune"), "{summary}");
    let input = summary["usage"]["input_tokens"].as_u64().unwrap();
    let output = summary["usage"]["output_tokens"].as_u64().unwrap();
    assert!(input > 0 && output > 0, "{summary}");
    #[allow(clippy::cast_precision_loss)]
    let cost = (input as f64 * 0.15 + output as f64 * 0.6) / 1000.0;
    assert!((summary["usage"]["cost"].as_f64().unwrap() - cost).abs() < 1e-9, "{summary}");
    let (_, intent) = assist(&t, &agent, &contact, "intent").await;
    assert_eq!(intent["intent"], "sales", "{intent}");
    let (_, fields) = assist(&t, &agent, &contact, "fields").await;
    assert_eq!(fields["fields"], json!({"name": "Asha", "city": "Pune", "budget": "40000"}));
    let (_, draft) = assist(&t, &agent, &contact, "draft").await;
    assert!(draft["draft"].as_str().unwrap().contains("Sofas start at Rs 25,000"), "{draft}");
    assert_eq!(t.timeline(&admin, &contact).await.len(), 1, "a draft is never sent");

    let sent = provider_requests(&t).await;
    assert_eq!(sent.len(), 4);
    for request in &sent {
        assert_eq!(request["provider"], "openai");
        assert_eq!(request["authorization"], format!("Bearer {KEY}"));
        assert_eq!(request["body"]["model"], "gpt-4o-mini");
        let body = request["body"].to_string();
        assert!(body.contains("Customer: Hi, I am Asha from Pune"), "{body}");
        assert!(!body.contains(PHONE), "no phone number goes to the provider");
    }

    // Bedrock's Converse API, the key kept as stored.
    let bedrock = json!({"enabled": true, "provider": "bedrock", "endpoint": format!("{}/bedrock", t.simulator_url),
        "model": "anthropic.claude-3-haiku-20240307-v1:0", "input_price_per_1k": 0.25, "output_price_per_1k": 1.25,
        "business_facts": "Sofas start at Rs 25,000."});
    let (status, saved) = t.request(&admin, "PUT", "/api/ai_settings", Some(&bedrock)).await;
    assert_eq!((status, &saved["key_set"]), (200, &json!(true)), "{saved}");
    let (status, draft) = assist(&t, &agent, &contact, "draft").await;
    assert_eq!(status, 200, "{draft}");
    assert!(draft["draft"].as_str().unwrap().contains("Sofas start at Rs 25,000"), "{draft}");
    assert_eq!(draft["provider"], "bedrock");
    assert!(draft["usage"]["cost"].as_f64().unwrap() > 0.0);
    let sent = provider_requests(&t).await;
    let last = sent.last().unwrap();
    assert_eq!(last["path"], "/bedrock/model/anthropic.claude-3-haiku-20240307-v1:0/converse");
    assert_eq!(last["authorization"], format!("Bearer {KEY}"));
    assert_eq!(last["body"]["messages"][0]["role"], "user");

    let (_, read) = t.get(&admin, "/api/ai_settings").await;
    assert!(!read.to_string().contains(KEY));
    let day = parley_e2e::business_day_of(parley::ports::Clock::now(&*t.clock));
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={day}")).await;
    let lines: Vec<&Value> =
        audit["items"].as_array().unwrap().iter().filter(|l| l["action"] == "ai_settings").collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert!(!audit.to_string().contains(KEY), "the audit never holds the key");

    // Cleared, the key is gone and assist says so.
    let cleared = json!({"enabled": true, "provider": "bedrock", "endpoint": format!("{}/bedrock", t.simulator_url),
        "model": "m", "clear_key": true});
    let (_, saved) = t.request(&admin, "PUT", "/api/ai_settings", Some(&cleared)).await;
    assert_eq!(saved["key_set"], false);
    let (status, missing) = assist(&t, &agent, &contact, "summary").await;
    assert_eq!((status, &missing["error"]["code"]), (409, &json!("ai_key_missing")), "{missing}");
    let bad = json!({"enabled": true, "provider": "open_ai", "endpoint": "not a url", "model": "m"});
    assert_eq!(t.request(&admin, "PUT", "/api/ai_settings", Some(&bad)).await.0, 422);
}

#[tokio::test]
async fn an_outage_fails_only_the_assist_call() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let contact = contact_of(&t, &admin).await;
    assert_eq!(t.request(&admin, "PUT", "/api/ai_settings", Some(&openai(&t))).await.0, 200);
    let faults = format!("{}/sim/ai/faults", t.simulator_url);
    let put = t.http.put(&faults).json(&json!({"status": 503})).send().await.expect("simulator answers");
    assert!(put.status().is_success());

    let (status, failed) = assist(&t, &admin, &contact, "draft").await;
    assert_eq!((status, &failed["error"]["code"]), (502, &json!("ai_unavailable")), "{failed}");
    assert!(failed["error"]["message"].as_str().unwrap().contains("503"), "{failed}");
    assert_eq!(provider_requests(&t).await.len(), 1, "one attempt, no retries");

    // Everything else works meanwhile.
    let (status, queued) = t
        .post(
            &admin,
            &format!("/api/contacts/{contact}/messages"),
            &json!({"type": "text", "text": "We will call you"}),
            None,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(t.get(&admin, &format!("/api/contacts/{contact}")).await.0, 200);
    assert_eq!(t.get(&admin, "/api/conversations?queue=open").await.0, 200);

    let put = t.http.put(&faults).json(&json!({})).send().await.expect("simulator answers");
    assert!(put.status().is_success());
    let (status, summary) = assist(&t, &admin, &contact, "summary").await;
    assert_eq!(status, 200, "back once the provider is: {summary}");
}

#[tokio::test]
async fn a_stalled_or_refusing_provider_is_cut_short_in_one_attempt() {
    use parley::adapters::ai_http::HttpAiAssistant;
    use parley::domain::ai_prompt::AiPrompt;
    use parley::domain::ai_settings::{AiProvider, AiSettings};
    use parley::ports::{AiAssistant, AiProviderError};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, parley_simulator::ai_provider::router()).await;
    });
    let http = reqwest::Client::new();
    let fault = |faults: Value| http.put(format!("{base}/sim/ai/faults")).json(&faults).send();
    let openai = AiSettings {
        enabled: true,
        provider: AiProvider::OpenAi,
        endpoint: format!("{base}/openai/v1"),
        model: "m".into(),
        ..AiSettings::default()
    };
    let bedrock = AiSettings { provider: AiProvider::Bedrock, endpoint: format!("{base}/bedrock"), ..openai.clone() };
    let prompt = AiPrompt { system: "Task: summary".into(), user: "Conversation:\nCustomer: hello".into() };
    let assistant = HttpAiAssistant::with_timeout(std::time::Duration::from_millis(300));

    assert!(fault(json!({"delay_ms": 5000})).await.is_ok());
    assert_eq!(assistant.complete(&openai, KEY, &prompt).await, Err(AiProviderError::Timeout));
    assert!(fault(json!({})).await.is_ok());
    assert_eq!(assistant.complete(&openai, "", &prompt).await, Err(AiProviderError::Unauthorized(401)));
    assert_eq!(assistant.complete(&bedrock, "", &prompt).await, Err(AiProviderError::Unauthorized(403)));
    let answered = assistant.complete(&bedrock, KEY, &prompt).await.expect("an answer");
    assert!(answered.text.contains("hello") && answered.usage.input_tokens > 0, "{answered:?}");
    let closed = AiSettings { endpoint: "http://127.0.0.1:9/v1".into(), ..openai };
    assert_eq!(assistant.complete(&closed, KEY, &prompt).await, Err(AiProviderError::Unreachable));
    let sent: Vec<Value> = http.get(format!("{base}/sim/ai/requests")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.len(), 4, "one request per call, no retries");
}

/// The one way AI text reaches a customer unsent by a person: a rule the
/// admin wrote, inside the window. Off, it sends nothing and says why; on,
/// the stand-in's draft goes out through the sender like any reply.
#[tokio::test]
async fn a_rule_sends_the_ai_draft_only_when_ai_assist_is_on_and_says_why_when_not() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let rule = json!({"name": "Answer price questions", "trigger": {"type": "keyword", "keywords": ["price"]},
        "actions": [{"type": "send_ai_reply"}]});
    let (status, created) = t.post(&admin, "/api/rules", &rule, None).await;
    assert_eq!(status, 201, "{created}");
    let log_path = format!("/api/rules/{}/log", created["id"].as_str().unwrap());
    // A rule acts on messages from after it was saved, and Meta's message
    // timestamps are whole seconds.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;

    t.customer_says(PHONE, "Asha Rao", "What is the price of a sofa?").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let outcomes = loop {
        let (_, log) = t.get(&admin, &log_path).await;
        if let Some(entry) = log["items"].as_array().and_then(|items| items.first()) {
            break entry["outcomes"].clone();
        }
        assert!(std::time::Instant::now() < deadline, "the rule never ran: {log}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(outcomes.to_string().contains("skipped, AI assist is turned off"), "{outcomes}");
    assert!(t.accepted().await.is_empty(), "nothing sent while AI assist is off");

    assert_eq!(t.request(&admin, "PUT", "/api/ai_settings", Some(&openai(&t))).await.0, 200);
    t.customer_says(PHONE, "Asha Rao", "And the price with delivery?").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let sent = loop {
        if let [sent] = t.accepted().await.as_slice() {
            break sent.clone();
        }
        assert!(std::time::Instant::now() < deadline, "the draft was never sent");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(sent["to"], PHONE);
    let text = sent["body"]["text"]["body"].as_str().unwrap_or_default();
    assert!(text.contains("Sofas start at Rs 25,000"), "the draft from the business facts: {sent}");
    let (_, log) = t.get(&admin, &log_path).await;
    assert!(log.to_string().contains("AI draft of"), "tokens and cost per use are logged: {log}");
    let asked = provider_requests(&t).await;
    assert_eq!(asked.len(), 1, "the provider is asked once, only while on: {asked:?}");
    assert!(!asked[0].to_string().contains(PHONE), "the phone number is never sent to the provider");
}
