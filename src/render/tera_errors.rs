//! Template errors as diagnostics as good as content errors: the
//! template's own path (`templates/page.html`, or the built-in one), one
//! `error:`, a did-you-mean for an unknown filter, function, test, field
//! or variable, and an unclosed `{% if %}` reported at the line that
//! opens it rather than at the `{% endblock %}` Tera stumbles on.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, did_you_mean};

/// Where a template's text came from, for error messages.
pub(super) struct TemplateSource {
    pub file: std::path::PathBuf,
    pub text: String,
}

/// Tera's filters, and roadbook's (`fill`).
const FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
    "fill",
];
/// Names other template languages give a filter, and Tera's.
const SYNONYMS: &[(&str, &str)] = &[
    ("upcase", "upper"),
    ("uppercase", "upper"),
    ("downcase", "lower"),
    ("lowercase", "lower"),
    ("len", "length"),
    ("size", "length"),
    ("count", "length"),
    ("strip", "trim"),
    ("e", "escape"),
    ("raw", "safe"),
];

/// Tera's tests (`{% if x is odd %}`).
const TESTS: &[&str] = &[
    "odd",
    "even",
    "string",
    "number",
    "map",
    "bool",
    "array",
    "integer",
    "float",
    "none",
    "iterable",
    "defined",
    "undefined",
    "divisible_by",
    "starting_with",
    "ending_with",
    "containing",
];
/// Tera's functions.
const FUNCTIONS: &[&str] = &["range", "throw", "super"];

/// Tags that open a block closed by `end<tag>`.
const OPENERS: &[&str] = &["if", "for", "block", "filter", "component", "macro", "raw"];

/// A diagnostic for any error Tera gives, placed in the template file.
pub(super) fn diagnostic(e: &tera::Error, sources: &HashMap<String, TemplateSource>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let syntax = matches!(e.kind(), tera::ErrorKind::SyntaxError(_));
            let src = sources.get(r.filename());
            if syntax
                && r.message() == "Unknown tag"
                && let Some(src) = src
                && let Some(d) = unclosed(src, r.span().range.start)
            {
                return d;
            }
            let what = if syntax { "template syntax error" } else { "template error" };
            // "… is not defined. Available fields: …": the list goes to
            // the help, as a did-you-mean when one is close.
            let first = r.message().split(". Available").next().unwrap_or("");
            let mut message = format!("{what}: {first}");
            let mut span = r.span().range.clone();
            let mut help = suggestion(r.message()).unwrap_or_else(|| {
                if syntax {
                    "Tera writes values as `{{ x }}`, tags as `{% if … %}…{% endif %}` and comments as `{# … #}`".to_string()
                } else {
                    "docs/templates.md lists every variable each template receives; test optional ones with `{% if x %}`".to_string()
                }
            });
            // Tera points at the first name of `page.no_such_field`; name
            // the whole path, so the report says which field is missing.
            if let Some(src) = src
                && (r.message().contains("undefined") || r.message().contains("not defined"))
                && let Some(rest) = src.text.get(span.start..)
            {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(rest.len());
                let path = rest[..end].trim_end_matches('.');
                if path.contains('.') {
                    message = format!("{what}: `{path}` is undefined ({first})");
                    span = span.start..span.start + path.len();
                }
            }
            if help.is_empty() {
                help = "see docs/templates.md".to_string();
            }
            match src {
                Some(src) => Diagnostic::error(&src.file, &src.text, span, message),
                None => Diagnostic::general(format!("{message} (in template `{}`)", r.filename())),
            }
            .with_help(help)
        }
        tera::ErrorKind::Msg(text) => reported(text, sources),
        other => Diagnostic::general(format!("template error: {other}"))
            .with_help("a handbook's templates/ folder overrides built-in templates by file name; see docs/templates.md"),
    }
}

/// A did-you-mean for Tera's "Unknown filter `x`" and "Field `x` is not
/// defined. Available fields: a, b".
fn suggestion(message: &str) -> Option<String> {
    let name = message.split('`').nth(1)?;
    let (known, kind): (Vec<&str>, &str) = if message.starts_with("Unknown filter") {
        (FILTERS.to_vec(), "filters")
    } else if message.starts_with("Unknown test") {
        (TESTS.to_vec(), "tests")
    } else if message.starts_with("Unknown function") {
        (FUNCTIONS.to_vec(), "functions")
    } else if let Some((_, list)) = message.split_once("Available fields: ") {
        (list.trim_end_matches('.').split(", ").collect(), "fields")
    } else if let Some((_, list)) = message.split_once("Available variables: ") {
        (
            list.trim_end_matches('.').split(", ").collect(),
            "variables",
        )
    } else {
        return None;
    };
    let synonym = SYNONYMS
        .iter()
        .find(|(other, _)| *other == name && kind == "filters")
        .map(|(_, s)| *s);
    Some(
        match synonym.or_else(|| did_you_mean(name, known.iter().copied())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the {kind} here are: {}", known.join(", ")),
        },
    )
}

