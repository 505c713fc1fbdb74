//! Sorting the TUI's lists by their columns (`s` cycles the column, `S` reverses): the sort in
//! force on each list, the exact key of every cell (money by its value in pence, dates as dates,
//! figures as exact decimals, codes and words as text) and the stable reorderings. Pure: no
//! terminal, no database. The actuals are sorted by the database instead (see
//! `ops::browse`), their order kept in the filter.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::state::{BudgetData, ContractRow, Register, Tree};
use crate::domain::cabinet::AfterRag;
use crate::domain::calendar::uk_date;
use crate::domain::model::{Allocation, BudgetChange, BudgetSide, Decision};
use crate::domain::report::{Report, RowKind};
use crate::domain::{FinancialYear, Money};
use crate::io::table::Cell as TCell;
use crate::ops::types::AuditEvent;

/// A list's order: its column (an index into the list's column names) and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub col: usize,
    pub desc: bool,
}

impl Sort {
    /// The next column of a list of `n` columns, ascending (`s`): the first column when none is
    /// sorted, after the last the first again.
    pub fn next(s: Option<Sort>, n: usize) -> Sort {
        Sort {
            col: s.map_or(0, |s| (s.col + 1) % n.max(1)),
            desc: false,
        }
    }

    /// The same column the other way (`S`); the first column descending when none is sorted.
    pub fn reversed(s: Option<Sort>) -> Sort {
        match s {
            Some(s) => Sort {
                col: s.col,
                desc: !s.desc,
            },
            None => Sort { col: 0, desc: true },
        }
    }
}

/// Which budget table the sort is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetTable {
    Changes,
    Allocations,
}

/// The sort in force on each list (None: the order the list was read in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorts {
    pub tree: Option<Sort>,
    pub decisions: Option<Sort>,
    /// Budget: `s` runs through the changes' columns, then the allocations'.
    pub budget: Option<(BudgetTable, Sort)>,
    pub contracts: Option<Sort>,
    /// Report: the column is the CSV column (see `io::report::COLUMNS`).
    pub report: Option<Sort>,
    pub audit: Option<Sort>,
}

/// The column names of each list (the words of the screen's header and of its CSV).
pub const TREE: &[&str] = &["Code", "Name", "Status"];
pub const DECISIONS: &[&str] = &["Date", "Body", "Reference", "Outcome"];
pub const ALLOCATIONS: &[&str] = &["Id", "Phase", "In this year", "Years", "Status", "Decision"];
pub const CHANGES: &[&str] = &["Id", "Kind", "Amount", "From", "To", "Effective", "Status"];
pub const CONTRACTS: &[&str] = &[
    "Reference",
    "Supplier",
    "Value",
    "Paid to today",
    "Outstanding",
    "Framework ends",
];
pub const AUDIT: &[&str] = &["When", "Who", "Action", "Record", "Id"];
/// The columns the Actuals screen sorts by (in the database).
pub const ACTUALS: &[&str] = &["Date", "Amount", "Supplier"];

/// A cell's sort key. Within a column every key is of one kind (or empty, first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Empty,
    Int(i64),
    Num(Decimal),
    Money(Money),
    Date(NaiveDate),
    Text(String),
}

fn text(s: impl Into<String>) -> Key {
    Key::Text(s.into())
}

fn opt_text(s: &Option<String>) -> Key {
    s.as_ref().map_or(Key::Empty, |s| text(s.clone()))
}

/// The row indexes of a list of `len` rows in `sort`'s order: stable, so equal keys keep the
/// order they were read in (also descending).
pub fn order(len: usize, sort: Sort, key: impl Fn(usize) -> Key) -> Vec<usize> {
    let keys: Vec<Key> = (0..len).map(key).collect();
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|a, b| {
        let o = keys[*a].cmp(&keys[*b]);
        if sort.desc { o.reverse() } else { o }
    });
    idx
}

/// Reorders `v` to `order` (as [`order`] gives it).
pub fn permute<T>(v: &mut Vec<T>, order: &[usize]) {
    let mut taken: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        order
            .iter()
            .filter_map(|i| taken.get_mut(*i).and_then(Option::take)),
    );
}

/// A column header with the sort shown: `Amount ▲` ascending, `Amount ▼` descending.
pub fn header(name: &str, col: usize, sort: Option<Sort>) -> String {
    match sort {
        Some(s) if s.col == col => format!("{name} {}", arrow(s)),
        _ => name.to_string(),
    }
}

/// ▲ or ▼.
pub fn arrow(s: Sort) -> &'static str {
    if s.desc { "▼" } else { "▲" }
}

/// `sorted by Amount ▼` for a title.
pub fn label(names: &[&str], s: Sort) -> String {
    format!(
        "sorted by {} {}",
        names.get(s.col).unwrap_or(&"?"),
        arrow(s)
    )
}

