//! A throwaway PostgreSQL cluster for the tests (issue 25): no network, no Docker, nothing left
//! running afterwards.
//!
//! - The binaries (`initdb`, `pg_ctl`) come from PATH or `/usr/lib/postgresql/*/bin`. As root they
//!   run as the `postgres` user (`setpriv --reuid=postgres --regid=postgres --init-groups`), since
//!   `initdb` and `postgres` refuse root.
//! - A template data directory is made once per machine, under `${TMPDIR:-/tmp}`, named by a hash
//!   of the PostgreSQL version and of `roles.sql` and `v1.sql`: `initdb`, the group roles, and a
//!   database `outturn_tpl` with the schema. Each test binary copies it into a private 0700
//!   directory and starts it there with `listen_addresses=''` (no TCP: the Unix socket is in that
//!   directory, so `trust` is safe), `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`.
//! - Each test gets its own database: [`migrated_database`] (`CREATE DATABASE ... TEMPLATE
//!   outturn_tpl`) or [`fresh_database`] (empty), dropped when the handle is dropped.
//! - Rust runs no destructor for a static at exit, so a watchdog (`sh`, polling `kill -0` on the
//!   test process) stops the cluster (`pg_ctl stop -m immediate`) and removes its directory once
//!   the test binary has gone, however it ended.
//! - `OUTTURN_TEST_PG` (a libpq key=value string naming a superuser of a throwaway cluster, e.g.
//!   `host=/tmp/pg port=5432 user=outturn_admin`) uses that cluster instead of starting one.
//! - No binaries: a loud line on stderr and `None` (the PostgreSQL half of the tests is skipped);
//!   with `OUTTURN_REQUIRE_POSTGRES=1` (set by `.ci/run`) a panic instead.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};
use sha2::{Digest, Sha256};

/// The group roles (cluster-wide), applied once per cluster.
pub const ROLES_SQL: &str = include_str!("../../src/store/engine/postgres/roles.sql");
/// The schema, applied to the template database.
pub const V1_SQL: &str = include_str!("../../src/store/engine/postgres/v1.sql");

/// The superuser the harness's clusters are made with.
pub const ADMIN: &str = "outturn_admin";
/// The migrated template database every [`migrated_database`] is copied from.
pub const TEMPLATE_DB: &str = "outturn_tpl";
/// The port in the socket's name (nothing listens on TCP, and the socket folder is private, so
/// every cluster can use the same one).
const PORT: u16 = 5432;

/// A running cluster the tests connect to as its superuser.
#[derive(Debug)]
pub struct Cluster {
    /// libpq key=value string without `dbname` (host, port, user).
    pub conninfo: String,
    /// The private directory (data and socket) of a cluster this process started.
    pub dir: Option<PathBuf>,
    /// The PostgreSQL binaries' folder (for a cluster this process started).
    pub bin: Option<PathBuf>,
    /// How long starting the cluster took (copying the template and `pg_ctl start`).
    pub started_in: Duration,
}

/// The cluster of this test binary, started on first use (None when the PostgreSQL half is
/// skipped: no binaries, and `OUTTURN_REQUIRE_POSTGRES` unset).
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER.get_or_init(start_shared).as_ref()
}

fn start_shared() -> Option<Cluster> {
    if let Ok(conninfo) = std::env::var("OUTTURN_TEST_PG") {
        return Some(existing_cluster(conninfo.trim()));
    }
    let bin = binaries_or_skip()?;
    let cluster = Cluster::start(&bin, std::process::id());
    eprintln!(
        "PostgreSQL test cluster started in {} ms at {}",
        cluster.started_in.as_millis(),
        cluster.dir.as_deref().unwrap_or(Path::new("?")).display()
    );
    Some(cluster)
}

