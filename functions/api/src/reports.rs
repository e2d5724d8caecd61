//! Reports for managers.

use crate::session::Staff;
use crate::views::{FirstResponseView, FunnelView, MessageCountsView, SourceReportView, WorkloadView};
use crate::{ApiError, ApiState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::reports::ReportError;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Forbidden => ApiError::forbidden(&e.to_string()),
            ReportError::Deals(d) => d.into(),
            ReportError::Store(s) => s.into(),
        }
    }
}

/// Days `YYYY-MM-DD`, inclusive; the last 30 days unless said.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct Range {
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct FunnelQuery {
    /// The pipeline id; `sales` unless said.
    pipeline: Option<String>,
}

/// `from`/`to` days, defaulting to the last 30 business days.
async fn range(state: &ApiState, r: &Range) -> Result<(String, String), ApiError> {
    let (from, to) = match (&r.from, &r.to) {
        (Some(from), Some(to)) => (from.clone(), to.clone()),
        _ => {
            let (from, to) = state.reports().last_days(30).await?;
            (r.from.clone().unwrap_or(from), r.to.clone().unwrap_or(to))
        }
    };
    for day in [&from, &to] {
        let ok = day.len() == 10
            && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !ok {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "from and to are days, YYYY-MM-DD"));
        }
    }
    Ok((from, to))
}

pub(crate) async fn first_response(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<FirstResponseView>, ApiError> {
    let (from, to) = range(&state, &r).await?;
    let (by_agent, by_day) = state.reports().first_response(&session, &from, &to).await?;
    Ok(Json(FirstResponseView::new(from, to, by_agent, by_day)))
}

pub(crate) async fn workload(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<WorkloadView>, ApiError> {
    Ok(Json(state.reports().workload(&session).await?.into()))
}

pub(crate) async fn messages(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<MessageCountsView>, ApiError> {
    let (from, to) = range(&state, &r).await?;
    let days = state.reports().messages(&session, &from, &to).await?;
    Ok(Json(MessageCountsView::new(from, to, days)))
}

pub(crate) async fn funnel(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<FunnelQuery>,
) -> Result<Json<FunnelView>, ApiError> {
    let pipeline = r.pipeline.unwrap_or_else(|| "sales".to_owned());
    let (steps, won) = state.reports().funnel(&session, &state.deals(), &pipeline).await?;
    Ok(Json(FunnelView::new(pipeline, steps, won)))
}

pub(crate) async fn sources(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<SourceReportView>, ApiError> {
    let (from, to) = range(&state, &r).await?;
    let lines = state.source_report().lines(&session, &from, &to).await?;
    let currency = crate::business::current_profile(&state).await?.currency;
    Ok(Json(SourceReportView::new(from, to, currency, lines)))
}
