//! The reads behind the TUI's screens, one call a screen: the figures of the dashboard and the
//! Report screen (with the alerts), the programme tree, a phase drilled into, the decision
//! register, a budget year with its financing, the contracts with what has been paid, and the
//! report an export writes. Reads only: nothing here writes, and nothing here knows how a screen
//! draws what it is given (that is the TUI's).

use crate::store::engine::sql::Sql;
use chrono::NaiveDate;

use crate::domain::alerts::Alert;
use crate::domain::benefit::{BenefitPosition, position};
use crate::domain::cabinet::{AfterRag, CabinetReport};
use crate::domain::financing::{FinancingStatement, Funding};
use crate::domain::milestone::Milestone;
use crate::domain::model::{
    Actual, Allocation, BudgetChange, Contract, Decision, Framework, Phase, Programme,
};
use crate::domain::profile::profiled_to_end_of;
use crate::domain::report::{Report, ReportRow, RowKind};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::browse::{self, PageRequest};
use crate::store::entities::{self as e, ActualFilter};
use crate::store::{self, cabinet, figures, financing, locks};

/// What the dashboard and the Report screen are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiguresRequest {
    /// The day the figures are read on (the period to show, the alerts' horizon).
    pub today: NaiveDate,
    /// None: the year of the month being reported on `today` (see `open_on`).
    pub fy: Option<FinancialYear>,
    /// None: the month being reported when `fy` is None too, else the period to show of `fy` on
    /// `today`.
    pub period: Option<Period>,
    /// True to read the years with figures and each one's grand total (the chart) as well.
    pub chart: bool,
}

/// The figures of a year as at a period: the report (the snapshot's for a closed period), the
/// alerts, and the financing statement.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub fy: FinancialYear,
    pub period: Period,
    /// Years with any figure (read for the chart, or to choose the year; else empty).
    pub years: Vec<FinancialYear>,
    pub programmes: Vec<Programme>,
    pub report: Report,
    /// The report's columns after RAG, row for row (the snapshot's for a closed period).
    pub after_rag: Vec<AfterRag>,
    /// For the chart: each year's grand total row as at the period to show of it on `today`.
    pub by_year: Vec<(FinancialYear, ReportRow)>,
    /// Most serious first.
    pub alerts: Vec<Alert>,
    /// Everything dated on or before this is in a closed period.
    pub closed_through: Option<NaiveDate>,
    /// The financing statement of the year shown.
    pub financing: FinancingStatement,
}

/// The figures the dashboard and the Report screen show (see [`FiguresRequest`]).
pub fn figures(books: &impl Sql, ask: &FiguresRequest) -> store::Result<Dashboard> {
    let conn = books;
    let today = ask.today;
    let years = if ask.chart || ask.fy.is_none() {
        figures::years_with_figures(conn)?
    } else {
        Vec::new()
    };
    let closed_through = locks::locked_through(conn)?;
    let (fy, period) = match (ask.fy, ask.period) {
        (Some(fy), Some(period)) => (fy, period),
        (Some(fy), None) => (fy, fy.period_to_show(today)),
        (None, _) => open_on(today, closed_through, &years),
    };
    // The phase figures are read once for the live report and the financing statement (a
    // closed period's report comes from its snapshot).
    let (cabinet, financing) = match e::find_snapshot(conn, e::MONITORING, fy, period)? {
        Some(_) => (
            cabinet::report(conn, fy, period, None, None)?.0,
            financing::statement(conn, fy, period, None)?,
        ),
        None => {
            let phases = figures::phase_figures(conn, fy, period, None)?;
            let t = figures::rag_thresholds(conn)?;
            let c = cabinet::report_of(conn, fy, period, &phases, t)?;
            (c, financing::statement_of(conn, fy, period, phases)?)
        }
    };
    let CabinetReport { report, after_rag } = cabinet;
    let mut by_year = Vec::new();
    for y in years.iter().filter(|_| ask.chart) {
        let at = y.period_to_show(today);
        let r = if *y == fy && at == period {
            report.clone()
        } else {
            figures::report(conn, *y, at, None)?
        };
        if let Some(g) = r.rows.into_iter().find(|r| r.kind == RowKind::GrandTotal) {
            by_year.push((*y, g));
        }
    }
    let alerts = super::alerts::of_report(conn, today, &report, &after_rag, &financing)?;
    Ok(Dashboard {
        fy,
        period,
        years,
        programmes: e::list_programmes(conn)?,
        report,
        after_rag,
        by_year,
        alerts,
        closed_through,
        financing,
    })
}

