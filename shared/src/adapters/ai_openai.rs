//! OpenAI's chat completions contract, which many providers also serve:
//! `POST {base}/chat/completions` with a bearer key; the answer's
//! `choices[0].message.content` and `usage.prompt_tokens`/`completion_tokens`.

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
        "model": settings.model,
        "messages": [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ],
        "max_tokens": MAX_OUTPUT_TOKENS,
        "temperature": 0.2,
    });
    Ok(client.post(url_under(&settings.endpoint, &["chat", "completions"])?).json(&body))
}

/// The answer's text and usage, if the body has the documented shape.
pub(crate) fn completion(body: &Value) -> Option<AiCompletion> {
    let text = body["choices"][0]["message"]["content"].as_str()?;
    let usage = AiUsage {
        input_tokens: body["usage"]["prompt_tokens"].as_u64().unwrap_or(0),
        output_tokens: body["usage"]["completion_tokens"].as_u64().unwrap_or(0),
    };
    Some(AiCompletion { text: text.to_owned(), usage })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_answer() {
        let body = json!({"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Sales"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 42, "completion_tokens": 1, "total_tokens": 43}});
        let read = completion(&body).unwrap();
        assert_eq!(read.text, "Sales");
        assert_eq!(read.usage, AiUsage { input_tokens: 42, output_tokens: 1 });
        assert_eq!(completion(&json!({"choices": []})), None);
    }
}
