//! Financing (DOMAIN.md "Financing"): the sources a capital budget is paid for from, the order in
//! which approved funding meets spend, and the financing statement (FY F as at P). Pure: the store
//! loads the figures; nothing here queries, prints or reads the clock.
//!
//! The order of application is precise: approved lines are taken by the position of their source
//! in the configured order; within one source, by spend-by date (earliest first, lines without a
//! date after every dated one), then by id (oldest first). Each line meets as much of the actual to
//! date still uncovered as it holds. What no line covers is unfunded. Actual to date at or below
//! zero (credits exceeding payments) applies nothing.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::{FinancialYear, Period};
use super::model::{AllocationStatus, UnknownWord};
use super::money::Money;

/// Where capital money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    Grant,
    S106,
    Cil,
    CapitalReceipts,
    Revenue,
    Reserves,
    Other,
    Borrowing,
}

/// How many sources there are.
pub const SOURCES: usize = 8;

impl FundingSource {
    /// Every source in the default order of application (also the order of the statement's
    /// columns): grants and contributions first, borrowing last.
    pub const ALL: [FundingSource; SOURCES] = [
        FundingSource::Grant,
        FundingSource::S106,
        FundingSource::Cil,
        FundingSource::CapitalReceipts,
        FundingSource::Revenue,
        FundingSource::Reserves,
        FundingSource::Other,
        FundingSource::Borrowing,
    ];

    /// The stored and typed spelling: `grant`, `capital receipts`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::Grant => "grant",
            FundingSource::S106 => "s106",
            FundingSource::Cil => "cil",
            FundingSource::CapitalReceipts => "capital receipts",
            FundingSource::Revenue => "revenue",
            FundingSource::Reserves => "reserves",
            FundingSource::Other => "other",
            FundingSource::Borrowing => "borrowing",
        }
    }

    /// The name in a column header: `Grant`, `S106`, `CIL`, `Capital receipts`, ...
    pub fn heading(self) -> &'static str {
        match self {
            FundingSource::Grant => "Grant",
            FundingSource::S106 => "S106",
            FundingSource::Cil => "CIL",
            FundingSource::CapitalReceipts => "Capital receipts",
            FundingSource::Revenue => "Revenue",
            FundingSource::Reserves => "Reserves",
            FundingSource::Other => "Other",
            FundingSource::Borrowing => "Borrowing",
        }
    }

    /// The source's place in [`FundingSource::ALL`] (its column).
    pub fn index(self) -> usize {
        FundingSource::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// Grants and contributions: the sources that can carry a spend-by date.
    pub fn is_contribution(self) -> bool {
        matches!(
            self,
            FundingSource::Grant | FundingSource::S106 | FundingSource::Cil
        )
    }

    /// Reads a source: case, surrounding space, `-` or `_` for the space are ignored
    /// (`Capital-Receipts` is `capital receipts`); `rcco` is `revenue`.
    pub fn parse(s: &str) -> Result<Self, UnknownWord> {
        let t = s.trim().to_ascii_lowercase().replace(['-', '_'], " ");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = FundingSource::ALL.iter().copied().find(|f| f.as_str() == t);
        match (found, t.as_str()) {
            (Some(f), _) => Ok(f),
            (None, "rcco") => Ok(FundingSource::Revenue),
            _ => Err(UnknownWord {
                what: "funding source",
                value: s.to_string(),
                choices: FundingSource::ALL.map(|f| f.as_str()).join(", "),
            }),
        }
    }
}

impl std::fmt::Display for FundingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The order in which approved funding meets spend: every source exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancingOrder(Vec<FundingSource>);

impl Default for FinancingOrder {
    fn default() -> Self {
        FinancingOrder(FundingSource::ALL.to_vec())
    }
}

/// A financing order that cannot be read: the message quotes the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' {reason}: list every source once, comma separated, e.g. {example}")]
pub struct OrderError {
    pub value: String,
    pub reason: String,
    pub example: String,
}

