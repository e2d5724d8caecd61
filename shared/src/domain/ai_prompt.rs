//! The prompt one AI assist task sends: instructions in the system part,
//! the conversation in the user part.

use super::ai_task::AiTask;
use super::message::{Direction, Message};

/// Messages of the thread sent at most (the latest ones).
pub const THREAD_MESSAGES: usize = 40;
/// Characters of one message sent at most.
const MESSAGE_CHARS: usize = 600;

/// What goes to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiPrompt {
    /// Instructions (and, for drafts, the business facts).
    pub system: String,
    /// The conversation, one `Customer:`/`Business:` line per message.
    pub user: String,
}

/// Why no prompt can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the conversation has no text to read yet")]
pub struct NothingToRead;

fn instructions(task: AiTask) -> &'static str {
    match task {
        AiTask::Summary => {
            "Summarise this WhatsApp conversation for the colleague who picks it up next: who the customer is, \
             what they want, what was promised and what is still open. At most four sentences, no greeting."
        }
        AiTask::Intent => {
            "Classify what the customer wants in this WhatsApp conversation. Answer with exactly one word: \
             sales, support, billing or spam."
        }
        AiTask::Fields => {
            "Extract the customer's details from this WhatsApp conversation. Answer only with a JSON object \
             {\"name\": string|null, \"city\": string|null, \"budget\": string|null}, null where the conversation \
             does not say it."
        }
        AiTask::Draft => {
            "Draft the business's next WhatsApp reply to the customer, in the customer's language, short and \
             friendly. Rely only on the business facts below; where they do not answer, say a colleague will \
             confirm. Answer with the reply text alone."
        }
    }
}

fn task_name(task: AiTask) -> &'static str {
    match task {
        AiTask::Summary => "summary",
        AiTask::Intent => "intent",
        AiTask::Fields => "fields",
        AiTask::Draft => "draft",
    }
}

/// One message as the provider reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLine {
    /// Who wrote it.
    pub from: Direction,
    /// Its text, trimmed and cut to a bounded length.
    pub text: String,
}

impl ThreadLine {
    /// The message's readable text, if it has any (a sticker has none).
    pub fn of(message: &Message) -> Option<ThreadLine> {
        let text = message.text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        Some(ThreadLine { from: message.direction, text: text.chars().take(MESSAGE_CHARS).collect() })
    }
}

/// The prompt for `task` over the latest lines of a thread (oldest first).
/// Only message text goes out: no phone number, no contact id.
pub fn build_prompt(task: AiTask, business_facts: &str, thread: &[ThreadLine]) -> Result<AiPrompt, NothingToRead> {
    if thread.is_empty() {
        return Err(NothingToRead);
    }
    let latest = &thread[thread.len().saturating_sub(THREAD_MESSAGES)..];
    let lines: Vec<String> = latest
        .iter()
        .map(|line| {
            let who = match line.from {
                Direction::In => "Customer",
                Direction::Out => "Business",
            };
            format!("{who}: {}", line.text.replace('\n', " "))
        })
        .collect();
    let mut system = format!(
        "You assist staff of a business in its WhatsApp inbox.\nTask: {}\n{}",
        task_name(task),
        instructions(task)
    );
    if task == AiTask::Draft {
        let facts = business_facts.trim();
        let facts = if facts.is_empty() { "(none given)" } else { facts };
        system.push_str("\n\nBusiness facts:\n");
        system.push_str(facts);
    }
    Ok(AiPrompt { system, user: format!("Conversation:\n{}", lines.join("\n")) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(from: Direction, text: &str) -> ThreadLine {
        ThreadLine { from, text: text.into() }
    }

    #[test]
    fn the_thread_goes_in_the_user_part_latest_lines_only() {
        let mut thread: Vec<ThreadLine> = (0..50).map(|i| line(Direction::In, &format!("m{i}"))).collect();
        thread.push(line(Direction::Out, "Yes,\nwe deliver"));
        let prompt = build_prompt(AiTask::Summary, "facts", &thread).unwrap();
        assert!(prompt.system.contains("Task: summary"));
        assert!(!prompt.system.contains("facts"), "facts go only into drafts");
        assert!(prompt.user.ends_with("Business: Yes, we deliver"));
        assert!(!prompt.user.contains("Customer: m10\n"));
        assert_eq!(prompt.user.lines().count(), 1 + THREAD_MESSAGES);
    }

    #[test]
    fn a_draft_carries_the_business_facts() {
        let thread = [line(Direction::In, "Do you deliver to Pune?")];
        let prompt = build_prompt(AiTask::Draft, " We deliver across Maharashtra. ", &thread).unwrap();
        assert!(prompt.system.contains("Task: draft"));
        assert!(prompt.system.ends_with("Business facts:\nWe deliver across Maharashtra."));
        assert_eq!(build_prompt(AiTask::Draft, "", &[]), Err(NothingToRead));
    }
}
