//! A contact's opt-in, and the business's consent settings.

use parley::domain::consent::{Consent, ConsentCategory, ConsentMethod};
use parley::domain::consent_policy::{ConsentPolicy, KeywordLanguage};
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Serialize;

/// The opt-in on record: when, how and to what.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Consent")]
pub struct ConsentView {
    at: String,
    method: ConsentMethod,
    categories: Vec<ConsentCategory>,
}

impl ConsentView {
    /// The view of `consent`.
    pub fn new(consent: &Consent) -> Self {
        ConsentView {
            at: Millis::to_rfc3339(consent.at),
            method: consent.method,
            categories: consent.categories.clone(),
        }
    }
}

/// The consent settings: strict mode, and the keywords customers send.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ConsentSettings")]
pub struct ConsentSettingsView {
    /// Marketing templates go only to contacts with a marketing opt-in.
    strict: bool,
    languages: Vec<KeywordLanguage>,
    /// False while these are the defaults nobody saved yet.
    configured: bool,
}

impl ConsentSettingsView {
    /// The view of `policy`.
    pub fn new(policy: ConsentPolicy, configured: bool) -> Self {
        ConsentSettingsView { strict: policy.strict, languages: policy.languages, configured }
    }
}
