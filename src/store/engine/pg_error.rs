//! PostgreSQL's errors in Outturn's words: a refusal by the server's rules (a permission, the
//! append-only log, a closed period, another council's row) is the officer's to act on (exit
//! status 2); a server that cannot be reached or fails is not (exit status 1).

use postgres::error::SqlState;

use crate::store::StoreError;

/// The server's message, with its detail and hint when it gives them.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("; {h}"));
            }
            s
        }
        None => {
            // The client's own error chain (connection refused, TLS, authentication).
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                let text = inner.to_string();
                if !s.contains(&text) {
                    s.push_str(&format!(": {text}"));
                }
                source = inner.source();
            }
            s
        }
    }
}

/// The store's error for a failed statement.
pub fn from_pg(e: postgres::Error) -> StoreError {
    let Some(code) = e.code() else {
        return StoreError::Server(describe(&e));
    };
    let text = describe(&e);
    if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        StoreError::Refused(format!(
            "the server refused: {text}; ask a lead of your team for the role that allows it"
        ))
    } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
    {
        StoreError::Conflict(format!(
            "another officer changed the same records at the same time ({text}); nothing was written: try again"
        ))
    } else if code.code().starts_with("OT") {
        // The server's own rules (v1.sql): OT001 a closed period, OT002 the append-only log,
        // OT003 not a member, OT004 a lead's step, OT005 a team step refused, OT006 a finalised
        // year. Its words name what to do.
        StoreError::Refused(text)
    } else if *code == SqlState::RAISE_EXCEPTION
        || *code == SqlState::UNIQUE_VIOLATION
        || *code == SqlState::CHECK_VIOLATION
        || *code == SqlState::FOREIGN_KEY_VIOLATION
        || *code == SqlState::NOT_NULL_VIOLATION
    {
        StoreError::Refused(text)
    } else {
        StoreError::Server(text)
    }
}
