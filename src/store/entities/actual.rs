//! Actuals (spend from the ledger): adding one by hand, the unchecked bulk insert paths an import
//! uses, reading, listing and deleting.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::common::{IsoDate, not_found, within};
use super::contract::get_contract;
use super::phase::get_phase;
use super::rows::{date_at, fy_at, money_at, period_at};
use crate::domain::model::Actual;
use crate::domain::text::MAX_TEXT;
use crate::domain::{FinancialYear, Money, Period};
use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use crate::store::{Result, StoreError, audit, locks};

/// An actual to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewActual {
    pub phase_id: i64,
    pub contract_id: Option<i64>,
    pub date: NaiveDate,
    pub supplier: String,
    pub description: String,
    pub reference: String,
    pub amount: Money,
}

/// Checks an actual against its contract's phase.
pub fn check_actual_contract(conn: &impl Sql, a: &NewActual) -> Result<()> {
    if let Some(cid) = a.contract_id {
        let phase: i64 =
            conn.query_row("SELECT phase_id FROM contract WHERE id = ?1", [cid], |r| {
                r.get(0)
            })?;
        if phase != a.phase_id {
            let c = get_contract(conn, cid)?;
            let p = get_phase(conn, a.phase_id)?;
            return Err(StoreError::invalid(
                "--contract",
                format!(
                    "contract '{}' belongs to phase {}/{}, not {}/{}",
                    c.reference, c.programme_code, c.phase_code, p.programme_code, p.code
                ),
            ));
        }
    }
    Ok(())
}

/// Inserts an actual row (no audit, no checks), on either engine; returns its id. An actual added
/// by hand goes through [`add_actual`]; an import's rows through [`write_actual_rows`].
pub fn insert_actual_row(conn: &impl Sql, a: &NewActual, batch_id: Option<i64>) -> Result<i64> {
    Ok(conn.query_row(
        "INSERT INTO actual(phase_id, contract_id, date, fy, period, supplier, description, reference, amount_pence, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            a.phase_id,
            a.contract_id,
            IsoDate::new(a.date).as_str(),
            FinancialYear::containing(a.date).start_year(),
            Period::of_date(a.date).number(),
            a.supplier.as_str(),
            a.description.as_str(),
            a.reference.as_str(),
            a.amount.pence(),
            batch_id
        ],
        |r| r.get(0),
    )?)
}

/// An actual to insert, borrowing its text (an import keeps the text of many rows in one buffer).
pub struct ActualFields<'a> {
    pub phase_id: i64,
    pub contract_id: Option<i64>,
    pub date: NaiveDate,
    pub supplier: &'a str,
    pub description: &'a str,
    pub reference: &'a str,
    pub amount_pence: i64,
}

/// Inserts actuals one after another through one prepared statement (an import's bulk path).
pub struct ActualInserter<'c> {
    conn: &'c Connection,
    st: rusqlite::CachedStatement<'c>,
}

impl<'c> ActualInserter<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        let st = conn.prepare_cached(
            "INSERT INTO actual(phase_id, contract_id, date, fy, period, supplier, description, reference, amount_pence, batch_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        Ok(ActualInserter { conn, st })
    }

    /// Inserts one actual as given, with no checks; returns its id.
    pub fn insert(&mut self, a: &ActualFields, batch_id: Option<i64>) -> Result<i64> {
        let st = &mut self.st;
        // Every parameter is bound on every row, so none keeps the previous row's value.
        st.raw_bind_parameter(1, a.phase_id)?;
        st.raw_bind_parameter(2, a.contract_id)?;
        st.raw_bind_parameter(3, IsoDate::new(a.date).as_str())?;
        st.raw_bind_parameter(4, FinancialYear::containing(a.date).start_year())?;
        st.raw_bind_parameter(5, Period::of_date(a.date).number())?;
        st.raw_bind_parameter(6, a.supplier)?;
        st.raw_bind_parameter(7, a.description)?;
        st.raw_bind_parameter(8, a.reference)?;
        st.raw_bind_parameter(9, a.amount_pence)?;
        st.raw_bind_parameter(10, batch_id)?;
        st.raw_execute()?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// Writes the `n` actuals `rows` of batch `batch_id` as they are (no checks: an import's bulk
/// path), putting their ids in `ids`, in the same order and increasing: on SQLite one insert
/// each through one prepared statement; on PostgreSQL ids taken from the sequence, then one
/// `COPY`.
pub fn write_actual_rows<'a>(
    conn: &impl Sql,
    n: usize,
    rows: impl Iterator<Item = ActualFields<'a>>,
    batch_id: i64,
    ids: &mut Vec<i64>,
) -> Result<()> {
    ids.clear();
    if let Some(pg) = conn.as_pg() {
        use crate::store::engine::pg_load;
        pg_load::take_actual_ids(pg, n, ids)?;
        return pg_load::copy_actuals(pg, ids.iter().copied().zip(rows), batch_id);
    }
    let Some(sqlite) = conn.as_sqlite() else {
        return Ok(());
    };
    let mut inserter = ActualInserter::new(sqlite)?;
    for a in rows {
        ids.push(inserter.insert(&a, Some(batch_id))?);
    }
    Ok(())
}

