//! One pulldown-cmark pass over a body at parse time: the headings (with
//! their ids) and every link, placed by byte span in the file, so that
//! references can be checked before anything is rendered.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Tag, TagEnd};

use super::Kind;

/// The Markdown dialect of the contract, shared with the renderer so both
/// passes see the same document.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What a link in a body points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `skill:databases#indexes`
    Entity {
        kind: Kind,
        slug: String,
        fragment: Option<String>,
    },
    /// `#heading` on the same page.
    Fragment(String),
    /// A relative path to a file beside the page (`diagram.png`).
    Local(String),
    /// `/skills/x/`: breaks under a sub-path `base_url`.
    RootAbsolute(String),
    /// `skil:x`: a scheme that looks like a mistyped kind.
    UnknownKind(String),
    /// `javascript:` or `vbscript:` (lowercase, whatever the spelling):
    /// runs code in the reader's browser. Never allowed.
    Script(String),
    /// `data:`, with its media type (lowercase): allowed for images only.
    Data(String),
    /// http(s), mailto and the like: left alone.
    External,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: Target,
    /// Byte range of the destination in the file (for diagnostics).
    pub span: Range<usize>,
    /// `[](role:x)`: the renderer fills in the target's title.
    pub empty_text: bool,
    pub image: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// The body has a fenced code block with a language tag, so rendering
    /// it will need the syntax highlighter.
    pub has_code: bool,
}

/// The id a heading gets: lowercase ASCII letters and digits kept, spaces,
/// `-` and `_` become `-`, everything else dropped, runs of `-` collapsed.
/// Documented in the README because authors write `#fragments` by hand.
pub fn heading_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Makes ids unique within a page the way authors expect: the second
/// "Tools" heading becomes `tools-1`.
pub struct IdDeduper {
    seen: HashMap<String, usize>,
}

impl IdDeduper {
    pub fn new() -> Self {
        IdDeduper {
            seen: HashMap::new(),
        }
    }
    pub fn unique(&mut self, id: String) -> String {
        match self.seen.get_mut(&id) {
            None => {
                self.seen.insert(id.clone(), 0);
                id
            }
            Some(n) => {
                *n += 1;
                let candidate = format!("{id}-{n}");
                self.seen.insert(candidate.clone(), 0);
                candidate
            }
        }
    }
}

impl Default for IdDeduper {
    fn default() -> Self {
        Self::new()
    }
}

