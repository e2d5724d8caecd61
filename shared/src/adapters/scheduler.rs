//! [`Scheduler`] on EventBridge Scheduler: one one-time schedule per job
//! name in the stack's schedule group, each invoking the reminders function
//! with the job's JSON and deleting itself once it has fired.

use super::aws_signed::{percent_encoded, CallFailure, Outgoing, ServiceSigning, SignedRequests, Signer};
use crate::config::{ConfigError, Environment};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::Millis;
use crate::ports::{Scheduler, StoreError};
use async_trait::async_trait;
use aws_sigv4::http_request::SigningSettings;
use aws_smithy_runtime_api::client::http::SharedHttpConnector;
use aws_types::SdkConfig;
use bytes::Bytes;
use serde_json::json;

/// Where schedules go and what they wake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleTarget {
    /// `SCHEDULE_GROUP`: the stack's schedule group.
    pub group: String,
    /// `REMINDERS_FUNCTION_ARN`: the function a schedule invokes.
    pub function_arn: String,
    /// `SCHEDULER_ROLE_ARN`: the role Scheduler assumes to invoke it.
    pub role_arn: String,
}

impl ScheduleTarget {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(ScheduleTarget {
            group: env.required("SCHEDULE_GROUP")?,
            function_arn: env.required("REMINDERS_FUNCTION_ARN")?,
            role_arn: env.required("SCHEDULER_ROLE_ARN")?,
        })
    }
}

/// EventBridge Scheduler implementation of [`Scheduler`], over its REST
/// API rather than the SDK's client (three calls, each a path and a small
/// JSON body; [`aws_signed`](super::aws_signed) says what is kept of the SDK).
#[derive(Debug, Clone)]
pub struct EventBridgeScheduler {
    requests: SignedRequests,
    endpoint: Option<String>,
    target: ScheduleTarget,
}

/// A one-time expression in UTC to the second, as Scheduler wants:
/// `at(2026-12-01T09:30:00)`. A time already past fires at once.
pub fn at_expression(at: Millis) -> String {
    let rfc = at.to_rfc3339();
    format!("at({})", &rfc[..19.min(rfc.len())])
}

fn unavailable(operation: &str, failure: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("scheduler {operation}: {failure}"))
}

/// The idempotency token each call takes (the SDK fills one in for its
/// callers): a retried attempt of the same call carries the same one.
fn client_token() -> String {
    format!("{:032x}", fastrand::u128(..))
}

impl EventBridgeScheduler {
    /// A scheduler with `config`'s region, credentials, retries and
    /// endpoint, sending through `connector` and putting schedules in
    /// `target.group`. Nothing is sent yet.
    pub fn new(config: &SdkConfig, connector: SharedHttpConnector, target: ScheduleTarget) -> Self {
        let signing = ServiceSigning {
            name: "scheduler",
            signer: Signer::Sdk(SigningSettings::default),
            refusal: super::aws_json::refusal,
        };
        EventBridgeScheduler {
            requests: SignedRequests::new(signing, config, connector),
            endpoint: super::aws_signed::endpoint("Scheduler", "scheduler", config),
            target,
        }
    }

    /// The schedule `name`'s URL, with `query`.
    fn url(&self, name: &str, query: &str) -> Result<String, StoreError> {
        let endpoint = self.endpoint.as_deref().ok_or_else(|| unavailable("", "no region or endpoint"))?;
        Ok(format!("{}/schedules/{}{query}", endpoint.trim_end_matches('/'), percent_encoded(name, false)))
    }

    /// Creates (`POST`) or replaces (`PUT`) the schedule `name`.
    async fn put(&self, method: &str, name: &str, at: Millis, job: &ScheduledJob) -> Result<(), CallFailure> {
        let input = serde_json::to_string(job).map_err(|e| CallFailure::Unavailable(e.to_string()))?;
        let body = json!({
            "GroupName": self.target.group,
            "ScheduleExpression": at_expression(at),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": { "Mode": "OFF" },
            "Target": { "Arn": self.target.function_arn, "RoleArn": self.target.role_arn, "Input": input },
            "ActionAfterCompletion": "DELETE",
            "ClientToken": client_token(),
        });
        let url = self.url(name, "").map_err(|e| CallFailure::Unavailable(e.to_string()))?;
        let body = Bytes::from(body.to_string());
        let headers = [("content-type", "application/json")];
        self.requests.call(&Outgoing { method, url: &url, headers: &headers, body: &body }).await.map(drop)
    }
}

