//! The functions' log lines: one JSON object each, in the shape
//! tracing-subscriber's JSON format gives (`level`, `fields`, and `spans`
//! from the root inwards, each span's fields with its `name`), written
//! straight out.
//!
//! Why not that format itself: it keeps a span's fields as a JSON object
//! (built through a map) and parses that text again for every line logged
//! inside the span. In the webhook, whose every message logs a line inside
//! the invocation's span, the two were a twentieth of the CPU a message
//! took. Here a span keeps its fields as the JSON members they are, which
//! a line copies as they are.

use crate::json_escape::try_for_each_piece;
use std::fmt::{self, Write};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// Writes an event as one JSON line.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonLines;

/// Writes fields as JSON members (`"a":1,"b":"x"`), without braces, so a
/// span's can be copied into every line logged inside it.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonMembers;

impl<S> FormatEvent<S, JsonMembers> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonMembers>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        writer.write_str("{\"level\":\"")?;
        writer.write_str(event.metadata().level().as_str())?;
        writer.write_str("\",\"fields\":{")?;
        let mut members = Members::new(&mut writer);
        event.record(&mut members);
        members.result?;
        writer.write_char('}')?;
        if let Some(scope) = ctx.event_scope() {
            writer.write_str(",\"spans\":[")?;
            for (i, span) in scope.from_root().enumerate() {
                if i > 0 {
                    writer.write_char(',')?;
                }
                writer.write_char('{')?;
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<JsonMembers>>().filter(|f| !f.is_empty()) {
                    writer.write_str(fields.as_str())?;
                    writer.write_char(',')?;
                }
                writer.write_str("\"name\":")?;
                write_string(&mut writer, span.name())?;
                writer.write_char('}')?;
            }
            writer.write_char(']')?;
        }
        writer.write_str("}\n")
    }
}

impl<'writer> FormatFields<'writer> for JsonMembers {
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut members = Members::new(&mut writer);
        fields.record(&mut members);
        members.result
    }

    fn add_fields(&self, current: &mut FormattedFields<Self>, fields: &tracing::span::Record<'_>) -> fmt::Result {
        let first = current.fields.is_empty();
        let mut members = Members::new(&mut current.fields);
        members.first = first;
        fields.record(&mut members);
        members.result
    }
}

/// Records fields as JSON members into `out`.
struct Members<'a, W: Write> {
    out: &'a mut W,
    first: bool,
    result: fmt::Result,
}

impl<'a, W: Write> Members<'a, W> {
    fn new(out: &'a mut W) -> Self {
        Members { out, first: true, result: Ok(()) }
    }

    /// Writes `"name":` then the value `write` writes.
    fn member(&mut self, field: &Field, write: impl FnOnce(&mut W) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        self.result = (|| {
            if !std::mem::take(&mut self.first) {
                self.out.write_char(',')?;
            }
            write_string(self.out, field.name())?;
            self.out.write_char(':')?;
            write(self.out)
        })();
    }
}

impl<W: Write> Visit for Members<'_, W> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |out| {
            out.write_char('"')?;
            write!(Escaped(out), "{value:?}")?;
            out.write_char('"')
        });
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |out| write_string(out, value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // JSON has no NaN or infinity.
        self.member(field, |out| if value.is_finite() { write!(out, "{value}") } else { out.write_str("null") });
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.member(field, |out| {
            out.write_char('"')?;
            write!(Escaped(out), "{value}")?;
            out.write_char('"')
        });
    }
}

/// `text` as a JSON string.
fn write_string<W: Write>(out: &mut W, text: &str) -> fmt::Result {
    out.write_char('"')?;
    Escaped(&mut *out).write_str(text)?;
    out.write_char('"')
}

/// Escapes what is written through it for the inside of a JSON string.
struct Escaped<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        try_for_each_piece(text, |piece| self.0.write_str(piece))
    }
}

#[cfg(test)]
mod tests;
