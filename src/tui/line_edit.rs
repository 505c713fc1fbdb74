//! A one-line text editor for form fields: a cursor that moves (←/→, Home/End), Delete and
//! Backspace at the cursor, Ctrl-U (erase to the start), Ctrl-W (erase the word before the
//! cursor). A pre-filled value is *fresh*: the first character typed replaces it, until the cursor
//! moves or a character is erased. A leaf: it knows nothing of forms or keys.

/// A line of text and a cursor (a char index, 0..=len).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineEdit {
    text: String,
    cursor: usize,
    /// Pre-filled and untouched: typing replaces it.
    fresh: bool,
}

/// An editing operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Left,
    Right,
    Home,
    End,
    /// Backspace: the character before the cursor.
    Backspace,
    /// Delete: the character at the cursor.
    Delete,
    /// Ctrl-U: everything before the cursor.
    KillToStart,
    /// Ctrl-W: the word (and the spaces after it) before the cursor.
    KillWord,
}

impl LineEdit {
    /// A pre-filled line with the cursor at its end; typing replaces it until the cursor moves.
    pub fn prefilled(text: impl Into<String>) -> LineEdit {
        let text = text.into();
        LineEdit {
            cursor: text.chars().count(),
            fresh: !text.is_empty(),
            text,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// True while the pre-filled value is untouched (the next character replaces it).
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Replaces the text, the cursor at its end (not fresh: the officer chose it).
    pub fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.cursor = self.len();
        self.fresh = false;
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of char index `i`.
    fn byte(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Removes chars `from..to`.
    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Applies one edit.
    pub fn apply(&mut self, e: Edit) {
        let fresh = std::mem::replace(&mut self.fresh, false);
        match e {
            Edit::Insert(c) => {
                if fresh {
                    self.text.clear();
                    self.cursor = 0;
                }
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.len()),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.len(),
            Edit::Backspace => {
                if self.cursor > 0 {
                    self.remove(self.cursor - 1, self.cursor);
                }
            }
            Edit::Delete => {
                if self.cursor < self.len() {
                    self.remove(self.cursor, self.cursor + 1);
                }
            }
            Edit::KillToStart => self.remove(0, self.cursor),
            Edit::KillWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut i = self.cursor;
                while i > 0 && chars[i - 1].is_whitespace() {
                    i -= 1;
                }
                while i > 0 && !chars[i - 1].is_whitespace() {
                    i -= 1;
                }
                self.remove(i, self.cursor);
            }
        }
    }

    /// The text split at the cursor: (before, the char under it or None at the end, after it).
    pub fn split(&self) -> (&str, Option<char>, &str) {
        let at = self.byte(self.cursor);
        let (before, rest) = self.text.split_at(at);
        let mut it = rest.chars();
        match it.next() {
            Some(c) => (before, Some(c), it.as_str()),
            None => (before, None, ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(l: &mut LineEdit, s: &str) {
        for c in s.chars() {
            l.apply(Edit::Insert(c));
        }
    }

    #[test]
    fn typing_over_a_prefilled_value_replaces_it() {
        // The case: 30/11/2026 pre-filled, typing 01/12/2026 gave 30/11/202601/12/2026.
        let mut l = LineEdit::prefilled("30/11/2026");
        typed(&mut l, "01/12/2026");
        assert_eq!(l.text(), "01/12/2026");
    }

    #[test]
    fn moving_the_cursor_keeps_the_prefilled_value() {
        let mut l = LineEdit::prefilled("30/11/2026");
        l.apply(Edit::Home);
        l.apply(Edit::Delete);
        l.apply(Edit::Delete);
        typed(&mut l, "01");
        assert_eq!(l.text(), "01/11/2026");
        assert_eq!(l.cursor(), 2);
    }

    #[test]
    fn backspace_and_delete_work_at_the_cursor() {
        let mut l = LineEdit::default();
        typed(&mut l, "abcdef");
        l.apply(Edit::Left);
        l.apply(Edit::Left);
        // The cursor is between d and e.
        l.apply(Edit::Backspace); // removes d
        assert_eq!(l.text(), "abcef");
        l.apply(Edit::Delete); // removes e
        assert_eq!(l.text(), "abcf");
        assert_eq!(l.split(), ("abc", Some('f'), ""));
        l.apply(Edit::End);
        l.apply(Edit::Delete); // nothing after the end
        assert_eq!(l.text(), "abcf");
        l.apply(Edit::Right);
        assert_eq!(l.cursor(), 4);
    }

    #[test]
    fn ctrl_u_and_ctrl_w_erase_before_the_cursor() {
        let mut l = LineEdit::default();
        typed(&mut l, "late credit  note");
        l.apply(Edit::KillWord);
        assert_eq!(l.text(), "late credit  ");
        l.apply(Edit::KillWord);
        assert_eq!(l.text(), "late ");
        typed(&mut l, "payment");
        l.apply(Edit::Left);
        l.apply(Edit::Left);
        l.apply(Edit::KillToStart);
        assert_eq!(l.text(), "nt");
        assert_eq!(l.cursor(), 0);
    }

    #[test]
    fn multibyte_characters_are_one_step() {
        let mut l = LineEdit::prefilled("£1,250");
        l.apply(Edit::Home);
        l.apply(Edit::Delete);
        assert_eq!(l.text(), "1,250");
        l.apply(Edit::Insert('£'));
        l.apply(Edit::Right);
        l.apply(Edit::Insert('2'));
        assert_eq!(l.text(), "£12,250");
        assert_eq!(l.split(), ("£12", Some(','), "250"));
    }

    #[test]
    fn an_empty_prefill_is_not_fresh() {
        let mut l = LineEdit::prefilled("");
        assert!(!l.is_fresh());
        typed(&mut l, "x");
        assert_eq!(l.text(), "x");
    }
}
