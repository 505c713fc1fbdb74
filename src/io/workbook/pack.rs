//! The committee pack: reads what the report and the store already compute for a year and period
//! (of one programme or all) and writes it as the workbook's sheets, in order. It computes
//! nothing: the Monitoring, Movement and Financing sheets are the tables their CSVs write, the
//! Contracts sheet the figures the report's commitments are made of, the Benefits and Milestones
//! sheets the positions and slippage their lists show.

use crate::store::Handle;
use std::collections::HashMap;

use super::{
    PageHeader, Sheet, benefits, contracts, financing, milestones, monitoring, movement, summary,
};
use crate::domain::benefit::position;
use crate::domain::cabinet::CabinetReport;
use crate::domain::report::RowKind;
use crate::domain::{FinancialYear, Period};
use crate::store::{self, StoreError, entities, figures};

/// Why a pack could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

/// A written pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// The `.xlsx` file's bytes.
    pub bytes: Vec<u8>,
    /// The sheets' tab names, in order.
    pub sheets: Vec<String>,
    /// Phase rows of the monitoring report.
    pub phase_rows: usize,
    /// All rows of the monitoring report (phases and totals).
    pub report_rows: usize,
}

/// The sheets, in order (Summary, Monitoring, Movement, Financing, Contracts, Benefits,
/// Milestones), from the data the other modules computed, each built in its own file.
pub fn sheets(
    conn: &impl Handle,
    cabinet: &CabinetReport,
    programme_id: Option<i64>,
) -> store::Result<Vec<Sheet>> {
    let conn = conn.books();
    let report = &cabinet.report;
    let contract_figures = figures::contract_figures(conn, report.fy, report.period, programme_id)?;
    let mut per_programme: HashMap<String, usize> = HashMap::new();
    for (c, _) in &contract_figures {
        *per_programme.entry(c.programme_code.clone()).or_insert(0) += 1;
    }
    let monitoring = monitoring::sheet(cabinet);
    let summary = summary::sheet(report, &monitoring, &per_programme);
    let contracts = contracts::sheet(&contract_figures, &entities::framework_ends(conn)?);
    let (fy, period) = (report.fy, report.period);
    // The bridge from the last report: the latest closed period of the year before this one.
    let from = entities::last_snapshot_before(conn, entities::MONITORING, fy, period)?
        .map(|info| info.period);
    let bridge = match from {
        Some(from) => Some((
            from,
            store::cabinet::movement(conn, fy, from, period, programme_id)?,
        )),
        None => None,
    };
    let movement = movement::sheet(
        fy,
        period,
        bridge.as_ref().map(|(from, rows)| (*from, rows.as_slice())),
    );
    // The statement as sent: the snapshot of a closed period, the live figures otherwise.
    let financing = financing::sheet(&store::financing::report(conn, fy, period, programme_id)?.0);
    let realisations = entities::list_realisations(conn, programme_id, Some(fy))?;
    let thresholds = figures::rag_thresholds(conn)?;
    let positions: Vec<_> = entities::list_benefits(conn, programme_id, false)?
        .iter()
        .map(|b| position(b, fy, period, &realisations, &thresholds))
        .filter(|p| p.has_figures())
        .collect();
    let benefits = benefits::sheet(&positions);
    let milestones = milestones::sheet(
        &entities::list_milestones(conn, programme_id, None)?,
        fy.period_end(period),
    );
    Ok(vec![
        summary, monitoring, movement, financing, contracts, benefits, milestones,
    ])
}

/// The pack for `fy` as at `period`, of one programme when given (its id and name).
pub fn committee_pack(
    conn: &impl Handle,
    fy: FinancialYear,
    period: Period,
    programme: Option<(i64, &str)>,
) -> Result<Pack, PackError> {
    let conn = conn.books();
    let programme_id = programme.map(|(id, _)| id);
    // The report as sent: the snapshot of a closed period, the live figures otherwise.
    let (cabinet, _) = store::cabinet::report(conn, fy, period, programme_id, None)?;
    let sheets = sheets(conn, &cabinet, programme_id)?;
    let report = &cabinet.report;
    let title = match programme {
        Some((_, name)) => format!("Capital monitoring pack: {name}"),
        None => "Capital monitoring pack".to_string(),
    };
    let bytes = super::write(&sheets, &PageHeader { title, fy, period })?;
    Ok(Pack {
        bytes,
        sheets: sheets.into_iter().map(|s| s.name).collect(),
        phase_rows: report
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Phase)
            .count(),
        report_rows: report.rows.len(),
    })
}
