//! `outturn report progress`: the six-monthly progress report for Scrutiny, on screen, as CSV and
//! as one self-contained HTML file for A4. `ops::progress` gathers it (the monitoring report of
//! the FY as at the half's last period, and for H2 as at P6; milestones; benefit positions;
//! comments); this module reads the options, prints and writes files, and computes nothing.

use super::output::say;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::{field, open};
use crate::domain::calendar::uk_date;
use crate::domain::progress::Half;
use crate::error::UserError;
use crate::io::progress::{progress_html, progress_table, write_progress_csv};

/// Options of `outturn report progress`.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The programme (code).
    #[arg(long)]
    pub programme: String,
    /// The half year: 2017-18H2 or "2017-18 H2" (H1 = P1-P6, H2 = P7-P12).
    #[arg(long)]
    pub half: String,
    /// Write the CSV to FILE (replaced whole), or `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the HTML document (one file, prints on A4) to FILE (replaced whole).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// `outturn report progress`; files are written whole through `write_file_atomically` (the
/// report command's, passed in so this module does not import it back).
pub fn run(
    db: &Path,
    a: &ProgressArgs,
    write_file_atomically: fn(&Path, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    field("--half", Half::parse(&a.half))?;
    let mut books = open(db)?;
    shared(&mut books, a, write_file_atomically)
}

/// `outturn report progress` on books on either engine (a file or a server).
pub fn shared(
    books: &mut impl crate::ops::Store,
    a: &ProgressArgs,
    write_file_atomically: fn(&Path, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    let half = field("--half", Half::parse(&a.half))?;
    let report = crate::ops::progress::progress(books, &a.programme, half)?;
    let mut wrote = false;
    match a.csv.as_deref() {
        Some(p) if p.as_os_str() == "-" => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write_progress_csv(&report, &mut out)?;
            out.flush()?;
            wrote = true;
        }
        Some(path) => {
            let mut buf = Vec::new();
            write_progress_csv(&report, &mut buf)?;
            write_file_atomically(path, &buf)?;
            say!(
                "Wrote the {} progress report CSV to {}.",
                half.label(),
                path.display()
            );
            wrote = true;
        }
        None => {}
    }
    if let Some(path) = a.html.as_deref() {
        // The shared writer names --csv in its messages; here the file is --html's.
        write_file_atomically(path, progress_html(&report).as_bytes()).map_err(|e| {
            let text = format!("{e:#}").replacen("--csv:", "--html:", 1);
            if e.downcast_ref::<UserError>().is_some() {
                UserError(text).into()
            } else {
                anyhow::anyhow!(text)
            }
        })?;
        say!(
            "Wrote the {} progress report (HTML, A4) to {}.",
            half.label(),
            path.display()
        );
        wrote = true;
    }
    if !wrote {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        writeln!(
            out,
            "{} progress report {} ({} to {}). Milestones: {} due, {} met, {} slipped.",
            report.programme_code,
            half.label(),
            uk_date(half.start()),
            uk_date(half.end()),
            report.due,
            report.met,
            report.slipped
        )?;
        progress_table(&report).write_text(&mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}
