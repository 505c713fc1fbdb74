//! A contract after award: exercising an extension option (with its value), varying the value from
//! a month, correcting its title, supplier, framework or award decision, and deleting it while no
//! actual refers to it. The profile rules are in [`crate::domain::contract_terms`].

use crate::sql_params as params;
use crate::store::engine::sql::{Optional, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, not_found, required};
use super::contract::{contract_profile, get_contract};
use crate::domain::Money;
use crate::domain::model::Contract;
use crate::domain::profile::Month;
use crate::store::{Result, StoreError, audit, locks};

/// Exercises an extension option at its estimated value, today (the TUI's action).
pub fn exercise_extension(
    conn: &impl Sql,
    option_id: i64,
    expected_version: Option<i64>,
    decision_id: Option<i64>,
) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    exercise_option(conn, option_id, expected_version, decision_id, None, today).map(|_| ())
}

/// Exercises an extension option: its value (`value`, or the option's estimate) is added to the
/// contract and profiled evenly over the option's months after the current end, which moves on.
/// Refused only when those months lie in a closed period.
pub fn exercise_option(
    conn: &impl Sql,
    option_id: i64,
    expected_version: Option<i64>,
    decision_id: Option<i64>,
    value: Option<Money>,
    on: NaiveDate,
) -> Result<Contract> {
    let option_not_found = || {
        not_found(
            "--option",
            "extension option",
            &option_id.to_string(),
            String::new(),
        )
    };
    let contract_id: i64 = conn
        .query_row(
            "SELECT contract_id FROM extension_option WHERE id = ?1",
            [option_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(option_not_found)?;
    let before = get_contract(conn, contract_id)?;
    let opt = before
        .extensions
        .iter()
        .find(|e| e.id == option_id)
        .ok_or_else(option_not_found)?;
    if opt.exercised {
        return Err(StoreError::Refused(format!(
            "extension option {option_id} of {} is already exercised",
            before.reference
        )));
    }
    let value = value.unwrap_or(opt.value);
    if value.is_negative() {
        return Err(StoreError::invalid(
            "--value",
            format!("'{}' is negative", value.plain()),
        ));
    }
    locks::bump_version(
        conn,
        "extension_option",
        option_id,
        expected_version.unwrap_or(opt.version),
    )?;
    conn.execute(
        "UPDATE extension_option SET exercised = 1, decision_id = coalesce(?2, decision_id),
             exercised_value_pence = ?3, exercised_on = ?4, seq = ?5 WHERE id = ?1",
        params![
            option_id,
            decision_id,
            value.pence(),
            iso(on),
            before.next_seq()
        ],
    )?;
    conn.execute(
        "UPDATE contract SET value_pence = value_pence + ?2, version = version + 1 WHERE id = ?1",
        params![contract_id, value.pence()],
    )?;
    let after = get_contract(conn, contract_id)?;
    super::contract::ensure_supported_months(&after, "--option")?;
    locks::ensure_profile_open(
        conn,
        &format!("exercising this option of contract {}", before.reference),
        &contract_profile(conn, &before)?,
        &contract_profile(conn, &after)?,
    )?;
    audit::record(
        conn,
        "exercise",
        "contract",
        Some(contract_id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// A variation as the audit log shows it: the old and new value and the month it takes effect.
#[derive(Serialize)]
struct VariationAudit<'a> {
    old_value: Money,
    new_value: Money,
    effective: String,
    contract: &'a Contract,
}

/// Varies a contract's value from `effective`: the difference is spread evenly over the months
/// from `effective` to the end of the term (the last month takes the remainder); months before
/// never change. Effective after the end of the term (a final account agreed late), the whole
/// difference goes in that month (a new value below the old one there lowers what the contract
/// commits). Refused when `effective` is in a closed period or before the start, or, within the
/// term, when the months before it already hold more than the new value.
pub fn vary_contract(
    conn: &impl Sql,
    id: i64,
    expected_version: i64,
    new_value: Money,
    effective: Month,
    decision_id: Option<i64>,
    on: NaiveDate,
) -> Result<Contract> {
    let before = get_contract(conn, id)?;
    if new_value.is_negative() {
        return Err(StoreError::invalid(
            "--value",
            format!("'{}' is negative", new_value.plain()),
        ));
    }
    if new_value == before.value {
        return Err(StoreError::invalid(
            "--value",
            format!(
                "{} is already the value of contract {}",
                new_value.full(),
                before.reference
            ),
        ));
    }
    let (first, last) = (Month::of(before.start), before.end_month());
    if effective < first {
        return Err(StoreError::invalid(
            "--effective",
            format!(
                "{} is before the start of contract {} ({} to {})",
                effective.key(),
                before.reference,
                first.key(),
                last.key()
            ),
        ));
    }
    if let Some(lock) = locks::locked_through(conn)?
        && effective.first_day() <= lock
    {
        return Err(locks::closed_error(
            conn,
            &format!("a variation of contract {} effective", before.reference),
            effective.first_day(),
        ));
    }
    let profile = contract_profile(conn, &before)?;
    let held: Money = profile
        .iter()
        .filter(|(m, _)| *m < effective)
        .map(|(_, a)| *a)
        .sum();
    if effective <= last && new_value < held {
        return Err(StoreError::invalid(
            "--value",
            format!(
                "{} is less than the {} the months before {} already hold",
                new_value.full(),
                held.full(),
                effective.key()
            ),
        ));
    }
    locks::bump_version(conn, "contract", id, expected_version)?;
    conn.execute(
        "INSERT INTO contract_variation(contract_id, seq, effective_month, old_value_pence, new_value_pence, decision_id, varied_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            before.next_seq(),
            effective.key(),
            before.value.pence(),
            new_value.pence(),
            decision_id,
            iso(on)
        ],
    )?;
    conn.execute(
        "UPDATE contract SET value_pence = ?2 WHERE id = ?1",
        params![id, new_value.pence()],
    )?;
    let after = get_contract(conn, id)?;
    locks::ensure_profile_open(
        conn,
        &format!("the new value of contract {}", before.reference),
        &profile,
        &contract_profile(conn, &after)?,
    )?;
    audit::record(
        conn,
        "vary",
        "contract",
        Some(id),
        Some(&before),
        Some(&VariationAudit {
            old_value: before.value,
            new_value,
            effective: effective.key(),
            contract: &after,
        }),
    )?;
    Ok(after)
}

/// What `contract edit` may correct; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ContractEdit {
    pub title: Option<String>,
    pub supplier: Option<String>,
    pub framework_id: Option<Option<i64>>,
    pub award_decision_id: Option<Option<i64>>,
}

/// Corrects a contract's title, supplier, framework or award decision (no figure changes).
pub fn edit_contract(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    e: &ContractEdit,
) -> Result<Contract> {
    let before = get_contract(conn, id)?;
    if let Some(s) = &e.supplier {
        required("--supplier", s)?;
    }
    locks::bump_version(
        conn,
        "contract",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE contract SET title = coalesce(?2, title), supplier = coalesce(?3, supplier),
             framework_id = CASE WHEN CAST(?4 AS BIGINT) <> 0 THEN ?5 ELSE framework_id END,
             award_decision_id = CASE WHEN CAST(?6 AS BIGINT) <> 0 THEN ?7 ELSE award_decision_id END
         WHERE id = ?1",
        params![
            id,
            e.title.as_deref().map(str::trim),
            e.supplier.as_deref().map(str::trim),
            i64::from(e.framework_id.is_some()),
            e.framework_id.flatten(),
            i64::from(e.award_decision_id.is_some()),
            e.award_decision_id.flatten()
        ],
    )?;
    let after = get_contract(conn, id)?;
    audit::record(
        conn,
        "edit",
        "contract",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Deletes a contract (with its options, variations and explicit profile) while no actual refers
/// to it and its profile puts nothing into a closed period.
pub fn delete_contract(conn: &impl Sql, id: i64, expected_version: Option<i64>) -> Result<()> {
    let before = get_contract(conn, id)?;
    let actuals: i64 = conn.query_row(
        "SELECT count(*) FROM actual WHERE contract_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if actuals > 0 {
        return Err(StoreError::Refused(format!(
            "contract {} cannot be deleted: {actuals} actual(s) refer to it",
            before.reference
        ))
        .with_fix(crate::error::Fix::MoveActuals));
    }
    locks::ensure_profile_open(
        conn,
        &format!("deleting contract {}", before.reference),
        &contract_profile(conn, &before)?,
        &[],
    )?;
    locks::bump_version(
        conn,
        "contract",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute("DELETE FROM contract WHERE id = ?1", [id])?;
    audit::record(
        conn,
        "delete",
        "contract",
        Some(id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MIGRATIONS, migrate};
    use rusqlite::Connection;

    #[test]
    fn version_4_keeps_varied_values_exercised_options_forecasts_and_changes() {
        let conn = Connection::open_in_memory().unwrap();
        for step in &MIGRATIONS[..3] {
            conn.execute_batch(step).unwrap();
        }
        // engine: SQLite only (the SQLite migration steps and their user_version pragma)
        conn.pragma_update(None, "user_version", 3).unwrap();
        // Before step 4: a contract varied from £1,200.00 to £1,300.00 (value_pence held the
        // varied base) with a 2-month option of £50.00 exercised; forecasts as at P5 and P11.
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');
             INSERT INTO contract(id, reference, title, supplier, phase_id, value_pence, original_value_pence, start_date, term_months)
                 VALUES (1, 'C', 'C', 'S', 1, 130000, 120000, '2017-04-01', 12);
             INSERT INTO extension_option(id, contract_id, months, value_pence, exercised) VALUES (1, 1, 2, 5000, 1);
             INSERT INTO forecast(id, phase_id, fy, as_at_period, amount_pence) VALUES (1, 1, 2017, 5, 10), (2, 1, 2017, 11, 20);
             INSERT INTO budget_change(id, kind, amount_pence, to_phase_id, to_fy, effective_date, status)
                 VALUES (1, 'addition', 100, 1, 2017, '2017-06-01', 'proposed');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let c = get_contract(&conn, 1).unwrap();
        // The whole value now: 1,300.00 + 50.00; the variation from April 2017 (+100.00), first.
        assert_eq!(c.value, Money::from_pence(135_000));
        assert_eq!(c.variations.len(), 1);
        assert_eq!(
            (c.variations[0].seq, c.variations[0].effective.key()),
            (0, "2017-04".to_string())
        );
        assert_eq!(
            c.extensions[0].exercised_value,
            Some(Money::from_pence(5000))
        );
        // Profile: 120,000p / 12 = 10,000p plus 10,000p / 12 = 833p (April-February) and 837p
        // (March); then 2,500p in April and May 2018.
        let p = contract_profile(&conn, &c).unwrap();
        assert_eq!(p.len(), 14);
        assert_eq!(p[0].1, Money::from_pence(10_833));
        assert_eq!(p[11].1, Money::from_pence(10_837));
        assert_eq!(p[12].1, Money::from_pence(2_500));
        let total: Money = p.iter().map(|(_, a)| *a).sum();
        assert_eq!(total, Money::from_pence(135_000));
        // Forecasts as at the end of their period: P5 = 31/08/2017, P11 = 28/02/2018.
        let dates: Vec<String> = conn
            .prepare("SELECT as_at_date FROM forecast ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(dates, ["2017-08-31", "2018-02-28"]);
        let status: String = conn
            .query_row("SELECT status FROM budget_change WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(status, "proposed");
    }
}
