//! The header: finding Outturn's columns in line 1 of a file, after the renames of `--map`, with
//! one message naming every required column that is missing. It reads no rows.

/// The most characters of a file's own text quoted in a message.
const QUOTED_MAX: usize = 200;

use std::collections::HashMap;
use std::path::Path;

use super::problems::ImportError;
use super::source::Source;
use crate::domain::ledger::{HEADER_SEARCH_LINES, HeaderRule, ImportProfile};

/// The options of an import whose columns may be renamed: `--map`, `--dry-run`, `--encoding`,
/// `--profile` and `--sheet`.
#[derive(Debug, Clone, Default)]
pub struct MappedOptions {
    /// Renames of the file's columns: (file column, Outturn column).
    pub map: Vec<(String, String)>,
    /// Check everything and report what would be imported, writing nothing.
    pub dry_run: bool,
    /// `utf-8` or `windows-1252` to force the encoding (default: detect).
    pub encoding: Option<String>,
    /// A saved profile: its mapping (where `map` is empty), header rule and encoding (where
    /// `encoding` is not given). Recorded on the batch.
    pub profile: Option<ImportProfile>,
    /// The sheet of a workbook to read (None: its first sheet); refused for a CSV.
    pub sheet: Option<String>,
}

impl MappedOptions {
    /// Reads the options as typed: `--map` parsed (and checked) here.
    pub fn read(
        map: Option<&str>,
        dry_run: bool,
        encoding: Option<&str>,
    ) -> Result<Self, ImportError> {
        Ok(MappedOptions {
            map: map.map(parse_map).transpose()?.unwrap_or_default(),
            dry_run,
            encoding: encoding.map(str::to_string),
            ..MappedOptions::default()
        })
    }
}
/// Reads `--map "Trans Date=Date,Net=Amount"` into (file column, Outturn column) pairs. A file
/// column named twice, or an Outturn column mapped to twice, is refused (never the last kept).
pub fn parse_map(s: &str) -> Result<Vec<(String, String)>, ImportError> {
    let pairs = read_map_pairs(s)?;
    for (i, (from, to)) in pairs.iter().enumerate() {
        for (from2, to2) in &pairs[..i] {
            let twice = if norm(from) == norm(from2) {
                Some(format!(
                    "the file column '{from}' is mapped twice (to {to2} and {to})"
                ))
            } else if norm(to) == norm(to2) {
                Some(format!(
                    "{to} is mapped to twice (from '{from2}' and '{from}')"
                ))
            } else {
                None
            };
            if let Some(what) = twice {
                return Err(ImportError::Header {
                    message: format!("--map: {what}: give each column once"),
                });
            }
        }
    }
    Ok(pairs)
}

fn read_map_pairs(s: &str) -> Result<Vec<(String, String)>, ImportError> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| match part.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                Ok((from.trim().to_string(), to.trim().to_string()))
            }
            _ => Err(ImportError::Header {
                message: format!(
                    "--map: '{}' should be FILE COLUMN=OUTTURN COLUMN, e.g. \"Trans Date=Date,Net=Amount\"",
                    part.trim()
                ),
            }),
        })
        .collect()
}

fn norm(name: &str) -> String {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
}

