//! What `--db` (or `OUTTURN_DB`) names: a SQLite file, or a PostgreSQL connection string
//! (`postgres://user@host/db`, `postgresql://...`, or libpq's `key=value` form). A connection
//! string is never taken for a path: before, `--db postgresql://host/db` made a folder named
//! `postgresql:` holding a new SQLite file. Connection strings are shown with their password
//! hidden.

use std::path::Path;

/// The books' location as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// A SQLite database file.
    File,
    /// A PostgreSQL connection string (its password hidden when shown).
    Postgres {
        /// The string as shown to people: the password replaced by `***`.
        shown: String,
    },
}

/// The keys of libpq's `key=value` connection strings that say a server is meant.
const LIBPQ_KEYS: &[&str] = &[
    "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "service",
];

/// Reads what `given` names.
pub fn locate(given: &Path) -> Locator {
    let Some(text) = given.to_str() else {
        return Locator::File;
    };
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        return Locator::Postgres {
            shown: hide_url_password(t),
        };
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let libpq = !words.is_empty()
        && words.iter().all(|w| w.contains('='))
        && words.iter().any(|w| {
            let key = w.split('=').next().unwrap_or("").to_ascii_lowercase();
            LIBPQ_KEYS.contains(&key.as_str())
        });
    if libpq {
        let shown = words
            .iter()
            .map(|w| match w.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => (*w).to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        return Locator::Postgres { shown };
    }
    Locator::File
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn hide_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str) -> Option<String> {
        match locate(Path::new(s)) {
            Locator::Postgres { shown } => Some(shown),
            Locator::File => None,
        }
    }

    #[test]
    fn connection_strings_are_never_paths_and_their_passwords_are_hidden() {
        assert_eq!(
            shown("postgres://alice:s3cret@db.council.local/outturn").as_deref(),
            Some("postgres://alice:***@db.council.local/outturn")
        );
        assert_eq!(
            shown("POSTGRESQL://alice@db/outturn?sslmode=require").as_deref(),
            Some("POSTGRESQL://alice@db/outturn?sslmode=require")
        );
        assert_eq!(
            shown("host=db dbname=outturn user=alice password=s3cret").as_deref(),
            Some("host=db dbname=outturn user=alice password=***")
        );
        assert_eq!(shown("outturn.db"), None);
        assert_eq!(shown("C:\\Users\\alice\\outturn.db"), None);
        assert_eq!(shown("books/a=b.db"), None);
        assert_eq!(shown("postgres.db"), None);
    }
}
