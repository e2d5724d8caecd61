//! A phone call staff made and logged (the dialer flow: tap to call, then
//! note how it went), kept on the contact as a note.

use serde::{Deserialize, Serialize};

/// How a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// They picked up and talked.
    Connected,
    /// It rang out.
    NoAnswer,
    /// The line was busy or they cut it.
    Busy,
    /// Not the person this contact is.
    WrongNumber,
}

/// What staff logged about a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct LoggedCall {
    /// How it went.
    pub outcome: CallOutcome,
    /// How long they talked, when it connected.
    pub duration_seconds: Option<u32>,
}
