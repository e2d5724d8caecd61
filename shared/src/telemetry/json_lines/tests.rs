use crate::adapters::test_log_capture::CapturedLogs;
use serde_json::{json, Value};

/// The lines `log` wrote through the functions' subscriber, parsed.
fn logged(log: impl FnOnce()) -> Vec<Value> {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    tracing::subscriber::with_default(crate::telemetry::subscriber(move || writer.clone(), Some("info")), log);
    logs.text().lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

#[derive(Debug)]
struct Shown;

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("shown \"as\" text")
    }
}

#[test]
fn a_line_is_its_level_its_fields_and_its_spans_from_the_root_inwards() {
    let lines = logged(|| {
        tracing::info!(count = 3, negative = -2, ratio = 0.5, infinite = f64::INFINITY, kept = true, "outside");
        let outer =
            tracing::info_span!("Lambda runtime invoke", requestId = "id-1", xrayTraceId = tracing::field::Empty);
        let _outer = outer.enter();
        outer.record("xrayTraceId", "Root=1-2");
        let inner = tracing::info_span!("inner", shown = %Shown, debugged = ?Some(1));
        let _inner = inner.enter();
        tracing::warn!(wamid = "wamid.1", "inside");
        let bare = tracing::info_span!("bare");
        let _bare = bare.enter();
        tracing::error!("deepest");
        tracing::debug!("filtered out");
    });
    assert_eq!(
        lines,
        [
            json!({"level": "INFO", "fields": {"message": "outside", "count": 3, "negative": -2, "ratio": 0.5,
                   "infinite": null, "kept": true}}),
            json!({"level": "WARN", "fields": {"message": "inside", "wamid": "wamid.1"},
                   "spans": [{"requestId": "id-1", "xrayTraceId": "Root=1-2", "name": "Lambda runtime invoke"},
                             {"shown": "shown \"as\" text", "debugged": "Some(1)", "name": "inner"}]}),
            json!({"level": "ERROR", "fields": {"message": "deepest"},
                   "spans": [{"requestId": "id-1", "xrayTraceId": "Root=1-2", "name": "Lambda runtime invoke"},
                             {"shown": "shown \"as\" text", "debugged": "Some(1)", "name": "inner"},
                             {"name": "bare"}]}),
        ]
    );
}

#[test]
fn quotes_backslashes_and_control_characters_stay_inside_their_string() {
    let awkward = "a \"quoted\" C:\\path\nnext\tline\r\u{1}\u{1f} ünïcode";
    let error = std::io::Error::other("broken\n\"pipe\"");
    let lines = logged(|| {
        let span = tracing::info_span!("s", "odd\"name" = awkward);
        let _span = span.enter();
        tracing::info!(text = awkward, error = &error as &(dyn std::error::Error + 'static), "{awkward}");
    });
    assert_eq!(lines.len(), 1, "one line however many newlines the values hold");
    assert_eq!(lines[0]["fields"]["message"], awkward);
    assert_eq!(lines[0]["fields"]["text"], awkward);
    assert_eq!(lines[0]["fields"]["error"], "broken\n\"pipe\"");
    assert_eq!(lines[0]["spans"][0]["odd\"name"], awkward);
}
