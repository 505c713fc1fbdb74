//! The movement bridge: why a phase's revised budget moved from one report to another, by cause.
//! Pure: it compares the budget lines (approved allocations and the sides of approved budget
//! changes) that made up each revised budget at the two reports. A line present at the later
//! report and not the earlier one moved the budget by its amount; a line gone moved it back; a
//! line whose amount changed (an approved allocation reprofiled) moved it by the difference. So an
//! approval decided between the two reports counts whatever its effective date, and a change
//! effective after the earlier report's period counts once it is inside the later one.
//! Anything the lines cannot explain (which a consistent pair of reports never has) is `other`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::ChangeKind;
use super::money::Money;
use super::report::RowKind;

/// What a budget line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum LineSource {
    /// An approved allocation (its profile for the year).
    Allocation,
    /// One side of an approved budget change.
    Change(ChangeKind),
}

/// One line of a phase's revised budget in a year: signed (money out of the phase is negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub phase_id: i64,
    pub source: LineSource,
    /// The allocation's or the change's id.
    pub record_id: i64,
    pub amount: Money,
}

/// A report's position: each phase's revised budget and the lines it is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// Revised budget by phase id, as the report shows it.
    pub revised: BTreeMap<i64, Money>,
    pub lines: Vec<BudgetLine>,
}

/// The causes of a movement, in the order they are shown.
pub const CAUSES: [&str; 7] = [
    "New approvals",
    "Additions",
    "Reductions",
    "Reprofiles in",
    "Reprofiles out",
    "Virements in",
    "Virements out",
];

/// One phase's (or a total's) bridge from one report to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Bridge {
    pub from_revised: Money,
    /// By cause, in the order of [`CAUSES`].
    pub causes: [Money; 7],
    /// What the lines do not explain: to - from - the causes (zero for consistent reports).
    pub other: Money,
    pub to_revised: Money,
}

impl Bridge {
    /// The movement in revised budget: to - from (always the causes plus other).
    pub fn movement(&self) -> Money {
        self.to_revised - self.from_revised
    }

    /// Adds another bridge into this one (totals add up their rows).
    pub fn add(&mut self, o: &Bridge) {
        self.from_revised += o.from_revised;
        self.to_revised += o.to_revised;
        self.other += o.other;
        for (a, b) in self.causes.iter_mut().zip(o.causes) {
            *a += b;
        }
    }
}

/// The cause a line's movement counts under: by its kind, and for reprofiles and virements by
/// whether the line brings money into the phase (in) or takes it out (out).
fn cause(line: &BudgetLine) -> usize {
    let incoming = !line.amount.is_negative();
    match line.source {
        LineSource::Allocation => 0,
        LineSource::Change(ChangeKind::Addition) => 1,
        LineSource::Change(ChangeKind::Reduction) => 2,
        LineSource::Change(ChangeKind::Reprofile) => {
            if incoming {
                3
            } else {
                4
            }
        }
        LineSource::Change(ChangeKind::Virement) => {
            if incoming {
                5
            } else {
                6
            }
        }
    }
}

/// The bridge of every phase that has a revised budget or a line at either report, by phase id.
pub fn bridge(from: &Position, to: &Position) -> BTreeMap<i64, Bridge> {
    type Key = (i64, LineSource, i64);
    let index = |p: &Position| -> BTreeMap<Key, BudgetLine> {
        let mut m = BTreeMap::new();
        for l in &p.lines {
            m.entry((l.phase_id, l.source, l.record_id))
                .and_modify(|e: &mut BudgetLine| e.amount += l.amount)
                .or_insert(*l);
        }
        m
    };
    let (before, after) = (index(from), index(to));
    let mut out: BTreeMap<i64, Bridge> = BTreeMap::new();
    for (id, v) in &from.revised {
        out.entry(*id).or_default().from_revised = *v;
    }
    for (id, v) in &to.revised {
        out.entry(*id).or_default().to_revised = *v;
    }
    let keys: std::collections::BTreeSet<&Key> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let was = before.get(key);
        let now = after.get(key);
        let delta = now.map_or(Money::ZERO, |l| l.amount) - was.map_or(Money::ZERO, |l| l.amount);
        let Some(line) = now.or(was) else { continue };
        if !delta.is_zero() {
            out.entry(key.0).or_default().causes[cause(line)] += delta;
        }
    }
    for b in out.values_mut() {
        let explained: Money = b.causes.iter().sum();
        b.other = b.movement() - explained;
    }
    out
}

/// A row of the movement bridge: a phase, a programme total or the grand total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementRow {
    pub kind: RowKind,
    pub programme_code: String,
    pub phase_code: String,
    pub phase_name: String,
    pub bridge: Bridge,
}

