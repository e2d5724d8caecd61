//! Wires the events function locally: the bus in moto (`<table>-events`),
//! the extension functions template.yaml feeds from it, and the stream
//! reader that hands the table's event items to the same handler Lambda runs.

use crate::event_bus::{Extension, LocalBus};
use crate::event_stream::{Invocations, StreamPlayer};
use crate::server::LocalConfig;
use crate::template::Template;
use anyhow::{Context, Result};
use events::bus::EventBridgeBus;
use std::sync::Arc;

/// Creates the bus, builds the handler and positions the stream reader at
/// the stream's end; returns the bus name, the invocation counter and the
/// reader to run.
pub async fn play_events(
    sdk: &parley::adapters::aws::SdkConfig,
    config: &LocalConfig,
    template: &Template,
    reactions: &events::reactions::ReactionParts,
) -> Result<(String, Arc<Invocations>, StreamPlayer)> {
    let bus_name = format!("{}-events", config.table);
    let eventbridge = aws_sdk_eventbridge::Client::new(sdk);
    let created = eventbridge.create_event_bus().name(&bus_name).send().await;
    if let Err(e) = created {
        if !e.as_service_error().is_some_and(|s| s.is_resource_already_exists_exception()) {
            return Err(e).with_context(|| format!("creating the event bus {bus_name}"));
        }
    }
    let mut extensions = Vec::new();
    for rule in template.extension_rules() {
        if let Some(function) = extension(&rule.binary, config) {
            extensions.push((rule.binary, rule.pattern, function));
        }
    }
    let bus = LocalBus::new(EventBridgeBus::new(sdk, &bus_name), extensions);
    let handler = Arc::new(events::EventsHandler::new(Arc::new(bus), events::reactions::reactions(reactions)));
    let invocations = Arc::new(Invocations::default());
    // Its own client: the stream's reads are not the handlers' round trips.
    let dynamo = aws_sdk_dynamodb::Client::new(sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(sdk);
    let player = StreamPlayer::start(&dynamo, streams, &config.table, handler, invocations.clone()).await?;
    Ok((bus_name, invocations, player))
}

/// The local build of the extension function `binary`, when it is set up.
fn extension(binary: &str, config: &LocalConfig) -> Option<Extension> {
    match binary {
        "example-won-deals" => {
            let function = Arc::new(example_won_deals::WonDeals::new(config.won_deals.clone()?));
            Some(Arc::new(move |delivery| {
                let function = function.clone();
                Box::pin(async move { function.handle(delivery).await.map(|_| ()).map_err(|e| e.to_string()) })
            }))
        }
        _ => None,
    }
}
