//! The committee pack's data, gathered in one read: the monitoring report as sent (the snapshot
//! of a closed period, live otherwise), the contracts its commitments are made of, the bridge from
//! the last report, the financing statement as sent, the benefits' positions and the milestones.
//! `outturn pack` and the TUI's export call it; `io::workbook::pack` writes it as a workbook.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::register::programme_id;
use crate::domain::benefit::{BenefitPosition, position};
use crate::domain::cabinet::CabinetReport;
use crate::domain::financing::FinancingStatement;
use crate::domain::milestone::Milestone;
use crate::domain::model::Contract;
use crate::domain::movement::MovementRow;
use crate::domain::report::ContractFigures;
use crate::domain::{FinancialYear, Period};
use crate::error::Field;
use crate::store::entities as e;
use crate::store::{self, Books, Handle, cabinet, figures, financing};

/// Everything a committee pack shows, for a year as at a period.
#[derive(Debug, Clone, PartialEq)]
pub struct PackData {
    /// The programme's name, when the pack is of one programme.
    pub programme: Option<String>,
    /// The monitoring report as sent.
    pub cabinet: CabinetReport,
    /// Each contract with its figures (what the report's commitments are made of).
    pub contracts: Vec<(Contract, ContractFigures)>,
    /// The planned end of each framework, by name.
    pub framework_ends: HashMap<String, Option<NaiveDate>>,
    /// The bridge from the last report (the latest closed period of the year before this one)
    /// and that period; None when there is none.
    pub bridge: Option<(Period, Vec<MovementRow>)>,
    /// The financing statement as sent.
    pub financing: FinancingStatement,
    /// The benefits with figures for the year.
    pub benefits: Vec<BenefitPosition>,
    /// The milestones.
    pub milestones: Vec<Milestone>,
}

/// The pack's data for `fy` as at `period`, of one programme (code) when given.
pub fn gather(
    books: &impl Handle,
    fy: FinancialYear,
    period: Period,
    programme: Option<&str>,
) -> store::Result<PackData> {
    let books = books.books();
    let programme = match programme {
        Some(code) => {
            let id = programme_id(books, code, Field::Programme)?;
            let name = e::list_programmes(books)?
                .into_iter()
                .find(|p| p.id == id)
                .map(|p| p.name)
                .unwrap_or_else(|| code.to_string());
            Some((id, name))
        }
        None => None,
    };
    gather_for(books, fy, period, programme)
}

/// [`gather`] for a programme already found (its id and name).
pub(crate) fn gather_for(
    books: &Books,
    fy: FinancialYear,
    period: Period,
    programme: Option<(i64, String)>,
) -> store::Result<PackData> {
    let programme_id = programme.as_ref().map(|(id, _)| *id);
    let (cabinet, _) = cabinet::report(books, fy, period, programme_id, None)?;
    let contracts = figures::contract_figures(books, fy, period, programme_id)?;
    let framework_ends = e::framework_ends(books)?;
    let from = e::last_snapshot_before(books, e::MONITORING, fy, period)?.map(|info| info.period);
    let bridge = match from {
        Some(from) => Some((
            from,
            cabinet::movement(books, fy, from, period, programme_id)?,
        )),
        None => None,
    };
    let financing = financing::report(books, fy, period, programme_id)?.0;
    let realisations = e::list_realisations(books, programme_id, Some(fy))?;
    let thresholds = figures::rag_thresholds(books)?;
    let benefits = e::list_benefits(books, programme_id, false)?
        .iter()
        .map(|b| position(b, fy, period, &realisations, &thresholds))
        .filter(|p| p.has_figures())
        .collect();
    let milestones = e::list_milestones(books, programme_id, None)?;
    Ok(PackData {
        programme: programme.map(|(_, name)| name),
        cabinet,
        contracts,
        framework_ends,
        bridge,
        financing,
        benefits,
        milestones,
    })
}
