//! Contracts: adding one with its extension options and any explicit monthly profile, reading
//! them, the monthly profile, exercising an option and varying the value.

use crate::domain::calendar::date_supported;
use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Params, Row, Sql};
use chrono::NaiveDate;
use serde::Serialize;

use super::common::{iso, required, the_one, within};
use super::refs::contract_ref;
use super::rows::{bad_col, date_at, money_at, opt_date_at, rows as collect};
use crate::domain::Money;
use crate::domain::contract_terms::profile_with_events;
use crate::domain::model::{Contract, ContractVariation, ExtensionOption};
use crate::domain::profile::Month;
use crate::domain::text::MAX_TEXT;
use crate::store::{Result, StoreError, audit, locks};

/// An extension option to add with a contract.
#[derive(Debug, Clone, Serialize)]
pub struct NewExtension {
    pub months: u32,
    pub value: Money,
    pub decision_due: Option<NaiveDate>,
}

/// A contract to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewContract {
    pub reference: String,
    pub title: String,
    pub supplier: String,
    pub phase_id: i64,
    pub framework_id: Option<i64>,
    pub value: Money,
    pub start: NaiveDate,
    pub term_months: u32,
    pub award_decision_id: Option<i64>,
    pub extensions: Vec<NewExtension>,
    /// An explicit monthly profile; empty for the even split.
    pub profile: Vec<(Month, Money)>,
}

