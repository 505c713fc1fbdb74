//! Which other programs hold a database file open, whatever they are. SQLite's locks show only
//! SQLite connections (the restore takes an exclusive lock); a program that merely has the file
//! open (an editor, a copy in progress, a script reading it) takes no lock, and replacing the file
//! under it would leave it reading the old pages. On Linux every process's open files are listed under
//! `/proc/PID/fd`; elsewhere this finds nothing (Windows refuses to replace a file another
//! program has open by itself). Reads only.

use std::path::{Path, PathBuf};

/// A program that has the file open: its process id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub name: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, process {}", self.name, self.pid)
    }
}

/// The database at `path` and the files SQLite keeps beside it, as the system names them.
fn database_files(path: &Path) -> Vec<PathBuf> {
    let Ok(real) = path.canonicalize() else {
        return Vec::new();
    };
    let mut out = vec![real.clone()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut s = real.as_os_str().to_owned();
        s.push(suffix);
        out.push(PathBuf::from(s));
    }
    out
}

/// The other processes (not this one) that have the database at `path`, or a file SQLite keeps
/// beside it, open, by process id. Processes this user may not look into are not seen.
#[cfg(target_os = "linux")]
pub fn other_holders(path: &Path) -> Vec<Holder> {
    let files = database_files(path);
    if files.is_empty() {
        return Vec::new();
    }
    let me = std::process::id();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        let holds = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .any(|target| files.contains(&target));
        if holds {
            let name = std::fs::read_to_string(p.path().join("comm"))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "a program".into());
            out.push(Holder { pid, name });
        }
    }
    out.sort_by_key(|h| h.pid);
    out
}

/// Elsewhere the system itself refuses to replace a file that is open (Windows), or there is no
/// portable way to ask: nothing is found.
#[cfg(not(target_os = "linux"))]
pub fn other_holders(path: &Path) -> Vec<Holder> {
    let _ = database_files(path);
    Vec::new()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// What `other_holders(db)` finds while a `sleep` holds `file` open (as its standard input,
    /// taking no lock), and that process's id.
    fn found_while_held(db: &Path, file: &Path) -> (Vec<Holder>, u32) {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .stdin(std::fs::File::open(file).unwrap())
            .spawn()
            .unwrap();
        let found = other_holders(db);
        let _ = child.kill();
        let _ = child.wait();
        (found, child.id())
    }

    #[test]
    fn a_program_holding_the_file_or_its_journal_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        std::fs::write(&db, b"").unwrap();
        assert_eq!(other_holders(&db), Vec::new());
        let (found, pid) = found_while_held(&db, &db);
        assert_eq!(
            found,
            vec![Holder {
                pid,
                name: "sleep".into()
            }]
        );
        assert_eq!(found[0].to_string(), format!("sleep, process {pid}"));
        // This process's own handles are not another program's.
        let _mine = std::fs::File::open(&db).unwrap();
        assert_eq!(other_holders(&db), Vec::new());
        // Through the journal beside it.
        let journal = dir.path().join("x.db-journal");
        std::fs::write(&journal, b"").unwrap();
        let (found, pid) = found_while_held(&db, &journal);
        assert_eq!(found.iter().map(|h| h.pid).collect::<Vec<_>>(), vec![pid]);
    }
}
