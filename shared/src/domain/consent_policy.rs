//! The business's consent settings: whether marketing needs a recorded
//! opt-in (strict mode), and the words customers send, in their own
//! language, to opt out or back in, with the reply each gets once.

use serde::{Deserialize, Serialize};

/// The most languages a business keeps keywords for.
pub const MAX_LANGUAGES: usize = 20;
/// The most keywords of one kind in one language.
pub const MAX_KEYWORDS: usize = 20;
/// A keyword is a whole short message; anything longer is a conversation.
pub const MAX_KEYWORD_CHARS: usize = 40;
/// A reply is a WhatsApp text.
pub const MAX_REPLY_CHARS: usize = 1024;

/// One language's keywords and replies.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordLanguage {
    /// A language code such as `en`, `hi` or `pt_BR`.
    pub language: String,
    /// Whole messages that opt the customer out of marketing.
    pub opt_out: Vec<String>,
    /// Whole messages that opt them back in to offers and updates.
    pub opt_in: Vec<String>,
    /// Sent once when a customer opts out.
    pub opt_out_reply: String,
    /// Sent once when a customer opts back in.
    pub opt_in_reply: String,
}

/// The consent settings.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPolicy {
    /// Marketing templates go only to contacts with a recorded marketing
    /// opt-in; without it they go to anyone who has not opted out.
    pub strict: bool,
    /// Keywords per language.
    pub languages: Vec<KeywordLanguage>,
}

/// Which way a keyword turns consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordKind {
    /// STOP and its kin.
    OptOut,
    /// START and its kin.
    OptIn,
}

/// A customer's message that is a keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordHit {
    /// Which way.
    pub kind: KeywordKind,
    /// The language whose keyword it was (the reply goes in it).
    pub language: String,
    /// The reply to send once.
    pub reply: String,
}

impl Default for ConsentPolicy {
    /// English, Hindi, Portuguese and Spanish, as most of Parley's shops
    /// hear them; strict mode off, as Meta's own minimum is the opt-out.
    fn default() -> Self {
        let language =
            |code: &str, opt_out: &[&str], opt_in: &[&str], out_reply: &str, in_reply: &str| KeywordLanguage {
                language: code.to_owned(),
                opt_out: opt_out.iter().map(|w| (*w).to_owned()).collect(),
                opt_in: opt_in.iter().map(|w| (*w).to_owned()).collect(),
                opt_out_reply: out_reply.to_owned(),
                opt_in_reply: in_reply.to_owned(),
            };
        ConsentPolicy {
            strict: false,
            languages: vec![
                language(
                    "en",
                    &["STOP", "UNSUBSCRIBE", "STOP PROMOTIONS", "OPT OUT", "OPTOUT"],
                    &["START", "SUBSCRIBE"],
                    "You will not receive offers from us any more. Reply START to get them again.",
                    "Welcome back! You will receive our offers again. Reply STOP at any time to stop them.",
                ),
                language(
                    "hi",
                    &["रोकें", "रोको", "बंद करें", "बंद करो"],
                    &["शुरू करें", "शुरू"],
                    "अब आपको हमारे ऑफ़र नहीं भेजे जाएँगे। दोबारा पाने के लिए शुरू लिखें।",
                    "स्वागत है! आपको हमारे ऑफ़र फिर से मिलेंगे। रोकने के लिए कभी भी रोकें लिखें।",
                ),
                language(
                    "pt",
                    &["PARAR", "SAIR", "CANCELAR"],
                    &["VOLTAR", "ASSINAR"],
                    "Você não receberá mais ofertas nossas. Responda VOLTAR para recebê-las novamente.",
                    "Que bom ter você de volta! Você voltará a receber nossas ofertas. Responda PARAR quando quiser.",
                ),
                language(
                    "es",
                    &["BAJA", "ALTO"],
                    &["ALTA"],
                    "Ya no recibirás nuestras ofertas. Responde ALTA para recibirlas de nuevo.",
                    "¡Bienvenido de nuevo! Volverás a recibir nuestras ofertas. Responde BAJA cuando quieras.",
                ),
            ],
        }
    }
}

