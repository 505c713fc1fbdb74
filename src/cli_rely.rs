//! The trust commands: `audit` (who changed what, when), `period` (close, reopen, list),
//! `check` (integrity and domain invariants), `backup` and `restore`, and `actual edit`.
//! Thin over `store::{audit, locks, check, backup, edit}`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use rusqlite::Connection;
use serde::Serialize;

use crate::cli::{
    Cli, UserError, date_arg, db_path, fy_arg, money_arg, open, period_arg, print_table, write,
};
use crate::domain::calendar::uk_date;
use crate::io::table::{Cell, Format, Table};
use crate::store::{self, audit, backup, check, edit, locks};

/// `outturn audit`: the options.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only events on or after this date (2024-04-01 or 01/04/2024).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events about one kind of record: programme, phase, decision, allocation, change,
    /// framework, contract, actual, forecast, period, import.
    #[arg(long)]
    pub entity: Option<String>,
    /// At most this many events (newest first).
    #[arg(long)]
    pub limit: Option<usize>,
    /// table (aligned), csv or json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `outturn period`: closing and reopening periods.
#[derive(Debug, Subcommand)]
pub enum PeriodCmd {
    /// Close a period: everything dated on or before its end is locked (e.g. `period close 2017-18 P7`).
    Close {
        /// The financial year (2017-18).
        fy: String,
        /// The period (P7 = October).
        period: String,
    },
    /// Reopen a closed period (and every later one); the reason goes in the audit log.
    Reopen {
        /// The financial year (2017-18).
        fy: String,
        /// The period (P7).
        period: String,
        /// Why it is reopened (required).
        #[arg(long)]
        reason: String,
    },
    /// List the closed periods.
    List {
        /// table (aligned), csv or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// The entities the audit log names, with the words people may type for them.
const ENTITIES: &[(&str, &[&str])] = &[
    ("programme", &["programme", "programmes"]),
    ("phase", &["phase", "phases"]),
    ("decision", &["decision", "decisions"]),
    ("allocation", &["allocation", "allocations"]),
    (
        "budget_change",
        &["change", "changes", "budget_change", "budget-change"],
    ),
    ("framework", &["framework", "frameworks"]),
    ("contract", &["contract", "contracts"]),
    ("actual", &["actual", "actuals"]),
    ("forecast", &["forecast", "forecasts"]),
    ("period", &["period", "periods"]),
    ("import", &["import", "imports", "import_batch"]),
];

fn entity_arg(s: &str) -> anyhow::Result<String> {
    let t = s.trim().to_ascii_lowercase();
    ENTITIES
        .iter()
        .find(|(_, words)| words.contains(&t.as_str()))
        .map(|(name, _)| name.to_string())
        .ok_or_else(|| {
            UserError(format!(
                "--entity: '{s}' is not a kind of record; use one of {}",
                ENTITIES
                    .iter()
                    .map(|(_, w)| w[0])
                    .collect::<Vec<_>>()
                    .join(", ")
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
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i64>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// `outturn audit`.
pub fn audit_cmd(cli: &Cli, a: &AuditArgs) -> anyhow::Result<ExitCode> {
    let conn = open(cli)?;
    let filter = audit::AuditFilter {
        since: a
            .since
            .as_deref()
            .map(|s| date_arg("--since", s))
            .transpose()?,
        entity: a.entity.as_deref().map(entity_arg).transpose()?,
        limit: a.limit,
    };
    let events = audit::list(&conn, &filter)?;
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
            e.who.as_str().into(),
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

/// `outturn period ...`.
pub fn period_cmd(cli: &Cli, c: &PeriodCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        PeriodCmd::Close { fy, period } => {
            let (fy, period) = (fy_arg("FY", fy)?, period_arg("PERIOD", period)?);
            write(&mut conn, |tx| locks::close_period(tx, fy, period))?;
            println!(
                "Closed {} {}: everything dated on or before {} is locked.",
                fy.label(),
                period.label(),
                uk_date(fy.period_end(period))
            );
        }
        PeriodCmd::Reopen { fy, period, reason } => {
            let (fy, period) = (fy_arg("FY", fy)?, period_arg("PERIOD", period)?);
            let n = write(&mut conn, |tx| locks::reopen_period(tx, fy, period, reason))?;
            let lock = locks::locked_through(&conn)?;
            println!(
                "Reopened {} {} ({n} closed period{} removed); {}.",
                fy.label(),
                period.label(),
                if n == 1 { "" } else { "s" },
                match lock {
                    Some(d) => format!("still locked through {}", uk_date(d)),
                    None => "no period is closed now".to_string(),
                }
            );
        }
        PeriodCmd::List { format } => {
            let items = locks::list_closed(&conn)?;
            let mut t = Table::new(&["FY", "Period", "Locked through", "Closed by", "Closed at"]);
            for p in &items {
                t.push(vec![
                    p.fy.label().into(),
                    p.period.label().into(),
                    Cell::Num(match format {
                        Format::Table => uk_date(p.through),
                        _ => p.through.format("%Y-%m-%d").to_string(),
                    }),
                    p.who.as_str().into(),
                    Cell::Num(p.at.clone()),
                ]);
            }
            print_table(&t, *format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn check`: one line per finding and exit status 1, or `ok: N checks passed`.
pub fn check_cmd(cli: &Cli) -> anyhow::Result<ExitCode> {
    let conn = open(cli)?;
    let report = check::run(&conn)?;
    if report.is_clean() {
        println!("ok: {} checks passed", report.checks);
        return Ok(ExitCode::SUCCESS);
    }
    for f in &report.findings {
        println!("{f}");
    }
    eprintln!(
        "outturn: check found {} problem{}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::from(1))
}

/// `outturn backup FILE [--force]`.
pub fn backup_cmd(cli: &Cli, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let conn = open(cli)?;
    backup::backup(&conn, file, force)?;
    let events: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    println!(
        "Backed up {} to {} ({events} audit events).",
        db_path(cli).display(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn restore FILE [--force]`.
pub fn restore_cmd(cli: &Cli, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let target: PathBuf = db_path(cli);
    let s = backup::restore(file, &target, force)?;
    // Bring it to this Outturn's schema and WAL mode now, so the first user is not the one to.
    let conn: Connection = store::open_existing(&target)?;
    drop(conn);
    println!(
        "Restored {} from {} (schema version {}, {} audit events, checked).",
        target.display(),
        file.display(),
        s.schema_version,
        s.audit_events
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn actual edit ID ...`: the options.
#[derive(Debug, Args)]
pub struct ActualEditArgs {
    /// The actual's id (from `actual list`).
    pub id: i64,
    /// A new amount; negative for credits: -£12.50 or (12.50).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// A new date (26/08/2022 or 2022-08-26).
    #[arg(long)]
    pub date: Option<String>,
    /// A new supplier.
    #[arg(long)]
    pub supplier: Option<String>,
    /// A new description.
    #[arg(long)]
    pub description: Option<String>,
    /// A new ledger reference.
    #[arg(long)]
    pub reference: Option<String>,
    /// Refuse the edit if the actual is no longer at this version (from `actual list --format json`):
    /// someone else changed it since you read it.
    #[arg(long)]
    pub expected_version: Option<i64>,
}

/// `outturn actual edit`.
pub fn actual_edit_cmd(cli: &Cli, a: &ActualEditArgs) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    let e = edit::ActualEdit {
        amount: a
            .amount
            .as_deref()
            .map(|s| money_arg("--amount", s))
            .transpose()?,
        date: a
            .date
            .as_deref()
            .map(|s| date_arg("--date", s))
            .transpose()?,
        supplier: a.supplier.clone(),
        description: a.description.clone(),
        reference: a.reference.clone(),
    };
    let after = write(&mut conn, |tx| {
        edit::edit_actual(tx, a.id, a.expected_version, &e)
    })?;
    println!(
        "Actual {}: {} on {} ({} {}), version {}.",
        after.id,
        after.amount.full(),
        uk_date(after.date),
        after.fy.label(),
        after.period.label(),
        after.version
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(before: Option<&str>, after: Option<&str>) -> audit::AuditEvent {
        audit::AuditEvent {
            id: 1,
            at: "2024-01-01T00:00:00Z".into(),
            who: "ann".into(),
            action: "edit".into(),
            entity: "actual".into(),
            entity_id: Some(1),
            before: before.map(String::from),
            after: after.map(String::from),
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
        let err = entity_arg("invoice").unwrap_err().to_string();
        assert!(
            err.contains("'invoice'") && err.contains("contract"),
            "{err}"
        );
    }
}
