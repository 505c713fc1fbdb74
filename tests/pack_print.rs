//! The committee pack prints readably (issue 23 item 12): every sheet is set up for A4 landscape
//! at 80 % (the workbook's 11 pt text at 8.8 pt), never fitted to one page wide, with the header
//! row and the code columns repeated on every page (print titles). Checked twice: in the
//! workbook's own XML, and by LibreOffice printing it to PDF, whose pages are counted and whose
//! text sizes are read from the PDF's own content streams (each `Tf` size, scaled by the text and
//! transformation matrices in force).

mod common;

use std::io::Read;
use std::path::Path;

use common::workbook::{convert, soffice, xml};
use common::{demo_db, ok};

fn pack(db: &Path) -> std::path::PathBuf {
    let out = db.with_file_name("pack.xlsx");
    ok(
        db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            out.to_str().unwrap(),
        ],
    );
    out
}

/// The sheets in order, with the columns repeated on every printed page: the leading ID,
/// Programme, Phase and Reference columns.
const SHEETS: [(&str, &str); 7] = [
    ("Summary", "$A:$A"),
    ("Monitoring", "$A:$B"),
    ("Movement", "$A:$B"),
    ("Financing", "$A:$B"),
    ("Contracts", "$A:$C"),
    ("Benefits", "$A:$C"),
    ("Milestones", "$A:$C"),
];

#[test]
fn every_sheet_prints_a4_landscape_at_80_percent_with_print_titles() {
    let (_d, db) = demo_db();
    let path = pack(&db);
    let book = xml(&path, "xl/workbook.xml");
    for (n, (name, columns)) in SHEETS.iter().enumerate() {
        let ws = xml(&path, &format!("xl/worksheets/sheet{}.xml", n + 1));
        assert!(ws.contains("paperSize=\"9\""), "{name} A4");
        assert!(ws.contains("orientation=\"landscape\""), "{name} landscape");
        assert!(ws.contains("scale=\"80\""), "{name} at 80 %");
        // Never fitted to the page: that is what shrank a wide sheet to 5 pt.
        assert!(!ws.contains("fitToPage"), "{name} is not fitted to a page");
        assert!(
            !ws.contains("fitToWidth"),
            "{name} is not fitted to a width"
        );
        // The header row and the code columns repeat on every page, and are frozen on screen.
        let titles = format!(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{n}\">{name}!{columns},{name}!$1:$1</definedName>"
        );
        assert!(book.contains(&titles), "{name}: {titles} in {book}");
        assert!(ws.contains("state=\"frozen\""), "{name} frozen");
    }
}

/// The PDF's pages: each page's media box, and the size in points of every piece of text drawn
/// on it (the `Tf` size times the vertical scale of the text matrix and the CTM).
struct Printed {
    media_boxes: Vec<String>,
    text_sizes: Vec<f64>,
    pages: usize,
}