/// A cluster named by `OUTTURN_TEST_PG`: the roles and the template database are made there
/// once (under an advisory lock, so test binaries running at once do not race).
fn existing_cluster(conninfo: &str) -> Cluster {
    let t = Instant::now();
    let mut c = Client::connect(&format!("{conninfo} dbname=postgres"), NoTls)
        .unwrap_or_else(|e| panic!("OUTTURN_TEST_PG={conninfo}: cannot connect: {e}"));
    c.batch_execute("SELECT pg_advisory_lock(4225)").unwrap();
    let hash = schema_hash("external");
    let have: Option<String> = c
        .query_opt(
            "SELECT d.description FROM pg_database db JOIN pg_shdescription d ON d.objoid = db.oid \
             WHERE db.datname = $1",
            &[&TEMPLATE_DB],
        )
        .unwrap()
        .map(|r| r.get(0));
    if have.as_deref() != Some(hash.as_str()) {
        c.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"
        ))
        .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {TEMPLATE_DB}"))
            .unwrap();
        migrate(&format!("{conninfo} dbname={TEMPLATE_DB}"));
        c.batch_execute(&format!("COMMENT ON DATABASE {TEMPLATE_DB} IS '{hash}'"))
            .unwrap();
    }
    c.batch_execute("SELECT pg_advisory_unlock(4225)").unwrap();
    Cluster {
        conninfo: conninfo.to_string(),
        dir: None,
        bin: None,
        started_in: t.elapsed(),
    }
}

/// Applies roles.sql and v1.sql to the database `conninfo` names.
fn migrate(conninfo: &str) {
    let mut c = Client::connect(conninfo, NoTls).unwrap();
    c.batch_execute(ROLES_SQL)
        .unwrap_or_else(|e| panic!("roles.sql: {e:?}"));
    c.batch_execute(V1_SQL)
        .unwrap_or_else(|e| panic!("v1.sql: {e:?}"));
}

/// [`find_binaries`], or None after a loud line on stderr: the PostgreSQL half is skipped. With
/// `OUTTURN_REQUIRE_POSTGRES=1` a panic instead.
pub fn binaries_or_skip() -> Option<PathBuf> {
    if let Some(bin) = find_binaries() {
        return Some(bin);
    }
    let msg = "PostgreSQL tests SKIPPED: no initdb on PATH or in /usr/lib/postgresql/*/bin \
               (install postgresql, or set OUTTURN_TEST_PG to a throwaway cluster's conninfo); \
               OUTTURN_REQUIRE_POSTGRES=1 makes this a failure";
    if std::env::var("OUTTURN_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("{msg}");
    }
    eprintln!("\n*** {msg} ***\n");
    None
}