/// Refuses an actual's supplier, description or reference longer than `MAX_TEXT` characters.
pub fn check_actual_text(supplier: &str, description: &str, reference: &str) -> Result<()> {
    within("--supplier", supplier, MAX_TEXT)?;
    within("--description", description, MAX_TEXT)?;
    within("--reference", reference, MAX_TEXT)
}

/// Refuses an actual that cannot be added: a text too long, a date in a closed period, a
/// contract of another phase.
pub fn check_new_actual(conn: &impl Sql, a: &NewActual) -> Result<()> {
    check_actual_text(a.supplier.as_str(), &a.description, &a.reference)?;
    locks::ensure_open(conn, "an actual", a.date)?;
    check_actual_contract(conn, a)
}

/// Adds one actual (entered by hand): checked, then written and audited.
pub fn add_actual(conn: &impl Sql, a: &NewActual) -> Result<i64> {
    check_new_actual(conn, a)?;
    record_new_actual(conn, a)
}

/// Writes and audits an actual already checked by [`check_new_actual`] (in the same
/// transaction); returns its id.
pub fn record_new_actual(conn: &impl Sql, a: &NewActual) -> Result<i64> {
    let id = insert_actual_row(conn, a, None)?;
    let after = get_actual(conn, id)?;
    audit::record(conn, "add", "actual", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

pub(crate) const ACTUAL_SELECT: &str = "SELECT a.id, pr.code, ph.code, c.reference, a.date, a.fy, a.period, a.supplier, a.description, a.reference, a.amount_pence, a.batch_id, a.version
    FROM actual a JOIN phase ph ON ph.id = a.phase_id JOIN programme pr ON pr.id = ph.programme_id
    LEFT JOIN contract c ON c.id = a.contract_id";

/// [`ACTUAL_SELECT`] over the rows of `page` (a query of `actual a` that picks one page)
/// instead of the whole table: the page is chosen from `actual` alone, through its indexes, and
/// only its rows are joined to their phase, programme and contract. A server's planner, which
/// cannot tell how many rows each council's row-level security lets through, otherwise joined
/// and sorted a whole year (351,136 rows, 0.3 s a page in the TUI) to show one page.
pub(crate) fn actual_select_over(page: &str) -> String {
    ACTUAL_SELECT.replacen("FROM actual a ", &format!("FROM ({page}) a "), 1)
}

/// An actual read from a row of [`ACTUAL_SELECT`], on either engine.
pub(crate) fn actual_at(r: &Row<'_>) -> DbResult<Actual> {
    Ok(Actual {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        contract_reference: r.get(3)?,
        date: date_at(r, 4)?,
        fy: fy_at(r, 5)?,
        period: period_at(r, 6)?,
        supplier: r.get(7)?,
        description: r.get(8)?,
        reference: r.get(9)?,
        amount: money_at(r, 10)?,
        batch_id: r.get(11)?,
        version: r.get(12)?,
    })
}

/// One actual by id.
pub fn get_actual(conn: &impl Sql, id: i64) -> Result<Actual> {
    conn.query_row(&format!("{ACTUAL_SELECT} WHERE a.id = ?1"), [id], actual_at)
        .optional()?
        .ok_or_else(|| not_found("id", "actual", &id.to_string(), String::new()))
}

/// Which actuals to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualFilter {
    pub programme_id: Option<i64>,
    pub phase_id: Option<i64>,
    pub fy: Option<FinancialYear>,
    /// Only this period (with `fy`); with `to_period`, the first period of a range.
    pub period: Option<Period>,
    /// The last period of a range (with `fy`): `period` (or P1 when none) to this one.
    pub to_period: Option<Period>,
    /// Only actuals against this contract.
    pub contract_id: Option<i64>,
    /// Supplier contains this (case-insensitive).
    pub supplier: Option<String>,
    /// Description or reference contains this (case-insensitive).
    pub text: Option<String>,
    /// The order the TUI pages and exports them in (date by default; the command line lists by
    /// date).
    pub sort: ActualSort,
}

/// What a list of actuals is ordered by (then by id, so the order is total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActualOrder {
    #[default]
    Date,
    Amount,
    Supplier,
}

