//! The same steps on both engines (issue 25): fresh books in a SQLite file and on the throwaway
//! PostgreSQL cluster (a council with one lead, who may do everything), driven through the
//! command line. A test runs its script on each and compares what Outturn printed, byte for byte;
//! where PostgreSQL is skipped (no binaries, `OUTTURN_REQUIRE_POSTGRES` unset) only the SQLite
//! half runs, and the harness has said so loudly.

use std::process::Output;

use super::pg::{self, TestDb};

/// Where a script's books are kept.
pub enum Place {
    /// A SQLite file in its own folder.
    File(tempfile::TempDir),
    /// A database of its own on the cluster, used as `login` (the council's lead).
    Server { db: TestDb, login: String },
}

/// Fresh books on one engine.
pub struct Books {
    pub place: Place,
}

impl Books {
    /// Fresh books in a SQLite file (made by `init`).
    pub fn sqlite() -> Books {
        let dir = tempfile::tempdir().unwrap();
        let books = Books {
            place: Place::File(dir),
        };
        let o = books.run(&["init"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        books
    }

    /// Fresh books on the cluster, or None when the PostgreSQL half is skipped.
    pub fn postgres() -> Option<Books> {
        let mut db = pg::migrated_database()?;
        let (_, login) = db.create_org("Anytown");
        Some(Books {
            place: Place::Server { db, login },
        })
    }

    /// What `--db` says.
    pub fn locator(&self) -> String {
        match &self.place {
            Place::File(dir) => dir.path().join("books.db").display().to_string(),
            Place::Server { db, login } => db.at(login),
        }
    }

    /// The name the audit log records for the officer running the steps.
    pub fn login(&self) -> String {
        match &self.place {
            Place::File(_) => outturn::ops::books::login(),
            Place::Server { login, .. } => login.clone(),
        }
    }

    /// Runs outturn on these books (as `test-officer`, with today pinned to 05/12/2026).
    pub fn run(&self, args: &[&str]) -> Output {
        super::bin()
            .env("OUTTURN_TODAY", "2026-12-05")
            .arg("--db")
            .arg(self.locator())
            .args(args)
            .output()
            .expect("run outturn")
    }

    /// Starts outturn on these books in a process of its own (with its own connection), as
    /// [`Books::run`] runs it, without waiting.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        super::bin()
            .env("OUTTURN_TODAY", "2026-12-05")
            .arg("--db")
            .arg(self.locator())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start outturn")
    }

    /// Runs the steps at the same moment, each in a process of its own; returns what each
    /// printed, in the order given.
    pub fn at_once(&self, steps: &[&[&str]]) -> Vec<Output> {
        let children: Vec<_> = steps.iter().map(|s| self.spawn(s)).collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().expect("wait for outturn"))
            .collect()
    }

    /// Runs a step that must succeed; returns what it printed, with the officer's login written
    /// as `<login>` (the only thing that differs between the engines' outputs).
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout)
            .unwrap()
            .replace(&self.login(), "<login>")
    }

    /// Runs a step that must succeed with warnings; returns what it warned (standard error)
    /// then what it printed, with the login written as `<login>`.
    pub fn warned(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let (err, out) = (
            String::from_utf8(o.stderr).unwrap(),
            String::from_utf8(o.stdout).unwrap(),
        );
        assert!(!err.is_empty(), "{args:?} warned nothing: {out}");
        (err + &out).replace(&self.login(), "<login>")
    }

    /// Runs a step that must be refused (exit status 2); returns the message.
    pub fn refused(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8(o.stderr).unwrap()
    }
}

/// Runs `script` on fresh SQLite books and on fresh PostgreSQL books, and asserts both printed
/// the same; returns the SQLite transcript (for the test's own hand-made expectations).
pub fn same_on_both(script: impl Fn(&Books) -> String) -> String {
    let on_file = script(&Books::sqlite());
    if let Some(server) = Books::postgres() {
        let on_server = script(&server);
        assert_eq!(
            on_server, on_file,
            "PostgreSQL (left) and SQLite (right) printed differently"
        );
    }
    on_file
}
