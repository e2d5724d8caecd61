//! Calls in memory: claims on the contacts' ringing calls, and a Meta that
//! records each call action and refuses the ones it was told to.

use super::MemoryStore;
use crate::domain::ringing_call::CallClaim;
use crate::domain::{ContactId, Millis};
use crate::ports::{CallAction, CallClaims, CallSignalError, CallSignalling, StoreError};
use std::sync::Mutex;

#[async_trait::async_trait]
impl CallClaims for MemoryStore {
    async fn claim_call(
        &self,
        contact: &ContactId,
        call_id: &str,
        by: &str,
        at: Millis,
        rang_after: Millis,
    ) -> Result<CallClaim, StoreError> {
        let mut state = self.state();
        let Some(ringing) = state.contacts.get_mut(contact).and_then(|row| row.contact.ringing.as_mut()) else {
            return Ok(CallClaim::Over);
        };
        if ringing.call_id != call_id {
            return Ok(CallClaim::Over);
        }
        if let Some(taken_by) = &ringing.answered_by {
            return Ok(CallClaim::Taken { by: taken_by.clone() });
        }
        if ringing.since <= rang_after {
            return Ok(CallClaim::Over);
        }
        ringing.answered_by = Some(by.to_owned());
        state.events.push(crate::domain::change_event::call_answered(contact, call_id, by, at));
        Ok(CallClaim::Claimed)
    }

    async fn release_call(&self, contact: &ContactId, call_id: &str, by: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        if let Some(ringing) = state.contacts.get_mut(contact).and_then(|row| row.contact.ringing.as_mut()) {
            if ringing.call_id == call_id && ringing.answered_by.as_deref() == Some(by) {
                ringing.answered_by = None;
            }
        }
        Ok(())
    }
}

/// Meta's call endpoint: records `(call id, action name, SDP)` and refuses
/// the actions named in [`ScriptedCalls::refuse`].
#[derive(Debug, Default)]
pub struct ScriptedCalls {
    actions: Mutex<Vec<(String, &'static str, Option<String>)>>,
    refused: Mutex<Vec<&'static str>>,
}

impl ScriptedCalls {
    /// Makes Meta refuse `action` (by its name) from now on.
    pub fn refuse(&self, action: &'static str) {
        self.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(action);
    }

    /// Every action Meta was asked for, in order.
    pub fn actions(&self) -> Vec<(String, &'static str, Option<String>)> {
        self.actions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

#[async_trait::async_trait]
impl CallSignalling for ScriptedCalls {
    async fn signal(&self, _number: &str, call_id: &str, action: CallAction<'_>) -> Result<(), CallSignalError> {
        let sdp = match action {
            CallAction::PreAccept { sdp } | CallAction::Accept { sdp } => Some(sdp.to_owned()),
            CallAction::Reject | CallAction::Terminate => None,
        };
        self.actions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((
            call_id.to_owned(),
            action.as_str(),
            sdp,
        ));
        if self.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&action.as_str()) {
            return Err(CallSignalError::Refused { code: 138_006 });
        }
        Ok(())
    }
}
