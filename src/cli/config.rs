//! `outturn config set|get|list`: settings kept in the database (the RAG thresholds the report
//! uses), over `ops::settings`.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::open;
use super::output::say;
use super::output::{Cell, Table};
use crate::ops::settings;

/// `outturn config`: settings kept in the database.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Set a setting: rag.red_overspend_pct, rag.amber_underspend_pct, comment.variance_pct
    /// (percent, 0 to 100) or comment.variance_amount (money).
    Set {
        /// rag.red_overspend_pct, rag.amber_underspend_pct, comment.variance_pct or comment.variance_amount.
        key: String,
        /// A percentage from 0 to 100, e.g. 5 or 7.5 (an amount for comment.variance_amount, e.g. £100k).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Print one setting's value.
    Get {
        /// rag.red_overspend_pct, rag.amber_underspend_pct, comment.variance_pct or comment.variance_amount.
        key: String,
    },
    /// List every setting with its value and meaning.
    List,
}

/// `outturn config`.
pub fn run(db: &Path, c: &ConfigCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}

/// `outturn config` on books on either engine (a file or a server).
pub fn shared(conn: &mut impl crate::ops::Store, c: &ConfigCmd) -> anyhow::Result<ExitCode> {
    match c {
        ConfigCmd::Set { key, value } => {
            let stored = settings::set(conn, key, value)?;
            say!("{} = {stored}", key.trim());
        }
        ConfigCmd::Get { key } => {
            let s = settings::get(conn, key)?;
            say!("{}", s.value);
        }
        ConfigCmd::List => {
            let mut t = Table::new(&["Key", "Value", "Set", "Meaning"]);
            for s in settings::list(conn)? {
                t.push(vec![
                    s.key.into(),
                    Cell::Num(s.value),
                    if s.is_default { "default" } else { "set" }.into(),
                    s.description.into(),
                ]);
            }
            t.write_text(&mut std::io::stdout().lock())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
