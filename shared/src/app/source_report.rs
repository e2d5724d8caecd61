//! The lead-source report: leads, conversations and won deals per
//! first-touch source and per click-to-WhatsApp ad, over a range of
//! business days, for managers.

use super::reports::ReportError;
use crate::domain::ad_referral::AdReferral;
use crate::domain::source_figures::{Attribution, SourceTotals};
use crate::domain::Session;
use crate::ports::{LeadSourceStore, SourceFigureStore};
use std::sync::Arc;

/// One source's line.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLine {
    /// The source as contacts keep it (`ad`, `whatsapp`, `lead:<id>`…).
    pub source: String,
    /// A lead source's name, for `lead:<id>`.
    pub name: Option<String>,
    /// Its figures.
    pub totals: SourceTotals,
}

/// One ad's line.
#[derive(Debug, Clone, PartialEq)]
pub struct AdLine {
    /// The ad (its headline and link when Parley saw them).
    pub ad: AdReferral,
    /// Its figures.
    pub totals: SourceTotals,
}

/// The report: sources and ads, most leads first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceReportLines {
    /// Per first-touch source.
    pub sources: Vec<SourceLine>,
    /// Per ad.
    pub ads: Vec<AdLine>,
}

/// The report's use case.
pub struct SourceReport {
    figures: Arc<dyn SourceFigureStore>,
    lead_sources: Arc<dyn LeadSourceStore>,
}

impl SourceReport {
    /// Over the counters and the lead sources (for their names).
    pub fn new(figures: Arc<dyn SourceFigureStore>, lead_sources: Arc<dyn LeadSourceStore>) -> Self {
        SourceReport { figures, lead_sources }
    }

    /// The lines of the business days `[from, to]`: one Query per month
    /// of counters, one for the lead sources, one batch read for the ads.
    pub async fn lines(&self, actor: &Session, from: &str, to: &str) -> Result<SourceReportLines, ReportError> {
        if !actor.role.supervises() {
            return Err(ReportError::Forbidden);
        }
        let mut report = SourceReportLines::default();
        let mut ads = Vec::new();
        for (line, totals) in self.figures.source_totals(from, to).await? {
            match line {
                Attribution::Source(source) => report.sources.push(SourceLine { source, name: None, totals }),
                Attribution::Ad(ad_id) => ads.push((ad_id, totals)),
            }
        }
        if report.sources.iter().any(|s| s.source.starts_with("lead:")) {
            let configured = self.lead_sources.lead_sources().await?;
            for line in &mut report.sources {
                let id = line.source.strip_prefix("lead:");
                line.name = configured.iter().find(|s| Some(s.source.id.as_str()) == id).map(|s| s.source.name.clone());
            }
        }
        let ids: Vec<String> = ads.iter().map(|(id, _)| id.clone()).collect();
        let known = if ids.is_empty() { Vec::new() } else { self.figures.ads(&ids).await? };
        report.ads = ads
            .into_iter()
            .map(|(ad_id, totals)| {
                let ad = known.iter().find(|a| a.ad_id == ad_id).cloned().unwrap_or(AdReferral {
                    ad_id,
                    source_type: "ad".to_owned(),
                    headline: None,
                    source_url: None,
                    ctwa_clid: None,
                });
                AdLine { ad, totals }
            })
            .collect();
        report.sources.sort_by(|a, b| b.totals.leads.cmp(&a.totals.leads).then_with(|| a.source.cmp(&b.source)));
        report.ads.sort_by(|a, b| {
            b.totals.conversations.cmp(&a.totals.conversations).then_with(|| a.ad.ad_id.cmp(&b.ad.ad_id))
        });
        Ok(report)
    }
}
