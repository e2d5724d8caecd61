//! [`Scheduler`] on EventBridge Scheduler: one one-time schedule per job
//! name in the stack's schedule group, each invoking the reminders function
//! with the job's JSON and deleting itself once it has fired.

use crate::config::{ConfigError, Environment};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::Millis;
use crate::ports::{Scheduler, StoreError};
use async_trait::async_trait;
use aws_sdk_scheduler::types::{ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target};

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

/// EventBridge Scheduler implementation of [`Scheduler`].
#[derive(Debug, Clone)]
pub struct EventBridgeScheduler {
    client: aws_sdk_scheduler::Client,
    target: ScheduleTarget,
}

/// A one-time expression in UTC to the second, as Scheduler wants:
/// `at(2026-12-01T09:30:00)`. A time already past fires at once.
pub fn at_expression(at: Millis) -> String {
    let rfc = at.to_rfc3339();
    format!("at({})", &rfc[..19.min(rfc.len())])
}

fn unavailable<E: std::error::Error>(error: E) -> StoreError {
    StoreError::Unavailable(format!("scheduler: {}", crate::adapters::error_chain::text(&error)))
}

impl EventBridgeScheduler {
    /// A scheduler over `client` putting schedules in `target.group`.
    pub fn new(client: aws_sdk_scheduler::Client, target: ScheduleTarget) -> Self {
        EventBridgeScheduler { client, target }
    }

    fn target(&self, job: &ScheduledJob) -> Result<Target, StoreError> {
        let input = serde_json::to_string(job).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Target::builder()
            .arn(&self.target.function_arn)
            .role_arn(&self.target.role_arn)
            .input(input)
            .build()
            .map_err(unavailable)
    }

    fn window() -> Result<FlexibleTimeWindow, StoreError> {
        FlexibleTimeWindow::builder().mode(FlexibleTimeWindowMode::Off).build().map_err(unavailable)
    }
}

#[async_trait]
impl Scheduler for EventBridgeScheduler {
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError> {
        let name = job.name();
        let expression = at_expression(at);
        let created = self
            .client
            .create_schedule()
            .name(&name)
            .group_name(&self.target.group)
            .schedule_expression(&expression)
            .schedule_expression_timezone("UTC")
            .flexible_time_window(Self::window()?)
            .target(self.target(job)?)
            .action_after_completion(ActionAfterCompletion::Delete)
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            // The name exists: this is a move.
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conflict_exception()) => {
                self.client
                    .update_schedule()
                    .name(&name)
                    .group_name(&self.target.group)
                    .schedule_expression(&expression)
                    .schedule_expression_timezone("UTC")
                    .flexible_time_window(Self::window()?)
                    .target(self.target(job)?)
                    .action_after_completion(ActionAfterCompletion::Delete)
                    .send()
                    .await
                    .map_err(unavailable)?;
                Ok(())
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        match self.client.delete_schedule().name(name).group_name(&self.target.group).send().await {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_expressions_are_utc_to_the_second() {
        // 2026-11-23T20:00:00.250Z
        assert_eq!(at_expression(Millis(1_795_464_000_250)), "at(2026-11-23T20:00:00)");
    }
}
