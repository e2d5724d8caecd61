//! Counts SDK round trips (every attempt that goes on the wire), so tests and
//! benchmarks can state what one user action costs; and, where asked (the
//! local stack), the DynamoDB capacity units they consumed, which is what
//! AWS bills on demand.

use aws_sdk_dynamodb::config::interceptors::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A shared round-trip counter, installed as an SDK interceptor.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter {
    trips: Arc<AtomicU64>,
    capacity: Option<Arc<CapacityTotals>>,
}

/// Capacity units in thousandths, so they add up atomically.
#[derive(Debug, Default)]
struct CapacityTotals {
    read_milli: AtomicU64,
    write_milli: AtomicU64,
}

/// Whether the operation in flight reads or writes (its units are billed
/// at different prices).
#[derive(Debug, Clone, Copy)]
struct Writes(bool);

impl Storable for Writes {
    type Storer = StoreReplace<Self>;
}

/// The item operations that can report their capacity, and whether each
/// writes.
const METERED: &[(&str, bool)] = &[
    ("GetItem", false),
    ("Query", false),
    ("Scan", false),
    ("BatchGetItem", false),
    ("TransactGetItems", false),
    ("PutItem", true),
    ("UpdateItem", true),
    ("DeleteItem", true),
    ("BatchWriteItem", true),
    ("TransactWriteItems", true),
];

impl RequestCounter {
    /// A counter that also asks DynamoDB for the capacity each request
    /// consumed (`ReturnConsumedCapacity: TOTAL`, added to the request) and
    /// adds it up. Only for measuring: it changes what goes on the wire.
    pub fn measuring_capacity() -> Self {
        RequestCounter { trips: Arc::default(), capacity: Some(Arc::default()) }
    }

    /// Round trips so far.
    pub fn get(&self) -> u64 {
        self.trips.load(Ordering::Relaxed)
    }

    /// Read capacity units consumed so far (0 unless measuring).
    pub fn read_units(&self) -> f64 {
        self.capacity.as_ref().map_or(0.0, |c| c.read_milli.load(Ordering::Relaxed) as f64 / 1000.0)
    }

    /// Write capacity units consumed so far (0 unless measuring).
    pub fn write_units(&self) -> f64 {
        self.capacity.as_ref().map_or(0.0, |c| c.write_milli.load(Ordering::Relaxed) as f64 / 1000.0)
    }

    /// Whether requests should ask DynamoDB for the capacity they consume.
    pub(crate) fn measures_capacity(&self) -> bool {
        self.capacity.is_some()
    }

    /// Counts one request on the wire (the interceptor's for the SDK's;
    /// called directly for one sent outside the SDK).
    pub(crate) fn count_trip(&self) {
        self.trips.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds the capacity an answer's `body` reports (when measuring).
    pub(crate) fn add_consumed(&self, writes: bool, body: &[u8]) {
        let Some(capacity) = &self.capacity else { return };
        let milli = (consumed_units(body) * 1000.0).round() as u64;
        let total = if writes { &capacity.write_milli } else { &capacity.read_milli };
        total.fetch_add(milli, Ordering::Relaxed);
    }
}

/// The operation an `X-Amz-Target: DynamoDB_20120810.<Operation>` names.
fn operation(target: &str) -> Option<bool> {
    let name = target.rsplit('.').next()?;
    METERED.iter().find(|(op, _)| *op == name).map(|(_, writes)| *writes)
}

/// The units a response reports: one `ConsumedCapacity` object, or a list
/// of them (transactions and batches).
fn consumed_units(body: &[u8]) -> f64 {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return 0.0 };
    let units = |c: &serde_json::Value| c["CapacityUnits"].as_f64().unwrap_or(0.0);
    match &value["ConsumedCapacity"] {
        serde_json::Value::Array(all) => all.iter().map(units).sum(),
        one => units(one),
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.capacity.is_none() {
            return Ok(());
        }
        let request = context.request_mut();
        let Some(writes) = request.headers().get("x-amz-target").and_then(operation) else { return Ok(()) };
        cfg.interceptor_state().store_put(Writes(writes));
        let Some(body) = request.body().bytes() else { return Ok(()) };
        if body.starts_with(b"{") && !body.windows(22).any(|w| w == b"ReturnConsumedCapacity") {
            let mut asked = br#"{"ReturnConsumedCapacity":"TOTAL""#.to_vec();
            if body.len() > 2 {
                asked.push(b',');
            }
            asked.extend_from_slice(&body[1..]);
            let length = asked.len().to_string();
            *request.body_mut() = SdkBody::from(asked);
            request.headers_mut().insert("content-length", length);
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.count_trip();
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Writes(writes)) = cfg.load::<Writes>().copied() else { return Ok(()) };
        if let Some(body) = context.response().and_then(|r| r.body().bytes()) {
            self.add_consumed(writes, body);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{consumed_units, operation};

    #[test]
    fn units_are_read_from_one_report_or_a_list() {
        assert_eq!(consumed_units(br#"{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.5}}"#), 1.5);
        assert_eq!(consumed_units(br#"{"ConsumedCapacity":[{"CapacityUnits":4.0},{"CapacityUnits":2.0}]}"#), 6.0);
        assert_eq!(consumed_units(br#"{"Items":[]}"#), 0.0);
        assert_eq!(operation("DynamoDB_20120810.TransactWriteItems"), Some(true));
        assert_eq!(operation("DynamoDB_20120810.Query"), Some(false));
        assert_eq!(operation("DynamoDB_20120810.DescribeTable"), None);
    }
}
