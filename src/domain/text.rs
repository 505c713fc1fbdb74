//! Text from the data on its way to a terminal, and the longest text each field may hold.
//!
//! [`escape_controls`] makes control characters visible (`\u{1b}` for ESC) so that a supplier
//! name cannot set the window title, clear the screen or reorder a line: the C0 controls (except
//! tab, and newline where the caller allows it), DEL, the C1 controls, and the bidirectional
//! embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069). CSV and JSON output
//! keep the exact text; only what is printed for people is escaped.

use std::borrow::Cow;

/// The longest code (programme, phase, framework, contract), in characters.
pub const MAX_CODE: usize = 40;
/// The longest name, title, supplier, description, reference, organisation or officer, in
/// characters.
pub const MAX_TEXT: usize = 500;
/// The longest note, reason, decision summary or outcome, in characters.
pub const MAX_NOTE: usize = 4000;

/// "an" before a word that starts with a vowel ("an allocation status"), "a" otherwise.
pub fn a_or_an(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// A count with thousands separators: 1,000,000.
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `text` word-wrapped to lines of at most `width` characters (a word longer than a line is
/// broken where the line ends); one empty line for empty text.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if line.is_empty() || fits {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        } else {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
        }
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    lines.push(line);
    lines
}

/// A count and its noun, singular for one: "1 row", "2 rows", "1,000 phase rows".
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", grouped(n))
    }
}

/// True for a character [`escape_controls`] escapes (newline included).
pub fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every dangerous character written as `\u{..}` (lower-case hex); newlines are kept
/// when `keep_newlines` (messages of several lines), escaped otherwise (table cells).
pub fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| is_dangerous(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Refuses text longer than `max` characters, giving the length (never quoting a 5 MB value
/// back); the caller names the field.
/// `s` cut to at most `max` characters, with `…` (and how much was left out) when cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… ({} more characters)", &s[..i], s[i..].chars().count()),
    }
}

/// True when `s` has no visible character: only whitespace and characters that print as nothing
/// (zero-width spaces and joiners, direction marks, soft hyphens, variation selectors, fillers).
/// Such a text is blank wherever a text is required (a comment, a reason, a name).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// A character that prints as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
}

pub fn check_length(value: &str, max: usize) -> Result<(), String> {
    // Bytes bound characters from above: most values need no count.
    if value.len() <= max {
        return Ok(());
    }
    let n = value.chars().count();
    if n > max {
        return Err(format!(
            "{n} characters is too long (at most {max}): shorten it"
        ));
    }
    Ok(())
}

/// A comment's text carried forward from period `from` (its label, `P7`), marked so the reader
/// knows it was not written for the later period: `TEXT (carried from P7)`. A mark already at
/// the end (carried twice) is replaced, never repeated.
pub fn carried(text: &str, from: &str) -> String {
    let base = text.trim_end();
    let base = match base.rfind(" (carried from P") {
        Some(i) if base.ends_with(')') => base[..i].trim_end(),
        _ => base,
    };
    format!("{base} (carried from {from})")
}

#[cfg(test)]
mod tests {

    #[test]
    fn words_wrap_to_the_width_and_a_long_word_breaks() {
        assert_eq!(wrap_words("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap_words("one two three", 13), ["one two three"]);
        assert_eq!(wrap_words("abcdefghij x", 4), ["abcd", "efgh", "ij x"]);
        assert_eq!(wrap_words("", 5), [""]);
    }

    #[test]
    fn a_carried_comment_is_marked_once() {
        assert_eq!(
            super::carried("Tender late; re-run in May", "P7"),
            "Tender late; re-run in May (carried from P7)"
        );
        assert_eq!(
            super::carried("Tender late (carried from P7)", "P8"),
            "Tender late (carried from P8)"
        );
    }

    use super::*;

    #[test]
    fn a_long_text_is_cut_with_a_mark() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdé", 3), "abc… (2 more characters)");
    }

    #[test]
    fn a_text_of_invisible_characters_is_blank() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n"));
        assert!(is_blank("\u{200B}"));
        assert!(is_blank("\u{FEFF}\u{200D} \u{2060}"));
        assert!(!is_blank("\u{200B}x"));
        assert!(!is_blank("Slipped"));
        assert!(!is_blank("£"));
    }

    #[test]
    fn escapes_esc_bel_c1_and_bidi_keeps_the_rest() {
        assert_eq!(
            escape_controls("\u{1b}]0;pwned\u{7}", false),
            "\\u{1b}]0;pwned\\u{7}"
        );
        assert_eq!(
            escape_controls("a\u{202e}b\u{2066}c", false),
            "a\\u{202e}b\\u{2066}c"
        );
        assert_eq!(
            escape_controls("x\u{85}y\u{9b}z\u{7f}", false),
            "x\\u{85}y\\u{9b}z\\u{7f}"
        );
        assert_eq!(
            escape_controls("line\nnext\r", false),
            "line\\u{a}next\\u{d}"
        );
        assert_eq!(escape_controls("line\nnext\r", true), "line\nnext\\u{d}");
        // Plain text, tabs, pound signs and accents are untouched and not copied.
        assert!(matches!(
            escape_controls("Café £1\tok", false),
            Cow::Borrowed("Café £1\tok")
        ));
    }

    #[test]
    fn length_is_counted_in_characters() {
        // 40 two-byte characters: 80 bytes, yet 40 characters.
        assert!(check_length(&"é".repeat(40), MAX_CODE).is_ok());
        assert_eq!(
            check_length(&"A".repeat(41), MAX_CODE).unwrap_err(),
            "41 characters is too long (at most 40): shorten it"
        );
    }
}
