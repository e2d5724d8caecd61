//! Deciding whether a message may be sent, before anything is queued: the
//! same rules Meta enforces (window, template, parameters), caught early with
//! a reason staff can act on, plus Parley's own (opt-outs).

use super::interactive_message::{check_interactive, BadInteractive, InteractiveMessage};
use super::outbound_media::{check_buttons, check_file, check_labels, MediaRefusal, OutboundFile};
use super::pricing::{Estimate, RateCards};
use super::template::{Category, Template};
use super::template_check::{check_inputs, param_ok, TemplatePartProblem};
use super::template_inputs::TemplateInputs;
use super::{Millis, ServiceWindow};
use serde::{Deserialize, Serialize};

/// What staff asked to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboundContent {
    /// A free-form text (service window only).
    Text {
        /// The text.
        text: String,
    },
    /// An approved template.
    Template {
        /// Template name.
        name: String,
        /// Language code.
        language: String,
        /// Positional body parameters, in order.
        params: Vec<String>,
        /// The header's value, named body parameters, button values.
        #[serde(default, skip_serializing_if = "TemplateInputs::is_empty")]
        inputs: TemplateInputs,
    },
    /// A file staff uploaded to the media bucket (service window only).
    Media {
        /// The file, its kind and what goes with it.
        file: OutboundFile,
    },
    /// Reply buttons or a list (service window only).
    Interactive {
        /// The message.
        interactive: InteractiveMessage,
    },
    /// Staff's reaction to a customer's message (service window only); an
    /// empty `emoji` removes the business's reaction.
    Reaction {
        /// The customer's wamid reacted to.
        message_id: String,
        /// One emoji, or empty to remove.
        emoji: String,
    },
}

impl OutboundContent {
    /// Meta's type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            OutboundContent::Text { .. } => "text",
            OutboundContent::Template { .. } => "template",
            OutboundContent::Media { file } => file.kind.as_str(),
            OutboundContent::Interactive { .. } => "interactive",
            OutboundContent::Reaction { .. } => "reaction",
        }
    }

    /// What the timeline shows of it, where its summary line is not enough:
    /// a reaction names the message it is on.
    pub fn shown_content(&self) -> Option<super::MessageContent> {
        match self {
            OutboundContent::Reaction { message_id, emoji } => Some(super::MessageContent::Reaction {
                message_id: message_id.clone(),
                emoji: Some(emoji.clone()).filter(|e| !e.is_empty()),
            }),
            OutboundContent::Interactive { interactive } => Some(interactive.offered()),
            _ => None,
        }
    }

    /// The line staff see in the timeline.
    pub fn summary(&self, template: Option<&Template>) -> String {
        match self {
            OutboundContent::Text { text } => text.clone(),
            OutboundContent::Template { name, params, inputs, .. } => match template {
                Some(t) => {
                    let named = inputs.named.iter().map(|p| (p.parameter_name.clone(), p.text.clone()));
                    let positional = params.iter().enumerate().map(|(i, p)| ((i + 1).to_string(), p.clone()));
                    fill(&t.body, positional.chain(named))
                }
                None => format!("[template {name}]"),
            },
            OutboundContent::Media { file } => file
                .caption
                .clone()
                .or_else(|| file.filename.clone())
                .unwrap_or_else(|| format!("[{}]", file.kind.as_str())),
            OutboundContent::Interactive { interactive } => interactive.body.clone(),
            OutboundContent::Reaction { emoji, .. } => emoji.clone(),
        }
    }
}

/// Whether `emoji` is empty (a removal) or one emoji as people type them:
/// a few code points at most (skin tones, joiners, flags), none of them a
/// letter, digit or space.
fn is_one_emoji(emoji: &str) -> bool {
    let chars = emoji.chars().count();
    chars <= 8 && emoji.chars().all(|c| !c.is_alphanumeric() && !c.is_whitespace() && !c.is_ascii())
}

fn fill(body: &str, values: impl Iterator<Item = (String, String)>) -> String {
    values.fold(body.to_owned(), |text, (name, value)| text.replace(&format!("{{{{{name}}}}}"), &value))
}

