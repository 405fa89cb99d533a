//! The files that point search engines and feed readers at the site:
//! `sitemap.xml`, `robots.txt` and an Atom feed (`atom.xml`) of the pages
//! by their last change. URLs in them are absolute, from `base_url`.
//!
//! They must be as deterministic as the pages: entries are sorted, and
//! dates come from git history, never from the clock. Without history the
//! sitemap leaves `<lastmod>` out and the feed lists pages by URL with the
//! Unix epoch as their date (Atom requires one), so two builds of the same
//! input stay byte-identical.

use crate::config::Config;
use crate::git::Timestamp;

/// One page as the sitemap and feed see it, borrowing its title and
/// summary from the site rather than copying them.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Site-root-relative (`skills/databases/`, `` for home).
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub updated: Option<Timestamp>,
    /// Written pages (skills, roles, phases, free pages, home) go in the
    /// feed; generated overviews only in the sitemap.
    pub in_feed: bool,
}

/// The most entries the feed carries: the newest changes are what a
/// reader polls for, and the sitemap lists everything.
pub const FEED_LIMIT: usize = 50;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`xml_escape`], onto the end of `out`.
fn escape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&apos;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

fn absolute(config: &Config, url: &str) -> String {
    format!("{}/{url}", config.base_url)
}

/// `sitemap.xml`: every indexable page, sorted by URL.
pub fn sitemap(config: &Config, entries: &[Entry<'_>]) -> String {
    let mut sorted: Vec<&Entry<'_>> = entries.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    sorted.dedup_by(|a, b| a.url == b.url);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // Written in place, with nothing made per URL but its date.
    out.reserve(sorted.len() * (config.base_url.len() + 80));
    for e in sorted {
        out.push_str("  <url><loc>");
        escape_into(&mut out, &config.base_url);
        out.push('/');
        escape_into(&mut out, &e.url);
        out.push_str("</loc>");
        if let Some(t) = e.updated {
            out.push_str("<lastmod>");
            out.push_str(&t.rfc3339());
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: everything may be crawled; names the sitemap.
///
/// Crawlers read `robots.txt` only at the root of a host, so on a project
/// site (`user.github.io/repo/`) this file is informative; it takes effect
/// with a custom domain or a user site.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        absolute(config, "sitemap.xml")
    )
}

/// `atom.xml`: the written pages, most recently changed first (ties and
/// undated pages by URL), at most [`FEED_LIMIT`].
pub fn atom(config: &Config, entries: &[Entry<'_>], generator: &str) -> String {
    let mut items: Vec<&Entry<'_>> = entries.iter().filter(|e| e.in_feed).collect();
    items.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.url.cmp(&b.url)));
    items.dedup_by(|a, b| a.url == b.url);
    items.truncate(FEED_LIMIT);
    let epoch = Timestamp::default();
    let newest = items
        .iter()
        .filter_map(|e| e.updated)
        .max()
        .unwrap_or(epoch);
    let home = absolute(config, "");
    let x = xml_escape;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        x(&config.language)
    ));
    out.push_str(&format!("  <title>{}</title>\n", x(&config.title)));
    out.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        x(&config.description)
    ));
    out.push_str(&format!("  <id>{}</id>\n", x(&home)));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        x(&home)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        x(&absolute(config, "atom.xml"))
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", newest.rfc3339()));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        x(&config.title)
    ));
    out.push_str(&format!("  <generator>{}</generator>\n", x(generator)));
    for e in items {
        let url = absolute(config, &e.url);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", x(e.title)));
        out.push_str(&format!("    <link href=\"{}\"/>\n", x(&url)));
        out.push_str(&format!("    <id>{}</id>\n", x(&url)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            e.updated.unwrap_or(epoch).rfc3339()
        ));
        if let Some(s) = e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", x(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        crate::config::parse(
            std::path::Path::new("."),
            "title = \"T & Co\"\ndescription = \"D\"\nbase_url = \"https://e.org/hb/\"\n[[categories]]\nid = \"c\"\ntitle = \"C\"\n",
        )
        .expect("valid config")
    }

    fn entry(url: &str, updated: Option<i64>, in_feed: bool) -> Entry<'static> {
        Entry {
            url: url.into(),
            title: format!("<{url}>").leak(),
            summary: None,
            updated: updated.map(Timestamp),
            in_feed,
        }
    }

    #[test]
    fn xml_escape_escapes_the_five_special_characters_and_nothing_else() {
        assert_eq!(xml_escape(""), "");
        assert_eq!(xml_escape("plain é ✓"), "plain é ✓");
        assert_eq!(
            xml_escape("a&b<c>d\"e'f&&"),
            "a&amp;b&lt;c&gt;d&quot;e&apos;f&amp;&amp;"
        );
    }

    #[test]
    fn sitemap_is_sorted_absolute_and_dated_when_known() {
        let out = sitemap(
            &config(),
            &[entry("skills/", None, false), entry("", Some(86_400), true)],
        );
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>https://e.org/hb/</loc><lastmod>1970-01-02T00:00:00Z</lastmod></url>\n  <url><loc>https://e.org/hb/skills/</loc></url>\n</urlset>\n"
        );
    }

    #[test]
    fn feed_lists_written_pages_newest_first_then_by_url() {
        let out = atom(
            &config(),
            &[
                entry("b/", None, true),
                entry("a/", None, true),
                entry("new/", Some(200), true),
                entry("skills/", Some(300), false),
            ],
            "roadbook",
        );
        let order: Vec<&str> = out
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<id>"))
            .collect();
        assert_eq!(
            order,
            [
                "https://e.org/hb/</id>",
                "https://e.org/hb/new/</id>",
                "https://e.org/hb/a/</id>",
                "https://e.org/hb/b/</id>",
            ]
        );
        assert!(out.contains("<updated>1970-01-01T00:03:20Z</updated>\n  <author>"));
        assert!(out.contains("<title>T &amp; Co</title>"));
        assert!(out.contains("<title>&lt;a/&gt;</title>"));
    }
}
