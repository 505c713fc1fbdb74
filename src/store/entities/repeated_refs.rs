//! The references of an import batch that may be held more than once in the ledger, found
//! without sorting the ledger by reference (it has no index on reference): two Bloom filters of a
//! fixed size (8 MiB each, whatever the ledger's size) are filled in one pass over the ledger's
//! references, the second noting each reference met again; the batch's references that the second
//! holds go into `temp.warn_ref`. A filter never misses a reference held twice; the few that are
//! there by chance are weeded out by the exact check that reads `temp.warn_ref`
//! ([`actual_warnings`](super::actual_warnings)). A million references in a million-line ledger
//! leave about a thousand such candidates, where sorting all of them took seconds.

use std::hash::{BuildHasher, Hasher};

use rusqlite::Connection;

use crate::store::Result;

/// Bits in each filter: 2^26 (8 MiB).
const BITS: u64 = 1 << 26;

/// A Bloom filter of two probes per reference.
struct Filter(Vec<u64>);

impl Filter {
    fn new() -> Self {
        Filter(vec![0; (BITS / 64) as usize])
    }

    fn probes(hash: u64) -> [u64; 2] {
        let (a, b) = (hash & 0xFFFF_FFFF, hash >> 32);
        [a % BITS, (a + b) % BITS]
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

/// Fills `temp.warn_ref` (created empty) with every reference of batch `batch_id` that the
/// ledger may hold more than once, and perhaps a few more.
pub(super) fn repeated_batch_references(conn: &Connection, batch_id: i64) -> Result<()> {
    let state = std::hash::RandomState::new();
    let hash = |text: &str| {
        let mut h = state.build_hasher();
        h.write(text.as_bytes());
        h.finish()
    };
    let (mut seen, mut again) = (Filter::new(), Filter::new());
    {
        let mut st = conn.prepare("SELECT reference FROM main.actual WHERE reference <> ''")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let h = hash(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
            if seen.insert(h) {
                again.insert(h);
            }
        }
    }
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.warn_ref;
         CREATE TEMP TABLE warn_ref(reference TEXT PRIMARY KEY) WITHOUT ROWID;",
    )?;
    let mut st =
        conn.prepare("SELECT reference FROM main.actual WHERE batch_id = ?1 AND reference <> ''")?;
    let mut add = conn.prepare("INSERT OR IGNORE INTO temp.warn_ref(reference) VALUES (?1)")?;
    let mut rows = st.query([batch_id])?;
    while let Some(r) = rows.next()? {
        let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if again.contains(hash(text)) {
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
