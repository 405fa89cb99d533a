//! Typed reading of TOML tables with every error collected and placed.
//!
//! `handbook.toml` and front matter are both read through [`Reader`]: the
//! document is parsed once into toml's spanned tree, then each field is
//! taken with the type it must have. Unlike serde derive, which stops at a
//! file's first problem, this reports every unknown key (with a "did you
//! mean"), every wrong type and every missing key of a file in one run,
//! each pointing at the exact value.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

/// A TOML table with the span of the whole table (used to point at where a
/// missing key belongs).
pub struct Table<'d, 'i> {
    pub inner: &'d DeTable<'i>,
    pub span: Range<usize>,
}

/// Reads fields from one document and collects its problems.
pub struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    /// Offset of the TOML inside `text` (front matter follows `+++`).
    base: usize,
    /// Where a key missing from the top-level table should point: the
    /// opening `+++` line of front matter.
    anchor: Option<Range<usize>>,
    /// Keys that an unknown key of a table was taken for (table start,
    /// key): a typo is reported once, as the typo, not again as a missing
    /// required key.
    suggested: Vec<(usize, String)>,
    pub diags: Diagnostics,
}

/// A value with its byte range in the file.
pub type At<T> = Spanned<T>;

/// The author's own data from an `[extra]` table: any TOML, kept as JSON
/// for templates (`extra`) and `handbook.json`. Shared, because every
/// card and page of an entity shows the same table.
pub type Extra = Arc<serde_json::Map<String, serde_json::Value>>;

