//! Reports for managers.

use crate::session::Staff;
use crate::{ApiError, ApiState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::reports::ReportError;
use parley::domain::metrics::ResponseStats;
use serde::Deserialize;
use serde_json::{json, Value};
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

#[derive(Deserialize)]
pub(crate) struct Range {
    from: Option<String>,
    to: Option<String>,
    pipeline: Option<String>,
}

/// `from`/`to` days, defaulting to the last 30 days.
fn range(state: &ApiState, r: &Range) -> Result<(String, String), ApiError> {
    let now = state.clock.now();
    let from =
        r.from.clone().unwrap_or_else(|| parley::domain::Millis(now.0 - 30 * 86_400_000).to_rfc3339()[..10].to_owned());
    let to = r.to.clone().unwrap_or_else(|| now.to_rfc3339()[..10].to_owned());
    for day in [&from, &to] {
        let ok = day.len() == 10
            && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !ok {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "from and to are days, YYYY-MM-DD"));
        }
    }
    Ok((from, to))
}

fn stats_view(rows: Vec<ResponseStats>, key: &str) -> Vec<Value> {
    rows.into_iter()
        .map(|r| json!({key: r.key, "answered": r.answered, "median_seconds": r.median_seconds, "p90_seconds": r.p90_seconds, "mean_seconds": r.mean_seconds}))
        .collect()
}

pub(crate) async fn first_response(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<Value>, ApiError> {
    let (from, to) = range(&state, &r)?;
    let (by_agent, by_day) = state.reports.first_response(&session, &from, &to).await?;
    Ok(Json(
        json!({"from": from, "to": to, "by_agent": stats_view(by_agent, "agent"), "by_day": stats_view(by_day, "day")}),
    ))
}

pub(crate) async fn workload(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<Value>, ApiError> {
    let w = state.reports.workload(&session).await?;
    Ok(Json(json!({
        "unassigned": w.unassigned, "overdue": w.overdue,
        "tasks_due_today": w.tasks_due_today, "tasks_overdue": w.tasks_overdue,
    })))
}

pub(crate) async fn messages(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<Value>, ApiError> {
    let (from, to) = range(&state, &r)?;
    let days = state.reports.messages(&session, &from, &to).await?;
    let items: Vec<Value> =
        days.into_iter().map(|(day, i, o)| json!({"day": day, "inbound": i, "outbound": o})).collect();
    Ok(Json(json!({"from": from, "to": to, "items": items})))
}

pub(crate) async fn funnel(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(r): Query<Range>,
) -> Result<Json<Value>, ApiError> {
    let pipeline = r.pipeline.unwrap_or_else(|| "sales".to_owned());
    let (steps, won) = state.reports.funnel(&session, &state.deals, &pipeline).await?;
    let steps: Vec<Value> = steps
        .into_iter()
        .map(|s| json!({"stage": s.stage, "current": s.current, "reached": s.reached, "conversion_percent": s.conversion_percent}))
        .collect();
    Ok(Json(json!({"pipeline": pipeline, "stages": steps, "won_value_minor": won})))
}