/// Why a send is refused before it is queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendRefusal {
    /// Free-form text outside the 24-hour window (Meta's 131047).
    #[error("{}", window_closed_message(*closed_at))]
    WindowClosed {
        /// When the window closed; `None` if the customer never wrote.
        closed_at: Option<Millis>,
    },
    /// No such template (Meta's 132001).
    #[error("template {0:?} does not exist; sync templates or check the name")]
    UnknownTemplate(String),
    /// The template exists, but not in that language (Meta's 132001).
    #[error("template {name:?} has no {language:?} translation; it exists in {available}")]
    WrongLanguage {
        /// Template name.
        name: String,
        /// Asked-for language.
        language: String,
        /// Languages it does exist in.
        available: String,
    },
    /// Meta has not approved it (or paused it).
    #[error("template {name:?} is {status}, not APPROVED{}", because.as_deref().map(|why| format!(": {why}")).unwrap_or_default())]
    NotApproved {
        /// Template name.
        name: String,
        /// Meta's status.
        status: String,
        /// Why, when Meta said.
        because: Option<String>,
    },
    /// Wrong number of body parameters (Meta's 132000).
    #[error("template {name:?} takes {expected} parameter(s), {given} given")]
    ParamCount {
        /// Template name.
        name: String,
        /// What the template takes.
        expected: usize,
        /// What was given.
        given: usize,
    },
    /// A parameter Meta would refuse: blank, or with newlines, tabs or
    /// more than four spaces in a row.
    #[error("template parameter {position} is blank or has newlines, tabs or more than 4 spaces in a row")]
    BadParam {
        /// 1-based position.
        position: usize,
    },
    /// A header, named parameter or button value is missing or wrong.
    #[error("template {name:?}: {problem}")]
    TemplatePart {
        /// Template name.
        name: String,
        /// What is missing or wrong.
        problem: TemplatePartProblem,
    },
    /// The contact opted out of marketing.
    #[error("this contact opted out of marketing messages")]
    OptedOut,
    /// Strict consent mode is on and the contact has no marketing opt-in.
    #[error("strict consent mode is on and this contact has no marketing opt-in on record; record their opt-in first")]
    NoMarketingConsent,
    /// An empty text.
    #[error("a text message needs some text (at most 4096 characters)")]
    BadText,
    /// A file Meta would refuse (type, size, caption, name), or none.
    #[error(transparent)]
    Media(#[from] MediaRefusal),
    /// Reply buttons or a list Meta would refuse.
    #[error(transparent)]
    Interactive(#[from] BadInteractive),
    /// A reaction that is not one emoji on a customer's message.
    #[error("a reaction is one emoji (or none, to remove it) on a message the customer sent")]
    BadReaction,
}

fn window_closed_message(closed_at: Option<Millis>) -> String {
    match closed_at {
        Some(at) => format!(
            "the 24-hour service window closed at {}; only an approved template can be sent until the customer writes again",
            at.to_rfc3339()
        ),
        None => "the customer has not written yet, so only an approved template can be sent".to_owned(),
    }
}

impl SendRefusal {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            SendRefusal::WindowClosed { .. } => "window_closed",
            SendRefusal::UnknownTemplate(_) => "unknown_template",
            SendRefusal::WrongLanguage { .. } => "template_language",
            SendRefusal::NotApproved { .. } => "template_not_approved",
            SendRefusal::ParamCount { .. } | SendRefusal::BadParam { .. } => "template_params",
            SendRefusal::TemplatePart { .. } => "template_components",
            SendRefusal::OptedOut => "opted_out",
            SendRefusal::NoMarketingConsent => "no_marketing_consent",
            SendRefusal::BadText => "bad_text",
            SendRefusal::Media(refusal) => refusal.code(),
            SendRefusal::Interactive(bad) => bad.code(),
            SendRefusal::BadReaction => "bad_reaction",
        }
    }
}

/// What the recipient's record says, as far as sending goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The service window.
    pub window: ServiceWindow,
    /// Why a marketing template may not go to them, if it may not.
    pub marketing_refused: Option<SendRefusal>,
    /// Their `wa_id` (for the rate card).
    pub wa_id: Option<String>,
}

