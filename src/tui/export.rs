//! The effect behind `x`: writing what a screen shows to a CSV file (or the report's committee
//! pack) through [`OutputFile`], asking before an existing file is replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ops::Sql;

use super::action::{Action, Effect, ExportWhat};
use super::sort::{Sort, sort_report};
use crate::domain::model::Actual;
use crate::domain::text::counted;
use crate::domain::{FinancialYear, Period};
use crate::io::output_file::OutputFile;
use crate::io::table::{Cell, Table};
use crate::ops::browse;
use crate::ops::report;
use crate::ops::types::ActualFilter;

/// Rows of actuals held at once while an export streams them.
const CHUNK: usize = 10_000;

/// An actual's CSV cells, as `outturn actual list --format csv` writes them (ISO date, money as
/// a plain decimal with two places).
pub fn actual_cells(a: &Actual) -> Vec<Cell> {
    vec![
        Cell::Num(a.id.to_string()),
        Cell::Num(a.date.format("%Y-%m-%d").to_string()),
        Cell::Text(a.fy.label()),
        Cell::Text(a.period.label()),
        Cell::Text(a.programme_code.clone()),
        Cell::Text(a.phase_code.clone()),
        Cell::Text(a.contract_reference.clone().unwrap_or_default()),
        Cell::Text(a.supplier.clone()),
        Cell::Text(a.description.clone()),
        Cell::Text(a.reference.clone()),
        Cell::Num(a.amount.plain()),
    ]
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Runs an export: refuses what is not a regular file (a folder, a device, a read-only file),
/// asks before replacing an existing file (unless `replace`), and writes through a temporary
/// file renamed into place, so a failure never leaves half a file.
pub fn run(conn: &impl Sql, path: PathBuf, what: ExportWhat, replace: bool) -> Action {
    let refused = |err: String| Action::FormRejected {
        field: 0,
        message: err,
    };
    let out = match OutputFile::check("export", &path, true) {
        Ok(o) => o,
        Err(err) => return refused(err.to_string()),
    };
    if out.exists() && !replace {
        return Action::AskOverwrite {
            question: format!("Overwrite {}? y/n", path.display()),
            effect: Box::new(Effect::Export {
                path,
                what,
                replace: true,
            }),
        };
    }
    let rows = |n: usize| counted(n as u64, "row");
    let written = match what {
        ExportWhat::Report { fy, period, sort } => {
            write_report(conn, &out, &path, fy, period, sort).map(|(_, what)| what)
        }
        ExportWhat::Actuals(filter) => write_actuals(conn, &out, &filter).map(rows),
        ExportWhat::Table(table) => out
            .write_with(|f| table.write_csv(f).map_err(std::io::Error::other))
            .map(|_| rows(table.rows.len()))
            .map_err(anyhow::Error::from),
    };
    match written {
        Ok(what) => Action::Exported {
            path: absolute(&path),
            what,
        },
        Err(err) => refused(format!("{err:#}")),
    }
}

/// True when `path` names a workbook (`.xlsx`, any case): the export then writes the committee
/// pack instead of the report CSV.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes the report CSV (or, for a `.xlsx` path, the committee pack) over `path` (replacing
/// it): what `outturn report --csv` writes. Returns the report's rows.
pub fn export(
    conn: &impl Sql,
    path: &Path,
    fy: FinancialYear,
    period: Period,
) -> anyhow::Result<usize> {
    let out = OutputFile::check("export", path, true)?;
    write_report(conn, &out, path, fy, period, None).map(|(rows, _)| rows)
}

/// The report, its phase rows in `sort`'s order within each programme (none: as the command
/// line writes it, byte for byte); or, for a `.xlsx` path, the committee pack. Returns the
/// report's rows and what was written, in words ("3 rows", "the 2022-23 P4 committee pack
/// (sheets ...)").
fn write_report(
    conn: &impl crate::ops::Sql,
    out: &OutputFile,
    path: &Path,
    fy: FinancialYear,
    period: Period,
    sort: Option<Sort>,
) -> anyhow::Result<(usize, String)> {
    let (bytes, rows, what) = if is_workbook(path) {
        let pack = crate::io::workbook::pack::committee_pack(conn, fy, period, None)?;
        // As `outturn pack` says it.
        let what = format!(
            "the {} {} committee pack (sheets {}; {}, {} in all)",
            fy.label(),
            period.label(),
            pack.sheets.join(", "),
            counted(pack.phase_rows as u64, "phase row"),
            counted(pack.report_rows as u64, "report row"),
        );
        (pack.bytes, pack.report_rows, what)
    } else {
        // The same report `outturn report --csv` writes: the snapshot of a closed period.
        let request = report::ReportRequest {
            fy,
            period,
            programme: None,
            rag_red: None,
            rag_amber: None,
        };
        let mut report = report::report(conn, &request)?.report;
        if let Some(s) = sort {
            sort_report(&mut report.report, &mut report.after_rag, s);
        }
        let mut buf = Vec::new();
        crate::io::report::write_csv(&report, &mut buf)?;
        let rows = report.report.rows.len();
        (buf, rows, counted(rows as u64, "row"))
    };
    out.write_bytes(&bytes)?;
    Ok((rows, what))
}

/// Every actual the filter selects, in its order, a chunk at a time (constant memory).
fn write_actuals(
    conn: &impl crate::ops::Sql,
    out: &OutputFile,
    filter: &ActualFilter,
) -> anyhow::Result<usize> {
    let mut rows = 0usize;
    out.write_with(|file| {
        let mut w = std::io::BufWriter::new(file);
        let mut page = Table::new(&crate::io::table::ACTUAL_HEADERS);
        let mut first = true;
        let flush = |page: &mut Table, w: &mut dyn Write, first: &mut bool| {
            let r = page.write_csv_part(*first, w);
            *first = false;
            page.rows.clear();
            r.map_err(std::io::Error::other)
        };
        browse::each_actual(conn, filter, &mut |a| -> anyhow::Result<()> {
            page.push(actual_cells(&a));
            rows += 1;
            if page.rows.len() >= CHUNK {
                flush(&mut page, &mut w, &mut first)?;
            }
            Ok(())
        })
        .map_err(std::io::Error::other)?;
        if first || !page.rows.is_empty() {
            flush(&mut page, &mut w, &mut first)?;
        }
        w.flush()
    })?;
    Ok(rows)
}