impl FinancingOrder {
    /// Reads `grant,s106,cil,capital receipts,revenue,reserves,other,borrowing`: every source
    /// exactly once.
    pub fn parse(s: &str) -> Result<Self, OrderError> {
        let err = |reason: String| OrderError {
            value: s.to_string(),
            reason,
            example: FinancingOrder::default().text(),
        };
        let mut out = Vec::new();
        for part in s.split(',') {
            let f = FundingSource::parse(part).map_err(|e| err(format!("has {e}")))?;
            if out.contains(&f) {
                return Err(err(format!("names {} twice", f.as_str())));
            }
            out.push(f);
        }
        if let Some(missing) = FundingSource::ALL.iter().find(|f| !out.contains(f)) {
            return Err(err(format!("leaves out {}", missing.as_str())));
        }
        Ok(FinancingOrder(out))
    }

    /// The order as stored and shown: `grant,s106,...,borrowing`.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The sources, first applied first.
    pub fn sources(&self) -> &[FundingSource] {
        &self.0
    }

    fn rank(&self, f: FundingSource) -> usize {
        self.0.iter().position(|s| *s == f).unwrap_or(SOURCES)
    }
}

/// A funding line as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funding {
    pub id: i64,
    pub phase_id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub fy: FinancialYear,
    pub source: FundingSource,
    pub amount: Money,
    /// `approved` counts as funding; `projected` is shown beside it, never in it.
    pub status: AllocationStatus,
    pub funder: Option<String>,
    pub spend_by: Option<NaiveDate>,
    pub decision_reference: Option<String>,
    pub note: String,
    pub version: i64,
}

/// An approved line to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovedLine {
    pub id: i64,
    pub source: FundingSource,
    pub amount: Money,
    pub spend_by: Option<NaiveDate>,
}

/// How actual to date was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Applied per line, in the order given to [`apply`].
    pub per_line: Vec<(i64, Money)>,
    /// Applied per source, indexed as [`FundingSource::ALL`].
    pub per_source: [Money; SOURCES],
    /// What no funding covers (zero or more).
    pub unfunded: Money,
}

impl Application {
    /// All that was applied.
    pub fn total(&self) -> Money {
        self.per_source.iter().sum()
    }
}

/// Meets `actual_to_date` from `lines` (approved lines of one phase and FY) in `order`; see the
/// module comment for the exact order. Exact to the penny.
pub fn apply(actual_to_date: Money, lines: &[ApprovedLine], order: &FinancingOrder) -> Application {
    let mut sorted: Vec<&ApprovedLine> = lines.iter().collect();
    sorted.sort_by_key(|l| (order.rank(l.source), l.spend_by.is_none(), l.spend_by, l.id));
    let mut left = actual_to_date.max(Money::ZERO);
    let mut per_source = [Money::ZERO; SOURCES];
    let mut per_line = Vec::with_capacity(sorted.len());
    for l in sorted {
        let take = l.amount.max(Money::ZERO).min(left);
        left -= take;
        per_source[l.source.index()] += take;
        per_line.push((l.id, take));
    }
    Application {
        per_line,
        per_source,
        unfunded: left,
    }
}

/// What the statement needs of one phase in F as at P.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhaseFinancing {
    pub programme_code: String,
    pub programme_name: String,
    pub phase_code: String,
    pub phase_name: String,
    /// Original budget + approved changes effective by the end of P (as in the report).
    pub revised: Money,
    /// Actuals from 1 April of F to the end of P.
    pub actual_to_date: Money,
    /// The phase's approved funding lines for F.
    pub approved: Vec<ApprovedLine>,
    /// Projected funding for F: shown beside, never in, the approved figure.
    pub projected: Money,
    /// True when the phase has a row in the monitoring report for F at P.
    pub in_report: bool,
}

pub use super::report::RowKind;

/// One row of the financing statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancingRow {
    pub kind: RowKind,
    pub programme_code: String,
    pub programme_name: String,
    pub phase_code: String,
    pub phase_name: String,
    pub revised: Money,
    /// Approved funding per source, indexed as [`FundingSource::ALL`].
    pub approved: [Money; SOURCES],
    pub total_funding: Money,
    /// Revised budget - total (approved) funding: negative is a surplus.
    pub gap: Money,
    /// Projected funding (not part of any figure above).
    pub projected: Money,
    pub actual_to_date: Money,
    /// Applied to date per source, indexed as [`FundingSource::ALL`].
    pub applied: [Money; SOURCES],
    pub unfunded: Money,
    /// Per approved line of a phase row: (line id, applied to date). Empty on total rows.
    pub applied_lines: Vec<(i64, Money)>,
}

