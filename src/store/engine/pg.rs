//! Books kept on a PostgreSQL server, shared by a team ([`PgBooks`]): connecting, the versioned
//! migrations that create the schema on an empty database (and refuse another application's
//! database or a newer Outturn's, untouched), the login the server knows the officer by, and the
//! team: who may read, write and close.
//!
//! The rules live in the server (`postgres/roles.sql`, `postgres/v1.sql`): the group roles
//! viewer ⊂ officer ⊂ lead, row-level security keyed on the council, the append-only audit log
//! written only by a SECURITY DEFINER function, and closed periods held by triggers. A plain
//! `psql` session cannot go round them.

use super::pg_connect::Target;
use super::pg_error::from_pg;
use super::sql::{DbResult, Engine, Params, PgConn, Row, Sql};
use crate::store::{Result, StoreError};

/// The cluster-wide group roles (created when missing).
const ROLES: &str = include_str!("postgres/roles.sql");

/// The migrations, in order: entry `i` brings the books from PostgreSQL schema `i` to `i + 1`.
/// The schema after each is the SQLite schema of the same books ([`PG_SCHEMA_MATCHES`]).
const MIGRATIONS: &[&str] = &[include_str!("postgres/v1.sql")];

/// The SQLite schema version the newest PostgreSQL migration matches (kept in `meta`).
pub const PG_SCHEMA_MATCHES: i64 = 13;

/// A member's role in the team: viewers read; officers also write records; leads also close and
/// reopen periods, approve budget changes, finalise financing and manage the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Viewer,
    Officer,
    Lead,
}

impl Role {
    /// The role's name, as typed and shown.
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Lead => "lead",
        }
    }

    /// Reads a role's name.
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "viewer" => Some(Role::Viewer),
            "officer" => Some(Role::Officer),
            "lead" => Some(Role::Lead),
            _ => None,
        }
    }
}

/// What a database holds, read before anything is written to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    /// No tables: new books can be made here.
    Nothing,
    /// Outturn's books at this schema version.
    Outturn(i64),
    /// Tables of another application (the first few named).
    Other(Vec<String>),
}

/// What `init` did on a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgInit {
    /// The schema was created, with the council and its first lead.
    Created { council: String, lead: String },
    /// The database already holds Outturn's books: nothing was changed.
    AlreadyBooks,
}

/// Outturn's books on a PostgreSQL server.
pub struct PgBooks {
    conn: PgConn,
    shown: String,
}

impl std::fmt::Debug for PgBooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgBooks").field("at", &self.shown).finish()
    }
}

impl PgBooks {
    /// Connects to the server named by `conninfo` (`shown` is it with its password hidden).
    pub fn connect(conninfo: &str, shown: &str, plain_tcp: bool) -> Result<PgBooks> {
        let client = Target::parse(conninfo, shown, plain_tcp)?.connect(shown)?;
        Ok(PgBooks {
            conn: PgConn::new(client),
            shown: shown.to_string(),
        })
    }

    /// The books' place as shown (password hidden).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The login the server knows this session by (`session_user`): what the audit log records,
    /// whatever `SET ROLE` or `OUTTURN_USER` say.
    pub fn login(&mut self) -> Result<String> {
        let row = self
            .conn
            .client()
            .query_one("SELECT session_user::text", &[])
            .map_err(from_pg)?;
        Ok(row.get(0))
    }

    /// The database's name.
    pub fn database(&mut self) -> Result<String> {
        let row = self
            .conn
            .client()
            .query_one("SELECT current_database()::text", &[])
            .map_err(from_pg)?;
        Ok(row.get(0))
    }

