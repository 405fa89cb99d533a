//! Build-time syntax highlighting with compact markup.
//!
//! syntect's own classed HTML nests a span for every scope on the stack
//! (about 50 bytes of HTML per byte of code). Readers only see a handful
//! of colours, so each run of text gets the one short class of the
//! innermost scope that has a colour (`TOKEN_CLASSES`), adjacent runs with
//! the same class are merged, and the light and dark theme CSS is generated
//! from the same table. The syntax set is loaded once, and only when a page
//! has a code block with a language tag.
//!
//! Highlighting is most of the cost of rendering bodies, and a pure
//! function of the language tag and the code, so a caller that renders the
//! same handbook again (`serve`) can keep its results.

use std::fmt::Write as _;
use std::sync::OnceLock;

use syntect::parsing::{BasicScopeStackOp, ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Scope prefix → (class, what it is, light colour, dark colour). The first
/// prefix that matches the innermost coloured scope wins, so more specific
/// prefixes come first.
const TOKEN_CLASSES: &[(&str, &str, &str, &str, &str)] = &[
    ("comment", "c", "comment", "#6a737d", "#8b949e"),
    (
        "string.regexp",
        "r",
        "regular expression",
        "#116329",
        "#7ee787",
    ),
    ("string", "s", "string", "#0a3069", "#a5d6ff"),
    (
        "constant.character.escape",
        "e",
        "escape",
        "#0550ae",
        "#79c0ff",
    ),
    ("constant.numeric", "n", "number", "#0550ae", "#79c0ff"),
    ("constant", "b", "built-in constant", "#0550ae", "#79c0ff"),
    ("keyword.operator", "o", "operator", "#cf222e", "#ff7b72"),
    ("keyword", "k", "keyword", "#cf222e", "#ff7b72"),
    ("storage.type", "k", "keyword", "#cf222e", "#ff7b72"),
    ("storage.modifier", "k", "keyword", "#cf222e", "#ff7b72"),
    (
        "entity.name.function",
        "f",
        "function",
        "#8250df",
        "#d2a8ff",
    ),
    ("support.function", "f", "function", "#8250df", "#d2a8ff"),
    ("variable.function", "f", "function", "#8250df", "#d2a8ff"),
    ("entity.name.tag", "t", "tag", "#116329", "#7ee787"),
    (
        "entity.other.attribute-name",
        "a",
        "attribute",
        "#0550ae",
        "#79c0ff",
    ),
    ("entity.name", "y", "type", "#953800", "#ffa657"),
    ("support.type", "y", "type", "#953800", "#ffa657"),
    ("support.class", "y", "type", "#953800", "#ffa657"),
    ("variable.parameter", "v", "parameter", "#953800", "#ffa657"),
    (
        "variable.language",
        "b",
        "built-in constant",
        "#0550ae",
        "#79c0ff",
    ),
    ("markup.heading", "k", "keyword", "#cf222e", "#ff7b72"),
    (
        "markup.inserted",
        "i",
        "inserted line",
        "#116329",
        "#7ee787",
    ),
    ("markup.deleted", "d", "deleted line", "#82071e", "#ffa198"),
];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Loads the syntax set ahead of time. The pipeline calls it on a
/// background thread when a page has code, so the load overlaps the
/// stages before rendering instead of holding up the first page.
pub fn warm_up() {
    syntaxes();
    prefixes();
}

fn prefixes() -> &'static [(Scope, &'static str)] {
    static TABLE: OnceLock<Vec<(Scope, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        TOKEN_CLASSES
            .iter()
            .filter_map(|(prefix, class, ..)| Scope::new(prefix).ok().map(|s| (s, *class)))
            .collect()
    })
}

/// The colour class of one scope, if any prefix in [`TOKEN_CLASSES`]
/// matches it.
fn class_for(scope: Scope) -> Option<&'static str> {
    prefixes()
        .iter()
        .find(|(p, _)| p.is_prefix_of(scope))
        .map(|(_, class)| *class)
}

