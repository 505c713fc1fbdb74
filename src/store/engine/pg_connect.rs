//! Reaching a PostgreSQL server from a connection string (`postgres://user@host/db`,
//! `postgresql://…` or libpq's `key=value` form), as council IT expects:
//! - TLS, with the certificate and host name checked, for any host but a Unix socket or this
//!   machine (`localhost`, `127.0.0.1`, `::1`); plain TCP to another host only when the officer
//!   says so (`--plain-tcp`). `sslmode=verify-full` and `verify-ca` are read as `require`, which
//!   the TLS connector always checks fully; `sslrootcert=FILE` adds a council's own CA.
//! - The password from the password file or a password command ([`super::pgpass`]), never from
//!   the connection string given on the command line.
//! - Defaults as libpq's: the socket folder `/var/run/postgresql` (Windows: `localhost`), port
//!   5432, the login of the officer, the database named as the login.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use super::pgpass::{self, Passfile};
use crate::store::{Result, StoreError};

/// Whether the connection is encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// No TLS: a Unix socket, this machine, or plain TCP asked for.
    Plain,
    /// TLS with certificate and host-name checks (and this CA file trusted too, when given).
    Verified { root: Option<PathBuf> },
}

/// A server to connect to, read from a connection string.
#[derive(Debug, Clone)]
pub struct Target {
    config: Config,
    /// How the connection is secured.
    pub tls: Tls,
    /// The first host (a socket folder or a host name), for messages and the password file.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The database.
    pub dbname: String,
    /// The login.
    pub user: String,
}

fn refused(message: String) -> StoreError {
    StoreError::Refused(message)
}

/// Takes the `sslmode` and `sslrootcert` settings out of the string (the client library knows
/// only three modes and no CA file), returning what is left and the two values.
fn take_tls_settings(text: &str) -> (String, Option<String>, Option<String>) {
    let mut mode = None;
    let mut root = None;
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        let Some((base, query)) = text.split_once('?') else {
            return (text.to_string(), None, None);
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("sslmode") => mode = Some(v.to_string()),
                Some((k, v)) if k.eq_ignore_ascii_case("sslrootcert") => root = Some(v.to_string()),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return (rest, mode, root);
    }
    let mut kept = Vec::new();
    for word in text.split_whitespace() {
        match word.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("sslmode") => mode = Some(v.to_string()),
            Some((k, v)) if k.eq_ignore_ascii_case("sslrootcert") => root = Some(v.to_string()),
            _ => kept.push(word),
        }
    }
    (kept.join(" "), mode, root)
}

