//! A Cloud API that answers from a script.

use crate::domain::template::Template;
use crate::ports::{CatalogError, WhatsAppClient};
use crate::whatsapp::send::{SendOutcome, SendRequest};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Answers each send with the next scripted outcome (accepted with a fresh
/// wamid once the script runs out) and records every request.
#[derive(Debug, Default)]
pub struct ScriptedWhatsApp {
    script: Mutex<VecDeque<SendOutcome>>,
    requests: Mutex<Vec<SendRequest>>,
    templates: Mutex<Vec<Template>>,
}

impl ScriptedWhatsApp {
    /// Queues the outcome of a later send.
    pub fn then(&self, outcome: SendOutcome) -> &Self {
        self.script.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_back(outcome);
        self
    }

    /// Every send request so far.
    pub fn requests(&self) -> Vec<SendRequest> {
        self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Every account's templates (each marked with its account), as
    /// `templates()` returns them account by account.
    pub fn set_templates(&self, templates: Vec<Template>) {
        *self.templates.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = templates;
    }
}

#[async_trait::async_trait]
impl WhatsAppClient for ScriptedWhatsApp {
    async fn send(&self, request: &SendRequest) -> SendOutcome {
        let mut requests = self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        requests.push(request.clone());
        let next = self.script.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
        next.unwrap_or_else(|| SendOutcome::Accepted { wamid: format!("wamid.{}", requests.len()) })
    }

    async fn templates(&self, waba_id: Option<&str>) -> Result<Vec<Template>, CatalogError> {
        let all = self.templates.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        Ok(all.into_iter().filter(|t| t.is_in_account(waba_id)).collect())
    }
}
