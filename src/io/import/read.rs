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

/// What a first read of the file's bytes found.
pub(super) struct Scan {
    pub(super) sha256: String,
    pub(super) len: u64,
    /// The line of the first byte that is not UTF-8, if any.
    not_utf8_at: Option<u64>,
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

/// Hashes the file and checks whether it is UTF-8, streaming it in blocks.
pub(super) fn scan(path: &Path) -> Result<Scan, ImportError> {
    let mut f = File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 18];
    let mut pending: Vec<u8> = Vec::with_capacity((1 << 18) + 4);
    let mut len = 0u64;
    let mut newlines = 0u64;
    let mut not_utf8_at = None;
    let mut bom = false;
    let mut first = true;
    let (mut has_cr, mut has_lf, mut last) = (false, false, None);
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        hasher.update(chunk);
        len += n as u64;
        if first {
            bom = chunk.starts_with(b"\xEF\xBB\xBF");
            first = false;
        }
        has_cr = has_cr || chunk.contains(&b'\r');
        has_lf = has_lf || chunk.contains(&b'\n');
        last = chunk.last().copied();
        if not_utf8_at.is_none() {
            pending.extend_from_slice(chunk);
            match std::str::from_utf8(&pending) {
                Ok(_) => pending.clear(),
                Err(err) if err.error_len().is_none() => {
                    // A character split across blocks: keep its first bytes for the next block.
                    pending.drain(..err.valid_up_to());
                }
                Err(err) => {
                    let before = pending[..err.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count() as u64;
                    not_utf8_at = Some(newlines + before + 1);
                }
            }
            newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    if not_utf8_at.is_none() && !pending.is_empty() {
        not_utf8_at = Some(newlines + 1);
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Scan {
        sha256,
        len,
        not_utf8_at,
        bom,
        ends_with_lf: last == Some(b'\n'),
        has_cr,
        has_lf,
    })
}

/// The encoding to read with, and whether it was detected rather than given.
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
                        "line {line} is not valid UTF-8 although --encoding {label} was given: save the file \
                         as CSV UTF-8, or use --encoding windows-1252 if Excel on Windows saved it"
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
                "the file starts with a UTF-8 byte-order mark but line {line} is not valid UTF-8: \
                 save it again as CSV UTF-8 (or force the encoding with --encoding windows-1252)"
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
        .has_headers(true)
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
