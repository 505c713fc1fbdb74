//! Warnings, not silence (DOMAIN.md, "The life of a record"): an actual dated after today, or one
//! whose reference is on another actual with a different date or amount, is accepted with a
//! warning (refused under `--strict`). Run inside the write's transaction, after the rows are in.

use chrono::NaiveDate;

use super::common::iso;
use super::rows::{date_at, money_at, rows as collect};
use crate::domain::Money;
use crate::domain::calendar::uk_date;
use crate::sql_params as params;
use crate::store::Result;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};

pub use crate::store::today::today;

/// Which actuals to check: one by id, or every row of an import batch.
#[derive(Debug, Clone, Copy)]
pub enum WarnScope {
    Actual(i64),
    Batch(i64),
    /// Every row of import batch `batch`, just written in the caller's transaction after the
    /// actuals with ids up to `held_through`. The ids of its rows whose references may be held
    /// more than once are already in the temporary table `warn_id` (see [`RefFilter`](super::RefFilter),
    /// [`start_warn_ids`](super::start_warn_ids)); `latest` is its latest date.
    Prepared {
        batch: i64,
        held_through: i64,
        latest: Option<NaiveDate>,
    },
}

/// The warnings for the actuals in `scope`, each with the actual's id, in id order. On
/// PostgreSQL a `Prepared` scope after a ledger reads the references of the rows after
/// `held_through` through the index on references; with no ledger before it, only the rows in
/// `warn_id` are read.
pub fn actual_warnings(
    conn: &impl Sql,
    scope: WarnScope,
    today: NaiveDate,
) -> Result<Vec<(i64, String)>> {
    let (cond, key) = match scope {
        WarnScope::Actual(id) => ("a.id = ?1", id),
        WarnScope::Batch(b) => ("a.batch_id = ?1", b),
        // The batch's rows are the ones after `held_through`: a range of ids, not a scan.
        WarnScope::Prepared { held_through, .. } => ("a.id > ?1", held_through),
    };
    // A batch whose latest date is not after today has none after today: nothing to read.
    let none_late =
        matches!(scope, WarnScope::Prepared { latest, .. } if latest.is_none_or(|d| d <= today));
    let late = if none_late {
        Vec::new()
    } else {
        collect(
            conn,
            &format!(
                "SELECT a.id, a.date FROM actual a WHERE {cond} AND a.date > ?2 ORDER BY a.id"
            ),
            params![key, iso(today)],
            |r| Ok((r.get::<_, i64>(0)?, date_at(r, 1)?)),
        )?
    };
    let mut out = late
        .into_iter()
        .map(|(id, d)| (id, late_warning(d, today)))
        .collect::<Vec<_>>();
    // References of the scope held with more than one (date, amount), then the actuals holding
    // them, each found through the index on (non-blank) references: one actual costs a few
    // lookups whatever the ledger's size. For a batch, only the references it may hold more than
    // once are looked at (see `repeated_refs`).
    let sqlite = conn.as_sqlite();
    let held = match (scope, sqlite) {
        (WarnScope::Prepared { held_through, .. }, Some(c)) => {
            prepared_references(c, held_through)?
        }
        _ => {
            let refs = match (scope, sqlite) {
                (WarnScope::Batch(b), Some(c)) => {
                    super::repeated_refs::repeated_batch_references(c, b)?;
                    "SELECT reference FROM temp.warn_ref WHERE ?1 IS NOT NULL"
                }
                (WarnScope::Batch(_), None) => {
                    "SELECT DISTINCT a.reference FROM actual a WHERE a.batch_id = ?1 AND a.reference <> ''"
                }
                // The batch's references held twice in the batch, or (with a ledger before
                // it) also held before it: only those can be held with another date or amount.
                (WarnScope::Prepared { held_through, .. }, None) if held_through > 0 => {
                    "SELECT a.reference FROM actual a WHERE a.id > ?1 AND a.reference <> ''
                     GROUP BY a.reference HAVING count(*) > 1
                     UNION
                     SELECT DISTINCT a.reference FROM actual a WHERE a.id > ?1 AND a.reference <> ''
                       AND EXISTS (SELECT 1 FROM actual o WHERE o.reference = a.reference AND o.id <= ?1)"
                }
                // With no ledger before it, only the references of the rows in `warn_id` (those
                // the import met more than once, and a few by chance) can be held twice.
                (WarnScope::Prepared { .. }, None) => {
                    "SELECT DISTINCT a.reference FROM pg_temp.warn_id w JOIN actual a ON a.id = w.id
                     WHERE a.id > ?1 AND a.reference <> ''"
                }
                _ => {
                    "SELECT DISTINCT a.reference FROM actual a WHERE a.id = ?1 AND a.reference <> ''"
                }
            };
            // With no candidate the ledger need not be read.
            let none = match (scope, sqlite) {
                (WarnScope::Batch(_), Some(c)) => is_empty(c, "temp.warn_ref")?,
                (
                    WarnScope::Prepared {
                        held_through: 0, ..
                    },
                    None,
                ) => conn.query_row(
                    "SELECT NOT EXISTS (SELECT 1 FROM pg_temp.warn_id)",
                    [],
                    |r| r.get::<_, bool>(0),
                )?,
                _ => false,
            };
            // A server that has not yet gathered statistics on rows just loaded guesses that a
            // reference is held by thousands of actuals, and reads the whole ledger (3.7 s
            // after a million-line load) instead of looking up the few candidates by index:
            // it is told to look them up.
            let by_index = matches!(
                (scope, sqlite),
                (
                    WarnScope::Prepared {
                        held_through: 0,
                        ..
                    },
                    None
                )
            );
            if by_index && !none {
                conn.execute_batch(
                    "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off;
                     SET LOCAL enable_mergejoin = off",
                )?;
            }
            let held = if none {
                Vec::new()
            } else {
                collect(
                    conn,
                    &format!(
                        "WITH refs AS ({refs}),
                         mixed AS (SELECT x.reference FROM actual x JOIN refs ON refs.reference = x.reference
                                   WHERE x.reference <> '' GROUP BY x.reference
                                   HAVING count(DISTINCT x.date || '|' || x.amount_pence) > 1)
                         SELECT x.id, x.reference, x.date, x.amount_pence, x.batch_id FROM actual x
                         JOIN mixed ON mixed.reference = x.reference WHERE x.reference <> ''
                         ORDER BY x.reference, x.id"
                    ),
                    [key],
                    held_row,
                )?
            };
            if let (WarnScope::Batch(_), Some(c)) = (scope, sqlite) {
                c.execute_batch("DROP TABLE temp.warn_ref")?;
            }
            if by_index && !none {
                conn.execute_batch(
                    "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_hashjoin TO DEFAULT;
                     SET LOCAL enable_mergejoin TO DEFAULT",
                )?;
            }
            held
        }
    };
    let in_scope = |id: i64, batch: Option<i64>| match scope {
        WarnScope::Actual(a) => a == id,
        WarnScope::Batch(b) | WarnScope::Prepared { batch: b, .. } => batch == Some(b),
    };
    // `held` is in reference order: each group holds at least two (date, amount)s, so the first
    // that differs is found within the first two distinct ones of the group.
    for group in held.chunk_by(|a, b| a.1 == b.1) {
        let first = &group[0];
        let second = group.iter().find(|o| o.2 != first.2 || o.3 != first.3);
        for (id, reference, date, amount, batch) in group.iter().filter(|h| in_scope(h.0, h.4)) {
            // The first other actual with the same reference and another date or amount.
            let differs = |o: &&(i64, String, NaiveDate, Money, Option<i64>)| {
                o.0 != *id && (o.2 != *date || o.3 != *amount)
            };
            let Some((other, _, d, m, _)) = Some(first).filter(differs).or(second.filter(differs))
            else {
                continue;
            };
            let _ = batch;
            out.push((*id, reference_warning(reference, *other, *d, *m)));
        }
    }
    out.sort_by_key(|(id, _)| *id);
    Ok(out)
}

