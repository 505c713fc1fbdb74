//! Editing records in place (actuals, forecasts), for the command line and the TUI. Each edit runs
//! inside the caller's transaction, is refused when the record or its new values fall in a closed
//! period, is checked against the row version the editor read (a stale edit is refused naming who
//! changed the record and when), and records the before and after in the audit log.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::entities::{NewActual, check_actual_contract, get_actual, get_forecast};
use super::{Result, StoreError, audit, locks};
use crate::domain::model::{Actual, Forecast};
use crate::domain::{FinancialYear, Money, Period};

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
    conn: &Connection,
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
            new.date.format("%Y-%m-%d").to_string(),
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

/// Changes a forecast's amount and note, checked against the version the editor read. Refused when
/// the period it is entered as at is closed.
pub fn edit_forecast(
    conn: &Connection,
    id: i64,
    expected_version: Option<i64>,
    amount: Money,
    note: Option<&str>,
) -> Result<Forecast> {
    let before = get_forecast(conn, id).map_err(|e| match e {
        StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => StoreError::NotFound {
            field: "id".into(),
            what: "forecast",
            value: id.to_string(),
            hint: "; list them with `outturn forecast list`".into(),
        },
        e => e,
    })?;
    locks::ensure_open(conn, "a forecast as at", before.fy.period_end(before.as_at))?;
    locks::bump_version(
        conn,
        "forecast",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE forecast SET amount_pence = ?2, note = ?3 WHERE id = ?1",
        params![id, amount.pence(), note.unwrap_or(&before.note)],
    )?;
    let after = get_forecast(conn, id)?;
    audit::record(
        conn,
        "edit",
        "forecast",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
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
