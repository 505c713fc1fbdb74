//! What the TUI's reload of the actuals list needs after another process's change, so that it
//! costs milliseconds at ten million actuals: where a row stands in the date order without
//! counting the year row by row (the running totals count the whole periods before it), and
//! which actuals changed since the ids of a sorted list were read (from the audit log, which
//! records every change in the same transaction), so that the list is mended instead of read
//! again.

use super::engine::sql::{Optional, Sql};
use chrono::NaiveDate;

use super::Result;
use super::browse::{filter_sql, order_column, totals_sql, v};
use super::entities::{ActualFilter, ActualOrder, ActualSort, iso};
use crate::domain::{FinancialYear, Period};

/// How many actuals the filter selects that come before `(date, id)` in the ascending date
/// order (date, then id). Without a supplier or text filter: the running totals of the periods
/// before the date's period, plus the rows of its period before the key (or, past the middle of
/// the period, the totals to its end less the rows from the key on): half a period's index range
/// at most, never the year's. With one: the matching rows before the key, counted.
pub fn count_before_date(
    conn: &impl Sql,
    f: &ActualFilter,
    date: NaiveDate,
    id: i64,
) -> Result<u64> {
    let by_text = f.supplier.as_ref().is_some_and(|s| !s.is_empty())
        || f.text.as_ref().is_some_and(|s| !s.is_empty());
    let (fy, period) = (FinancialYear::containing(date), Period::of_date(date));
    let (first, last) = (fy.period_start(period), fy.period_end(period));
    let late = !by_text && date > first + (last - first) / 2;
    let mut whole = 0i64;
    if !by_text {
        let (sql, mut tp) = totals_sql(f);
        tp.push(v(fy.start_year()));
        tp.push(v(period.number()));
        let (a, b) = (tp.len() - 1, tp.len());
        let op = if late { "<=" } else { "<" };
        let sql = format!("{sql} AND (t.fy < ?{a} OR (t.fy = ?{a} AND t.period {op} ?{b}))");
        whole = conn.query_row(&sql, tp, |r| r.get(0))?;
    }
    let (cond, mut params) = filter_sql(f, conn.engine())?;
    params.push(v(iso(date)));
    let d = params.len();
    params.push(v(id));
    let i = params.len();
    // The bounds of the range first: SQLite seeks the date index on the first bound it meets.
    let range = if late {
        params.push(v(iso(last)));
        format!(
            "a.date >= ?{d} AND a.date <= ?{} AND (a.date, a.id) >= (?{d}, ?{i})",
            params.len()
        )
    } else if by_text {
        format!("a.date <= ?{d} AND (a.date, a.id) < (?{d}, ?{i})")
    } else {
        params.push(v(iso(first)));
        format!(
            "a.date >= ?{} AND a.date <= ?{d} AND (a.date, a.id) < (?{d}, ?{i})",
            params.len()
        )
    };
    let sql = format!("SELECT count(*) FROM actual a WHERE {range} AND {cond}");
    let rows: i64 = conn.query_row(&sql, params, |r| r.get(0))?;
    let before = if late { whole - rows } else { whole + rows };
    Ok(before.max(0) as u64)
}

/// Where the audit log stands: its last event's id and hash (`(0, "")` when it is empty). The
/// hash chains every event before it, so an equal mark is the same history.
pub type AuditMark = (i64, String);

/// The audit log's last event now.
pub fn audit_mark(conn: &impl Sql) -> Result<AuditMark> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, String::new())))
}

/// Records whose changes can neither change an actual nor which programme a phase is in: the
/// order and the membership of a list of actuals stand whatever they record.
const LEAVE_ACTUALS: &[&str] = &[
    "allocation",
    "benefit",
    "benefit_realisation",
    "budget_change",
    "comment",
    "decision",
    "forecast",
    "framework",
    "funding",
    "milestone",
    "period",
    "setting",
    "snapshot",
];

/// More events than this since the mark: reading the list again is as cheap as mending it.
const MEND_AT_MOST: i64 = 1000;

/// The actuals changed (added, edited or deleted, one event each) by the events after `mark`, and
/// the mark now; None when the log no longer holds the mark (another database, a restore) or an
/// event after it may have changed actuals in bulk or moved a phase (an import or its undo, a
/// phase, programme or contract record, anything not known to leave actuals alone).
pub fn actuals_changed_since(
    conn: &impl Sql,
    mark: &AuditMark,
) -> Result<Option<(Vec<i64>, AuditMark)>> {
    let now = audit_mark(conn)?;
    if mark.0 > 0 {
        let hash: Option<String> = conn
            .query_row("SELECT hash FROM audit WHERE id = ?1", [mark.0], |r| {
                r.get(0)
            })
            .optional()?;
        if hash.as_deref() != Some(mark.1.as_str()) {
            return Ok(None);
        }
    }
    if now.0 < mark.0 || now.0 - mark.0 > MEND_AT_MOST {
        return Ok(None);
    }
    let rows = conn.query_map(
        "SELECT entity, entity_id FROM audit WHERE id > ?1 AND id <= ?2",
        [mark.0, now.0],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)),
    )?;
    let mut ids = Vec::new();
    for r in rows {
        match r {
            (entity, Some(id)) if entity == "actual" => ids.push(id),
            (entity, _) if LEAVE_ACTUALS.contains(&entity.as_str()) => {}
            _ => return Ok(None),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some((ids, now)))
}