    /// True when this login reads every council's rows (a superuser, or a role with
    /// BYPASSRLS): the DBA's, who takes backups.
    pub fn reads_everything(&mut self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT CASE WHEN rolsuper OR rolbypassrls THEN 1 ELSE 0 END FROM pg_roles WHERE rolname = session_user",
            crate::sql_params![],
            |r| r.get(0),
        )?)
    }

    /// The council's audit events.
    pub fn audit_events(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM audit", crate::sql_params![], |r| {
                r.get(0)
            })?)
    }

    /// The council's audit log checked link by link (see [`crate::store::audit::verify_chain`]);
    /// for the DBA, who reads every council's rows, each council's log in turn, its findings
    /// named by council.
    pub fn verify_audit_chain(&mut self) -> Result<Vec<String>> {
        if !self.reads_everything()? {
            return crate::store::audit::verify_chain(&self.conn);
        }
        let councils = self.conn.query_map(
            "SELECT id, name FROM organisation ORDER BY id",
            crate::sql_params![],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut findings = Vec::new();
        for (id, name) in councils {
            for f in crate::store::audit::verify_chain_where(
                &self.conn,
                "WHERE org_id = ?1",
                crate::sql_params![id],
            )? {
                findings.push(format!("{name}: {f}"));
            }
        }
        Ok(findings)
    }

    /// What the database holds.
    pub fn holds(&mut self) -> Result<Holds> {
        let tables: Vec<String> = self
            .conn
            .client()
            .query(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
                 ORDER BY c.relname",
                &[],
            )
            .map_err(from_pg)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if tables.is_empty() {
            return Ok(Holds::Nothing);
        }
        if !tables.iter().any(|t| t == "meta") {
            return Ok(Holds::Other(tables.into_iter().take(5).collect()));
        }
        let rows = self
            .conn
            .client()
            .query(
                "SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')",
                &[],
            )
            .map_err(from_pg)?;
        let get = |k: &str| {
            rows.iter()
                .find(|r| r.get::<_, String>(0) == k)
                .map(|r| r.get::<_, String>(1))
        };
        match (get("application").as_deref(), get("schema_version")) {
            (Some("outturn"), Some(v)) => Ok(Holds::Outturn(v.parse().unwrap_or(i64::MAX))),
            _ => Ok(Holds::Other(tables.into_iter().take(5).collect())),
        }
    }

    /// Refuses books this Outturn cannot work on: another application's database, an empty
    /// one (not made with `init`), or a newer Outturn's. Nothing is written.
    pub fn ensure_books(&mut self) -> Result<()> {
        match self.holds()? {
            Holds::Outturn(v) if v <= PG_SCHEMA_MATCHES => Ok(()),
            Holds::Outturn(v) => Err(StoreError::Refused(format!(
                "the books at {} were written by a newer Outturn (schema {v}; this one knows up to {PG_SCHEMA_MATCHES}); upgrade Outturn to use them",
                self.shown
            ))),
            Holds::Nothing => Err(StoreError::Refused(format!(
                "the database at {} holds no books yet; a DBA creates them once with init",
                self.shown
            ))),
            Holds::Other(tables) => Err(other_application(&self.shown, &tables)),
        }
    }

    /// Makes new books on an empty database: the group roles (once per server), the schema by
    /// its migrations, and the council with its first lead, all in one transaction. Run by the
    /// DBA (a role that may create roles and own the schema). Another application's database
    /// or a newer Outturn's is refused untouched.
    pub fn init(&mut self, council: &str, lead: &str) -> Result<PgInit> {
        match self.holds()? {
            Holds::Nothing => {}
            Holds::Outturn(v) if v <= PG_SCHEMA_MATCHES => return Ok(PgInit::AlreadyBooks),
            Holds::Outturn(_) => {
                self.ensure_books()?;
            }
            Holds::Other(tables) => return Err(other_application(&self.shown, &tables)),
        }
        let mut client = self.conn.client();
        let mut tx = client.transaction().map_err(from_pg)?;
        tx.batch_execute(ROLES).map_err(from_pg)?;
        for step in MIGRATIONS {
            tx.batch_execute(step).map_err(from_pg)?;
        }
        tx.execute("SELECT outturn_org_create($1, $2)", &[&council, &lead])
            .map_err(from_pg)?;
        tx.commit().map_err(from_pg)?;
        Ok(PgInit::Created {
            council: council.to_string(),
            lead: lead.to_string(),
        })
    }

    /// Gives `login` (a login the DBA created) a role in the lead's council. Leads only.
    pub fn team_grant(&mut self, login: &str, role: Role) -> Result<()> {
        self.ensure_books()?;
        self.conn
            .client()
            .execute("SELECT outturn_team_grant($1, $2)", &[&login, &role.name()])
            .map_err(from_pg)?;
        Ok(())
    }

    /// The council's team: each login and its role, by login.
    pub fn team_list(&mut self) -> Result<Vec<(String, Role)>> {
        self.ensure_books()?;
        let rows = self
            .conn
            .client()
            .query(
                "SELECT login::text, role::text FROM outturn_team_list()",
                &[],
            )
            .map_err(from_pg)?;
        Ok(rows
            .iter()
            .map(|r| {
                let role: String = r.get(1);
                (r.get(0), Role::parse(&role).unwrap_or(Role::Viewer))
            })
            .collect())
    }
}

