//! An interactive message staff compose inside the service window: reply
//! buttons or a list. The customer's tap comes back as an
//! `interactive.button_reply` or `interactive.list_reply` naming the id.
//!
//! Meta's limits (<https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages>,
//! <https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages>):
//! body at most 1024 characters, header text 60, footer 60; up to 3 buttons
//! titled in at most 20; a list's button label at most 20, up to 10 sections
//! holding at most 10 rows in all, a section title at most 24 (required when
//! there is more than one section), a row title at most 24 and its
//! description at most 72, row ids at most 200 and distinct.

use super::flow_launch::{check_token, BadFlowLaunch, FlowLaunch};
use super::reply_button::{check_reply_buttons, ReplyButton};
use serde::{Deserialize, Serialize};

/// The longest body Meta accepts.
pub const MAX_BODY_CHARS: usize = 1024;
/// The longest text header or footer Meta accepts.
pub const MAX_HEADER_FOOTER_CHARS: usize = 60;
/// The longest label of the button that opens a list.
pub const MAX_LIST_BUTTON_CHARS: usize = 20;
/// The most sections a list has.
pub const MAX_SECTIONS: usize = 10;
/// The most rows a list has, across all its sections.
pub const MAX_ROWS: usize = 10;
/// The longest section or row title.
pub const MAX_ROW_TITLE_CHARS: usize = 24;
/// The longest row description.
pub const MAX_ROW_DESCRIPTION_CHARS: usize = 72;
/// The longest row id Meta echoes back.
pub const MAX_ROW_ID_CHARS: usize = 200;

/// One row the customer can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListRow {
    /// What the pick sends back.
    pub id: String,
    /// What the customer reads.
    pub title: String,
    /// A second, smaller line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A titled group of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSection {
    /// Shown above its rows; Meta requires it once there are two sections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its rows.
    pub rows: Vec<ListRow>,
}

/// What the customer can answer with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InteractiveAction {
    /// Up to three reply buttons under the body.
    Buttons {
        /// The buttons, in order.
        buttons: Vec<ReplyButtonSpec>,
    },
    /// A button that opens a list of rows.
    List {
        /// The label of the button that opens the list.
        button: String,
        /// The sections, in order.
        sections: Vec<ListSection>,
    },
    /// A button that opens a published WhatsApp Flow (a form); the
    /// completed form comes back as `interactive.nfm_reply` with `token`.
    Flow {
        /// The flow, its first screen and its button.
        #[serde(flatten)]
        launch: FlowLaunch,
        /// What the completed form carries back: a flow lead source's id
        /// makes its answers a lead of that source.
        token: String,
    },
}

/// A reply button as staff compose it (same shape as [`ReplyButton`], with
/// a schema for the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReplyButtonSpec {
    /// What the tap sends back.
    pub id: String,
    /// What the customer reads on it.
    pub title: String,
}

/// A reply-buttons or list message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct InteractiveMessage {
    /// A text header above the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The message text.
    pub body: String,
    /// Small grey text below the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Buttons or a list.
    pub action: InteractiveAction,
}

/// Which of Meta's limits an interactive message breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadInteractive {
    /// Blank or too long a body.
    #[error("the body needs some text, at most 1024 characters")]
    Body,
    /// Too long a header or footer, or a blank one.
    #[error("a header or footer is 1 to 60 characters")]
    HeaderOrFooter,
    /// Buttons Meta would refuse.
    #[error("reply buttons: 1 to 3, each titled in 1 to 20 characters with a distinct id of at most 256")]
    Buttons,
    /// A list button label blank or too long.
    #[error("the list's button label is 1 to 20 characters")]
    ListButton,
    /// No sections, more than ten, or an empty one.
    #[error("a list has 1 to 10 sections, none empty, with at most 10 rows in all")]
    ListShape,
    /// Two or more sections and one without a title, or a title too long.
    #[error("with more than one section, every section needs a title of 1 to 24 characters")]
    SectionTitle,
    /// A row Meta would refuse.
    #[error("a row needs a title of 1 to 24 characters, a description of at most 72 and a distinct id of 1 to 200")]
    Row,
    /// A flow Meta would refuse to open.
    #[error(transparent)]
    Flow(#[from] BadFlowLaunch),
}