/// Adds a contract with its extension options and any explicit profile.
pub fn add_contract(conn: &impl Sql, c: &NewContract) -> Result<i64> {
    required("--reference", &c.reference)?;
    required("--supplier", &c.supplier)?;
    within("--reference", &c.reference, MAX_TEXT)?;
    within("--title", &c.title, MAX_TEXT)?;
    within("--supplier", &c.supplier, MAX_TEXT)?;
    if c.value.is_negative() {
        return Err(StoreError::invalid(
            "--value",
            format!(
                "'{}' is negative: a contract value is a ceiling",
                c.value.plain()
            ),
        ));
    }
    if c.term_months == 0 || c.term_months > 600 {
        return Err(StoreError::invalid(
            "--term",
            format!("'{}' months: a term runs 1 to 600 months", c.term_months),
        ));
    }
    if contract_ref(conn, &c.reference).is_ok() {
        return Err(StoreError::invalid(
            "--reference",
            format!("contract '{}' already exists", c.reference.trim()),
        ));
    }
    if !c.profile.is_empty() {
        let total: Money = c.profile.iter().map(|(_, m)| *m).sum();
        if total != c.value {
            return Err(StoreError::invalid(
                "--profile",
                format!(
                    "the months add up to {}, not the value {}",
                    total.full(),
                    c.value.full()
                ),
            ));
        }
    }
    locks::ensure_open(conn, "a contract starting", c.start)?;
    let id: i64 = conn.query_row(
        "INSERT INTO contract(reference, title, supplier, phase_id, framework_id, value_pence, original_value_pence, start_date, term_months, award_decision_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9) RETURNING id",
        params![
            c.reference.trim(),
            c.title.trim(),
            c.supplier.trim(),
            c.phase_id,
            c.framework_id,
            c.value.pence(),
            iso(c.start),
            i64::from(c.term_months),
            c.award_decision_id
        ],
        |r| r.get(0),
    )?;
    for e in &c.extensions {
        if e.months == 0 || e.months > 600 {
            return Err(StoreError::invalid(
                "--extension",
                format!("'{}' months: an extension runs 1 to 600 months", e.months),
            ));
        }
        conn.execute(
            "INSERT INTO extension_option(contract_id, months, value_pence, decision_due) VALUES (?1, ?2, ?3, ?4)",
            params![id, i64::from(e.months), e.value.pence(), e.decision_due.map(iso)],
        )?;
    }
    for (m, a) in &c.profile {
        conn.execute(
            "INSERT INTO contract_profile(contract_id, month, amount_pence) VALUES (?1, ?2, ?3)",
            params![id, m.key(), a.pence()],
        )?;
    }
    let after = get_contract(conn, id)?;
    ensure_supported_months(&after, "--term")?;
    audit::record(conn, "add", "contract", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

const CONTRACT_SELECT: &str = "SELECT c.id, c.reference, c.title, c.supplier, c.phase_id, pr.code, ph.code, f.name, c.value_pence, c.original_value_pence, c.start_date, c.term_months, d.reference, c.version
    FROM contract c JOIN phase ph ON ph.id = c.phase_id JOIN programme pr ON pr.id = ph.programme_id
    LEFT JOIN framework f ON f.id = c.framework_id LEFT JOIN decision d ON d.id = c.award_decision_id";

/// A contract row of [`CONTRACT_SELECT`], its extension options still empty.
/// Refuses a contract whose term (with the options exercised) runs past the supported years: its
/// every month must fall on or before March 3000, the end of 2999-00. `field` names the option
/// that took it there.
pub(super) fn ensure_supported_months(c: &Contract, field: &str) -> Result<()> {
    let end = c.end_month();
    if date_supported(end.first_day()) {
        return Ok(());
    }
    Err(StoreError::invalid(
        field,
        format!(
            "contract {} would run to {}, past the supported years (they end in March 3000): \
             shorten the term or start it earlier",
            c.reference,
            end.key()
        ),
    ))
}

fn contract_row(r: &Row<'_>) -> DbResult<Contract> {
    Ok(Contract {
        id: r.get(0)?,
        reference: r.get(1)?,
        title: r.get(2)?,
        supplier: r.get(3)?,
        phase_id: r.get(4)?,
        programme_code: r.get(5)?,
        phase_code: r.get(6)?,
        framework: r.get(7)?,
        value: money_at(r, 8)?,
        original_value: money_at(r, 9)?,
        start: date_at(r, 10)?,
        term_months: r.get(11)?,
        award_decision_reference: r.get(12)?,
        extensions: Vec::new(),
        variations: Vec::new(),
        version: r.get(13)?,
    })
}

fn extension_row(r: &Row<'_>) -> DbResult<ExtensionOption> {
    Ok(ExtensionOption {
        id: r.get(0)?,
        contract_id: r.get(1)?,
        months: r.get(2)?,
        value: money_at(r, 3)?,
        decision_due: opt_date_at(r, 4)?,
        exercised: r.get(5)?,
        decision_reference: r.get(6)?,
        version: r.get(7)?,
        exercised_value: r.get::<_, Option<i64>>(8)?.map(Money::from_pence),
        exercised_on: opt_date_at(r, 9)?,
        seq: r.get(10)?,
    })
}

fn variation_row(r: &Row<'_>) -> DbResult<ContractVariation> {
    let month: String = r.get(2)?;
    Ok(ContractVariation {
        id: r.get(0)?,
        seq: r.get(1)?,
        effective: Month::parse_key(&month)
            .ok_or_else(|| bad_col(2, format!("'{month}' is not a month")))?,
        old_value: money_at(r, 3)?,
        new_value: money_at(r, 4)?,
        decision_reference: r.get(5)?,
        varied_on: date_at(r, 6)?,
    })
}

fn contracts_where(conn: &impl Sql, filter: &str, p: impl Params) -> Result<Vec<Contract>> {
    let mut out = collect(
        conn,
        &format!("{CONTRACT_SELECT} {filter} ORDER BY c.reference"),
        p,
        contract_row,
    )?;
    for c in &mut out {
        c.extensions = collect(
            conn,
            "SELECT e.id, e.contract_id, e.months, e.value_pence, e.decision_due, e.exercised, d.reference, e.version,
                    e.exercised_value_pence, e.exercised_on, e.seq
             FROM extension_option e LEFT JOIN decision d ON d.id = e.decision_id WHERE e.contract_id = ?1 ORDER BY e.id",
            [c.id],
            extension_row,
        )?;
        c.variations = collect(
            conn,
            "SELECT v.id, v.seq, v.effective_month, v.old_value_pence, v.new_value_pence, d.reference, v.varied_on
             FROM contract_variation v LEFT JOIN decision d ON d.id = v.decision_id WHERE v.contract_id = ?1 ORDER BY v.seq",
            [c.id],
            variation_row,
        )?;
    }
    Ok(out)
}

/// One contract by id.
pub fn get_contract(conn: &impl Sql, id: i64) -> Result<Contract> {
    the_one(
        contracts_where(conn, "WHERE c.id = ?1", [id])?,
        "contract",
        id,
    )
}

/// Contracts, optionally of one programme or phase, by reference.
pub fn list_contracts(
    conn: &impl Sql,
    programme_id: Option<i64>,
    phase_id: Option<i64>,
) -> Result<Vec<Contract>> {
    contracts_where(
        conn,
        "WHERE (CAST(?1 AS BIGINT) IS NULL OR ph.programme_id = ?1)
         AND (CAST(?2 AS BIGINT) IS NULL OR c.phase_id = ?2)",
        params![programme_id, phase_id],
    )
}

/// The explicit monthly profile of a contract (empty when it uses the even split).
pub fn contract_explicit_profile(conn: &impl Sql, contract_id: i64) -> Result<Vec<(Month, Money)>> {
    let rows = collect(
        conn,
        "SELECT month, amount_pence FROM contract_profile WHERE contract_id = ?1 ORDER BY month",
        [contract_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, p)| Month::parse_key(&m).map(|m| (m, Money::from_pence(p))))
        .collect())
}

/// The full monthly profile of a contract: the original value over the original term (or the
/// explicit profile), then its exercises and variations in order ([`profile_with_events`]).
pub fn contract_profile(conn: &impl Sql, c: &Contract) -> Result<Vec<(Month, Money)>> {
    let explicit = contract_explicit_profile(conn, c.id)?;
    Ok(profile_with_events(
        c.start,
        c.term_months,
        c.original_value,
        &explicit,
        &c.events(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::contract_life::{exercise_extension, vary_contract};
    use crate::store::entities::test_support::{date, db_with_phase, pence};

    fn contract(phase_id: i64, reference: &str, value: i64, term_months: u32) -> NewContract {
        NewContract {
            reference: reference.into(),
            title: "Build".into(),
            supplier: "Acme Ltd".into(),
            phase_id,
            framework_id: None,
            value: pence(value),
            start: date("2024-04-15"),
            term_months,
            award_decision_id: None,
            extensions: Vec::new(),
            profile: Vec::new(),
        }
    }

    fn month(year: i32, month: u32) -> Month {
        Month { year, month }
    }

    fn in_pence(profile: &[(Month, Money)]) -> Vec<(String, i64)> {
        profile.iter().map(|(m, a)| (m.key(), a.pence())).collect()
    }

    #[test]
    fn the_monthly_profile_splits_the_value_then_adds_exercised_extensions() {
        let (conn, a) = db_with_phase();
        let mut c = contract(a, "C-1", 100_000, 3);
        c.extensions = vec![NewExtension {
            months: 2,
            value: pence(50_001),
            decision_due: Some(date("2024-06-01")),
        }];
        let id = add_contract(&conn, &c).unwrap();
        let got = get_contract(&conn, id).unwrap();
        assert_eq!(contract_ref(&conn, "C-1").unwrap(), (id, a));
        assert_eq!(
            (got.value, got.original_value),
            (pence(100_000), pence(100_000))
        );
        // £1,000.00 over April to June: 100,000p / 3 = 33,333p, June taking the spare penny.
        let base = [
            ("2024-04".to_string(), 33_333),
            ("2024-05".to_string(), 33_333),
            ("2024-06".to_string(), 33_334),
        ];
        assert_eq!(in_pence(&contract_profile(&conn, &got).unwrap()), base);
        // An option counts only once exercised: £500.01 over July and August, 25,000p and 25,001p.
        exercise_extension(&conn, got.extensions[0].id, None, None).unwrap();
        let after = get_contract(&conn, id).unwrap();
        assert!(after.extensions[0].exercised);
        // The value now includes the option: 100,000p + 50,001p; the term 3 + 2 = 5 months.
        assert_eq!(
            (after.value, after.current_term_months()),
            (pence(150_001), 5)
        );
        let mut extended = base.to_vec();
        extended.push(("2024-07".into(), 25_000));
        extended.push(("2024-08".into(), 25_001));
        assert_eq!(
            in_pence(&contract_profile(&conn, &after).unwrap()),
            extended
        );
        let err = exercise_extension(&conn, got.extensions[0].id, None, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "extension option {} of C-1 is already exercised",
                got.extensions[0].id
            )
        );
    }

    #[test]
    fn a_variation_spreads_from_its_month_over_even_and_explicit_profiles() {
        let (conn, a) = db_with_phase();
        let id = add_contract(&conn, &contract(a, "EVEN", 120_000, 12)).unwrap();
        vary_contract(
            &conn,
            id,
            1,
            pence(132_000),
            month(2024, 4),
            None,
            date("2024-04-01"),
        )
        .unwrap();
        let got = get_contract(&conn, id).unwrap();
        assert_eq!(
            (got.value, got.original_value),
            (pence(132_000), pence(120_000))
        );
        // From the first month: £1,200.00 / 12 = £100.00 plus £120.00 / 12 = £10.00, £110.00 a month.
        let profile = contract_profile(&conn, &got).unwrap();
        assert_eq!(profile.len(), 12);
        assert!(profile.iter().all(|(_, m)| *m == pence(11_000)));

        let mut explicit = contract(a, "SHAPED", 100_000, 2);
        explicit.profile = vec![
            (month(2024, 4), pence(10_000)),
            (month(2024, 5), pence(80_000)),
        ];
        let err = add_contract(&conn, &explicit).unwrap_err().to_string();
        assert_eq!(
            err,
            "--profile: the months add up to £900.00, not the value £1,000.00"
        );
        explicit.profile[1].1 = pence(90_000);
        let shaped = add_contract(&conn, &explicit).unwrap();
        assert_eq!(
            in_pence(&contract_explicit_profile(&conn, shaped).unwrap()),
            [
                ("2024-04".to_string(), 10_000),
                ("2024-05".to_string(), 90_000)
            ]
        );
        // A variation from May adds its £100.00 to May only; April's explicit £100.00 stays.
        vary_contract(
            &conn,
            shaped,
            1,
            pence(110_000),
            month(2024, 5),
            None,
            date("2024-04-01"),
        )
        .unwrap();
        let got = get_contract(&conn, shaped).unwrap();
        assert_eq!(
            in_pence(&contract_profile(&conn, &got).unwrap()),
            [
                ("2024-04".to_string(), 10_000),
                ("2024-05".to_string(), 100_000)
            ]
        );
        let listed: Vec<String> = list_contracts(&conn, None, Some(a))
            .unwrap()
            .into_iter()
            .map(|c| c.reference)
            .collect();
        assert_eq!(listed, ["EVEN", "SHAPED"]);
    }
}
