//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`]s into a [`Diagnostics`]
//! collector instead of returning early, so one build shows every error at
//! once. Byte offsets become line and column here and nowhere else
//! ([`Location::of`]), and this module renders diagnostics for the terminal
//! and, as workflow commands, for GitHub Actions ([`Diagnostic::github`]).

mod suggest;

pub use suggest::did_you_mean;

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail the build; warnings are printed but
/// do not change the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A resolved position in a file, computed once when the diagnostic is made
/// so that rendering and sorting never need the file's text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters (what editors show).
    pub column: usize,
    /// The full text of the line, without its line break.
    pub line_text: String,
    /// How many characters of `line_text` the caret underlines (at least 1).
    pub width: usize,
}

impl Location {
    /// Turns a byte range of `text` into line, column and the line's text.
    /// Out-of-range or mid-character offsets are clamped rather than
    /// trusted, because spans come from several parsers.
    pub fn of(text: &str, span: Range<usize>) -> Location {
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..line_start].matches('\n').count() + 1;
        // A position on the `\r` of a `\r\n` (or on the `\n` after it) is
        // the end of the line shown, not a column past it.
        let column = text[line_start..start.min(line_start + line_text.len())]
            .chars()
            .count()
            + 1;
        let mut end = span.end.clamp(start, line_end);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let width = text[start..end].chars().count().max(1);
        Location {
            line,
            column,
            line_text: line_text.to_string(),
            width,
        }
    }
}

/// How many characters of a source line a report shows: a long line (a
/// minified file, a paragraph on one line) is cut to this much around the
/// caret, so one diagnostic is never megabytes of output.
pub const SHOWN_LINE: usize = 100;

impl Location {
    /// The line as a report shows it: at most [`SHOWN_LINE`] characters
    /// around the caret, `…` where it was cut; with the caret's position
    /// in it and its width (in characters).
    pub fn clipped(&self) -> (String, usize, usize) {
        let len = self.line_text.chars().count();
        let caret = self.column.saturating_sub(1).min(len);
        if len <= SHOWN_LINE {
            return (self.line_text.clone(), caret, self.width);
        }
        // A little context before the caret, the rest after it.
        let start = caret.saturating_sub(SHOWN_LINE / 3).min(len - SHOWN_LINE);
        let end = start + SHOWN_LINE;
        let mut shown: String = self
            .line_text
            .chars()
            .skip(start)
            .take(SHOWN_LINE)
            .collect();
        let mut at = caret - start;
        if start > 0 {
            shown.insert(0, '…');
            at += 1;
        }
        if end < len {
            shown.push('…');
        }
        let width = self.width.min(end.saturating_sub(caret)).max(1);
        (shown, at, width)
    }
}

/// One problem found in the handbook, pointing at the file and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the handbook root, or `None` for problems that
    /// belong to no file (a missing `content/` folder).
    pub file: Option<PathBuf>,
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a byte range of a file whose text is at hand.
    pub fn error(file: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.to_path_buf()),
            location: Some(Location::of(text, span)),
            message: message.into(),
            help: None,
        }
    }

    /// An error about a whole file (unreadable, not UTF-8, misplaced).
    pub fn file_error(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.to_path_buf()),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    /// An error that belongs to no file.
    pub fn general(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            location: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// `file:line:col`, the form editors and terminals turn into links.
    pub fn position(&self) -> String {
        let file = self.file.as_deref().map(display_path).unwrap_or_default();
        match &self.location {
            Some(loc) => format!("{file}:{}:{}", loc.line, loc.column),
            None => file,
        }
    }

    fn sort_key(&self) -> (Option<&PathBuf>, usize, usize, Severity, &str) {
        let (line, col) = self
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.line, l.column));
        (self.file.as_ref(), line, col, self.severity, &self.message)
    }
}

