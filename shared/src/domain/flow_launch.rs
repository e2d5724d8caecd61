//! A published WhatsApp Flow as a message opens it: Meta's `flow` interactive
//! message names the flow, the screen it opens at (`navigate`), the label of
//! the button that opens it, and a `flow_token` that comes back with the
//! completed form (`nfm_reply`). Parley's token is the lead source's id, so
//! the answers become a lead of that source.
//!
//! Meta's limits (<https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow>):
//! the button label (`flow_cta`) at most 20 characters; a flow id is Meta's
//! numeric id; a screen id is letters, digits and underscores.

use serde::{Deserialize, Serialize};

/// The longest button label Meta accepts.
pub const MAX_CTA_CHARS: usize = 20;
/// The longest screen id taken.
pub const MAX_SCREEN_CHARS: usize = 64;
/// The longest flow token taken.
pub const MAX_TOKEN_CHARS: usize = 200;

/// How a flow is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FlowLaunch {
    /// Meta's id of the published flow.
    pub flow_id: String,
    /// The screen it opens at.
    pub screen: String,
    /// The label of the button that opens it.
    pub cta: String,
}

/// Why Meta would refuse the launch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadFlowLaunch {
    /// Not Meta's numeric id.
    #[error("a flow id is Meta's numeric id of a published flow")]
    FlowId,
    /// A screen id Meta would not know.
    #[error("the first screen is the screen's id: 1 to 64 letters, digits or _")]
    Screen,
    /// Blank or too long a button label.
    #[error("the button that opens the form is 1 to 20 characters")]
    Cta,
    /// Blank or too long a token.
    #[error("the flow token is 1 to 200 characters")]
    Token,
}

impl FlowLaunch {
    /// Checks it against Meta's limits.
    pub fn check(&self) -> Result<(), BadFlowLaunch> {
        if self.flow_id.is_empty() || self.flow_id.len() > 32 || !self.flow_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadFlowLaunch::FlowId);
        }
        let screen_ok = (1..=MAX_SCREEN_CHARS).contains(&self.screen.len())
            && self.screen.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !screen_ok {
            return Err(BadFlowLaunch::Screen);
        }
        if !(1..=MAX_CTA_CHARS).contains(&self.cta.trim().chars().count()) {
            return Err(BadFlowLaunch::Cta);
        }
        Ok(())
    }
}

/// Checks a token as Meta takes it.
pub fn check_token(token: &str) -> Result<(), BadFlowLaunch> {
    if (1..=MAX_TOKEN_CHARS).contains(&token.chars().count()) {
        Ok(())
    } else {
        Err(BadFlowLaunch::Token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(flow_id: &str, screen: &str, cta: &str) -> FlowLaunch {
        FlowLaunch { flow_id: flow_id.into(), screen: screen.into(), cta: cta.into() }
    }

    #[test]
    fn metas_limits_on_the_flow_screen_and_button() {
        assert_eq!(launch("1234567890", "ENQUIRY", "Fill the form").check(), Ok(()));
        assert_eq!(launch("abc", "ENQUIRY", "Open").check(), Err(BadFlowLaunch::FlowId));
        assert_eq!(launch("12", "first screen", "Open").check(), Err(BadFlowLaunch::Screen));
        assert_eq!(launch("12", "ENQUIRY", "Open the enquiry form now").check(), Err(BadFlowLaunch::Cta));
        assert_eq!(launch("12", "ENQUIRY", "  ").check(), Err(BadFlowLaunch::Cta));
        assert_eq!(check_token(""), Err(BadFlowLaunch::Token));
    }
}
