//! Reading an extract: a first pass over the bytes (SHA-256, UTF-8 check, byte-order mark, line
//! ends), the choice of encoding (UTF-8, or Windows-1252 as Excel saves it), and a CSV reader over
//! the text decoded to UTF-8 that counts the bytes read for progress. It knows nothing of columns,
//! rows or the database.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8, WINDOWS_1252};
use sha2::{Digest, Sha256};

use super::problems::ImportError;

/// How many bytes that are not UTF-8 are named (line and column) in a refusal.
const INVALID_LISTED: usize = 10;

/// What a first read of the file's bytes found.
pub(super) struct Scan {
    pub(super) sha256: String,
    pub(super) len: u64,
    /// The line of the first byte that is not UTF-8, if any.
    not_utf8_at: Option<u64>,
    /// (line, byte column) of the first [`INVALID_LISTED`] bytes that are not UTF-8.
    invalid_at: Vec<(u64, u64)>,
    /// How many bytes (or cut-short sequences) are not UTF-8.
    invalid: u64,
    /// How many valid multi-byte UTF-8 characters the file holds (`é`, `£`).
    multibyte: u64,
    bom: bool,
    /// The file's last byte is a line feed (so every row ends with one).
    ends_with_lf: bool,
    /// Line ends seen: carriage returns and line feeds.
    has_cr: bool,
    has_lf: bool,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Where the UTF-8 check has got to: lines and the start of the current one, by absolute offset.
#[derive(Default)]
struct Utf8Tally {
    newlines: u64,
    line_start: u64,
    invalid: u64,
    invalid_at: Vec<(u64, u64)>,
    multibyte: u64,
}

impl Utf8Tally {
    /// Accounts for valid bytes starting at absolute offset `at`.
    fn valid(&mut self, bytes: &[u8], at: u64) {
        // Two counts over the block rather than a branch on every byte: each compiles to vector
        // instructions.
        let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        if newlines > 0 {
            self.newlines += newlines;
            if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
                self.line_start = at + i as u64 + 1;
            }
        }
        // The lead byte of every multi-byte character (the block is valid UTF-8).
        self.multibyte += bytes.iter().filter(|&&b| b >= 0xC0).count() as u64;
    }

    /// Accounts for a byte sequence that is not UTF-8 at absolute offset `at`.
    fn invalid(&mut self, at: u64) {
        self.invalid += 1;
        if self.invalid_at.len() < INVALID_LISTED {
            self.invalid_at
                .push((self.newlines + 1, at - self.line_start + 1));
        }
    }

    /// Checks `pending` (whose first byte is at absolute offset `offset`) and drops what was
    /// checked; a character cut at the end is kept for the next block unless `last`.
    fn check(&mut self, pending: &mut Vec<u8>, offset: &mut u64, last: bool) {
        let mut pos = 0;
        while pos < pending.len() {
            match std::str::from_utf8(&pending[pos..]) {
                Ok(_) => {
                    self.valid(&pending[pos..], *offset + pos as u64);
                    pos = pending.len();
                }
                Err(err) => {
                    let good = err.valid_up_to();
                    self.valid(&pending[pos..pos + good], *offset + pos as u64);
                    pos += good;
                    match err.error_len() {
                        Some(n) => {
                            self.invalid(*offset + pos as u64);
                            pos += n;
                        }
                        None if last => {
                            self.invalid(*offset + pos as u64);
                            pos = pending.len();
                        }
                        None => break,
                    }
                }
            }
        }
        pending.drain(..pos);
        *offset += pos as u64;
    }
}

/// Refuses anything but a regular file (a FIFO or `/dev/zero` would never end).
fn regular_file(path: &Path) -> Result<(), ImportError> {
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(ImportError::Header {
            message: format!(
                "{} is not a regular file (a folder, pipe or device): import reads regular files only",
                path.display()
            ),
        })
    }
}

/// The longest line a ledger extract may have: a file past it is not an extract (junk, a binary).
pub(super) const MAX_LINE_BYTES: u64 = 8 << 20;

