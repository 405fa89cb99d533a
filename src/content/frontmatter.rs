//! Splitting a Markdown file into TOML front matter and body.

use std::ops::Range;

/// Where the parts of a file are, as byte ranges of its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the `+++` lines, if the file has front matter.
    pub toml: Option<Range<usize>>,
    /// The Markdown after the closing `+++` (or the whole file).
    pub body: Range<usize>,
}

/// Why a file's front matter could not be found.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The opening `+++` has no closing line; the span is the opening line.
    Unclosed(Range<usize>),
    /// The file starts with YAML's `---`; the span is that line.
    Yaml(Range<usize>),
}

/// Finds `+++` front matter at the very top of `text` (after an optional
/// byte order mark). Lines are compared with trailing spaces and `\r` removed
/// so Windows line endings work.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let first = text[start..first_end].trim_end();
    if first == "---" {
        return Err(SplitError::Yaml(start..first_end));
    }
    if first != "+++" {
        return Ok(Split {
            toml: None,
            body: start..text.len(),
        });
    }
    let toml_start = (first_end + 1).min(text.len());
    let mut pos = toml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "+++" {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                toml: Some(toml_start..pos),
                body: body_start..text.len(),
            });
        }
        pos = end + 1;
    }
    Err(SplitError::Unclosed(start..first_end))
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is the test failing
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let s = split(text).expect("valid");
        assert_eq!(&text[s.toml.clone().expect("toml")], "title = \"x\"\n");
        assert_eq!(&text[s.body], "Body\n");
    }

    #[test]
    fn crlf_and_no_body() {
        let text = "+++\r\ntitle = \"x\"\r\n+++";
        let s = split(text).expect("valid");
        assert_eq!(&text[s.toml.expect("toml")], "title = \"x\"\r\n");
        assert!(s.body.is_empty());
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("Just text").map(|s| s.toml), Ok(None));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::Unclosed(0..3)));
        assert_eq!(split("---\ntitle: x\n---\n"), Err(SplitError::Yaml(0..3)));
        assert_eq!(
            split(""),
            Ok(Split {
                toml: None,
                body: 0..0
            })
        );
    }
}
