//! The pipeline's pages, counts and export reads (statements built in `sql`).
use handoff_core::{
    pipeline::{Cursor, HandoffFilter, PipelineQuery},
    status::HandoffStatus,
};
use serde::Deserialize;

use super::{all, sql, status, ClientId, HandoffRow, Repo};
use crate::error::AppResult;

/// Handoffs per status under the current filter (the status itself aside), plus how many
/// were ever redirected (the funnel's middle step: a completed handoff may have been).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub new: i64,
    pub redirected: i64,
    pub completed_external: i64,
    pub abandoned: i64,
    pub ever_redirected: i64,
}

impl StatusCounts {
    pub fn total(&self) -> i64 {
        self.new + self.redirected + self.completed_external + self.abandoned
    }

    pub fn of(&self, status: HandoffStatus) -> i64 {
        match status {
            HandoffStatus::New => self.new,
            HandoffStatus::Redirected => self.redirected,
            HandoffStatus::CompletedExternal => self.completed_external,
            HandoffStatus::Abandoned => self.abandoned,
        }
    }
}

#[derive(Deserialize)]
struct CountRow {
    #[serde(deserialize_with = "status")]
    status: HandoffStatus,
    n: i64,
    redirected: Option<i64>,
}

/// One page of the pipeline.
pub struct HandoffPage {
    pub handoffs: Vec<HandoffRow>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    pub counts: StatusCounts,
    /// Industries this client's handoffs carry (for the filter's choices).
    pub industries: Vec<String>,
}

#[derive(Deserialize)]
struct IndustryRow {
    industry: String,
}

impl Repo {
    /// A page of handoffs (newest first), the per-status counts for the filter and, when
    /// asked, the industries to filter by: one round trip.
    pub async fn handoff_page(
        &self,
        client: &ClientId,
        query: &PipelineQuery,
        with_industries: bool,
    ) -> AppResult<HandoffPage> {
        let statements = sql::pipeline(client.as_str(), query, with_industries)
            .iter()
            .map(|(_, q)| self.prepare(q))
            .collect::<AppResult<Vec<_>>>()?;
        let mut results = self.batch(statements).await?;
        let mut handoffs: Vec<HandoffRow> = results.rows()?;
        let count_rows: Vec<CountRow> = results.rows()?;
        let industries: Vec<IndustryRow> = results.rows()?;
        let next = if handoffs.len() > query.limit {
            handoffs.truncate(query.limit);
            handoffs.last().map(|h| Cursor {
                created_at: h.created_at.get(),
                id: h.id.clone(),
            })
        } else {
            None
        };
        let mut counts = StatusCounts::default();
        for row in count_rows {
            let n = row.n;
            match row.status {
                HandoffStatus::New => counts.new = n,
                HandoffStatus::Redirected => counts.redirected = n,
                HandoffStatus::CompletedExternal => counts.completed_external = n,
                HandoffStatus::Abandoned => counts.abandoned = n,
            }
            counts.ever_redirected += row.redirected.unwrap_or(0);
        }
        Ok(HandoffPage {
            handoffs,
            next,
            counts,
            industries: industries.into_iter().map(|r| r.industry).collect(),
        })
    }

    /// `EXPLAIN QUERY PLAN` of exactly the statements [`Repo::handoff_page`] runs for this
    /// query: (label, plan lines). Only the benchmark/test diagnostics route calls it.
    pub async fn explain_pipeline(
        &self,
        client: &ClientId,
        query: &PipelineQuery,
    ) -> AppResult<Vec<(&'static str, Vec<String>)>> {
        #[derive(Deserialize)]
        struct PlanRow {
            detail: String,
        }
        let labelled = sql::pipeline(client.as_str(), query, true);
        let statements = labelled
            .iter()
            .map(|(_, q)| {
                self.prepare(&sql::Query {
                    sql: format!("EXPLAIN QUERY PLAN {}", q.sql),
                    binds: q.binds.clone(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let mut results = self.batch(statements).await?;
        let mut out = Vec::new();
        for (label, _) in labelled {
            let rows: Vec<PlanRow> = results.rows()?;
            out.push((label, rows.into_iter().map(|r| r.detail).collect()));
        }
        Ok(out)
    }

    /// Handoffs for an export, newest first, keyset-paged like the pipeline.
    pub async fn handoffs_after(
        &self,
        client: &ClientId,
        filter: &HandoffFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> AppResult<Vec<HandoffRow>> {
        all(self.prepare(&sql::page(client.as_str(), filter, cursor, limit))?).await
    }
}