/// Finds each of `columns` (name, required) in the header, after renaming by `map`; returns the
/// index of each in the record.
fn map_header(
    header: &[String],
    line: u64,
    columns: &[(&str, bool)],
    map: &[(String, String)],
) -> Result<Vec<Option<usize>>, ImportError> {
    let names = || columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ");
    // What line 1 holds, quoted to at most 200 characters (a header of junk is not echoed whole).
    let found = || {
        let all = header
            .iter()
            .map(|h| format!("'{}'", h.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        crate::domain::text::cut(&all, QUOTED_MAX)
    };
    let mut renames: HashMap<String, String> = HashMap::new();
    for (from, to) in map {
        if !columns.iter().any(|c| norm(c.0) == norm(to)) {
            return Err(ImportError::Header {
                message: format!(
                    "--map: '{to}' is not a column Outturn reads: map to one of {}",
                    names()
                ),
            });
        }
        if !header.iter().any(|h| norm(h) == norm(from)) {
            return Err(ImportError::Header {
                message: format!(
                    "--map: the file has no column '{from}' (line {line} has {})",
                    found()
                ),
            });
        }
        renames.insert(norm(from), norm(to));
    }
    let mut idx = vec![None; columns.len()];
    for (i, h) in header.iter().enumerate() {
        let n = norm(h);
        let name = renames.get(&n).cloned().unwrap_or(n);
        if let Some(c) = columns.iter().position(|c| norm(c.0) == name) {
            if let Some(j) = idx[c] {
                return Err(ImportError::Header {
                    message: format!(
                        "line {line}: columns {} and {} are both '{}': remove or rename one (--map)",
                        j + 1,
                        i + 1,
                        columns[c].0
                    ),
                });
            }
            idx[c] = Some(i);
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&idx)
        .filter(|((_, required), i)| *required && i.is_none())
        .map(|((name, _), _)| *name)
        .collect();
    if !missing.is_empty() {
        let example = missing.first().copied().unwrap_or("Amount");
        return Err(ImportError::Header {
            message: format!(
                "line {line}: the header has no {} column{} (it has {}): name the columns {}, or \
                 rename the file's columns with --map \"Their Name={example}\"",
                missing
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() == 1 { "" } else { "s" },
                found(),
                names()
            ),
        });
    }
    Ok(idx)
}

fn texts(record: &csv::ByteRecord) -> Vec<String> {
    record
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// The header found: the index in a record of each column asked for, the header's cells and
/// its line.
pub(super) struct Header {
    pub(super) idx: Vec<Option<usize>>,
    pub(super) names: Vec<String>,
    pub(super) line: u64,
}

/// Reads the header, where `rule` says it is, and finds `columns` in it (see [`map_header`]).
pub(super) fn read_header(
    source: &mut Source,
    path: &Path,
    columns: &[(&str, bool)],
    map: &[(String, String)],
    rule: HeaderRule,
) -> Result<Header, ImportError> {
    let mut record = csv::ByteRecord::new();
    let mut previous = 0;
    let mut line = source.next(&mut record, &mut previous, path)?.unwrap_or(1);
    let mut first_err = None;
    let header_at = |idx, header, line| {
        Ok(Header {
            idx,
            names: header,
            line,
        })
    };
    loop {
        let header = texts(&record);
        let blank = header.iter().all(|h| h.trim().is_empty());
        match rule {
            HeaderRule::Skip(0) => {
                if blank {
                    return Err(ImportError::Header {
                        message: format!(
                            "{} is empty: line 1 must name the columns ({})",
                            path.display(),
                            columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
                let idx = map_header(&header, line, columns, map)?;
                return header_at(idx, header, line);
            }
            HeaderRule::Skip(n) if line > n => {
                let idx = map_header(&header, line, columns, map)?;
                return header_at(idx, header, line);
            }
            HeaderRule::Skip(_) => {}
            HeaderRule::Find if line > HEADER_SEARCH_LINES => break,
            HeaderRule::Find if !blank => match map_header(&header, line, columns, map) {
                Ok(idx) => return header_at(idx, header, line),
                Err(err) => {
                    first_err.get_or_insert(err);
                }
            },
            HeaderRule::Find => {}
        }
        match source.next(&mut record, &mut previous, path)? {
            Some(l) => line = l,
            None => break,
        }
    }
    let why = match first_err {
        Some(err) => format!("; {err}"),
        None => String::new(),
    };
    Err(ImportError::Header {
        message: match rule {
            HeaderRule::Find => format!(
                "{}: no line within the first {HEADER_SEARCH_LINES} holds every column the profile \
                 maps ({}){why}",
                path.display(),
                columns
                    .iter()
                    .filter(|c| c.1)
                    .map(|c| c.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            HeaderRule::Skip(n) => format!(
                "{}: the file ends within the {n} lines the profile skips: there is no header",
                path.display()
            ),
        },
    })
}