impl FinancingRow {
    fn total(kind: RowKind, code: &str, name: &str, label: &str) -> Self {
        FinancingRow {
            kind,
            programme_code: code.to_string(),
            programme_name: name.to_string(),
            phase_code: label.to_string(),
            phase_name: String::new(),
            revised: Money::ZERO,
            approved: [Money::ZERO; SOURCES],
            total_funding: Money::ZERO,
            gap: Money::ZERO,
            projected: Money::ZERO,
            actual_to_date: Money::ZERO,
            applied: [Money::ZERO; SOURCES],
            unfunded: Money::ZERO,
            applied_lines: Vec::new(),
        }
    }

    fn add(&mut self, r: &FinancingRow) {
        self.revised += r.revised;
        for i in 0..SOURCES {
            self.approved[i] += r.approved[i];
            self.applied[i] += r.applied[i];
        }
        self.total_funding += r.total_funding;
        self.gap += r.gap;
        self.projected += r.projected;
        self.actual_to_date += r.actual_to_date;
        self.unfunded += r.unfunded;
    }

    /// All applied to date.
    pub fn applied_total(&self) -> Money {
        self.applied.iter().sum()
    }
}

/// The financing statement for F as at P.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancingStatement {
    pub fy: FinancialYear,
    pub period: Period,
    /// The order funding was applied in.
    pub order: FinancingOrder,
    pub rows: Vec<FinancingRow>,
}

impl FinancingStatement {
    /// The phase row of `programme_code`/`phase_code`.
    pub fn phase_row(&self, programme_code: &str, phase_code: &str) -> Option<&FinancingRow> {
        self.rows.iter().find(|r| {
            r.kind == RowKind::Phase
                && r.programme_code == programme_code
                && r.phase_code == phase_code
        })
    }
}

fn phase_row(p: &PhaseFinancing, order: &FinancingOrder) -> FinancingRow {
    let mut approved = [Money::ZERO; SOURCES];
    for l in &p.approved {
        approved[l.source.index()] += l.amount;
    }
    let total_funding: Money = approved.iter().sum();
    let a = apply(p.actual_to_date, &p.approved, order);
    FinancingRow {
        kind: RowKind::Phase,
        programme_code: p.programme_code.clone(),
        programme_name: p.programme_name.clone(),
        phase_code: p.phase_code.clone(),
        phase_name: p.phase_name.clone(),
        revised: p.revised,
        approved,
        total_funding,
        gap: p.revised - total_funding,
        projected: p.projected,
        actual_to_date: p.actual_to_date,
        applied: a.per_source,
        unfunded: a.unfunded,
        applied_lines: a.per_line,
    }
}

