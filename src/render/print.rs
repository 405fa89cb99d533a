//! The whole handbook on one page (`/print/`), in reading order, for a
//! reader who wants it on paper or as one PDF: the home page, each track's
//! phases, the skills by category, the roles by level, then the free
//! pages, each with its body.
//!
//! Bodies are rendered for this page's own path, so links that leave the
//! handbook's pages (a track, the matrix, a file) stay right under any
//! sub-path. Two things are local to the one page: every body's ids get its
//! page's anchor as a prefix (ten bodies with a "Why it matters" heading
//! would otherwise share an id), and a link to a page that is printed here
//! goes to that page's section, so the PDF's links work offline; and a
//! body's headings move two levels down, below its part's and its own
//! title. Code is
//! printed without colours: highlighting every block a second time would
//! double the build's largest cost for a page most readers never open.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::views::{Cards, LinkView, PhaseCard, RoleCard, SkillCard};
use crate::content::Kind;
use crate::markdown::{self, highlight};
use crate::resolve::{PageRef, Site};

/// Where the print version is, relative to the site root.
pub const PATH: &str = "print/";

/// The most pages a handbook has for the print version to be made unless
/// handbook.toml asks for it (`print = true`). Past this a book is not
/// printed in one piece, and the page (some 3.6 KB per page of the bench
/// corpus) would hold every body in memory at once.
pub const MADE_UP_TO: usize = 1000;

/// Whether the site has the print version: as handbook.toml says, or by
/// default for a handbook of at most [`MADE_UP_TO`] pages.
pub fn made(site: &Site) -> bool {
    let pages = site.skills.len() + site.roles.len() + site.phases.len() + site.pages.len();
    site.config.print.unwrap_or(pages <= MADE_UP_TO)
        && site.find(Kind::Page, PATH.trim_end_matches('/')).is_none()
}

/// The `print` value of `print.html`.
#[derive(Serialize)]
pub struct PrintView<'a> {
    /// The home page's body.
    pub home: String,
    pub parts: Vec<Part<'a>>,
}

/// A part of the book: a track, the skills, the roles or the pages.
#[derive(Serialize)]
pub struct Part<'a> {
    /// The part's anchor (`part.skills`).
    pub anchor: String,
    pub title: String,
    pub entries: Vec<Entry<'a>>,
}

