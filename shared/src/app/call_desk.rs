//! Answering a customer's WhatsApp call in the browser. The browser makes
//! the SDP answer to Meta's offer; this claims the call for the teammate
//! (so that two who press Answer at once cannot both connect it), then asks
//! Meta to pre-accept and accept it with that answer. Media then flows
//! between the browser and Meta; Parley only signals.

use crate::domain::ringing_call::{CallClaim, RingingCall, RING_MS};
use crate::domain::{Contact, Millis};
use crate::ports::{CallAction, CallClaims, CallSignalError, CallSignalling, Clock, StoreError};
use std::sync::Arc;

/// The largest SDP answer taken: a browser's is a few kilobytes.
const MAX_SDP_BYTES: usize = 32 * 1024;

/// Why a call action was not done.
#[derive(Debug, thiserror::Error)]
pub enum CallDeskError {
    /// Another teammate answered first.
    #[error("{by} answered this call")]
    Taken {
        /// Who.
        by: String,
    },
    /// The call no longer rings on this contact (it ended, rang out, or
    /// was never theirs).
    #[error("this call is no longer ringing")]
    Over,
    /// What the browser sent is no SDP answer.
    #[error("the answer must be an SDP description (starting v=0) of at most {MAX_SDP_BYTES} bytes")]
    BadAnswer,
    /// Meta did not take it.
    #[error(transparent)]
    Meta(#[from] CallSignalError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The call actions staff take from the inbox.
pub struct CallDesk {
    claims: Arc<dyn CallClaims>,
    meta: Arc<dyn CallSignalling>,
    clock: Arc<dyn Clock>,
}

impl CallDesk {
    /// Wires the use case.
    pub fn new(claims: Arc<dyn CallClaims>, meta: Arc<dyn CallSignalling>, clock: Arc<dyn Clock>) -> Self {
        CallDesk { claims, meta, clock }
    }

    /// `by` answers call `call_id` ringing on `contact` with the browser's
    /// SDP answer `sdp`.
    pub async fn answer(&self, contact: &Contact, call_id: &str, sdp: &str, by: &str) -> Result<(), CallDeskError> {
        if !sdp.starts_with("v=0") || sdp.len() > MAX_SDP_BYTES {
            return Err(CallDeskError::BadAnswer);
        }
        let ringing = Self::ringing(contact, call_id)?;
        if let Some(by) = &ringing.answered_by {
            return Err(CallDeskError::Taken { by: by.clone() });
        }
        let now = self.clock.now();
        if !ringing.answerable(now) {
            return Err(CallDeskError::Over);
        }
        match self.claims.claim_call(&contact.id, call_id, by, now, Millis(now.0 - RING_MS)).await? {
            CallClaim::Claimed => {}
            CallClaim::Taken { by } => return Err(CallDeskError::Taken { by }),
            CallClaim::Over => return Err(CallDeskError::Over),
        }
        for action in [CallAction::PreAccept { sdp }, CallAction::Accept { sdp }] {
            if let Err(refused) = self.meta.signal(&contact.phone_number_id, call_id, action).await {
                tracing::warn!(contact_id = %contact.id, action = action.as_str(), error = %refused, "call not connected");
                // Someone else may still pick it up while it rings.
                self.claims.release_call(&contact.id, call_id, by).await?;
                return Err(refused.into());
            }
        }
        tracing::info!(contact_id = %contact.id, "call answered in the browser");
        Ok(())
    }

    /// Declines call `call_id` while it rings; Meta's `terminate` ends it.
    pub async fn decline(&self, contact: &Contact, call_id: &str) -> Result<(), CallDeskError> {
        Self::ringing(contact, call_id)?;
        Ok(self.meta.signal(&contact.phone_number_id, call_id, CallAction::Reject).await?)
    }

    /// Ends call `call_id` under way; Meta's `terminate` ends it here too.
    pub async fn hang_up(&self, contact: &Contact, call_id: &str) -> Result<(), CallDeskError> {
        Self::ringing(contact, call_id)?;
        Ok(self.meta.signal(&contact.phone_number_id, call_id, CallAction::Terminate).await?)
    }

    fn ringing<'a>(contact: &'a Contact, call_id: &str) -> Result<&'a RingingCall, CallDeskError> {
        contact.ringing.as_ref().filter(|r| r.call_id == call_id).ok_or(CallDeskError::Over)
    }
}
