//! `outturn summary`: per programme, phase and FY, the approved budget, pending approval,
//! committed, actual and headroom, with the approved funding, the funding gap and (beside it,
//! never in it) projected funding, as `ops::summary` gives them.

use std::path::Path;
use std::process::ExitCode;

use super::args::{fy_arg, open};
use super::output::{Cell, Table};

/// The summary: for each FY (or the one asked for), each phase with figures: approved budget
/// (revised at year end), pending approval, committed (at year end), actual (whole year), headroom.
pub fn run(db: &Path, fy: Option<&str>, programme: Option<&str>) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, fy, programme)
}

/// The summary, on books on either engine (a file or a server).
pub fn shared(
    books: &mut impl crate::ops::Store,
    fy: Option<&str>,
    programme: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let fy = fy.map(|s| fy_arg("--fy", s)).transpose()?;
    let rows = crate::ops::summary::summary(books, fy, programme)?;
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
    for r in rows {
        t.push(vec![
            r.fy.label().into(),
            r.programme_code.as_str().into(),
            r.phase_code.as_str().into(),
            r.phase_name.as_str().into(),
            Cell::Num(r.revised.full()),
            Cell::Num(r.pending.full()),
            Cell::Num(r.commitments.full()),
            Cell::Num(r.actual.full()),
            Cell::Num(r.headroom.bracketed()),
            if r.profile_assumed { "assumed" } else { "" }.into(),
            Cell::Num(r.funding.full()),
            Cell::Num(r.funding_gap.bracketed()),
            Cell::Num(r.projected.full()),
        ]);
    }
    t.write_text(&mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
