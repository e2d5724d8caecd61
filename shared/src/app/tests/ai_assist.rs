//! AI assist over memory ports: off by default, the key kept apart and
//! never audited, the thread in the prompt, answers read per task, and a
//! provider outage reported without touching anything else.

use super::fixture::World;
use crate::app::ai_assist::{AiAssist, AssistError, KeyChange, SaveSettingsError};
use crate::domain::ai_settings::{AiProvider, AiSettings, AiSettingsError};
use crate::domain::ai_task::{AiAnswer, AiTask, ExtractedFields, Intent};
use crate::domain::ai_usage::AiUsage;
use crate::ports::memory::{MemoryAiKey, MemoryAiSettings, ScriptedAssistant};
use crate::ports::{AiCompletion, AiProviderError, ConversationStore, PageRequest};
use std::sync::Arc;

struct Assist {
    world: World,
    settings: Arc<MemoryAiSettings>,
    provider: Arc<ScriptedAssistant>,
    ai: AiAssist,
}

fn assist() -> Assist {
    let world = World::new();
    let settings = Arc::new(MemoryAiSettings::default());
    let provider = Arc::new(ScriptedAssistant::default());
    let ai = AiAssist::new(
        settings.clone(),
        Arc::new(MemoryAiKey::default()),
        provider.clone(),
        world.store.clone(),
        world.clock.clone(),
    );
    Assist { world, settings, provider, ai }
}

fn turned_on() -> AiSettings {
    AiSettings {
        enabled: true,
        provider: AiProvider::OpenAi,
        endpoint: "http://127.0.0.1:9/v1".into(),
        model: "gpt-4o-mini".into(),
        input_price_per_1k: 0.15,
        output_price_per_1k: 0.6,
        business_facts: "Sofas from Rs 25,000. Free delivery in Pune.".into(),
    }
}

fn answers(text: &str, input_tokens: u64, output_tokens: u64) -> Result<AiCompletion, AiProviderError> {
    Ok(AiCompletion { text: text.into(), usage: AiUsage { input_tokens, output_tokens } })
}

#[tokio::test]
async fn off_by_default_and_nothing_reaches_the_provider() {
    let a = assist();
    let contact = a.world.customer_says("919876500001", "wamid.1", "Do you deliver sofas?").await;
    let state = a.ai.settings().await.unwrap();
    assert!(!state.settings.enabled);
    assert!(!state.key_set);
    assert!(matches!(a.ai.assist(&contact, AiTask::Summary).await, Err(AssistError::Off)));
    a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Keep).await.unwrap();
    assert!(matches!(a.ai.assist(&contact, AiTask::Summary).await, Err(AssistError::NoKey)));
    assert!(a.provider.calls().is_empty());
}

#[tokio::test]
async fn the_key_is_stored_apart_and_never_audited() {
    let a = assist();
    let saved = a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Set(" sk-secret-1 ".into())).await.unwrap();
    assert!(saved.key_set);
    let audit = a.settings.audit();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.contains("\"key_changed\":true"));
    assert!(!audit[0].detail.contains("sk-secret-1"));
    let contact = a.world.customer_says("919876500001", "wamid.1", "Hi").await;
    a.provider.answer(answers("A greeting.", 10, 3));
    a.ai.assist(&contact, AiTask::Summary).await.unwrap();
    assert_eq!(a.provider.calls()[0].0, "sk-secret-1", "trimmed as typed");
    let cleared = a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Clear).await.unwrap();
    assert!(!cleared.key_set);
    let bad = a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Set("two words".into())).await;
    assert!(matches!(bad, Err(SaveSettingsError::Invalid(AiSettingsError::BadKey))));
}

#[tokio::test]
async fn each_task_sends_the_thread_and_reads_its_answer_with_its_cost() {
    let a = assist();
    a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Set("sk-1".into())).await.unwrap();
    let contact = a.world.customer_says("919876500001", "wamid.1", "I am Asha from Pune, budget 40k").await;
    a.provider.answer(answers("Asha from Pune wants a sofa.", 1000, 200));
    a.provider.answer(answers("Sales", 900, 1));
    a.provider.answer(answers(r#"{"name":"Asha","city":"Pune","budget":"40k"}"#, 900, 20));
    a.provider.answer(answers("Hello Asha! Sofas start at Rs 25,000.", 950, 30));

    let summary = a.ai.assist(&contact, AiTask::Summary).await.unwrap();
    assert_eq!(summary.answer, AiAnswer::Summary("Asha from Pune wants a sofa.".into()));
    assert_eq!(summary.usage, AiUsage { input_tokens: 1000, output_tokens: 200 });
    assert!((summary.cost - (0.15 + 0.12)).abs() < 1e-9);
    assert_eq!(summary.model, "gpt-4o-mini");
    let intent = a.ai.assist(&contact, AiTask::Intent).await.unwrap();
    assert_eq!(intent.answer, AiAnswer::Intent(Intent::Sales));
    let fields = a.ai.assist(&contact, AiTask::Fields).await.unwrap();
    let expected = ExtractedFields { name: Some("Asha".into()), city: Some("Pune".into()), budget: Some("40k".into()) };
    assert_eq!(fields.answer, AiAnswer::Fields(expected));
    let draft = a.ai.assist(&contact, AiTask::Draft).await.unwrap();
    assert_eq!(draft.answer, AiAnswer::Draft("Hello Asha! Sofas start at Rs 25,000.".into()));

    let calls = a.provider.calls();
    assert!(calls.iter().all(|(_, p)| p.user.contains("Customer: I am Asha from Pune, budget 40k")));
    assert!(calls.iter().all(|(_, p)| !p.user.contains("919876500001")), "no phone number goes out");
    assert!(calls[3].1.system.contains("Free delivery in Pune."));
}

#[tokio::test]
async fn an_outage_is_an_error_and_the_conversation_is_untouched() {
    let a = assist();
    a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Set("sk-1".into())).await.unwrap();
    let contact = a.world.customer_says("919876500001", "wamid.1", "Hello").await;
    let before = a.world.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    a.provider.answer(Err(AiProviderError::Failed { status: 503, reason: "overloaded".into() }));
    let failed = a.ai.assist(&contact, AiTask::Draft).await;
    assert!(matches!(failed, Err(AssistError::Provider(AiProviderError::Failed { status: 503, .. }))));
    a.provider.answer(answers("not json", 5, 2));
    assert!(matches!(a.ai.assist(&contact, AiTask::Fields).await, Err(AssistError::Answer(_))));
    let after = a.world.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    assert_eq!(before.len(), after.len(), "nothing is sent or stored");
    assert_eq!(a.provider.calls().len(), 2, "one call each, no retries");
}

#[tokio::test]
async fn a_thread_without_text_asks_nothing() {
    let a = assist();
    a.ai.save_settings("admin@x.in", turned_on(), KeyChange::Set("sk-1".into())).await.unwrap();
    let contact = a.world.customer_says("919876500001", "wamid.1", "  ").await;
    assert!(matches!(a.ai.assist(&contact, AiTask::Summary).await, Err(AssistError::NothingToRead(_))));
    assert!(a.provider.calls().is_empty());
}