/// True for a host on this machine: a socket folder, `localhost`, or a loopback address.
fn is_local(host: &Host) -> bool {
    match host {
        #[cfg(unix)]
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

fn host_text(host: &Host) -> String {
    match host {
        #[cfg(unix)]
        Host::Unix(p) => p.display().to_string(),
        Host::Tcp(name) => name.clone(),
    }
}

impl Target {
    /// Reads a connection string (`shown` is the same with its password hidden, for messages).
    /// `plain_tcp` allows an unencrypted connection to another host.
    pub fn parse(text: &str, shown: &str, plain_tcp: bool) -> Result<Target> {
        let (rest, mode, root) = take_tls_settings(text.trim());
        let mut config = Config::from_str(&rest).map_err(|e| {
            refused(format!(
                "--db: cannot read the connection string {shown}: {e}; write it as postgres://LOGIN@HOST/DATABASE or host=HOST dbname=DATABASE user=LOGIN"
            ))
        })?;
        if config.get_password().is_some() {
            return Err(refused(format!(
                "--db: the connection string {shown} holds a password; take it out and keep the password in your password file ({}) or give a command that prints it in OUTTURN_PG_PASSWORD_COMMAND",
                pgpass::passfile()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "PGPASSFILE".to_string())
            )));
        }
        if config.get_hosts().is_empty() {
            if cfg!(unix) {
                config.host("/var/run/postgresql");
            } else {
                config.host("localhost");
            }
        }
        let user = match config.get_user() {
            Some(u) => u.to_string(),
            None => {
                let login = crate::store::os_login();
                config.user(&login);
                login
            }
        };
        let dbname = match config.get_dbname() {
            Some(d) => d.to_string(),
            None => {
                config.dbname(&user);
                user.clone()
            }
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let host = host_text(&config.get_hosts()[0]);
        let local = config.get_hosts().iter().all(is_local);
        let sockets_only = config
            .get_hosts()
            .iter()
            .all(|h| !matches!(h, Host::Tcp(_)));
        let mode = mode.map(|m| m.to_ascii_lowercase());
        let tls = match mode.as_deref() {
            None | Some("prefer") | Some("allow") if local => Tls::Plain,
            Some("disable") if local || plain_tcp => Tls::Plain,
            Some("disable") => {
                return Err(refused(format!(
                    "--db: {shown} asks for a connection without TLS to {host}, another machine; give --plain-tcp (or set OUTTURN_PLAIN_TCP=1) to allow that, or leave sslmode out to connect with TLS"
                )));
            }
            None | Some("prefer") | Some("allow") | Some("require") | Some("verify-ca")
            | Some("verify-full") => {
                if sockets_only {
                    Tls::Plain
                } else {
                    Tls::Verified {
                        root: root.as_ref().map(PathBuf::from),
                    }
                }
            }
            Some(other) => {
                return Err(refused(format!(
                    "--db: sslmode={other} in {shown} is not a mode; give disable, require, verify-ca or verify-full"
                )));
            }
        };
        config.connect_timeout(Duration::from_secs(10));
        config.application_name("outturn");
        Ok(Target {
            config,
            tls,
            host,
            port,
            dbname,
            user,
        })
    }

    /// Connects, with the password from the password command or file when one is there.
    pub fn connect(mut self, shown: &str) -> Result<Client> {
        match pgpass::from_command() {
            Some(Ok(pw)) => {
                self.config.password(pw);
            }
            Some(Err(e)) => return Err(refused(e)),
            None => match pgpass::from_passfile(&self.host, self.port, &self.dbname, &self.user) {
                Passfile::Found(pw) => {
                    self.config.password(pw);
                }
                Passfile::Ignored(warning) => eprintln!("warning: {warning}"),
                Passfile::None => {}
            },
        }
        let cannot = |e: postgres::Error| {
            refused(format!(
                "cannot open the books at {shown}: {}",
                super::pg_error::describe(&e)
            ))
        };
        match &self.tls {
            Tls::Plain => {
                self.config.ssl_mode(SslMode::Disable);
                self.config.connect(NoTls).map_err(cannot)
            }
            Tls::Verified { root } => {
                self.config.ssl_mode(SslMode::Require);
                let mut builder = native_tls::TlsConnector::builder();
                if let Some(path) = root {
                    let pem = std::fs::read(path).map_err(|e| {
                        refused(format!("sslrootcert: cannot read {}: {e}", path.display()))
                    })?;
                    let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
                        refused(format!(
                            "sslrootcert: {} is not a PEM certificate: {e}",
                            path.display()
                        ))
                    })?;
                    builder.add_root_certificate(cert);
                }
                let connector = builder
                    .build()
                    .map_err(|e| refused(format!("TLS could not be set up: {e}")))?;
                let tls = postgres_native_tls::MakeTlsConnector::new(connector);
                self.config.connect(tls).map_err(cannot)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(text: &str, plain: bool) -> Result<Tls> {
        Target::parse(text, text, plain).map(|t| t.tls)
    }

    #[test]
    fn another_host_gets_verified_tls_by_default() {
        assert_eq!(
            tls("postgres://alice@db.council.gov.uk/capital", false).unwrap(),
            Tls::Verified { root: None }
        );
        assert_eq!(
            tls(
                "host=db.council.gov.uk dbname=capital user=alice sslmode=prefer",
                false
            )
            .unwrap(),
            Tls::Verified { root: None }
        );
        assert_eq!(
            tls(
                "postgresql://alice@db/capital?sslmode=verify-full&sslrootcert=/etc/ca.pem",
                false
            )
            .unwrap(),
            Tls::Verified {
                root: Some(PathBuf::from("/etc/ca.pem"))
            }
        );
    }

    #[test]
    fn this_machine_and_sockets_are_plain() {
        assert_eq!(
            tls("postgres://alice@localhost/capital", false).unwrap(),
            Tls::Plain
        );
        assert_eq!(tls("host=127.0.0.1 user=alice", false).unwrap(), Tls::Plain);
        assert_eq!(
            tls("host=/tmp/pg user=alice sslmode=require", false).unwrap(),
            Tls::Plain
        );
    }

    #[test]
    fn plain_tcp_to_another_host_needs_the_flag() {
        let err = tls("host=db.council.gov.uk user=alice sslmode=disable", false).unwrap_err();
        assert!(err.to_string().contains("--plain-tcp"), "{err}");
        assert_eq!(
            tls("host=db.council.gov.uk user=alice sslmode=disable", true).unwrap(),
            Tls::Plain
        );
    }

    #[test]
    fn a_password_in_the_string_is_refused() {
        let err = Target::parse(
            "postgres://alice:secret@db/capital",
            "postgres://alice:***@db/capital",
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("holds a password"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn defaults_are_libpqs() {
        let t = Target::parse("host=/tmp/pg", "host=/tmp/pg", false).unwrap();
        assert_eq!(t.port, 5432);
        assert_eq!(t.dbname, t.user);
        let t = Target::parse("postgres://bob@db:6543/capital", "", false).unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.dbname.as_str(), t.user.as_str()),
            ("db", 6543, "capital", "bob")
        );
    }

    #[test]
    fn an_unknown_sslmode_is_named() {
        let err = tls("host=db user=a sslmode=maybe", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("sslmode=maybe"), "{err}");
    }
}