/// Refuses what cannot be a text extract, as soon as it shows: a UTF-16 file (its byte-order
/// mark), a NUL byte, or a line past [`MAX_LINE_BYTES`]. `chunk` starts at absolute offset
/// `at`; `tally` has checked everything before it.
fn refuse_junk(chunk: &[u8], at: u64, tally: &Utf8Tally) -> Result<(), ImportError> {
    let junk = |message: String| Err(ImportError::Header { message });
    if at == 0 && (chunk.starts_with(b"\xFF\xFE") || chunk.starts_with(b"\xFE\xFF")) {
        return junk(
            "the file is UTF-16 (\"Unicode text\"): save it as CSV UTF-8 and import it again"
                .into(),
        );
    }
    if let Some(i) = chunk.iter().position(|&b| b == 0) {
        let before = &chunk[..i];
        let newlines = before.iter().filter(|&&b| b == b'\n').count() as u64;
        let line_start = match before.iter().rposition(|&b| b == b'\n') {
            Some(j) => at + j as u64 + 1,
            None => tally.line_start,
        };
        let line = tally.newlines + newlines + 1;
        let column = at + i as u64 - line_start + 1;
        return junk(format!(
            "line {line} column {column} holds a NUL byte: this is not a text file (if it was saved \
             as \"Unicode text\", UTF-16, save it as CSV UTF-8)"
        ));
    }
    let line_so_far = match chunk.iter().rposition(|&b| b == b'\n') {
        Some(j) => (chunk.len() - j - 1) as u64,
        None => at + chunk.len() as u64 - tally.line_start,
    };
    if line_so_far > MAX_LINE_BYTES {
        let newlines = chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        return junk(format!(
            "line {} is longer than {} bytes: this is not a ledger extract (check the file)",
            tally.newlines + newlines + 1,
            MAX_LINE_BYTES
        ));
    }
    Ok(())
}

/// The size of a block read by [`scan`].
const SCAN_BLOCK: usize = 1 << 18;

/// Hashes the file and checks whether it is UTF-8, streaming it in blocks. The SHA-256 is worked
/// out on a second thread while this one checks each block, so the first pass over a large file
/// takes about the time of the hash alone.
pub(super) fn scan(path: &Path) -> Result<Scan, ImportError> {
    regular_file(path)?;
    let mut f = File::open(path).map_err(io_err(path))?;
    std::thread::scope(|scope| {
        // Blocks go to the hashing thread and come back to be read into again: at most four are
        // in flight.
        let (to_hash, blocks) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (give_back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
        let hashing = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for block in blocks {
                hasher.update(&block);
                // This thread may have stopped reading: the block is then dropped.
                let _ = give_back.send(block);
            }
            hex(hasher)
        });
        let mut pending: Vec<u8> = Vec::with_capacity(SCAN_BLOCK + 4);
        let mut offset = 0u64;
        let mut tally = Utf8Tally::default();
        let mut len = 0u64;
        let mut bom = false;
        let (mut has_cr, mut has_lf, mut last) = (false, false, None);
        loop {
            let mut buf = spare.try_recv().unwrap_or_default();
            buf.resize(SCAN_BLOCK, 0);
            let n = f.read(&mut buf).map_err(io_err(path))?;
            if n == 0 {
                break;
            }
            buf.truncate(n);
            let chunk = &buf[..];
            refuse_junk(chunk, len, &tally)?;
            if len == 0 {
                bom = chunk.starts_with(b"\xEF\xBB\xBF");
            }
            len += n as u64;
            has_cr = has_cr || chunk.contains(&b'\r');
            has_lf = has_lf || chunk.contains(&b'\n');
            last = chunk.last().copied();
            pending.extend_from_slice(chunk);
            tally.check(&mut pending, &mut offset, false);
            if to_hash.send(buf).is_err() {
                break;
            }
        }
        tally.check(&mut pending, &mut offset, true);
        drop(to_hash);
        let sha256 = hashing.join().map_err(|_| ImportError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other("the thread hashing the file stopped unexpectedly"),
        })?;
        Ok(Scan {
            sha256,
            len,
            not_utf8_at: tally.invalid_at.first().map(|(line, _)| *line),
            invalid_at: tally.invalid_at,
            invalid: tally.invalid,
            multibyte: tally.multibyte,
            bom,
            ends_with_lf: last == Some(b'\n'),
            has_cr,
            has_lf,
        })
    })
}

/// The digest in lower-case hexadecimal.
fn hex(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes a file that is not text (a workbook): its SHA-256 and length only.
pub(super) fn hash_only(path: &Path) -> Result<Scan, ImportError> {
    regular_file(path)?;
    let mut f = File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 18];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok(Scan {
        sha256: hex(hasher),
        len,
        not_utf8_at: None,
        invalid_at: Vec::new(),
        invalid: 0,
        multibyte: 0,
        bom: false,
        ends_with_lf: true,
        has_cr: false,
        has_lf: true,
    })
}