fn decision_key(d: &Decision, col: usize) -> Key {
    match col {
        0 => Key::Date(d.date),
        1 => text(d.body.clone()),
        2 => text(d.reference.clone()),
        _ => text(d.outcome.clone()),
    }
}

/// An allocation's amount in year `fy` (the whole amount when it has no profile line there).
pub fn allocation_share(a: &Allocation, fy: FinancialYear) -> Money {
    a.profile
        .iter()
        .find(|p| p.fy == fy)
        .map(|p| p.amount)
        .unwrap_or(a.amount)
}

fn allocation_key(a: &Allocation, fy: FinancialYear, col: usize) -> Key {
    match col {
        0 => Key::Int(a.id),
        1 => text(format!("{}/{}", a.programme_code, a.phase_code)),
        2 => Key::Money(allocation_share(a, fy)),
        // Years as labels (`2022-23..2024-25`) sort as the years do.
        3 => text(a.first_fy.range_label(a.last_fy)),
        4 => text(a.status.to_string()),
        _ => opt_text(&a.decision_reference),
    }
}

/// A side of a budget change as the screen shows it: `PROG/PHASE 2022-23`, or `-`.
pub fn side(s: &Option<BudgetSide>) -> String {
    s.as_ref()
        .map(|s| format!("{}/{} {}", s.programme_code, s.phase_code, s.fy.label()))
        .unwrap_or_else(|| "-".into())
}

fn change_key(c: &BudgetChange, col: usize) -> Key {
    match col {
        0 => Key::Int(c.id),
        1 => text(c.kind.to_string()),
        2 => Key::Money(c.amount),
        3 => text(side(&c.from)),
        4 => text(side(&c.to)),
        5 => Key::Date(c.effective),
        _ => text(c.status.to_string()),
    }
}

fn contract_key(r: &ContractRow, col: usize) -> Key {
    match col {
        0 => text(r.contract.reference.clone()),
        1 => text(r.contract.supplier.clone()),
        2 => Key::Money(r.contract.value),
        3 => Key::Money(r.paid),
        4 => Key::Money(r.outstanding),
        _ => r.framework_end.map_or(Key::Empty, Key::Date),
    }
}

fn audit_key(e: &AuditEvent, col: usize) -> Key {
    match col {
        // The stamps are one ISO form in UTC: as text they sort as the instants do.
        0 => text(e.at.clone()),
        1 => text(e.who_label()),
        2 => text(e.action.clone()),
        3 => text(crate::domain::audit_words::kind_word(&e.entity)),
        _ => e.entity_id.map_or(Key::Empty, Key::Int),
    }
}

/// Sorts the decision register (and what each approved, row for row).
pub fn sort_register(r: &mut Register, s: Sort) {
    let o = order(r.decisions.len(), s, |i| {
        decision_key(&r.decisions[i], s.col)
    });
    permute(&mut r.decisions, &o);
    if r.approved.len() == o.len() {
        permute(&mut r.approved, &o);
    }
    if r.noted.len() == o.len() {
        permute(&mut r.noted, &o);
    }
}

/// Sorts the budget changes or the allocations.
pub fn sort_budget(b: &mut BudgetData, table: BudgetTable, s: Sort) {
    match table {
        BudgetTable::Changes => {
            let o = order(b.changes.len(), s, |i| change_key(&b.changes[i], s.col));
            permute(&mut b.changes, &o);
        }
        BudgetTable::Allocations => {
            let fy = b.fy;
            let o = order(b.allocations.len(), s, |i| {
                allocation_key(&b.allocations[i], fy, s.col)
            });
            permute(&mut b.allocations, &o);
        }
    }
}

/// Sorts the contracts.
pub fn sort_contracts(c: &mut Vec<ContractRow>, s: Sort) {
    let o = order(c.len(), s, |i| contract_key(&c[i], s.col));
    permute(c, &o);
}

/// Sorts the audit events.
pub fn sort_audit(e: &mut Vec<AuditEvent>, s: Sort) {
    let o = order(e.len(), s, |i| audit_key(&e[i], s.col));
    permute(e, &o);
}

/// Sorts the programmes, and each programme's phases, by code, name or status.
pub fn sort_tree(t: &mut Tree, s: Sort) {
    let o = order(t.programmes.len(), s, |i| {
        let p = &t.programmes[i];
        match s.col {
            0 => text(p.code.clone()),
            1 => text(p.name.clone()),
            _ => text(p.status.to_string()),
        }
    });
    permute(&mut t.programmes, &o);
    let o = order(t.phases.len(), s, |i| {
        let p = &t.phases[i];
        match s.col {
            0 => text(p.code.clone()),
            1 => text(p.name.clone()),
            _ => text(p.status.to_string()),
        }
    });
    permute(&mut t.phases, &o);
}

