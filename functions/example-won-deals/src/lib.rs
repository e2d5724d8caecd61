//! An example extension, meant to be copied: Parley puts every committed
//! change on its EventBridge bus, an EventBridge rule (see this crate's
//! README and template.yaml) picks the events you care about, and a small
//! function does something with them. This one appends each won deal as a
//! row to a spreadsheet-style endpoint (a Google Apps Script web app, a
//! Zapier or Make hook, your own service).
//!
//! Delivery is at least once: the row carries the event id, so the sheet
//! can drop a repeat.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use parley::config::{ConfigError, Environment};
use parley::domain::{Event, EventKind};
use serde::Serialize;
use std::time::Duration;

/// Where the rows go.
#[derive(Debug, Clone)]
pub struct WonDealsSettings {
    /// The endpoint each row is POSTed to as JSON.
    pub sheet_url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub bearer_token: Option<String>,
}

impl WonDealsSettings {
    /// Reads `WON_DEALS_SHEET_URL` (required, http or https) and
    /// `WON_DEALS_BEARER_TOKEN` (optional); fails at cold start otherwise.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let sheet_url = env.required("WON_DEALS_SHEET_URL")?;
        if !(sheet_url.starts_with("https://") || sheet_url.starts_with("http://")) {
            return Err(ConfigError::Invalid { name: "WON_DEALS_SHEET_URL", expected: "an http(s) URL" });
        }
        Ok(WonDealsSettings { sheet_url, bearer_token: env.optional("WON_DEALS_BEARER_TOKEN") })
    }
}

/// One row of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WonDealRow {
    /// The event it came from (for dropping repeats).
    pub event_id: String,
    /// The deal.
    pub deal_id: String,
    /// Its value in minor units (paise, cents).
    pub value_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Who works it, if anyone.
    pub owner: Option<String>,
    /// When it was won, RFC 3339.
    pub won_at: String,
}

impl WonDealRow {
    /// The row for a `deal.stage_changed` event into a won stage; `None`
    /// for any other event (the rule should not send those, but a copied
    /// function should not trust its rule).
    pub fn from_event(event: &Event) -> Option<Self> {
        if event.kind != EventKind::DealStageChanged || event.data["won"].as_bool() != Some(true) {
            return None;
        }
        Some(WonDealRow {
            event_id: event.id.clone(),
            deal_id: event.data["deal"].as_str()?.to_owned(),
            value_minor: event.data["value_minor"].as_i64().unwrap_or_default(),
            currency: event.data["currency"].as_str().unwrap_or_default().to_owned(),
            owner: event.data["owner"].as_str().map(str::to_owned),
            won_at: event.at.to_rfc3339(),
        })
    }
}

/// Why a delivery failed; returning it makes EventBridge retry.
#[derive(Debug, thiserror::Error)]
pub enum WonDealsError {
    /// The event's `detail` is not a Parley event.
    #[error("not a Parley event: {0}")]
    NotAnEvent(String),
    /// The endpoint could not be reached or did not answer 2xx.
    #[error("the sheet endpoint failed: {0}")]
    Endpoint(String),
}

/// The function: one HTTP client, built once.
#[derive(Debug, Clone)]
pub struct WonDeals {
    http: reqwest::Client,
    settings: WonDealsSettings,
}

impl WonDeals {
    /// The function over `settings`.
    pub fn new(settings: WonDealsSettings) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default();
        WonDeals { http, settings }
    }

    /// Handles one EventBridge delivery: posts the row of a won deal, and
    /// says what it posted.
    pub async fn handle(
        &self,
        delivery: EventBridgeEvent<serde_json::Value>,
    ) -> Result<Option<WonDealRow>, WonDealsError> {
        let event: Event =
            serde_json::from_value(delivery.detail).map_err(|e| WonDealsError::NotAnEvent(e.to_string()))?;
        let Some(row) = WonDealRow::from_event(&event) else { return Ok(None) };
        let mut request = self.http.post(&self.settings.sheet_url).json(&row);
        if let Some(token) = &self.settings.bearer_token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| WonDealsError::Endpoint(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(WonDealsError::Endpoint(format!("answered {}", response.status())));
        }
        tracing::info!(event_id = %row.event_id, deal_id = %row.deal_id, "won deal posted");
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley::domain::Millis;
    use serde_json::json;

    fn moved(won: bool) -> Event {
        let data = json!({"deal": "d1", "from": "quote_sent", "to": "won", "won": won, "value_minor": 4_500_000, "currency": "INR", "owner": "a@shop.test"});
        Event::new(EventKind::DealStageChanged, "deal.stage_changed:d1:1", Millis(1_700_000_000_000), data)
    }

    #[test]
    fn only_a_move_into_a_won_stage_makes_a_row() {
        let row = WonDealRow::from_event(&moved(true)).expect("a row");
        assert_eq!(
            (row.deal_id.as_str(), row.value_minor, row.owner.as_deref()),
            ("d1", 4_500_000, Some("a@shop.test"))
        );
        assert_eq!(row.won_at, "2023-11-14T22:13:20Z");
        assert_eq!(WonDealRow::from_event(&moved(false)), None);
        let created =
            Event::new(EventKind::DealCreated, "deal.created:d1", Millis(1), json!({"deal": "d1", "won": true}));
        assert_eq!(WonDealRow::from_event(&created), None);
    }

    #[test]
    fn settings_need_an_http_url() {
        let missing = WonDealsSettings::from_environment(&Environment::from_pairs([]));
        assert!(matches!(missing, Err(ConfigError::Missing("WON_DEALS_SHEET_URL"))));
        let bad = WonDealsSettings::from_environment(&Environment::from_pairs([("WON_DEALS_SHEET_URL", "ftp://x")]));
        assert!(matches!(bad, Err(ConfigError::Invalid { .. })));
    }
}
