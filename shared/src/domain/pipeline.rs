//! Pipelines and deals: configurable ordered stages, terminal won/lost
//! stages, and a stage history that records who moved what, when.

use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What reaching a stage means.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Still in play.
    Open,
    /// Terminal: the deal was won.
    Won,
    /// Terminal: the deal was lost.
    Lost,
}

/// One stage of a pipeline.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable id (`enquiry`, `quote_sent`…), used in keys.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Open, won or lost.
    pub kind: StageKind,
    /// Days a deal may stay in this stage before its owner hears it has
    /// gone quiet; none: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_days: Option<u32>,
}

/// A sales (or support, or onboarding…) pipeline.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Stages in order.
    pub stages: Vec<Stage>,
    /// The open stage a deal moves to when its quote is sent; none: the
    /// stage with id `quote_sent`, if the pipeline has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_stage: Option<String>,
}

/// Why a pipeline definition or a stage move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    /// Ids must be short lowercase words.
    #[error("{0:?} is not a valid id (lowercase letters, digits, _ and -, up to 40)")]
    BadId(String),
    /// A pipeline needs open stages and a won and a lost stage.
    #[error("a pipeline needs at least one open stage, one won stage and one lost stage")]
    Incomplete,
    /// Two stages with one id.
    #[error("stage {0:?} appears twice")]
    DuplicateStage(String),
    /// Quotes are sent while a deal is still open.
    #[error("the quote stage {0:?} must be an open stage")]
    QuoteStageNotOpen(String),
    /// No such stage.
    #[error("pipeline {pipeline:?} has no stage {stage:?}")]
    UnknownStage {
        /// The pipeline.
        pipeline: String,
        /// The asked-for stage.
        stage: String,
    },
}

/// Whether `text` can be used inside a key.
pub fn valid_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl Pipeline {
    /// The pipelines a business has: those it configured, else the
    /// default sales pipeline.
    pub fn or_default(configured: Vec<Pipeline>) -> Vec<Pipeline> {
        if configured.is_empty() {
            vec![Pipeline::default_sales()]
        } else {
            configured
        }
    }

    /// The default sales pipeline.
    pub fn default_sales() -> Self {
        let stage = |id: &str, name: &str, kind| Stage { id: id.into(), name: name.into(), kind, idle_days: None };
        Pipeline {
            id: "sales".into(),
            name: "Sales".into(),
            stages: vec![
                stage("enquiry", "Enquiry", StageKind::Open),
                stage("qualified", "Qualified", StageKind::Open),
                stage("quote_sent", "Quote Sent", StageKind::Open),
                stage("negotiation", "Negotiation", StageKind::Open),
                stage("won", "Won", StageKind::Won),
                stage("lost", "Lost", StageKind::Lost),
            ],
            quote_stage: None,
        }
    }

    /// Checks ids and the won/lost rule.
    pub fn validate(&self) -> Result<(), PipelineError> {
        if !valid_id(&self.id) {
            return Err(PipelineError::BadId(self.id.clone()));
        }
        let mut seen = std::collections::HashSet::new();
        for stage in &self.stages {
            if !valid_id(&stage.id) {
                return Err(PipelineError::BadId(stage.id.clone()));
            }
            if !seen.insert(stage.id.as_str()) {
                return Err(PipelineError::DuplicateStage(stage.id.clone()));
            }
        }
        if let Some(quote_stage) = &self.quote_stage {
            if self.stage(quote_stage)?.kind != StageKind::Open {
                return Err(PipelineError::QuoteStageNotOpen(quote_stage.clone()));
            }
        }
        let has = |kind| self.stages.iter().any(|s| s.kind == kind);
        if !(has(StageKind::Open) && has(StageKind::Won) && has(StageKind::Lost)) {
            return Err(PipelineError::Incomplete);
        }
        Ok(())
    }

    /// The stage with this id.
    pub fn stage(&self, id: &str) -> Result<&Stage, PipelineError> {
        self.stages
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| PipelineError::UnknownStage { pipeline: self.id.clone(), stage: id.to_owned() })
    }

    /// The stage a deal moves to when its quote is sent, if any.
    pub fn quote_stage(&self) -> Option<&Stage> {
        let id = self.quote_stage.as_deref().unwrap_or("quote_sent");
        self.stages.iter().find(|s| s.id == id && s.kind == StageKind::Open)
    }

    /// Whether stage `a` comes before stage `b` in this pipeline.
    pub fn is_before(&self, a: &str, b: &str) -> bool {
        let at = |id: &str| self.stages.iter().position(|s| s.id == id);
        matches!((at(a), at(b)), (Some(a), Some(b)) if a < b)
    }

    /// The first won stage, where accepted quotes take their deal.
    pub fn won_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == StageKind::Won)
    }

    /// The first stage new deals start in.
    pub fn first_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == StageKind::Open)
    }
}

