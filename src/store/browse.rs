//! Browsing actuals a page at a time, by key (date, id) rather than by offset, so that scrolling
//! through a million rows costs the same at the end as at the start. Used by the TUI; it never
//! loads more than one page.

use std::collections::HashMap;

use super::engine::sql::{Engine, Param, Sql, Value};
use chrono::NaiveDate;

use super::Result;
use super::entities::{
    ACTUAL_SELECT, ActualFilter, ActualOrder, ActualSort, actual_at, actual_select_over, iso,
};
use crate::domain::model::Actual;
use crate::domain::{Money, Period};

/// Which page of actuals (in date, id order) to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRequest {
    /// The first rows.
    First,
    /// The last rows.
    Last,
    /// The rows after this (date, id), skipping `skip` of them first.
    After {
        /// The date of the row to start after.
        date: NaiveDate,
        /// Its id.
        id: i64,
    },
    /// The rows from this absolute position (slow for large offsets: used only for jumps).
    Offset(u64),
    /// The rows before this (date, id).
    Before {
        /// The date of the row to end before.
        date: NaiveDate,
        /// Its id.
        id: i64,
    },
}

/// A parameter's value.
pub(super) fn v(x: impl Param) -> Value {
    x.value()
}

/// Refuses a search text longer than the longest text it searches (it can match nothing, and
/// SQLite would fail on its pattern), naming its option.
pub(crate) fn check_search(f: &ActualFilter) -> Result<()> {
    for (option, text) in [("--supplier", &f.supplier), ("search text", &f.text)] {
        if let Some(t) = text {
            crate::domain::text::check_length(t, crate::domain::text::MAX_TEXT)
                .map_err(|m| super::StoreError::invalid(option, m))?;
        }
    }
    Ok(())
}

/// The WHERE clause (on `actual a`) for a filter, and its parameters. A search text longer than
/// the longest text it searches can match nothing and is refused, naming its option (SQLite
/// would fail on the pattern with a raw "LIKE or GLOB pattern too complex").
pub(super) fn filter_sql(f: &ActualFilter, engine: Engine) -> Result<(String, Vec<Value>)> {
    check_search(f)?;
    let mut conds: Vec<String> = vec!["1 = 1".into()];
    let mut params: Vec<Value> = Vec::new();
    let mut push = |cond: &str, v: Value, conds: &mut Vec<String>| {
        params.push(v);
        conds.push(cond.replace('?', &format!("?{}", params.len())));
    };
    if let Some(p) = f.programme_id {
        push(
            "a.phase_id IN (SELECT id FROM phase WHERE programme_id = ?)",
            v(p),
            &mut conds,
        );
    }
    if let Some(p) = f.phase_id {
        // With the year's date range below, the (phase_id, date) index narrows best.
        push("a.phase_id = ?", v(p), &mut conds);
    }
    if let Some(fy) = f.fy {
        // Bounding the date lets SQLite seek on the date index instead of scanning to the year.
        let (start, end) = match (f.period, f.to_period) {
            (first, Some(last)) => (
                fy.period_start(first.unwrap_or(Period::FIRST)),
                fy.period_end(last),
            ),
            (Some(p), None) => (fy.period_start(p), fy.period_end(p)),
            (None, None) => (fy.start(), fy.end()),
        };
        push("a.date >= ?", v(iso(start)), &mut conds);
        push("a.date <= ?", v(iso(end)), &mut conds);
    }
    if let Some(c) = f.contract_id {
        push("a.contract_id = ?", v(c), &mut conds);
    }
    use super::entities::common::{contains, like_text};
    if let Some(s) = f.supplier.as_ref().filter(|s| !s.is_empty()) {
        push(
            &contains(engine, "a.supplier", ""),
            v(like_text(s)),
            &mut conds,
        );
    }
    if let Some(t) = f.text.as_ref().filter(|s| !s.is_empty()) {
        params.push(v(like_text(t)));
        let n = params.len().to_string();
        conds.push(format!(
            "({} OR {})",
            contains(engine, "a.description", &n),
            contains(engine, "a.reference", &n)
        ));
    }
    Ok((conds.join(" AND "), params))
}