/// Paths are shown with `/` on every platform so that snapshots and
/// messages read the same everywhere.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `text` with every control character but tabs (and line breaks, with
/// `lines`) shown as its Unicode picture (`␛` for escape, `␊` for a line
/// break): a file name or a line of a file may hold a terminal's escape
/// sequences, which must reach the terminal as text, not as commands. One
/// character for one, so the caret under a line still lines up.
pub fn visible(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| c == '\t' || (lines && c == '\n');
    if !text.chars().any(|c| c.is_control() && !shown(c)) {
        return text.into();
    }
    text.chars()
        .map(|c| match u32::from(c) {
            _ if shown(c) => c,
            n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", visible(&self.message, true))?;
        if self.file.is_some() {
            let gutter = self
                .location
                .as_ref()
                .map_or(1, |l| l.line.to_string().len());
            let pad = " ".repeat(gutter);
            writeln!(f, "{pad}--> {}", visible(&self.position(), false))?;
            if let Some(loc) = &self.location {
                let (shown, caret, width) = loc.clipped();
                let before: String = shown.chars().take(caret).collect();
                // Tabs keep their width under the caret so it lines up.
                let indent: String = before
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {}", loc.line, visible(&shown, false))?;
                writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
            }
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {}", visible(help, true))?;
            }
        } else if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", visible(help, true))?;
        }
        Ok(())
    }
}

/// How diagnostics are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The terminal report alone.
    #[default]
    Human,
    /// The terminal report, and each diagnostic once more as a GitHub
    /// Actions workflow command (`::error file=…,line=…,col=…::message`)
    /// on standard output, which GitHub turns into an annotation on that
    /// line of the file (in a pull request, on the line of the diff).
    Github,
}

impl Format {
    /// `Github` when running in GitHub Actions (`GITHUB_ACTIONS=true`,
    /// which the runner sets for every step), otherwise `Human`.
    pub fn detect() -> Format {
        if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        }
    }
}

/// Escapes a workflow command's message the way the runner unescapes it.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (a file name): as a
/// message, and `:` and `,` too, which separate properties.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Diagnostic {
    /// The diagnostic as one GitHub Actions workflow command line, without
    /// its line break. `root` is the handbook folder as given on the command
    /// line: annotations name files from the repository's root (the working
    /// folder of a workflow step), and diagnostics from the handbook's.
    /// The help, if any, follows the message on a line of its own.
    pub fn github(&self, root: &Path) -> String {
        let command = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(file) = &self.file {
            let path = root.join(file);
            // `./content/x.md` reads as `content/x.md`; GitHub matches
            // annotations to files by this path.
            let clean: PathBuf = path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            props.push(format!(
                "file={}",
                github_property(&visible(&display_path(&clean), false))
            ));
            if let Some(loc) = &self.location {
                // The underlined characters, both ends included; GitHub
                // reads columns only on a one-line range.
                props.push(format!("line={}", loc.line));
                props.push(format!("endLine={}", loc.line));
                props.push(format!("col={}", loc.column));
                props.push(format!("endColumn={}", loc.column + loc.width - 1));
            }
        }
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", props.join(","))
        };
        // Line breaks are escaped for the runner; other controls shown.
        let message: Vec<_> = message.split('\r').map(|m| visible(m, true)).collect();
        format!("::{command}{props}::{}", github_data(&message.join("\r")))
    }
}

