//! The one line printed for a failed command: SQLite's conditions (disk full, locked, read-only,
//! cannot open) said once each with what to do, the cause chain printed once (a cause whose text
//! the line already holds is not repeated), and every control character from the data escaped.

use crate::domain::text::escape_controls;
use crate::error::{Fix, Records};
use crate::ops::types::{Condition, StoreError};

/// A command-line parse error in one line, without clap's blank lines and usage block: the
/// message, any list it introduces (the missing options) and its tip, then the `--help` to read.
/// An argument that is not UTF-8 is named by its place and the option it belongs to.
pub fn clap_line(err: &clap::Error, args: &[std::ffi::OsString]) -> String {
    if err.kind() == clap::error::ErrorKind::InvalidUtf8
        && let Some(named) = non_utf8_argument(args)
    {
        return escape_controls(&named, false).into_owned();
    }
    let text = err.render().to_string();
    let (mut message, mut items, mut tips, mut usage) =
        (String::new(), Vec::new(), Vec::new(), None);
    for line in text.lines() {
        let t = line.trim();
        if let Some(m) = t.strip_prefix("error: ") {
            message = m.to_string();
        } else if let Some(tip) = t.strip_prefix("tip: ") {
            tips.push(tip.to_string());
        } else if let Some(u) = t.strip_prefix("Usage: ") {
            let words: Vec<&str> = u
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect();
            usage = Some(words.join(" "));
        } else if !t.is_empty() && !t.starts_with("For more information") {
            items.push(t.to_string());
        }
    }
    let mut out = message.trim_end_matches(':').to_string();
    if !items.is_empty() {
        out.push_str(if message.ends_with(':') { ": " } else { " (" });
        out.push_str(&items.join(", "));
        if !message.ends_with(':') {
            out.push(')');
        }
    }
    for tip in tips {
        out.push_str("; ");
        out.push_str(&tip);
    }
    match usage {
        Some(command) => out.push_str(&format!(": see `{command} --help`")),
        None => out.push_str(": see --help"),
    }
    escape_controls(&out, false).into_owned()
}

/// "argument 4 (the value of --supplier) is not UTF-8: ..." for the first argument that is not
/// valid UTF-8, its bytes shown escaped.
fn non_utf8_argument(args: &[std::ffi::OsString]) -> Option<String> {
    let i = args.iter().position(|a| a.to_str().is_none())?;
    let bytes = args[i].as_encoded_bytes();
    let shown = bytes.escape_ascii().to_string();
    let option = match bytes.iter().position(|b| *b == b'=') {
        Some(eq) if bytes.starts_with(b"--") => {
            Some(String::from_utf8_lossy(&bytes[..eq]).into_owned())
        }
        _ => i
            .checked_sub(1)
            .and_then(|p| args[p].to_str())
            .filter(|p| p.starts_with('-'))
            .map(str::to_string),
    };
    let what = match option {
        Some(o) => format!("the value of {o}"),
        None => format!("argument {i}"),
    };
    Some(format!(
        "{what} is not valid UTF-8 ('{shown}'): give the text in UTF-8 (e.g. convert the script \
         with iconv -t UTF-8)"
    ))
}

/// The temporary folder SQLite and an import write to: `SQLITE_TMPDIR`, else `TMPDIR`, else
/// the system's.
fn temporary_folder() -> std::path::PathBuf {
    std::env::var_os("SQLITE_TMPDIR")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

/// What to tell the user about a disk that filled: which disks it can be, never the database.
fn disk_full() -> String {
    format!(
        "a disk is full: the disk of the database's folder, or of the temporary folder {} (set \
         by TMPDIR): free some space there, or set TMPDIR to a folder on a disk with room, and \
         run the command again; nothing was changed",
        temporary_folder().display()
    )
}

/// What to tell the user about a condition of the database a person can act on.
fn advice(c: Condition) -> String {
    let text = match c {
        Condition::DiskFull => return disk_full(),
        Condition::Busy => {
            "the database stayed locked by another program for 30 seconds: wait for it to \
             finish (or close it) and run the command again; nothing was changed"
        }
        Condition::ReadOnly => {
            "the database is read-only (its file, folder or file system): lists, reports, check \
             and backup still work; to change it, make the file and its folder writable \
             (chmod u+w) or restore it to a writable place; nothing was changed"
        }
        Condition::CannotOpen => {
            "cannot open the database file: check that the path (--db or OUTTURN_DB) is right \
             and that you may read and write it and its folder"
        }
        Condition::NotADatabase => {
            "the file is not a SQLite database: give the path of an Outturn database (--db)"
        }
        Condition::DiskError => {
            "the disk reported an input/output error: check the disk and free space, then run \
             the command again"
        }
        Condition::Corrupt => {
            "the database file is damaged: run `outturn check`, and restore the latest backup \
             with `outturn restore`"
        }
    };
    text.to_string()
}

/// The advice for a condition of the database anywhere in `err`'s chain of causes (an import's
/// error prints its own lines, this one in place of the engine's words).
pub fn condition_advice(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(c) = crate::ops::condition(e) {
            return Some(advice(c));
        }
        cause = e.source();
    }
    None
}

