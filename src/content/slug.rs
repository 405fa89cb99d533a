//! Slugs: the names in URLs and cross-references, derived from file names.

use std::fmt;

/// A validated slug: lowercase ASCII letters, digits and `-`, not empty.
/// Once a value has this type nothing downstream re-checks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Checks a candidate slug; on failure says which character is wrong,
    /// in words that are safe to print (a file name may hold a line break
    /// or a terminal's escape byte).
    pub fn parse(s: &str) -> Result<Slug, String> {
        if s.is_empty() {
            return Err("is empty".to_string());
        }
        // Every bad character, once each in the order they appear, so one
        // rename fixes them all.
        let mut bad: Vec<String> = Vec::new();
        for c in s
            .chars()
            .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            let shown = match c {
                ' ' => "a space".to_string(),
                '\n' | '\r' => "a line break".to_string(),
                '\t' => "a tab".to_string(),
                c if c.is_control() || c.is_whitespace() => {
                    format!("the invisible character U+{:04X}", u32::from(c))
                }
                c => format!("`{c}`"),
            };
            if !bad.contains(&shown) {
                bad.push(shown);
            }
        }
        if let Some((last, rest)) = bad.split_last() {
            let listed = if rest.is_empty() {
                last.clone()
            } else {
                format!("{} and {last}", rest.join(", "))
            };
            return Err(format!("contains {listed}"));
        }
        // `-` and `01-` would make URLs like `/skills/-/`, and a trailing
        // `-` is most often a word lost from the name.
        if s.starts_with('-') {
            return Err("starts with `-`".to_string());
        }
        if s.ends_with('-') {
            return Err("ends with `-`".to_string());
        }
        Ok(Slug(s.to_string()))
    }

    /// The slug a Markdown file name gives: without `.md` and without a
    /// leading `NN-` ordering prefix (`03-apis.md` → `apis`).
    pub fn from_file_name(name: &str) -> Result<Slug, String> {
        let stem = name.strip_suffix(".md").unwrap_or(name);
        Slug::parse(strip_order_prefix(stem))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `03-apis` → `apis`; a name that is only digits keeps them.
pub fn strip_order_prefix(stem: &str) -> &str {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && stem.as_bytes().get(digits) == Some(&b'-') && stem.len() > digits + 1 {
        &stem[digits + 1..]
    } else {
        stem
    }
}

/// A suggested slug for a bad file name, for the help line: letters with
/// accents lose them (`ünïcode` → `unicode`), anything else that is not a
/// letter or digit becomes one `-`.
pub fn suggest(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(plain) = unaccented(c) {
            out.push_str(plain);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The ASCII spelling of a lowercase Latin letter with a diacritic (the
/// Latin-1 and Latin Extended-A letters European names are written with).
fn unaccented(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("æ", "ae"),
        ("çćĉċč", "c"),
        ("ďđð", "d"),
        ("èéêëēĕėęě", "e"),
        ("ĝğġģ", "g"),
        ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"),
        ("ĳ", "ij"),
        ("ĵ", "j"),
        ("ķĸ", "k"),
        ("ĺļľŀł", "l"),
        ("ñńņňŉŋ", "n"),
        ("òóôõöøōŏő", "o"),
        ("œ", "oe"),
        ("ŕŗř", "r"),
        ("śŝşšſ", "s"),
        ("ß", "ss"),
        ("ţťŧ", "t"),
        ("þ", "th"),
        ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"),
        ("ýÿŷ", "y"),
        ("źżž", "z"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, plain)| *plain)
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_stripped() {
        assert_eq!(
            Slug::from_file_name("03-apis.md").map(|s| s.0),
            Ok("apis".into())
        );
        assert_eq!(
            Slug::from_file_name("2024.md").map(|s| s.0),
            Ok("2024".into())
        );
        assert_eq!(
            Slug::from_file_name("web3.md").map(|s| s.0),
            Ok("web3".into())
        );
    }

    #[test]
    fn bad_characters_are_named() {
        assert_eq!(Slug::parse("Data"), Err("contains `D`".into()));
        assert_eq!(Slug::parse("a b"), Err("contains a space".into()));
        assert_eq!(Slug::parse("a_b"), Err("contains `_`".into()));
        assert_eq!(
            Slug::parse("Data_Base x_y"),
            Err("contains `D`, `_`, `B` and a space".into())
        );
        assert_eq!(suggest("My Skill_2"), "my-skill-2");
    }

    #[test]
    fn invisible_characters_are_named_not_printed() {
        assert_eq!(Slug::parse("a\nb"), Err("contains a line break".into()));
        assert_eq!(
            Slug::parse("a\u{1b}[31mb"),
            Err("contains the invisible character U+001B and `[`".into())
        );
        assert_eq!(
            Slug::parse("a\tb c"),
            Err("contains a tab and a space".into())
        );
    }

    #[test]
    fn a_slug_neither_starts_nor_ends_with_a_dash() {
        assert_eq!(Slug::parse("-"), Err("starts with `-`".into()));
        assert_eq!(
            Slug::from_file_name("01-.md").map(|s| s.0),
            Err("ends with `-`".into())
        );
        assert_eq!(Slug::parse("-x"), Err("starts with `-`".into()));
        assert_eq!(Slug::parse("a-b").map(|s| s.0), Ok("a-b".into()));
    }

    #[test]
    fn accents_are_dropped_from_suggestions() {
        assert_eq!(suggest("ünïcode-skïll"), "unicode-skill");
        assert_eq!(suggest("Ærøskøbing Straße"), "aeroskobing-strasse");
        assert_eq!(suggest("数据库"), "");
    }
}
