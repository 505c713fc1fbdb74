//! `outturn summary`: per programme, phase and FY, the approved budget, pending approval,
//! committed, actual and headroom, with the approved funding, the funding gap and (beside it,
//! never in it) projected funding.

use std::path::Path;
use std::process::ExitCode;

use super::args::{fy_arg, open};
use super::output::{Cell, Table};
use crate::domain::report::RowKind;
use crate::domain::{Money, Period};
use crate::store::{self, entities as e};

/// The summary: for each FY (or the one asked for), each phase with figures: approved budget
/// (revised at year end), pending approval, committed (at year end), actual (whole year), headroom.
pub fn run(db: &Path, fy: Option<&str>, programme: Option<&str>) -> anyhow::Result<ExitCode> {
    let conn = open(db)?;
    let years = match fy {
        Some(s) => vec![fy_arg("--fy", s)?],
        None => store::figures::years_with_figures(&conn)?,
    };
    let pid = programme.map(|p| e::programme_id(&conn, p)).transpose()?;
    let mut t = Table::new(&[
        "FY",
        "Programme",
        "Phase",
        "Name",
        "Approved budget",
        "Pending approval",
        "Committed",
        "Actual",
        "Headroom",
        "Profile",
        "Approved funding",
        "Funding gap",
        "Projected funding",
    ]);
    let allocations = e::list_allocations(&conn, pid, None)?;
    for year in years {
        let report = store::figures::report(&conn, year, Period::LAST, pid)?;
        let financing = store::financing::statement(&conn, year, Period::LAST, pid)?;
        // Total rows add up the phase rows shown (a phase with funding but no other figure in
        // the year has no row here).
        let mut totals = (Money::ZERO, Money::ZERO, Money::ZERO);
        let mut grand = totals;
        for r in &report.rows {
            let (funding, gap, projected) = match r.kind {
                RowKind::Phase => {
                    let (f, p) = financing
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
            let assumed = r.kind == RowKind::Phase
                && allocations.iter().any(|a| {
                    a.profile_assumed
                        && a.programme_code == r.programme_code
                        && a.phase_code == r.phase_code
                        && a.first_fy <= year
                        && a.last_fy >= year
                });
            t.push(vec![
                year.label().into(),
                r.programme_code.as_str().into(),
                r.phase_code.as_str().into(),
                r.phase_name.as_str().into(),
                Cell::Num(r.revised.full()),
                Cell::Num(r.pending.full()),
                Cell::Num(r.commitments.full()),
                Cell::Num(r.actual_to_date.full()),
                Cell::Num(r.headroom.bracketed()),
                if assumed { "assumed" } else { "" }.into(),
                Cell::Num(funding.full()),
                Cell::Num(gap.bracketed()),
                Cell::Num(projected.full()),
            ]);
        }
    }
    t.write_text(&mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
