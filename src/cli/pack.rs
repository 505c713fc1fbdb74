//! `outturn pack`: the committee pack, one formatted Excel workbook of the monitoring report and
//! what goes with it. Thin over `ops::pack` (the pack's data, read in one go) and
//! `io::workbook::pack` (the workbook): this module reads the options and writes the file safely
//! (a temporary file in the same folder renamed into place); it computes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::open;
use super::args::write_output_file;
use super::output::say;
use super::report::resolve_when;
use crate::io::workbook::pack::{PackError, write_pack};

/// Options of `outturn pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The financial year: 2017-18 (also 2017/18, FY2017-18).
    #[arg(long)]
    pub fy: Option<String>,
    /// The period the pack is as at: 9 or P9 (P1 = April .. P12 = March), or a month 2017-12.
    #[arg(long)]
    pub period: Option<String>,
    /// The calendar month the pack is as at, giving year and period together: 2017-12 is
    /// 2017-18 P9.
    #[arg(long)]
    pub month: Option<String>,
    /// Only this programme (code).
    #[arg(long)]
    pub programme: Option<String>,
    /// Write the workbook to FILE (.xlsx; replaced whole, never half-written), or `-` for
    /// standard output.
    #[arg(long, value_name = "FILE")]
    pub xlsx: PathBuf,
}

/// `outturn pack` on the database at `db` (closed before the workbook is written).
pub fn run(db: &Path, a: &PackArgs) -> anyhow::Result<ExitCode> {
    let (fy, period) = when(a)?;
    let data = {
        let conn = open(db)?;
        crate::ops::pack::gather(&conn, fy, period, a.programme.as_deref())?
    };
    write(a, fy, period, data)
}

/// `outturn pack` on books on either engine.
pub fn shared(books: &impl crate::ops::Sql, a: &PackArgs) -> anyhow::Result<ExitCode> {
    let (fy, period) = when(a)?;
    let data = crate::ops::pack::gather(books, fy, period, a.programme.as_deref())?;
    write(a, fy, period, data)
}

/// The year and period the pack is as at; refuses `-` onto a terminal before anything is read.
fn when(a: &PackArgs) -> anyhow::Result<(crate::domain::FinancialYear, crate::domain::Period)> {
    let (fy, period) = resolve_when(a.fy.as_deref(), a.period.as_deref(), a.month.as_deref())?;
    if a.xlsx.as_os_str() == "-" && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(crate::error::UserError(
            "--xlsx: `-` writes the workbook's bytes to standard output, which is a terminal: \
             redirect it (`> pack.xlsx`) or give a file name"
                .into(),
        )
        .into());
    }
    Ok((fy, period))
}

/// Writes the pack of `data` where `--xlsx` says.
fn write(
    a: &PackArgs,
    fy: crate::domain::FinancialYear,
    period: crate::domain::Period,
    data: crate::ops::pack::PackData,
) -> anyhow::Result<ExitCode> {
    let pack = match write_pack(data) {
        Ok(pack) => pack,
        // Excel's row limit is the user's to avoid (a narrower pack): exit 2, one line.
        Err(PackError::TooManyRows(e)) => {
            return Err(crate::error::UserError(format!("--xlsx: {e}")).into());
        }
        Err(e) => return Err(e.into()),
    };
    if a.xlsx.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        out.write_all(&pack.bytes)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    write_output_file("--xlsx", &a.xlsx, &pack.bytes)?;
    say!(
        "Wrote the {} {} committee pack (sheets {}; {}, {} in all) to {}.",
        fy.label(),
        period.label(),
        pack.sheets.join(", "),
        crate::domain::text::counted(pack.phase_rows as u64, "phase row"),
        crate::domain::text::counted(pack.report_rows as u64, "report row"),
        a.xlsx.display()
    );
    Ok(ExitCode::SUCCESS)
}
