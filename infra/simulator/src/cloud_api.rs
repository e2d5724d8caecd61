//! The Cloud API side of the simulator: Meta's send contract (with its error
//! codes and throttling), the template catalog, and signed status webhooks
//! that arrive late, twice and out of order on demand.

use crate::customer::new_wamid;
use crate::indiamart::{CrmQuery, Enquiry, IndiaMartDesk};
use crate::lead_ads::{leadgen_webhook, LeadAdsBook, LeadForm};
use crate::media::{Download, Lookup, MediaLibrary};
use crate::media_send::{check_shape, MediaSendRefusal, MediaSource, SENT_MEDIA_TYPES};
use crate::webhook::{envelope, messages_change, post_signed, BusinessPhone};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Faults to inject, settable at run time (`PUT /sim/faults`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Share of send calls answered 500 without sending.
    pub server_error_rate: f64,
    /// Share of send calls that are accepted but answered too late.
    pub timeout_rate: f64,
    /// How long a "timed out" call takes to answer, in ms.
    pub timeout_ms: u64,
    /// Sends per second above which calls get 130429.
    pub max_per_second: Option<u32>,
    /// The next this-many sends get 130429 whatever their pace, so a test
    /// meets throttling on a machine too loaded to reach any rate.
    pub throttle_next: u32,
    /// Post every status webhook twice.
    pub duplicate_statuses: bool,
    /// Post a message's statuses in random order.
    pub shuffle_statuses: bool,
    /// Recipients whose `to` ends with this fail with 131026.
    pub failing_recipient_suffix: Option<String>,
    /// Recipients whose `to` ends with this fail with 131049: Meta's
    /// per-user marketing limit, told in the failed status, never on the send.
    pub marketing_limited_suffix: Option<String>,
    /// Accept sends but answer 200 with a body that is not Meta's JSON
    /// (a proxy's error page, a cut-off answer).
    pub garbage_success: bool,
    /// Post no status webhooks at all (Meta's are late, or lost).
    pub withhold_statuses: bool,
    /// The template catalog comes in two pages, the first linking to this
    /// as `paging.next` (Meta's links carry `access_token`). The simulator
    /// answers `after=2` with the second page and `after=FAIL` with a 500.
    pub templates_next: Option<String>,
    /// The next this many catalog reads answer only after `timeout_ms`
    /// (a slow Graph API, as a client with a shorter timeout sees it).
    pub slow_catalog_reads: u32,
    /// The next this many media urls handed out are already expired when
    /// fetched (a worker that waited past Meta's 5 minutes).
    pub expire_media_urls: u32,
    /// Media a customer sends is already gone at Meta when Parley asks
    /// (its id outlived Meta's 7 days, or it was deleted).
    pub media_gone: bool,
    /// IndiaMART's least time between two pulls with one key, in ms
    /// (`None`: its documented five minutes).
    pub indiamart_min_interval_ms: Option<u64>,
    /// The next this-many sends get 131056: too many messages from the
    /// business to one customer in a short time (Meta's pair rate limit).
    pub pair_rate_next: u32,
    /// Meta has revoked the access token: every call is refused with 190
    /// (a system user's token removed or its app's permissions withdrawn).
    pub token_revoked: bool,
}

/// How the simulator reaches Parley.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Parley's `/webhook`.
    pub webhook_url: String,
    /// The app secret it signs with.
    pub app_secret: String,
    /// The only access token it accepts.
    pub access_token: String,
    /// The only IndiaMART CRM key it accepts.
    pub indiamart_key: String,
}

/// A message the simulator accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    /// The wamid it gave.
    pub wamid: String,
    /// The recipient.
    pub to: String,
    /// The business number it left from (the `phone_number_id` in the path).
    pub from: String,
    /// `biz_opaque_callback_data`.
    pub callback_data: Option<String>,
    /// The request body.
    pub body: Value,
    /// For a file sent by link: the SHA-256 of the bytes fetched from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_sha256: Option<String>,
}

struct Sim {
    config: SimulatorConfig,
    faults: Mutex<Faults>,
    accepted: Mutex<Vec<Accepted>>,
    last_inbound: Mutex<HashMap<String, u64>>,
    sends_this_second: Mutex<(Instant, u32)>,
    http: reqwest::Client,
    media: MediaLibrary,
    lead_ads: LeadAdsBook,
    indiamart: IndiaMartDesk,
    read_marks: crate::read_marks::ReadMarks,
    calls: crate::call_book::CallBook,
}

