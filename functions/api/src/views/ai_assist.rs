//! AI assist: the settings (the key only as set or not) and one answer
//! with its tokens and cost.

use parley::app::ai_assist::{AiSettingsState, AssistOutcome};
use parley::domain::ai_settings::AiProvider;
use parley::domain::ai_task::{AiAnswer, AiTask, ExtractedFields, Intent};
use schemars::JsonSchema;
use serde::Serialize;

/// The AI assist settings. The provider key is never returned: `key_set`
/// tells whether one is stored.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AiSettings")]
pub struct AiSettingsView {
    /// Conversations go to the provider only while this is on.
    enabled: bool,
    provider: AiProvider,
    /// The base URL (OpenAI-compatible) or Bedrock runtime endpoint.
    endpoint: String,
    model: String,
    /// Price of 1,000 input tokens, in the business's currency.
    input_price_per_1k: f64,
    /// Price of 1,000 output tokens, in the business's currency.
    output_price_per_1k: f64,
    /// What drafted replies may rely on.
    business_facts: String,
    key_set: bool,
    /// A base URL to suggest when none is saved (the local simulator's
    /// stand-in under `make dev`; null on AWS).
    suggested_endpoint: Option<String>,
}

impl AiSettingsView {
    /// The view of the stored state.
    pub fn new(state: AiSettingsState, suggested_endpoint: Option<String>) -> Self {
        let s = state.settings;
        AiSettingsView {
            enabled: s.enabled,
            provider: s.provider,
            endpoint: s.endpoint,
            model: s.model,
            input_price_per_1k: s.input_price_per_1k,
            output_price_per_1k: s.output_price_per_1k,
            business_facts: s.business_facts,
            key_set: state.key_set,
            suggested_endpoint,
        }
    }
}

/// What one use of AI assist cost.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AiUsage")]
pub struct AiUsageView {
    input_tokens: u64,
    output_tokens: u64,
    /// At the admin's per-1k prices, in the business's currency.
    cost: f64,
}

/// One AI assist answer: the field of its task is set, the others null.
/// Nothing is stored or sent: a draft is for staff to edit and send.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AiAssist")]
pub struct AssistView {
    task: AiTask,
    summary: Option<String>,
    intent: Option<Intent>,
    fields: Option<ExtractedFields>,
    draft: Option<String>,
    usage: AiUsageView,
    provider: AiProvider,
    model: String,
}

impl AssistView {
    /// The view of `outcome`.
    pub fn new(task: AiTask, outcome: AssistOutcome) -> Self {
        let (mut summary, mut intent, mut fields, mut draft) = (None, None, None, None);
        match outcome.answer {
            AiAnswer::Summary(text) => summary = Some(text),
            AiAnswer::Intent(found) => intent = Some(found),
            AiAnswer::Fields(found) => fields = Some(found),
            AiAnswer::Draft(text) => draft = Some(text),
        }
        AssistView {
            task,
            summary,
            intent,
            fields,
            draft,
            usage: AiUsageView {
                input_tokens: outcome.usage.input_tokens,
                output_tokens: outcome.usage.output_tokens,
                cost: outcome.cost,
            },
            provider: outcome.provider,
            model: outcome.model,
        }
    }
}
