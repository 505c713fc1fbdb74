//! The references of an import batch that may be held more than once in the ledger, found
//! without sorting the ledger by reference (it has no index on reference): two Bloom filters of a
//! fixed size (16 MiB each, whatever the ledger's size) are filled in one pass over the ledger's
//! references, the second noting each reference met again; the batch's references that the second
//! holds go into `temp.warn_ref`. An import fills the filters as it writes its rows and reads
//! only the ledger held before it ([`RefFilter`]). A filter never misses a reference held twice; the few that are
//! there by chance are weeded out by the exact check that reads `temp.warn_ref`
//! ([`actual_warnings`](super::actual_warnings)). A million different references in a million-line
//! ledger leave about one such candidate on average (about a thousand with the former 8 MiB
//! filters of two probes), where sorting all of them took seconds; with none, the exact check
//! reads nothing.

use std::hash::{BuildHasher, Hasher};

use rusqlite::Connection;

use crate::store::Result;

/// Bits in each filter: 2^27 (16 MiB).
const BITS: u64 = 1 << 27;

/// A Bloom filter of four probes per reference: with a million references in 2^27 bits, one not
/// held passes for held about once in a million, so a batch of new references usually leaves
/// no candidate at all and the exact check need not read the ledger.
struct Filter(Vec<u64>);

impl Filter {
    fn new() -> Self {
        Filter(vec![0; (BITS / 64) as usize])
    }

    fn probes(hash: u64) -> [u64; 4] {
        let (a, b) = (hash & 0xFFFF_FFFF, (hash >> 32) | 1);
        [0, 1, 2, 3].map(|i| (a + i * b) % BITS)
    }

    /// Sets the reference's bits; true when they were all set already.
    fn insert(&mut self, hash: u64) -> bool {
        let mut all = true;
        for p in Self::probes(hash) {
            let (word, bit) = ((p / 64) as usize, 1u64 << (p % 64));
            all &= self.0[word] & bit != 0;
            self.0[word] |= bit;
        }
        all
    }

    fn contains(&self, hash: u64) -> bool {
        Self::probes(hash)
            .iter()
            .all(|&p| self.0[(p / 64) as usize] & (1u64 << (p % 64)) != 0)
    }
}

/// The references met so far, and those met more than once (both Bloom filters of a fixed size,
/// 16 MiB each): an import notes each row's reference as it writes it, then the ledger held
/// before it ([`RefFilter::note_ledger`]), and asks [`RefFilter::may_repeat`] of each row's hash.
pub struct RefFilter {
    state: std::hash::RandomState,
    seen: Filter,
    again: Filter,
}

impl Default for RefFilter {
    fn default() -> Self {
        RefFilter {
            state: std::hash::RandomState::new(),
            seen: Filter::new(),
            again: Filter::new(),
        }
    }
}

impl RefFilter {
    /// The hash of a reference, as the filter uses it.
    pub fn hash(&self, text: &str) -> u64 {
        let mut h = self.state.build_hasher();
        h.write(text.as_bytes());
        h.finish()
    }

    /// Notes a reference (by its [`hash`](RefFilter::hash)) met once more.
    pub fn note(&mut self, hash: u64) {
        if self.seen.insert(hash) {
            self.again.insert(hash);
        }
    }

    /// Notes the non-empty references of the actuals with ids up to `through`.
    pub fn note_ledger(&mut self, conn: &Connection, through: i64) -> Result<()> {
        let mut st =
            conn.prepare("SELECT reference FROM main.actual WHERE id <= ?1 AND reference <> ''")?;
        let mut rows = st.query([through])?;
        while let Some(r) = rows.next()? {
            let h = self.hash(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
            self.note(h);
        }
        Ok(())
    }

    /// False when the reference of this hash was surely met only once; true when it was met
    /// more than once, or (rarely) by chance.
    pub fn may_repeat(&self, hash: u64) -> bool {
        self.again.contains(hash)
    }
}

/// Creates `temp.warn_ref` empty, for the references that may be held more than once.
fn start_warn_refs(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.warn_ref;
         CREATE TEMP TABLE warn_ref(reference TEXT PRIMARY KEY) WITHOUT ROWID;",
    )?;
    Ok(())
}

/// Creates `temp.warn_id` empty, for the ids of an import's rows whose references may be held
/// more than once (read by [`WarnScope::Prepared`](super::WarnScope::Prepared)).
pub fn start_warn_ids(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.warn_id;
         CREATE TEMP TABLE warn_id(id INTEGER PRIMARY KEY);",
    )?;
    Ok(())
}

/// Adds actual `id` to `temp.warn_id`: its reference may be held more than once.
pub fn add_warn_id(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO temp.warn_id(id) VALUES (?1)")?
        .execute([id])?;
    Ok(())
}

/// Fills `temp.warn_ref` (created empty) with every reference of batch `batch_id` that the
/// ledger may hold more than once, and perhaps a few more.
pub(super) fn repeated_batch_references(conn: &Connection, batch_id: i64) -> Result<()> {
    let mut filter = RefFilter::default();
    filter.note_ledger(conn, i64::MAX)?;
    start_warn_refs(conn)?;
    let mut st =
        conn.prepare("SELECT reference FROM main.actual WHERE batch_id = ?1 AND reference <> ''")?;
    let mut add = conn.prepare("INSERT OR IGNORE INTO temp.warn_ref(reference) VALUES (?1)")?;
    let mut rows = st.query([batch_id])?;
    while let Some(r) = rows.next()? {
        let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if filter.may_repeat(filter.hash(text)) {
            add.execute([text])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_never_misses_what_it_holds() {
        let mut f = Filter::new();
        let state = std::hash::RandomState::new();
        use std::hash::BuildHasher;
        let hashes: Vec<u64> = (0..10_000)
            .map(|i| state.hash_one(format!("R{i}")))
            .collect();
        for (i, &h) in hashes.iter().enumerate() {
            // A reference not met before is (almost surely, with 10,000 in 2^26 bits) new.
            assert!(!f.insert(h) || i > 0, "R{i}");
        }
        assert!(hashes.iter().all(|&h| f.contains(h)));
        // Each is now met again.
        assert!(hashes.iter().all(|&h| f.insert(h)));
    }
}
