//! `outturn audit`: who changed what, and when (newest first), over `ops::audit`.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::args::{date_arg, open};
use super::output::{Cell, Format, Table, print_table};
use crate::error::UserError;
use crate::ops::{self, audit};

/// `outturn audit`: the options.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub cmd: Option<AuditCmd>,
    /// Only events on or after this date (2024-04-01 or 01/04/2024).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events about one kind of record: programme, phase, decision, allocation, change,
    /// framework, contract, actual, forecast, funding, period, import, setting, snapshot, comment,
    /// benefit, realisation or milestone.
    #[arg(long)]
    pub entity: Option<String>,
    /// At most this many events (newest first).
    #[arg(long)]
    pub limit: Option<usize>,
    /// table (aligned), csv or json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `outturn audit seal`.
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Print the head of the audit chain (last event id, its hash, the number of events, its time)
    /// as JSON; keep it elsewhere and prove later with `outturn check --seal FILE` that nothing up to
    /// it was rewritten or deleted.
    Seal {
        /// Also write the seal to FILE (a new file; kept away from the database).
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
}

/// `outturn audit seal`.
fn seal(db: &Path, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let books = open(db)?;
    seal_of(&books, out)
}

/// `outturn audit seal` on books on either engine.
pub fn seal_of(books: &impl ops::Sql, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(seal) = ops::books::seal(books)? else {
        return Err(UserError("the audit log is empty: there is nothing to seal".into()).into());
    };
    let text = format!("{}\n", serde_json::to_string_pretty(&seal)?);
    if let Some(path) = out {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| UserError(format!("--out: cannot create {}: {e}", path.display())))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The stored name of the kind of record `--entity` names.
fn entity_arg(s: &str) -> anyhow::Result<String> {
    audit::kind_named(s).map(str::to_string).ok_or_else(|| {
        UserError(format!(
            "--entity: '{s}' is not a kind of record; use one of {}",
            audit::kind_words().join(", ")
        ))
        .into()
    })
}

/// A short account of what an event changed: the fields that differ (edits), or the record
/// added or removed, cut to `max` characters for the terminal.
pub fn change_summary(e: &audit::AuditEvent, max: usize) -> String {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
    };
    fn compact(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            // Plain fields first (id, amount, reason), nested lists and records after.
            serde_json::Value::Object(o) => {
                let (plain, nested): (Vec<_>, Vec<_>) = o
                    .iter()
                    .partition(|(_, v)| !(v.is_object() || v.is_array()));
                plain
                    .into_iter()
                    .chain(nested)
                    .map(|(k, v)| format!("{k}: {}", compact(v)))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            other => other.to_string(),
        }
    }
    let text = match (parse(&e.before), parse(&e.after)) {
        (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) => {
            let mut parts = Vec::new();
            for (k, av) in &a {
                if k == "version" {
                    continue;
                }
                match b.get(k) {
                    Some(bv) if bv == av => {}
                    Some(bv) => parts.push(format!("{k}: {} -> {}", compact(bv), compact(av))),
                    None => parts.push(format!("{k}: {}", compact(av))),
                }
            }
            parts.join("; ")
        }
        (None, Some(a)) => compact(&a),
        (Some(b), None) => format!("removed {}", compact(&b)),
        (Some(b), Some(a)) => format!("{} -> {}", compact(&b), compact(&a)),
        (None, None) => String::new(),
    };
    if text.chars().count() > max {
        let cut: String = text.chars().take(max.saturating_sub(3)).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// An audit event as printed in JSON: before and after as JSON, not as strings.
#[derive(Debug, Serialize)]
struct EventOut<'a> {
    id: i64,
    at: &'a str,
    who: &'a str,
    /// The name given by OUTTURN_USER beside the login.
    as_name: Option<&'a str>,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i64>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// `outturn audit`.
pub fn run(db: &Path, a: &AuditArgs) -> anyhow::Result<ExitCode> {
    if let Some(AuditCmd::Seal { out }) = &a.cmd {
        return seal(db, out.as_deref());
    }
    let books = open(db)?;
    list(&books, a)
}

/// `outturn audit [--since] [--entity] [--limit]` on books on either engine.
pub fn list(books: &impl ops::Sql, a: &AuditArgs) -> anyhow::Result<ExitCode> {
    let filter = audit::AuditFilter {
        since: a
            .since
            .as_deref()
            .map(|s| date_arg("--since", s))
            .transpose()?,
        entity: a.entity.as_deref().map(entity_arg).transpose()?,
        limit: a.limit,
    };
    let events = audit::list(books, &filter)?;
    let full = a.format != Format::Table;
    let mut headers = vec!["Id", "When", "Who", "Action", "Entity", "Record"];
    if full {
        headers.extend(["Before", "After"]);
    } else {
        headers.push("Change");
    }
    let mut t = Table::new(&headers);
    for e in &events {
        let mut row: Vec<Cell> = vec![
            Cell::Num(e.id.to_string()),
            Cell::Num(e.at.clone()),
            e.who_label().into(),
            e.action.as_str().into(),
            e.entity.as_str().into(),
            Cell::Num(e.entity_id.map(|i| i.to_string()).unwrap_or_default()),
        ];
        if full {
            row.push(e.before.clone().unwrap_or_default().into());
            row.push(e.after.clone().unwrap_or_default().into());
        } else {
            row.push(change_summary(e, 100).into());
        }
        t.push(row);
    }
    print_table(&t, a.format, || {
        let out: Vec<EventOut> = events
            .iter()
            .map(|e| EventOut {
                id: e.id,
                at: &e.at,
                who: &e.who,
                as_name: e.as_name.as_deref(),
                action: &e.action,
                entity: &e.entity,
                entity_id: e.entity_id,
                before: e
                    .before
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok()),
                after: e
                    .after
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok()),
            })
            .collect();
        serde_json::to_string_pretty(&out)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_help_lists_every_kind_the_log_names() {
        let cmd = <super::AuditArgs as clap::Args>::augment_args(clap::Command::new("audit"));
        let help = cmd
            .get_arguments()
            .find(|a| a.get_id() == "entity")
            .and_then(|a| a.get_help())
            .map(|h| h.to_string())
            .unwrap();
        let listed: Vec<String> = help
            .split(": ")
            .nth(1)
            .unwrap()
            .trim_end_matches('.')
            .split(", ")
            .flat_map(|w| w.split(" or "))
            .map(str::to_string)
            .collect();
        assert_eq!(listed, crate::ops::audit::kind_words(), "{help}");
    }

    use super::*;

    fn event(before: Option<&str>, after: Option<&str>) -> audit::AuditEvent {
        audit::AuditEvent {
            id: 1,
            at: "2024-01-01T00:00:00Z".into(),
            who: "ann".into(),
            as_name: None,
            action: "edit".into(),
            entity: "actual".into(),
            entity_id: Some(1),
            before: before.map(String::from),
            after: after.map(String::from),
            images: None,
        }
    }

    #[test]
    fn summary_lists_changed_fields_only() {
        let e = event(
            Some(r#"{"amount":"10.00","supplier":"Acme","version":1}"#),
            Some(r#"{"amount":"12.50","supplier":"Acme","version":2}"#),
        );
        assert_eq!(change_summary(&e, 100), "amount: 10.00 -> 12.50");
        let long = event(None, Some(r#""abcdefghij""#));
        assert_eq!(change_summary(&long, 8), "abcde...");
    }

    #[test]
    fn entity_words_map_to_stored_names() {
        assert_eq!(entity_arg("Change").unwrap(), "budget_change");
        assert_eq!(entity_arg("contracts").unwrap(), "contract");
        // Import events are stored as `import_batch`: both spellings find them.
        assert_eq!(entity_arg("import").unwrap(), "import_batch");
        assert_eq!(entity_arg("import_batch").unwrap(), "import_batch");
        let err = entity_arg("invoice").unwrap_err().to_string();
        assert!(
            err.contains("'invoice'") && err.contains("contract"),
            "{err}"
        );
    }
}