impl Recipient {
    /// What `contact`'s record says, under the business's consent mode.
    pub fn of(contact: &super::Contact, strict_consent: bool) -> Self {
        Recipient {
            window: contact.window,
            marketing_refused: contact.marketing_allowed(strict_consent).err(),
            wa_id: contact.wa_id.clone(),
        }
    }
}

/// A send that may go, with its price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPlan {
    /// What it will cost.
    pub estimate: Estimate,
    /// What will be sent: a template's values bound to the catalog's
    /// template (parameter names filled in, named values in its order).
    pub content: OutboundContent,
}

/// Applies the rules. `translations` are the catalog's templates with the
/// requested name (every language), empty for a text.
pub fn plan_send(
    recipient: &Recipient,
    content: &OutboundContent,
    translations: &[Template],
    rates: &RateCards,
    now: Millis,
) -> Result<SendPlan, SendRefusal> {
    let open = recipient.window.is_open(now);
    let mut bound = content.clone();
    let category = match content {
        OutboundContent::Text { text } => {
            if text.trim().is_empty() || text.chars().count() > 4096 {
                return Err(SendRefusal::BadText);
            }
            if !open {
                return Err(SendRefusal::WindowClosed { closed_at: recipient.window.closes_at() });
            }
            Category::Service
        }
        OutboundContent::Media { file } => {
            let kind = check_file(&file.mime_type, file.size)?;
            check_labels(kind, file.caption.as_deref(), file.filename.as_deref())?;
            check_buttons(&OutboundFile { kind, ..file.clone() })?;
            if !open {
                return Err(SendRefusal::WindowClosed { closed_at: recipient.window.closes_at() });
            }
            if let OutboundContent::Media { file } = &mut bound {
                file.kind = kind;
            }
            Category::Service
        }
        OutboundContent::Interactive { interactive } => {
            check_interactive(interactive)?;
            if !open {
                return Err(SendRefusal::WindowClosed { closed_at: recipient.window.closes_at() });
            }
            Category::Service
        }
        OutboundContent::Reaction { message_id, emoji } => {
            if !message_id.starts_with("wamid.") || !is_one_emoji(emoji) {
                return Err(SendRefusal::BadReaction);
            }
            if !open {
                return Err(SendRefusal::WindowClosed { closed_at: recipient.window.closes_at() });
            }
            Category::Service
        }
        OutboundContent::Template { name, language, params, inputs } => {
            let template = pick_translation(name, language, translations)?;
            if !template.is_approved() {
                return Err(SendRefusal::NotApproved {
                    name: name.clone(),
                    status: template.status.clone(),
                    because: template.status_reason.clone(),
                });
            }
            let checked = check_inputs(template, params, inputs)
                .map_err(|problem| SendRefusal::TemplatePart { name: name.clone(), problem })?;
            let given = if checked.named.is_empty() { params.len() } else { checked.named.len() };
            if template.body_params != given {
                return Err(SendRefusal::ParamCount { name: name.clone(), expected: template.body_params, given });
            }
            if let Some(i) = params.iter().position(|p| !param_ok(p)) {
                return Err(SendRefusal::BadParam { position: i + 1 });
            }
            if let (Category::Marketing, Some(refusal)) = (template.category, &recipient.marketing_refused) {
                return Err(refusal.clone());
            }
            if let OutboundContent::Template { inputs, .. } = &mut bound {
                *inputs = checked;
            }
            template.category
        }
    };
    Ok(SendPlan { estimate: rates.estimate(recipient.wa_id.as_deref(), category, open), content: bound })
}

