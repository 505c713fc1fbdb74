//! Writing a file the user named (a backup, a report CSV, generated extracts) without clobbering
//! anything else: every writer goes through [`OutputFile`].
//!
//! The rules: the path must be new, or name a regular file this user may write (its mode has a
//! write bit and it opens for writing). A symbolic link is followed to its target, which must be
//! such a file; the target is what gets replaced and the link stays a link. Anything else (a
//! device such as `/dev/full`, a FIFO, a folder, a read-only file, a link to nowhere) is refused
//! with one line and nothing is written. The new content is written beside the target under
//! `.NAME.partial-PID`, synced, and renamed over it: the file is the old one or the whole new one.
//!
//! The books themselves are never an output: the database this process has open (registered by
//! the store with [`protect_database`]), its `-wal`, `-shm` and `-journal` files, the journal
//! files of any other SQLite database, and a database that another program has open (its `-wal`
//! or `-shm` file is beside it) are refused, directly or through a link. Only a backup may replace
//! a database file, and only one that nothing has open (an older backup, with `--force`); every
//! other output refuses any SQLite database.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::platform::{device_names, held_open};
use crate::error::UserError;

/// The databases this process has open, by their real path.
static OPEN_DATABASES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The suffixes SQLite gives a database's own files beside it.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Records that `path` is a database this process has open, so that no output replaces it or its
/// journal files. Called by the store for every database it opens.
pub fn protect_database(path: &Path) {
    let real = real_path(path);
    if let Ok(mut open) = OPEN_DATABASES.lock()
        && !open.contains(&real)
    {
        open.push(real);
    }
}

/// The path with its folder resolved (links and `..`), and the file itself when it exists; on
/// Windows in the form the officer would write (`C:\...`, not `\\?\C:\...`).
fn real_path(path: &Path) -> PathBuf {
    if let Ok(p) = dunce::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dunce::canonicalize(dir)
                .map(|d| d.join(name))
                .unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// `path` with `suffix` added to its file name (`books.db` -> `books.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// True when `path` is a regular file that starts with SQLite's header (nothing else is opened:
/// opening a FIFO would block).
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|_| &head == b"SQLite format 3\0")
        .unwrap_or(false)
}

/// Why `target` (links already followed) may not be written, if it is part of a database.
/// `database` is true for a backup, which may replace a database file that nothing has open.
fn database_clash(target: &Path, database: bool) -> Option<String> {
    let real = real_path(target);
    let open = OPEN_DATABASES.lock().map(|o| o.clone()).unwrap_or_default();
    for db in &open {
        if &real == db {
            return Some("is the database itself".into());
        }
        for s in SIDECARS {
            if real == with_suffix(db, s) {
                return Some(format!("is the database's own {s} file"));
            }
        }
    }
    let name = real.to_string_lossy();
    for s in SIDECARS {
        if let Some(base) = name.strip_suffix(s)
            && is_sqlite_file(Path::new(base))
        {
            return Some(format!("is the {s} file of the database {base}"));
        }
    }
    if is_sqlite_file(&real) {
        let in_use = ["-wal", "-shm"]
            .iter()
            .any(|s| with_suffix(&real, s).exists());
        if in_use {
            return Some("is a database that another program has open".into());
        }
        if !database {
            return Some("is a database, not a report file".into());
        }
    }
    None
}

/// A checked destination: the real file to write (links followed) and what the user typed.
#[derive(Debug, Clone)]
pub struct OutputFile {
    target: PathBuf,
    shown: PathBuf,
    exists: bool,
}

/// Why a read-only file is refused, with the way to make it writable on this platform.
#[cfg(windows)]
const READ_ONLY: &str = "is read-only: clear Read-only in its Properties (or ask for write access) \
     or choose another file";
#[cfg(not(windows))]
const READ_ONLY: &str = "is read-only: make it writable (chmod u+w) or choose another file";

