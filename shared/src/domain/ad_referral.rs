//! A click-to-WhatsApp ad as Meta's `referral` on the first message after
//! the click names it: the ad's id, headline and link, and the click id
//! (`ctwa_clid`) Meta's conversions API takes back.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest headline or link kept: Meta's own limits are lower, so a
/// longer one is not Meta's and is cut rather than stored whole.
const MAX_TEXT: usize = 500;

/// The ad a contact came from.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdReferral {
    /// Meta's ad (or post) id: `source_id`.
    pub ad_id: String,
    /// `ad` or `post`.
    pub source_type: String,
    /// The ad's headline, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Where the ad or post can be seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The click's id, for Meta's conversions API. Personal: kept on the
    /// contact only, so an erasure takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctwa_clid: Option<String>,
}

impl AdReferral {
    /// Reads Meta's `referral` object (as the message keeps it, JSON);
    /// `None` when it names no ad or post.
    pub fn parse(referral: &str) -> Option<AdReferral> {
        let value: Value = serde_json::from_str(referral).ok()?;
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(MAX_TEXT).collect::<String>())
        };
        Some(AdReferral {
            ad_id: text("source_id")?,
            source_type: text("source_type").unwrap_or_else(|| "ad".to_owned()),
            headline: text("headline"),
            source_url: text("source_url"),
            ctwa_clid: text("ctwa_clid"),
        })
    }

    /// The ad without the click: what reports and events may carry.
    pub fn without_click(&self) -> AdReferral {
        AdReferral { ctwa_clid: None, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_s_referral_gives_the_ad_and_the_click() {
        let referral = r#"{"source_url":"https://fb.me/ad","source_id":"120200","source_type":"ad","headline":"Diwali sale","body":"20% off","media_type":"image","ctwa_clid":"ARAk"}"#;
        let ad = AdReferral::parse(referral).unwrap();
        assert_eq!(ad.ad_id, "120200");
        assert_eq!(ad.source_type, "ad");
        assert_eq!(ad.headline.as_deref(), Some("Diwali sale"));
        assert_eq!(ad.source_url.as_deref(), Some("https://fb.me/ad"));
        assert_eq!(ad.ctwa_clid.as_deref(), Some("ARAk"));
        assert_eq!(ad.without_click().ctwa_clid, None);
    }

    #[test]
    fn a_referral_without_a_source_id_names_no_ad() {
        assert_eq!(AdReferral::parse(r#"{"source_type":"ad","headline":"x"}"#), None);
        assert_eq!(AdReferral::parse(r#"{"source_id":"  "}"#), None);
        assert_eq!(AdReferral::parse("not json"), None);
        let post = AdReferral::parse(r#"{"source_id":"9","source_type":"post","headline":"  "}"#).unwrap();
        assert_eq!((post.source_type.as_str(), post.headline), ("post", None));
    }

    #[test]
    fn an_overlong_headline_is_cut() {
        let long = "x".repeat(2_000);
        let ad = AdReferral::parse(&format!(r#"{{"source_id":"1","headline":"{long}"}}"#)).unwrap();
        assert_eq!(ad.headline.unwrap().chars().count(), MAX_TEXT);
    }
}