/// How many actuals match the filter.
pub fn count_actuals(conn: &impl Sql, f: &ActualFilter) -> Result<u64> {
    Ok(sum_actuals(conn, f)?.0)
}

/// How many actuals match the filter and their total. A filter of year, periods, programme, phase
/// and contract reads the running totals kept per (year, phase, period, contract): a few thousand
/// rows whatever the size of the ledger. A supplier or text filter sums the matching actuals.
pub fn sum_actuals(conn: &impl Sql, f: &ActualFilter) -> Result<(u64, Money)> {
    let by_text = f.supplier.as_ref().is_some_and(|s| !s.is_empty())
        || f.text.as_ref().is_some_and(|s| !s.is_empty());
    let (sql, params) = if by_text {
        let (cond, params) = filter_sql(f, conn.engine())?;
        (
            format!(
                "SELECT count(*), CAST(coalesce(sum(a.amount_pence), 0) AS BIGINT) FROM actual a WHERE {cond}"
            ),
            params,
        )
    } else {
        totals_sql(f)
    };
    let (n, pence): (i64, i64) = conn.query_row(&sql, params, |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((n.max(0) as u64, Money::from_pence(pence)))
}

/// The count and sum over the running totals `actual_total t` for a filter without text.
pub(super) fn totals_sql(f: &ActualFilter) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = vec!["1 = 1".into()];
    let mut params: Vec<Value> = Vec::new();
    let mut push = |cond: &str, v: Value| {
        params.push(v);
        conds.push(cond.replace('?', &format!("?{}", params.len())));
    };
    if let Some(p) = f.programme_id {
        push(
            "t.phase_id IN (SELECT id FROM phase WHERE programme_id = ?)",
            v(p),
        );
    }
    if let Some(p) = f.phase_id {
        push("t.phase_id = ?", v(p));
    }
    if let Some(c) = f.contract_id {
        push("t.contract_id = ?", v(c));
    }
    if let Some(fy) = f.fy {
        push("t.fy = ?", v(fy.start_year()));
        let (first, last) = match (f.period, f.to_period) {
            (first, Some(last)) => (first.unwrap_or(Period::FIRST), last),
            (Some(p), None) => (p, p),
            (None, None) => (Period::FIRST, Period::LAST),
        };
        push("t.period >= ?", v(first.number()));
        push("t.period <= ?", v(last.number()));
    }
    (
        format!(
            "SELECT CAST(coalesce(sum(t.n), 0) AS BIGINT), CAST(coalesce(sum(t.amount_pence), 0) AS BIGINT) FROM actual_total t WHERE {}",
            conds.join(" AND ")
        ),
        params,
    )
}

/// The column an order of actuals sorts by (then by id).
pub(super) fn order_column(sort: ActualSort) -> &'static str {
    match sort.by {
        ActualOrder::Date => "a.date",
        ActualOrder::Amount => "a.amount_pence",
        ActualOrder::Supplier => "a.supplier",
    }
}

/// `ORDER BY` for the filter's order, read forwards or (`reverse`) backwards.
fn order_by(sort: ActualSort, reverse: bool) -> String {
    let dir = if sort.desc != reverse { "DESC" } else { "ASC" };
    format!("{col} {dir}, a.id {dir}", col = order_column(sort))
}