impl BadInteractive {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        "bad_interactive"
    }
}

fn chars_within(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.trim().chars().count())
}

/// Checks `message` against Meta's limits.
pub fn check_interactive(message: &InteractiveMessage) -> Result<(), BadInteractive> {
    if !chars_within(&message.body, MAX_BODY_CHARS) {
        return Err(BadInteractive::Body);
    }
    let extra_ok = |t: &Option<String>| t.as_deref().is_none_or(|t| chars_within(t, MAX_HEADER_FOOTER_CHARS));
    if !extra_ok(&message.header) || !extra_ok(&message.footer) {
        return Err(BadInteractive::HeaderOrFooter);
    }
    match &message.action {
        InteractiveAction::Buttons { buttons } => {
            let buttons: Vec<ReplyButton> = buttons.iter().map(ReplyButtonSpec::to_reply_button).collect();
            if buttons.is_empty() || check_reply_buttons(&buttons).is_err() {
                return Err(BadInteractive::Buttons);
            }
        }
        InteractiveAction::List { button, sections } => check_list(button, sections)?,
        InteractiveAction::Flow { launch, token } => {
            launch.check()?;
            check_token(token)?;
        }
    }
    Ok(())
}

fn check_list(button: &str, sections: &[ListSection]) -> Result<(), BadInteractive> {
    if !chars_within(button, MAX_LIST_BUTTON_CHARS) {
        return Err(BadInteractive::ListButton);
    }
    let rows: Vec<&ListRow> = sections.iter().flat_map(|s| &s.rows).collect();
    if sections.is_empty()
        || sections.len() > MAX_SECTIONS
        || sections.iter().any(|s| s.rows.is_empty())
        || rows.len() > MAX_ROWS
    {
        return Err(BadInteractive::ListShape);
    }
    let title_ok = |s: &ListSection| match &s.title {
        Some(t) => chars_within(t, MAX_ROW_TITLE_CHARS),
        None => sections.len() == 1,
    };
    if !sections.iter().all(title_ok) {
        return Err(BadInteractive::SectionTitle);
    }
    let row_ok = |r: &&ListRow| {
        chars_within(&r.title, MAX_ROW_TITLE_CHARS)
            && (1..=MAX_ROW_ID_CHARS).contains(&r.id.chars().count())
            && r.description.as_deref().is_none_or(|d| d.chars().count() <= MAX_ROW_DESCRIPTION_CHARS)
    };
    let distinct = rows.iter().enumerate().all(|(i, r)| rows[..i].iter().all(|a| a.id != r.id));
    if !rows.iter().all(row_ok) || !distinct {
        return Err(BadInteractive::Row);
    }
    Ok(())
}

impl InteractiveMessage {
    /// What the timeline keeps of it: what the customer was given to tap.
    pub fn offered(&self) -> super::MessageContent {
        let (style, options, button) = match &self.action {
            InteractiveAction::Buttons { buttons } => {
                ("buttons", buttons.iter().map(|b| b.title.clone()).collect(), None)
            }
            InteractiveAction::List { button, sections } => (
                "list",
                sections.iter().flat_map(|s| s.rows.iter().map(|r| r.title.clone())).collect(),
                Some(button.clone()),
            ),
            InteractiveAction::Flow { launch, .. } => ("flow", Vec::new(), Some(launch.cta.clone())),
        };
        super::MessageContent::Offered {
            style: style.to_owned(),
            header: self.header.clone(),
            options,
            button,
            footer: self.footer.clone(),
        }
    }
}