/// The phase rows (sorted by programme, then phase) with a `Programme total` after each
/// programme's phases and a `Grand total` at the end, each adding up its rows exactly.
pub fn with_totals(phases: Vec<MovementRow>) -> Vec<MovementRow> {
    let mut out = Vec::new();
    let mut grand = Bridge::default();
    let mut current: Option<(String, Bridge)> = None;
    let total = |code: String, b: Bridge| MovementRow {
        kind: RowKind::ProgrammeTotal,
        programme_code: code,
        phase_code: "Programme total".into(),
        phase_name: String::new(),
        bridge: b,
    };
    for p in phases {
        if current.as_ref().map(|c| &c.0) != Some(&p.programme_code) {
            if let Some((code, b)) = current.take() {
                out.push(total(code, b));
            }
            current = Some((p.programme_code.clone(), Bridge::default()));
        }
        if let Some(c) = current.as_mut() {
            c.1.add(&p.bridge);
        }
        grand.add(&p.bridge);
        out.push(p);
    }
    if let Some((code, b)) = current.take() {
        out.push(total(code, b));
    }
    out.push(MovementRow {
        kind: RowKind::GrandTotal,
        programme_code: String::new(),
        phase_code: "Grand total".into(),
        phase_name: String::new(),
        bridge: grand,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn line(phase: i64, source: LineSource, id: i64, amount: &str) -> BudgetLine {
        BudgetLine {
            phase_id: phase,
            source,
            record_id: id,
            amount: m(amount),
        }
    }
    fn position(lines: Vec<BudgetLine>) -> Position {
        let mut revised = BTreeMap::new();
        for l in &lines {
            *revised.entry(l.phase_id).or_insert(Money::ZERO) += l.amount;
        }
        Position { revised, lines }
    }

    #[test]
    fn a_reprofile_a_virement_and_an_addition_add_up_to_the_movement() {
        use ChangeKind::*;
        use LineSource::*;
        // At P6: phase 1 has allocation 10 (1,000,000); phase 2 allocation 11 (500,000).
        let from = position(vec![
            line(1, Allocation, 10, "1000000"),
            line(2, Allocation, 11, "500000"),
        ]);
        // By P9: change 20 reprofiles 200,000 of phase 1 out of the year; change 21 vires 50,000
        // from phase 1 to phase 2; change 22 adds 75,000 to phase 2; allocation 12 (30,000) for
        // phase 2 approved since P6.
        let to = position(vec![
            line(1, Allocation, 10, "1000000"),
            line(1, Change(Reprofile), 20, "-200000"),
            line(1, Change(Virement), 21, "-50000"),
            line(2, Allocation, 11, "500000"),
            line(2, Change(Virement), 21, "50000"),
            line(2, Change(Addition), 22, "75000"),
            line(2, Allocation, 12, "30000"),
        ]);
        let b = bridge(&from, &to);
        // Phase 1: 1,000,000 -> 750,000: reprofiles out -200,000 + virements out -50,000 = -250,000.
        let p1 = b[&1];
        assert_eq!(p1.movement(), m("-250000"));
        assert_eq!(p1.causes[4], m("-200000"));
        assert_eq!(p1.causes[6], m("-50000"));
        assert_eq!(p1.other, Money::ZERO);
        // Phase 2: 500,000 -> 655,000: new approvals 30,000 + additions 75,000 + virements in
        // 50,000 = 155,000.
        let p2 = b[&2];
        assert_eq!(p2.movement(), m("155000"));
        assert_eq!(p2.causes[0], m("30000"));
        assert_eq!(p2.causes[1], m("75000"));
        assert_eq!(p2.causes[5], m("50000"));
        assert_eq!(p2.other, Money::ZERO);
        let mut total = Bridge::default();
        b.values().for_each(|x| total.add(x));
        // -250,000 + 155,000 = -95,000 = 1,405,000 - 1,500,000.
        assert_eq!(total.movement(), m("-95000"));
        assert_eq!(total.causes.iter().sum::<Money>(), m("-95000"));
    }

    #[test]
    fn a_changed_allocation_counts_its_difference_and_a_gone_line_reverses() {
        use LineSource::*;
        let from = position(vec![
            line(1, Allocation, 10, "600"),
            line(1, Change(ChangeKind::Reduction), 30, "-100"),
        ]);
        // The allocation's profile for the year rose to 700 and the reduction no longer counts.
        let to = position(vec![line(1, Allocation, 10, "700")]);
        let b = bridge(&from, &to)[&1];
        assert_eq!(b.causes[0], m("100"));
        assert_eq!(b.causes[2], m("100"));
        assert_eq!(b.movement(), m("200"));
        assert_eq!(b.other, Money::ZERO);
    }

    #[test]
    fn what_the_lines_cannot_explain_is_other() {
        let from = position(vec![]);
        let mut to = position(vec![line(3, LineSource::Allocation, 1, "10")]);
        to.revised.insert(3, m("12"));
        let b = bridge(&from, &to)[&3];
        assert_eq!(b.causes[0], m("10"));
        assert_eq!(b.other, m("2"));
    }
}
