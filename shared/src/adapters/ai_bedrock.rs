//! Amazon Bedrock's Converse API: `POST {endpoint}/model/{modelId}/converse`
//! with a Bedrock API key as `Authorization: Bearer`; the answer's
//! `output.message.content[].text` and `usage.inputTokens`/`outputTokens`.

use super::ai_http::{url_under, MAX_OUTPUT_TOKENS};
use crate::domain::ai_prompt::AiPrompt;
use crate::domain::ai_settings::AiSettings;
use crate::domain::ai_usage::AiUsage;
use crate::ports::{AiCompletion, AiProviderError};
use serde_json::{json, Value};

/// The request (without its key).
pub(crate) fn request(
    client: &reqwest::Client,
    settings: &AiSettings,
    prompt: &AiPrompt,
) -> Result<reqwest::RequestBuilder, AiProviderError> {
    let body = json!({
        "system": [{"text": prompt.system}],
        "messages": [{"role": "user", "content": [{"text": prompt.user}]}],
        "inferenceConfig": {"maxTokens": MAX_OUTPUT_TOKENS, "temperature": 0.2},
    });
    Ok(client.post(url_under(&settings.endpoint, &["model", &settings.model, "converse"])?).json(&body))
}

/// The answer's text blocks joined, and its usage, if the body has the
/// documented shape.
pub(crate) fn completion(body: &Value) -> Option<AiCompletion> {
    let blocks = body["output"]["message"]["content"].as_array()?;
    let text: Vec<&str> = blocks.iter().filter_map(|b| b["text"].as_str()).collect();
    if text.is_empty() {
        return None;
    }
    let usage = AiUsage {
        input_tokens: body["usage"]["inputTokens"].as_u64().unwrap_or(0),
        output_tokens: body["usage"]["outputTokens"].as_u64().unwrap_or(0),
    };
    Some(AiCompletion { text: text.join("\n"), usage })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_answer() {
        let body = json!({"output": {"message": {"role": "assistant", "content": [{"text": "Billing"}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 30, "outputTokens": 2, "totalTokens": 32},
            "metrics": {"latencyMs": 120}});
        let read = completion(&body).unwrap();
        assert_eq!(read.text, "Billing");
        assert_eq!(read.usage, AiUsage { input_tokens: 30, output_tokens: 2 });
        assert_eq!(completion(&json!({"output": {"message": {"content": []}}})), None);
    }

    #[test]
    fn the_model_id_is_one_encoded_path_segment() {
        let url = url_under("https://bedrock-runtime.us-east-1.amazonaws.com/", &["model", "a.b/c:0", "converse"]);
        assert_eq!(
            url.map(|u| u.to_string()),
            Ok("https://bedrock-runtime.us-east-1.amazonaws.com/model/a.b%2Fc:0/converse".to_owned())
        );
    }
}
