//! AI assist: summaries, intents, extracted fields and drafted replies for
//! one conversation, from the provider an admin configured. Off until an
//! admin turns it on; nothing it returns is sent to the customer (staff
//! put a draft into the composer and send it themselves), and nothing it
//! returns is stored, so erasing a contact leaves no AI output behind.

use crate::domain::ai_prompt::{build_prompt, NothingToRead, ThreadLine, THREAD_MESSAGES};
use crate::domain::ai_settings::{checked_key, AiProvider, AiSettings, AiSettingsError};
use crate::domain::ai_task::{AiAnswer, AiTask, AnswerError};
use crate::domain::ai_usage::AiUsage;
use crate::domain::{AuditEntry, ContactId};
use crate::ports::{
    AiAssistant, AiKeyStore, AiProviderError, AiSettingsStore, Clock, ConversationStore, KeyStoreError, PageRequest,
    StoreError,
};
use std::collections::VecDeque;
use std::sync::Arc;

/// Timeline pages read at most for one prompt (a very long thread sends
/// its latest messages as far as these reach).
const MAX_PAGES: usize = 20;

/// The settings and whether a key is set (the key itself never leaves).
#[derive(Debug, Clone, PartialEq)]
pub struct AiSettingsState {
    /// The settings (the defaults, off, before any save).
    pub settings: AiSettings,
    /// A provider key is stored.
    pub key_set: bool,
}

/// What a save does to the stored key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    /// Leave it as it is.
    Keep,
    /// Store this one.
    Set(String),
    /// Remove it.
    Clear,
}

/// One task's answer and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistOutcome {
    /// The answer, read for its task.
    pub answer: AiAnswer,
    /// Tokens the provider counted.
    pub usage: AiUsage,
    /// Their cost at the admin's prices.
    pub cost: f64,
    /// The provider asked.
    pub provider: AiProvider,
    /// The model asked.
    pub model: String,
}

/// Why no answer came.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    /// An admin has not turned AI assist on.
    #[error("AI assist is turned off; an administrator can turn it on in Settings")]
    Off,
    /// Turned on, but no key is stored.
    #[error("no API key is set for the AI provider; an administrator can set one in Settings")]
    NoKey,
    /// The thread has no text yet.
    #[error(transparent)]
    NothingToRead(#[from] NothingToRead),
    /// The provider failed.
    #[error(transparent)]
    Provider(#[from] AiProviderError),
    /// The provider's answer could not be read.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// The key could not be read.
    #[error(transparent)]
    Keys(#[from] KeyStoreError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why settings were not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveSettingsError {
    /// Settings or key unusable.
    #[error(transparent)]
    Invalid(#[from] AiSettingsError),
    /// The key could not be stored.
    #[error(transparent)]
    Keys(#[from] KeyStoreError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The AI assist use cases.
pub struct AiAssist {
    settings: Arc<dyn AiSettingsStore>,
    keys: Arc<dyn AiKeyStore>,
    assistant: Arc<dyn AiAssistant>,
    contacts: Arc<dyn ConversationStore>,
    clock: Arc<dyn Clock>,
}

impl AiAssist {
    /// Wires the use case.
    pub fn new(
        settings: Arc<dyn AiSettingsStore>,
        keys: Arc<dyn AiKeyStore>,
        assistant: Arc<dyn AiAssistant>,
        contacts: Arc<dyn ConversationStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        AiAssist { settings, keys, assistant, contacts, clock }
    }

    /// Over one store holding both the settings and the conversations.
    pub fn over_store<S>(
        store: Arc<S>,
        keys: Arc<dyn AiKeyStore>,
        assistant: Arc<dyn AiAssistant>,
        clock: Arc<dyn Clock>,
    ) -> Self
    where
        S: AiSettingsStore + ConversationStore + 'static,
    {
        AiAssist::new(store.clone(), keys, assistant, store, clock)
    }

    /// The settings as saved (off before any save) and whether a key is set.
    pub async fn settings(&self) -> Result<AiSettingsState, AssistError> {
        let settings = self.settings.ai_settings().await?.unwrap_or_default();
        let key_set = self.keys.ai_key().await?.is_some();
        Ok(AiSettingsState { settings, key_set })
    }

    /// Saves the settings (audited, the key never in the audit line) and
    /// changes the key as asked.
    pub async fn save_settings(
        &self,
        actor: &str,
        settings: AiSettings,
        key: KeyChange,
    ) -> Result<AiSettingsState, SaveSettingsError> {
        let settings = settings.validated()?;
        let key_changed = key != KeyChange::Keep;
        match &key {
            KeyChange::Keep => {}
            KeyChange::Set(typed) => self.keys.set_ai_key(Some(checked_key(typed)?)).await?,
            KeyChange::Clear => self.keys.set_ai_key(None).await?,
        }
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: actor.to_owned(),
            action: "ai_settings".to_owned(),
            contact: None,
            detail: serde_json::json!({
                "enabled": settings.enabled, "provider": settings.provider, "model": settings.model,
                "key_changed": key_changed,
            })
            .to_string(),
        };
        self.settings.save_ai_settings(&settings, &audit).await?;
        let key_set = self.keys.ai_key().await?.is_some();
        tracing::info!(enabled = settings.enabled, provider = ?settings.provider, key_changed, "ai settings saved");
        Ok(AiSettingsState { settings, key_set })
    }

    /// Runs `task` over the contact's conversation. The caller has checked
    /// the contact is one the staff member may see.
    pub async fn assist(&self, contact: &ContactId, task: AiTask) -> Result<AssistOutcome, AssistError> {
        let settings = self.settings.ai_settings().await?.unwrap_or_default();
        if !settings.enabled {
            return Err(AssistError::Off);
        }
        let key = self.keys.ai_key().await?.ok_or(AssistError::NoKey)?;
        let thread = self.latest_lines(contact).await?;
        let prompt = build_prompt(task, &settings.business_facts, &thread)?;
        let completion = match self.assistant.complete(&settings, &key, &prompt).await {
            Ok(completion) => completion,
            Err(e) => {
                tracing::warn!(task = ?task, provider = ?settings.provider, error = %e.log_label(), "ai assist failed");
                return Err(e.into());
            }
        };
        let answer = task.read_answer(&completion.text)?;
        let cost = completion.usage.cost(&settings);
        tracing::info!(
            task = ?task,
            provider = ?settings.provider,
            input_tokens = completion.usage.input_tokens,
            output_tokens = completion.usage.output_tokens,
            "ai assist answered"
        );
        Ok(AssistOutcome { answer, usage: completion.usage, cost, provider: settings.provider, model: settings.model })
    }

    /// The thread's latest readable lines, oldest first.
    async fn latest_lines(&self, contact: &ContactId) -> Result<Vec<ThreadLine>, StoreError> {
        let mut lines = VecDeque::with_capacity(THREAD_MESSAGES + 1);
        let mut page = PageRequest { cursor: None, limit: Some(100) };
        for _ in 0..MAX_PAGES {
            let found = self.contacts.timeline(contact, &page).await?;
            for line in found.items.iter().filter_map(ThreadLine::of) {
                if lines.len() == THREAD_MESSAGES {
                    lines.pop_front();
                }
                lines.push_back(line);
            }
            match found.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        Ok(lines.into())
    }
}
