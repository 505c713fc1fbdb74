//! The password for a PostgreSQL login, found as libpq finds it, since the `postgres` crate reads
//! neither: the password file (`PGPASSFILE`, else `~/.pgpass`, or
//! `%APPDATA%\postgresql\pgpass.conf` on Windows), or a password command
//! (`OUTTURN_PG_PASSWORD_COMMAND`, run by the shell; its first line is the password: for tokens
//! such as Entra ID's or RDS IAM's, which live minutes). Never from the command line or the config
//! file: a password written there would sit in shell histories and process lists.

use std::path::{Path, PathBuf};

/// The password file's place: `PGPASSFILE`, else the platform's default.
pub fn passfile() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|d| Path::new(&d).join("postgresql").join("pgpass.conf"))
    } else {
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass"))
    }
}

/// One field of a password-file line: `*` matches anything; `\:` and `\\` are escapes.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if out.len() < 4 => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// The password for (host, port, database, user) in a password file's text: the first line
/// that matches, as libpq reads it (comments and short lines skipped). A Unix socket folder
/// matches the host `localhost`, as in libpq.
pub fn lookup(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        if f.len() != 5 {
            continue;
        }
        let wants = [host, port.as_str(), dbname, user];
        if f[..4]
            .iter()
            .zip(wants)
            .all(|(field, want)| field == "*" || field == want)
        {
            return Some(f[4].clone());
        }
    }
    None
}

/// Why a password file was not read, as libpq says it: a file others can read is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Passfile {
    /// The password found.
    Found(String),
    /// No line matches (or there is no file).
    None,
    /// The file can be read by others: ignored, with this warning.
    Ignored(String),
}

/// The password from the password file for this login.
pub fn from_passfile(host: &str, port: u16, dbname: &str, user: &str) -> Passfile {
    let Some(path) = passfile() else {
        return Passfile::None;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Passfile::None;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.permissions().mode() & 0o077 != 0
        {
            return Passfile::Ignored(format!(
                "password file {} has group or world access and is ignored; make it readable by you only (chmod 600)",
                path.display()
            ));
        }
    }
    match lookup(&text, host, port, dbname, user) {
        Some(p) => Passfile::Found(p),
        None => Passfile::None,
    }
}

/// The password from `OUTTURN_PG_PASSWORD_COMMAND` (run by the shell), when set: its first line.
/// An error says what failed.
pub fn from_command() -> Option<Result<String, String>> {
    let cmd = std::env::var("OUTTURN_PG_PASSWORD_COMMAND").ok()?;
    if cmd.trim().is_empty() {
        return None;
    }
    let output = if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", &cmd])
            .output()
    } else {
        std::process::Command::new("sh").args(["-c", &cmd]).output()
    };
    Some(match output {
        Err(e) => Err(format!("OUTTURN_PG_PASSWORD_COMMAND could not be run: {e}")),
        Ok(o) if !o.status.success() => Err(format!(
            "OUTTURN_PG_PASSWORD_COMMAND failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stdout);
            let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
            if line.is_empty() {
                Err("OUTTURN_PG_PASSWORD_COMMAND printed no password".to_string())
            } else {
                Ok(line.to_string())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# a comment\n\
        db.council.gov.uk:5432:capital:alice:s3cret\n\
        db.council.gov.uk:*:*:bob:b\\:colon\n\
        localhost:5432:*:*:local-pw\n\
        *:*:*:carol:any\n";

    #[test]
    fn the_first_matching_line_wins() {
        assert_eq!(
            lookup(FILE, "db.council.gov.uk", 5432, "capital", "alice").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            lookup(FILE, "db.council.gov.uk", 6543, "other", "bob").as_deref(),
            Some("b:colon")
        );
        assert_eq!(
            lookup(FILE, "db.council.gov.uk", 5432, "capital", "carol").as_deref(),
            Some("any")
        );
        assert_eq!(
            lookup(FILE, "db.council.gov.uk", 5432, "capital", "dave"),
            None
        );
    }

    #[test]
    fn a_socket_folder_matches_localhost() {
        assert_eq!(
            lookup(FILE, "/var/run/postgresql", 5432, "capital", "dave").as_deref(),
            Some("local-pw")
        );
        assert_eq!(
            lookup(FILE, "/var/run/postgresql", 5433, "capital", "dave"),
            None
        );
    }

    #[test]
    fn short_lines_are_skipped() {
        assert_eq!(
            lookup("a:b:c\n*:*:*:*:ok", "h", 1, "d", "u").as_deref(),
            Some("ok")
        );
    }
}