/// Streams of `pdf` (FlateDecode, as LibreOffice writes them) that draw text.
fn content_streams(pdf: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find(pdf, b"stream", at) {
        let mut start = i + b"stream".len();
        at = start;
        // `endstream` also contains `stream`: only a keyword followed by an end of line opens one.
        if pdf.get(start) == Some(&b'\r') {
            start += 1;
        }
        if pdf.get(start) != Some(&b'\n') || pdf[..i].ends_with(b"end") {
            continue;
        }
        start += 1;
        let Some(end) = find(pdf, b"endstream", start) else {
            break;
        };
        let mut text = String::new();
        if flate2::read::ZlibDecoder::new(&pdf[start..end])
            .read_to_string(&mut text)
            .is_ok()
            && text.contains("Tf")
        {
            out.push(text);
        }
        at = end;
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A 2-D affine matrix `[a b c d e f]` as PDF writes it.
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn times(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The text sizes a content stream draws: strings (`(...)`, `<...>`) and arrays are skipped; `q`
/// and `Q` keep the CTM, `cm` and `Tm` set the matrices, `Tf` the size.
fn text_sizes(stream: &str) -> Vec<f64> {
    let mut sizes = Vec::new();
    let (mut ctm, mut stack, mut tm) = (IDENTITY, Vec::new(), IDENTITY);
    let mut numbers: Vec<f64> = Vec::new();
    let mut chars = stream.chars().peekable();
    let mut token = String::new();
    let mut flush = |token: &mut String, numbers: &mut Vec<f64>| {
        if token.is_empty() {
            return;
        }
        if let Ok(n) = token.parse::<f64>() {
            numbers.push(n);
        } else {
            let last6 = || -> Option<Matrix> {
                let k = numbers.len().checked_sub(6)?;
                numbers[k..].try_into().ok()
            };
            match token.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
                "cm" => {
                    if let Some(m) = last6() {
                        ctm = times(&m, &ctm);
                    }
                }
                "BT" => tm = IDENTITY,
                "Tm" => {
                    if let Some(m) = last6() {
                        tm = m;
                    }
                }
                "Tf" => {
                    if let Some(size) = numbers.last() {
                        let m = times(&tm, &ctm);
                        sizes.push(size * (m[2] * m[2] + m[3] * m[3]).sqrt());
                    }
                }
                _ => {}
            }
            if !token.starts_with('/') {
                numbers.clear();
            }
        }
        token.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                flush(&mut token, &mut numbers);
                let mut depth = 1;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            '<' => {
                flush(&mut token, &mut numbers);
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            '[' | ']' => flush(&mut token, &mut numbers),
            '/' => {
                flush(&mut token, &mut numbers);
                token.push(c);
            }
            c if c.is_whitespace() => flush(&mut token, &mut numbers),
            c => token.push(c),
        }
    }
    flush(&mut token, &mut numbers);
    sizes
}

fn printed(pdf: &[u8]) -> Printed {
    let text = String::from_utf8_lossy(pdf);
    let pages = text
        .match_indices("/Type/Page")
        .chain(text.match_indices("/Type /Page"))
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count();
    let media_boxes = text
        .match_indices("/MediaBox")
        .map(|(i, _)| {
            let rest = &text[i..];
            let end = rest.find(']').unwrap();
            rest[..=end]
                .split(|c: char| c.is_whitespace() || c == '[' || c == ']')
                .filter(|s| !s.is_empty())
                .skip(1)
                .map(|n| format!("{:.0}", n.parse::<f64>().unwrap()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let text_sizes = content_streams(pdf)
        .iter()
        .flat_map(|s| text_sizes(s))
        .collect();
    Printed {
        media_boxes,
        text_sizes,
        pages,
    }
}

#[test]
fn the_matrix_reader_scales_the_font_size() {
    // 10 pt text under a CTM halving everything is 5 pt; a text matrix doubling it, 20 pt;
    // strings with spaces and brackets are skipped.
    let sizes = text_sizes(
        "q 0.5 0 0 0.5 0 0 cm BT /F1 10 Tf (a \\) 1 Tf ]) Tj ET Q BT 2 0 0 2 5 5 Tm /F2 10 Tf <01 02> Tj ET",
    );
    assert_eq!(sizes, vec![5.0, 20.0]);
}

/// LibreOffice prints the demo pack: every page A4 landscape (842 x 595 points), every piece of
/// text at 8 pt or more (8.8 pt: 11 pt at 80 %; the page headers and footers too), and the wide
/// Monitoring and Financing sheets on more than one page each, so more pages than sheets.
#[test]
fn libreoffice_prints_every_page_a4_landscape_at_8_pt_or_more() {
    let Some(office) = soffice("the LibreOffice print check of the pack") else {
        return;
    };
    let (dir, db) = demo_db();
    let path = pack(&db);
    let out = dir.path().join("printed");
    convert(office, dir.path(), &path, "pdf", &out);
    let pdf = std::fs::read(out.join("pack.pdf")).unwrap();
    let p = printed(&pdf);
    println!(
        "pages {}, text sizes {:.2} to {:.2} pt",
        p.pages,
        p.text_sizes.iter().cloned().fold(f64::MAX, f64::min),
        p.text_sizes.iter().cloned().fold(0.0, f64::max)
    );
    assert!(p.pages > SHEETS.len(), "{} pages", p.pages);
    assert!(!p.media_boxes.is_empty());
    for b in &p.media_boxes {
        assert_eq!(b, "0 0 842 595", "A4 landscape");
    }
    assert!(!p.text_sizes.is_empty(), "no text found in the PDF");
    for s in &p.text_sizes {
        assert!(*s >= 8.0, "text at {s:.2} pt");
    }
}