/// How to fix a refusal, in the command line's words: the text that follows the refusal, with
/// its separator.
fn fix_words(fix: &Fix) -> String {
    match fix {
        Fix::AddComments { fy, period } => format!(
            "; add one with `outturn comment add --phase PHASE --fy {fy} --period {period} --text ...`, or close with --allow-missing-comments"
        ),
        Fix::ReopenFinancing { fy } => format!(
            "; to change them, reopen the year's financing with `outturn funding reopen --fy {fy} --reason ...`"
        ),
        Fix::ListThem(records) => format!("; list them with `outturn {} list`", command(*records)),
        Fix::ListOrAddProfile => "; list them with `outturn import profile list`, or add one with \
                                  `outturn import profile add`"
            .into(),
        Fix::ReopenPeriod => ": reopen it with `outturn period reopen` and a reason first".into(),
        Fix::ReopenOrRedate => {
            ": reopen it with `outturn period reopen` and a reason, or date the \
                                entry in an open period"
                .into()
        }
        Fix::GiveBackup => ": give the path of a file made by `outturn backup`".into(),
        Fix::ForceRestore => ": add --force to replace it with the backup (back it up first with \
                              `outturn backup`)"
            .into(),
        Fix::CreateDatabase => ": create one with `outturn init` (or `outturn init --demo`)".into(),
        Fix::WithdrawFunding => " (withdraw a line with `outturn funding withdraw`)".into(),
        Fix::EditComment { id } => {
            format!(": change it with `outturn comment edit {id} --text ...`")
        }
        Fix::CompleteMilestone { adding: true } => {
            ": add the milestone, then `outturn milestone complete ID --actual DATE`".into()
        }
        Fix::CompleteMilestone { adding: false } => {
            ": use `outturn milestone complete ID --actual DATE`".into()
        }
        Fix::MoveActuals => {
            " (list them with `outturn actual list`; move or delete them first)".into()
        }
        Fix::ChangeBudget => {
            ": an approved allocation is changed through budget changes (`outturn change add`)"
                .into()
        }
        Fix::ReduceBudget => " (reduce a budget with `outturn change add --kind reduction`)".into(),
        Fix::NewForecast => ": enter a new one with `outturn forecast add`".into(),
        Fix::EditProfile => ": change it with `outturn import profile edit`".into(),
        Fix::RemapCode { code } => {
            format!(": delete it with `outturn import codes delete \"{code}\"` to map it again")
        }
    }
}

/// The command that lists records of a kind.
fn command(records: Records) -> &'static str {
    match records {
        Records::ImportBatches => "import",
        Records::LedgerCodes => "import codes",
        Records::Changes => "change",
        Records::Comments => "comment",
        Records::Milestones => "milestone",
        Records::Benefits => "benefit",
        Records::Programmes => "programme",
        Records::Phases => "phase",
        Records::Decisions => "decision",
        Records::Frameworks => "framework",
        Records::Contracts => "contract",
        Records::Forecasts => "forecast",
    }
}

/// The first condition of the database in `err`'s chain.
fn condition_in(err: &anyhow::Error) -> Option<Condition> {
    err.chain().find_map(crate::ops::condition)
}

/// The message for `err`, on one line, printed once.
pub fn line(err: &anyhow::Error) -> String {
    let text = match condition_in(err) {
        Some(c) => advice(c),
        None => chain_once(err),
    };
    let text = match err
        .chain()
        .find_map(|c| c.downcast_ref::<StoreError>().and_then(StoreError::fix))
    {
        Some(fix) => format!("{text}{}", fix_words(fix)),
        None => text,
    };
    escape_controls(&text, false).into_owned()
}

/// The error and its causes joined by ": ", leaving out a cause whose text is already there.
fn chain_once(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let msg = cause.to_string();
        if msg.is_empty() || out.contains(&msg) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&msg);
    }
    out
}

/// The exit status for an error: 2 for what the user typed or asked for (a file that is not an
/// Outturn database included), 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if condition_in(err) == Some(Condition::NotADatabase) {
        return 2;
    }
    if err.downcast_ref::<StoreError>().is_none()
        && let Some(s) = err.chain().find_map(|c| c.downcast_ref::<StoreError>())
        && s.is_user_error()
    {
        return 2;
    }
    super::exit_code_for(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn a_cause_already_quoted_is_not_repeated_and_controls_are_escaped() {
        let inner = std::io::Error::other("disk on fire");
        let err = anyhow::Error::new(inner)
            .context("writing x: disk on fire")
            .context("saving \u{1b}[2J");
        assert_eq!(line(&err), "saving \\u{1b}[2J: writing x: disk on fire");
    }

    #[test]
    fn conditions_are_one_line_with_advice_and_a_refusal_exits_2() {
        let err = anyhow::Error::new(std::io::Error::other("x")).context("opening x");
        assert_eq!(condition_in(&err), None);
        assert!(
            advice(Condition::DiskFull).starts_with("a disk is full: the disk of the database")
        );
        assert!(advice(Condition::ReadOnly).contains("chmod u+w"));
        let refused: anyhow::Result<()> =
            Err(StoreError::Refused("x is not an Outturn database".into()).into());
        let err = refused.context("opening x").unwrap_err();
        assert_eq!(exit_code(&err), 2);
    }
}
