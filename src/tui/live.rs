//! Noticing what other processes change: the loop polls, on its tick, SQLite's data version (a
//! pragma, microseconds) or, on a server, what `LISTEN` has heard (no round trip), and when it
//! moved asks the app to reload what is on screen.

use crate::ops::Sql;
use crate::ops::browse::data_version;
use crate::ops::types::StoreError;

/// The data version last seen on one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    seen: i64,
}

impl Watch {
    /// Starts watching `conn` from now.
    pub fn new(conn: &impl Sql) -> Result<Watch, StoreError> {
        Ok(Watch {
            seen: data_version(conn)?,
        })
    }

    /// True (once) when another connection committed a change since the last call.
    pub fn changed(&mut self, conn: &impl Sql) -> Result<bool, StoreError> {
        let now = data_version(conn)?;
        let moved = now != self.seen;
        self.seen = now;
        Ok(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;

    #[test]
    fn sees_another_connection_commit_but_not_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let mine = store::open(&path).unwrap();
        let theirs = store::open(&path).unwrap();
        let mut w = Watch::new(&mine).unwrap();
        assert!(!w.changed(&mine).unwrap());
        let programme = |code: &str| crate::store::entities::NewProgramme {
            code: code.into(),
            name: code.into(),
            organisation: String::new(),
            status: crate::domain::model::DeliveryStatus::Active,
        };
        crate::store::entities::add_programme(&mine, &programme("A")).unwrap();
        assert!(!w.changed(&mine).unwrap(), "its own commit is not news");
        crate::store::entities::add_programme(&theirs, &programme("B")).unwrap();
        assert!(w.changed(&mine).unwrap());
        assert!(!w.changed(&mine).unwrap(), "reported once");
    }
}
