//! The summary: per year, programme and phase, the approved budget, pending approval, committed,
//! actual and headroom at year end, beside the approved funding, the funding gap and projected
//! funding. `outturn summary` calls it.

use super::report::opt_programme;
use crate::domain::report::RowKind;
use crate::domain::{FinancialYear, Money, Period};
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::{self, figures, financing};

/// One row of the summary: a phase, a programme total or the grand total of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub fy: FinancialYear,
    pub kind: RowKind,
    pub programme_code: String,
    pub phase_code: String,
    pub phase_name: String,
    /// The approved budget: revised, at year end.
    pub revised: Money,
    pub pending: Money,
    /// Committed at year end.
    pub commitments: Money,
    /// Actual, the whole year.
    pub actual: Money,
    pub headroom: Money,
    /// A phase whose profile over the year is assumed (spread evenly) rather than given.
    pub profile_assumed: bool,
    /// Approved funding.
    pub funding: Money,
    /// The revised budget less the approved funding.
    pub funding_gap: Money,
    /// Projected funding (beside the funding, never in it).
    pub projected: Money,
}

/// The summary of `fy` (every year with figures when None), of one programme (code) when given.
/// The total rows add up the phase rows given (a phase with funding but no other figure in the
/// year has no row).
pub fn summary(
    books: &impl Sql,
    fy: Option<FinancialYear>,
    programme: Option<&str>,
) -> store::Result<Vec<SummaryRow>> {
    let years = match fy {
        Some(y) => vec![y],
        None => figures::years_with_figures(books)?,
    };
    let pid = opt_programme(books, programme)?;
    let allocations = e::list_allocations(books, pid, None)?;
    let mut out = Vec::new();
    for year in years {
        let report = figures::report(books, year, Period::LAST, pid)?;
        let statement = financing::statement(books, year, Period::LAST, pid)?;
        let mut totals = (Money::ZERO, Money::ZERO, Money::ZERO);
        let mut grand = totals;
        for r in &report.rows {
            let (funding, funding_gap, projected) = match r.kind {
                RowKind::Phase => {
                    let (f, p) = statement
                        .phase_row(&r.programme_code, &r.phase_code)
                        .map(|f| (f.total_funding, f.projected))
                        .unwrap_or_default();
                    let row = (f, r.revised - f, p);
                    totals = (totals.0 + row.0, totals.1 + row.1, totals.2 + row.2);
                    grand = (grand.0 + row.0, grand.1 + row.1, grand.2 + row.2);
                    row
                }
                RowKind::ProgrammeTotal => std::mem::take(&mut totals),
                RowKind::GrandTotal => grand,
            };
            let profile_assumed = r.kind == RowKind::Phase
                && allocations.iter().any(|a| {
                    a.profile_assumed
                        && a.programme_code == r.programme_code
                        && a.phase_code == r.phase_code
                        && a.first_fy <= year
                        && a.last_fy >= year
                });
            out.push(SummaryRow {
                fy: year,
                kind: r.kind,
                programme_code: r.programme_code.clone(),
                phase_code: r.phase_code.clone(),
                phase_name: r.phase_name.clone(),
                revised: r.revised,
                pending: r.pending,
                commitments: r.commitments,
                actual: r.actual_to_date,
                headroom: r.headroom,
                profile_assumed,
                funding,
                funding_gap,
                projected,
            });
        }
    }
    Ok(out)
}
