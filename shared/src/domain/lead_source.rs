//! A lead source: a website form, a landing page, another system that posts
//! leads to `POST /leads/{id}`. Each has its own secret, its own mapping of
//! the sender's JSON onto a lead, and says where its leads go: the pipeline
//! and stage, the owner (or the next agent in turn) and the tags.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a source proves a post is its own.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadAuth {
    /// `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
    /// with the secret, as Parley signs its own webhooks (replays older
    /// than five minutes are refused).
    Hmac,
    /// `Authorization: Bearer <secret>`, for senders that cannot sign.
    Bearer,
    /// Meta's `leadgen` webhook (signed with the app secret, as WhatsApp's
    /// are), each lead then read from the Graph API; posts to
    /// `/leads/facebook_lead_ads` are refused.
    FacebookLeadAds,
    /// Parley pulls IndiaMART's CRM lead API every five minutes (its rate
    /// limit) with the key in the stack's secrets; posts are refused.
    #[serde(rename = "indiamart")]
    IndiaMart,
    /// A WhatsApp Flow (a lead form inside WhatsApp) sent with this
    /// source's id as its `flow_token`: each completed form (`nfm_reply`)
    /// is a lead from the customer who sent it, its answers read through
    /// the mapping; posts are refused.
    #[serde(rename = "whatsapp_flow")]
    WhatsAppFlow,
}

impl LeadAuth {
    /// The one id a source fed this way has, or `None` for posted sources.
    pub fn fixed_id(self) -> Option<&'static str> {
        match self {
            LeadAuth::Hmac | LeadAuth::Bearer | LeadAuth::WhatsAppFlow => None,
            LeadAuth::FacebookLeadAds => Some(FACEBOOK_LEAD_ADS),
            LeadAuth::IndiaMart => Some(INDIAMART),
        }
    }

    /// True for a source whose leads are posted to `/leads/{id}`.
    pub fn is_posted(self) -> bool {
        matches!(self, LeadAuth::Hmac | LeadAuth::Bearer)
    }
}

/// The id of the Facebook Lead Ads source (and its contacts' `source`).
pub const FACEBOOK_LEAD_ADS: &str = "facebook_lead_ads";
/// The id of the IndiaMART source.
pub const INDIAMART: &str = "indiamart";

/// Who owns a source's leads.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LeadOwner {
    /// Unassigned until someone takes it.
    Unassigned,
    /// The next available agent in turn, as new conversations are routed.
    RoundRobin,
    /// One teammate.
    Teammate {
        /// Their e-mail.
        email: String,
    },
}

/// A configured lead source.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSource {
    /// The URL's `{id}` and the contacts' `source` field: `website`, `expo_form`.
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// How posts are authenticated.
    pub auth: LeadAuth,
    /// The pipeline a lead's deal opens in.
    pub pipeline: String,
    /// The stage it opens at (`None`: the pipeline's first).
    pub stage: Option<String>,
    /// Who owns the lead.
    pub owner: LeadOwner,
    /// Tags every lead from here gets.
    pub tags: Vec<String>,
    /// Where each lead field is in the sender's JSON: `phone` → `mobile`,
    /// `name` → `contact.full_name`, `fields.city` → `city`. Fields not
    /// mapped are read from Parley's own shape (`lead_id`, `phone`, `name`,
    /// `tags`, `fields`, `value_minor`, `consent`).
    pub mapping: BTreeMap<String, String>,
    /// For a WhatsApp Flow source: the published flow staff send from the
    /// composer, which opens with this source's id as its token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<super::flow_launch::FlowLaunch>,
}

/// The lead fields a mapping may name besides `fields.<name>`.
pub const MAPPABLE: [&str; 5] = ["lead_id", "phone", "name", "value_minor", "consent"];

