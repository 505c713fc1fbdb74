//! Contracts: adding one with its extension options, listing them with their framework's end,
//! exercising an option, varying the value from a month, correcting the title, supplier,
//! framework or award decision, and deleting one no actual refers to (`outturn contract`, and
//! the TUI's Contracts screen). Each write is one audited transaction.

use chrono::NaiveDate;

use super::records::ExtensionValues;
use super::register::{Which, framework_id, named, opt_decision, phase_id};
use crate::domain::Money;
use crate::domain::model::Contract;
use crate::domain::profile::Month;
use crate::error::Field;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::entities as e;
use crate::store::{self, StoreError};

impl Which<'_> {
    /// The id of the contract meant.
    pub(crate) fn contract(self, tx: &impl Sql) -> store::Result<i64> {
        match self {
            Which::Id(id) => Ok(id),
            Which::Named { name, .. } => Ok(e::contract_ref(tx, name)
                .map_err(|err| named(err, Field::Contract))?
                .0),
        }
    }
}

/// A contract to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContract {
    /// Its unique reference.
    pub reference: String,
    /// What it is for.
    pub title: String,
    /// Who it is let to.
    pub supplier: String,
    /// The programme of a phase given by its code alone.
    pub programme: Option<String>,
    /// The phase it is let for: its code or `PROG/PHASE`.
    pub phase: String,
    /// The framework it is let under, by name.
    pub framework: Option<String>,
    /// The contract value (a ceiling).
    pub value: Money,
    /// Its start date.
    pub start: NaiveDate,
    /// Its term in months.
    pub term_months: u32,
    /// The award decision's reference.
    pub award_decision: Option<String>,
    /// Its extension options.
    pub extensions: Vec<ExtensionValues>,
    /// An explicit monthly profile; empty for the even split.
    pub profile: Vec<(Month, Money)>,
}

/// Adds a contract with its extension options; returns its id.
pub fn add(books: &mut impl Store, c: &NewContract) -> store::Result<i64> {
    books.write_step(|tx| add_in(tx, c))
}

/// [`add`] inside a transaction already open.
pub(crate) fn add_in(tx: &impl Sql, c: &NewContract) -> store::Result<i64> {
    let contract = e::NewContract {
        reference: c.reference.clone(),
        title: c.title.clone(),
        supplier: c.supplier.clone(),
        phase_id: phase_id(tx, c.programme.as_deref(), &c.phase, Field::Phase)?,
        framework_id: c
            .framework
            .as_deref()
            .map(|f| framework_id(tx, f, Field::Framework))
            .transpose()?,
        value: c.value,
        start: c.start,
        term_months: c.term_months,
        award_decision_id: opt_decision(tx, c.award_decision.as_deref())?,
        extensions: c
            .extensions
            .iter()
            .map(|x| e::NewExtension {
                months: x.months,
                value: x.value,
                decision_due: x.due,
            })
            .collect(),
        profile: c.profile.clone(),
    };
    e::add_contract(tx, &contract)
}

/// A contract as listed, with the end of its framework (its actual end, else its planned end).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedContract {
    /// The contract.
    pub contract: Contract,
    /// When its framework ends, if it is let under one that has an end.
    pub framework_end: Option<NaiveDate>,
}

/// The contracts (of programme `programme` when given), by reference, each with its framework's
/// end.
pub fn list(books: &impl Sql, programme: Option<&str>) -> store::Result<Vec<ListedContract>> {
    let programme_id = super::register::opt_programme(books, programme)?;
    let contracts = e::list_contracts(books, programme_id, None)?;
    let frameworks = e::list_frameworks(books)?;
    Ok(contracts
        .into_iter()
        .map(|contract| {
            let framework_end = contract
                .framework
                .as_ref()
                .and_then(|n| frameworks.iter().find(|f| &f.name == n))
                .and_then(|f| f.end());
            ListedContract {
                contract,
                framework_end,
            }
        })
        .collect())
}

/// An extension option to exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// The contract's reference; None when the option is given.
    pub contract: Option<String>,
    /// The option's id (default: the contract's first unexercised option).
    pub option: Option<i64>,
    /// Refuse if the option is no longer at this version.
    pub expected_version: Option<i64>,
    /// The value it adds (default: the option's estimate).
    pub value: Option<Money>,
    /// The decision exercising it.
    pub decision: Option<String>,
    /// The date it is exercised.
    pub date: NaiveDate,
}

