//! The rows of an actuals import already in the ledger: refused, listed by line, or left out
//! with `--skip-duplicates`, in flat memory however many there are.

use super::batches::Tally;
use super::lines::LineLog;
use super::problems::{ImportError, MAX_LISTED, RowProblem};
use crate::domain::FinancialYear;
use crate::domain::calendar::uk_date;
use crate::store::batches;

/// Finds the rows of batch `batch_id` that are already in the ledger (actuals up to
/// `held_through`). Refuses the file listing the first [`MAX_LISTED`] in file order and counting
/// the rest, or with `--skip-duplicates` deletes them from the batch and its tally and returns how
/// many. Memory stays flat however many there are: they are streamed in id order, and only the
/// [`MAX_LISTED`] with the lowest lines are kept.
pub(super) fn duplicates(
    tx: &impl crate::store::engine::sql::Sql,
    batch_id: i64,
    held_through: i64,
    skip_duplicates: bool,
    written: &mut LineLog,
    tally: &mut Tally<i64>,
    phase_label: &dyn Fn(i64) -> String,
) -> Result<u64, ImportError> {
    let mut count = 0u64;
    if skip_duplicates {
        batches::each_duplicate_of_batch(tx, batch_id, held_through, &mut |d| {
            batches::delete_actual_rows(tx, &[d.new_id])?;
            let fy = FinancialYear::containing(d.date);
            tally.add(fy, &d.phase_id, d.amount.pence(), -1);
            count += 1;
            Ok(())
        })?;
        return Ok(count);
    }
    let mut look = written.lookup()?;
    // The duplicates with the lowest lines so far, trimmed to MAX_LISTED now and then.
    let mut lowest: Vec<(u64, batches::DuplicateActual)> = Vec::new();
    let mut failed = None;
    batches::each_duplicate_of_batch(tx, batch_id, held_through, &mut |d| {
        count += 1;
        match look.line_of(d.new_id) {
            Ok(line) => lowest.push((line, d)),
            Err(e) => failed = Some(e),
        }
        if lowest.len() >= 4 * MAX_LISTED {
            lowest.sort_by_key(|(line, _)| *line);
            lowest.truncate(MAX_LISTED);
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if count == 0 {
        return Ok(0);
    }
    lowest.sort_by_key(|(line, _)| *line);
    lowest.truncate(MAX_LISTED);
    let problems: Vec<RowProblem> = lowest
        .into_iter()
        .map(|(line, d)| RowProblem {
            line,
            column: "Reference".to_string(),
            message: format!(
                "'{}' dated {} for {} on {} is already in the ledger (actual {}): leave it out, or \
                 import with --skip-duplicates",
                d.reference,
                uk_date(d.date),
                d.amount.full(),
                phase_label(d.phase_id),
                d.existing_id
            ),
        })
        .collect();
    let more = usize::try_from(count).unwrap_or(usize::MAX) - problems.len();
    Err(ImportError::Duplicates { problems, more })
}
