//! Which line of the file each written actual came from, kept out of memory: the (actual id,
//! line, hash of its reference) of every row written, in the order written, goes to an unnamed
//! temporary file (24 bytes a row, deleted when closed), so that the import's memory does not grow with the file. The few
//! rows that need a line afterwards (duplicates, warnings) are looked up in id order, reading
//! the file once from its start.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use super::problems::ImportError;

fn temp_err(source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: "the temporary file of the import's line numbers".to_string(),
        source,
    }
}

/// Bytes of one row's record: id, line, reference hash.
const RECORD: usize = 24;

/// The (actual id, line) of every row written, in the order written. Ids only increase.
pub(super) struct LineLog {
    file: BufWriter<File>,
    last_id: i64,
}

impl LineLog {
    /// An empty log in a new unnamed temporary file (in `TMPDIR`, else `/tmp`).
    pub(super) fn new() -> Result<Self, ImportError> {
        let file = tempfile::tempfile().map_err(temp_err)?;
        Ok(LineLog {
            file: BufWriter::with_capacity(1 << 16, file),
            last_id: i64::MIN,
        })
    }

    /// Notes that actual `id` came from `line` with a reference of hash `hash`; ids must be
    /// given in increasing order.
    pub(super) fn push(&mut self, id: i64, line: u64, hash: u64) -> Result<(), ImportError> {
        if id <= self.last_id {
            return Err(temp_err(std::io::Error::other(format!(
                "actual {id} was written after actual {}: ids out of order",
                self.last_id
            ))));
        }
        self.last_id = id;
        let mut record = [0u8; RECORD];
        record[..8].copy_from_slice(&id.to_le_bytes());
        record[8..16].copy_from_slice(&line.to_le_bytes());
        record[16..].copy_from_slice(&hash.to_le_bytes());
        self.file.write_all(&record).map_err(temp_err)
    }

    /// Calls `f` with the (id, reference hash) of every row noted, in id order.
    pub(super) fn each_hash(
        &mut self,
        f: &mut dyn FnMut(i64, u64) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let mut look = self.lookup()?;
        loop {
            look.advance()?;
            match look.current {
                Some((id, _, hash)) => f(id, hash)?,
                None => return Ok(()),
            }
        }
    }

    /// A reader of the log from its start, to look lines up in id order.
    pub(super) fn lookup(&mut self) -> Result<LineLookup<'_>, ImportError> {
        self.file.flush().map_err(temp_err)?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(0)).map_err(temp_err)?;
        Ok(LineLookup {
            reader: BufReader::with_capacity(1 << 16, file),
            current: None,
            done: false,
        })
    }
}

/// Looks up the lines of actuals asked for in increasing id order, reading the log once.
pub(super) struct LineLookup<'a> {
    reader: BufReader<&'a mut File>,
    current: Option<(i64, u64, u64)>,
    done: bool,
}

impl LineLookup<'_> {
    fn advance(&mut self) -> Result<(), ImportError> {
        let mut record = [0u8; RECORD];
        match self.reader.read_exact(&mut record) {
            Ok(()) => {
                let word = |at: usize| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&record[at..at + 8]);
                    w
                };
                self.current = Some((
                    i64::from_le_bytes(word(0)),
                    u64::from_le_bytes(word(8)),
                    u64::from_le_bytes(word(16)),
                ));
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.current = None;
                self.done = true;
                Ok(())
            }
            Err(e) => Err(temp_err(e)),
        }
    }

    /// The line actual `id` came from (0 when it is not in the log). Ids must be asked for in
    /// increasing order (the same id may be asked again).
    pub(super) fn line_of(&mut self, id: i64) -> Result<u64, ImportError> {
        loop {
            match self.current {
                Some((held, line, _)) if held == id => return Ok(line),
                Some((held, _, _)) if held > id => return Ok(0),
                _ if self.done => return Ok(0),
                _ => self.advance()?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_in_id_order_and_unknown_ids_are_line_0() {
        let mut log = LineLog::new().unwrap();
        // Ids 10..=29 from lines 100 + 3 * (id % 7), as a chunk sorted by phase would give.
        for id in 10..30i64 {
            log.push(id, 100 + 3 * (id as u64 % 7), id as u64 * 11)
                .unwrap();
        }
        assert!(log.push(29, 5, 0).is_err(), "an id out of order is refused");
        let mut look = log.lookup().unwrap();
        assert_eq!(look.line_of(5).unwrap(), 0);
        assert_eq!(look.line_of(10).unwrap(), 109); // 10 % 7 = 3
        assert_eq!(look.line_of(10).unwrap(), 109);
        assert_eq!(look.line_of(14).unwrap(), 100); // 14 % 7 = 0
        assert_eq!(look.line_of(29).unwrap(), 103); // 29 % 7 = 1
        assert_eq!(look.line_of(30).unwrap(), 0);
        // A second pass reads from the start again.
        let mut again = log.lookup().unwrap();
        assert_eq!(again.line_of(11).unwrap(), 112);
        drop(again);
        let mut hashes = Vec::new();
        log.each_hash(&mut |id, h| {
            hashes.push((id, h));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            hashes,
            (10..30i64)
                .map(|id| (id, id as u64 * 11))
                .collect::<Vec<_>>()
        );
    }
}