/// The warning on an actual dated `date`, after `today`.
fn late_warning(date: NaiveDate, today: NaiveDate) -> String {
    format!(
        "dated {} is after today ({}): is the date right?",
        uk_date(date),
        uk_date(today)
    )
}

/// The warning on an actual whose `reference` is also on actual `other`, dated `date` for
/// `amount`.
fn reference_warning(reference: &str, other: i64, date: NaiveDate, amount: Money) -> String {
    format!(
        "reference '{reference}' is also on actual {other} dated {} for {}: \
         another date or amount (a duplicate?)",
        uk_date(date),
        amount.full()
    )
}

/// The warnings an actual `a` would be given, read before it is written (so that one refused
/// under `--strict` takes nothing, not even an id from PostgreSQL's sequence): its date after
/// `today`, and the first actual (by id) holding its reference with another date or amount,
/// the one [`actual_warnings`] names once it is in.
pub fn new_actual_warnings(
    conn: &impl Sql,
    a: &super::NewActual,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if a.date > today {
        out.push(late_warning(a.date, today));
    }
    if !a.reference.is_empty() {
        let other = conn
            .query_row(
                "SELECT x.id, x.date, x.amount_pence FROM actual x
                 WHERE x.reference = ?1 AND x.reference <> '' AND (x.date <> ?2 OR x.amount_pence <> ?3)
                 ORDER BY x.id LIMIT 1",
                params![a.reference.as_str(), iso(a.date), a.amount.pence()],
                |r| Ok((r.get::<_, i64>(0)?, date_at(r, 1)?, money_at(r, 2)?)),
            )
            .optional()?;
        if let Some((other, d, m)) = other {
            out.push(reference_warning(&a.reference, other, d, m));
        }
    }
    Ok(out)
}

