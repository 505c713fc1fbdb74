//! The batch an import writes: the running tally of its rows, refusing a file imported before,
//! finishing the batch (its rows and total, ONE audit event with its summary, the commit), and
//! listing and undoing batches. The SQL is the store's (`store::batches`); this module only says
//! what an import records.

use crate::store::Handle;
use crate::store::HandleMut;
use crate::store::engine::sql::Sql;
use std::collections::HashMap;

use crate::store::Tx;
use serde::Serialize;

use super::problems::ImportError;
use crate::domain::{FinancialYear, Money};
use crate::store::batches::{self, Batch};
use crate::store::capture::Image;
use crate::store::{self, StoreError, audit};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// The batch written; `None` in a dry run.
    pub batch_id: Option<i64>,
    /// Rows imported (after leaving out skipped duplicates).
    pub rows: u64,
    /// Sum of the rows imported.
    pub total: Money,
    /// Rows left out because they match an actual already held (`--skip-duplicates`).
    pub skipped_duplicates: u64,
    /// Phases created (`--create-missing`, budgets only).
    pub created_phases: u64,
    /// Rows and total per financial year and `programme/phase`, by year then phase.
    pub by_fy_phase: Vec<(FinancialYear, String, u64, Money)>,
    /// The file's name (without its folder), as recorded in the batch.
    pub file_name: String,
    /// How the file was read: `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    /// True when the encoding was detected as Windows-1252 because the bytes are not UTF-8.
    pub encoding_detected: bool,
    /// True when nothing was written.
    pub dry_run: bool,
    /// Rows accepted with a warning (dated after today, a reference on another date or amount),
    /// each as `line N: ...`.
    pub warnings: Vec<String>,
}

/// Adds up rows and pence per (FY, key).
pub(super) struct Tally<K> {
    pub(super) rows: u64,
    pence: i128,
    by: HashMap<(FinancialYear, K), (u64, i128)>,
}

impl<K: std::hash::Hash + Eq + Clone> Tally<K> {
    pub(super) fn new() -> Self {
        Tally {
            rows: 0,
            pence: 0,
            by: HashMap::new(),
        }
    }

    pub(super) fn add(&mut self, fy: FinancialYear, key: &K, pence: i64, sign: i64) {
        self.add_rows(fy, key, sign, i128::from(pence) * i128::from(sign));
    }

    /// Adds `rows` rows (negative to take away) whose amounts sum to `pence`.
    pub(super) fn add_rows(&mut self, fy: FinancialYear, key: &K, rows: i64, pence: i128) {
        self.rows = self.rows.wrapping_add_signed(rows);
        self.pence += pence;
        let e = self.by.entry((fy, key.clone())).or_insert((0, 0));
        e.0 = e.0.wrapping_add_signed(rows);
        e.1 += pence;
    }

    fn money(p: i128) -> Money {
        Money::from_pence(i64::try_from(p).unwrap_or(if p < 0 { i64::MIN } else { i64::MAX }))
    }

    pub(super) fn total(&self) -> Money {
        Self::money(self.pence)
    }

    fn by_fy_phase(
        &self,
        label: impl Fn(&K) -> String,
    ) -> Vec<(FinancialYear, String, u64, Money)> {
        let mut out: Vec<_> = self
            .by
            .iter()
            .filter(|(_, (rows, _))| *rows > 0)
            .map(|((fy, k), (rows, p))| (*fy, label(k), *rows, Self::money(*p)))
            .collect();
        out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        out
    }

    /// What importing these rows from `file_name`, read as `encoding`, did: no duplicates
    /// skipped, no phases created, and written (see [`finish`]).
    pub(super) fn outcome(
        &self,
        label: impl Fn(&K) -> String,
        file_name: String,
        encoding: &'static str,
        encoding_detected: bool,
    ) -> ImportOutcome {
        ImportOutcome {
            batch_id: None,
            rows: self.rows,
            total: self.total(),
            skipped_duplicates: 0,
            created_phases: 0,
            by_fy_phase: self.by_fy_phase(label),
            file_name,
            encoding,
            encoding_detected,
            dry_run: false,
            warnings: Vec::new(),
        }
    }
}