/// One page of the handbook inside the print version.
#[derive(Serialize)]
pub struct Entry<'a> {
    /// Its section's id (`skills.databases`), which its body's ids extend.
    pub anchor: String,
    /// `skill`, `role`, `phase` or `page`.
    pub kind: &'static str,
    /// The card its own page and lists show.
    pub card: Card<'a>,
    pub body: String,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Card<'a> {
    Skill(&'a SkillCard),
    Role(&'a RoleCard),
    Phase(&'a PhaseCard),
    Page(&'a LinkView),
}

/// The anchor of a printed page: its folder and slug, joined by a `.`,
/// which no slug or heading id contains.
fn anchor_of(site_path: &str) -> String {
    let path = site_path.trim_end_matches('/');
    if path.is_empty() {
        "home".to_string()
    } else {
        path.replace('/', ".")
    }
}

/// The print version's view. `nanos` gets the time spent in Markdown.
pub fn view<'a>(
    site: &'a Site,
    cards: &'a Cards,
    nanos: &std::sync::atomic::AtomicU64,
) -> PrintView<'a> {
    let mut order: Vec<PageRef> = Vec::new();
    for t in &site.tracks {
        order.extend(t.phases.iter().map(|&p| PageRef::Entity(Kind::Phase, p)));
    }
    for ci in 0..site.config.categories.len() {
        order.extend(
            super::cards::category_skills(site, ci).map(|i| PageRef::Entity(Kind::Skill, i)),
        );
    }
    order.extend((0..site.roles.len()).map(|i| PageRef::Entity(Kind::Role, i)));
    order.extend((0..site.pages.len()).map(|i| PageRef::Entity(Kind::Page, i)));

    // Every printed page's site path → its anchor, for the links between
    // them.
    let anchors: HashMap<String, String> = std::iter::once(PageRef::Home)
        .chain(order.iter().copied())
        .map(|r| {
            let path = site.path(r);
            let anchor = anchor_of(&path);
            (path, anchor)
        })
        .collect();
    // The home page's body opens the book below its title, so its
    // headings keep their levels; every other body sits below a part's and
    // its own title.
    let body = |r: PageRef| -> String {
        let Some(doc) = site.doc(r) else {
            return String::new();
        };
        let start = std::time::Instant::now();
        let rendered = markdown::render(site, doc, PATH, &highlight::code_block_plain).html;
        let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        nanos.fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
        let html = link_locally(&rendered, &anchor_of(&site.path(r)), &anchors);
        // A big body is held once more by the page's context: not three
        // times over.
        drop(rendered);
        match r {
            PageRef::Home => html,
            PageRef::Entity(..) => demote(html),
        }
    };
    let bodies: Vec<String> = order.par_iter().map(|&r| body(r)).collect();
    let mut entries = order.iter().zip(bodies).map(|(&r, body)| {
        let PageRef::Entity(kind, i) = r else {
            unreachable!("the home page is not an entry")
        };
        let (name, card) = match kind {
            Kind::Skill => ("skill", Card::Skill(&cards.skills[i])),
            Kind::Role => ("role", Card::Role(&cards.roles[i])),
            Kind::Phase => ("phase", Card::Phase(&cards.phases[i])),
            Kind::Page => ("page", Card::Page(&cards.pages[i])),
        };
        Entry {
            anchor: anchor_of(&site.path(r)),
            kind: name,
            card,
            body,
        }
    });

    let labels = &site.config.labels;
    let mut parts = Vec::new();
    let mut part = |anchor: String, title: String, n: usize| {
        parts.push(Part {
            anchor,
            title,
            entries: entries.by_ref().take(n).collect(),
        });
    };
    for t in &site.tracks {
        let named = &site.config.tracks[t.config];
        part(
            format!("part.{}", named.id),
            named.title.clone(),
            t.phases.len(),
        );
    }
    part(
        "part.skills".into(),
        labels.get("skills").into(),
        site.skills.len(),
    );
    part(
        "part.roles".into(),
        labels.get("job_roles").into(),
        site.roles.len(),
    );
    part(
        "part.pages".into(),
        labels.get("print_pages").into(),
        site.pages.len(),
    );
    parts.retain(|p| !p.entries.is_empty());
    PrintView {
        home: body(PageRef::Home),
        parts,
    }
}

/// Headings two levels down (`h2` → `h4`), `h6` at most, in place: only
/// a digit changes, and a body may be tens of megabytes.
fn demote(html: String) -> String {
    let mut bytes = html.into_bytes();
    let mut at = 0;
    while let Some(found) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        at += found + 1;
        let digit = if bytes.get(at) == Some(&b'/') {
            at + 2
        } else {
            at + 1
        };
        let is_heading = bytes.get(digit - 1) == Some(&b'h')
            && bytes.get(digit).is_some_and(|d| (b'1'..=b'6').contains(d))
            && bytes
                .get(digit + 1)
                .is_some_and(|c| *c == b'>' || *c == b' ');
        if is_heading && let Some(d) = bytes.get_mut(digit) {
            *d = (*d + 2).min(b'6');
        }
    }
    // One ASCII digit for another: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `html` (a body rendered for the print page) made to live on one page
/// with others: its ids and its links to its own headings get `own` as a
/// prefix, and its links to other printed pages (`../skills/apis/#x`) go
/// to their sections (`#skills.apis.x`).
fn link_locally(html: &str, own: &str, anchors: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    loop {
        let id = rest.find(" id=\"");
        let href = rest.find(" href=\"");
        let (at, is_id) = match (id, href) {
            (None, None) => break,
            (Some(i), Some(h)) if i < h => (i, true),
            (Some(i), None) => (i, true),
            (_, Some(h)) => (h, false),
        };
        let attr_len = if is_id { 5 } else { 7 };
        out.push_str(&rest[..at + attr_len]);
        rest = &rest[at + attr_len..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        if is_id {
            out.push_str(own);
            out.push('.');
            out.push_str(value);
        } else if let Some(fragment) = value.strip_prefix('#') {
            out.push('#');
            out.push_str(own);
            out.push('.');
            out.push_str(fragment);
        } else if let Some(target) = value.strip_prefix("../").filter(|v| !v.starts_with("../")) {
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            match anchors.get(path) {
                Some(anchor) => {
                    out.push('#');
                    out.push_str(anchor);
                    if !fragment.is_empty() {
                        out.push('.');
                        out.push_str(fragment);
                    }
                }
                None => out.push_str(value),
            }
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors() -> HashMap<String, String> {
        [
            ("skills/apis/", "skills.apis"),
            ("", "home"),
            ("faq/", "faq"),
        ]
        .into_iter()
        .map(|(p, a)| (p.to_string(), a.to_string()))
        .collect()
    }

    #[test]
    fn ids_and_own_fragments_get_the_page_prefix() {
        let html = "<h2 id=\"why\">Why <a class=\"anchor\" href=\"#why\">#</a></h2>";
        assert_eq!(
            link_locally(html, "skills.caching", &anchors()),
            "<h2 id=\"skills.caching.why\">Why <a class=\"anchor\" href=\"#skills.caching.why\">#</a></h2>"
        );
    }

    #[test]
    fn links_to_printed_pages_go_to_their_sections() {
        let html = "<a href=\"../skills/apis/\">A</a> <a href=\"../skills/apis/#rest\">R</a> <a href=\"../\">H</a> <a href=\"../faq/\">F</a>";
        assert_eq!(
            link_locally(html, "x", &anchors()),
            "<a href=\"#skills.apis\">A</a> <a href=\"#skills.apis.rest\">R</a> <a href=\"#home\">H</a> <a href=\"#faq\">F</a>"
        );
    }

    #[test]
    fn headings_move_two_levels_down() {
        assert_eq!(
            demote(
                "<h1>A</h1><h2 id=\"b\">B</h2><h5>E</h5><h6>F</h6><hr><header>x</header><p>h2</p><h"
                    .to_string()
            ),
            "<h3>A</h3><h4 id=\"b\">B</h4><h6>E</h6><h6>F</h6><hr><header>x</header><p>h2</p><h"
        );
    }

    #[test]
    fn other_links_are_left_alone() {
        let html = "<a href=\"../matrix/\">M</a><a href=\"https://e.org/#x\">E</a><img src=\"../skills/apis/d.png\"><a href=\"../../up/\">U</a>";
        assert_eq!(link_locally(html, "x", &anchors()), html);
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_escaped_so_untouched() {
        // Markdown escapes quotes in text and code.
        let html = "<p>write id=&quot;x&quot; and href=&quot;#y&quot;</p>";
        assert_eq!(link_locally(html, "x", &anchors()), html);
        assert_eq!(
            link_locally("<p>no attributes", "x", &anchors()),
            "<p>no attributes"
        );
    }
}