/// Escapes text for HTML element content and attribute values. Copies
/// runs of plain text at once: this is on the path of every token of every
/// highlighted block.
pub fn escape(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// A fenced code block as HTML. Unknown languages (or a syntax that fails
/// to parse) come out as plain escaped text, never as an error.
pub fn code_block(lang: &str, code: &str) -> String {
    let lang = info_lang(lang);
    if !lang.is_empty()
        && let Some(syntax) = syntaxes().find_syntax_by_token(lang)
        && let Some(body) = highlight(syntax, code)
    {
        let mut out = String::with_capacity(body.len() + 64);
        out.push_str("<pre class=\"hl\" data-lang=\"");
        escape(&mut out, lang);
        out.push_str("\"><code>");
        out.push_str(&body);
        out.push_str("</code></pre>\n");
        return out;
    }
    code_block_plain(lang, code)
}

/// The language of a fence's info string (`rust,ignore` → `rust`).
fn info_lang(info: &str) -> &str {
    info.split([' ', ',', '{']).next().unwrap_or("").trim()
}

/// A code block escaped but not coloured, in `code_block`'s wrapper: for
/// a language it does not know, and for pages where colour is not worth
/// its cost (the print version).
pub fn code_block_plain(lang: &str, code: &str) -> String {
    let lang = info_lang(lang);
    let mut out = String::with_capacity(code.len() + code.len() / 8 + 64);
    out.push_str("<pre class=\"hl\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        escape(&mut out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    escape(&mut out, code);
    out.push_str("</code></pre>\n");
    out
}

fn highlight(syntax: &syntect::parsing::SyntaxReference, code: &str) -> Option<String> {
    let set = syntaxes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = String::with_capacity(code.len() * 3);
    let mut open: Option<&str> = None;
    // The class in effect at each depth of the scope stack: a pushed
    // scope's own class, or the one it inherits. Kept in step with the
    // stack through syntect's push/pop hook, so each operation costs one
    // lookup instead of a scan of the whole stack.
    let mut classes: Vec<Option<&'static str>> = Vec::with_capacity(16);
    let mut emit = |out: &mut String, text: &str, class: Option<&'static str>| {
        if text.is_empty() {
            return;
        }
        // Whitespace never needs a colour, so it joins whatever span is open.
        let class = if text.trim().is_empty() { open } else { class };
        if class != open {
            if open.is_some() {
                out.push_str("</span>");
            }
            if let Some(c) = class {
                let _ = write!(out, "<span class=\"{c}\">");
            }
            open = class;
        }
        escape(out, text);
    };
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, set).ok()?;
        let mut pos = 0;
        for (at, op) in ops {
            let at = at.min(line.len());
            if at > pos {
                emit(&mut out, &line[pos..at], classes.last().copied().flatten());
                pos = at;
            }
            stack
                .apply_with_hook(&op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => {
                        let inherited = classes.last().copied().flatten();
                        classes.push(class_for(scope).or(inherited));
                    }
                    BasicScopeStackOp::Pop => {
                        classes.pop();
                    }
                })
                .ok()?;
        }
        emit(&mut out, &line[pos..], classes.last().copied().flatten());
    }
    emit(&mut out, "", None);
    if open.is_some() {
        out.push_str("</span>");
    }
    Some(out)
}

/// The theme CSS for the token classes: light by default, dark when the
/// reader's system asks for it or the page sets `data-theme="dark"`.
pub fn theme_css() -> String {
    let mut seen = Vec::new();
    let mut light = String::new();
    let mut dark = String::new();
    for (_, class, what, l, d) in TOKEN_CLASSES {
        if seen.contains(class) {
            continue;
        }
        seen.push(class);
        let _ = writeln!(light, ".hl .{class} {{ color: {l}; }} /* {what} */");
        let _ = writeln!(dark, ".hl .{class} {{ color: {d}; }}");
    }
    let dark_root = dark.replace(".hl .", ":root[data-theme=\"dark\"] .hl .");
    let dark_media = dark
        .lines()
        .map(|l| format!("  :root:not([data-theme=\"light\"]) {l}\n"))
        .collect::<String>();
    format!(
        "/* Generated by roadbook: syntax colours for highlighted code. */\n.hl .c {{ font-style: italic; }}\n{light}@media (prefers-color-scheme: dark) {{\n{dark_media}}}\n{dark_root}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_short_classes() {
        let html = code_block("rust", "fn main() { let x = \"hi\"; } // done\n");
        assert!(
            html.starts_with("<pre class=\"hl\" data-lang=\"rust\"><code>"),
            "{html}"
        );
        // The space after `fn` joins the open span (see `highlight`).
        assert!(html.contains("<span class=\"k\">fn </span>"), "{html}");
        assert!(
            html.contains("<span class=\"s\">&quot;hi&quot;</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"c\">// done"), "{html}");
        assert!(!html.contains("source"), "no scope names leak: {html}");
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = code_block("no-such-lang", "<b>&</b>");
        assert_eq!(
            html,
            "<pre class=\"hl\" data-lang=\"no-such-lang\"><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>\n"
        );
        let html = code_block("", "x");
        assert_eq!(html, "<pre class=\"hl\"><code>x</code></pre>\n");
    }

    #[test]
    fn markup_is_compact() {
        let code = "def total(items):\n    return sum(i.price for i in items)  # sum\n".repeat(10);
        let html = code_block("python", &code);
        let ratio = html.len() as f64 / code.len() as f64;
        assert!(ratio < 8.0, "{ratio} bytes of HTML per byte of code");
    }

    #[test]
    fn escape_handles_every_special_character_and_unicode() {
        let mut out = String::new();
        escape(&mut out, "a<b>&\"é\"ü");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;é&quot;ü");
    }

    #[test]
    fn theme_css_covers_every_class() {
        let css = theme_css();
        for (_, class, ..) in TOKEN_CLASSES {
            assert!(css.contains(&format!(".hl .{class} {{")), "{class}");
        }
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