/// The batch summary written to the audit log.
#[derive(Serialize)]
struct BatchSummary<'a> {
    batch: &'a Batch,
    encoding: &'static str,
    skipped_duplicates: u64,
    created_phases: u64,
    by_fy_phase: Vec<FyPhaseLine<'a>>,
}

#[derive(Serialize)]
struct FyPhaseLine<'a> {
    fy: FinancialYear,
    phase: &'a str,
    rows: u64,
    total: Money,
}

fn record_batch(
    conn: &impl Sql,
    batch_id: i64,
    outcome: &ImportOutcome,
    digest: Option<Image>,
) -> Result<(), StoreError> {
    let batch = batches::get_batch(conn, batch_id)?;
    let summary = BatchSummary {
        batch: &batch,
        encoding: outcome.encoding,
        skipped_duplicates: outcome.skipped_duplicates,
        created_phases: outcome.created_phases,
        by_fy_phase: outcome
            .by_fy_phase
            .iter()
            .map(|(fy, phase, rows, total)| FyPhaseLine {
                fy: *fy,
                phase,
                rows: *rows,
                total: *total,
            })
            .collect(),
    };
    // An import of actuals is replayed from its rows' count and SHA-256 (see `store::replay`):
    // built as the rows were written, or else read back now.
    let digest = match digest {
        Some(d) => vec![d],
        None if batch.kind == batches::BatchKind::Actuals.as_str() => {
            vec![store::actual_digest::batch_digest_of(conn, batch_id)?]
        }
        None => Vec::new(),
    };
    audit::record_with(
        conn,
        "import",
        "import_batch",
        Some(batch_id),
        None::<&()>,
        Some(&summary),
        digest,
    )?;
    Ok(())
}

/// Finishes batch `batch_id` of an import that did `outcome`: sets its rows and total, records
/// its audit event, and commits unless `dry_run`.
pub(super) fn finish(
    tx: Tx<'_>,
    batch_id: i64,
    outcome: ImportOutcome,
    dry_run: bool,
) -> Result<ImportOutcome, ImportError> {
    finish_digested(tx, batch_id, outcome, dry_run, None)
}

/// [`finish`], with the digest of the batch's actuals built as they were written (`None`: read
/// the batch back for it).
pub(super) fn finish_digested(
    tx: Tx<'_>,
    batch_id: i64,
    mut outcome: ImportOutcome,
    dry_run: bool,
    digest: Option<Image>,
) -> Result<ImportOutcome, ImportError> {
    finish_in(&tx, batch_id, &mut outcome, dry_run, digest)?;
    if !dry_run {
        tx.commit()?;
    }
    Ok(outcome)
}

/// [`finish_digested`] inside a transaction the caller commits (or, for a dry run, rolls back).
pub(super) fn finish_in(
    tx: &impl Sql,
    batch_id: i64,
    outcome: &mut ImportOutcome,
    dry_run: bool,
    digest: Option<Image>,
) -> Result<(), ImportError> {
    batches::finish_batch(tx, batch_id, outcome.rows, outcome.total)?;
    record_batch(tx, batch_id, outcome, digest)?;
    outcome.batch_id = (!dry_run).then_some(batch_id);
    outcome.dry_run = dry_run;
    Ok(())
}

/// Refuses a file whose bytes were imported before (and not undone).
pub(super) fn refuse_reimport(conn: &impl Sql, sha256: &str) -> Result<(), ImportError> {
    match batches::active_batch_with_sha(conn, sha256)? {
        Some(batch) => Err(ImportError::AlreadyImported {
            batch: Box::new(batch),
        }),
        None => Ok(()),
    }
}

/// Every import batch, oldest first.
pub fn list_batches(conn: &impl Handle) -> Result<Vec<Batch>, StoreError> {
    let conn = conn.books();
    batches::list_batches(conn)
}

/// Undoes a batch in one transaction (its actuals or allocations removed, one audit event).
/// Refused when any of its rows is in a closed period or the batch is already undone.
pub fn undo_batch(conn: &mut impl HandleMut, batch_id: i64) -> Result<Batch, ImportError> {
    let conn = conn.books_mut();
    let tx = conn.begin()?;
    let batch = batches::undo(&tx, batch_id)?;
    tx.commit()?;
    Ok(batch)
}