#[async_trait]
impl Scheduler for EventBridgeScheduler {
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError> {
        let name = job.name();
        match self.put("POST", &name, at, job).await {
            Ok(()) => Ok(()),
            // The name exists: this is a move.
            Err(CallFailure::Refused(refusal)) if refusal.code == "ConflictException" => {
                self.put("PUT", &name, at, job).await.map_err(|e| unavailable("UpdateSchedule", e))
            }
            Err(failure) => Err(unavailable("CreateSchedule", failure)),
        }
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        let query = format!("?groupName={}&clientToken={}", percent_encoded(&self.target.group, false), client_token());
        let url = self.url(name, &query)?;
        let body = Bytes::new();
        match self.requests.call(&Outgoing { method: "DELETE", url: &url, headers: &[], body: &body }).await {
            Ok(_) => Ok(()),
            Err(CallFailure::Refused(refusal)) if refusal.code == "ResourceNotFoundException" => Ok(()),
            Err(failure) => Err(unavailable("DeleteSchedule", failure)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::adapters::aws_signed::tests::{config, Scripted};

    fn scheduler(connector: &Scripted) -> EventBridgeScheduler {
        let target = ScheduleTarget {
            group: "parley due".into(),
            function_arn: "arn:reminders".into(),
            role_arn: "arn:role".into(),
        };
        EventBridgeScheduler::new(&config(), connector.connector(), target)
    }

    #[tokio::test]
    async fn a_taken_name_is_a_move_and_a_schedule_already_gone_is_cancelled() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (409, r#"{"Message":"Schedule task.tk.1 already exists."}"#),
            (200, r#"{"ScheduleArn":"arn:s"}"#),
            (404, r#"{"__type":"ResourceNotFoundException","Message":"Schedule does not exist."}"#),
            (403, r#"{"__type":"AccessDeniedException","Message":"no"}"#),
        ];
        *connector.headers.lock().unwrap() = vec![("x-amzn-errortype", "ConflictException:http://internal/")];
        let scheduler = scheduler(&connector);
        let job = ScheduledJob::TaskDue { task_id: "tk.1".into(), due_at: Millis(1_795_464_000_000) };
        scheduler.schedule(Millis(1_795_464_000_000), &job).await.unwrap();
        scheduler.cancel(&job.name()).await.unwrap();
        let denied = scheduler.cancel(&job.name()).await.unwrap_err().to_string();
        assert!(denied.contains("scheduler DeleteSchedule: AccessDeniedException: no"), "{denied}");

        let seen = connector.seen.lock().unwrap();
        let endpoint = "https://scheduler.ap-south-1.amazonaws.com/schedules/";
        assert_eq!((seen[0].0.as_str(), seen[1].0.as_str(), seen[2].0.as_str()), ("POST", "PUT", "DELETE"));
        assert_eq!(seen[0].1, format!("{endpoint}{}", job.name()));
        assert!(seen[2].1.starts_with(&format!("{endpoint}{}?groupName=parley%20due&clientToken=", job.name())));
        let created: serde_json::Value = serde_json::from_slice(&seen[0].3).unwrap();
        assert_eq!(created["ScheduleExpression"], "at(2026-11-23T20:00:00)");
        assert_eq!(created["ActionAfterCompletion"], "DELETE");
        assert_eq!(created["Target"]["Input"], serde_json::to_string(&job).unwrap());
        let moved: serde_json::Value = serde_json::from_slice(&seen[1].3).unwrap();
        assert_eq!(moved["GroupName"], "parley due");
        assert_ne!(created["ClientToken"], moved["ClientToken"], "a move is a call of its own");
    }

    #[test]
    fn one_time_expressions_are_utc_to_the_second() {
        // 2026-11-23T20:00:00.250Z
        assert_eq!(at_expression(Millis(1_795_464_000_250)), "at(2026-11-23T20:00:00)");
    }
}
