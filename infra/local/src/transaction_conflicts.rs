//! DynamoDB's transaction conflicts, which DynamoDB Local does not report.
//!
//! DynamoDB cancels a `TransactWriteItems` that touches an item another
//! transaction is still writing (`TransactionCanceledException` with the
//! reason `TransactionConflict`), and refuses a `PutItem`, `UpdateItem` or
//! `DeleteItem` on such an item (`TransactionConflictException`). DynamoDB
//! Local serialises everything instead, so code that makes every write touch
//! one hot item passes locally and answers 503 under load on AWS. This HTTP
//! layer sits between the SDK and DynamoDB Local and answers exactly as
//! DynamoDB does while a transaction on the same item is in flight.

use aws_sdk_dynamodb::config::http::{HttpRequest, HttpResponse};
use aws_sdk_dynamodb::config::{HttpClient, RuntimeComponents};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use parley::adapters::aws_http::ReqwestHttpClient;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Items held by transactions in flight, counted per item.
type Held = Arc<Mutex<HashMap<String, usize>>>;

/// An HTTP client for DynamoDB that reports transaction conflicts.
#[derive(Debug, Clone)]
pub struct TransactionConflicts {
    inner: ReqwestHttpClient,
    held: Held,
    arriving: Arc<Semaphore>,
}

/// Requests DynamoDB Local works on at once (it has a couple of cores):
/// the rest wait for a connection, as they would in the SDK's pool.
const WORKING_AT_ONCE: usize = 8;

impl TransactionConflicts {
    /// Over the SDK's default HTTP client, which really talks to DynamoDB
    /// Local. Clients built from the same value (or its clones) share what
    /// is in flight, as they share one table.
    pub fn over_default_client() -> Self {
        TransactionConflicts {
            inner: ReqwestHttpClient::default(),
            held: Held::default(),
            arriving: Arc::new(Semaphore::new(WORKING_AT_ONCE)),
        }
    }

    /// A connector with the same conflicts, for requests sent outside the
    /// SDK (the direct transaction writer).
    pub fn connector(&self, settings: &HttpConnectorSettings) -> SharedHttpConnector {
        SharedHttpConnector::new(Connector {
            inner: self.inner.connector(settings),
            held: self.held.clone(),
            arriving: self.arriving.clone(),
        })
    }
}

impl HttpClient for TransactionConflicts {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        self.connector(settings)
    }
}

#[derive(Debug)]
struct Connector {
    inner: SharedHttpConnector,
    held: Held,
    arriving: Arc<Semaphore>,
}

/// What a request writes, by item.
enum Write {
    Transaction(Vec<String>),
    Single(String),
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, held, arriving) = (self.inner.clone(), self.held.clone(), self.arriving.clone());
        HttpConnectorFuture::new(async move {
            // Only a request DynamoDB is working on holds its items: one
            // waiting for a connection has not reached the table yet.
            let _working = arriving.acquire_owned().await;
            let Some(write) = write_of(&request) else { return inner.call(request).await };
            let release = {
                let mut held_now = held.lock().unwrap_or_else(|e| e.into_inner());
                match write {
                    Write::Single(item) if held_now.contains_key(&item) => return Ok(conflict_exception()),
                    Write::Single(_) => None,
                    Write::Transaction(items) => {
                        let conflicts: Vec<bool> = items.iter().map(|i| held_now.contains_key(i)).collect();
                        if conflicts.contains(&true) {
                            return Ok(cancelled(&conflicts));
                        }
                        for item in &items {
                            *held_now.entry(item.clone()).or_default() += 1;
                        }
                        Some(Release { held: held.clone(), items })
                    }
                }
            };
            let answer = inner.call(request).await;
            drop(release);
            answer
        })
    }
}

/// Lets go of a transaction's items when it is answered (or abandoned).
struct Release {
    held: Held,
    items: Vec<String>,
}

impl Drop for Release {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        for item in &self.items {
            if let Some(count) = held.get_mut(item) {
                *count -= 1;
                if *count == 0 {
                    held.remove(item);
                }
            }
        }
    }
}

fn write_of(request: &HttpRequest) -> Option<Write> {
    let target = request.headers().get("x-amz-target")?;
    let operation = target.rsplit('.').next()?;
    let body: Value = serde_json::from_slice(request.body().bytes()?).ok()?;
    match operation {
        "TransactWriteItems" => {
            let items = body["TransactItems"]
                .as_array()?
                .iter()
                .filter_map(|entry| {
                    let (kind, action) = entry.as_object()?.iter().next()?;
                    item_id(&action["TableName"], if kind == "Put" { &action["Item"] } else { &action["Key"] })
                })
                .collect();
            Some(Write::Transaction(items))
        }
        "PutItem" => Some(Write::Single(item_id(&body["TableName"], &body["Item"])?)),
        "UpdateItem" | "DeleteItem" => Some(Write::Single(item_id(&body["TableName"], &body["Key"])?)),
        _ => None,
    }
}

/// The table's key attributes (`pk`, `sk`) name an item.
fn item_id(table: &Value, item: &Value) -> Option<String> {
    Some(format!("{}|{}|{}", table.as_str()?, item.get("pk")?, item.get("sk")?))
}

fn answer(body: Value) -> HttpResponse {
    let status = StatusCode::try_from(400).unwrap_or_else(|_| unreachable!("400 is a status code"));
    let mut response = HttpResponse::new(status, SdkBody::from(body.to_string()));
    response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
    response
}

fn conflict_exception() -> HttpResponse {
    answer(json!({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
        "message": "Transaction is ongoing for the item",
    }))
}

fn cancelled(conflicts: &[bool]) -> HttpResponse {
    let codes: Vec<&str> = conflicts.iter().map(|&c| if c { "TransactionConflict" } else { "None" }).collect();
    let reasons: Vec<Value> = codes
        .iter()
        .map(|&code| match code {
            "None" => json!({"Code": "None"}),
            _ => json!({"Code": code, "Message": "Transaction is ongoing for the item"}),
        })
        .collect();
    answer(json!({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        ),
        "CancellationReasons": reasons,
    }))
}
