//! Numbers a manager acts on: response times, funnels.

use super::pipeline::{total_value, Deal, Pipeline, StageKind, ValueOverflow};
use super::response_figures::ResponseFigures;
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
    pub answered: u64,
    /// Median first response, seconds (bucket-approximate: see
    /// [`super::response_figures`]).
    pub median_seconds: Option<i64>,
    /// 90th percentile, seconds (bucket-approximate).
    pub p90_seconds: Option<i64>,
    /// Mean, seconds (exact).
    pub mean_seconds: Option<i64>,
}

fn stats(groups: BTreeMap<String, ResponseFigures>) -> Vec<ResponseStats> {
    groups
        .into_iter()
        .map(|(key, figures)| ResponseStats {
            key,
            answered: figures.count,
            median_seconds: figures.percentile_seconds(50),
            p90_seconds: figures.percentile_seconds(90),
            mean_seconds: figures.mean_seconds(),
        })
        .collect()
}

/// First-response figures by agent and by the day the customer first wrote,
/// from the per-day, per-agent aggregates `(day, agent, figures)` of the
/// days in the range.
pub fn first_response(daily: &[(String, String, ResponseFigures)]) -> (Vec<ResponseStats>, Vec<ResponseStats>) {
    let mut by_agent: BTreeMap<String, ResponseFigures> = BTreeMap::new();
    let mut by_day: BTreeMap<String, ResponseFigures> = BTreeMap::new();
    for (day, agent, figures) in daily {
        by_agent.entry(agent.clone()).or_default().merge(figures);
        by_day.entry(day.clone()).or_default().merge(figures);
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
    fn first_response_groups_days_and_agents() {
        let figures = |samples: &[i64]| {
            let mut f = ResponseFigures::default();
            samples.iter().for_each(|s| f.record(*s * 1000));
            f
        };
        let daily = [
            ("2026-01-01".to_owned(), "a@x".to_owned(), figures(&[10, 20])),
            ("2026-01-01".to_owned(), "b@x".to_owned(), figures(&[600])),
            ("2026-01-02".to_owned(), "a@x".to_owned(), figures(&[30])),
        ];
        let (by_agent, by_day) = first_response(&daily);
        let answered = |rows: &[ResponseStats]| rows.iter().map(|r| (r.key.clone(), r.answered)).collect::<Vec<_>>();
        assert_eq!(answered(&by_agent), [("a@x".to_owned(), 3), ("b@x".to_owned(), 1)]);
        assert_eq!(answered(&by_day), [("2026-01-01".to_owned(), 3), ("2026-01-02".to_owned(), 1)]);
        assert_eq!(by_agent[0].median_seconds, Some(20));
        assert_eq!(by_agent[0].mean_seconds, Some(20));
    }

    #[test]
    fn funnel_counts_reach_and_conversion_from_history() {
        use crate::domain::pipeline::StageChange;
        use crate::domain::{ContactId, Millis};
        let pipeline = Pipeline::default_sales();
        let deal = |stage: &str, path: &[&str], value| Deal {
            id: stage.into(),
            contact_id: ContactId::parse("0123456789abcdef01234567").unwrap(),
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