/// The simulator's routes.
pub fn router(config: SimulatorConfig, faults: Faults) -> Router {
    let sim = Arc::new(Sim {
        faults: Mutex::new(faults),
        accepted: Mutex::new(Vec::new()),
        last_inbound: Mutex::new(HashMap::new()),
        sends_this_second: Mutex::new((Instant::now(), 0)),
        http: reqwest::Client::new(),
        media: MediaLibrary::default(),
        lead_ads: LeadAdsBook::default(),
        indiamart: IndiaMartDesk::new(&config.indiamart_key),
        read_marks: crate::read_marks::ReadMarks::default(),
        calls: crate::call_book::CallBook::default(),
        config,
    });
    Router::new()
        .route("/{version}/{id}/messages", post(send))
        .route("/{version}/{id}/message_templates", get(templates))
        .route("/{version}/{id}/calls", post(business_acts_on_call))
        .route("/sim/phone", get(phone_page))
        .route("/sim/phone.js", get(phone_script))
        .route("/sim/calls/{call_id}", get(call_state))
        .route("/sim/calls/{call_id}/hang_up", post(customer_hangs_up))
        .route("/{version}/me", get(token_owner))
        .route("/{version}/{id}", get(media_info).delete(media_delete))
        .route("/sim/media-download", get(media_download))
        .route("/sim/media-lookups", get(media_lookups))
        .route("/sim/customer", post(customer_writes))
        .route("/sim/customer/revision", post(customer_revises))
        .route("/sim/customer/call", post(customer_calls))
        .route("/sim/customer/flow", post(customer_completes_flow))
        .route("/sim/phone-app", post(phone_app_sends))
        .route("/sim/history", post(history_shared))
        .route("/sim/address-book", post(address_book_changed))
        .route("/sim/platform", post(platform_changed))
        .route("/sim/accepted", get(accepted))
        .route("/sim/read_marks", get(read_marks))
        .route("/sim/faults", put(set_faults))
        .route("/sim/lead_ad", post(lead_form_submitted))
        .route("/sim/indiamart", post(indiamart_enquiry))
        .route("/wservce/crm/crmListing/v2/", get(indiamart_listing))
        .with_state(sim)
}

pub use crate::templates::catalog;

fn meta_error(status: StatusCode, code: i64, message: &str, details: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details}, "fbtrace_id": "SIMULATED"}});
    (status, Json(body)).into_response()
}

impl Sim {
    /// The customer `wa_id` wrote (or called) at `at`: their service window
    /// opens, as Meta's does.
    fn customer_wrote(&self, wa_id: &str, at: u64) {
        if let Ok(mut windows) = self.last_inbound.lock() {
            windows.insert(wa_id.to_owned(), at);
        }
    }
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

async fn send(
    State(sim): State<Arc<Sim>>,
    Path((_version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refusal) = refuse_token_for_number(&sim, &headers, &phone_number_id) {
        return refusal;
    }
    if body["status"] == "read" {
        return match sim.read_marks.take(&phone_number_id, &body) {
            Ok(answer) => Json(answer).into_response(),
            Err(r) => meta_error(StatusCode::BAD_REQUEST, r.code, "Invalid parameter", r.details),
        };
    }
    let (faults, throttled, pair_limited) = match sim.faults.lock() {
        Ok(mut f) => {
            let throttled = f.throttle_next > 0;
            f.throttle_next = f.throttle_next.saturating_sub(1);
            let pair_limited = !throttled && f.pair_rate_next > 0;
            if pair_limited {
                f.pair_rate_next -= 1;
            }
            (f.clone(), throttled, pair_limited)
        }
        Err(_) => (Faults::default(), false, false),
    };
    if pair_limited {
        return meta_error(
            StatusCode::BAD_REQUEST,
            131056,
            "(Business Account, Consumer Account) pair rate limit hit",
            "Too many messages sent from this phone number to the same phone number in a short period of time",
        );
    }
    if throttled {
        return meta_error(
            StatusCode::TOO_MANY_REQUESTS,
            130429,
            "Rate limit hit",
            "Cloud API message throughput has been reached",
        );
    }
    if let Some(limit) = faults.max_per_second {
        let mut window = sim.sends_this_second.lock().unwrap_or_else(|e| e.into_inner());
        if window.0.elapsed() >= Duration::from_secs(1) {
            *window = (Instant::now(), 0);
        }
        window.1 += 1;
        if window.1 > limit {
            return meta_error(
                StatusCode::TOO_MANY_REQUESTS,
                130429,
                "Rate limit hit",
                "Cloud API message throughput has been reached",
            );
        }
    }
    let roll: f64 = rand::thread_rng().gen();
    if roll < faults.server_error_rate {
        return meta_error(StatusCode::INTERNAL_SERVER_ERROR, 1, "An unknown error occurred", "simulated outage");
    }
    // Meta's contract: a number in `to`, a business-scoped user id in
    // `recipient` (and `to` wins when both are given).
    let to = match (body["to"].as_str(), body["recipient"].as_str()) {
        (Some(number), _) if !number.bytes().all(|b| b.is_ascii_digit()) => {
            return meta_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter", "to must be a phone number");
        }
        (Some(number), _) => number.to_owned(),
        (None, Some(user)) => user.to_owned(),
        (None, None) => return meta_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter", "to is required"),
    };
    if let Some(refusal) = validate(&sim, &body, &to, &phone_number_id) {
        return refusal;
    }
    let media_sha256 = match fetch_media(&sim, &body).await {
        Ok(digest) => digest,
        Err(r) => return meta_error(StatusCode::BAD_REQUEST, r.code, r.message, &r.details),
    };
    let wamid = new_wamid();
    let accepted = Accepted {
        wamid: wamid.clone(),
        to: to.clone(),
        from: phone_number_id.clone(),
        callback_data: body["biz_opaque_callback_data"].as_str().map(str::to_owned),
        body,
        media_sha256,
    };
    if let Ok(mut list) = sim.accepted.lock() {
        list.push(accepted.clone());
    }
    let ends_with = |suffix: &Option<String>| suffix.as_deref().is_some_and(|s| !s.is_empty() && to.ends_with(s));
    let fail = if ends_with(&faults.failing_recipient_suffix) {
        Some(131026)
    } else if ends_with(&faults.marketing_limited_suffix) {
        Some(131049)
    } else {
        None
    };
    if !faults.withhold_statuses {
        tokio::spawn(post_statuses(sim.clone(), phone_number_id, accepted, fail, faults.clone()));
    }
    if roll < faults.server_error_rate + faults.timeout_rate {
        tokio::time::sleep(Duration::from_millis(faults.timeout_ms.max(1))).await;
    }
    if faults.garbage_success {
        return (StatusCode::OK, "<html><body>upstream answered</body></html>").into_response();
    }
    Json(json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}], "messages": [{"id": wamid, "message_status": "accepted"}]})).into_response()
}