impl LeadSource {
    /// Where a fed source's leads go before staff configure it: the default
    /// pipeline's first stage, the next agent in turn. A lead that arrives
    /// before anyone set the source up is still taken.
    pub fn unconfigured(auth: LeadAuth, pipeline: &str) -> Option<LeadSource> {
        let id = auth.fixed_id()?;
        let name = match auth {
            LeadAuth::FacebookLeadAds => "Facebook Lead Ads",
            _ => "IndiaMART",
        };
        Some(LeadSource {
            id: id.to_owned(),
            name: name.to_owned(),
            auth,
            pipeline: pipeline.to_owned(),
            stage: None,
            owner: LeadOwner::RoundRobin,
            tags: vec![id.replace('_', "-")],
            mapping: BTreeMap::new(),
            flow: None,
        })
    }

    /// Checks a source staff saved; the first problem found.
    pub fn check(&self) -> Result<(), String> {
        if !super::pipeline::valid_id(&self.id) {
            return Err("a source id is 1 to 40 lower-case letters, digits, - or _".into());
        }
        if let Some(id) = self.auth.fixed_id() {
            if self.id != id {
                return Err(format!("this kind of source has the id {id}"));
            }
        } else if [FACEBOOK_LEAD_ADS, INDIAMART].contains(&self.id.as_str()) {
            return Err(format!("the id {} is kept for its own kind of source", self.id));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 80 {
            return Err("a source needs a name of at most 80 characters".into());
        }
        if self.pipeline.trim().is_empty() {
            return Err("a source needs the pipeline its deals open in".into());
        }
        if let LeadOwner::Teammate { email } = &self.owner {
            if !email.contains('@') {
                return Err("the owner is a teammate's e-mail".into());
            }
        }
        match (&self.flow, self.auth) {
            (Some(launch), LeadAuth::WhatsAppFlow) => launch.check().map_err(|e| e.to_string())?,
            (Some(_), _) => return Err("only a WhatsApp Flow source opens a flow".into()),
            (None, _) => {}
        }
        for (field, path) in &self.mapping {
            let known = MAPPABLE.contains(&field.as_str())
                || field.strip_prefix("fields.").is_some_and(|name| !name.is_empty() && name.len() <= 40);
            if !known {
                return Err(format!(
                    "{field:?} is not a lead field; map one of {} or fields.<name>",
                    MAPPABLE.join(", ")
                ));
            }
            if path.trim().is_empty() || path.len() > 200 {
                return Err(format!("{field}: the path in the sender's JSON is 1 to 200 characters"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> LeadSource {
        LeadSource {
            id: "website".into(),
            name: "Website form".into(),
            auth: LeadAuth::Hmac,
            pipeline: "sales".into(),
            stage: None,
            owner: LeadOwner::RoundRobin,
            tags: vec!["web".into()],
            mapping: BTreeMap::from([("phone".into(), "mobile".into()), ("fields.city".into(), "address.city".into())]),
            flow: None,
        }
    }

    #[test]
    fn a_fed_source_has_its_fixed_id_and_no_posted_source_takes_it() {
        let facebook = LeadSource { id: FACEBOOK_LEAD_ADS.into(), auth: LeadAuth::FacebookLeadAds, ..source() };
        assert_eq!(facebook.check(), Ok(()));
        assert!(LeadSource { id: "fb".into(), ..facebook.clone() }.check().is_err());
        assert!(LeadSource { auth: LeadAuth::Hmac, ..facebook }.check().is_err());
        let indiamart = LeadSource::unconfigured(LeadAuth::IndiaMart, "sales").unwrap();
        assert_eq!((indiamart.id.as_str(), indiamart.check()), (INDIAMART, Ok(())));
        assert_eq!(LeadSource::unconfigured(LeadAuth::Bearer, "sales"), None);
    }

    #[test]
    fn a_source_names_itself_in_a_url_safe_id_and_maps_only_lead_fields() {
        assert_eq!(source().check(), Ok(()));
        assert!(LeadSource { id: "Web Site".into(), ..source() }.check().is_err());
        assert!(LeadSource { name: " ".into(), ..source() }.check().is_err());
        let mut unknown = source();
        unknown.mapping.insert("password".into(), "pw".into());
        assert!(unknown.check().is_err_and(|e| e.contains("not a lead field")));
        let owner = LeadOwner::Teammate { email: "nobody".into() };
        assert!(LeadSource { owner, ..source() }.check().is_err());
    }
}