/// A report cell's key: a figure as its exact decimal, anything else as text.
fn report_cell_key(c: &TCell) -> Key {
    match c {
        TCell::Num(s) => s
            .parse::<Decimal>()
            .map(Key::Num)
            .unwrap_or_else(|_| text(s.clone())),
        TCell::Text(s) if s.is_empty() => Key::Empty,
        TCell::Text(s) => text(s.clone()),
    }
}

/// Sorts the report's phase rows within each programme by CSV column `s.col` (its cells as the
/// CSV holds them: money and percentages as exact decimals); each programme's total stays after
/// its phases and the grand total last. `after_rag` (row for row) follows.
pub fn sort_report(report: &mut Report, after_rag: &mut Vec<AfterRag>, s: Sort) {
    let table =
        crate::io::report::report_table(report, after_rag, crate::io::report::MoneyStyle::Plain);
    let key = |i: usize| {
        table
            .rows
            .get(i)
            .and_then(|r| r.get(s.col))
            .map_or(Key::Empty, report_cell_key)
    };
    let mut out: Vec<usize> = Vec::with_capacity(report.rows.len());
    let mut run: Vec<usize> = Vec::new();
    for (i, r) in report.rows.iter().enumerate() {
        if r.kind == RowKind::Phase {
            run.push(i);
            continue;
        }
        out.extend(sorted_run(&run, s, &key));
        run.clear();
        out.push(i);
    }
    out.extend(sorted_run(&run, s, &key));
    permute(&mut report.rows, &out);
    if after_rag.len() == out.len() {
        permute(after_rag, &out);
    }
}

fn sorted_run(run: &[usize], s: Sort, key: &impl Fn(usize) -> Key) -> Vec<usize> {
    let mut run = run.to_vec();
    run.sort_by(|a, b| {
        let o: Ordering = key(*a).cmp(&key(*b));
        if s.desc { o.reverse() } else { o }
    });
    run
}

/// `dd/mm/yyyy`, or empty.
pub fn opt_uk_date(d: Option<NaiveDate>) -> String {
    d.map(uk_date).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_money_by_value_and_dates_as_dates() {
        // £-12.50 < £3.05 < £20.00 (as text "20.00" < "3.05" would put 20 first).
        let m = |p| Key::Money(Money::from_pence(p));
        let keys = [m(2000), m(-1250), m(305)];
        let asc = order(
            3,
            Sort {
                col: 0,
                desc: false,
            },
            |i| keys[i].clone(),
        );
        assert_eq!(asc, vec![1, 2, 0]);
        let desc = order(3, Sort { col: 0, desc: true }, |i| keys[i].clone());
        assert_eq!(desc, vec![0, 2, 1]);
        // 09/12/2021 before 01/01/2022 (as text "01/01/2022" would come first).
        let d = |y, mo, da| Key::Date(NaiveDate::from_ymd_opt(y, mo, da).unwrap());
        assert!(d(2021, 12, 9) < d(2022, 1, 1));
        // Decimals exactly: 0.10 < 0.100000000000000001.
        let a: Decimal = "0.10".parse().unwrap();
        let b: Decimal = "0.100000000000000001".parse().unwrap();
        assert!(Key::Num(a) < Key::Num(b));
    }

    #[test]
    fn equal_keys_keep_their_order_both_ways() {
        let keys = ["b", "a", "b", "a"];
        let asc = order(
            4,
            Sort {
                col: 0,
                desc: false,
            },
            |i| text(keys[i]),
        );
        assert_eq!(asc, vec![1, 3, 0, 2]);
        let desc = order(4, Sort { col: 0, desc: true }, |i| text(keys[i]));
        assert_eq!(desc, vec![0, 2, 1, 3]);
        let mut v = vec!['w', 'x', 'y', 'z'];
        permute(&mut v, &asc);
        assert_eq!(v, vec!['x', 'z', 'w', 'y']);
    }

    #[test]
    fn s_cycles_and_capital_s_reverses() {
        let s = Sort::next(None, 3);
        assert_eq!(
            s,
            Sort {
                col: 0,
                desc: false
            }
        );
        let s = Sort::next(Some(Sort { col: 2, desc: true }), 3);
        assert_eq!(
            s,
            Sort {
                col: 0,
                desc: false
            }
        );
        assert_eq!(Sort::reversed(Some(s)), Sort { col: 0, desc: true });
        assert_eq!(
            header("Amount", 2, Some(Sort { col: 2, desc: true })),
            "Amount ▼"
        );
        assert_eq!(
            header("Amount", 1, Some(Sort { col: 2, desc: true })),
            "Amount"
        );
    }
}