/// The year and period to open on: the month being reported
/// ([`FinancialYear::reporting_period`]); with nothing closed and no figures in that year, the
/// latest year with figures, as at the period to show of it.
fn open_on(
    today: NaiveDate,
    closed_through: Option<NaiveDate>,
    years: &[FinancialYear],
) -> (FinancialYear, Period) {
    let (fy, period) = FinancialYear::reporting_period(today, closed_through);
    if closed_through.is_some() || years.is_empty() || years.contains(&fy) {
        (fy, period)
    } else {
        let fy = FinancialYear::to_open_on(today, years);
        (fy, fy.period_to_show(today))
    }
}

/// The programmes and every phase, for the tree.
pub fn tree(books: &impl Sql) -> store::Result<(Vec<Programme>, Vec<Phase>)> {
    let conn = books;
    Ok((e::list_programmes(conn)?, e::list_phases(conn, None)?))
}

/// How many of a phase's actuals in the year [`phase_detail`] reads (the first page).
pub const PHASE_ACTUALS: u64 = 100;

/// One phase, drilled into for a financial year.
#[derive(Debug, Clone)]
pub struct PhaseDetail {
    pub phase: Phase,
    pub fy: FinancialYear,
    pub period: Period,
    /// Its report row as at the period (None when the report has no row for it).
    pub row: Option<ReportRow>,
    /// Its allocations touching the year.
    pub allocations: Vec<Allocation>,
    /// The budget changes of the year moving money from or to it.
    pub changes: Vec<BudgetChange>,
    pub contracts: Vec<Contract>,
    /// The first [`PHASE_ACTUALS`] of its actuals in the year.
    pub actuals: Vec<Actual>,
    /// How many actuals it has in the year.
    pub actual_count: u64,
    /// Its milestones (all years).
    pub milestones: Vec<Milestone>,
    /// Its benefits with figures, each as it stands in the year as at the period.
    pub benefits: Vec<BenefitPosition>,
}

/// Phase `phase_id` in `fy` as at `period`; `known_row` is its report row when the caller has
/// it already (else it is read). Open milestones are measured to `today`, as every screen shows
/// them (DOMAIN.md, "Milestone").
pub fn phase_detail(
    books: &impl Sql,
    phase_id: i64,
    (fy, period): (FinancialYear, Period),
    known_row: Option<ReportRow>,
    today: chrono::NaiveDate,
) -> store::Result<PhaseDetail> {
    let conn = books;
    let phase = e::get_phase(conn, phase_id)?;
    let row = match known_row {
        Some(r) => Some(r),
        None => figures::report(conn, fy, period, Some(phase.programme_id))?
            .rows
            .into_iter()
            .find(|r| r.kind == RowKind::Phase && r.phase_code == phase.code),
    };
    let allocations = e::list_allocations(conn, Some(phase.programme_id), Some(fy))?
        .into_iter()
        .filter(|a| a.phase_code == phase.code)
        .collect();
    let changes = e::list_changes(conn, Some(phase.programme_id), Some(fy))?
        .into_iter()
        .filter(|c| {
            c.from.as_ref().is_some_and(|s| s.phase_id == phase_id)
                || c.to.as_ref().is_some_and(|s| s.phase_id == phase_id)
        })
        .collect();
    let contracts = e::list_contracts(conn, None, Some(phase_id))?;
    let realisations = e::list_realisations(conn, Some(phase.programme_id), Some(fy))?;
    let thresholds = figures::rag_thresholds(conn)?;
    let benefits = e::list_benefits(conn, Some(phase.programme_id), false)?
        .iter()
        .filter(|b| b.phase_code.as_deref() == Some(phase.code.as_str()))
        .map(|b| position(b, fy, period, &realisations, &thresholds))
        .filter(|p| p.has_figures())
        .collect();
    let filter = ActualFilter {
        phase_id: Some(phase_id),
        fy: Some(fy),
        ..Default::default()
    };
    let actual_count = browse::count_actuals(conn, &filter)?;
    let actuals = browse::actuals_page(conn, &filter, PageRequest::First, PHASE_ACTUALS)?;
    Ok(PhaseDetail {
        fy,
        period,
        row,
        allocations,
        changes,
        contracts,
        actuals,
        actual_count,
        milestones: e::list_milestones(conn, None, Some(phase_id))?
            .into_iter()
            .map(|m| Milestone {
                measured_to: Some(today),
                ..m
            })
            .collect(),
        benefits,
        phase,
    })
}

