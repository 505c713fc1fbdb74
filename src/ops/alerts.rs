//! The alerts the dashboard lists: what needs an officer's attention in a report (over budget,
//! contracts and frameworks ending, milestones passed, variances without a comment) and in the
//! financing (gaps, grants to spend by a date soon), most serious first. The rules are the
//! domain's (`domain::alerts`); this reads what they look at.

use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use crate::domain::alerts::{
    Alert, AlertInput, SPEND_BY_DAYS, add_missing_comment_alerts, alerts, financing_alerts,
};
use crate::domain::cabinet::AfterRag;
use crate::domain::financing::FinancingStatement;
use crate::domain::report::Report;
use crate::store::entities as e;
use crate::store::{self, financing, settings};

/// The alerts on `today` of `report` (with its columns after RAG) and `statement`, the
/// financing of the same year and period, with the financing alerts of any other year whose
/// grants are to be spent within [`SPEND_BY_DAYS`]; most serious first.
pub(crate) fn of_report(
    conn: &impl Sql,
    today: NaiveDate,
    report: &Report,
    after_rag: &[AfterRag],
    statement: &FinancingStatement,
) -> store::Result<Vec<Alert>> {
    let phases = e::list_phases(conn, None)?;
    let allocations = e::list_allocations(conn, None, None)?;
    let contracts = e::list_contracts(conn, None, None)?;
    let frameworks = e::list_frameworks(conn)?;
    let milestones = e::list_milestones(conn, None, None)?;
    let mut out = alerts(&AlertInput {
        today,
        report,
        phases: &phases,
        allocations: &allocations,
        contracts: &contracts,
        frameworks: &frameworks,
        milestones: &milestones,
    });
    add_missing_comment_alerts(
        &mut out,
        report,
        after_rag,
        &settings::comment_thresholds(conn)?,
    );
    let soon = today + chrono::Days::new(SPEND_BY_DAYS as u64);
    let mut others = Vec::new();
    for y in financing::years_with_spend_by_between(conn, today, soon)? {
        if y != statement.fy {
            others.push(financing::statement(
                conn,
                y,
                y.period_to_show(today),
                None,
            )?);
        }
    }
    let lines = e::list_funding(conn, None, None)?;
    out.extend(financing_alerts(today, statement, &others, &lines));
    out.sort_by_key(|a| std::cmp::Reverse(a.level));
    Ok(out)
}
