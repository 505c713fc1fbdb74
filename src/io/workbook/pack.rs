//! The committee pack: writes what the report and the store already computed for a year and
//! period (of one programme or all; gathered in one read by `ops::pack`) as the workbook's
//! sheets, in order. It computes nothing: the Monitoring, Movement and Financing sheets are the
//! tables their CSVs write, the Contracts sheet the figures the report's commitments are made of,
//! the Benefits and Milestones sheets the positions and slippage their lists show.

use std::collections::HashMap;

use super::{
    PageHeader, Sheet, benefits, contracts, financing, milestones, monitoring, movement, summary,
};
use crate::domain::report::RowKind;
use crate::domain::{FinancialYear, Period};
use crate::ops::pack::PackData;
use crate::store::StoreError;

/// Why a pack could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    /// A sheet past Excel's row limit, found before anything was written.
    #[error(transparent)]
    TooManyRows(#[from] super::TooManyRows),
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
/// Milestones), from the pack's data, each built in its own file.
pub fn sheets(data: PackData) -> Vec<Sheet> {
    let cabinet = &data.cabinet;
    let report = &cabinet.report;
    let mut per_programme: HashMap<String, usize> = HashMap::new();
    for c in &data.lines.contracts {
        *per_programme.entry(c.programme_code.clone()).or_insert(0) += 1;
    }
    let monitoring = monitoring::sheet(cabinet);
    let summary = summary::sheet(report, &monitoring, &per_programme);
    let contracts = contracts::sheet(&data.lines.contracts);
    let (fy, period) = (report.fy, report.period);
    let movement = movement::sheet(
        fy,
        period,
        data.bridge
            .as_ref()
            .map(|(from, rows)| (*from, rows.as_slice())),
    );
    let financing = financing::sheet(&data.financing);
    let benefits = benefits::sheet(data.lines.benefits);
    let milestones = milestones::sheet(data.lines.milestones);
    vec![
        summary, monitoring, movement, financing, contracts, benefits, milestones,
    ]
}

/// The pack of `data` (gathered by `ops::pack::gather`), written as a workbook. The data is
/// consumed: its texts move into the sheets' cells, so a large pack is not held twice.
pub fn write_pack(data: PackData) -> Result<Pack, PackError> {
    let report = &data.cabinet.report;
    let (fy, period) = (report.fy, report.period);
    let phase_rows = report
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Phase)
        .count();
    let report_rows = report.rows.len();
    let title = match &data.programme {
        Some(name) => format!("Capital monitoring pack: {name}"),
        None => "Capital monitoring pack".to_string(),
    };
    let sheets = sheets(data);
    super::check_rows(&sheets)?;
    let names = sheets.iter().map(|s| s.name.clone()).collect();
    let bytes = super::write(sheets, &PageHeader { title, fy, period })?;
    Ok(Pack {
        bytes,
        sheets: names,
        phase_rows,
        report_rows,
    })
}

/// The pack for `fy` as at `period`, of one programme when given (its id and name): its data
/// gathered as `ops::pack::gather` gathers it, then written.
pub fn committee_pack(
    conn: &impl crate::store::engine::sql::Sql,
    fy: FinancialYear,
    period: Period,
    programme: Option<(i64, &str)>,
) -> Result<Pack, PackError> {
    let programme = programme.map(|(id, name)| (id, name.to_string()));
    write_pack(crate::ops::pack::gather_for(conn, fy, period, programme)?)
}
