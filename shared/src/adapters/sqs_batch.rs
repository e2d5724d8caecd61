//! Lambda's SQS partial batch response (ReportBatchItemFailures), shared by
//! every queue consumer: records reported here come back after their
//! visibility timeout; the rest are deleted.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsMessage};

/// The records of one batch to hand back to the queue.
#[derive(Debug, Default)]
pub struct BatchFailures(Vec<BatchItemFailure>);

impl BatchFailures {
    /// No failures yet.
    pub fn new() -> Self {
        BatchFailures::default()
    }

    /// Hands `record` back to the queue.
    pub fn retry(&mut self, record: &SqsMessage) {
        let mut failure = BatchItemFailure::default();
        failure.item_identifier = record.message_id.clone().unwrap_or_default();
        self.0.push(failure);
    }

    /// How many records go back.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether every record succeeded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The response Lambda expects.
    pub fn into_response(self) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = self.0;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_exactly_the_records_handed_back() {
        let record = |id: &str| {
            let mut record = SqsMessage::default();
            record.message_id = Some(id.to_owned());
            record
        };
        let mut failures = BatchFailures::new();
        assert!(failures.is_empty());
        failures.retry(&record("m2"));
        failures.retry(&record("m5"));
        let ids: Vec<String> =
            failures.into_response().batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
        assert_eq!(ids, vec!["m2", "m5"]);
    }
}