fn pick_translation<'a>(name: &str, language: &str, translations: &'a [Template]) -> Result<&'a Template, SendRefusal> {
    if translations.is_empty() {
        return Err(SendRefusal::UnknownTemplate(name.to_owned()));
    }
    translations.iter().find(|t| t.language == language).ok_or_else(|| SendRefusal::WrongLanguage {
        name: name.to_owned(),
        language: language.to_owned(),
        available: translations.iter().map(|t| t.language.as_str()).collect::<Vec<_>>().join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient(open: bool, opted_out: bool) -> Recipient {
        let window = if open { ServiceWindow::opened_by(Millis(0), false) } else { ServiceWindow::default() };
        Recipient {
            window,
            marketing_refused: opted_out.then_some(SendRefusal::OptedOut),
            wa_id: Some("919812345678".into()),
        }
    }

    fn template(category: Category) -> Template {
        Template::body_only("order_update", "en_US", category, "APPROVED", "Hi {{1}}, order {{2}} shipped")
    }

    fn send_template(params: usize, language: &str) -> OutboundContent {
        OutboundContent::Template {
            name: "order_update".into(),
            language: language.into(),
            params: (0..params).map(|i| format!("p{i}")).collect(),
            inputs: TemplateInputs::default(),
        }
    }

    fn pdf(size: u64, caption: Option<&str>) -> OutboundContent {
        use crate::domain::outbound_media::MediaKind;
        OutboundContent::Media {
            file: OutboundFile {
                kind: MediaKind::Document,
                key: "media/x/out-1".into(),
                mime_type: "application/pdf".into(),
                size,
                filename: Some("brochure.pdf".into()),
                caption: caption.map(str::to_owned),
                buttons: vec![],
            },
        }
    }

    #[test]
    fn media_needs_an_open_window_and_metas_limits() {
        let rates = RateCards::default();
        let plan = plan_send(&recipient(true, false), &pdf(1000, Some("Brochure")), &[], &rates, Millis(1)).unwrap();
        assert!(plan.estimate.free);
        assert_eq!(plan.content.type_name(), "document");
        assert_eq!(plan.content.summary(None), "Brochure");
        let closed = plan_send(&recipient(false, false), &pdf(1000, None), &[], &rates, Millis(1)).unwrap_err();
        assert_eq!(closed.code(), "window_closed");
        let big = plan_send(&recipient(true, false), &pdf(101 * 1024 * 1024, None), &[], &rates, Millis(1));
        assert_eq!(big.unwrap_err().code(), "media_too_large");
    }

    #[test]
    fn a_reaction_is_one_emoji_or_none_on_a_customer_message_inside_the_window() {
        let rates = RateCards::default();
        let react = |message_id: &str, emoji: &str| OutboundContent::Reaction {
            message_id: message_id.into(),
            emoji: emoji.into(),
        };
        for emoji in ["👍", "❤️", "🙏🏽", "👨‍👩‍👧", "🇮🇳", ""] {
            let plan = plan_send(&recipient(true, false), &react("wamid.A", emoji), &[], &rates, Millis(1));
            assert!(plan.as_ref().is_ok_and(|p| p.estimate.free), "{emoji:?}: {plan:?}");
        }
        for (id, emoji) in [("wamid.A", "ok"), ("wamid.A", "👍👍 great"), ("wamid.A", " "), ("pm.1", "👍")] {
            let refused = plan_send(&recipient(true, false), &react(id, emoji), &[], &rates, Millis(1));
            assert_eq!(refused.unwrap_err().code(), "bad_reaction", "{id} {emoji:?}");
        }
        let closed = plan_send(&recipient(false, false), &react("wamid.A", "👍"), &[], &rates, Millis(1));
        assert_eq!(closed.unwrap_err().code(), "window_closed");
        let removal = react("wamid.A", "").shown_content();
        assert_eq!(
            removal,
            Some(crate::domain::MessageContent::Reaction { message_id: "wamid.A".into(), emoji: None })
        );
    }

    #[test]
    fn interactive_needs_an_open_window_and_metas_limits() {
        use crate::domain::interactive_message::{InteractiveAction, InteractiveMessage, ReplyButtonSpec};
        let rates = RateCards::default();
        let buttons = |titles: &[&str]| OutboundContent::Interactive {
            interactive: InteractiveMessage {
                header: None,
                body: "Deliver tomorrow?".into(),
                footer: None,
                action: InteractiveAction::Buttons {
                    buttons: titles.iter().map(|t| ReplyButtonSpec { id: (*t).into(), title: (*t).into() }).collect(),
                },
            },
        };
        let plan = plan_send(&recipient(true, false), &buttons(&["Yes", "No"]), &[], &rates, Millis(1)).unwrap();
        assert!(plan.estimate.free);
        assert_eq!(plan.content.type_name(), "interactive");
        assert_eq!(plan.content.summary(None), "Deliver tomorrow?");
        let closed = plan_send(&recipient(false, false), &buttons(&["Yes"]), &[], &rates, Millis(1)).unwrap_err();
        assert_eq!(closed.code(), "window_closed");
        let four = plan_send(&recipient(true, false), &buttons(&["a", "b", "c", "d"]), &[], &rates, Millis(1));
        assert_eq!(four.unwrap_err().code(), "bad_interactive");
    }

    #[test]
    fn text_needs_an_open_window() {
        let text = OutboundContent::Text { text: "hi".into() };
        let plan = plan_send(&recipient(true, false), &text, &[], &RateCards::default(), Millis(1)).unwrap();
        assert!(plan.estimate.free);
        let refusal = plan_send(&recipient(false, false), &text, &[], &RateCards::default(), Millis(1)).unwrap_err();
        assert_eq!(refusal.code(), "window_closed");
        let blank = OutboundContent::Text { text: "  ".into() };
        assert_eq!(
            plan_send(&recipient(true, false), &blank, &[], &RateCards::default(), Millis(1)),
            Err(SendRefusal::BadText)
        );
    }

    #[test]
    fn templates_are_checked_like_meta_does() {
        let rates = RateCards::default();
        let catalog = [template(Category::Utility)];
        let closed = recipient(false, false);
        let plan = plan_send(&closed, &send_template(2, "en_US"), &catalog, &rates, Millis(1)).unwrap();
        assert_eq!((plan.estimate.free, plan.estimate.amount_minor), (false, 12));
        assert!(matches!(
            plan_send(&closed, &send_template(1, "en_US"), &catalog, &rates, Millis(1)),
            Err(SendRefusal::ParamCount { expected: 2, given: 1, .. })
        ));
        assert!(matches!(
            plan_send(&closed, &send_template(2, "hi"), &catalog, &rates, Millis(1)),
            Err(SendRefusal::WrongLanguage { .. })
        ));
        assert!(matches!(
            plan_send(&closed, &send_template(2, "en_US"), &[], &rates, Millis(1)),
            Err(SendRefusal::UnknownTemplate(_))
        ));
        let mut paused = template(Category::Utility);
        paused.status = "PAUSED".into();
        assert!(matches!(
            plan_send(&closed, &send_template(2, "en_US"), &[paused], &rates, Millis(1)),
            Err(SendRefusal::NotApproved { .. })
        ));
    }

    #[test]
    fn parameters_meta_would_refuse_are_refused_first() {
        let rates = RateCards::default();
        let catalog = [template(Category::Utility)];
        let with = |p: &str| OutboundContent::Template {
            name: "order_update".into(),
            language: "en_US".into(),
            params: vec!["Asha".into(), p.into()],
            inputs: TemplateInputs::default(),
        };
        for bad in ["", "  ", "a\nb", "a\tb", "a     b"] {
            assert_eq!(
                plan_send(&recipient(true, false), &with(bad), &catalog, &rates, Millis(1)),
                Err(SendRefusal::BadParam { position: 2 }),
                "{bad:?}"
            );
        }
        assert!(plan_send(&recipient(true, false), &with("#42 (2 items)"), &catalog, &rates, Millis(1)).is_ok());
    }

    #[test]
    fn opted_out_contacts_get_no_marketing_but_still_get_utility() {
        let rates = RateCards::default();
        let out = recipient(true, true);
        let marketing = [template(Category::Marketing)];
        assert_eq!(
            plan_send(&out, &send_template(2, "en_US"), &marketing, &rates, Millis(1)),
            Err(SendRefusal::OptedOut)
        );
        assert!(plan_send(&out, &send_template(2, "en_US"), &[template(Category::Utility)], &rates, Millis(1)).is_ok());
    }

    #[test]
    fn template_summary_fills_parameters() {
        let t = template(Category::Utility);
        let content = OutboundContent::Template {
            name: t.name.clone(),
            language: t.language.clone(),
            params: vec!["Asha".into(), "#42".into()],
            inputs: TemplateInputs::default(),
        };
        assert_eq!(content.summary(Some(&t)), "Hi Asha, order #42 shipped");
    }
}
