//! "Did you mean" suggestions by edit distance, shared by every check that
//! names something unknown (keys, slugs, ids, headings).

/// The closest candidate to `wrong`, if one is close enough to be a likely
/// typo: within a third of the word's length in edits, or a prefix match.
pub fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (wrong.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|&(d, c)| d <= limit || (wrong.len() >= 3 && c.starts_with(wrong)))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let keys = ["title", "summary", "category", "difficulty"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("dificulty", keys), Some("difficulty"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(
            did_you_mean("databse", ["databases", "caching"]),
            Some("databases")
        );
    }
}
