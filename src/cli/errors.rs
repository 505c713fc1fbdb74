//! The one line printed for a failed command: SQLite's conditions (disk full, locked, read-only,
//! cannot open) said once each with what to do, the cause chain printed once (a cause whose text
//! the line already holds is not repeated), and every control character from the data escaped.

use crate::domain::text::escape_controls;
use crate::store::StoreError;

/// What to tell the user about a SQLite failure, when it is one of the conditions a person can
/// act on.
fn sqlite_advice(e: &rusqlite::Error) -> Option<&'static str> {
    use rusqlite::ErrorCode as C;
    Some(match e.sqlite_error_code()? {
        C::DiskFull => {
            "the disk is full: free some space (or move the database with --db) and run the \
             command again; nothing was changed"
        }
        C::DatabaseBusy | C::DatabaseLocked => {
            "the database stayed locked by another program for 30 seconds: wait for it to \
             finish (or close it) and run the command again; nothing was changed"
        }
        C::ReadOnly => {
            "the database is read-only (its file, folder or file system): lists, reports, check \
             and backup still work; to change it, make the file and its folder writable \
             (chmod u+w) or restore it to a writable place; nothing was changed"
        }
        C::CannotOpen | C::PermissionDenied => {
            "cannot open the database file: check that the path (--db or OUTTURN_DB) is right \
             and that you may read and write it and its folder"
        }
        C::NotADatabase => {
            "the file is not a SQLite database: give the path of an Outturn database (--db)"
        }
        C::SystemIoFailure => {
            "the disk reported an input/output error: check the disk and free space, then run \
             the command again"
        }
        C::DatabaseCorrupt => {
            "the database file is damaged: run `outturn check`, and restore the latest backup \
             with `outturn restore`"
        }
        _ => return None,
    })
}

/// The message for `err`, on one line, printed once.
pub fn line(err: &anyhow::Error) -> String {
    let text = match err
        .chain()
        .find_map(|c| c.downcast_ref::<rusqlite::Error>())
    {
        Some(e) if let Some(advice) = sqlite_advice(e) => advice.to_string(),
        _ => chain_once(err),
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
    if let Some(e) = err
        .chain()
        .find_map(|c| c.downcast_ref::<rusqlite::Error>())
        && e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase)
    {
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
    fn sqlite_conditions_are_one_line_with_advice() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let err = anyhow::Error::new(StoreError::Sqlite(full)).context("opening x");
        let l = line(&err);
        assert!(l.starts_with("the disk is full: free some space"), "{l}");
        assert_eq!(l.matches("full").count(), 1, "{l}");
        let ro = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );
        let l = line(&anyhow::Error::new(StoreError::Sqlite(ro)));
        assert!(l.contains("read-only") && l.contains("chmod u+w"), "{l}");
        let refused: anyhow::Result<()> =
            Err(StoreError::Refused("x is not an Outturn database".into()).into());
        let err = refused.context("opening x").unwrap_err();
        assert_eq!(exit_code(&err), 2);
    }
}