/// True when `path` names a device rather than a file on Windows: a reserved name (`NUL`,
/// `CON`, `COM1`, any extension) or a device path (`\\.\COM1`). Never on Unix, where `NUL` is
/// a file like any other.
fn device(path: &Path) -> bool {
    cfg!(windows)
        && (path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(device_names::is_reserved)
            || path.as_os_str().to_string_lossy().starts_with(r"\\.\"))
}

/// The refusal for a file another program holds open (Windows).
fn held(what: &str, path: &Path) -> UserError {
    UserError(format!(
        "{what}: {}: {}; nothing was written",
        path.display(),
        held_open::HELD_OPEN
    ))
}

/// The message for a failed write of `shown`: another program holding it open in Windows'
/// words, anything else as the system says it.
fn cannot_write(shown: &Path, e: &std::io::Error) -> UserError {
    let why = if held_open::is_held_open(e) {
        held_open::HELD_OPEN.to_string()
    } else {
        e.to_string()
    };
    UserError(format!(
        "cannot write {}: {why}; nothing was written",
        shown.display()
    ))
}

fn refuse(what: &str, path: &Path, why: &str) -> UserError {
    UserError(format!(
        "{what}: {} {why}; nothing was written",
        path.display()
    ))
}

impl OutputFile {
    /// Checks `path` as a destination for `what` (the option or command, for the message).
    /// With `replace` false an existing file is refused too.
    pub fn check(what: &str, path: &Path, replace: bool) -> Result<Self, UserError> {
        Self::check_as(what, path, replace, false)
    }

    /// Checks `path` as the destination of a database copy (a backup): as [`OutputFile::check`],
    /// except that a database file nothing has open (an older backup) may be replaced.
    pub fn check_database(what: &str, path: &Path, replace: bool) -> Result<Self, UserError> {
        Self::check_as(what, path, replace, true)
    }

    fn check_as(what: &str, path: &Path, replace: bool, database: bool) -> Result<Self, UserError> {
        let mut target = path.to_path_buf();
        let mut hops = 0;
        let system = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc") || device(p);
        let mut via_system = system(path);
        while let Ok(m) = std::fs::symlink_metadata(&target) {
            if !m.file_type().is_symlink() {
                break;
            }
            hops += 1;
            let next = std::fs::read_link(&target)
                .map_err(|e| refuse(what, path, &format!("is a link that cannot be read ({e})")))?;
            let next = dunce::simplified(&next).to_path_buf();
            target = match target.parent() {
                Some(dir) if next.is_relative() => dir.join(next),
                _ => next,
            };
            via_system |= system(&target);
            if hops > 40 {
                return Err(refuse(what, path, "is a loop of symbolic links"));
            }
        }
        let linked = hops > 0;
        if let Some(why) = database_clash(&target, database) {
            let shown = if linked {
                format!("{why} (through the link to {})", target.display())
            } else {
                why
            };
            return Err(refuse(
                what,
                path,
                &format!("{shown}: write to another file"),
            ));
        }
        // /dev/stdout and its kind lead through /proc/self/fd to whatever standard output is
        // (a terminal, a pipe, or a file that would be swapped under the shell): never a place
        // to replace. `-` is the way to write to standard output.
        if via_system || system(&target) {
            return Err(refuse(
                what,
                path,
                "is a system device, not a regular file (give `-` to write to standard output)",
            ));
        }
        match std::fs::symlink_metadata(&target) {
            Ok(m) => {
                let kind = m.file_type();
                if !kind.is_file() {
                    let is = if kind.is_dir() {
                        "a folder"
                    } else {
                        "a device, pipe or socket, not a regular file"
                    };
                    let why = if linked {
                        format!("links to {} which is {is}", target.display())
                    } else {
                        format!("is {is}")
                    };
                    return Err(refuse(what, path, &why));
                }
                if !replace {
                    return Err(UserError(format!(
                        "{what}: {} already exists: choose another file name, or add --force \
                         to replace it; nothing was written",
                        path.display()
                    )));
                }
                let opened = if m.permissions().readonly() {
                    None
                } else {
                    Some(std::fs::OpenOptions::new().write(true).open(&target))
                };
                match opened {
                    Some(Ok(_)) => {}
                    Some(Err(e)) if held_open::is_held_open(&e) => {
                        return Err(held(what, path));
                    }
                    _ => return Err(refuse(what, path, READ_ONLY)),
                }
                Ok(OutputFile::new(what, target, path, true)?)
            }
            Err(_) if linked => Err(refuse(
                what,
                path,
                &format!(
                    "is a link to {}, which does not exist: give the real path",
                    target.display()
                ),
            )),
            Err(_) => Ok(OutputFile::new(what, target, path, false)?),
        }
    }

    fn new(what: &str, target: PathBuf, shown: &Path, exists: bool) -> Result<Self, UserError> {
        let dir = folder_of(&target);
        if !dir.is_dir() {
            return Err(UserError(format!(
                "{what}: {}: the folder {} does not exist: create it or give another path; \
                 nothing was written",
                shown.display(),
                dir.display()
            )));
        }
        Ok(OutputFile {
            target,
            shown: shown.to_path_buf(),
            exists,
        })
    }

    /// The real file that will be written (a link followed).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// True when the target exists (and will be replaced).
    pub fn exists(&self) -> bool {
        self.exists
    }

    /// The temporary file beside the target: `.NAME.partial-PID`, in the same folder so the
    /// final rename is atomic; [`remove_stale_partials`] clears those a killed process left.
    pub fn partial(&self) -> PathBuf {
        partial_beside(&self.target)
    }

    /// Moves the finished temporary file `partial` over the target.
    pub fn replace_with(&self, partial: &Path) -> Result<(), UserError> {
        std::fs::rename(partial, &self.target).map_err(|e| {
            let _ = std::fs::remove_file(partial);
            cannot_write(&self.shown, &e)
        })
    }

    /// Writes the file through `fill` (given the open temporary file), syncs and renames it into
    /// place; on any failure the temporary file is removed and the target left as it was.
    pub fn write_with(
        &self,
        fill: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<(), UserError> {
        let partial = self.partial();
        remove_stale_partials(&folder_of(&self.target));
        let failed = |e: std::io::Error| {
            let _ = std::fs::remove_file(&partial);
            cannot_write(&self.shown, &e)
        };
        let mut file = create_new_owner_only(&partial).map_err(failed)?;
        fill(&mut file)
            .and_then(|_| file.flush())
            .and_then(|_| file.sync_all())
            .map_err(failed)?;
        drop(file);
        self.replace_with(&partial)
    }

    /// Writes `bytes` as the whole file (see [`OutputFile::write_with`]).
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<(), UserError> {
        self.write_with(|f| f.write_all(bytes))
    }
}

/// The folder a path is in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The longest file name most file systems take, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// `.NAME.partial-PID` beside `path`, NAME cut (at a character) so that the name, and SQLite's
/// `-journal` beside it, stay within [`MAX_NAME_BYTES`]: a target named with 241 to 255 bytes
/// can be written too.
pub fn partial_beside(path: &Path) -> PathBuf {
    partial_of(path, std::process::id())
}

/// The temporary name [`partial_beside`] gives `path` in process `pid`.
pub fn partial_of(path: &Path, pid: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "outturn".into());
    let tail = format!(".partial-{pid}");
    let room = MAX_NAME_BYTES - 1 - tail.len() - "-journal".len();
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    path.with_file_name(format!(".{}{tail}", &name[..end]))
}

/// Removes `.NAME.partial-PID` files in `dir` left by an output, a backup or a restore that was
/// interrupted (its process is no longer running), with their SQLite side files. Returns how many
/// went. Every write through [`OutputFile`] calls it for its target's folder first, so a killed
/// `pack` or report leaves nothing behind once anything is written there again.
pub fn remove_stale_partials(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = partial_pid(&name) else {
            continue;
        };
        if pid == std::process::id() || super::platform::process::running(pid) {
            continue;
        }
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            if std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
            for suffix in ["-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
            }
        }
    }
    removed
}