/// One move in a deal's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// The stage left (`None` when the deal was created).
    pub from: Option<String>,
    /// The stage entered.
    pub to: String,
    /// Who moved it.
    pub by: String,
    /// When.
    pub at: Millis,
}

/// A deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// Id.
    pub id: String,
    /// The customer.
    pub contact_id: ContactId,
    /// Its pipeline.
    pub pipeline: String,
    /// Its stage.
    pub stage: String,
    /// What is being sold.
    pub title: String,
    /// Value in minor units.
    pub value_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Who works it.
    pub owner: Option<String>,
    /// Expected close date, `YYYY-MM-DD`.
    pub expected_close: Option<String>,
    /// Anything the business tracks.
    pub custom_fields: BTreeMap<String, String>,
    /// Every stage it has been in.
    pub history: Vec<StageChange>,
    /// Created.
    pub created_at: Millis,
    /// Last changed.
    pub updated_at: Millis,
}

/// Deal values that add up to more than an `i64` of minor units can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the deal values add up to more than can be counted")]
pub struct ValueOverflow;

/// The sum of the deals' values, refusing to wrap.
pub fn total_value<'a>(deals: impl IntoIterator<Item = &'a Deal>) -> Result<i64, ValueOverflow> {
    deals.into_iter().try_fold(0i64, |total, deal| total.checked_add(deal.value_minor).ok_or(ValueOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal_worth(value_minor: i64) -> Deal {
        Deal {
            id: "d".into(),
            contact_id: ContactId::derive(
                &super::super::ContactIdKey::new("a test key long enough for contact ids").unwrap(),
                &super::super::BusinessNumber("1".into()),
                &super::super::identity::IdentityKey::WaId("2".into()),
            ),
            pipeline: "sales".into(),
            stage: "enquiry".into(),
            title: "t".into(),
            value_minor,
            currency: "INR".into(),
            owner: None,
            expected_close: None,
            custom_fields: BTreeMap::new(),
            history: vec![],
            created_at: Millis(0),
            updated_at: Millis(0),
        }
    }

    #[test]
    fn totals_add_up_and_refuse_to_overflow() {
        assert_eq!(total_value(&[deal_worth(40), deal_worth(2)]), Ok(42));
        assert_eq!(total_value(&[]), Ok(0));
        assert_eq!(total_value(&[deal_worth(i64::MAX), deal_worth(1)]), Err(ValueOverflow));
    }

    #[test]
    fn the_default_pipeline_is_valid_and_starts_at_enquiry() {
        let p = Pipeline::default_sales();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.first_stage().unwrap().id, "enquiry");
        assert_eq!(p.stage("won").unwrap().kind, StageKind::Won);
        assert!(p.stage("nope").is_err());
    }

    #[test]
    fn a_pipeline_needs_won_and_lost_and_clean_ids() {
        let mut p = Pipeline::default_sales();
        p.stages.retain(|s| s.kind != StageKind::Lost);
        assert_eq!(p.validate(), Err(PipelineError::Incomplete));
        let mut q = Pipeline::default_sales();
        q.stages[0].id = "En Quiry".into();
        assert!(matches!(q.validate(), Err(PipelineError::BadId(_))));
        let mut r = Pipeline::default_sales();
        r.stages[1].id = "enquiry".into();
        assert!(matches!(r.validate(), Err(PipelineError::DuplicateStage(_))));
    }

    #[test]
    fn the_quote_stage_is_configurable_and_must_be_open() {
        let mut p = Pipeline::default_sales();
        assert_eq!(p.quote_stage().unwrap().id, "quote_sent");
        assert!(p.is_before("qualified", "quote_sent") && !p.is_before("negotiation", "quote_sent"));
        p.quote_stage = Some("negotiation".into());
        assert_eq!((p.validate(), p.quote_stage().unwrap().id.as_str()), (Ok(()), "negotiation"));
        p.quote_stage = Some("won".into());
        assert_eq!(p.validate(), Err(PipelineError::QuoteStageNotOpen("won".into())));
        p.quote_stage = Some("nope".into());
        assert!(matches!(p.validate(), Err(PipelineError::UnknownStage { .. })));
        assert_eq!(p.won_stage().unwrap().id, "won");
    }
}
