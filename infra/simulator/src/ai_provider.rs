//! A stand-in for an AI provider, built from the documented HTTP contracts
//! (it runs no model): OpenAI's chat completions (`POST
//! /openai/v1/chat/completions`, bearer key, `choices[0].message.content`,
//! `usage.prompt_tokens`/`completion_tokens`) and Amazon Bedrock's Converse
//! API (`POST /bedrock/model/{modelId}/converse`, a Bedrock API key as
//! bearer, `output.message.content[].text`, `usage.inputTokens`/
//! `outputTokens`). Its answers are canned from the prompt Parley sends
//! (the `Task:` line, the conversation and the business facts), so tests
//! can tell the thread and the facts arrived. `PUT /sim/ai/faults` makes it
//! fail or stall; `GET /sim/ai/requests` lists what it was sent.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the stand-in misbehaves (`PUT /sim/ai/faults`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AiFaults {
    /// Answer every call with this HTTP status (an outage: 500, 503, 429).
    pub status: Option<u16>,
    /// Wait this long before answering (past the caller's timeout).
    pub delay_ms: u64,
}

/// One call as received.
#[derive(Debug, Clone, Serialize)]
pub struct AiRequest {
    /// `openai` or `bedrock`.
    pub provider: &'static str,
    /// The path called.
    pub path: String,
    /// The `Authorization` header as sent.
    pub authorization: Option<String>,
    /// The JSON body.
    pub body: Value,
}

#[derive(Default)]
struct Provider {
    faults: Mutex<AiFaults>,
    requests: Mutex<Vec<AiRequest>>,
}

/// The stand-in's routes.
pub fn router() -> Router {
    Router::new()
        .route("/openai/v1/chat/completions", post(chat_completions))
        .route("/bedrock/model/{model}/converse", post(converse))
        .route("/sim/ai/faults", put(set_faults))
        .route("/sim/ai/requests", get(requests).delete(forget))
        .with_state(Arc::new(Provider::default()))
}

async fn set_faults(State(p): State<Arc<Provider>>, Json(faults): Json<AiFaults>) -> StatusCode {
    if let Ok(mut f) = p.faults.lock() {
        *f = faults;
    }
    StatusCode::NO_CONTENT
}

async fn requests(State(p): State<Arc<Provider>>) -> Json<Vec<AiRequest>> {
    Json(p.requests.lock().map(|r| r.clone()).unwrap_or_default())
}

async fn forget(State(p): State<Arc<Provider>>) -> StatusCode {
    if let Ok(mut r) = p.requests.lock() {
        r.clear();
    }
    StatusCode::NO_CONTENT
}

/// Records the call and applies the faults; `Some` is the answer to give
/// instead of a completion.
async fn receive(
    p: &Provider,
    provider: &'static str,
    path: String,
    headers: &HeaderMap,
    body: &Value,
) -> Option<Response> {
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Ok(mut r) = p.requests.lock() {
        r.push(AiRequest { provider, path, authorization: authorization.clone(), body: body.clone() });
    }
    let faults = p.faults.lock().map(|f| f.clone()).unwrap_or_default();
    if faults.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.delay_ms)).await;
    }
    let key = authorization.as_deref().and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("").trim();
    let failure = match faults.status {
        Some(status) => Some(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)),
        None if key.is_empty() => {
            Some(if provider == "openai" { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN })
        }
        None => None,
    }?;
    // Each provider's documented error body.
    let body = if provider == "openai" {
        json!({"error": {"message": "The stand-in was told to fail", "type": "server_error", "param": null, "code": failure.as_u16().to_string()}})
    } else {
        json!({"message": "The stand-in was told to fail"})
    };
    Some((failure, Json(body)).into_response())
}

