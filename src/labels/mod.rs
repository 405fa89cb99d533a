//! Labels: every text the built-in theme shows, by key, in the handbook's
//! language.
//!
//! `language` in handbook.toml picks a shipped table (`en`, `hi`);
//! `[labels]` there replaces single labels. A label the chosen table lacks
//! falls back to English, one label at a time, and the build warns with
//! their names ([`Labels::missing`]). Wording that belongs to a field of
//! one handbook ("Impact on backend work") is the handbook's `[labels]`,
//! never the theme's.
//!
//! A label may hold `{name}` slots, filled by [`fill`] (the `fill` filter
//! in templates, the same rule in the theme's JavaScript), and a singular
//! and a plural form split by `|`, chosen by the slot `n`.

mod en;
mod hi;

use std::collections::BTreeMap;
use std::sync::Arc;

/// The shipped tables, by language code.
const TABLES: &[(&str, &[(&str, &str)])] = &[("en", en::LABELS), ("hi", hi::LABELS)];

/// Every label key, with its English text.
pub fn keys() -> impl Iterator<Item = &'static str> {
    en::LABELS.iter().map(|(k, _)| *k)
}

/// The English text of `key`.
pub fn english(key: &str) -> Option<&'static str> {
    en::LABELS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The shipped table for `language` (`hi`, or `hi-IN` by its first part).
fn table(language: &str) -> Option<&'static [(&'static str, &'static str)]> {
    TABLES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary(language)))
        .map(|(_, t)| *t)
}

/// `hi` of `hi-IN`.
fn primary(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or("")
}

/// The labels of one handbook: its language's table, English where that
/// lacks a label, the handbook's `[labels]` over both.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Labels {
    map: Arc<BTreeMap<&'static str, String>>,
    #[serde(skip)]
    language: String,
    /// Labels shown in English because neither the language's table nor
    /// `[labels]` has them.
    #[serde(skip)]
    pub missing: Vec<&'static str>,
}

impl Default for Labels {
    fn default() -> Self {
        Labels::new("en", &[])
    }
}

impl Labels {
    /// `overrides` are `[labels]` entries whose keys are known labels.
    pub fn new(language: &str, overrides: &[(&'static str, String)]) -> Labels {
        let chosen = table(language).unwrap_or(&[]);
        let mut map = BTreeMap::new();
        let mut missing = Vec::new();
        for (key, english) in en::LABELS {
            let text = overrides
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    chosen
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| (*v).to_string())
                });
            let text = text.unwrap_or_else(|| {
                missing.push(*key);
                (*english).to_string()
            });
            map.insert(*key, text);
        }
        Labels {
            map: Arc::new(map),
            language: language.to_string(),
            missing,
        }
    }

    /// The text of `key` (empty for a key no table has: a theme bug, which
    /// a test over every built-in template catches).
    pub fn get(&self, key: &str) -> &str {
        self.map.get(key).map_or("", String::as_str)
    }

    /// `key`'s text with its slots filled ([`fill`]).
    pub fn fill(&self, key: &str, slots: &[(&str, &str)]) -> String {
        fill(self.get(key), slots)
    }

    /// Whether the language groups digits the Indian way (1,00,000).
    fn indian_grouping(&self) -> bool {
        primary(&self.language).eq_ignore_ascii_case("hi")
    }

    /// A whole number with the language's digit grouping: `12,345`, and
    /// in Hindi `1,23,456`.
    pub fn number(&self, n: u64) -> String {
        group(n, self.indian_grouping())
    }

    /// A date as the language writes it: `20 November 2026`.
    pub fn date(&self, year: i64, month: u32, day: u32) -> String {
        let months: Vec<&str> = self.get("month_names").split(',').map(str::trim).collect();
        let name = months
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("");
        fill(
            self.get("date"),
            &[
                ("day", &day.to_string()),
                ("month", name),
                ("year", &year.to_string()),
            ],
        )
    }
}

/// Fills `{name}` slots of `text` from `slots`; a text of two forms split
/// by `|` gives the first when the slot `n` is `1`, else the second.
pub fn fill(text: &str, slots: &[(&str, &str)]) -> String {
    let text = match text.split_once('|') {
        Some((one, many)) => {
            let n = slots.iter().find(|(k, _)| *k == "n").map(|(_, v)| *v);
            if n == Some("1") { one } else { many }
        }
        None => text,
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if slots.iter().any(|(k, _)| *k == &after[..close]) => {
                let name = &after[..close];
                if let Some((_, v)) = slots.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Digits in threes (`12,345`), or in the Indian way: the last three, then
/// pairs (`1,23,456`).
pub fn group(n: u64, indian: bool) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let size = if indian { 2 } else { 3 };
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > size {
        let (a, b) = rest.split_at(rest.len() - size);
        groups.push(b);
        rest = a;
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{tail}", groups.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_table_has_only_known_keys_and_no_duplicates() {
        for (code, t) in TABLES {
            let mut seen = std::collections::HashSet::new();
            for (k, _) in *t {
                assert!(english(k).is_some(), "{code}: unknown label {k}");
                assert!(seen.insert(*k), "{code}: {k} twice");
            }
        }
    }

    #[test]
    fn hindi_has_every_label() {
        let l = Labels::new("hi", &[]);
        assert!(l.missing.is_empty(), "{:?}", l.missing);
    }

    #[test]
    fn an_unknown_language_falls_back_to_english_label_by_label() {
        let l = Labels::new("fr", &[("skills", "Compétences".to_string())]);
        assert_eq!(l.get("skills"), "Compétences");
        assert_eq!(l.get("roles"), "Roles");
        assert!(l.missing.contains(&"roles"));
        assert!(!l.missing.contains(&"skills"));
    }

    #[test]
    fn slots_and_plural_forms_are_filled() {
        assert_eq!(fill("{n} skill|{n} skills", &[("n", "1")]), "1 skill");
        assert_eq!(fill("{n} skill|{n} skills", &[("n", "3")]), "3 skills");
        assert_eq!(
            fill("{a} vs {b} {c}", &[("a", "x"), ("b", "y")]),
            "x vs y {c}"
        );
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        assert_eq!(Labels::new("en", &[]).number(123_456), "123,456");
        assert_eq!(Labels::new("hi", &[]).number(123_456), "1,23,456");
        assert_eq!(
            Labels::new("en", &[]).date(2026, 11, 20),
            "20 November 2026"
        );
        assert_eq!(Labels::new("hi", &[]).date(2026, 11, 20), "20 नवंबर 2026");
    }
}