/// True when `table` (a temporary table of candidates) has no row.
fn is_empty(conn: &rusqlite::Connection, table: &str) -> Result<bool> {
    let sql = format!("SELECT NOT EXISTS (SELECT 1 FROM {table})");
    Ok(conn.query_row(&sql, [], |r| r.get::<_, bool>(0))?)
}

/// An actual holding a reference: (id, reference, date, amount, batch).
type Held = (i64, String, NaiveDate, Money, Option<i64>);

fn held_row(r: &Row<'_>) -> DbResult<Held> {
    Ok((
        r.get::<_, i64>(0)?,
        r.get::<_, String>(1)?,
        date_at(r, 2)?,
        money_at(r, 3)?,
        r.get::<_, Option<i64>>(4)?,
    ))
}

/// The actuals holding a reference of the batch just written that is held with more than one
/// (date, amount), in (reference, id) order. Every row of the batch holding a candidate reference
/// is in `temp.warn_id` (they share its hash), so only those rows and the actuals of the ledger
/// before the batch (ids up to `held_through`) holding their references, through the index, are
/// read: with no candidate, nothing is; never the whole batch nor the whole ledger. The
/// candidates lead the join (`CROSS JOIN` keeps that order): without statistics on the new
/// temporary table, SQLite otherwise walked every actual by the reference index to probe them.
fn prepared_references(conn: &rusqlite::Connection, held_through: i64) -> Result<Vec<Held>> {
    let held = if is_empty(conn, "temp.warn_id")? {
        Vec::new()
    } else {
        collect(
            conn,
            "WITH batch AS (SELECT x.id, x.reference, x.date, x.amount_pence, x.batch_id
                            FROM temp.warn_id w CROSS JOIN main.actual x ON x.id = w.id
                            WHERE x.reference <> ''),
                  pool AS (SELECT * FROM batch
                           UNION ALL
                           SELECT x.id, x.reference, x.date, x.amount_pence, x.batch_id
                           FROM main.actual x
                           WHERE +x.id <= ?1 AND x.reference <> ''
                             AND x.reference IN (SELECT reference FROM batch)),
                  mixed AS (SELECT reference FROM pool GROUP BY reference
                            HAVING count(DISTINCT date || '|' || amount_pence) > 1)
             SELECT p.id, p.reference, p.date, p.amount_pence, p.batch_id FROM pool p
             JOIN mixed ON mixed.reference = p.reference ORDER BY p.reference, p.id",
            [held_through],
            held_row,
        )?
    };
    conn.execute_batch("DROP TABLE temp.warn_id")?;
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{date, db_with_phase};

    #[test]
    fn future_dates_and_references_on_another_date_or_amount_are_warned() {
        let (conn, a) = db_with_phase();
        conn.execute_batch(&format!(
            "INSERT INTO actual(id, phase_id, date, fy, period, reference, amount_pence) VALUES
               (1, {a}, '2025-05-01', 2025, 2, 'INV-1', 1000),
               (2, {a}, '2025-05-01', 2025, 2, 'INV-1', 1000),
               (3, {a}, '2025-06-01', 2025, 3, 'INV-1', 1000),
               (4, {a}, '2025-12-01', 2025, 9, '', 500);"
        ))
        .unwrap();
        let today = date("2025-11-30");
        // Actual 2 repeats actual 1 exactly (same date and amount): that is the import's
        // duplicate rule, not this warning; actual 3 has INV-1 on another date.
        let got = actual_warnings(&conn, WarnScope::Actual(3), today).unwrap();
        assert_eq!(
            got,
            [(
                3,
                "reference 'INV-1' is also on actual 1 dated 01/05/2025 for £10.00: another date or amount (a duplicate?)".to_string()
            )]
        );
        let got = actual_warnings(&conn, WarnScope::Actual(4), today).unwrap();
        assert_eq!(
            got,
            [(
                4,
                "dated 01/12/2025 is after today (30/11/2025): is the date right?".to_string()
            )]
        );
    }
}