/// The collector every stage reports into. Kept sorted on output so the
/// order of parallel work never shows in what the author reads.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// The most recent diagnostic, to attach a help line after the fact.
    pub fn last_mut(&mut self) -> Option<&mut Diagnostic> {
        self.items.last_mut()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, line and column, duplicates removed.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup();
        items
    }

    /// Every diagnostic as a GitHub Actions workflow command, one a line,
    /// in the order of [`Diagnostics::sorted`]; see [`Diagnostic::github`].
    pub fn github(&self, root: &Path) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.github(root));
            out.push('\n');
        }
        out
    }

    /// The full report as the terminal shows it, ending with a count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let sorted = self.sorted();
        for d in &sorted {
            let _ = writeln!(out, "{d}");
        }
        let errors = sorted
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = sorted.len() - errors;
        match (errors, warnings) {
            (0, 0) => {}
            (0, w) => {
                let _ = writeln!(out, "{w} {}", plural(w, "warning"));
            }
            (e, 0) => {
                let _ = writeln!(out, "error: the handbook has {e} {}", plural(e, "error"));
            }
            (e, w) => {
                let _ = writeln!(
                    out,
                    "error: the handbook has {e} {} and {w} {}",
                    plural(e, "error"),
                    plural(w, "warning")
                );
            }
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// English plural for counts in messages ("1 error", "2 errors").
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_reach_the_terminal_as_pictures() {
        let d = Diagnostic::error(
            Path::new("content/skills/a\u{1b}[2Jb\nc.md"),
            "x = \"\u{1b}]0;owned\u{7}\"\n",
            0..1,
            "the file name gives the slug `a\u{1b}[2Jb\nc`",
        )
        .with_help("line one\nline two\u{9b}");
        let out = d.to_string();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("--> content/skills/a␛[2Jb␊c.md:1:1"), "{out}");
        assert!(out.contains("slug `a␛[2Jb\nc`"), "{out}");
        assert!(out.contains("1 | x = \"␛]0;owned␇\""), "{out}");
        assert!(out.contains("help: line one\nline two\u{fffd}"), "{out}");
        let github = d.github(Path::new("."));
        assert!(!github.chars().any(char::is_control), "{github:?}");
    }

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        let loc = Location::of(text, 9..12);
        // Byte 9 follows "bé" (3 bytes, 2 characters): column 3, not 4.
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(loc.line_text, "bé = \"x\"");
        assert_eq!(loc.width, 3);
    }

    #[test]
    fn a_position_on_a_crlf_line_break_is_the_end_of_the_line() {
        // Found by tests/mutations.rs: the `\r` counted as a column.
        let text = "ab\r\ncd";
        for at in [2, 3] {
            let loc = Location::of(text, at..at + 1);
            assert_eq!((loc.line, loc.column, loc.line_text.as_str()), (1, 3, "ab"));
        }
    }

    #[test]
    fn a_long_line_is_shown_clipped_around_the_caret() {
        let line = format!("{}TYPO{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::error(Path::new("x.md"), &line, 5000..5004, "bad");
        let text = d.to_string();
        assert!(text.len() < 400, "{text}");
        assert!(text.contains("1:5001"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines[3].trim_start_matches("1 | ");
        let carets = lines[4].trim_start_matches("  | ");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let at = carets.find('^').unwrap_or(0);
        let under: String = shown.chars().skip(at).take(4).collect();
        assert_eq!(under, "TYPO", "{text}");
        assert_eq!(carets.trim(), "^^^^");
    }

    #[test]
    fn location_clamps_bad_offsets() {
        let text = "é";
        let loc = Location::of(text, 1..99);
        assert_eq!((loc.line, loc.column), (1, 1));
        let loc = Location::of("", 5..6);
        assert_eq!((loc.line, loc.column, loc.width), (1, 1, 1));
    }

    #[test]
    fn github_commands_escape_messages_and_properties() {
        let d = Diagnostic::error(
            Path::new("content/skills/a,b:c.md"),
            "+++\ntitel = 1\n",
            4..9,
            "100% wrong\r\nsecond line",
        )
        .with_help("did you mean `title`?");
        assert_eq!(
            d.github(Path::new("./hb")),
            "::error file=hb/content/skills/a%2Cb%3Ac.md,line=2,endLine=2,col=1,endColumn=5::100%25 wrong%0D%0Asecond line%0Ahelp: did you mean `title`?"
        );
        let general = Diagnostic::general("no content/ folder").warning();
        assert_eq!(
            general.github(Path::new(".")),
            "::warning::no content/ folder"
        );
    }

    #[test]
    fn render_shows_caret_help_and_count() {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                Path::new("content/skills/x.md"),
                "+++\ntitel = 1\n",
                4..9,
                "unknown key `titel`",
            )
            .with_help("did you mean `title`?"),
        );
        let text = d.render();
        assert_eq!(
            text,
            "error: unknown key `titel`\n --> content/skills/x.md:2:1\n  |\n2 | titel = 1\n  | ^^^^^\n  = help: did you mean `title`?\n\nerror: the handbook has 1 error\n"
        );
    }
}