impl ReplyButtonSpec {
    /// The same button in the shape the reply-button rules take.
    pub fn to_reply_button(&self) -> ReplyButton {
        ReplyButton { id: self.id.clone(), title: self.title.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(titles: &[&str]) -> InteractiveMessage {
        let buttons = titles
            .iter()
            .enumerate()
            .map(|(i, t)| ReplyButtonSpec { id: format!("b{i}"), title: (*t).into() })
            .collect();
        InteractiveMessage {
            header: None,
            body: "Pick one".into(),
            footer: None,
            action: InteractiveAction::Buttons { buttons },
        }
    }

    fn row(id: &str, title: &str) -> ListRow {
        ListRow { id: id.into(), title: title.into(), description: None }
    }

    fn list(sections: Vec<ListSection>) -> InteractiveMessage {
        InteractiveMessage {
            header: Some("Menu".into()),
            body: "What would you like?".into(),
            footer: Some("Reply any time".into()),
            action: InteractiveAction::List { button: "See options".into(), sections },
        }
    }

    fn section(title: Option<&str>, rows: Vec<ListRow>) -> ListSection {
        ListSection { title: title.map(Into::into), rows }
    }

    #[test]
    fn reply_buttons_follow_metas_limits() {
        assert_eq!(check_interactive(&buttons(&["Yes", "No", "Later"])), Ok(()));
        assert_eq!(check_interactive(&buttons(&[])), Err(BadInteractive::Buttons));
        assert_eq!(check_interactive(&buttons(&["1", "2", "3", "4"])), Err(BadInteractive::Buttons));
        assert_eq!(check_interactive(&buttons(&["twenty-one characters"])), Err(BadInteractive::Buttons));
        let mut long_body = buttons(&["Yes"]);
        long_body.body = "x".repeat(1025);
        assert_eq!(check_interactive(&long_body), Err(BadInteractive::Body));
        long_body.body = "x".repeat(1024);
        assert_eq!(check_interactive(&long_body), Ok(()));
        long_body.footer = Some("f".repeat(61));
        assert_eq!(check_interactive(&long_body), Err(BadInteractive::HeaderOrFooter));
        long_body.footer = None;
        long_body.header = Some("  ".into());
        assert_eq!(check_interactive(&long_body), Err(BadInteractive::HeaderOrFooter));
    }

    #[test]
    fn lists_follow_metas_limits() {
        assert_eq!(check_interactive(&list(vec![section(None, vec![row("a", "Shirts")])])), Ok(()));
        assert_eq!(check_interactive(&list(vec![])), Err(BadInteractive::ListShape));
        assert_eq!(check_interactive(&list(vec![section(None, vec![])])), Err(BadInteractive::ListShape));
        let eleven = (0..11).map(|i| row(&format!("r{i}"), "Row")).collect();
        assert_eq!(check_interactive(&list(vec![section(None, eleven)])), Err(BadInteractive::ListShape));
        let two_untitled = vec![section(Some("Men"), vec![row("a", "Shirts")]), section(None, vec![row("b", "Saris")])];
        assert_eq!(check_interactive(&list(two_untitled)), Err(BadInteractive::SectionTitle));
        let long_row = vec![section(None, vec![row("a", "twenty-five characters!!!")])];
        assert_eq!(check_interactive(&list(long_row)), Err(BadInteractive::Row));
        let mut described = row("a", "Shirts");
        described.description = Some("d".repeat(73));
        assert_eq!(check_interactive(&list(vec![section(None, vec![described])])), Err(BadInteractive::Row));
        let twice = vec![section(Some("A"), vec![row("a", "One")]), section(Some("B"), vec![row("a", "Two")])];
        assert_eq!(check_interactive(&list(twice)), Err(BadInteractive::Row), "row ids are distinct across sections");
        let mut label = list(vec![section(None, vec![row("a", "Shirts")])]);
        label.action =
            InteractiveAction::List { button: "x".repeat(21), sections: vec![section(None, vec![row("a", "A")])] };
        assert_eq!(check_interactive(&label), Err(BadInteractive::ListButton));
    }
}
