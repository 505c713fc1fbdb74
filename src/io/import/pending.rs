//! Checked ledger rows waiting to be written, in chunks that bound the memory held, and writing
//! a chunk in (phase, date) order while summing what it wrote.

use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use super::batches::Tally;
use super::lines::LineLog;
use super::problems::ImportError;
use crate::domain::{FinancialYear, Period};
use crate::store::actual_digest::ActualDigest;
use crate::store::batches::ActualTotals;
use crate::store::entities as e;

/// Checked ledger rows are written in chunks of at most this many bytes of text (supplier,
/// description and reference), or the `max_rows` given to [`Pending::is_full`].
pub(super) const CHUNK_TEXT_BYTES: usize = 8 << 20;
/// A checked ledger row held in [`Pending`]; its text is in the chunk's buffer.
pub(super) struct PendingActual {
    phase_id: i64,
    date: NaiveDate,
    line: u64,
    contract_id: Option<i64>,
    pence: i64,
    /// Where its supplier, description and reference start in the buffer, and their lengths.
    text: usize,
    lens: [usize; 3],
}

/// Checked ledger rows waiting to be written. A chunk is written in (phase, date) order, not file
/// order: SQLite then builds or extends the `(phase_id, date)` and `(date)` indexes from
/// nearly sorted keys, several times faster than from a file in random order, and a phase's
/// actuals lie together in the table. The chunk size bounds the memory held.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) rows: Vec<PendingActual>,
    text: String,
    /// The ids the rows were written as, in the same order (see [`Pending::write`]).
    ids: Vec<i64>,
}

/// What is noted of each row as it is written: its (id, line, reference hash), its image for
/// the batch's audit digest, and its reference for the warnings.
pub(super) struct Noted {
    pub(super) written: LineLog,
    pub(super) digest: ActualDigest,
    pub(super) refs: e::RefFilter,
    /// The latest date written (for the warning on a date after today).
    pub(super) latest: Option<NaiveDate>,
}

/// The totals of a run of written rows that share (FY, phase, period, contract).
struct Run {
    fy: FinancialYear,
    phase_id: i64,
    period: u8,
    contract_id: i64,
    rows: i64,
    pence: i128,
}

impl Pending {
    pub(super) fn push(&mut self, line: u64, row: &e::NewActual) {
        let text = self.text.len();
        let lens = [
            row.supplier.len(),
            row.description.len(),
            row.reference.len(),
        ];
        for s in [&row.supplier, &row.description, &row.reference] {
            self.text.push_str(s);
        }
        self.rows.push(PendingActual {
            phase_id: row.phase_id,
            date: row.date,
            line,
            contract_id: row.contract_id,
            pence: row.amount.pence(),
            text,
            lens,
        });
    }

    /// Puts the rows in the order they are written: (phase, date, line).
    pub(super) fn sort(&mut self) {
        self.rows
            .sort_unstable_by_key(|r| (r.phase_id, r.date, r.line));
    }

    pub(super) fn is_full(&self, max_rows: usize) -> bool {
        self.rows.len() >= max_rows || self.text.len() >= CHUNK_TEXT_BYTES
    }

    /// Inserts the held rows in their order (see [`Pending::sort`]), keeping their ids for
    /// [`Pending::note`]. Only the insert runs here, on the thread that holds the transaction;
    /// what is noted of each row is done on another.
    pub(super) fn write(&mut self, conn: &impl Sql, batch_id: i64) -> Result<(), ImportError> {
        let mut ids = std::mem::take(&mut self.ids);
        let rows = self.rows.iter().map(|r| self.fields(r));
        let written = e::write_actual_rows(conn, self.rows.len(), rows, batch_id, &mut ids);
        self.ids = ids;
        Ok(written?)
    }

    /// The columns of held row `r`, as written.
    fn fields<'a>(&'a self, r: &PendingActual) -> e::ActualFields<'a> {
        let [a, b, c] = r.lens;
        e::ActualFields {
            phase_id: r.phase_id,
            contract_id: r.contract_id,
            date: r.date,
            supplier: &self.text[r.text..r.text + a],
            description: &self.text[r.text + a..r.text + a + b],
            reference: &self.text[r.text + a + b..r.text + a + b + c],
            amount_pence: r.pence,
        }
    }

    /// Notes each row written by [`Pending::write`] (with its id) in `noted`, adds them to
    /// `tally` and, when the totals trigger is suspended, to `totals`; then empties the chunk.
    pub(super) fn note(
        &mut self,
        batch_id: i64,
        noted: &mut Noted,
        tally: &mut Tally<i64>,
        mut totals: Option<&mut ActualTotals>,
    ) -> Result<(), ImportError> {
        let mut run: Option<Run> = None;
        let mut close = |run: Run| {
            tally.add_rows(run.fy, &run.phase_id, run.rows, run.pence);
            if let Some(totals) = totals.as_deref_mut() {
                let key = (
                    run.fy.start_year(),
                    run.phase_id,
                    run.period,
                    run.contract_id,
                );
                let t = totals.entry(key).or_insert((0, 0));
                t.0 += run.pence;
                t.1 += run.rows;
            }
        };
        for (r, &id) in self.rows.iter().zip(&self.ids) {
            let fields = self.fields(r);
            let Noted {
                written,
                digest,
                refs,
                latest,
            } = &mut *noted;
            if latest.is_none_or(|d| d < r.date) {
                *latest = Some(r.date);
            }
            digest.add(id, &fields, batch_id);
            let hash = if fields.reference.is_empty() {
                0
            } else {
                let h = refs.hash(fields.reference);
                refs.note(h);
                h
            };
            written.push(id, r.line, hash)?;
            let fy = FinancialYear::containing(r.date);
            let period = Period::of_date(r.date).number();
            let contract_id = r.contract_id.unwrap_or(0);
            match &mut run {
                Some(t)
                    if t.fy == fy
                        && t.phase_id == r.phase_id
                        && t.period == period
                        && t.contract_id == contract_id =>
                {
                    t.rows += 1;
                    t.pence += i128::from(r.pence);
                }
                _ => {
                    if let Some(done) = run.replace(Run {
                        fy,
                        phase_id: r.phase_id,
                        period,
                        contract_id,
                        rows: 1,
                        pence: i128::from(r.pence),
                    }) {
                        close(done);
                    }
                }
            }
        }
        if let Some(done) = run {
            close(done);
        }
        self.rows.clear();
        self.text.clear();
        self.ids.clear();
        Ok(())
    }
}