/// The folder holding `initdb` and `pg_ctl`: PATH first, then Debian's
/// `/usr/lib/postgresql/<version>/bin` (the newest).
pub fn find_binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p).find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
    });
    if let Some(d) = on_path {
        // /usr/local/bin/initdb may be a link into Debian's folder: use the real one.
        return Some(
            std::fs::canonicalize(d.join("initdb"))
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or(d),
        );
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `program args` as the user that may run PostgreSQL: `postgres` when this process is root.
fn as_pg_user(program: &Path) -> Command {
    if running_as_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) {
    let out = c
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Gives `path` (recursively) to the `postgres` user when running as root.
fn give_to_pg_user(path: &Path) {
    if running_as_root() {
        let mut c = Command::new("chown");
        c.arg("-R").arg("postgres:postgres").arg(path);
        run(c, "chown");
    }
}

fn tmp_root() -> PathBuf {
    std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
}

fn schema_hash(bin: &str) -> String {
    let mut h = Sha256::new();
    for part in [bin, ROLES_SQL, V1_SQL] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn server_options(dir: &Path) -> String {
    format!(
        "-c listen_addresses='' -c unix_socket_directories='{}' -c port={PORT} -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off",
        dir.display()
    )
}

fn pg_ctl_start(bin: &Path, dir: &Path) {
    let mut c = as_pg_user(&bin.join("pg_ctl"));
    c.arg("-D")
        .arg(dir.join("data"))
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-w", "-o", &server_options(dir), "start"]);
    run(c, "pg_ctl start");
}

fn pg_ctl_stop(bin: &Path, dir: &Path, mode: &str) {
    let mut c = as_pg_user(&bin.join("pg_ctl"));
    c.arg("-D")
        .arg(dir.join("data"))
        .args(["-w", "-m", mode, "stop"]);
    run(c, "pg_ctl stop");
}

/// A new private 0700 directory under `${TMPDIR:-/tmp}`, owned by the PostgreSQL user.
fn private_dir(prefix: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(tmp_root())
        .unwrap()
        .keep();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    give_to_pg_user(&dir);
    dir
}

/// The machine's template data directory for these binaries and this schema, made when missing:
/// `initdb`, then the roles and the migrated `outturn_tpl` database. Made aside and renamed into
/// place, so test binaries starting at once never see half of one.
pub fn template_data(bin: &Path) -> PathBuf {
    let root = tmp_root().join(format!(
        "outturn-pg-template-{}",
        schema_hash(&bin.display().to_string())
    ));
    if root.join("ready").is_file() {
        return root;
    }
    let t = Instant::now();
    let work = private_dir("outturn-pg-template-new.");
    let mut init = as_pg_user(&bin.join("initdb"));
    init.arg("-D").arg(work.join("data")).args([
        "-U",
        ADMIN,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
    ]);
    run(init, "initdb");
    pg_ctl_start(bin, &work);
    let conninfo = format!("host={} port={PORT} user={ADMIN}", work.display());
    let made = std::panic::catch_unwind(|| {
        let mut c = Client::connect(&format!("{conninfo} dbname=postgres"), NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {TEMPLATE_DB}"))
            .unwrap();
        drop(c);
        migrate(&format!("{conninfo} dbname={TEMPLATE_DB}"));
    });
    pg_ctl_stop(bin, &work, "fast");
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&work);
        std::panic::resume_unwind(e);
    }
    std::fs::write(work.join("ready"), "").unwrap();
    if std::fs::rename(&work, &root).is_err() {
        // Another test binary made it first.
        let _ = std::fs::remove_dir_all(&work);
    }
    eprintln!(
        "PostgreSQL template made in {} ms at {} (once per machine)",
        t.elapsed().as_millis(),
        root.display()
    );
    assert!(
        root.join("ready").is_file(),
        "no template at {}",
        root.display()
    );
    root
}

impl Cluster {
    /// Copies the template into a private directory and starts it there; a watchdog stops it and
    /// removes the directory once process `watch` has gone.
    pub fn start(bin: &Path, watch: u32) -> Cluster {
        let template = template_data(bin);
        let t = Instant::now();
        let dir = private_dir("outturn-pg.");
        let mut cp = Command::new("cp");
        cp.arg("-a").arg(template.join("data")).arg(&dir);
        run(cp, "cp -a template");
        pg_ctl_start(bin, &dir);
        spawn_watchdog(bin, &dir, watch);
        Cluster {
            conninfo: format!("host={} port={PORT} user={ADMIN}", dir.display()),
            dir: Some(dir),
            bin: Some(bin.to_path_buf()),
            started_in: t.elapsed(),
        }
    }

    /// The postmaster's process id (a cluster this process started).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let pidfile =
            std::fs::read_to_string(self.dir.as_ref()?.join("data/postmaster.pid")).ok()?;
        pidfile.lines().next()?.trim().parse().ok()
    }

    /// Stops a cluster this process started (immediately), waits for its postmaster to exit, and
    /// removes its directory.
    pub fn stop(&self) {
        if let (Some(bin), Some(dir)) = (&self.bin, &self.dir) {
            let pid = self.postmaster_pid();
            pg_ctl_stop(bin, dir, "immediate");
            // pg_ctl returns once the pid file is gone, a moment before the process itself.
            let deadline = Instant::now() + Duration::from_secs(10);
            while pid.is_some_and(process_runs) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// A connection as the superuser to database `db`.
    pub fn admin(&self, db: &str) -> Client {
        Client::connect(&format!("{} dbname={db}", self.conninfo), NoTls)
            .unwrap_or_else(|e| panic!("connect to {db} as {ADMIN}: {e}"))
    }

    /// A connection as `login` to database `db`.
    pub fn connect_as(&self, db: &str, login: &str) -> Client {
        Client::connect(
            &format!("{} user={login} dbname={db}", self.conninfo),
            NoTls,
        )
        .unwrap_or_else(|e| panic!("connect to {db} as {login}: {e}"))
    }

    fn create_database(&'static self, template: Option<&str>) -> TestDb {
        let name = unique_name("t");
        let t = Instant::now();
        let sql = match template {
            Some(tpl) => format!("CREATE DATABASE {name} TEMPLATE {tpl}"),
            None => format!("CREATE DATABASE {name}"),
        };
        self.admin("postgres").batch_execute(&sql).unwrap();
        eprintln!("database {name} created in {} ms", t.elapsed().as_millis());
        TestDb {
            cluster: self,
            name,
            created_in: t.elapsed(),
            logins: Vec::new(),
        }
    }
}

/// True while process `pid` runs (a zombie, exited but not yet reaped, does not).
pub fn process_runs(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // "pid (comm) S ...": the state follows the last ')'.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// Stops the cluster in `dir` and removes the directory once process `watch` has gone: a shell
/// loop, detached from the test's output, that outlives the test binary.
fn spawn_watchdog(bin: &Path, dir: &Path, watch: u32) {
    let pg_ctl = bin.join("pg_ctl");
    let stop = if running_as_root() {
        "setpriv --reuid=postgres --regid=postgres --init-groups -- \"$2\""
    } else {
        "\"$2\""
    };
    // The loop runs in a background subshell, so the `sh` started here exits at once (waited
    // for: no zombie) and the loop, adopted by init, outlives the test binary.
    let script = format!(
        "(while kill -0 \"$1\" 2>/dev/null; do sleep 0.2; done; \
         {stop} -D \"$3/data\" -m immediate -w stop; rm -rf \"$3\") \
         </dev/null >/dev/null 2>&1 &"
    );
    let started = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("outturn-pg-watchdog")
        .arg(watch.to_string())
        .arg(&pg_ctl)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the cluster's watchdog");
    assert!(started.success(), "the cluster's watchdog did not start");
}

/// A name unique on the server (roles are cluster-wide): prefix, process id, a counter.
pub fn unique_name(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// One test's database, dropped (with the logins made for it) when this is dropped.
pub struct TestDb {
    pub cluster: &'static Cluster,
    pub name: String,
    /// How long `CREATE DATABASE` took.
    pub created_in: Duration,
    logins: Vec<String>,
}

/// A new database holding the Outturn schema (a copy of the migrated template), or None when the
/// PostgreSQL half of the tests is skipped.
pub fn migrated_database() -> Option<TestDb> {
    Some(cluster()?.create_database(Some(TEMPLATE_DB)))
}

/// A new empty database (for `init` and migrations), or None when skipped.
pub fn fresh_database() -> Option<TestDb> {
    Some(cluster()?.create_database(None))
}

impl TestDb {
    /// The connection string Outturn is given for this database as `login`.
    pub fn at(&self, login: &str) -> String {
        format!(
            "{} dbname={} user={login}",
            self.cluster.conninfo, self.name
        )
    }

    /// A connection as the superuser.
    pub fn admin(&self) -> Client {
        self.cluster.admin(&self.name)
    }

    /// A connection as `login`.
    pub fn connect_as(&self, login: &str) -> Client {
        self.cluster.connect_as(&self.name, login)
    }

    /// Creates a login role named uniquely from `prefix` (dropped with the database).
    pub fn create_login(&mut self, prefix: &str) -> String {
        let login = unique_name(prefix);
        self.admin()
            .batch_execute(&format!("CREATE ROLE {login} LOGIN"))
            .unwrap();
        self.logins.push(login.clone());
        login
    }

    /// Creates an organisation (`outturn_org_create`) whose first lead is a new login; returns
    /// (organisation id, the lead's login).
    pub fn create_org(&mut self, name: &str) -> (i64, String) {
        let lead = self.create_login("lead");
        let org: i64 = self
            .admin()
            .query_one("SELECT outturn_org_create($1, $2)", &[&name, &lead])
            .unwrap()
            .get(0);
        (org, lead)
    }

    /// A new login given `role` in the organisation of `lead` (by `outturn_team_grant`, as the
    /// lead).
    pub fn add_member(&mut self, lead: &str, prefix: &str, role: &str) -> String {
        let login = self.create_login(prefix);
        self.connect_as(lead)
            .execute("SELECT outturn_team_grant($1, $2)", &[&login, &role])
            .unwrap();
        login
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) =
            Client::connect(&format!("{} dbname=postgres", self.cluster.conninfo), NoTls)
        {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            for login in &self.logins {
                let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS {login}"));
            }
        }
    }
}