/// What exercising an option did.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercised {
    /// The option exercised.
    pub option: i64,
    /// The value it added to the contract.
    pub added: Money,
    /// The contract afterwards.
    pub after: Contract,
}

/// Exercises an extension option: its value is profiled over its months after the current end.
pub fn exercise(books: &mut impl Store, x: &Exercise) -> store::Result<Exercised> {
    books.write_step(|tx| exercise_in(tx, x))
}

/// [`exercise`] inside a transaction already open.
pub(crate) fn exercise_in(tx: &impl Sql, x: &Exercise) -> store::Result<Exercised> {
    let before = match &x.contract {
        Some(reference) => Some(e::get_contract(tx, Which::named(reference).contract(tx)?)?),
        None => None,
    };
    let option = match (x.option, &before) {
        (Some(id), _) => id,
        (None, Some(k)) => k
            .extensions
            .iter()
            .find(|o| !o.exercised)
            .map(|o| o.id)
            .ok_or_else(|| {
                StoreError::Refused(format!(
                    "contract {} has no unexercised extension option",
                    x.contract.as_deref().unwrap_or_default()
                ))
            })?,
        (None, None) => {
            return Err(StoreError::invalid(
                "--option",
                "give the contract or the option to exercise",
            ));
        }
    };
    let decision = opt_decision(tx, x.decision.as_deref())?;
    let after = e::exercise_option(tx, option, x.expected_version, decision, x.value, x.date)?;
    let added = match &before {
        Some(k) => after.value - k.value,
        None => after
            .extensions
            .iter()
            .find(|o| o.id == option)
            .and_then(|o| o.exercised_value)
            .unwrap_or(Money::ZERO),
    };
    Ok(Exercised {
        option,
        added,
        after,
    })
}

/// A variation of a contract's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The new value.
    pub value: Money,
    /// The first month it takes effect (default: the contract's first month).
    pub effective: Option<Month>,
    /// The decision varying it.
    pub decision: Option<String>,
    /// Refuse if the contract is no longer at this version (default: as it is now).
    pub expected_version: Option<i64>,
    /// The date it is varied.
    pub date: NaiveDate,
}

/// What a variation did.
#[derive(Debug, Clone, PartialEq)]
pub struct Varied {
    /// The contract before.
    pub before: Contract,
    /// The contract afterwards.
    pub after: Contract,
    /// The first month the new value takes effect.
    pub effective: Month,
}

/// Varies contract `which`'s value from a month: the difference is spread from that month to
/// the end.
pub fn vary(books: &mut impl Store, which: Which, v: &Vary) -> store::Result<Varied> {
    books.write_step(|tx| vary_in(tx, which, v))
}

/// [`vary`] inside a transaction already open.
pub(crate) fn vary_in(tx: &impl Sql, which: Which, v: &Vary) -> store::Result<Varied> {
    let id = which.contract(tx)?;
    let before = e::get_contract(tx, id)?;
    let effective = v.effective.unwrap_or_else(|| Month::of(before.start));
    let decision = opt_decision(tx, v.decision.as_deref())?;
    let after = e::vary_contract(
        tx,
        id,
        v.expected_version.unwrap_or(before.version),
        v.value,
        effective,
        decision,
        v.date,
    )?;
    Ok(Varied {
        before,
        after,
        effective,
    })
}

/// A correction of a contract: None leaves a field as it is; `Some(None)` clears the framework
/// or the award decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContractChange {
    /// A new title.
    pub title: Option<String>,
    /// A new supplier.
    pub supplier: Option<String>,
    /// The framework, by name.
    pub framework: Option<Option<String>>,
    /// The award decision, by reference.
    pub award_decision: Option<Option<String>>,
}

/// Corrects contract `which`'s title, supplier, framework or award decision (no figure changes).
pub fn edit(
    books: &mut impl Store,
    which: Which,
    expected: Option<i64>,
    c: &ContractChange,
) -> store::Result<Contract> {
    books.write_step(|tx| edit_in(tx, which, expected, c))
}