/// The value an actual sorts by in an order without an index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// Pence (the amount order).
    Amount(i64),
    /// The supplier's text, compared byte by byte as SQLite's BINARY collation does.
    Text(String),
}

/// The sort key of actual `id` in `sort` (None when it is gone).
pub fn sort_key(conn: &impl Sql, sort: ActualSort, id: i64) -> Result<Option<SortKey>> {
    let col = order_column(sort).trim_start_matches("a.");
    Ok(conn
        .query_row(
            &format!("SELECT {col} FROM actual WHERE id = ?1"),
            [id],
            |r| {
                Ok(match sort.by {
                    ActualOrder::Supplier => SortKey::Text(r.get(0)?),
                    ActualOrder::Amount | ActualOrder::Date => SortKey::Amount(r.get(0)?),
                })
            },
        )
        .optional()?)
}

/// Which of `ids` the filter selects now (in the database and matching it).
pub fn selected(conn: &impl Sql, f: &ActualFilter, ids: &[i64]) -> Result<Vec<i64>> {
    let (cond, mut params) = filter_sql(f, conn.engine())?;
    params.push(v(0i64));
    let n = params.len();
    let sql = format!("SELECT EXISTS (SELECT 1 FROM actual a WHERE {cond} AND a.id = ?{n})");
    let mut out = Vec::new();
    for id in ids {
        params[n - 1] = v(*id);
        if conn.query_row(&sql, params.clone(), |r| r.get::<_, bool>(0))? {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Mends `ids` (every actual the filter selected, in its order, when they were read) for the
/// actuals `changed` since (sorted): each is taken out, and put back where its key now places it
/// when the filter still selects it. Nothing else changed the other rows, so the list stays in
/// order and a binary search finds each place (about 23 lookups by id in two million). False
/// when a row of the list is gone all the same (the list must be read again).
pub fn mend_sorted_ids(
    conn: &impl Sql,
    f: &ActualFilter,
    ids: &mut Vec<i64>,
    changed: &[i64],
) -> Result<bool> {
    if changed.is_empty() {
        return Ok(true);
    }
    ids.retain(|id| changed.binary_search(id).is_err());
    for id in selected(conn, f, changed)? {
        let Some(key) = sort_key(conn, f.sort, id)? else {
            continue;
        };
        let me = (key, id);
        // The first place whose row comes after this one in the order.
        let (mut lo, mut hi) = (0, ids.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let Some(k) = sort_key(conn, f.sort, ids[mid])? else {
                return Ok(false);
            };
            let other = (k, ids[mid]);
            let before = if f.sort.desc { other > me } else { other < me };
            if before {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        ids.insert(lo, id);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::model::DeliveryStatus;
    use crate::store::browse::{count_actuals, sorted_ids};
    use crate::store::entities::{self as e, ActualEdit, NewActual};
    use crate::store::open_in_memory;
    use rusqlite::Connection;

    /// 2022-23's actuals by amount and by supplier, each ascending and descending.
    fn sorted_2022_filters() -> Vec<ActualFilter> {
        [ActualOrder::Amount, ActualOrder::Supplier]
            .into_iter()
            .flat_map(|by| [false, true].map(|desc| (by, desc)))
            .map(|(by, desc)| ActualFilter {
                fy: Some(FinancialYear::new(2022).unwrap()),
                sort: ActualSort { by, desc },
                ..Default::default()
            })
            .collect()
    }

    /// One phase; actual i (0..40) dated 1 April 2022 + 9i days (P1 .. P12 of 2022-23, four a
    /// period or so), supplier "S{i mod 3}", amount (i x 7 mod 10) pounds: ties on both keys.
    fn forty() -> (Connection, i64) {
        let conn = open_in_memory().unwrap();
        let prog = e::add_programme(
            &conn,
            &e::NewProgramme {
                code: "P".into(),
                name: "P".into(),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap();
        let phase = e::add_phase(
            &conn,
            &e::NewPhase {
                programme_id: prog,
                code: "A".into(),
                name: "A".into(),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap();
        for i in 0..40u64 {
            e::add_actual(&conn, &new(phase, 2022, 9 * i, i)).unwrap();
        }
        (conn, phase)
    }

    fn new(phase: i64, year: i32, days: u64, i: u64) -> NewActual {
        NewActual {
            phase_id: phase,
            contract_id: None,
            date: NaiveDate::from_ymd_opt(year, 4, 1).unwrap() + chrono::Days::new(days),
            supplier: format!("S{}", i % 3),
            description: String::new(),
            reference: format!("R{i}"),
            amount: Money::from_pence((i as i64 * 7 % 10) * 100),
        }
    }

    #[test]
    fn counts_the_rows_before_a_key_as_a_scan_would() {
        let (conn, _) = forty();
        let fy = FinancialYear::new(2022).unwrap();
        let f = ActualFilter {
            fy: Some(fy),
            ..Default::default()
        };
        let by_scan = |date: NaiveDate, id: i64| -> u64 {
            conn.query_row(
                "SELECT count(*) FROM actual WHERE fy = 2022 AND (date, id) < (?1, ?2)",
                rusqlite::params![iso(date), id],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
        };
        // Actual i (id i + 1) is dated 1 April + 9i days: before it come exactly i rows.
        for i in [0u64, 1, 3, 4, 17, 39] {
            let date = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap() + chrono::Days::new(9 * i);
            let id = i as i64 + 1;
            assert_eq!(count_before_date(&conn, &f, date, id).unwrap(), i);
            assert_eq!(by_scan(date, id), i);
            // With the row itself: one more.
            assert_eq!(count_before_date(&conn, &f, date, id + 1).unwrap(), i + 1);
        }
        // A supplier filter counts the matching rows: S0 is on i = 0, 3, 6, ...: before the
        // 13th row (i = 12) come i = 0, 3, 6, 9.
        let s0 = ActualFilter {
            supplier: Some("S0".into()),
            ..f
        };
        let d12 = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap() + chrono::Days::new(108);
        assert_eq!(count_before_date(&conn, &s0, d12, 13).unwrap(), 4);
    }

    #[test]
    fn mends_a_sorted_list_from_the_audited_changes() {
        let (conn, phase) = forty();
        let mark0 = audit_mark(&conn).unwrap();
        for f in sorted_2022_filters() {
            let ids = sorted_ids(&conn, &f).unwrap();
            assert_eq!(ids.len(), 40);
            // Nothing changed: nothing to mend.
            let (none, same) = actuals_changed_since(&conn, &mark0).unwrap().unwrap();
            assert!(none.is_empty());
            assert_eq!(same, mark0);
            let mut mended = ids.clone();
            assert!(mend_sorted_ids(&conn, &f, &mut mended, &none).unwrap());
            assert_eq!(mended, ids);
        }
        // Another process adds one in the year and one in 2023-24, edits one's amount and
        // supplier, moves one to 2023-24, deletes one, and adds a forecast (no actual).
        let added = e::add_actual(&conn, &new(phase, 2022, 20, 5)).unwrap();
        let later = e::add_actual(&conn, &new(phase, 2023, 20, 6)).unwrap();
        let edit = |id: i64, edit: ActualEdit| e::edit_actual(&conn, id, None, &edit).unwrap();
        edit(
            7,
            ActualEdit {
                amount: Some(Money::from_pence(550)),
                supplier: Some("S1".into()),
                ..Default::default()
            },
        );
        edit(
            9,
            ActualEdit {
                date: NaiveDate::from_ymd_opt(2023, 5, 1),
                ..Default::default()
            },
        );
        e::delete_actual(&conn, 20, None).unwrap();
        let (changed, now) = actuals_changed_since(&conn, &mark0).unwrap().unwrap();
        assert_eq!(changed, vec![7, 9, 20, added, later]);
        assert_ne!(now, mark0);
        for f in sorted_2022_filters() {
            // The list as read before the changes: the rows of ids 1..=40 in the order. Rebuilt
            // from the keys before: the amounts and suppliers of `new`, sorted.
            let ActualSort { by, desc } = f.sort;
            let mut before: Vec<i64> = (1..=40).collect();
            let key = |id: i64| {
                let a = new(phase, 2022, 0, id as u64 - 1);
                match by {
                    ActualOrder::Supplier => SortKey::Text(a.supplier),
                    _ => SortKey::Amount(a.amount.pence()),
                }
            };
            before.sort_by(|x, y| {
                let o = (key(*x), *x).cmp(&(key(*y), *y));
                if desc { o.reverse() } else { o }
            });
            let mut mended = before;
            assert!(mend_sorted_ids(&conn, &f, &mut mended, &changed).unwrap());
            // 40 + 1 added - 1 moved out - 1 deleted = 39, in the order a fresh read gives.
            assert_eq!(mended.len(), 39);
            assert_eq!(count_actuals(&conn, &f).unwrap(), 39);
            assert_eq!(mended, sorted_ids(&conn, &f).unwrap(), "{by:?} {desc}");
        }
        // A record that may move actuals (a phase) or an import: read again.
        let mark = audit_mark(&conn).unwrap();
        e::add_phase(
            &conn,
            &e::NewPhase {
                programme_id: 1,
                code: "B".into(),
                name: "B".into(),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap();
        assert_eq!(actuals_changed_since(&conn, &mark).unwrap(), None);
        // A mark the log does not hold (another history): read again.
        assert_eq!(
            actuals_changed_since(&conn, &(mark.0, "not the hash".into())).unwrap(),
            None
        );
    }
}