/// The key under which front matter and handbook.toml hold [`Extra`].
pub const EXTRA: &str = "extra";

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path, text: &'a str, base: usize) -> Self {
        Reader {
            file,
            text,
            base,
            anchor: None,
            suggested: Vec::new(),
            diags: Diagnostics::new(),
        }
    }

    /// Sets the file span that errors about the top-level table point at.
    pub fn with_anchor(mut self, anchor: Range<usize>) -> Self {
        self.anchor = Some(anchor);
        self
    }

    /// Parses `toml` (which starts at `base` in the file). Syntax errors are
    /// recorded; `None` means nothing can be read from it.
    pub fn parse<'i>(&mut self, toml: &'i str) -> Option<Spanned<DeTable<'i>>> {
        let (table, errors) = DeTable::parse_recoverable(toml);
        if errors.is_empty() {
            return Some(table);
        }
        // Front matter has an anchor (its `+++` line); handbook.toml not.
        let help = if self.anchor.is_some() {
            "front matter is TOML: `key = \"text\"`, `key = 3`, `key = [\"a\", \"b\"]`; strings need double quotes"
        } else {
            "this file is TOML: `key = \"text\"`, `key = 3`, `key = [\"a\", \"b\"]`, each `[table]` or `[[list]]` header on a line of its own; strings need double quotes"
        };
        for e in errors {
            // toml says where every error is but this one.
            let span = match e.span() {
                Some(span) => span,
                None if e.message().contains("recursion limit") => deepest_line(toml),
                None => 0..0,
            };
            let message = e.message().trim_end().trim_end_matches('.').to_string();
            self.at_toml(span, format!("invalid TOML: {message}"))
                .with_help(help);
        }
        None
    }

    /// Span of a byte range of the TOML, shifted to a range of the file.
    pub fn file_span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.base..span.end + self.base
    }

    /// Records an error at a span of the TOML text.
    fn at_toml(&mut self, span: Range<usize>, message: impl Into<String>) -> HelpSlot<'_> {
        let span = self.file_span(span);
        self.error(span, message)
    }

    /// Records an error at a span of the file (as carried by [`At`] values)
    /// and returns a slot for its help line.
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> HelpSlot<'_> {
        self.diags
            .push(Diagnostic::error(self.file, self.text, span, message));
        HelpSlot(&mut self.diags)
    }

    /// Reports every key of `table` that is not in `known`, with the
    /// closest known key as a hint. `what` names the table in messages.
    pub fn check_keys(&mut self, table: &Table<'_, '_>, known: &[&str], what: &str) {
        for (key, _) in table.inner.iter() {
            let name: &str = key.get_ref();
            if known.contains(&name) {
                continue;
            }
            let help = match did_you_mean(name, known.iter().copied()) {
                Some(s) => {
                    self.suggested.push((table.span.start, s.to_string()));
                    format!("did you mean `{s}`?")
                }
                None if known.contains(&EXTRA) => format!(
                    "the keys of {what} are: {}; a field of your own goes in the `[extra]` table, where templates read it as `extra.{name}`",
                    list(known)
                ),
                None => format!("the keys of {what} are: {}", list(known)),
            };
            self.at_toml(key.span(), format!("unknown key `{name}` in {what}"))
                .with_help(help);
        }
    }

    fn get<'d, 'i>(&self, table: &Table<'d, 'i>, key: &str) -> Option<&'d Spanned<DeValue<'i>>> {
        table.inner.get(key)
    }

    fn missing(&mut self, table: &Table<'_, '_>, key: &str, what: &str, example: &str) {
        if self
            .suggested
            .iter()
            .any(|(t, k)| *t == table.span.start && k == key)
        {
            return; // the unknown key's "did you mean" already says it
        }
        let message = format!("missing required key `{key}` in {what}");
        let help = format!("add `{key} = {example}`");
        match (&self.anchor, table.span.is_empty()) {
            (Some(anchor), true) => {
                let anchor = anchor.clone();
                self.error(anchor, message)
                    .with_help(format!("{help} between the `+++` lines"));
            }
            _ => {
                let start = table.span.start;
                self.at_toml(start..start + 1, message).with_help(help);
            }
        }
    }

    /// A value of the wrong type; the caller adds the help line, which
    /// shows the value written the right way.
    fn wrong_type(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
    ) -> HelpSlot<'_> {
        let found = value.get_ref().type_str();
        self.at_toml(
            value.span(),
            format!("`{key}` must be {expected}, found {}", article(found)),
        )
    }

    /// A string; `required` records a missing-key error when absent.
    pub fn string(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        required: Option<&str>,
    ) -> Option<At<String>> {
        let Some(v) = self.get(t, key) else {
            if let Some(what) = required {
                self.missing(t, key, what, "\"...\"");
            }
            return None;
        };
        match v.get_ref().as_str() {
            Some(s) => {
                if required.is_some() && s.trim().is_empty() {
                    self.at_toml(v.span(), format!("`{key}` must not be empty"));
                    return None;
                }
                Some(Spanned::new(self.file_span(v.span()), s.to_string()))
            }
            None => {
                self.wrong_type(v, key, "a string")
                    .with_help(format!("write it in double quotes: `{key} = \"...\"`"));
                None
            }
        }
    }

    /// A string that must be one of `allowed`; returns its index.
    pub fn choice(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        allowed: &[&str],
        required: Option<&str>,
    ) -> Option<At<usize>> {
        let s = self.string(t, key, required)?;
        self.check_choice(s, &format!("`{key}`"), allowed)
    }

    /// Every entry of a table whose keys are data (a role's `skills`), with
    /// each value read as one of `allowed`. `what` names a value in
    /// messages: "the {what} of `key` cannot be ...".
    pub fn choice_map(
        &mut self,
        t: &Table<'_, '_>,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(At<String>, usize)> {
        let mut out = Vec::new();
        for (key, value) in t.inner.iter() {
            let name = Spanned::new(self.file_span(key.span()), key.get_ref().to_string());
            match value.get_ref().as_str() {
                Some(s) => {
                    let v = Spanned::new(self.file_span(value.span()), s.to_string());
                    let subject = format!("the {what} of `{}`", name.get_ref());
                    if let Some(i) = self.check_choice(v, &subject, allowed) {
                        out.push((name, *i.get_ref()));
                    }
                }
                None => self
                    .wrong_type(value, name.get_ref(), "a string")
                    .with_help(format!(
                        "write the {what} in double quotes; the allowed values are {}",
                        quoted(allowed)
                    )),
            }
        }
        out
    }

    /// `subject` is how the message names the value: "`difficulty`".
    fn check_choice(
        &mut self,
        s: At<String>,
        subject: &str,
        allowed: &[&str],
    ) -> Option<At<usize>> {
        match allowed.iter().position(|a| *a == s.get_ref()) {
            Some(i) => Some(Spanned::new(s.span(), i)),
            None => {
                let help = match did_you_mean(s.get_ref(), allowed.iter().copied()) {
                    Some(close) => format!(
                        "did you mean \"{close}\"? The allowed values are {}",
                        quoted(allowed)
                    ),
                    None => format!("the allowed values are {}", quoted(allowed)),
                };
                self.error(s.span(), format!("{subject} cannot be \"{}\"", s.get_ref()))
                    .with_help(help);
                None
            }
        }
    }

    /// An integer within `range` (inclusive).
    pub fn int(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        range: (i64, i64),
        required: Option<&str>,
    ) -> Option<At<i64>> {
        let Some(v) = self.get(t, key) else {
            if let Some(what) = required {
                self.missing(t, key, what, &range.0.max(1).to_string());
            }
            return None;
        };
        let parsed = v
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
        match parsed {
            Some(n) if n >= range.0 && n <= range.1 => {
                Some(Spanned::new(self.file_span(v.span()), n))
            }
            Some(n) => {
                self.at_toml(
                    v.span(),
                    format!(
                        "`{key}` must be between {} and {}, found {n}",
                        range.0, range.1
                    ),
                );
                None
            }
            None => {
                self.wrong_type(v, key, "a whole number").with_help(format!(
                    "write a number between {} and {} without quotes: `{key} = {}`",
                    range.0,
                    range.1,
                    range.0.max(1).min(range.1)
                ));
                None
            }
        }
    }

    /// A non-negative number, integer or fractional (durations like 1.5).
    pub fn number(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        required: Option<&str>,
    ) -> Option<At<f64>> {
        let Some(v) = self.get(t, key) else {
            if let Some(what) = required {
                self.missing(t, key, what, "1");
            }
            return None;
        };
        let value = v.get_ref();
        let parsed = if let Some(i) = value.as_integer() {
            i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64)
        } else if let Some(f) = value.as_float() {
            f.as_str().replace('_', "").parse::<f64>().ok()
        } else {
            None
        };
        match parsed {
            Some(n) if n.is_finite() && n >= 0.0 => Some(Spanned::new(self.file_span(v.span()), n)),
            Some(_) => {
                self.at_toml(
                    v.span(),
                    format!("`{key}` must be a number of zero or more"),
                );
                None
            }
            None => {
                self.wrong_type(v, key, "a number")
                    .with_help(format!("write a number without quotes: `{key} = 1.5`"));
                None
            }
        }
    }

    pub fn bool(&mut self, t: &Table<'_, '_>, key: &str) -> Option<At<bool>> {
        let v = self.get(t, key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(Spanned::new(self.file_span(v.span()), b)),
            None => {
                self.wrong_type(v, key, "`true` or `false`")
                    .with_help(format!(
                        "write `{key} = true` or `{key} = false`, without quotes"
                    ));
                None
            }
        }
    }

    /// A list of strings; items of the wrong type are reported one by one.
    pub fn strings(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        required: Option<&str>,
    ) -> Option<Vec<At<String>>> {
        let Some(v) = self.get(t, key) else {
            if let Some(what) = required {
                self.missing(t, key, what, "[\"...\"]");
            }
            return None;
        };
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(v, key, "a list of strings")
                .with_help(format!(
                    "write a list in square brackets: `{key} = [\"...\"]`"
                ));
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push(Spanned::new(self.file_span(item.span()), s.to_string())),
                None => {
                    let found = item.get_ref().type_str();
                    self.at_toml(
                        item.span(),
                        format!("items of `{key}` must be strings, found {}", article(found)),
                    );
                }
            }
        }
        Some(out)
    }

    /// An inline or standard sub-table.
    pub fn table<'d, 'i>(&mut self, t: &Table<'d, 'i>, key: &str) -> Option<Table<'d, 'i>> {
        let v = self.get(t, key)?;
        match v.get_ref().as_table() {
            Some(inner) => Some(Table {
                inner,
                span: v.span(),
            }),
            None => {
                self.wrong_type(v, key, "a table").with_help(format!(
                    "write it as a `[{key}]` section of `name = value` lines"
                ));
                None
            }
        }
    }

    /// The `[extra]` table, any TOML in it (empty when absent).
    pub fn extra(&mut self, t: &Table<'_, '_>) -> Extra {
        match self.table(t, EXTRA) {
            Some(e) => Arc::new(json_table(e.inner)),
            None => Extra::default(),
        }
    }

    /// An array of tables (`[[key]]` or `key = [{...}, {...}]`).
    pub fn tables<'d, 'i>(&mut self, t: &Table<'d, 'i>, key: &str) -> Vec<Table<'d, 'i>> {
        let Some(v) = self.get(t, key) else {
            return Vec::new();
        };
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(v, key, "an array of tables")
                .with_help(format!("write each item as a `[[{key}]]` section"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_table() {
                Some(inner) => out.push(Table {
                    inner,
                    span: item.span(),
                }),
                None => {
                    let found = item.get_ref().type_str();
                    self.at_toml(
                        item.span(),
                        format!("items of `{key}` must be tables, found {}", article(found)),
                    );
                }
            }
        }
        out
    }

    /// The file span of a key's value, for errors found after reading.
    pub fn span_of(&self, t: &Table<'_, '_>, key: &str) -> Option<Range<usize>> {
        self.get(t, key).map(|v| self.file_span(v.span()))
    }

    /// The file span where a table starts, for errors about the table.
    pub fn table_span(&self, t: &Table<'_, '_>) -> Range<usize> {
        self.file_span(t.span.start..t.span.start + 1)
    }
}

