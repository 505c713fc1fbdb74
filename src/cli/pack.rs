//! `outturn pack`: the committee pack, one formatted Excel workbook of the monitoring report and
//! what goes with it. Thin over `io::workbook::pack`: this module reads the options and writes
//! the file safely (a temporary file in the same folder renamed into place); it computes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::write_output_file;
use super::args::{open, rename};
use super::report::resolve_when;
use crate::store::entities;

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

/// `outturn pack`.
pub fn run(db: &Path, a: &PackArgs) -> anyhow::Result<ExitCode> {
    let (fy, period) = resolve_when(a.fy.as_deref(), a.period.as_deref(), a.month.as_deref())?;
    let conn = open(db)?;
    let programme = match a.programme.as_deref() {
        Some(code) => {
            let id = entities::programme_id(&conn, code).map_err(|e| rename(e, "--programme"))?;
            let name = entities::list_programmes(&conn)?
                .into_iter()
                .find(|p| p.id == id)
                .map(|p| p.name)
                .unwrap_or_else(|| code.to_string());
            Some((id, name))
        }
        None => None,
    };
    let pack = crate::io::workbook::pack::committee_pack(
        &conn,
        fy,
        period,
        programme.as_ref().map(|(id, name)| (*id, name.as_str())),
    )?;
    drop(conn);
    if a.xlsx.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        out.write_all(&pack.bytes)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    write_output_file("--xlsx", &a.xlsx, &pack.bytes)?;
    println!(
        "Wrote the {} {} committee pack (sheets {}; {} phase rows, {} report rows in all) to {}.",
        fy.label(),
        period.label(),
        pack.sheets.join(", "),
        pack.phase_rows,
        pack.report_rows,
        a.xlsx.display()
    );
    Ok(ExitCode::SUCCESS)
}
