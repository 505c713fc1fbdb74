//! The six-monthly progress report for Scrutiny, gathered: the monitoring report of the year as at
//! the half's last period (and for H2 as at P6), each the snapshot when the period is closed, the programme's milestones, its benefits'
//! positions and its variance comments, put together by `domain::progress::build`.
//! `report progress` calls it.

use super::register::programme_id;
use crate::domain::Period;
use crate::domain::benefit::position;
use crate::domain::progress::{Half, ProgressComment, ProgressInput, ProgressReport, build};
use crate::error::Field;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::{self, StoreError, cabinet, figures};

/// The variance comments of programme `code` in the half's year (`build` keeps the half's
/// periods).
fn comments(books: &impl Sql, code: &str, half: Half) -> store::Result<Vec<ProgressComment>> {
    Ok(e::list_comments(books, Some(half.fy), None)?
        .into_iter()
        .filter(|c| c.programme_code == code)
        .map(|c| ProgressComment {
            phase_code: c.phase_code,
            fy: c.fy,
            period: c.period,
            text: c.text,
        })
        .collect())
}

/// The progress report of the programme with code `programme` for `half`.
pub fn progress(books: &impl Sql, programme: &str, half: Half) -> store::Result<ProgressReport> {
    let programme_id = programme_id(books, programme, Field::Programme)?;
    let found = e::list_programmes(books)?
        .into_iter()
        .find(|p| p.id == programme_id)
        .ok_or_else(|| {
            StoreError::Refused(format!("programme {programme} vanished while reading"))
        })?;
    // A closed period's report is its snapshot, so a closed half reads as it was reported: the
    // RAG thresholds kept with the half's last snapshot also rate its benefits.
    let (year, kept) =
        cabinet::report(books, half.fy, half.last_period(), Some(programme_id), None)?;
    let year = year.report;
    let first_half = if half.second {
        let p6 = Period::new(6).map_err(|err| StoreError::Refused(err.to_string()))?;
        Some(
            cabinet::report(books, half.fy, p6, Some(programme_id), None)?
                .0
                .report,
        )
    } else {
        None
    };
    let milestones = e::list_milestones(books, Some(programme_id), None)?;
    let thresholds = match kept {
        Some(info) => info.thresholds,
        None => figures::rag_thresholds(books)?,
    };
    let realisations = e::list_realisations(books, Some(programme_id), Some(half.fy))?;
    let benefits: Vec<_> = e::list_benefits(books, Some(programme_id), false)?
        .iter()
        .map(|b| position(b, half.fy, half.last_period(), &realisations, &thresholds))
        .filter(|p| p.has_figures())
        .collect();
    let input = ProgressInput {
        programme_code: &found.code,
        programme_name: &found.name,
        organisation: &found.organisation,
        half,
        year: &year,
        first_half: first_half.as_ref(),
        milestones: &milestones,
        benefits: &benefits,
    };
    Ok(build(&input, &comments(books, &found.code, half)?))
}
