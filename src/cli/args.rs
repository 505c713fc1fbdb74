//! The shared option parsers of the command line: every value a person types is read by the domain
//! parsers, and a bad one is a one-line error naming the option and the value (exit status 2).
//! Also the lookups that turn a typed code or reference into a record id, and opening the database
//! a command works on. A leaf of `cli`: it imports no other command module.

use std::path::Path;

use chrono::NaiveDate;
use clap::Args;

use crate::domain::calendar::parse_date;
use crate::domain::{FinancialYear, Money, Period};
use crate::error::Field;
use crate::error::UserError;
use crate::io::output_file::OutputFile;
use crate::ops::books::Opened;
use crate::ops::types::StoreError;
use crate::ops::{self, Books};

use super::output::{FormatArg, Listing, print_list};

/// Wraps a parse error with the option it came from.
pub fn field<T, E: std::fmt::Display>(name: &str, r: Result<T, E>) -> anyhow::Result<T> {
    r.map_err(|e| UserError(format!("{name}: {e}")).into())
}

/// Reads a money option.
pub fn money_arg(name: &str, s: &str) -> anyhow::Result<Money> {
    field(name, Money::parse(s))
}

/// Reads a financial year option.
pub fn fy_arg(name: &str, s: &str) -> anyhow::Result<FinancialYear> {
    field(name, FinancialYear::parse(s))
}

/// Reads a date option.
pub fn date_arg(name: &str, s: &str) -> anyhow::Result<NaiveDate> {
    field(name, parse_date(s))
}

/// Reads a period option.
pub fn period_arg(name: &str, s: &str) -> anyhow::Result<Period> {
    field(name, Period::parse(s))
}

/// Reads an optional financial year option.
pub fn opt_fy_arg(name: &str, s: &Option<String>) -> anyhow::Result<Option<FinancialYear>> {
    s.as_deref().map(|s| fy_arg(name, s)).transpose()
}

/// Reads an optional date option.
pub fn opt_date_arg(name: &str, s: &Option<String>) -> anyhow::Result<Option<NaiveDate>> {
    s.as_deref().map(|s| date_arg(name, s)).transpose()
}

/// Reads "2018-19=£6m,2019-20=£5m".
pub fn profile_arg(s: &str) -> anyhow::Result<Vec<(FinancialYear, Money)>> {
    year_amounts_arg("--profile", s)
}

/// Reads amounts per year, "2018-19=£6m,2019-20=£5m", given as option `name`.
pub fn year_amounts_arg(name: &str, s: &str) -> anyhow::Result<Vec<(FinancialYear, Money)>> {
    crate::domain::profile::year_amount_parts(s)
        .iter()
        .map(|part| {
            let (y, m) = part.split_once('=').ok_or_else(|| {
                UserError(format!(
                    "{name}: '{part}' should be YEAR=AMOUNT, e.g. 2018-19=£6m"
                ))
            })?;
            Ok((fy_arg(name, y)?, money_arg(name, m)?))
        })
        .collect()
}

/// Reads a number of months: 36, 36m or 36 months (1 to 600).
pub fn months_arg(name: &str, s: &str) -> anyhow::Result<u32> {
    let t = s
        .trim()
        .trim_end_matches("months")
        .trim_end_matches('m')
        .trim();
    match t.parse::<u32>() {
        Ok(n) if (1..=600).contains(&n) => Ok(n),
        _ => Err(UserError(format!(
            "{name}: '{s}' is not a number of months (1 to 600)"
        ))
        .into()),
    }
}

/// Opens the existing database at `db`. A database upgraded from before snapshots were kept has
/// its closed periods' snapshots taken on opening, once, from the live figures, and says so in one
/// line.
pub fn open(db: &Path) -> anyhow::Result<Books> {
    let Opened { books, owed } = ops::books::open(db)?;
    if let Some(owed) = owed {
        let which: Vec<String> = owed
            .periods
            .iter()
            .map(|(fy, period)| format!("{} {}", fy.label(), period.label()))
            .collect();
        let what = if owed.financing_only {
            "before the financing statement was kept in the snapshot; took the financing snapshot"
        } else {
            "before reports were kept as snapshots; took the snapshot"
        };
        eprintln!(
            "outturn: note: this database was closed {what} of {} from the live figures now (`outturn report list`)",
            which.join(", ")
        );
    }
    Ok(books)
}

