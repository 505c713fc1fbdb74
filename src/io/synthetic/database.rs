//! A synthetic database for benchmarks: programmes, phases, budgets, changes, contracts, forecasts
//! and actuals written through the store's own write functions, with the actuals on the bulk path
//! ([`e::insert_actual_row`]), from the one generator ([`Rng`]). Not used by the application
//! itself.

use crate::store::Handle;
use chrono::NaiveDate;

use super::rng::Rng;
use crate::domain::model::{AllocationStatus, ChangeKind, ChangeStatus, DeliveryStatus};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::{Result, entities as e};

/// The first financial year of the synthetic data (2015-16); it covers [`YEARS`] years.
pub const FIRST_FY: i32 = 2015;
/// How many financial years the synthetic data covers.
pub const YEARS: i32 = 5;

/// What [`fill_database`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillSummary {
    pub programmes: usize,
    pub phases: usize,
    pub contracts: usize,
    pub actuals: usize,
}

fn day(fy: i32, offset: i64) -> NaiveDate {
    FinancialYear::new(fy)
        .map(|y| y.start())
        .unwrap_or(NaiveDate::MIN)
        .checked_add_days(chrono::Days::new(offset.clamp(0, 364) as u64))
        .unwrap_or(NaiveDate::MIN)
}

/// Fills `conn` (inside the caller's transaction) with `programmes` x `phases_per_programme`
/// phases, each with an approved allocation in every one of the [`YEARS`] years from 2015-16,
/// a projected allocation and an approved reprofile on some, a contract on every fourth phase (with
/// an extension option), a forecast per year on every third, and `actuals` payments spread evenly
/// at random over the phases and years, a third of those on a phase with a contract paid against it.
/// The same arguments always give the same database.
pub fn fill_database(
    conn: &impl Handle,
    programmes: usize,
    phases_per_programme: usize,
    actuals: usize,
    seed: u64,
) -> Result<FillSummary> {
    let conn = conn.books();
    let mut rng = Rng::new(seed);
    let years: Vec<FinancialYear> = (FIRST_FY..FIRST_FY + YEARS)
        .filter_map(|y| FinancialYear::new(y).ok())
        .collect();
    // (phase id, contract id)
    let mut phases: Vec<(i64, Option<i64>)> = Vec::new();
    for p in 0..programmes {
        let programme_id = e::add_programme(
            conn,
            &e::NewProgramme {
                code: format!("SYN{p:03}"),
                name: format!("Synthetic programme {p}"),
                organisation: "Synthetic Council".into(),
                status: DeliveryStatus::Active,
            },
        )?;
        for h in 0..phases_per_programme {
            let index = phases.len();
            let phase_id = e::add_phase(
                conn,
                &e::NewPhase {
                    programme_id,
                    code: format!("PH{h:03}"),
                    name: format!("Synthetic phase {h} of programme {p}"),
                    status: DeliveryStatus::Active,
                    officer: None,
                },
            )?;
            for fy in &years {
                e::add_allocation(
                    conn,
                    &e::NewAllocation {
                        phase_id,
                        first_fy: *fy,
                        last_fy: *fy,
                        amount: Money::from_pence(rng.range(10_000_000, 200_000_000)),
                        status: AllocationStatus::Approved,
                        decision_id: None,
                        profile: None,
                        note: String::new(),
                    },
                )?;
            }
            if index.is_multiple_of(5) {
                e::add_allocation(
                    conn,
                    &e::NewAllocation {
                        phase_id,
                        first_fy: years[YEARS as usize - 2],
                        last_fy: years[YEARS as usize - 1],
                        amount: Money::from_pence(rng.range(10_000_000, 500_000_000)),
                        status: AllocationStatus::Projected,
                        decision_id: None,
                        profile: None,
                        note: String::new(),
                    },
                )?;
            }
            if index.is_multiple_of(7) {
                e::add_change(
                    conn,
                    &e::NewChange {
                        kind: ChangeKind::Reprofile,
                        amount: Money::from_pence(rng.range(100_000, 5_000_000)),
                        from: Some((phase_id, years[1])),
                        to: Some((phase_id, years[2])),
                        effective: day(FIRST_FY + 1, rng.range(0, 364)),
                        status: ChangeStatus::Approved,
                        decision_id: None,
                        reason: "Synthetic slippage".into(),
                    },
                )?;
            }
            let contract = if index.is_multiple_of(4) {
                Some(e::add_contract(
                    conn,
                    &e::NewContract {
                        reference: format!("SYN-C-{index:05}"),
                        title: format!("Synthetic contract {index}"),
                        supplier: format!("Supplier {} Ltd", index % 17),
                        phase_id,
                        framework_id: None,
                        value: Money::from_pence(rng.range(50_000_000, 900_000_000)),
                        start: day(FIRST_FY + rng.range(0, 2) as i32, rng.range(0, 364)),
                        term_months: rng.range(12, 48) as u32,
                        award_decision_id: None,
                        extensions: vec![e::NewExtension {
                            months: 12,
                            value: Money::ZERO,
                            decision_due: None,
                        }],
                        profile: Vec::new(),
                    },
                )?)
            } else {
                None
            };
            if index.is_multiple_of(3) {
                for fy in &years {
                    e::set_forecast(
                        conn,
                        &e::NewForecast {
                            phase_id,
                            fy: *fy,
                            as_at: Period::new(rng.range(1, 12) as u8).unwrap_or(Period::FIRST),
                            amount: Money::from_pence(rng.range(10_000_000, 200_000_000)),
                            note: String::new(),
                        },
                    )?;
                }
            }
            phases.push((phase_id, contract));
        }
    }
    if phases.is_empty() {
        return Ok(FillSummary {
            programmes,
            phases: 0,
            contracts: 0,
            actuals: 0,
        });
    }
    for i in 0..actuals {
        let (phase_id, contract) = phases[rng.range(0, phases.len() as i64 - 1) as usize];
        let fy = FIRST_FY + rng.range(0, i64::from(YEARS) - 1) as i32;
        let date = day(fy, rng.range(0, 364));
        // One line in fifty is a credit note.
        let mut pence = rng.range(100, 2_500_000);
        if rng.range(0, 49) == 0 {
            pence = -pence;
        }
        e::insert_actual_row(
            conn,
            &e::NewActual {
                phase_id,
                contract_id: contract,
                date,
                supplier: format!("Supplier {} Ltd", i % 97),
                description: "Synthetic payment".into(),
                reference: format!("SYN-{i:08}"),
                amount: Money::from_pence(pence),
            },
            None,
        )?;
    }
    Ok(FillSummary {
        programmes,
        phases: phases.len(),
        contracts: phases.iter().filter(|p| p.1.is_some()).count(),
        actuals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{cabinet, open_in_memory};

    #[test]
    fn the_same_seed_gives_the_same_figures() {
        let run = |seed| {
            let mut conn = open_in_memory().unwrap();
            let tx = conn.transaction().unwrap();
            let s = fill_database(&tx, 2, 4, 500, seed).unwrap();
            let (r, _) = cabinet::report(
                &tx,
                FinancialYear::new(2017).unwrap(),
                Period::new(7).unwrap(),
                None,
                None,
            )
            .unwrap();
            (s, crate::io::report::csv_string(&r))
        };
        let (s, a) = run(7);
        assert_eq!(
            s,
            FillSummary {
                programmes: 2,
                phases: 8,
                contracts: 2,
                actuals: 500
            }
        );
        assert_eq!(a, run(7).1);
        assert_ne!(a, run(8).1);
        // Eight phases with approved budgets in 2017-18 each get a row, plus 2 programme totals
        // and the grand total, plus the header: 12 lines.
        assert_eq!(a.lines().count(), 12);
    }
}
