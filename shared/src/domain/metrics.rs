//! Numbers a manager acts on: response times, funnels.

use super::pipeline::{total_value, Deal, Pipeline, StageKind, ValueOverflow};
use super::Contact;
use std::collections::BTreeMap;

/// The nearest-rank percentile (`p` in 0..=100) of sorted values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p.min(100)) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank).ok()? - 1).copied()
}

/// First-response times of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseStats {
    /// The group (an agent's e-mail, `unassigned`, or a day).
    pub key: String,
    /// Conversations answered.
    pub answered: usize,
    /// Median first response, seconds.
    pub median_seconds: Option<i64>,
    /// 90th percentile, seconds.
    pub p90_seconds: Option<i64>,
}

fn stats(groups: BTreeMap<String, Vec<i64>>) -> Vec<ResponseStats> {
    groups
        .into_iter()
        .map(|(key, mut ms)| {
            ms.sort_unstable();
            ResponseStats {
                key,
                answered: ms.len(),
                median_seconds: percentile(&ms, 50).map(|v| v / 1000),
                p90_seconds: percentile(&ms, 90).map(|v| v / 1000),
            }
        })
        .collect()
}

/// First-response times by agent and by the day the customer first wrote,
/// for conversations first opened in `[from, to]` (days, `YYYY-MM-DD`).
pub fn first_response(contacts: &[Contact], from: &str, to: &str) -> (Vec<ResponseStats>, Vec<ResponseStats>) {
    let mut by_agent: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut by_day: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for contact in contacts {
        let Some(ms) = contact.conversation.first_response_ms else { continue };
        // A contact is created by the customer's first message.
        let day = contact.created_at.to_rfc3339()[..10].to_owned();
        if day.as_str() < from || day.as_str() > to {
            continue;
        }
        let agent = contact.conversation.owner.clone().unwrap_or_else(|| "unassigned".to_owned());
        by_agent.entry(agent).or_default().push(ms);
        by_day.entry(day).or_default().push(ms);
    }
    (stats(by_agent), stats(by_day))
}

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStep {
    /// Stage id.
    pub stage: String,
    /// Deals in it now.
    pub current: usize,
    /// Deals that ever reached it.
    pub reached: usize,
    /// `reached` / the previous open stage's `reached`, in percent.
    pub conversion_percent: Option<u32>,
}

/// The funnel of a pipeline from its deals' histories, and the won value
/// (an error rather than a wrapped sum when it does not fit).
pub fn funnel(pipeline: &Pipeline, deals: &[Deal]) -> Result<(Vec<FunnelStep>, i64), ValueOverflow> {
    let mut steps: Vec<FunnelStep> = Vec::new();
    let mut previous: Option<usize> = None;
    for stage in &pipeline.stages {
        let current = deals.iter().filter(|d| d.stage == stage.id).count();
        let reached = deals.iter().filter(|d| d.history.iter().any(|h| h.to == stage.id)).count();
        // Lost is where deals leave the funnel, not a step of it.
        let conversion_percent = match stage.kind {
            StageKind::Lost => None,
            _ => previous.filter(|p| *p > 0).map(|p| u32::try_from(reached * 100 / p).unwrap_or(u32::MAX)),
        };
        if stage.kind == StageKind::Open {
            previous = Some(reached);
        }
        steps.push(FunnelStep { stage: stage.id.clone(), current, reached, conversion_percent });
    }
    let won = total_value(deals.iter().filter(|d| pipeline.stage(&d.stage).is_ok_and(|s| s.kind == StageKind::Won)))?;
    Ok((steps, won))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn funnel_counts_reach_and_conversion_from_history() {
        use crate::domain::pipeline::StageChange;
        use crate::domain::{BusinessNumber, ContactId, Millis};
        let pipeline = Pipeline::default_sales();
        let deal = |stage: &str, path: &[&str], value| Deal {
            id: stage.into(),
            contact_id: ContactId::derive(
                &BusinessNumber("1".into()),
                &crate::domain::identity::IdentityKey::WaId("1".into()),
            ),
            pipeline: "sales".into(),
            stage: stage.into(),
            title: "t".into(),
            value_minor: value,
            currency: "INR".into(),
            owner: None,
            expected_close: None,
            custom_fields: Default::default(),
            history: path
                .iter()
                .map(|s| StageChange { from: None, to: (*s).into(), by: "a".into(), at: Millis(0) })
                .collect(),
            created_at: Millis(0),
            updated_at: Millis(0),
        };
        let deals = [
            deal("enquiry", &["enquiry"], 10),
            deal("qualified", &["enquiry", "qualified"], 20),
            deal("won", &["enquiry", "qualified", "quote_sent", "negotiation", "won"], 300),
            deal("lost", &["enquiry", "lost"], 40),
        ];
        let (steps, won) = funnel(&pipeline, &deals).unwrap();
        assert_eq!(won, 300);
        let reached: Vec<usize> = steps.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [4, 2, 1, 1, 1, 1]);
        assert_eq!(steps[1].conversion_percent, Some(50));
        assert_eq!(steps[0].conversion_percent, None);
        assert_eq!(steps[0].current, 1);
        assert_eq!(steps[4].conversion_percent, Some(100), "won against the last open stage");
        assert_eq!(steps[5].conversion_percent, None, "lost is no step of the funnel");
        let rich = [deal("won", &["won"], i64::MAX), deal("won", &["won"], 1)];
        assert_eq!(funnel(&pipeline, &rich), Err(ValueOverflow), "a won value too large is an error, not a wrap");
    }
}
