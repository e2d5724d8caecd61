//! The Calling API's call actions: `POST /{phone_number_id}/calls` with the
//! call id, the action and, to pre-accept or accept, the browser's SDP
//! answer; Meta answers `{"success": true}`.

use super::CloudApi;
use crate::ports::{CallAction, CallSignalError, CallSignalling};
use serde_json::{json, Value};

#[async_trait::async_trait]
impl CallSignalling for CloudApi {
    async fn signal(
        &self,
        phone_number_id: &str,
        call_id: &str,
        action: CallAction<'_>,
    ) -> Result<(), CallSignalError> {
        let url = format!("{}/{}/{}/calls", self.config.base_url, self.config.version, phone_number_id);
        let mut body = json!({"messaging_product": "whatsapp", "call_id": call_id, "action": action.as_str()});
        if let CallAction::PreAccept { sdp } | CallAction::Accept { sdp } = action {
            body["session"] = json!({"sdp_type": "answer", "sdp": sdp});
        }
        let token = self.token_for_number(phone_number_id).await;
        let response = self.http.post(url).bearer_auth(token).json(&body).send().await.map_err(|e| {
            tracing::warn!(error = %e.without_url(), action = action.as_str(), "call action: Cloud API unreachable");
            CallSignalError::Unreachable
        })?;
        if response.status().is_success() {
            return Ok(());
        }
        let code = response.json::<Value>().await.ok().and_then(|body| body["error"]["code"].as_i64()).unwrap_or(0);
        Err(CallSignalError::Refused { code })
    }
}