/// The financing statement: a row per phase that is in the monitoring report or has funding in
/// F (phases given sorted by programme then phase), a `Programme total` row after each programme's
/// phases and a `Grand total` row. Totals are the sums of their rows, to the penny.
pub fn financing_statement(
    fy: FinancialYear,
    period: Period,
    phases: &[PhaseFinancing],
    order: &FinancingOrder,
) -> FinancingStatement {
    let mut rows = Vec::new();
    let mut grand = FinancingRow::total(RowKind::GrandTotal, "", "", "Grand total");
    let mut current: Option<FinancingRow> = None;
    for p in phases
        .iter()
        .filter(|p| p.in_report || !p.approved.is_empty() || !p.projected.is_zero())
    {
        if current.as_ref().map(|c| &c.programme_code) != Some(&p.programme_code) {
            rows.extend(current.take());
            current = Some(FinancingRow::total(
                RowKind::ProgrammeTotal,
                &p.programme_code,
                &p.programme_name,
                "Programme total",
            ));
        }
        let row = phase_row(p, order);
        if let Some(c) = current.as_mut() {
            c.add(&row);
        }
        grand.add(&row);
        rows.push(row);
    }
    rows.extend(current);
    rows.push(grand);
    FinancingStatement {
        fy,
        period,
        order: order.clone(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn d(y: i32, mo: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, mo, day)
    }

    fn line(
        id: i64,
        source: FundingSource,
        amount: &str,
        spend_by: Option<NaiveDate>,
    ) -> ApprovedLine {
        ApprovedLine {
            id,
            source,
            amount: m(amount),
            spend_by,
        }
    }

    #[test]
    fn sources_read_in_any_spelling_and_the_order_must_name_each_once() {
        assert_eq!(
            FundingSource::parse("Capital-Receipts").unwrap(),
            FundingSource::CapitalReceipts
        );
        assert_eq!(
            FundingSource::parse(" capital  receipts ").unwrap(),
            FundingSource::CapitalReceipts
        );
        assert_eq!(FundingSource::parse("S106").unwrap(), FundingSource::S106);
        let e = FundingSource::parse("loan").unwrap_err().to_string();
        assert!(
            e.starts_with("'loan' is not a funding source: use one of grant, s106"),
            "{e}"
        );
        let order = FinancingOrder::parse(
            "borrowing,grant,s106,cil,capital-receipts,revenue,reserves,other",
        )
        .unwrap();
        assert_eq!(order.sources()[0], FundingSource::Borrowing);
        assert_eq!(
            order.text(),
            "borrowing,grant,s106,cil,capital receipts,revenue,reserves,other"
        );
        let e = FinancingOrder::parse("grant,grant")
            .unwrap_err()
            .to_string();
        assert!(e.contains("names grant twice"), "{e}");
        let e = FinancingOrder::parse("grant,s106").unwrap_err().to_string();
        assert!(e.contains("leaves out cil"), "{e}");
        assert_eq!(
            FinancingOrder::default().text(),
            "grant,s106,cil,capital receipts,revenue,reserves,other,borrowing"
        );
    }

    #[test]
    fn the_grant_due_first_is_applied_first_then_contributions_then_borrowing_last() {
        // Actual to date £250,000.00. Grant 2 (£100,000, spend by 31/03/2018) comes before grant 1
        // (£120,000, spend by 30/06/2018) although its id is larger; then S106 £50,000; borrowing
        // £500,000 last. 250,000 - 100,000 (grant 2) = 150,000; - 120,000 (grant 1) = 30,000;
        // S106 takes the 30,000 of its 50,000; borrowing takes nothing.
        let lines = [
            line(4, FundingSource::Borrowing, "500000", None),
            line(1, FundingSource::Grant, "120000", d(2018, 6, 30)),
            line(3, FundingSource::S106, "50000", d(2017, 12, 31)),
            line(2, FundingSource::Grant, "100000", d(2018, 3, 31)),
        ];
        let a = apply(m("250000"), &lines, &FinancingOrder::default());
        assert_eq!(
            a.per_line,
            vec![
                (2, m("100000")),
                (1, m("120000")),
                (3, m("30000")),
                (4, m("0"))
            ]
        );
        assert_eq!(a.per_source[FundingSource::Grant.index()], m("220000"));
        assert_eq!(a.per_source[FundingSource::S106.index()], m("30000"));
        assert_eq!(a.per_source[FundingSource::Borrowing.index()], Money::ZERO);
        assert_eq!(a.unfunded, Money::ZERO);
        // A grant with no spend-by date comes after the dated grants of the same source.
        let lines = [
            line(1, FundingSource::Grant, "10.00", None),
            line(2, FundingSource::Grant, "10.00", d(2030, 1, 1)),
        ];
        let a = apply(m("15.00"), &lines, &FinancingOrder::default());
        assert_eq!(a.per_line, vec![(2, m("10.00")), (1, m("5.00"))]);
    }

    #[test]
    fn credits_reduce_what_is_applied_and_spend_beyond_funding_is_unfunded() {
        let lines = [
            line(1, FundingSource::Grant, "1000.00", None),
            line(2, FundingSource::Borrowing, "500.00", None),
        ];
        let order = FinancingOrder::default();
        // Payments £1,200.00 less a credit of £300.00 = £900.00: all from the grant.
        let a = apply(m("1200.00") - m("300.00"), &lines, &order);
        assert_eq!(a.total(), m("900.00"));
        assert_eq!(a.per_line, vec![(1, m("900.00")), (2, m("0"))]);
        // Net credits: nothing applied, nothing unfunded.
        let a = apply(m("-50.00"), &lines, &order);
        assert_eq!((a.total(), a.unfunded), (Money::ZERO, Money::ZERO));
        // £1,600.01 spent against £1,500.00 of funding: £0.01 + £100.00 unfunded.
        let a = apply(m("1600.01"), &lines, &order);
        assert_eq!(a.total(), m("1500.00"));
        assert_eq!(a.unfunded, m("100.01"));
        // Borrowing first when the council says so.
        let order = FinancingOrder::parse(
            "borrowing,grant,s106,cil,capital receipts,revenue,reserves,other",
        )
        .unwrap();
        let a = apply(m("600.00"), &lines, &order);
        assert_eq!(a.per_line, vec![(2, m("500.00")), (1, m("100.00"))]);
    }

    #[test]
    fn the_statement_has_gaps_surpluses_and_totals_that_add_up() {
        let fy = FinancialYear::new(2017).unwrap();
        let p = Period::new(7).unwrap();
        let phases = vec![
            PhaseFinancing {
                programme_code: "P".into(),
                phase_code: "A".into(),
                revised: m("1000.00"),
                actual_to_date: m("400.00"),
                approved: vec![line(1, FundingSource::Grant, "600.00", None)],
                projected: m("300.00"),
                in_report: true,
                ..Default::default()
            },
            PhaseFinancing {
                programme_code: "P".into(),
                phase_code: "B".into(),
                revised: m("100.00"),
                actual_to_date: m("0"),
                approved: vec![line(2, FundingSource::Reserves, "150.00", None)],
                in_report: true,
                ..Default::default()
            },
            PhaseFinancing {
                programme_code: "P".into(),
                phase_code: "C".into(),
                ..Default::default()
            },
        ];
        let s = financing_statement(fy, p, &phases, &FinancingOrder::default());
        // A: gap 1000 - 600 = 400 (projected 300 shown beside, not in); B: 100 - 150 = -50 surplus;
        // C has no figures and no row. Programme and grand total: gap 350, funding 750.
        assert_eq!(s.rows.len(), 4);
        assert_eq!(s.rows[0].gap, m("400.00"));
        assert_eq!(s.rows[0].projected, m("300.00"));
        assert_eq!(s.rows[1].gap, m("-50.00"));
        assert_eq!(s.rows[2].kind, RowKind::ProgrammeTotal);
        assert_eq!(s.rows[2].gap, m("350.00"));
        assert_eq!(s.rows[3].total_funding, m("750.00"));
        assert_eq!(s.rows[3].applied[FundingSource::Grant.index()], m("400.00"));
    }

    fn source() -> impl Strategy<Value = FundingSource> {
        (0..SOURCES).prop_map(|i| FundingSource::ALL[i])
    }

    proptest! {
        #[test]
        fn applied_never_exceeds_approved_and_totals_hold(
            actual in -1_000_000i64..50_000_000,
            raw in proptest::collection::vec((source(), 1i64..10_000_000, proptest::option::of(0i64..3000)), 0..12),
            rotate in 0usize..SOURCES,
        ) {
            let lines: Vec<ApprovedLine> = raw.iter().enumerate().map(|(i, (s, p, days))| ApprovedLine {
                id: i as i64 + 1,
                source: *s,
                amount: Money::from_pence(*p),
                spend_by: days.and_then(|n| NaiveDate::from_ymd_opt(2020, 1, 1).map(|d| d + chrono::Days::new(n as u64))),
            }).collect();
            let mut sources = FundingSource::ALL.to_vec();
            sources.rotate_left(rotate);
            let order = FinancingOrder::parse(&sources.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")).unwrap();
            let actual = Money::from_pence(actual);
            let a = apply(actual, &lines, &order);
            let funding: Money = lines.iter().map(|l| l.amount).sum();
            for s in FundingSource::ALL {
                let approved: Money = lines.iter().filter(|l| l.source == s).map(|l| l.amount).sum();
                prop_assert!(a.per_source[s.index()] <= approved);
                prop_assert!(a.per_source[s.index()] >= Money::ZERO);
            }
            if actual > Money::ZERO {
                prop_assert_eq!(a.total(), actual.min(funding));
                prop_assert_eq!(a.unfunded, actual - a.total());
            } else {
                prop_assert_eq!(a.total(), Money::ZERO);
                prop_assert_eq!(a.unfunded, Money::ZERO);
            }
            let by_line: Money = a.per_line.iter().map(|(_, m)| *m).sum();
            prop_assert_eq!(by_line, a.total());
        }
    }
}