/// One page of at most `limit` actuals matching the filter, in the filter's order (date by
/// default) then id. `After` and `Before` page by key from the row given: by (date, id) for the
/// date order, else by the row's amount or supplier (read from the row by its id) and id, so a
/// page costs the same wherever it is in the list.
pub fn actuals_page(
    conn: &impl Sql,
    f: &ActualFilter,
    req: PageRequest,
    limit: u64,
) -> Result<Vec<Actual>> {
    let (mut cond, mut params) = filter_sql(f, conn.engine())?;
    let descending = matches!(req, PageRequest::Last | PageRequest::Before { .. });
    // Reading towards smaller keys: a descending order read forwards, or backwards.
    let smaller = f.sort.desc != descending;
    match req {
        PageRequest::After { date, id } | PageRequest::Before { date, id } => {
            let op = if smaller { "<" } else { ">" };
            let key = if f.sort.by == ActualOrder::Date {
                params.push(v(iso(date)));
                // The date alone bounds the index range too, ahead of the filter's year: SQLite
                // seeks on the first bound it meets and not on a row value (it would scan from
                // the start of the year to the key).
                cond = format!("a.date {op}= ?{} AND {cond}", params.len());
                format!("?{}", params.len())
            } else {
                params.push(v(id));
                format!(
                    "(SELECT {} FROM actual WHERE id = ?{})",
                    order_column(f.sort).trim_start_matches("a."),
                    params.len()
                )
            };
            params.push(v(id));
            let n = params.len();
            cond.push_str(&format!(
                " AND ({}, a.id) {op} ({key}, ?{n})",
                order_column(f.sort)
            ));
        }
        PageRequest::First | PageRequest::Last | PageRequest::Offset(_) => {}
    }
    params.push(v(limit as i64));
    let offset = match req {
        PageRequest::Offset(n) => {
            params.push(v(n as i64));
            format!(" OFFSET ?{}", params.len())
        }
        _ => String::new(),
    };
    let order = order_by(f.sort, descending);
    let page = format!(
        "SELECT * FROM actual a WHERE {cond} ORDER BY {order} LIMIT ?{}{offset}",
        params.len() - usize::from(!offset.is_empty())
    );
    let sql = format!("{} ORDER BY {order}", actual_select_over(&page));
    let mut out = conn.query_map(&sql, params, actual_at)?;
    if descending {
        out.reverse();
    }
    Ok(out)
}

/// Where actual `id` stands in the filter's order (0 for the first), or None when the filter
/// does not select it.
pub fn position_of(conn: &impl Sql, f: &ActualFilter, id: i64) -> Result<Option<u64>> {
    let (cond, mut params) = filter_sql(f, conn.engine())?;
    params.push(v(id));
    let n = params.len();
    let col = order_column(f.sort);
    let op = if f.sort.desc { ">" } else { "<" };
    let bare = col.trim_start_matches("a.");
    let sql = format!(
        "SELECT (SELECT count(*) FROM actual a WHERE {cond} AND ({col}, a.id) {op} \
         (SELECT {bare}, id FROM actual WHERE id = ?{n})), \
         EXISTS (SELECT 1 FROM actual a WHERE {cond} AND a.id = ?{n})"
    );
    let (before, found): (i64, bool) =
        conn.query_row(&sql, params, |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(found.then_some(before.max(0) as u64))
}

/// The ids of every actual the filter selects, in the filter's order (then id): one sorted scan,
/// 8 bytes a row kept. The TUI keeps them for an order with no index (amount, supplier) and reads
/// each page by id ([`actuals_by_ids`]) instead of sorting the rows again for every page.
pub fn sorted_ids(conn: &impl Sql, f: &ActualFilter) -> Result<Vec<i64>> {
    let (cond, params) = filter_sql(f, conn.engine())?;
    let sql = format!(
        "SELECT a.id FROM actual a WHERE {cond} ORDER BY {}",
        order_by(f.sort, false)
    );
    Ok(conn.query_map(&sql, params, |r| r.get::<_, i64>(0))?)
}

/// The actuals with these ids, in the order given (one primary-key lookup each); an id no longer
/// in the database (deleted since the ids were read) is left out.
pub fn actuals_by_ids(conn: &impl Sql, ids: &[i64]) -> Result<Vec<Actual>> {
    let sql = format!("{ACTUAL_SELECT} WHERE a.id = ?1");
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(conn.query_map(&sql, [*id], actual_at)?);
    }
    Ok(out)
}