impl PgBooks {
    /// Runs `step` in one SERIALIZABLE transaction, committed when it succeeds and rolled back,
    /// leaving nothing half-written, when it fails.
    ///
    /// The council's steps take turns: each holds the council's write lock (the lock its audit
    /// event is appended under) from before its transaction begins until it ends, so it reads
    /// the books with every earlier step's change in view and no other step commits while it
    /// runs. Officers queued behind an import or a close then go one after another, instead of
    /// all running at once when it ends and stopping each other (before, with 8 officers and a
    /// lead's closes queued behind a million-line import, 4 of 40 adds gave up).
    ///
    /// When a change written outside Outturn (a `psql` session) committed first, the step runs
    /// again (up to ten times, each after a growing wait spread by [`backoff`]), so two writers
    /// never both pass a rule that holds for each alone (two reductions of 700 against 1,000);
    /// past that, the conflict is reported and nothing is written.
    pub fn write<T>(&mut self, mut step: impl FnMut(&PgConn) -> Result<T>) -> Result<T> {
        const ATTEMPTS: usize = 10;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.conn.clear_retry();
            self.conn
                .execute_batch("SELECT pg_advisory_lock(43, outturn_org()::int)")
                .map_err(StoreError::from)?;
            let begun = self
                .conn
                .execute_batch("BEGIN ISOLATION LEVEL SERIALIZABLE")
                .map_err(StoreError::from);
            let out = begun.and_then(|()| step(&self.conn)).and_then(|v| {
                self.conn
                    .execute_batch("COMMIT")
                    .map_err(StoreError::from)
                    .map(|()| v)
            });
            if out.is_err() {
                // A failed COMMIT has ended the transaction already; ROLLBACK then only warns.
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            let unlocked = self
                .conn
                .execute_batch("SELECT pg_advisory_unlock(43, outturn_org()::int)")
                .map_err(StoreError::from);
            match out {
                Ok(v) => {
                    unlocked?;
                    return Ok(v);
                }
                Err(e) => {
                    if !(self.conn.must_retry() && attempt < ATTEMPTS) {
                        return Err(e);
                    }
                    // Officers who collided wait different, growing times before trying again,
                    // so that they do not collide again at once.
                    std::thread::sleep(backoff(attempt));
                }
            }
        }
    }
}

/// How long a step waits before its `attempt`+1-th try: 4 ms doubled each time (to 1 s), plus
/// up to as much again chosen by the clock and the process, so that officers' retries spread.
fn backoff(attempt: usize) -> std::time::Duration {
    let base = 4u64 << attempt.min(8);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    let spread = (nanos ^ u64::from(std::process::id()).wrapping_mul(2_654_435_761)) % base;
    std::time::Duration::from_millis(base + spread)
}

impl Sql for PgBooks {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }
    fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
        self.conn.execute(sql, params)
    }
    fn query_row<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<T>
    where
        F: FnOnce(&Row<'_>) -> DbResult<T>,
    {
        self.conn.query_row(sql, params, f)
    }
    fn query_map<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> DbResult<T>,
    {
        self.conn.query_map(sql, params, f)
    }
    fn query_each<F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<()>
    where
        F: FnMut(&Row<'_>) -> DbResult<bool>,
    {
        self.conn.query_each(sql, params, f)
    }
    fn execute_batch(&self, sql: &str) -> DbResult<()> {
        self.conn.execute_batch(sql)
    }
    fn as_pg(&self) -> Option<&PgConn> {
        Some(&self.conn)
    }
}

fn other_application(shown: &str, tables: &[String]) -> StoreError {
    StoreError::Refused(format!(
        "the database at {shown} holds another application's tables ({}); Outturn left it untouched: give an empty database",
        tables.join(", ")
    ))
}