/// Tera's validation errors (unknown filters, tests, functions) come as
/// one report already printed: `error: …\n --> name:line:col`. The first
/// is read back into a diagnostic of our own, in our form.
fn reported(text: &str, sources: &HashMap<String, TemplateSource>) -> Diagnostic {
    let general = || {
        Diagnostic::general(format!("template error: {}", text.trim_start_matches("error: ")))
            .with_help("a handbook's templates/ folder overrides built-in templates by file name; see docs/templates.md")
    };
    let mut lines = text.lines();
    let Some(message) = lines.next().and_then(|l| l.strip_prefix("error: ")) else {
        return general();
    };
    let Some(place) = lines
        .next()
        .and_then(|l| l.trim_start().strip_prefix("--> "))
    else {
        return general();
    };
    let mut parts = place.rsplitn(3, ':');
    let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return general();
    };
    let (Ok(line), Ok(col), Some(src)) = (
        line.parse::<usize>(),
        col.parse::<usize>(),
        sources.get(name),
    ) else {
        return general();
    };
    let start = offset(&src.text, line, col);
    let len = message.split('`').nth(1).map_or(1, |n| n.len());
    let help = suggestion(message).unwrap_or_else(|| "see docs/templates.md".to_string());
    Diagnostic::error(
        &src.file,
        &src.text,
        start..start + len,
        format!("template error: {message}"),
    )
    .with_help(help)
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, line: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let within = text[line_start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    line_start + within
}

/// When Tera meets an `{% end… %}` it did not expect, the block that is
/// really wrong is usually one opened before it and never closed: that
/// opening tag is reported, with the `end` tag it needs.
fn unclosed(src: &TemplateSource, at: usize) -> Option<Diagnostic> {
    let text = &src.text;
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut rest = 0;
    while let Some(i) = text[rest..].find("{%") {
        let start = rest + i;
        let end = text[start..]
            .find("%}")
            .map_or(text.len(), |e| start + e + 2);
        let inner = text[start + 2..end.saturating_sub(2).max(start + 2)]
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        let is_here = start <= at && at < end;
        if let Some(closes) = word.strip_prefix("end") {
            if is_here {
                let (tag, opened) = *open.last()?;
                if tag == closes {
                    return None;
                }
                let here = crate::diagnostic::Location::of(text, at..at + 1).line;
                return Some(
                    Diagnostic::error(
                        &src.file,
                        text,
                        opened..opened + 2,
                        format!("template syntax error: `{{% {tag} %}}` is never closed"),
                    )
                    .with_help(format!(
                        "add `{{% end{tag} %}}` where it ends, before the `{{% {word} %}}` on line {here}"
                    )),
                );
            }
            if open.last().is_some_and(|(t, _)| *t == closes) {
                open.pop();
            }
        } else if OPENERS.contains(&word) {
            // `{% set x = … %}` has no end; a block `{% set x %}` does not
            // occur in the theme's templates and is not tracked.
            open.push((word, start));
        }
        rest = end;
        if is_here {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_get_the_closest_known_one() {
        let s = |m: &str| suggestion(m).unwrap_or_default();
        assert_eq!(s("Unknown filter `upcase`"), "did you mean `upper`?");
        assert_eq!(s("Unknown filter `lenght`"), "did you mean `length`?");
        assert_eq!(s("Unknown test `od`"), "did you mean `odd`?");
        assert_eq!(s("Unknown function `rang`"), "did you mean `range`?");
        assert_eq!(
            s("Field `titel` is not defined. Available fields: body, title"),
            "did you mean `title`?"
        );
    }

    #[test]
    fn an_unclosed_block_is_reported_at_its_opening_tag() {
        let src = TemplateSource {
            file: "templates/page.html".into(),
            text: "{% block content %}\n{% for x in xs %}\n{% if x %}\n{{ x }}\n{% endfor %}\n{% endblock content %}\n".to_string(),
        };
        let at = src.text.find("endfor").unwrap_or(0);
        let d = unclosed(&src, at)
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(d.contains("`{% if %}` is never closed"), "{d}");
        assert!(d.contains("templates/page.html:3:1"), "{d}");
        assert!(d.contains("before the `{% endfor %}` on line 5"), "{d}");
    }
}