/// Hands every actual the filter selects to `each`, in the filter's order, one row at a time
/// (the TUI's export: a million rows in constant memory). Stops at the first error of `each`.
pub fn each_actual_sorted<E: From<super::StoreError>>(
    conn: &impl Sql,
    f: &ActualFilter,
    each: &mut dyn FnMut(Actual) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let (cond, params) = filter_sql(f, conn.engine())?;
    let sql = format!(
        "{ACTUAL_SELECT} WHERE {cond} ORDER BY {}",
        order_by(f.sort, false)
    );
    // Each row handed on as it is read; `each`'s own failure stops the reading and is returned.
    let mut failed = None;
    conn.query_each(&sql, params, |r| {
        let a = actual_at(r)?;
        match each(a) {
            Ok(()) => Ok(true),
            Err(e) => {
                failed = Some(e);
                Ok(false)
            }
        }
    })
    .map_err(super::StoreError::from)?;
    failed.map_or(Ok(()), Err)
}

/// What has been paid against each contract, by contract id: every actual linked to it dated on
/// or before `through` (every actual when `None`).
pub fn paid_by_contract(
    conn: &impl Sql,
    through: Option<NaiveDate>,
) -> Result<HashMap<i64, Money>> {
    let through = through.map(iso);
    let rows = conn.query_map(
        "SELECT contract_id, CAST(sum(amount_pence) AS BIGINT) FROM actual
         WHERE contract_id IS NOT NULL AND (CAST(?1 AS TEXT) IS NULL OR date <= ?1) GROUP BY contract_id",
        [through],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )?;
    Ok(rows
        .into_iter()
        .map(|(id, pence)| (id, Money::from_pence(pence)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FinancialYear;

    #[test]
    fn a_page_is_picked_from_actual_alone_then_joined() {
        let sql = actual_select_over("SELECT * FROM actual a LIMIT 5");
        assert!(
            sql.contains("FROM (SELECT * FROM actual a LIMIT 5) a JOIN phase ph"),
            "{sql}"
        );
    }
    use crate::store::entities::{NewActual, NewPhase, NewProgramme, add_phase, add_programme};
    use crate::store::{entities, open_in_memory};
    use rusqlite::Connection;

    /// Ten actuals, one a month from April 2022: £1, £2, ... £10 on the 15th.
    fn ten() -> (Connection, i64) {
        let conn = open_in_memory().unwrap();
        let prog = add_programme(
            &conn,
            &NewProgramme {
                code: "P".into(),
                name: "P".into(),
                organisation: String::new(),
                status: crate::domain::model::DeliveryStatus::Active,
            },
        )
        .unwrap();
        let phase = add_phase(
            &conn,
            &NewPhase {
                programme_id: prog,
                code: "A".into(),
                name: "A".into(),
                status: crate::domain::model::DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap();
        for i in 0..10u32 {
            let date = NaiveDate::from_ymd_opt(2022, 4, 15)
                .unwrap()
                .checked_add_months(chrono::Months::new(i))
                .unwrap();
            entities::insert_actual_row(
                &conn,
                &NewActual {
                    phase_id: phase,
                    contract_id: None,
                    date,
                    supplier: if i % 2 == 0 { "Acme" } else { "Other" }.into(),
                    description: format!("line {}", i + 1),
                    reference: format!("R{}", i + 1),
                    amount: Money::from_pence(100 * (i as i64 + 1)),
                },
                None,
            )
            .unwrap();
        }
        (conn, phase)
    }

    fn amounts(rows: &[Actual]) -> Vec<i64> {
        rows.iter().map(|a| a.amount.pence() / 100).collect()
    }

    #[test]
    fn pages_forward_and_back_by_key() {
        let (conn, _) = ten();
        let f = ActualFilter::default();
        assert_eq!(count_actuals(&conn, &f).unwrap(), 10);
        let first = actuals_page(&conn, &f, PageRequest::First, 4).unwrap();
        assert_eq!(amounts(&first), vec![1, 2, 3, 4]);
        let last = first.last().unwrap();
        let next = actuals_page(
            &conn,
            &f,
            PageRequest::After {
                date: last.date,
                id: last.id,
            },
            4,
        )
        .unwrap();
        assert_eq!(amounts(&next), vec![5, 6, 7, 8]);
        let end = actuals_page(&conn, &f, PageRequest::Last, 3).unwrap();
        assert_eq!(amounts(&end), vec![8, 9, 10]);
        let before = actuals_page(
            &conn,
            &f,
            PageRequest::Before {
                date: end[0].date,
                id: end[0].id,
            },
            2,
        )
        .unwrap();
        assert_eq!(amounts(&before), vec![6, 7]);
        let jump = actuals_page(&conn, &f, PageRequest::Offset(6), 2).unwrap();
        assert_eq!(amounts(&jump), vec![7, 8]);
    }

    #[test]
    fn filters_by_year_period_supplier_and_text() {
        let (conn, phase) = ten();
        let fy = FinancialYear::new(2022).unwrap();
        // April 2022 .. January 2023 are all in 2022-23; P5 is August: the 5th line (£5).
        let f = ActualFilter {
            fy: Some(fy),
            period: Some(Period::new(5).unwrap()),
            ..Default::default()
        };
        assert_eq!(count_actuals(&conn, &f).unwrap(), 1);
        assert_eq!(
            amounts(&actuals_page(&conn, &f, PageRequest::First, 10).unwrap()),
            vec![5]
        );
        // Acme is on the odd lines: 1, 3, 5, 7, 9.
        let f = ActualFilter {
            supplier: Some("acme".into()),
            phase_id: Some(phase),
            ..Default::default()
        };
        assert_eq!(
            amounts(&actuals_page(&conn, &f, PageRequest::First, 10).unwrap()),
            vec![1, 3, 5, 7, 9]
        );
        // "line 1" matches line 1 and line 10.
        let f = ActualFilter {
            text: Some("line 1".into()),
            ..Default::default()
        };
        assert_eq!(count_actuals(&conn, &f).unwrap(), 2);
        let f = ActualFilter {
            fy: Some(FinancialYear::new(2021).unwrap()),
            ..Default::default()
        };
        assert_eq!(count_actuals(&conn, &f).unwrap(), 0);
    }

    #[test]
    fn counts_and_totals_agree_between_the_running_totals_and_the_rows() {
        let (conn, phase) = ten();
        let fy = FinancialYear::new(2022).unwrap();
        let p = |n| Some(Period::new(n).unwrap());
        // P1..P5 are April..August: £1 + £2 + £3 + £4 + £5 = £15 in 5 rows (running totals).
        let range = ActualFilter {
            fy: Some(fy),
            to_period: p(5),
            phase_id: Some(phase),
            ..Default::default()
        };
        assert_eq!(
            sum_actuals(&conn, &range).unwrap(),
            (5, Money::from_pence(1500))
        );
        assert_eq!(
            amounts(&actuals_page(&conn, &range, PageRequest::First, 10).unwrap()),
            vec![1, 2, 3, 4, 5]
        );
        // P3..P4: £3 + £4 = £7.
        let mid = ActualFilter {
            period: p(3),
            ..range.clone()
        };
        let mid = ActualFilter {
            to_period: p(4),
            ..mid
        };
        assert_eq!(
            sum_actuals(&conn, &mid).unwrap(),
            (2, Money::from_pence(700))
        );
        // The supplier filter sums the rows: Acme on odd lines 1, 3, 5 within P1..P5 = £9.
        let acme = ActualFilter {
            supplier: Some("acme".into()),
            ..range
        };
        assert_eq!(
            sum_actuals(&conn, &acme).unwrap(),
            (3, Money::from_pence(900))
        );
        // No contract is linked: a contract filter finds nothing, by either path.
        let none = ActualFilter {
            contract_id: Some(1),
            ..Default::default()
        };
        assert_eq!(sum_actuals(&conn, &none).unwrap(), (0, Money::ZERO));
        // The whole ledger: £1 + ... + £10 = £55.
        assert_eq!(
            sum_actuals(&conn, &ActualFilter::default()).unwrap(),
            (10, Money::from_pence(5500))
        );
    }

    fn by_filter(by: ActualOrder, desc: bool) -> ActualFilter {
        ActualFilter {
            sort: ActualSort { by, desc },
            ..Default::default()
        }
    }

    /// Pages the whole list `page` rows at a time, forward by key, returning the amounts.
    fn forward(conn: &Connection, f: &ActualFilter, page: u64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut req = PageRequest::First;
        loop {
            let rows = actuals_page(conn, f, req, page).unwrap();
            let Some(last) = rows.last() else { break };
            req = PageRequest::After {
                date: last.date,
                id: last.id,
            };
            out.extend(amounts(&rows));
        }
        out
    }

    #[test]
    fn pages_by_amount_and_supplier_in_either_direction() {
        let (conn, _) = ten();
        let by = by_filter;
        // Amounts £1..£10 one a month: by amount is the date order; descending the reverse,
        // paged three at a time by the (amount, id) key.
        assert_eq!(
            forward(&conn, &by(ActualOrder::Amount, false), 3),
            (1..=10).collect::<Vec<_>>()
        );
        assert_eq!(
            forward(&conn, &by(ActualOrder::Amount, true), 3),
            (1..=10).rev().collect::<Vec<_>>()
        );
        // Acme holds the odd lines (1, 3, 5, 7, 9), Other the even ones; then by id.
        assert_eq!(
            forward(&conn, &by(ActualOrder::Supplier, false), 4),
            vec![1, 3, 5, 7, 9, 2, 4, 6, 8, 10]
        );
        // Descending: Other first, and within a supplier the higher id first.
        let desc = by(ActualOrder::Supplier, true);
        assert_eq!(
            forward(&conn, &desc, 4),
            vec![10, 8, 6, 4, 2, 9, 7, 5, 3, 1]
        );
        // The last page and the page before a row agree with that order.
        let end = actuals_page(&conn, &desc, PageRequest::Last, 3).unwrap();
        assert_eq!(amounts(&end), vec![5, 3, 1]);
        let before = actuals_page(
            &conn,
            &desc,
            PageRequest::Before {
                date: end[0].date,
                id: end[0].id,
            },
            2,
        )
        .unwrap();
        assert_eq!(amounts(&before), vec![9, 7]);
        // £6 (line 6, Other) is third in the descending supplier order 10, 8, 6, ...:
        // position 2 (two rows before it).
        let six =
            actuals_page(&conn, &ActualFilter::default(), PageRequest::Offset(5), 1).unwrap()[0].id;
        assert_eq!(position_of(&conn, &desc, six).unwrap(), Some(2));
        // Ascending by amount it has five rows before it (£1..£5).
        assert_eq!(
            position_of(&conn, &by(ActualOrder::Amount, false), six).unwrap(),
            Some(5)
        );
        // A filter that does not select the row: no position.
        let acme = ActualFilter {
            supplier: Some("acme".into()),
            ..desc.clone()
        };
        assert_eq!(position_of(&conn, &acme, six).unwrap(), None);
        // The ids read once in the order, then rows by id: the same rows as the ORDER BY pages,
        // in every order; a deleted id is left out.
        for (by, desc) in [
            (ActualOrder::Amount, false),
            (ActualOrder::Amount, true),
            (ActualOrder::Supplier, false),
            (ActualOrder::Supplier, true),
            (ActualOrder::Date, false),
        ] {
            let f = by_filter(by, desc);
            let ids = sorted_ids(&conn, &f).unwrap();
            assert_eq!(ids.len(), 10);
            let mut paged = Vec::new();
            for chunk in ids.chunks(3) {
                paged.extend(amounts(&actuals_by_ids(&conn, chunk).unwrap()));
            }
            assert_eq!(paged, forward(&conn, &f, 4), "{by:?} {desc}");
        }
        // The export's stream: every row in the order, no paging.
        let mut all = Vec::new();
        each_actual_sorted(&conn, &desc, &mut |a| -> Result<()> {
            all.push(a.amount.pence() / 100);
            Ok(())
        })
        .unwrap();
        assert_eq!(all, vec![10, 8, 6, 4, 2, 9, 7, 5, 3, 1]);
        let ids = sorted_ids(&conn, &desc).unwrap();
        conn.execute("DELETE FROM actual WHERE id = ?1", [ids[1]])
            .unwrap();
        // 10, 8, 6 without the 8.
        assert_eq!(
            amounts(&actuals_by_ids(&conn, &ids[..3]).unwrap()),
            vec![10, 6]
        );
    }
}