/// Case, spacing and closing punctuation do not make a different word:
/// "Stop.", " STOP " and "stop!" all opt out, as does "रोकें।".
fn normalized(text: &str) -> String {
    let trimmed = text.trim().trim_end_matches(['.', '!', '?', '।', ' ']);
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl ConsentPolicy {
    /// The keyword `text` is, if the whole message is one. Opt-out is
    /// checked first: a word listed both ways stops marketing.
    pub fn keyword(&self, text: &str) -> Option<KeywordHit> {
        if text.chars().count() > MAX_KEYWORD_CHARS * 2 {
            return None;
        }
        let said = normalized(text);
        let matches = |words: &[String]| words.iter().any(|w| normalized(w) == said);
        let hit = |kind, language: &KeywordLanguage, reply: &str| KeywordHit {
            kind,
            language: language.language.clone(),
            reply: reply.to_owned(),
        };
        let out =
            self.languages.iter().find(|l| matches(&l.opt_out)).map(|l| hit(KeywordKind::OptOut, l, &l.opt_out_reply));
        out.or_else(|| {
            self.languages.iter().find(|l| matches(&l.opt_in)).map(|l| hit(KeywordKind::OptIn, l, &l.opt_in_reply))
        })
    }

    /// Checks settings staff saved; the first problem found.
    pub fn check(&self) -> Result<(), String> {
        if self.languages.len() > MAX_LANGUAGES {
            return Err(format!("at most {MAX_LANGUAGES} languages"));
        }
        let mut codes = std::collections::HashSet::new();
        let mut opt_out_words = std::collections::HashSet::new();
        for language in &self.languages {
            let code = &language.language;
            let code_ok = (2..=10).contains(&code.len())
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !code_ok {
                return Err(format!("{code:?} is not a language code such as en, hi or pt_BR"));
            }
            if !codes.insert(code.to_lowercase()) {
                return Err(format!("{code} is listed twice"));
            }
            if language.opt_out.is_empty() {
                return Err(format!("{code}: at least one opt-out keyword is needed, or remove the language"));
            }
            for (kind, words) in [("opt-out", &language.opt_out), ("opt-in", &language.opt_in)] {
                if words.len() > MAX_KEYWORDS {
                    return Err(format!("{code}: at most {MAX_KEYWORDS} {kind} keywords"));
                }
                for word in words {
                    let length = normalized(word).chars().count();
                    if length == 0 || length > MAX_KEYWORD_CHARS {
                        return Err(format!("{code}: {kind} keywords are 1 to {MAX_KEYWORD_CHARS} characters"));
                    }
                }
            }
            opt_out_words.extend(language.opt_out.iter().map(|w| normalized(w)));
            for (kind, reply) in [("opt-out", &language.opt_out_reply), ("opt-in", &language.opt_in_reply)] {
                let length = reply.trim().chars().count();
                if length == 0 || length > MAX_REPLY_CHARS {
                    return Err(format!("{code}: the {kind} reply is 1 to {MAX_REPLY_CHARS} characters"));
                }
            }
        }
        let clash = self.languages.iter().flat_map(|l| &l.opt_in).find(|w| opt_out_words.contains(&normalized(w)));
        match clash {
            Some(word) => Err(format!("{word:?} is both an opt-out and an opt-in keyword")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_message_in_any_language_is_a_keyword_whatever_its_case_or_full_stop() {
        let policy = ConsentPolicy::default();
        let hit = |text: &str| policy.keyword(text).map(|h| (h.kind, h.language));
        assert_eq!(hit(" Stop. "), Some((KeywordKind::OptOut, "en".into())));
        assert_eq!(hit("रोकें।"), Some((KeywordKind::OptOut, "hi".into())));
        assert_eq!(hit("parar"), Some((KeywordKind::OptOut, "pt".into())));
        assert_eq!(hit("Sair!"), Some((KeywordKind::OptOut, "pt".into())));
        assert_eq!(hit("stop   promotions"), Some((KeywordKind::OptOut, "en".into())));
        assert_eq!(hit("START"), Some((KeywordKind::OptIn, "en".into())));
        assert_eq!(hit("please don't stop sending offers"), None);
        assert_eq!(hit("stop the delivery, I am not home"), None);
    }

    #[test]
    fn the_reply_is_the_matching_languages() {
        let policy = ConsentPolicy::default();
        let reply = policy.keyword("PARAR").map(|h| h.reply).unwrap_or_default();
        assert!(reply.starts_with("Você não receberá"), "{reply}");
    }

    #[test]
    fn a_business_adds_its_own_words_and_they_are_checked() {
        let mut policy = ConsentPolicy::default();
        policy.languages.push(KeywordLanguage {
            language: "sw".into(),
            opt_out: vec!["SIMAMISHA".into()],
            opt_in: vec!["ANZA".into()],
            opt_out_reply: "Hutapokea matangazo yetu tena.".into(),
            opt_in_reply: "Karibu tena!".into(),
        });
        assert_eq!(policy.check(), Ok(()));
        assert_eq!(policy.keyword("simamisha").map(|h| h.kind), Some(KeywordKind::OptOut));

        let mut clash = policy.clone();
        clash.languages[4].opt_in.push("stop".into());
        assert_eq!(clash.check(), Err("\"stop\" is both an opt-out and an opt-in keyword".into()));
        let mut twice = policy.clone();
        twice.languages[4].language = "EN".into();
        assert!(twice.check().is_err_and(|e| e.contains("twice")));
        let mut blank = policy.clone();
        blank.languages[0].opt_out.push("  ".into());
        assert!(blank.check().is_err());
        let mut silent = policy;
        silent.languages[1].opt_in_reply = " ".into();
        assert!(silent.check().is_err_and(|e| e.contains("opt-in reply")));
    }

    #[test]
    fn the_defaults_pass_their_own_check() {
        assert_eq!(ConsentPolicy::default().check(), Ok(()));
    }
}
