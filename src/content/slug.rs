//! Slugs: the names in URLs and cross-references, derived from file names.

use std::fmt;

/// A validated slug: lowercase ASCII letters, digits and `-`, not empty.
/// Once a value has this type nothing downstream re-checks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Checks a candidate slug; on failure says which character is wrong.
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
            let shown = if c.is_whitespace() {
                "a space".to_string()
            } else {
                format!("`{c}`")
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

/// A suggested slug for a bad file name, for the help line.
pub fn suggest(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
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
}
