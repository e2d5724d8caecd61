//! CloudFormation's custom resource protocol, for the deploy's migrations:
//! CloudFormation invokes a function with a request and waits (up to an
//! hour) until the answer is PUT to the request's pre-signed `ResponseURL`.
//! The answer must always be sent, failure included, or the deploy hangs.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A custom resource request, as CloudFormation sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomResourceRequest {
    /// `Create`, `Update` or `Delete`.
    pub request_type: String,
    /// Where the answer goes (a pre-signed S3 URL).
    #[serde(rename = "ResponseURL")]
    pub response_url: String,
    /// The stack.
    pub stack_id: String,
    /// This request.
    pub request_id: String,
    /// The resource's name in the template.
    pub logical_resource_id: String,
    /// The id answered at its creation (absent on `Create`).
    #[serde(default)]
    pub physical_resource_id: Option<String>,
}

impl CustomResourceRequest {
    /// Whether the stack is deleting the resource (nothing to migrate then).
    pub fn is_delete(&self) -> bool {
        self.request_type == "Delete"
    }
}

/// The answer, as CloudFormation reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomResourceResponse {
    /// `SUCCESS` or `FAILED`.
    pub status: &'static str,
    /// Shown in the stack's events (a failure's cause).
    pub reason: String,
    /// The same on every answer, so an update never replaces the resource.
    pub physical_resource_id: String,
    /// Echoed from the request.
    pub stack_id: String,
    /// Echoed from the request.
    pub request_id: String,
    /// Echoed from the request.
    pub logical_resource_id: String,
}

/// Why the answer did not reach CloudFormation.
#[derive(Debug, thiserror::Error)]
#[error("the answer to CloudFormation was not delivered: {0}")]
pub struct ResponseError(String);

impl CustomResourceResponse {
    /// The answer to `request`: success, or failure with `reason`.
    pub fn to(request: &CustomResourceRequest, outcome: Result<String, String>) -> Self {
        let (status, reason) = match outcome {
            Ok(said) => ("SUCCESS", said),
            Err(why) => ("FAILED", why),
        };
        CustomResourceResponse {
            status,
            reason,
            physical_resource_id: request
                .physical_resource_id
                .clone()
                .unwrap_or_else(|| format!("{}-migrations", request.logical_resource_id)),
            stack_id: request.stack_id.clone(),
            request_id: request.request_id.clone(),
            logical_resource_id: request.logical_resource_id.clone(),
        }
    }

    /// PUTs the answer with no content type, as the pre-signed URL was
    /// signed for. The URL itself (a signature) is never logged.
    pub async fn send(&self, response_url: &str) -> Result<(), ResponseError> {
        let body = serde_json::to_vec(self).map_err(|e| ResponseError(e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ResponseError(e.without_url().to_string()))?;
        let answered = http
            .put(response_url)
            .header(reqwest::header::CONTENT_TYPE, "")
            .body(body)
            .send()
            .await
            .map_err(|e| ResponseError(e.without_url().to_string()))?;
        if !answered.status().is_success() {
            return Err(ResponseError(format!("status {}", answered.status())));
        }
        Ok(())
    }
}
