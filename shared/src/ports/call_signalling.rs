//! The Calling API's signalling for a customer's call: what the browser
//! that answers it asks Meta to do. The media never passes through Parley.

use super::StoreError;
use crate::domain::ringing_call::CallClaim;
use crate::domain::{ContactId, Millis};
use async_trait::async_trait;

/// What the business does with a customer's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallAction<'a> {
    /// Sets up the media path with the browser's SDP answer before the
    /// call connects, so the first words are not clipped.
    PreAccept {
        /// The browser's SDP answer.
        sdp: &'a str,
    },
    /// Connects the call.
    Accept {
        /// The browser's SDP answer.
        sdp: &'a str,
    },
    /// Declines a ringing call.
    Reject,
    /// Ends a call under way.
    Terminate,
}

impl CallAction<'_> {
    /// Meta's name for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            CallAction::PreAccept { .. } => "pre_accept",
            CallAction::Accept { .. } => "accept",
            CallAction::Reject => "reject",
            CallAction::Terminate => "terminate",
        }
    }
}

/// Why Meta did not take a call action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallSignalError {
    /// Meta refused it (the call ended meanwhile, a bad SDP, a revoked token).
    #[error("Meta refused the call action (code {code})")]
    Refused {
        /// Meta's error code.
        code: i64,
    },
    /// Meta could not be reached.
    #[error("the Cloud API could not be reached")]
    Unreachable,
}

/// `POST /{phone_number_id}/calls`.
#[async_trait]
pub trait CallSignalling: Send + Sync {
    /// Asks Meta to do `action` with call `call_id` on the business number
    /// `phone_number_id`.
    async fn signal(&self, phone_number_id: &str, call_id: &str, action: CallAction<'_>)
        -> Result<(), CallSignalError>;
}

/// Who answered which call, kept on the contact it rings on.
#[async_trait]
pub trait CallClaims: Send + Sync {
    /// Gives call `call_id` to `by` at `at` if it still rings on `contact`
    /// (since after `rang_after`) and nobody has it; its `call.answered`
    /// event rides in the same write.
    async fn claim_call(
        &self,
        contact: &ContactId,
        call_id: &str,
        by: &str,
        at: Millis,
        rang_after: Millis,
    ) -> Result<CallClaim, StoreError>;

    /// Gives back a call `by` claimed but Meta did not connect, so that
    /// another teammate may try.
    async fn release_call(&self, contact: &ContactId, call_id: &str, by: &str) -> Result<(), StoreError>;
}
