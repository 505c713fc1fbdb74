//! The commands on books kept on a PostgreSQL server (`--db postgres://…`): `init`, which a DBA
//! runs once on an empty database, and `team`, with which a lead says who may read, write and
//! close. The other commands do not run on a server yet: they refuse, naming what does.

use std::process::ExitCode;

use clap::Subcommand;

use super::output::say;
use crate::error::UserError;
use crate::ops::server;
use crate::ops::types::PgInit;

/// The team on a PostgreSQL server: grant a login its role, list the team (leads only).
#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Give a login (created by the DBA) a role in your council: viewer, officer or lead.
    Grant {
        /// The login, as the server knows it.
        login: String,
        /// viewer (reads), officer (also writes records), lead (also closes and reopens
        /// periods, approves budget changes, finalises financing, manages the team).
        #[arg(long)]
        role: String,
    },
    /// The council's team: each login and its role.
    List,
}

/// What a server command needs: where, and whether plain TCP to another machine is allowed.
pub struct Server<'a> {
    /// The connection string as given.
    pub conninfo: &'a str,
    /// The same, with its password hidden.
    pub shown: &'a str,
    /// `--plain-tcp`.
    pub plain_tcp: bool,
}

/// `outturn init` on a server: the schema, the council and its first lead.
pub fn init(
    at: &Server<'_>,
    demo: bool,
    council: Option<&str>,
    lead: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if demo {
        return Err(UserError(
            "--demo: the demo programmes are loaded into a SQLite file: make one (outturn --db demo.db init --demo), run init here without --demo, then, as the lead, outturn copy --from demo.db --to this server".to_string(),
        )
        .into());
    }
    let mut books = server::connect(at.conninfo, at.shown, at.plain_tcp)?;
    match server::init(&mut books, council, lead)? {
        PgInit::Created { council, lead } => say!(
            "Created the books at {} for {council}, with {lead} as its lead.",
            at.shown
        ),
        PgInit::AlreadyBooks => {
            return Err(UserError(format!(
                "{} already holds Outturn's books: nothing was changed",
                at.shown
            ))
            .into());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn team grant|list`.
pub fn team(at: &Server<'_>, cmd: &TeamCmd) -> anyhow::Result<ExitCode> {
    let mut books = server::connect(at.conninfo, at.shown, at.plain_tcp)?;
    match cmd {
        TeamCmd::Grant { login, role } => {
            let role = server::team_grant(&mut books, login, role)?;
            say!("{login} is now in your council's team as {}.", role.name());
        }
        TeamCmd::List => {
            let team = server::team_list(&mut books)?;
            let width = team
                .iter()
                .map(|(l, _)| l.chars().count())
                .max()
                .unwrap_or(0)
                .max(5);
            let mut out = format!("{:<width$}  Role\n", "Login");
            for (login, role) in &team {
                out.push_str(&format!("{login:<width$}  {}\n", role.name()));
            }
            print!("{out}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn backup FILE` on a server: `pg_dump`, checked.
pub fn backup(at: &Server<'_>, file: &std::path::Path, force: bool) -> anyhow::Result<ExitCode> {
    let mut books = server::connect(at.conninfo, at.shown, at.plain_tcp)?;
    let done = server::backup(&mut books, at.conninfo, file, force)?;
    say!(
        "Backed up {} to {} with pg_dump ({} audit events, {} tables; restore it into an empty database with outturn restore).",
        at.shown,
        file.display(),
        done.audit_events,
        done.tables
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn restore FILE` on a server: `pg_restore` into an empty database, checked.
pub fn restore(at: &Server<'_>, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let mut books = server::connect(at.conninfo, at.shown, at.plain_tcp)?;
    let events = server::restore(&mut books, at.conninfo, file)?;
    say!(
        "Restored {} from {} with pg_restore ({events} audit events, checked).",
        at.shown,
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `outturn copy --from A --to B`: books between a SQLite file and a server.
pub fn copy(
    from: &std::path::Path,
    to: &std::path::Path,
    plain_tcp: bool,
) -> anyhow::Result<ExitCode> {
    let copied = server::copy(from, to, plain_tcp)?;
    let rows: usize = copied.rows.values().sum();
    say!(
        "Copied {} to {}: {rows} rows in {} tables, {} audit events (checked).",
        crate::ops::books::shown(from),
        crate::ops::books::shown(to),
        copied.rows.len(),
        copied.events
    );
    Ok(ExitCode::SUCCESS)
}

/// Connects to the books on the server, for a command's shared handler.
pub fn connect(at: &Server<'_>) -> anyhow::Result<crate::ops::types::PgBooks> {
    Ok(server::connect(at.conninfo, at.shown, at.plain_tcp)?)
}

/// The refusal, inside a command's handler, of a subcommand that does not run on a server yet
/// (handlers given the books do not know where they are).
pub fn not_here(command: &str) -> anyhow::Error {
    UserError(format!(
        "{command}: this does not run on books on a PostgreSQL server yet (docs/postgres.md lists what does); keep the books in a SQLite file (--db FILE) for it"
    ))
    .into()
}

/// The refusal for a command that does not run on a server yet.
pub fn not_yet(shown: &str, command: &str) -> anyhow::Error {
    UserError(format!(
        "{command}: the books at {shown} are on a PostgreSQL server, where {command} does not run yet (docs/postgres.md lists what does); keep the books in a SQLite file (--db FILE) for it"
    ))
    .into()
}

/// The refusal for `team` on books kept in a file.
pub fn team_on_a_file(path: &std::path::Path) -> anyhow::Error {
    UserError(format!(
        "team: {} is a SQLite file, whose books belong to whoever can open the file; a team is kept on a PostgreSQL server (--db postgres://LOGIN@HOST/DATABASE)",
        path.display()
    ))
    .into()
}