/// The PID in `.NAME.partial-PID`, when `name` is such a file (not its side files).
pub fn partial_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, pid) = name.rsplit_once(".partial-")?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Creates `path` new, readable and writable by its owner only (0600 on Unix, an access list on
/// Windows: see [`super::platform::owner_only`]); a leftover file of the same name is removed
/// first.
fn create_new_owner_only(path: &Path) -> std::io::Result<File> {
    let _ = std::fs::remove_file(path);
    super::platform::owner_only::create_new(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn partial_names_are_recognised() {
        assert_eq!(partial_pid(".b.db.partial-123"), Some(123));
        assert_eq!(partial_pid(".b.db.partial-123-wal"), None);
        assert_eq!(partial_pid("b.db.partial-123"), None);
        assert_eq!(partial_pid(".b.db.partial-"), None);
    }

    #[test]
    fn stale_partials_go_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        // PID 4194304 is above Linux's largest pid_max: never running.
        let dead = dir.path().join(".b.db.partial-4194304");
        let dead_journal = dir.path().join(".b.db.partial-4194304-journal");
        let mine = dir
            .path()
            .join(format!(".b.db.partial-{}", std::process::id()));
        let other = dir.path().join("keep.db");
        for p in [&dead, &dead_journal, &mine, &other] {
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(remove_stale_partials(dir.path()), 1);
        assert!(!dead.exists() && !dead_journal.exists());
        assert!(mine.exists() && other.exists());
    }

    #[test]
    fn a_partial_beside_a_long_name_stays_within_255_bytes() {
        for len in [200, 240, 241, 255] {
            let target = PathBuf::from("/tmp").join("é".repeat(len / 2) + &"x".repeat(len % 2));
            let p = partial_beside(&target);
            let n = p.file_name().unwrap().len();
            assert!(n + "-journal".len() <= 255, "{len}: {n}");
            assert!(p.file_name().unwrap().to_str().unwrap().starts_with(".é"));
        }
        let short = partial_beside(Path::new("/tmp/pack.xlsx"));
        assert_eq!(
            short.file_name().unwrap().to_str().unwrap(),
            format!(".pack.xlsx.partial-{}", std::process::id())
        );
    }
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn err(path: &Path, replace: bool) -> String {
        OutputFile::check("--csv", path, replace).unwrap_err().0
    }

    #[test]
    fn a_new_path_is_written_whole_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let out = OutputFile::check("--csv", &p, false).unwrap();
        assert!(!out.exists());
        out.write_bytes(b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_existing_regular_file_needs_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        std::fs::write(&p, "old").unwrap();
        assert!(err(&p, false).contains("already exists"));
        OutputFile::check("--csv", &p, true)
            .unwrap()
            .write_bytes(b"new")
            .unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }

    #[test]
    fn a_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        symlink("real.csv", &link).unwrap();
        OutputFile::check("--csv", &link, true)
            .unwrap()
            .write_bytes(b"new")
            .unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn a_dangling_link_a_folder_and_a_read_only_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dangling = dir.path().join("d.csv");
        symlink(dir.path().join("missing/x.csv"), &dangling).unwrap();
        assert!(err(&dangling, true).contains("does not exist"));
        assert!(err(dir.path(), true).contains("is a folder"));
        let ro = dir.path().join("ro.csv");
        std::fs::write(&ro, "keep").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(err(&ro, true).contains("read-only"));
        assert_eq!(std::fs::read(&ro).unwrap(), b"keep");
        let nowhere = dir.path().join("no/such/folder.csv");
        assert!(err(&nowhere, true).contains("does not exist"));
    }

    #[test]
    fn a_device_or_a_link_to_one_is_refused() {
        // Only reads /dev/null's metadata; nothing is opened for writing.
        assert!(err(Path::new("/dev/null"), true).contains("not a regular file"));
        assert!(err(Path::new("/dev/stdout"), true).contains("standard output"));
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out");
        symlink("/dev/null", &link).unwrap();
        let e = err(&link, true);
        assert!(e.contains("is a system device, not a regular file"), "{e}");
    }

    #[test]
    fn the_open_database_and_its_journal_files_are_refused_through_links_too() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("books.db");
        std::fs::write(&db, b"SQLite format 3\0and the rest").unwrap();
        protect_database(&db);
        assert!(err(&db, true).contains("is the database itself"));
        // Not yet on disk: the journal files are still the database's own.
        let wal = dir.path().join("books.db-wal");
        assert!(err(&wal, true).contains("own -wal file"));
        let link = dir.path().join("export.csv");
        symlink("books.db", &link).unwrap();
        let e = err(&link, true);
        assert!(
            e.contains("the database itself (through the link to"),
            "{e}"
        );
        // Another database's journal file, and a database as a report.
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"SQLite format 3\0").unwrap();
        let e = err(&dir.path().join("other.db-journal"), true);
        assert!(e.contains("-journal file of the database"), "{e}");
        assert!(err(&other, true).contains("is a database, not a report file"));
        let old = OutputFile::check_database("backup", &other, true).unwrap();
        assert!(old.exists());
        std::fs::write(dir.path().join("other.db-shm"), b"").unwrap();
        let e = OutputFile::check_database("backup", &other, true)
            .unwrap_err()
            .0;
        assert!(e.contains("another program has open"), "{e}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            b"SQLite format 3\0and the rest"
        );
    }

    #[test]
    fn a_fifo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        match std::process::Command::new("mkfifo").arg(&fifo).status() {
            Ok(s) if s.success() => {}
            _ => return, // no mkfifo on this machine: nothing to test
        }
        assert!(err(&fifo, true).contains("not a regular file"));
    }
}