/// Where the bytes that are not UTF-8 are: `line 3 column 7, line 9 column 1` (and how many more).
fn invalid_places(scan: &Scan) -> String {
    let mut text = scan
        .invalid_at
        .iter()
        .map(|(line, col)| format!("line {line} column {col}"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = scan.invalid.saturating_sub(scan.invalid_at.len() as u64);
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// The encoding to read with, and whether it was detected rather than given.
///
/// The rule: a file that is all UTF-8 is UTF-8. A file with bytes that are not UTF-8 is
/// Windows-1252 (as Excel on Windows saves it) only when it holds no valid multi-byte UTF-8
/// character at all; a single one (`é` written as UTF-8) beside stray bytes means a UTF-8 file
/// with errors, which is refused naming their lines and columns (never read as Windows-1252 and
/// stored as mojibake), unless `--encoding` says which it is.
pub(super) fn choose_encoding(
    scan: &Scan,
    forced: Option<&str>,
) -> Result<(&'static Encoding, bool), ImportError> {
    if let Some(label) = forced.map(str::trim).filter(|l| !l.is_empty()) {
        let enc = Encoding::for_label(label.as_bytes());
        return match enc {
            Some(enc) if enc == UTF_8 => match scan.not_utf8_at {
                Some(line) => Err(ImportError::Encoding {
                    message: format!(
                        "line {line} is not valid UTF-8 although --encoding {label} was given ({}): save the file \
                         as CSV UTF-8, or use --encoding windows-1252 if Excel on Windows saved it",
                        invalid_places(scan)
                    ),
                }),
                None => Ok((UTF_8, false)),
            },
            Some(enc) if enc == WINDOWS_1252 => Ok((WINDOWS_1252, false)),
            _ => Err(ImportError::Encoding {
                message: format!(
                    "--encoding: '{label}' is not an encoding Outturn reads: use utf-8 or windows-1252"
                ),
            }),
        };
    }
    match (scan.not_utf8_at, scan.bom) {
        (None, _) => Ok((UTF_8, false)),
        (Some(line), true) => Err(ImportError::Encoding {
            message: format!(
                "the file starts with a UTF-8 byte-order mark but line {line} is not valid UTF-8 ({}): \
                 save it again as CSV UTF-8 (or force the encoding with --encoding windows-1252)",
                invalid_places(scan)
            ),
        }),
        (Some(_), false) if scan.multibyte > 0 => Err(ImportError::Encoding {
            message: format!(
                "the file is UTF-8 except for {} that {} not ({}): correct {}, or if the file really is \
                 Windows-1252 say so with --encoding windows-1252",
                if scan.invalid == 1 {
                    "1 byte".to_string()
                } else {
                    format!("{} bytes", scan.invalid)
                },
                if scan.invalid == 1 { "is" } else { "are" },
                invalid_places(scan),
                if scan.invalid == 1 { "it" } else { "them" },
            ),
        }),
        (Some(_), false) => Ok((WINDOWS_1252, true)),
    }
}

/// Counts the bytes read from the file, for the progress callback.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Decodes a byte stream (Windows-1252) into UTF-8 as it is read.
struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 1 << 16],
            in_pos: 0,
            in_len: 0,
            output: vec![0; 3 * (1 << 16) + 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.out_pos == self.out_len {
            if self.done {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                self.in_len = self.inner.read(&mut self.input)?;
                self.in_pos = 0;
                self.eof = self.in_len == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_pos..self.in_len],
                &mut self.output,
                self.eof,
            );
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.done = true;
            }
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// The CSV reader over the file's text (byte-order mark skipped, decoded to UTF-8), and the
/// counter of file bytes read.
pub(super) type CsvReader = csv::Reader<Box<dyn Read + Send>>;

pub(super) fn open_csv(
    path: &Path,
    scan: &Scan,
    encoding: &'static Encoding,
) -> Result<(CsvReader, Arc<AtomicU64>), ImportError> {
    let mut file = File::open(path).map_err(io_err(path))?;
    let count = Arc::new(AtomicU64::new(0));
    if scan.bom && encoding == UTF_8 {
        let mut bom = [0u8; 3];
        file.read_exact(&mut bom).map_err(io_err(path))?;
        count.store(3, Ordering::Relaxed);
    }
    if scan.has_cr && !scan.has_lf {
        return Err(ImportError::Encoding {
            message: format!(
                "{}: its lines end with a carriage return alone (old Macintosh CSV): save it as \
                 \"CSV UTF-8\" or \"CSV (Comma delimited)\" and import it again",
                path.display()
            ),
        });
    }
    let counting = Counting {
        inner: file,
        count: Arc::clone(&count),
    };
    // Rows end at a line feed (a carriage return before it is trimmed with the cell), and the
    // last row gets one if the file lacks it, so that every row's first line can be worked out
    // from where it ends (see `row_line`).
    let tail: &'static [u8] = if scan.ends_with_lf || scan.len == 0 {
        b""
    } else {
        b"\n"
    };
    let source: Box<dyn Read + Send> = if encoding == UTF_8 {
        Box::new(counting.chain(tail))
    } else {
        Box::new(Decoding::new(counting, encoding).chain(tail))
    };
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(source);
    Ok((reader, count))
}

pub(super) fn csv_err(path: &Path) -> impl Fn(csv::Error) -> ImportError + '_ {
    move |err| ImportError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(err.to_string()),
    }
}
/// The file's name without its folder, as recorded in the batch.
pub(super) fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