/// An order of actuals: the column and the direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActualSort {
    pub by: ActualOrder,
    pub desc: bool,
}

/// Actuals by date then id, paged: `offset` rows skipped, at most `limit` returned.
pub fn list_actuals(
    conn: &Connection,
    f: &ActualFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Actual>> {
    let mut out = Vec::new();
    each_actual(conn, f, offset, limit, &mut |a| {
        out.push(a);
        true
    })?;
    Ok(out)
}

/// Like [`list_actuals`], but hands each actual to `each` as it is read, holding none of them: a
/// listing of millions of rows runs in constant memory. `each` returns false to stop.
pub fn each_actual(
    conn: &impl Sql,
    f: &ActualFilter,
    offset: u64,
    limit: u64,
    each: &mut dyn FnMut(Actual) -> bool,
) -> Result<()> {
    crate::store::browse::check_search(f)?;
    let contains =
        |column: &str, n: u8| super::common::contains(conn.engine(), column, &n.to_string());
    let page = format!(
        "SELECT * FROM actual a
         WHERE (CAST(?1 AS BIGINT) IS NULL OR a.phase_id IN (SELECT id FROM phase WHERE programme_id = ?1))
         AND (CAST(?2 AS BIGINT) IS NULL OR a.phase_id = ?2)
         AND (CAST(?3 AS BIGINT) IS NULL OR a.fy = ?3) AND (CAST(?4 AS BIGINT) IS NULL OR a.period = ?4)
         AND (CAST(?5 AS TEXT) IS NULL OR {})
         AND (CAST(?6 AS TEXT) IS NULL OR {} OR {})
         ORDER BY a.date, a.id LIMIT ?7 OFFSET ?8",
        contains("a.supplier", 5),
        contains("a.description", 6),
        contains("a.reference", 6)
    );
    let sql = format!("{} ORDER BY a.date, a.id", actual_select_over(&page));
    conn.query_each(
        &sql,
        params![
            f.programme_id,
            f.phase_id,
            f.fy.map(|y| y.start_year()),
            f.period.map(|p| p.number()),
            f.supplier.as_deref().map(super::common::like_text),
            f.text.as_deref().map(super::common::like_text),
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        |r| Ok(each(actual_at(r)?)),
    )?;
    Ok(())
}

/// Deletes one actual (refused in a closed period or if changed since read).
pub fn delete_actual(conn: &impl Sql, id: i64, expected_version: Option<i64>) -> Result<()> {
    let before = get_actual(conn, id)?;
    locks::ensure_open(conn, "an actual", before.date)?;
    locks::bump_version(
        conn,
        "actual",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute("DELETE FROM actual WHERE id = ?1", [id])?;
    audit::record(
        conn,
        "delete",
        "actual",
        Some(id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(())
}

/// The fields of an actual to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualEdit {
    /// A new amount (negative for a credit).
    pub amount: Option<Money>,
    /// A new date (its FY and period follow it).
    pub date: Option<NaiveDate>,
    /// A new supplier.
    pub supplier: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new ledger reference.
    pub reference: Option<String>,
}

impl ActualEdit {
    /// True when no field is given.
    pub fn is_empty(&self) -> bool {
        self == &ActualEdit::default()
    }
}

/// Changes an actual. `expected_version` is the version the editor read (from a list or the TUI);
/// `None` edits the current row. Refused when the actual's date or its new date lies in a closed
/// period. Returns the actual as saved.
pub fn edit_actual(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    edit: &ActualEdit,
) -> Result<Actual> {
    if edit.is_empty() {
        return Err(StoreError::invalid(
            "edit",
            "nothing to change: give --amount, --date, --supplier, --description or --reference",
        ));
    }
    check_actual_text(
        edit.supplier.as_deref().unwrap_or(""),
        edit.description.as_deref().unwrap_or(""),
        edit.reference.as_deref().unwrap_or(""),
    )?;
    let before = get_actual(conn, id)?;
    locks::ensure_open(conn, "an actual", before.date)?;
    let date = edit.date.unwrap_or(before.date);
    locks::ensure_open(conn, "the edited actual", date)?;
    let phase_id: i64 = conn.query_row("SELECT phase_id FROM actual WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    let contract_id: Option<i64> =
        conn.query_row("SELECT contract_id FROM actual WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    let new = NewActual {
        phase_id,
        contract_id,
        date,
        supplier: edit.supplier.clone().unwrap_or(before.supplier.clone()),
        description: edit
            .description
            .clone()
            .unwrap_or(before.description.clone()),
        reference: edit.reference.clone().unwrap_or(before.reference.clone()),
        amount: edit.amount.unwrap_or(before.amount),
    };
    check_actual_contract(conn, &new)?;
    locks::bump_version(
        conn,
        "actual",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE actual SET date = ?2, fy = ?3, period = ?4, supplier = ?5, description = ?6,
         reference = ?7, amount_pence = ?8 WHERE id = ?1",
        params![
            id,
            IsoDate::new(new.date).as_str(),
            FinancialYear::containing(new.date).start_year(),
            Period::of_date(new.date).number(),
            new.supplier,
            new.description,
            new.reference,
            new.amount.pence()
        ],
    )?;
    let after = get_actual(conn, id)?;
    audit::record(
        conn,
        "edit",
        "actual",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::contract::{NewContract, add_contract};
    use crate::store::entities::test_support::{date, db, fy, pence, phase, programme};

    fn actual(phase_id: i64, on: &str, supplier: &str, amount: i64) -> NewActual {
        NewActual {
            phase_id,
            contract_id: None,
            date: date(on),
            supplier: supplier.into(),
            description: "works".into(),
            reference: format!("INV-{amount}"),
            amount: pence(amount),
        }
    }

    #[test]
    fn an_actual_is_filed_in_the_year_and_period_of_its_date() {
        let conn = db();
        let p = programme(&conn, "P");
        let a = phase(&conn, p, "A");
        // 15 July 2024 is in FY 2024-25, period 4 (April = P1).
        let id = add_actual(&conn, &actual(a, "2024-07-15", "Acme", 12_345)).unwrap();
        let got = get_actual(&conn, id).unwrap();
        assert_eq!((got.fy, got.period.number()), (fy(2024), 4));
        assert_eq!(got.amount, pence(12_345));
        assert_eq!(
            (got.programme_code.as_str(), got.phase_code.as_str()),
            ("P", "A")
        );
        // 31 March 2025 is the last day of that year: period 12.
        let march = add_actual(&conn, &actual(a, "2025-03-31", "Bricks plc", -500)).unwrap();
        assert_eq!(get_actual(&conn, march).unwrap().period.number(), 12);

        let by_supplier = ActualFilter {
            supplier: Some("bricks".into()),
            ..ActualFilter::default()
        };
        let found = list_actuals(&conn, &by_supplier, 0, 10).unwrap();
        assert_eq!(found.iter().map(|x| x.id).collect::<Vec<_>>(), [march]);
        let page = list_actuals(&conn, &ActualFilter::default(), 1, 10).unwrap();
        assert_eq!(page.iter().map(|x| x.id).collect::<Vec<_>>(), [march]);

        delete_actual(&conn, id, Some(got.version)).unwrap();
        let err = get_actual(&conn, id).unwrap_err().to_string();
        assert_eq!(err, format!("id: no actual '{id}'"));
    }

    #[test]
    fn an_actual_on_a_contract_must_be_in_the_contract_phase() {
        let conn = db();
        let p = programme(&conn, "P");
        let (a, b) = (phase(&conn, p, "A"), phase(&conn, p, "B"));
        let contract = add_contract(
            &conn,
            &NewContract {
                reference: "C-1".into(),
                title: "Build".into(),
                supplier: "Acme".into(),
                phase_id: a,
                framework_id: None,
                value: pence(100_000),
                start: date("2024-04-01"),
                term_months: 12,
                award_decision_id: None,
                extensions: Vec::new(),
                profile: Vec::new(),
            },
        )
        .unwrap();
        let mut wrong = actual(b, "2024-05-01", "Acme", 100);
        wrong.contract_id = Some(contract);
        let err = add_actual(&conn, &wrong).unwrap_err().to_string();
        assert_eq!(
            err,
            "--contract: contract 'C-1' belongs to phase P/A, not P/B"
        );
        wrong.phase_id = a;
        let id = add_actual(&conn, &wrong).unwrap();
        assert_eq!(
            get_actual(&conn, id).unwrap().contract_reference.as_deref(),
            Some("C-1")
        );
    }

    #[test]
    fn the_bulk_inserter_files_each_row_by_its_own_date() {
        let conn = db();
        let p = programme(&conn, "P");
        let a = phase(&conn, p, "A");
        let mut ins = ActualInserter::new(&conn).unwrap();
        let row = |on: &str, amount_pence| ActualFields {
            phase_id: a,
            contract_id: None,
            date: date(on),
            supplier: "S",
            description: "D",
            reference: "R",
            amount_pence,
        };
        let first = ins.insert(&row("2024-04-01", 1), None).unwrap();
        let second = ins.insert(&row("2023-03-31", 2), None).unwrap();
        drop(ins);
        let first = get_actual(&conn, first).unwrap();
        let second = get_actual(&conn, second).unwrap();
        // 1 April opens FY 2024-25 (P1); 31 March 2023 closes FY 2022-23 (P12).
        assert_eq!((first.fy, first.period.number()), (fy(2024), 1));
        assert_eq!((second.fy, second.period.number()), (fy(2022), 12));
        assert_eq!((first.amount, second.amount), (pence(1), pence(2)));
        assert_eq!(second.batch_id, None);
    }
}

#[cfg(test)]
mod edit_tests {
    use super::*;
    use crate::store::entities::{self as e};
    use crate::store::open_in_memory;

    fn setup() -> (Connection, i64) {
        let conn = open_in_memory().unwrap();
        let mut c = conn;
        let tx = crate::store::write_tx(&mut c).unwrap();
        crate::io::demo::load_all(&tx).unwrap();
        tx.commit().unwrap();
        let phase = e::list_phases(&c, None).unwrap()[0].id;
        (c, phase)
    }

    fn actual(conn: &Connection, phase: i64, date: &str, pence: i64) -> i64 {
        e::add_actual(
            conn,
            &NewActual {
                phase_id: phase,
                contract_id: None,
                date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
                supplier: "Acme".into(),
                description: "laptops".into(),
                reference: "INV-1".into(),
                amount: Money::from_pence(pence),
            },
        )
        .unwrap()
    }

    #[test]
    fn edit_moves_date_and_refiles_period() {
        let (conn, phase) = setup();
        let id = actual(&conn, phase, "2017-10-15", 10_000);
        let a = edit_actual(
            &conn,
            id,
            None,
            &ActualEdit {
                date: Some(NaiveDate::from_ymd_opt(2018, 1, 3).unwrap()),
                amount: Some(Money::from_pence(25_000)),
                ..Default::default()
            },
        )
        .unwrap();
        // 3 January 2018 is in FY 2017-18, period 10 (April = P1, January = P10).
        assert_eq!(a.fy.label(), "2017-18");
        assert_eq!(a.period.label(), "P10");
        assert_eq!(a.amount, Money::from_pence(25_000));
        assert_eq!(a.supplier, "Acme");
        assert_eq!(a.version, 2);
        let ev = audit::last_change(&conn, "actual", id).unwrap().unwrap();
        assert_eq!(ev.action, "edit");
        assert!(ev.before.unwrap().contains("\"2017-10-15\""));
    }

    #[test]
    fn stale_edit_is_refused_with_who_and_when() {
        let (conn, phase) = setup();
        let id = actual(&conn, phase, "2017-10-15", 10_000);
        let read = get_actual(&conn, id).unwrap().version;
        let amount = |p| ActualEdit {
            amount: Some(Money::from_pence(p)),
            ..Default::default()
        };
        edit_actual(&conn, id, Some(read), &amount(1)).unwrap();
        let err = edit_actual(&conn, id, Some(read), &amount(2))
            .unwrap_err()
            .to_string();
        let who = crate::store::current_user();
        assert!(err.contains(&format!("changed by {who} at ")), "{err}");
        assert_eq!(get_actual(&conn, id).unwrap().amount, Money::from_pence(1));
    }

    #[test]
    fn closed_period_refuses_old_and_new_dates() {
        let (conn, phase) = setup();
        let inside = actual(&conn, phase, "2017-10-15", 10_000);
        let outside = actual(&conn, phase, "2017-11-15", 10_000);
        locks::close_period(
            &conn,
            FinancialYear::new(2017).unwrap(),
            Period::new(7).unwrap(),
        )
        .unwrap();
        let amount = ActualEdit {
            amount: Some(Money::from_pence(5)),
            ..Default::default()
        };
        let err = edit_actual(&conn, inside, None, &amount)
            .unwrap_err()
            .to_string();
        assert!(err.contains("closed through 2017-18 P7"), "{err}");
        let into = ActualEdit {
            date: Some(NaiveDate::from_ymd_opt(2017, 10, 31).unwrap()),
            ..Default::default()
        };
        let err = edit_actual(&conn, outside, None, &into)
            .unwrap_err()
            .to_string();
        assert!(err.contains("edited actual dated 31/10/2017"), "{err}");
        assert!(edit_actual(&conn, outside, None, &amount).is_ok());
    }
}