/// Meta's answer to a missing, wrong or revoked access token, if it is.
fn refuse_token(sim: &Sim, headers: &HeaderMap) -> Option<Response> {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let revoked = sim.faults.lock().map(|f| f.token_revoked).unwrap_or(false);
    (revoked || token != Some(sim.config.access_token.as_str())).then(|| {
        meta_error(StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token", "the access token is not valid")
    })
}

/// Meta's answer when the token is valid but not for the account that owns
/// the number (or catalog) `id`: the object is out of its reach.
fn refuse_token_for(sim: &Sim, headers: &HeaderMap, id: &str, account_token: &str) -> Option<Response> {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    // The second account's token is as good as the business's own.
    let second = token == Some(SECOND_TOKEN) && !sim.faults.lock().map(|f| f.token_revoked).unwrap_or(false);
    if !second {
        if let Some(refusal) = refuse_token(sim, headers) {
            return Some(refusal);
        }
    }
    (token != Some(account_token)).then(|| {
        meta_error(
            StatusCode::BAD_REQUEST,
            100,
            &format!("Unsupported post request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"),
            "the access token has no access to this WhatsApp Business Account",
        )
    })
}

/// [`refuse_token_for`] a send or read receipt from `phone_number_id`.
fn refuse_token_for_number(sim: &Sim, headers: &HeaderMap, phone_number_id: &str) -> Option<Response> {
    let account_token = if phone_number_id == crate::templates::second_account::PHONE_NUMBER_ID {
        SECOND_TOKEN
    } else {
        sim.config.access_token.as_str()
    };
    refuse_token_for(sim, headers, phone_number_id, account_token)
}

const SECOND_TOKEN: &str = crate::templates::second_account::ACCESS_TOKEN;

/// `GET /<version>/me`: the token's owner, a system user.
async fn token_owner(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = refuse_token(&sim, &headers) {
        return refusal;
    }
    Json(json!({"id": "1029384756", "name": "Parley system user"})).into_response()
}

fn media_gone(media_id: &str) -> Response {
    meta_error(
        StatusCode::NOT_FOUND,
        100,
        &format!("Unsupported get request. Object with ID '{media_id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."),
        "media not found",
    )
}

/// `GET /<version>/<MEDIA_ID>`: the media's details and a 5-minute url.
async fn media_info(
    State(sim): State<Arc<Sim>>,
    Path((_version, media_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    // Media sent to another account's number is out of the system user's reach.
    let refusal = match sim.media.number_of(&media_id) {
        Some(number) => refuse_token_for_number(&sim, &headers, &number),
        None => refuse_token(&sim, &headers),
    };
    if let Some(refusal) = refusal {
        return refusal;
    }
    // Graph ids name any object: a lead is read at the same path as media.
    if let Some(lead) = sim.lead_ads.lead(&media_id) {
        return Json(lead).into_response();
    }
    let expired = match sim.faults.lock() {
        Ok(mut faults) if faults.expire_media_urls > 0 => {
            faults.expire_media_urls -= 1;
            true
        }
        _ => false,
    };
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    match sim.media.lookup(&media_id, &format!("http://{host}"), expired) {
        Lookup::Found(info) => Json(info).into_response(),
        Lookup::Gone => media_gone(&media_id),
    }
}

/// How often each media id was looked up, for tests.
async fn media_lookups(State(sim): State<Arc<Sim>>) -> Json<HashMap<String, u32>> {
    Json(sim.media.lookups())
}

/// `DELETE /<version>/<MEDIA_ID>`.
async fn media_delete(
    State(sim): State<Arc<Sim>>,
    Path((_version, media_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refuse_token(&sim, &headers) {
        return refusal;
    }
    match sim.media.delete(&media_id) {
        true => Json(json!({"success": true})).into_response(),
        false => media_gone(&media_id),
    }
}

/// The download url: the bytes, with the bearer token, until it expires.
async fn media_download(
    State(sim): State<Arc<Sim>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let hash = query.get("hash").map(String::as_str).unwrap_or_default();
    let refusal = match sim.media.number_of_link(hash) {
        Some(number) => refuse_token_for_number(&sim, &headers, &number),
        None => refuse_token(&sim, &headers),
    };
    if let Some(refusal) = refusal {
        return refusal;
    }
    match sim.media.download(query.get("hash").map(String::as_str).unwrap_or_default()) {
        Download::Bytes(bytes, mime) => ([("content-type", mime)], bytes).into_response(),
        Download::Gone => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A file sent by link is fetched, as Meta does before it accepts the
/// message; one sent by id must be a media id Meta hosts.
async fn fetch_media(sim: &Sim, body: &Value) -> Result<Option<String>, MediaSendRefusal> {
    let (kind, holder) = match body["type"].as_str() {
        Some(kind) if SENT_MEDIA_TYPES.contains(&kind) => (kind, body),
        Some("interactive") => match crate::media_send::check_interactive(body)? {
            Some(header) => header,
            None => return Ok(None),
        },
        // The simulator runs offline: a template header's link on this
        // machine (the stack's bucket, as a quote's PDF) is fetched as Meta
        // would; one elsewhere (the catalog examples' CDNs) is taken on trust.
        Some("template") => match crate::templates::header_file(&body["template"]) {
            Some((kind, header)) if header[kind]["link"].as_str().is_some_and(is_on_this_machine) => (kind, header),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    match check_shape(holder, kind)? {
        MediaSource::Link(link) => Ok(Some(crate::media_send::fetch(&sim.http, &link, kind).await?.sha256)),
        MediaSource::Id(id) => match sim.media.lookup(&id, "http://127.0.0.1", false) {
            Lookup::Found(_) => Ok(None),
            Lookup::Gone => Err(MediaSendRefusal {
                code: 131053,
                message: "Media upload error",
                details: format!("media id {id} is not known"),
            }),
        },
    }
}

fn is_on_this_machine(link: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost"]
        .iter()
        .any(|host| link.strip_prefix(host).is_some_and(|rest| rest.starts_with([':', '/'])))
}

/// Meta's refusal of a free-form message once the customer's 24-hour window has closed.
fn window_closed(sim: &Sim, to: &str) -> Option<Response> {
    let last = sim.last_inbound.lock().ok()?.get(to).copied();
    let open = last.is_some_and(|t| now_seconds() < t + 24 * 3600);
    (!open).then(|| meta_error(StatusCode::BAD_REQUEST, 131047, "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."))
}

fn validate(sim: &Sim, body: &Value, to: &str, phone_number_id: &str) -> Option<Response> {
    match body["type"].as_str() {
        Some(kind) if SENT_MEDIA_TYPES.contains(&kind) => {
            if let Err(r) = check_shape(body, kind) {
                return Some(meta_error(StatusCode::BAD_REQUEST, r.code, r.message, &r.details));
            }
            window_closed(sim, to)
        }
        Some("interactive") => {
            if let Err(r) = crate::media_send::check_interactive(body) {
                return Some(meta_error(StatusCode::BAD_REQUEST, r.code, r.message, &r.details));
            }
            window_closed(sim, to)
        }
        Some("text") => window_closed(sim, to),
        Some("reaction") => {
            let reaction = &body["reaction"];
            let on_a_message = reaction["message_id"].as_str().is_some_and(|id| id.starts_with("wamid."));
            if !on_a_message || !reaction["emoji"].is_string() {
                return Some(meta_error(
                    StatusCode::BAD_REQUEST,
                    131009,
                    "Parameter value is not valid",
                    "reaction needs message_id (a wamid) and emoji (empty to remove)",
                ));
            }
            window_closed(sim, to)
        }
        Some("template") => {
            let catalog = crate::templates::catalog_of(phone_number_id);
            let Some(template) = crate::templates::entry_in(&catalog, &body["template"]) else {
                return Some(meta_error(
                    StatusCode::NOT_FOUND,
                    132001,
                    "Template name does not exist in the translation",
                    "template name or language not found",
                ));
            };
            crate::templates::check_send(&template, &body["template"])
                .err()
                .map(|r| meta_error(StatusCode::BAD_REQUEST, r.code, r.message, &r.details))
        }
        _ => None,
    }
}

async fn post_statuses(sim: Arc<Sim>, phone_number_id: String, accepted: Accepted, fail: Option<i64>, faults: Faults) {
    let names: &[&str] = if fail.is_some() { &["failed"] } else { &["sent", "delivered", "read"] };
    let base = now_seconds();
    let window_open =
        sim.last_inbound.lock().ok().and_then(|w| w.get(&accepted.to).copied()).is_some_and(|t| base < t + 24 * 3600);
    let pricing = pricing_for(&accepted.body, &accepted.from, window_open);
    let mut statuses: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut s = crate::webhook::status(&accepted.wamid, name, (base + i as u64) as i64, &accepted.to);
            if let Some(cb) = &accepted.callback_data {
                s["biz_opaque_callback_data"] = json!(cb);
            }
            if s.get("pricing").is_some() {
                s["pricing"] = pricing.clone();
            }
            if fail == Some(131049) {
                s["errors"] = json!([{"code": 131049, "title": "This message was not delivered to maintain healthy ecosystem engagement.",
                    "message": "This message was not delivered to maintain healthy ecosystem engagement.",
                    "error_data": {"details": "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."}}]);
            }
            s
        })
        .collect();
    if faults.duplicate_statuses {
        statuses = statuses.into_iter().flat_map(|s| [s.clone(), s]).collect();
    }
    if faults.shuffle_statuses {
        statuses.shuffle(&mut rand::thread_rng());
    }
    let phone = BusinessPhone { phone_number_id, ..BusinessPhone::default() };
    for status in statuses {
        let body = serde_json::to_vec(&envelope(vec![messages_change(&phone, vec![], vec![], vec![status])]))
            .unwrap_or_default();
        // Meta retries a webhook that was not answered 200.
        for attempt in 0..20u64 {
            match post_signed(&sim.http, &sim.config.webhook_url, &sim.config.app_secret, body.clone()).await {
                Ok(r) if r.status().is_success() => break,
                _ => tokio::time::sleep(Duration::from_millis(100 * (attempt + 1))).await,
            }
        }
    }
}

/// Meta's per-message pricing: service replies and utility templates inside
/// the window are free; other templates bill by their category.
fn pricing_for(body: &Value, from: &str, window_open: bool) -> Value {
    let category = match body["type"].as_str() {
        Some("template") => {
            let name = body["template"]["name"].as_str().unwrap_or_default();
            crate::templates::catalog_of(from)
                .as_array()
                .and_then(|c| {
                    c.iter().find(|t| t["name"] == name).and_then(|t| t["category"].as_str()).map(str::to_lowercase)
                })
                .unwrap_or_else(|| "utility".to_owned())
        }
        _ => "service".to_owned(),
    };
    let free = category == "service" || (category == "utility" && window_open);
    let kind = if free { "free_customer_service" } else { "regular" };
    json!({"billable": !free, "pricing_model": "PMP", "type": kind, "category": category})
}

/// Templates on the first page when the catalog is paged.
const FIRST_PAGE: usize = 3;

async fn templates(
    State(sim): State<Arc<Sim>>,
    Path((_version, waba_id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if waba_id == crate::templates::second_account::WABA_ID {
        if let Some(refusal) = refuse_token_for(&sim, &headers, &waba_id, SECOND_TOKEN) {
            return refusal;
        }
        return Json(
            json!({"data": crate::templates::second_catalog(), "paging": {"cursors": {"before": "A", "after": "B"}}}),
        )
        .into_response();
    }
    let own_token = sim.config.access_token.clone();
    if let Some(refusal) = refuse_token_for(&sim, &headers, &waba_id, &own_token) {
        return refusal;
    }
    let slow = match sim.faults.lock() {
        Ok(mut faults) if faults.slow_catalog_reads > 0 => {
            faults.slow_catalog_reads -= 1;
            Some(faults.timeout_ms.max(1))
        }
        _ => None,
    };
    if let Some(ms) = slow {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let all = catalog().as_array().cloned().unwrap_or_default();
    let next = sim.faults.lock().ok().and_then(|f| f.templates_next.clone());
    match (query.get("after").map(String::as_str), next) {
        (Some("FAIL"), _) => {
            meta_error(StatusCode::INTERNAL_SERVER_ERROR, 2, "Service temporarily unavailable", "simulated")
        }
        (Some(_), _) => Json(json!({"data": all.get(FIRST_PAGE..).unwrap_or_default(), "paging": {"cursors": {"before": "B", "after": "C"}}}))
            .into_response(),
        (None, Some(next)) => Json(json!({"data": all.get(..FIRST_PAGE).unwrap_or_default(),
            "paging": {"cursors": {"before": "A", "after": "B"}, "next": next}}))
        .into_response(),
        (None, None) => {
            Json(json!({"data": all, "paging": {"cursors": {"before": "A", "after": "B"}}})).into_response()
        }
    }
}

/// A customer writing in through the simulator (`POST /sim/customer`).
#[derive(Debug, Deserialize)]
pub struct CustomerSays {
    /// `wa_id`, or a business-scoped user id (`IN.1349…`) for a customer
    /// who hides their number behind a username: Meta then sends no
    /// number at all.
    pub from: String,
    /// Profile name.
    pub name: String,
    /// The customer's WhatsApp username (`profile.username`).
    #[serde(default)]
    pub username: Option<String>,
    /// The text (a media message's caption).
    #[serde(default)]
    pub text: String,
    /// A sample file to send instead of text: `photo`, `voice`, `pdf`,
    /// `video` or `sticker`.
    #[serde(default)]
    pub media: Option<String>,
    /// Taps the reply button with this title (`Accept`) on the latest
    /// message with buttons sent to this customer, instead of writing.
    #[serde(default)]
    pub taps: Option<String>,
    /// Writes from a click-to-WhatsApp ad: the message carries Meta's
    /// `referral` for this ad.
    #[serde(default)]
    pub ad: Option<AdClick>,
    /// Writes to this business number (`phone_number_id`) instead of the
    /// simulator's default one: a deployment can run several.
    #[serde(default)]
    pub to_number: Option<String>,
}

/// The ad a customer tapped before writing.
#[derive(Debug, Deserialize)]
pub struct AdClick {
    /// The ad's id (`source_id`).
    pub id: String,
    /// Its headline.
    #[serde(default)]
    pub headline: Option<String>,
}

/// Meta's `referral` on the first message after a click on `ad`, with a
/// fresh click id.
fn referral(ad: &AdClick) -> Value {
    json!({
        "source_url": format!("https://fb.me/{}", ad.id),
        "source_id": ad.id,
        "source_type": "ad",
        "headline": ad.headline.clone().unwrap_or_else(|| "Chat with us".to_owned()),
        "body": "Tap to send us a message on WhatsApp",
        "media_type": "image",
        "image_url": format!("https://scontent.example/{}.jpg", ad.id),
        "ctwa_clid": format!("ARA{}", new_wamid().trim_start_matches("wamid.").chars().take(24).collect::<String>()),
    })
}

/// The customer's tap on the button titled `title` of the latest message
/// with buttons sent to them, with the tapped message as its context: on an
/// interactive message Meta's `interactive.button_reply`; on a template's
/// quick reply a `button` message with the payload sent for that button
/// (or its label, when none was).
fn button_tap(sim: &Sim, customer: &crate::Customer, to: &str, title: &str, wamid: &str, now: i64) -> Option<Value> {
    let accepted = sim.accepted.lock().ok()?;
    let (sent, kind, reply) = accepted.iter().rev().filter(|a| a.to == to).find_map(|a| {
        let reply = match a.body["type"].as_str()? {
            "interactive" => interactive_reply(&a.body, title).map(|r| ("interactive", r)),
            "template" => template_reply(&a.body["template"], title).map(|r| ("button", r)),
            _ => None,
        }?;
        Some((a.wamid.clone(), reply.0, reply.1))
    })?;
    let mut message = customer.message(wamid, now, kind, reply);
    message["context"] = json!({"from": "15550783881", "id": sent});
    Some(message)
}

fn interactive_reply(body: &Value, title: &str) -> Option<Value> {
    let buttons = body["interactive"]["action"]["buttons"].as_array()?;
    let button =
        buttons.iter().find(|b| b["reply"]["title"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(title)))?;
    Some(json!({"type": "button_reply", "button_reply": button["reply"].clone()}))
}

fn template_reply(sent: &Value, title: &str) -> Option<Value> {
    let entry = crate::templates::entry_for(sent)?;
    let buttons =
        entry["components"].as_array()?.iter().find(|c| c["type"] == "BUTTONS")?["buttons"].as_array()?.clone();
    let index = buttons.iter().position(|b| {
        b["type"] == "QUICK_REPLY" && b["text"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(title))
    })?;
    let text = buttons[index]["text"].as_str()?.to_owned();
    let payload = sent["components"]
        .as_array()
        .and_then(|components| {
            components.iter().find(|c| {
                c["type"] == "button"
                    && c["sub_type"] == "quick_reply"
                    && c["index"].as_str() == Some(&index.to_string())
            })
        })
        .and_then(|c| c["parameters"][0]["payload"].as_str())
        .unwrap_or(&text)
        .to_owned();
    Some(json!({"payload": payload, "text": text}))
}

async fn customer_writes(State(sim): State<Arc<Sim>>, Json(says): Json<CustomerSays>) -> Response {
    let mut customer = crate::Customer::new(&says.from, &says.name);
    if !says.from.bytes().all(|b| b.is_ascii_digit()) {
        customer.wa_id = None;
        customer.user_id = Some(says.from.clone());
    }
    customer.username = says.username.clone();
    if let Some(number) = &says.to_number {
        customer.phone = BusinessPhone::numbered(number);
    }
    let now = now_seconds();
    sim.customer_wrote(&says.from, now);
    let wamid = new_wamid();
    let mut hosted = None;
    let mut message = match (says.taps.as_deref(), says.media.as_deref()) {
        (Some(title), _) => match button_tap(&sim, &customer, &says.from, title, &wamid, now as i64) {
            Some(tap) => tap,
            None => {
                let error = format!("no button titled {title:?} on a message sent to this customer");
                return (StatusCode::BAD_REQUEST, Json(json!({"error": error}))).into_response();
            }
        },
        (None, None) => customer.text(&wamid, now as i64, &says.text),
        (None, Some(name)) => {
            let Some(sample) = crate::media::sample(name) else {
                let known: Vec<&str> = crate::media::SAMPLES.iter().map(|s| s.name).collect();
                return (StatusCode::BAD_REQUEST, Json(json!({"error": format!("media is one of {known:?}")})))
                    .into_response();
            };
            let gone = sim.faults.lock().map(|f| f.media_gone).unwrap_or(false);
            let media_id =
                if gone { sim.media.gone() } else { sim.media.host(sample, &customer.phone.phone_number_id) };
            hosted = Some(media_id.clone());
            customer.message(&wamid, now as i64, sample.kind, sample.webhook_body(&media_id, Some(&says.text)))
        }
    };
    if let Some(ad) = &says.ad {
        message["referral"] = referral(ad);
    }
    relay(&sim, &customer.webhook(vec![message]), json!({"wamid": wamid, "media_id": hosted, "timestamp": now})).await
}

/// Posts a webhook body, signed, to Parley; answers Parley's status with
/// `answer` (or the failure to reach Parley).
async fn relay(sim: &Sim, body: &Value, answer: Value) -> Response {
    let body = serde_json::to_vec(body).unwrap_or_default();
    match post_signed(&sim.http, &sim.config.webhook_url, &sim.config.app_secret, body).await {
        Ok(r) => {
            (StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY), Json(answer)).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

/// The shopkeeper types in the WhatsApp Business app on the number's phone.
#[derive(Debug, Deserialize)]
pub struct PhoneAppSends {
    /// The customer's `wa_id`.
    pub to: String,
    /// What they typed.
    pub text: String,
}

async fn phone_app_sends(State(sim): State<Arc<Sim>>, Json(sends): Json<PhoneAppSends>) -> Response {
    let wamid = new_wamid();
    let body =
        crate::coexistence::echo(&BusinessPhone::default(), &sends.to, &wamid, now_seconds() as i64, &sends.text);
    relay(&sim, &body, json!({"wamid": wamid})).await
}

/// The business shares its chats from before onboarding.
#[derive(Debug, Deserialize)]
pub struct HistoryShared {
    /// The chats.
    pub chats: Vec<crate::coexistence::PastChat>,
    /// Names the chunk: the same chunk again carries the same wamids, as
    /// Meta's redelivery does (a fresh one when left out).
    #[serde(default)]
    pub chunk: Option<String>,
}

async fn history_shared(State(sim): State<Arc<Sim>>, Json(shared): Json<HistoryShared>) -> Response {
    let chunk = shared.chunk.unwrap_or_else(|| new_wamid().trim_start_matches("wamid.HBgM").chars().take(12).collect());
    let wamid_of = |chat: usize, message: usize| format!("wamid.HIST{chunk}.{chat}.{message}");
    let body = crate::coexistence::history(&BusinessPhone::default(), &shared.chats, now_seconds() as i64, wamid_of);
    let messages: usize = shared.chats.iter().map(|c| c.messages.len()).sum();
    relay(&sim, &body, json!({"chunk": chunk, "messages": messages})).await
}

/// The shopkeeper saves or removes a contact in the app's address book.
#[derive(Debug, Deserialize)]
pub struct AddressBookChanged {
    /// The contact's phone number.
    pub phone: String,
    /// The saved name; left out for a removal.
    #[serde(default)]
    pub name: Option<String>,
}

async fn address_book_changed(State(sim): State<Arc<Sim>>, Json(change): Json<AddressBookChanged>) -> Response {
    let body = crate::coexistence::address_book(
        &BusinessPhone::default(),
        &change.phone,
        change.name.as_deref(),
        now_seconds() as i64,
    );
    relay(&sim, &body, json!({})).await
}

/// A change Meta sends about the account rather than a conversation
/// (`phone_number_quality_update`, `account_update`): its `field` and
/// `value` as Meta's webhook reference shows them.
#[derive(Debug, Deserialize)]
pub struct PlatformChange {
    /// The webhook field.
    pub field: String,
    /// The change's value.
    pub value: Value,
}

async fn platform_changed(State(sim): State<Arc<Sim>>, Json(change): Json<PlatformChange>) -> Response {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": now_seconds(),
        "changes": [{"field": change.field, "value": change.value}]}]});
    relay(&sim, &body, json!({})).await
}

/// A customer edits (with `text`) or deletes (without) a message they sent.
#[derive(Debug, Deserialize)]
pub struct CustomerRevises {
    /// `wa_id`.
    pub from: String,
    /// Profile name.
    pub name: String,
    /// The wamid of the message changed.
    pub original: String,
    /// What it says now; left out to delete it.
    #[serde(default)]
    pub text: Option<String>,
}

async fn customer_revises(State(sim): State<Arc<Sim>>, Json(revises): Json<CustomerRevises>) -> Response {
    let customer = crate::Customer::new(&revises.from, &revises.name);
    let (kind, body) = match &revises.text {
        Some(text) => crate::coexistence::edited(&revises.original, text),
        None => crate::coexistence::revoked(&revises.original),
    };
    let wamid = new_wamid();
    let message = customer.message(&wamid, now_seconds() as i64, kind, body);
    relay(&sim, &customer.webhook(vec![message]), json!({"wamid": wamid})).await
}

/// A customer completes a WhatsApp Flow (a form inside WhatsApp).
#[derive(Debug, Deserialize)]
pub struct CustomerCompletesFlow {
    /// `wa_id`.
    pub from: String,
    /// Profile name.
    pub name: String,
    /// The token the business sent the Flow with.
    pub flow_token: String,
    /// The form's answers.
    #[serde(default)]
    pub answers: serde_json::Map<String, Value>,
}

async fn customer_completes_flow(State(sim): State<Arc<Sim>>, Json(form): Json<CustomerCompletesFlow>) -> Response {
    let customer = crate::Customer::new(&form.from, &form.name);
    sim.customer_wrote(&form.from, now_seconds());
    let (kind, body) = crate::customer::flow_completed(&form.flow_token, &form.answers);
    let wamid = new_wamid();
    let message = customer.message(&wamid, now_seconds() as i64, kind, body);
    relay(&sim, &customer.webhook(vec![message]), json!({"wamid": wamid})).await
}

/// A customer calls the business on WhatsApp.
#[derive(Debug, Deserialize)]
pub struct CustomerCalls {
    /// `wa_id`.
    pub from: String,
    /// Profile name.
    pub name: String,
    /// Seconds the call was connected; left out when nobody answered.
    #[serde(default)]
    pub answered_seconds: Option<i64>,
    /// The caller's SDP offer: the call then rings (a `connect`) until the
    /// business answers or declines it, or the customer hangs up.
    #[serde(default)]
    pub offer_sdp: Option<String>,
}

async fn customer_calls(State(sim): State<Arc<Sim>>, Json(calls): Json<CustomerCalls>) -> Response {
    let customer = crate::Customer::new(&calls.from, &calls.name);
    let call_id = new_wamid().replacen("wamid.", "wacid.", 1);
    // A call opens the customer service window, as a message does.
    sim.customer_wrote(&calls.from, now_seconds());
    if let Some(offer) = &calls.offer_sdp {
        sim.calls.ring(&call_id, customer.clone());
        let body = crate::calls::call_connect(&customer, &call_id, now_seconds() as i64, offer);
        return relay(&sim, &body, json!({"call_id": call_id})).await;
    }
    let body = crate::calls::call_ended(&customer, &call_id, now_seconds() as i64, calls.answered_seconds);
    relay(&sim, &body, json!({"call_id": call_id})).await
}

/// `POST /{phone_number_id}/calls`: the business pre-accepts, accepts,
/// rejects or terminates a call. Meta answers at once and reports an end
/// by webhook afterwards.
async fn business_acts_on_call(
    State(sim): State<Arc<Sim>>,
    Path((_version, _number)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    match sim.calls.act(&body, now_seconds() as i64) {
        Ok(ended) => {
            if let Some(terminate) = ended {
                let sim = sim.clone();
                tokio::spawn(async move { relay(&sim, &terminate, json!({})).await });
            }
            Json(json!({"success": true})).into_response()
        }
        Err(refusal) => meta_error(StatusCode::BAD_REQUEST, refusal.code, "(#100) Invalid parameter", &refusal.details),
    }
}

/// The caller's phone for `make dev`: a page that places a WebRTC call.
async fn phone_page() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], include_str!("../assets/phone.html"))
        .into_response()
}

async fn phone_script() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../assets/phone.js"))
        .into_response()
}

async fn call_state(State(sim): State<Arc<Sim>>, Path(call_id): Path<String>) -> Response {
    match sim.calls.view(&call_id) {
        Some(view) => Json(view).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The customer hangs up: Meta's `terminate` goes to the business.
async fn customer_hangs_up(State(sim): State<Arc<Sim>>, Path(call_id): Path<String>) -> Response {
    match sim.calls.hang_up(&call_id, now_seconds() as i64) {
        Some(terminate) => relay(&sim, &terminate, json!({"call_id": call_id})).await,
        None => StatusCode::CONFLICT.into_response(),
    }
}

/// Someone submits a lead form: the lead is stored and its `leadgen`
/// change posted, signed, to Parley; answers Parley's status and the id.
async fn lead_form_submitted(State(sim): State<Arc<Sim>>, Json(form): Json<LeadForm>) -> Response {
    let now = now_seconds();
    let leadgen_id = sim.lead_ads.submit(&form, now);
    relay(&sim, &leadgen_webhook(&leadgen_id, &form, now), json!({"leadgen_id": leadgen_id})).await
}

/// Someone sends an enquiry on IndiaMART; it waits for Parley's next pull.
async fn indiamart_enquiry(State(sim): State<Arc<Sim>>, Json(enquiry): Json<Enquiry>) -> Json<Value> {
    let id = sim.indiamart.receive(&enquiry, now_seconds() as i64);
    Json(json!({"unique_query_id": id}))
}

async fn indiamart_listing(State(sim): State<Arc<Sim>>, Query(query): Query<CrmQuery>) -> Json<Value> {
    let interval = sim.faults.lock().ok().and_then(|f| f.indiamart_min_interval_ms).unwrap_or(300_000);
    Json(sim.indiamart.listing(&query, Duration::from_millis(interval)))
}

/// The read marks (and typing indicators) the business sent, oldest first.
async fn read_marks(State(sim): State<Arc<Sim>>) -> Json<Vec<crate::read_marks::ReadMark>> {
    Json(sim.read_marks.all())
}

async fn accepted(State(sim): State<Arc<Sim>>) -> Json<Vec<Accepted>> {
    Json(sim.accepted.lock().map(|a| a.clone()).unwrap_or_default())
}

async fn set_faults(State(sim): State<Arc<Sim>>, Json(faults): Json<Faults>) -> StatusCode {
    if let Ok(mut f) = sim.faults.lock() {
        *f = faults;
    }
    StatusCode::NO_CONTENT
}
