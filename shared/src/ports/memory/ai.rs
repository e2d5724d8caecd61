//! AI assist's ports in memory: settings, a key, and a provider that
//! answers what the test scripted and records every prompt.

use super::audit_trail::AuditTrail;
use crate::domain::ai_prompt::AiPrompt;
use crate::domain::ai_settings::AiSettings;
use crate::domain::AuditEntry;
use crate::ports::{
    AiAssistant, AiCompletion, AiKeyStore, AiProviderError, AiSettingsStore, KeyStoreError, StoreError,
};
use async_trait::async_trait;
use std::collections::VecDeque;
use std::sync::Mutex;

/// Settings and their audit lines.
#[derive(Debug, Default)]
pub struct MemoryAiSettings {
    saved: Mutex<Option<AiSettings>>,
    audit: Mutex<AuditTrail>,
}

impl MemoryAiSettings {
    /// The audit lines saves wrote.
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.audit.lock().map(|a| a.lines()).unwrap_or_default()
    }
}

#[async_trait]
impl AiSettingsStore for MemoryAiSettings {
    async fn ai_settings(&self) -> Result<Option<AiSettings>, StoreError> {
        Ok(self.saved.lock().map_err(|_| StoreError::Unavailable("poisoned".into()))?.clone())
    }

    async fn save_ai_settings(&self, settings: &AiSettings, audit: &AuditEntry) -> Result<(), StoreError> {
        *self.saved.lock().map_err(|_| StoreError::Unavailable("poisoned".into()))? = Some(settings.clone());
        self.audit.lock().map_err(|_| StoreError::Unavailable("poisoned".into()))?.push(audit.clone());
        Ok(())
    }
}

/// A key held in memory.
#[derive(Debug, Default)]
pub struct MemoryAiKey(Mutex<Option<String>>);

#[async_trait]
impl AiKeyStore for MemoryAiKey {
    async fn ai_key(&self) -> Result<Option<String>, KeyStoreError> {
        Ok(self.0.lock().map_err(|_| KeyStoreError("poisoned".into()))?.clone())
    }

    async fn set_ai_key(&self, key: Option<&str>) -> Result<(), KeyStoreError> {
        *self.0.lock().map_err(|_| KeyStoreError("poisoned".into()))? = key.map(str::to_owned);
        Ok(())
    }
}

/// A provider answering scripted results in order, recording each call.
#[derive(Debug, Default)]
pub struct ScriptedAssistant {
    answers: Mutex<VecDeque<Result<AiCompletion, AiProviderError>>>,
    calls: Mutex<Vec<(String, AiPrompt)>>,
}

impl ScriptedAssistant {
    /// Queues the next answer.
    pub fn answer(&self, result: Result<AiCompletion, AiProviderError>) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.push_back(result);
        }
    }

    /// Every call so far: the key it was given and the prompt.
    pub fn calls(&self) -> Vec<(String, AiPrompt)> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl AiAssistant for ScriptedAssistant {
    async fn complete(
        &self,
        _settings: &AiSettings,
        key: &str,
        prompt: &AiPrompt,
    ) -> Result<AiCompletion, AiProviderError> {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push((key.to_owned(), prompt.clone()));
        }
        self.answers.lock().ok().and_then(|mut a| a.pop_front()).unwrap_or(Err(AiProviderError::Unreachable))
    }
}