async fn chat_completions(State(p): State<Arc<Provider>>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(refused) = receive(&p, "openai", "/openai/v1/chat/completions".into(), &headers, &body).await {
        return refused;
    }
    let text_of = |role: &str| {
        body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["role"] == role)
            .filter_map(|m| m["content"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (system, user) = (text_of("system"), text_of("user"));
    let answer = canned_answer(&system, &user);
    let model = body["model"].as_str().unwrap_or("stand-in");
    Json(json!({
        "id": "chatcmpl-standin", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": tokens(&system) + tokens(&user), "completion_tokens": tokens(&answer),
            "total_tokens": tokens(&system) + tokens(&user) + tokens(&answer)},
    }))
    .into_response()
}

async fn converse(
    State(p): State<Arc<Provider>>,
    Path(model): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = receive(&p, "bedrock", format!("/bedrock/model/{model}/converse"), &headers, &body).await {
        return refused;
    }
    let texts = |blocks: &Value| {
        blocks.as_array().into_iter().flatten().filter_map(|b| b["text"].as_str()).collect::<Vec<_>>().join("\n")
    };
    let system = texts(&body["system"]);
    let user =
        body["messages"].as_array().into_iter().flatten().map(|m| texts(&m["content"])).collect::<Vec<_>>().join("\n");
    let answer = canned_answer(&system, &user);
    let (input, output) = (tokens(&system) + tokens(&user), tokens(&answer));
    Json(json!({
        "output": {"message": {"role": "assistant", "content": [{"text": answer}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": input, "outputTokens": output, "totalTokens": input + output},
        "metrics": {"latencyMs": 1},
    }))
    .into_response()
}

/// About four characters a token, as providers' rules of thumb say.
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// The customer's lines of the conversation.
fn customer_lines(user: &str) -> Vec<&str> {
    user.lines().filter_map(|l| l.strip_prefix("Customer: ")).collect()
}

/// The word after any of `markers` in the customer's lines, capitalised.
fn word_after(lines: &[&str], markers: &[&str]) -> Option<String> {
    lines.iter().find_map(|line| {
        let lower = line.to_lowercase();
        markers.iter().find_map(|marker| {
            let at = lower.find(marker)? + marker.len();
            let word: String =
                line[at..].trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == ',').collect();
            let word = word.trim_end_matches(',');
            (!word.is_empty()).then(|| {
                let mut chars = word.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            })
        })
    })
}

/// An answer shaped as the task asks, made from the prompt.
fn canned_answer(system: &str, user: &str) -> String {
    let task = system.lines().find_map(|l| l.strip_prefix("Task: ")).unwrap_or("summary").trim();
    let said = customer_lines(user);
    let last = said.last().copied().unwrap_or("nothing yet");
    match task {
        "intent" => {
            let all = said.join(" ").to_lowercase();
            let intent = if ["invoice", "refund", "payment", "bill"].iter().any(|w| all.contains(w)) {
                "billing"
            } else if ["broken", "not working", "repair", "complaint"].iter().any(|w| all.contains(w)) {
                "support"
            } else if ["win a prize", "click here", "lottery"].iter().any(|w| all.contains(w)) {
                "spam"
            } else {
                "sales"
            };
            intent.to_owned()
        }
        "fields" => json!({
            "name": word_after(&said, &["my name is", "i am", "i'm", "this is"]),
            "city": word_after(&said, &[" from ", " in ", " to "]),
            "budget": word_after(&said, &["budget is", "budget of", "budget"]),
        })
        .to_string(),
        "draft" => {
            let facts = system.split("Business facts:\n").nth(1).unwrap_or("").trim();
            let first_fact = facts.split(['.', '\n']).next().unwrap_or("").trim();
            format!("Thank you for your message! {first_fact}. A colleague will confirm the details shortly.")
        }
        _ => format!("The customer wrote {} message(s); most recently: \"{last}\".", said.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_the_task_line() {
        let user = "Conversation:\nCustomer: Hi, I am asha from pune, budget 40000\nBusiness: Hello!";
        let fields: Value = serde_json::from_str(&canned_answer("Task: fields", user)).unwrap();
        assert_eq!(fields, json!({"name": "Asha", "city": "Pune", "budget": "40000"}));
        assert_eq!(canned_answer("Task: intent", user), "sales");
        let draft = canned_answer("Task: draft\n\nBusiness facts:\nWe deliver free in Pune. Open 10-7.", user);
        assert!(draft.contains("We deliver free in Pune."));
        assert!(canned_answer("Task: summary", user).contains("1 message(s)"));
    }
}
