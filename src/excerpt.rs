//! Text quoted in error messages: cut, so a huge value cannot flood a log, and escaped.

use std::fmt;

/// The most characters of a rejected value that an error message shows.
const SHOWN_CHARS: usize = 64;

/// Text in an error message: cut after `max_chars` characters (then followed by its whole
/// length), and quoted and escaped or shown as it is.
pub(crate) struct Excerpt<'a> {
    pub(crate) text: &'a str,
    pub(crate) max_chars: usize,
    pub(crate) quoted: bool,
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = self
            .text
            .char_indices()
            .nth(self.max_chars)
            .map(|(at, _)| at);
        let shown = &self.text[..cut.unwrap_or(self.text.len())];
        if self.quoted {
            write!(f, "{shown:?}")?;
        } else {
            f.write_str(shown)?;
        }
        if cut.is_some() {
            write!(f, "… ({} bytes)", self.text.len())?;
        }
        Ok(())
    }
}

/// Shows a value in an error message: quoted, escaped, cut after 64 characters.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Excerpt {
            text: self.0,
            max_chars: SHOWN_CHARS,
            quoted: true,
        }
        .fmt(f)
    }
}
