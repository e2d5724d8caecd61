//! A webhook receiver that answers from a script and records each POST.

use crate::domain::AttemptError;
use crate::ports::WebhookPoster;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One POST as the receiver saw it: URL, headers and body.
pub type Posted = (String, Vec<(&'static str, String)>, String);

/// Answers the scripted outcomes in turn, then 200.
#[derive(Debug, Default)]
pub struct ScriptedPoster {
    script: Mutex<VecDeque<Result<u16, AttemptError>>>,
    posted: Mutex<Vec<Posted>>,
}

impl ScriptedPoster {
    /// A receiver that answers `script` first.
    pub fn answering(script: impl IntoIterator<Item = Result<u16, AttemptError>>) -> Self {
        ScriptedPoster { script: Mutex::new(script.into_iter().collect()), posted: Mutex::default() }
    }

    /// Every POST so far.
    pub fn posted(&self) -> Vec<Posted> {
        self.posted.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[async_trait::async_trait]
impl WebhookPoster for ScriptedPoster {
    async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &str,
        _timeout: Duration,
    ) -> Result<u16, AttemptError> {
        self.posted.lock().unwrap_or_else(PoisonError::into_inner).push((
            url.to_owned(),
            headers.to_vec(),
            body.to_owned(),
        ));
        self.script.lock().unwrap_or_else(PoisonError::into_inner).pop_front().unwrap_or(Ok(200))
    }
}