/// [`edit`] inside a transaction already open.
pub(crate) fn edit_in(
    tx: &impl Sql,
    which: Which,
    expected: Option<i64>,
    c: &ContractChange,
) -> store::Result<Contract> {
    let id = which.contract(tx)?;
    let edit = e::ContractEdit {
        title: c.title.clone(),
        supplier: c.supplier.clone(),
        framework_id: c
            .framework
            .as_ref()
            .map(|f| {
                f.as_deref()
                    .map(|f| framework_id(tx, f, Field::Framework))
                    .transpose()
            })
            .transpose()?,
        award_decision_id: c
            .award_decision
            .as_ref()
            .map(|d| opt_decision(tx, d.as_deref()))
            .transpose()?,
    };
    e::edit_contract(tx, id, expected, &edit)
}

/// Deletes contract `which` while no actual refers to it.
pub fn delete(books: &mut impl Store, which: Which, expected: Option<i64>) -> store::Result<()> {
    books.write_step(|tx| delete_in(tx, which, expected))
}

/// [`delete`] inside a transaction already open.
pub(crate) fn delete_in(tx: &impl Sql, which: Which, expected: Option<i64>) -> store::Result<()> {
    let id = which.contract(tx)?;
    e::delete_contract(tx, id, expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::DeliveryStatus;
    use crate::ops::register::{self, NewPhase};
    use crate::ops::types::NewProgramme;
    use crate::store::Books;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Books with programme P, its phase A, and contract K (£1,000, 12 months from June 2025)
    /// with one 6-month option estimated at £100.
    fn books() -> Books {
        let mut books = Books::in_memory().unwrap();
        register::add_programme(
            &mut books,
            &NewProgramme {
                code: "P".into(),
                name: "Programme".into(),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap();
        register::add_phase(
            &mut books,
            &NewPhase {
                programme: "P".into(),
                code: "A".into(),
                name: "Phase".into(),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap();
        add(
            &mut books,
            &NewContract {
                reference: "K".into(),
                title: String::new(),
                supplier: "S".into(),
                programme: None,
                phase: "P/A".into(),
                framework: None,
                value: Money::from_pence(100_000),
                start: day(2025, 6, 1),
                term_months: 12,
                award_decision: None,
                extensions: vec![ExtensionValues {
                    months: 6,
                    value: Money::from_pence(10_000),
                    due: None,
                }],
                profile: Vec::new(),
            },
        )
        .unwrap();
        books
    }

    #[test]
    fn a_contract_named_by_reference_exercises_its_first_option_once() {
        let mut books = books();
        let x = Exercise {
            contract: Some("K".into()),
            option: None,
            expected_version: None,
            value: None,
            decision: None,
            date: day(2025, 7, 1),
        };
        let done = exercise(&mut books, &x).unwrap();
        assert_eq!(done.added, Money::from_pence(10_000));
        assert_eq!(done.after.value, Money::from_pence(110_000));
        assert_eq!(done.after.current_term_months(), 18);
        let err = exercise(&mut books, &x).unwrap_err();
        assert_eq!(
            err.to_string(),
            "contract K has no unexercised extension option"
        );
    }

    #[test]
    fn references_are_refused_in_the_field_they_were_given_in_and_nothing_changes() {
        let mut books = books();
        let change = ContractChange {
            award_decision: Some(Some("NOPE".into())),
            ..ContractChange::default()
        };
        let err = edit(&mut books, Which::named("K"), None, &change).unwrap_err();
        assert!(
            matches!(err.plain(), StoreError::NotFound { field: Field::Decision, value, .. } if value == "NOPE"),
            "{err}"
        );
        let err = delete(&mut books, Which::named("NOPE"), None).unwrap_err();
        assert!(
            matches!(
                err.plain(),
                StoreError::NotFound {
                    field: Field::Contract,
                    ..
                }
            ),
            "{err}"
        );
        let listed = list(&books, Some("P")).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].contract.version, 1);
        assert_eq!(listed[0].contract.award_decision_reference, None);
    }

    #[test]
    fn a_variation_without_a_month_takes_effect_from_the_first_month() {
        let mut books = books();
        let v = Vary {
            value: Money::from_pence(120_000),
            effective: None,
            decision: None,
            expected_version: None,
            date: day(2025, 6, 15),
        };
        let varied = vary(&mut books, Which::named("K"), &v).unwrap();
        assert_eq!(varied.effective, Month::of(day(2025, 6, 1)));
        assert_eq!(varied.before.value, Money::from_pence(100_000));
        assert_eq!(varied.after.value, Money::from_pence(120_000));
    }
}