/// Lets a caller add a help line to the error just recorded.
pub struct HelpSlot<'d>(&'d mut Diagnostics);

impl HelpSlot<'_> {
    pub fn with_help(self, help: impl Into<String>) {
        self.0.set_last_help(help.into());
    }
}

impl Diagnostics {
    fn set_last_help(&mut self, help: String) {
        if let Some(last) = self.last_mut() {
            last.help = Some(help);
        }
    }
}

fn json_table(t: &DeTable<'_>) -> serde_json::Map<String, serde_json::Value> {
    t.iter()
        .map(|(k, v)| (k.get_ref().to_string(), json_value(v.get_ref())))
        .collect()
}

/// A TOML value as JSON: dates become their TOML text, a float that JSON
/// cannot hold (`nan`, `inf`) becomes `null`.
fn json_value(v: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value;
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map_or(Value::Null, Value::from),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(a) => Value::Array(a.iter().map(|x| json_value(x.get_ref())).collect()),
        DeValue::Table(t) => Value::Object(json_table(t)),
    }
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The line where `toml` nests deepest (dotted keys, tables, arrays),
/// for the "recursion limit" error, which toml reports without a place.
/// Strings are skipped roughly (escaped quotes are not), enough to find
/// the line an author has to shorten.
fn deepest_line(toml: &str) -> Range<usize> {
    let mut depth = 0i64;
    let mut best = (0i64, 0..0);
    let mut pos = 0;
    for line in toml.split_inclusive('\n') {
        let (mut deepest, mut dots) = (depth, 0);
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                (None, ']' | '}') => depth -= 1,
                (None, '.') => dots += 1,
                (None, '#') => break,
                _ => {}
            }
        }
        if deepest + dots > best.0 {
            best = (deepest + dots, pos..pos + line.trim_end().len());
        }
        pos += line.len();
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml: &str) -> Diagnostics {
        let path = Path::new("t.toml");
        let mut r = Reader::new(path, toml, 0);
        if let Some(doc) = r.parse(toml) {
            let t = Table {
                inner: doc.get_ref(),
                span: 0..0,
            };
            r.check_keys(&t, &["title", "level", "tags"], "a test");
            r.string(&t, "title", Some("a test"));
            r.int(&t, "level", (1, 9), Some("a test"));
            r.strings(&t, "tags", None);
        }
        r.diags
    }

    #[test]
    fn a_document_nested_too_deep_is_placed_at_its_deepest_line() {
        let deep = vec!["a"; 200].join(".");
        let toml = format!("title = \"x\"\nlevel = 1\ntags = [\"[.]\"]\n\n[{deep}]\nx = 1\n");
        let text = read(&toml).render();
        assert!(text.contains("recursion limit"), "{text}");
        assert!(text.contains("--> t.toml:5:1"), "{text}");
        let arrays = format!(
            "title = \"x\"\ntags = {}{}\n",
            "[".repeat(300),
            "]".repeat(300)
        );
        let text = read(&arrays).render();
        assert!(text.contains("--> t.toml:2:"), "{text}");
    }

    #[test]
    fn every_problem_of_a_document_is_reported() {
        let d = read("titel = \"x\"\nlevel = 12\ntags = [\"a\", 3]\n");
        let text = d.render();
        assert!(text.contains("unknown key `titel`"), "{text}");
        assert!(text.contains("did you mean `title`?"), "{text}");
        // The typo explains the missing `title`; it is not reported twice.
        assert!(!text.contains("missing required key `title`"), "{text}");
        assert!(
            text.contains("`level` must be between 1 and 9, found 12"),
            "{text}"
        );
        assert!(
            text.contains("items of `tags` must be strings, found an integer"),
            "{text}"
        );
        assert_eq!(d.error_count(), 3);
    }

    #[test]
    fn a_typo_of_a_required_key_is_reported_once() {
        let d = read("titel = \"x\"\nlevel = 3\n");
        assert_eq!(d.error_count(), 1, "{}", d.render());
        assert!(d.render().contains("did you mean `title`?"));
    }

    #[test]
    fn extra_holds_any_toml_as_json() {
        let toml = "[extra]\nhours = 40\nrate = 1.5\nsince = 2024-01-02\ntags = [\"a\"]\nteam = { lead = \"x\" }\n";
        let mut r = Reader::new(Path::new("t.toml"), toml, 0);
        let doc = r.parse(toml).unwrap();
        let t = Table {
            inner: doc.get_ref(),
            span: 0..0,
        };
        let extra = r.extra(&t);
        assert_eq!(
            serde_json::Value::Object((*extra).clone()),
            serde_json::json!({"hours": 40, "rate": 1.5, "since": "2024-01-02", "tags": ["a"], "team": {"lead": "x"}})
        );
        assert!(r.diags.is_empty());
    }

    #[test]
    fn an_unknown_key_without_a_close_match_points_to_extra() {
        let toml = "hours = 40\n";
        let mut r = Reader::new(Path::new("t.toml"), toml, 0);
        let doc = r.parse(toml).unwrap();
        let t = Table {
            inner: doc.get_ref(),
            span: 0..0,
        };
        r.check_keys(&t, &["title", EXTRA], "a test");
        let text = r.diags.render();
        assert!(text.contains("goes in the `[extra]` table"), "{text}");
        assert!(text.contains("`extra.hours`"), "{text}");
    }

    #[test]
    fn syntax_errors_point_into_the_document() {
        // The string opened on line 1 is cut by its line break.
        let d = read("title = \"x\nlevel = 1\n");
        assert_eq!(d.error_count(), 1, "{}", d.render());
        let e = d.iter().next().unwrap();
        assert!(e.message.starts_with("invalid TOML"), "{}", e.message);
        let loc = e.location.as_ref().unwrap();
        assert_eq!(
            (loc.line, loc.column, loc.line_text.as_str()),
            (1, 11, "title = \"x")
        );
    }
}