/// The scheme a browser reads in a link destination, lowercase: it drops
/// leading and trailing spaces and control characters and every tab and
/// line break first, so `java\tscript:` is `javascript:` to it (and so
/// to this).
fn browser_scheme(dest: &str) -> Option<String> {
    let trimmed = dest.trim_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in trimmed.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => return (!scheme.is_empty()).then_some(scheme),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

/// Sorts a link destination into the kinds the resolver checks.
pub fn classify(dest: &str) -> Target {
    match browser_scheme(dest).as_deref() {
        Some(s @ ("javascript" | "vbscript")) => return Target::Script(s.to_string()),
        Some("data") => {
            let after = dest.split_once(':').map_or("", |(_, rest)| rest);
            let media = after.split([';', ',']).next().unwrap_or("");
            return Target::Data(media.trim().to_ascii_lowercase());
        }
        _ => {}
    }
    if let Some(frag) = dest.strip_prefix('#') {
        return Target::Fragment(frag.to_string());
    }
    if let Some((scheme, rest)) = dest.split_once(':')
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    {
        if let Some(kind) = Kind::from_prefix(scheme) {
            let (slug, fragment) = match rest.split_once('#') {
                Some((s, f)) => (s, Some(f.to_string())),
                None => (rest, None),
            };
            return Target::Entity {
                kind,
                slug: slug.trim_end_matches('/').to_string(),
                fragment,
            };
        }
        let lower = scheme.to_ascii_lowercase();
        let known = ["http", "https", "mailto", "tel", "ftp", "irc", "sms"];
        if known.contains(&lower.as_str()) {
            return Target::External;
        }
        if crate::diagnostic::did_you_mean(&lower, ["skill", "role", "phase", "page"]).is_some()
            || ["skills", "roles", "phases", "pages"].contains(&lower.as_str())
        {
            return Target::UnknownKind(scheme.to_string());
        }
        return Target::External;
    }
    if dest.starts_with("//") {
        return Target::External;
    }
    if dest.starts_with('/') {
        return Target::RootAbsolute(dest.to_string());
    }
    Target::Local(dest.to_string())
}

/// Scans a body that starts at byte `offset` of its file.
pub fn scan(body: &str, offset: usize) -> Scan {
    let mut out = Scan::default();
    let mut ids = IdDeduper::new();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    // Links being read: (index into out.links, saw text?)
    let mut open_links: Vec<(usize, bool)> = Vec::new();
    for (event, range) in super::pieces::events(body) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level as u8, id.map(|s| s.to_string()), String::new()));
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(ref lang))) => {
                out.has_code |= !lang.trim().is_empty();
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, custom, text)) = heading.take() {
                    let text = text.trim().to_string();
                    let id = ids.unique(custom.unwrap_or_else(|| heading_id(&text)));
                    out.headings.push(Heading { level, id, text });
                }
            }
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. }) => {
                let image = matches!(event, Event::Start(Tag::Image { .. }));
                let dest = dest_url.to_string();
                let src = &body[range.clone()];
                let span = match src.rfind(dest.as_str()) {
                    Some(i) if !dest.is_empty() => {
                        offset + range.start + i..offset + range.start + i + dest.len()
                    }
                    _ => offset + range.start..offset + range.end,
                };
                open_links.push((out.links.len(), false));
                out.links.push(Link {
                    target: classify(&dest),
                    span,
                    empty_text: false,
                    image,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some((i, saw_text)) = open_links.pop()
                    && let Some(link) = out.links.get_mut(i)
                {
                    link.empty_text = !saw_text;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                for (_, saw) in open_links.iter_mut() {
                    *saw = true;
                }
            }
            Event::InlineHtml(_)
            | Event::Html(_)
            | Event::FootnoteReference(_)
            | Event::InlineMath(_) => {
                for (_, saw) in open_links.iter_mut() {
                    *saw = true;
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_follow_the_documented_rule() {
        assert_eq!(heading_id("What does \"LPA\" mean?"), "what-does-lpa-mean");
        assert_eq!(heading_id("CI/CD & DevOps"), "cicd-devops");
        assert_eq!(heading_id("  snake_case -- name "), "snake-case-name");
        assert_eq!(heading_id("¿?"), "section");
    }

    #[test]
    fn scan_finds_headings_links_and_spans() {
        let body = "## Tools\n\nSee [](skill:databases#indexes) and [x](page:faq).\n\n## Tools\n\n![d](diagram.png) [y](https://e.org) [z](#tools-1) [w](skil:x) [v](/skills/)\n";
        let s = scan(body, 100);
        let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["tools", "tools-1"]);
        assert_eq!(s.links.len(), 7);
        let first = &s.links[0];
        assert!(first.empty_text);
        assert_eq!(
            first.target,
            Target::Entity {
                kind: Kind::Skill,
                slug: "databases".into(),
                fragment: Some("indexes".into())
            }
        );
        assert_eq!(
            &body[first.span.start - 100..first.span.end - 100],
            "skill:databases#indexes"
        );
        assert!(!s.links[1].empty_text);
        assert_eq!(s.links[2].target, Target::Local("diagram.png".into()));
        assert!(s.links[2].image);
        assert_eq!(s.links[3].target, Target::External);
        assert_eq!(s.links[4].target, Target::Fragment("tools-1".into()));
        assert_eq!(s.links[5].target, Target::UnknownKind("skil".into()));
        assert_eq!(s.links[6].target, Target::RootAbsolute("/skills/".into()));
    }

    #[test]
    fn script_schemes_are_found_however_they_are_spelled() {
        for dest in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
        ] {
            assert_eq!(
                classify(dest),
                Target::Script("javascript".into()),
                "{dest:?}"
            );
        }
        assert_eq!(classify("VBScript:x"), Target::Script("vbscript".into()));
        assert_eq!(
            classify("data:image/png;base64,AAA"),
            Target::Data("image/png".into())
        );
        assert_eq!(
            classify("DATA:Text/HTML,<script>"),
            Target::Data("text/html".into())
        );
        assert_eq!(classify("data:,x"), Target::Data(String::new()));
        // Not a scheme: a path, and a scheme-like word after a slash.
        assert_eq!(
            classify("javascript.md"),
            Target::Local("javascript.md".into())
        );
        assert_eq!(
            classify("./javascript:x"),
            Target::Local("./javascript:x".into())
        );
        assert_eq!(classify("https://e.org/javascript:x"), Target::External);
    }

    #[test]
    fn custom_heading_ids_are_kept() {
        let s = scan("## Salaries {#pay}\n", 0);
        assert_eq!(s.headings[0].id, "pay");
        assert_eq!(s.headings[0].text, "Salaries");
    }
}
