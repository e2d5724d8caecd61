//! Structured JSON logs for every function.

mod json_lines;

use json_lines::{JsonLines, JsonMembers};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Installs a JSON `tracing` subscriber filtered by `RUST_LOG` (default
/// `info`). Safe to call twice: the second call is ignored.
pub fn init() {
    let _ = subscriber(std::io::stdout, std::env::var("RUST_LOG").ok().as_deref()).try_init();
}

/// The functions' subscriber, writing to `writer` (a test's capture, or
/// standard output) at `directives`.
pub fn subscriber<W>(writer: W, directives: Option<&str>) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .fmt_fields(JsonMembers)
        .event_format(JsonLines)
        .with_writer(writer)
        .finish()
        .with(filter(directives))
}

/// `RUST_LOG`'s directives: a level (`info`), or targets with levels
/// (`parley=debug,warn`). The full `EnvFilter` syntax (span fields,
/// regular expressions) is not taken: its regex engine was a tenth of
/// a megabyte of every binary, and a function's logs need no more than
/// this. Unreadable directives fall back to `info`, as a missing one does.
fn filter(directives: Option<&str>) -> Targets {
    directives.and_then(|d| d.parse::<Targets>().ok()).unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_takes_a_level_or_targets_and_anything_else_means_info() {
        assert!(filter(Some("warn")).would_enable("parley", &Level::WARN));
        assert!(!filter(Some("warn")).would_enable("parley", &Level::INFO));
        let targets = filter(Some("parley=debug,error"));
        assert!(targets.would_enable("parley::app", &Level::DEBUG));
        assert!(!targets.would_enable("aws_smithy_runtime", &Level::WARN));
        assert!(filter(None).would_enable("parley", &Level::INFO));
        assert!(!filter(Some("parley=[{x}]")).would_enable("parley", &Level::DEBUG));
    }
}