/// The decision register and everything a decision can approve, every year.
#[derive(Debug, Clone, Default)]
pub struct DecisionRegister {
    pub decisions: Vec<Decision>,
    pub allocations: Vec<Allocation>,
    pub changes: Vec<BudgetChange>,
    /// With their extensions (each naming the decision that exercised it).
    pub contracts: Vec<Contract>,
}

/// The decisions with the allocations, budget changes and contracts they may have approved.
pub fn decision_register(books: &impl Sql) -> store::Result<DecisionRegister> {
    let conn = books;
    Ok(DecisionRegister {
        decisions: e::list_decisions(conn)?,
        allocations: e::list_allocations(conn, None, None)?,
        changes: e::list_changes(conn, None, None)?,
        contracts: e::list_contracts(conn, None, None)?,
    })
}

/// A budget year: its allocations, budget changes, funding lines and financing statement.
#[derive(Debug, Clone)]
pub struct BudgetYear {
    pub allocations: Vec<Allocation>,
    pub changes: Vec<BudgetChange>,
    /// Every programme's funding lines of the year, withdrawn ones too.
    pub funding: Vec<Funding>,
    pub financing: FinancingStatement,
}

/// The budget of `fy`, its financing as at `period` (None: the period to show on `today`; the
/// snapshot for a closed period, as `report financing` prints it).
pub fn budget_year(
    books: &impl Sql,
    today: NaiveDate,
    fy: FinancialYear,
    period: Option<Period>,
) -> store::Result<BudgetYear> {
    let conn = books;
    let (funding, financing) = super::load_financing(conn, today, fy, period)?;
    Ok(BudgetYear {
        allocations: e::list_allocations(conn, None, Some(fy))?,
        changes: e::list_changes(conn, None, Some(fy))?,
        funding,
        financing,
    })
}

/// The frameworks.
pub fn frameworks(books: &impl Sql) -> store::Result<Vec<Framework>> {
    e::list_frameworks(books)
}

/// A contract with what has been paid against it and what is still committed.
#[derive(Debug, Clone)]
pub struct ContractPosition {
    pub contract: Contract,
    /// The actuals against the contract dated up to the day asked about (the TUI's today).
    pub paid: Money,
    /// Profile (with exercised extensions) less paid, floored at zero.
    pub outstanding: Money,
    /// When its framework ends, if it is called off one with an end.
    pub framework_end: Option<NaiveDate>,
}

/// Every contract with what was paid against it up to `today` (an invoice dated later is not
/// paid yet, so it still counts as outstanding).
pub fn contracts(books: &impl Sql, today: NaiveDate) -> store::Result<Vec<ContractPosition>> {
    let conn = books;
    let frameworks = e::framework_ends(conn)?;
    let paid = browse::paid_by_contract(conn, Some(today))?;
    let mut out = Vec::new();
    for c in e::list_contracts(conn, None, None)? {
        let profile = e::contract_profile(conn, &c)?;
        let total: Money = profile.iter().map(|(_, m)| *m).sum();
        let last_fy = profile
            .last()
            .map(|(m, _)| m.fy())
            .unwrap_or_else(|| FinancialYear::containing(c.start));
        debug_assert_eq!(profiled_to_end_of(&profile, last_fy), total);
        let paid = paid.get(&c.id).copied().unwrap_or(Money::ZERO);
        let outstanding = total - paid;
        out.push(ContractPosition {
            framework_end: c
                .framework
                .as_ref()
                .and_then(|f| frameworks.get(f).copied().flatten()),
            outstanding: if outstanding.is_negative() {
                Money::ZERO
            } else {
                outstanding
            },
            paid,
            contract: c,
        });
    }
    Ok(out)
}
