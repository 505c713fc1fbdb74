//! Reading a code map file: two columns, a ledger code and the phase it stands for
//! (`PROG/PHASE`), one pair a line, with an optional header line naming them. It only reads;
//! the pairs are mapped by the caller.

use std::path::Path;

use super::problems::ImportError;

/// The (line, code, phase) pairs of `path`. UTF-8, or Windows-1252 when it is not UTF-8; a
/// first line whose second column names a phase ("Phase") is a header and is skipped; blank
/// lines are skipped; a line without two cells is refused with its line.
pub fn read_code_pairs(path: &Path) -> Result<Vec<(u64, String, String)>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Header {
            message: format!("{}: {e}", path.display()),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if pairs.is_empty() && line == 1 && cell(1).to_lowercase().contains("phase") {
            continue;
        }
        if cell(0).is_empty() || cell(1).is_empty() {
            return Err(ImportError::Header {
                message: format!(
                    "{}, line {line}: give two cells, a ledger code and PROG/PHASE (e.g. \
                     CC100+PRJ7,WOL/PH2)",
                    path.display()
                ),
            });
        }
        pairs.push((line, cell(0).to_string(), cell(1).to_string()));
    }
    Ok(pairs)
}