/// Runs one write in a transaction: all of it or none of it.
///
/// Deprecated: this is the door assembling a step out of the store's pieces. Call the step's one
/// function in `crate::ops` instead (it opens and commits its own audited transaction); this
/// helper goes once no command uses it.
pub fn write<T>(
    conn: &mut Books,
    f: impl FnOnce(&Books) -> Result<T, StoreError>,
) -> anyhow::Result<T> {
    let tx = conn.begin()?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// The programme id of an optional `--programme` code.
pub fn opt_programme(conn: &Books, p: &Option<String>) -> anyhow::Result<Option<i64>> {
    Ok(p.as_deref()
        .map(|c| ops::lookup::programme(conn, c))
        .transpose()?)
}

/// The decision id of an optional `--decision` reference.
pub fn opt_decision(conn: &Books, d: &Option<String>) -> anyhow::Result<Option<i64>> {
    Ok(d.as_deref()
        .map(|r| ops::lookup::decision(conn, r).map_err(|e| rename(e, "--decision")))
        .transpose()?)
}

/// A store error about a value, renamed to the option the user typed it in.
pub fn rename(err: StoreError, to: &str) -> StoreError {
    err.map_plain(|err| match err {
        StoreError::NotFound {
            what, value, hint, ..
        } => StoreError::NotFound {
            field: Field::from(to),
            what,
            value,
            hint,
        },
        StoreError::Invalid { message, .. } => StoreError::Invalid {
            field: Field::from(to),
            message,
        },
        other => other,
    })
}

/// The phase id of a phase option (`opt`), within `programme` when given.
pub fn phase_arg(
    conn: &Books,
    programme: Option<&str>,
    phase: &str,
    opt: &str,
) -> anyhow::Result<i64> {
    Ok(ops::lookup::phase(conn, programme, phase).map_err(|e| rename(e, opt))?)
}

/// `--programme`, `--fy` and `--format` of a list that can be narrowed to a programme and a year.
#[derive(Debug, Args)]
pub struct ProgrammeYearList {
    #[arg(long)]
    pub programme: Option<String>,
    #[arg(long)]
    pub fy: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

impl ProgrammeYearList {
    /// Prints what `list` gives for the programme and year asked for (all when not given).
    pub fn print<T: Listing>(
        &self,
        conn: &Books,
        list: impl FnOnce(&Books, Option<i64>, Option<FinancialYear>) -> Result<Vec<T>, StoreError>,
    ) -> anyhow::Result<()> {
        let fy = opt_fy_arg("--fy", &self.fy)?;
        let items = list(conn, opt_programme(conn, &self.programme)?, fy)?;
        print_list(&items, self.format.format)
    }
}

/// Reads a month: `2025-11` or `11/2025`.
pub fn parse_month(s: &str) -> Result<crate::domain::profile::Month, String> {
    crate::domain::profile::Month::parse_typed(s)
}

/// When an amount was typed in shorthand without `£` (`1.5m`, `2500k`), the figure it was read
/// as, for the confirmation: ` (1.5m read as £1,500,000.00)`; otherwise empty.
pub fn shorthand_note(typed: &str, read: Money) -> String {
    let t = typed.trim().trim_end_matches(')').to_ascii_lowercase();
    if t.ends_with('m') || t.ends_with('k') {
        format!(" ({} read as {})", typed.trim(), read.full())
    } else {
        String::new()
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place, so
/// the file is either the old one or the whole new one, never half-written. Only a new path or a
/// regular file the user may write is accepted (see [`OutputFile`]); a link is followed.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_output_file("--csv", path, bytes)
}

/// [`write_file_atomically`] for the output option `option` (named in every error).
pub fn write_output_file(option: &str, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    OutputFile::check(option, path, true)?.write_bytes(bytes)?;
    Ok(())
}
