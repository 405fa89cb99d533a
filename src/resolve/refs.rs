//! References: front matter lists and body links checked against the
//! index, with a did-you-mean for every miss, and the backlinks the body
//! links make.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::PageRef;
use super::site::Index;
use crate::content::{Asset, Doc, Handbook, Kind, Page, Partial, Phase, Role, Skill, Target};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean, display_path};

/// The lists a reference is checked against: a handbook's while it is
/// resolved.
pub(super) struct Checker<'a> {
    pub(super) skills: &'a [Skill],
    pub(super) roles: &'a [Role],
    pub(super) phases: &'a [Phase],
    pub(super) pages: &'a [Page],
    pub(super) index: &'a Index,
    /// Entries that exist but were left out (drafts, files with errors):
    /// a reference to one is judged as such, not as a missing entry.
    pub(super) drafts: &'a HashSet<(Kind, String)>,
    pub(super) broken: &'a HashSet<(Kind, String)>,
    /// Files with errors whose headings are known: a `#fragment` into one
    /// is still checked.
    pub(super) partial: &'a [Partial],
}

impl Checker<'_> {
    fn slugs(&self, kind: Kind) -> Vec<&str> {
        let mut v: Vec<&str> = self.index.slugs(kind).collect();
        v.sort_unstable();
        v
    }

    fn target_doc(&self, kind: Kind, i: usize) -> Option<&Doc> {
        match kind {
            Kind::Skill => self.skills.get(i).map(|s| &s.doc),
            Kind::Role => self.roles.get(i).map(|s| &s.doc),
            Kind::Phase => self.phases.get(i).map(|s| &s.doc),
            Kind::Page => self.pages.get(i).map(|s| &s.doc),
        }
    }

    /// The doc of a file that failed with errors of its own, if its body
    /// was read (a rare case: searched, not indexed).
    fn partial_doc(&self, kind: Kind, slug: &str) -> Option<&Doc> {
        if !self.broken.contains(&(kind, slug.to_string())) {
            return None;
        }
        self.partial
            .iter()
            .find(|p| p.kind == kind && p.doc.slug.as_str() == slug)
            .map(|p| &p.doc)
    }

    /// Checks that `kind:slug` exists; returns its index.
    pub(super) fn reference(
        &self,
        from: &Doc,
        kind: Kind,
        slug: &str,
        span: std::ops::Range<usize>,
        what: impl std::fmt::Display,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        if let Some(i) = self.index.get(kind, slug) {
            return Some(i);
        }
        let key = (kind, slug.to_string());
        if self.broken.contains(&key) {
            return None; // its own errors are reported; don't pile on
        }
        if self.drafts.contains(&key) {
            diags.push(
                Diagnostic::error(&from.file, &from.text, span, format!("{what} `{slug}` is a draft, left out of this build"))
                    .with_help(format!("publish it (remove `draft = true` from content/{}/{slug}.md), remove this reference, or build with --drafts", kind.folder())),
            );
            return None;
        }
        let slugs = self.slugs(kind);
        let help = match did_you_mean(slug, slugs.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if slugs.is_empty() => format!(
                "there are no {}s yet; add content/{}/{slug}.md",
                kind.name(),
                kind.folder()
            ),
            None => format!(
                "create content/{}/{slug}.md, or use one of: {}",
                kind.folder(),
                shortlist(&slugs)
            ),
        };
        diags.push(
            Diagnostic::error(
                &from.file,
                &from.text,
                span,
                format!("{what} `{slug}` does not exist"),
            )
            .with_help(help),
        );
        None
    }

    fn fragment(
        &self,
        from: &Doc,
        target: &Doc,
        fragment: &str,
        span: std::ops::Range<usize>,
        diags: &mut Diagnostics,
    ) {
        if target.has_heading(fragment) {
            return;
        }
        let ids: Vec<&str> = target.headings.iter().map(|h| h.id.as_str()).collect();
        let whose = if std::ptr::eq(from, target) {
            "this page".to_string()
        } else {
            format!("`{}`", display_path(&target.file))
        };
        let help = match did_you_mean(fragment, ids.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("{whose} has no headings to link to"),
            None => format!("the headings of {whose} are: {}", shortlist(&ids)),
        };
        diags.push(
            Diagnostic::error(
                &from.file,
                &from.text,
                span,
                format!("`#{fragment}` matches no heading of {whose}"),
            )
            .with_help(help),
        );
    }

    /// Checks the links of `doc`'s body; with `only`, just its links to
    /// that entry.
    pub(super) fn body_links(
        &self,
        doc: &Doc,
        assets: &HashSet<PathBuf>,
        only: Option<(Kind, &str)>,
        diags: &mut Diagnostics,
        found: &mut Vec<PageRef>,
    ) {
        for link in &doc.links {
            if let Some((k, s)) = only
                && !matches!(&link.target, Target::Entity { kind, slug, .. } if *kind == k && slug == s)
            {
                continue;
            }
            match &link.target {
                Target::Entity {
                    kind,
                    slug,
                    fragment,
                } => {
                    if let Some(i) = self.reference(
                        doc,
                        *kind,
                        slug,
                        link.span.clone(),
                        // Put into words only for a message: most links resolve.
                        format_args!("linked {}", kind.name()),
                        diags,
                    ) {
                        found.push(PageRef::Entity(*kind, i));
                        if let (Some(f), Some(target)) = (fragment, self.target_doc(*kind, i)) {
                            self.fragment(doc, target, f, link.span.clone(), diags);
                        }
                    } else if let (Some(f), Some(target)) =
                        (fragment, self.partial_doc(*kind, slug))
                    {
                        self.fragment(doc, target, f, link.span.clone(), diags);
                    }
                }
                Target::Fragment(f) => self.fragment(doc, doc, f, link.span.clone(), diags),
                Target::Local(path) => {
                    let clean = path.split(['#', '?']).next().unwrap_or("");
                    if clean.is_empty() {
                        continue;
                    }
                    let joined = normalize(&doc.content_folder().join(percent_decode(clean)));
                    let exists = joined.as_ref().is_some_and(|p| assets.contains(p));
                    if !exists {
                        let help = if clean.ends_with(".md") {
                            "link to other entries with `skill:slug`, `role:slug`, `phase:slug` or `page:slug`".to_string()
                        } else {
                            format!(
                                "put the file in content/{} next to this page, or fix the path",
                                display_path(&doc.content_folder())
                            )
                        };
                        diags.push(
                            Diagnostic::error(
                                &doc.file,
                                &doc.text,
                                link.span.clone(),
                                format!("`{path}` is not a file beside this page"),
                            )
                            .with_help(help),
                        );
                    }
                }
                Target::UnknownKind(scheme) => {
                    let hint = did_you_mean(
                        &scheme.to_ascii_lowercase(),
                        ["skill", "role", "phase", "page"],
                    )
                    .unwrap_or("skill");
                    diags.push(
                        Diagnostic::error(&doc.file, &doc.text, link.span.clone(), format!("unknown link kind `{scheme}:`"))
                            .with_help(format!("did you mean `{hint}:`? The kinds are `skill:`, `role:`, `phase:` and `page:`")),
                    );
                }
                Target::RootAbsolute(p) => {
                    diags.push(
                        Diagnostic::error(&doc.file, &doc.text, link.span.clone(), format!("`{p}` starts with `/`, which breaks when the site is published under a sub-path"))
                            .with_help("link to entries with `skill:slug` (or another kind); roadbook writes the right relative URL")
                            .warning(),
                    );
                }
                Target::Script(scheme) => {
                    diags.push(
                        Diagnostic::error(&doc.file, &doc.text, link.span.clone(), format!("a `{scheme}:` link runs code in the reader's browser"))
                            .with_help("link to a page (http(s), or `skill:slug` and the other kinds) instead; a script cannot be put in a handbook's pages"),
                    );
                }
                Target::Data(media) if link.image && media.starts_with("image/") => {}
                Target::Data(media) => {
                    let what = if media.is_empty() {
                        "text".to_string()
                    } else {
                        format!("`{media}`")
                    };
                    let message = if link.image {
                        format!("a `data:` image must have an image type, not {what}")
                    } else {
                        format!(
                            "a `data:` link opens {what} made by the link itself, which can run code in the reader's browser"
                        )
                    };
                    diags.push(
                        Diagnostic::error(&doc.file, &doc.text, link.span.clone(), message)
                            .with_help("`data:` URLs are allowed only for images (`![text](data:image/png;base64,...)`); put other files beside the page and link to them by name"),
                    );
                }
                Target::External => {}
            }
        }
    }
}

fn shortlist(items: &[&str]) -> String {
    let mut s: Vec<String> = items.iter().take(8).map(|i| format!("`{i}`")).collect();
    if items.len() > 8 {
        s.push(format!("and {} more", items.len() - 8));
    }
    s.join(", ")
}

/// `skills/../pages/a.png` → `pages/a.png`; `None` if it leaves `content/`.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Decodes `%20` and friends in local link paths.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The co-located files, as paths relative to `content/`, that body links
/// may point at.
pub(super) fn asset_files(assets: &[Asset]) -> HashSet<PathBuf> {
    assets
        .iter()
        .map(|a| {
            a.file
                .strip_prefix("content")
                .unwrap_or(&a.file)
                .to_path_buf()
        })
        .collect()
}

/// Every page of the handbook that has a doc, with its doc, in the order
/// of [`PageRef`].
pub(super) fn pages_of(hb: &Handbook) -> impl Iterator<Item = (PageRef, &Doc)> {
    fn kind<T>(
        list: &[T],
        kind: Kind,
        doc: fn(&T) -> &Doc,
    ) -> impl Iterator<Item = (PageRef, &Doc)> {
        list.iter()
            .enumerate()
            .map(move |(i, x)| (PageRef::Entity(kind, i), doc(x)))
    }
    let home = hb.home.iter().map(|h| (PageRef::Home, h));
    home.chain(kind(&hb.skills, Kind::Skill, |s| &s.doc))
        .chain(kind(&hb.roles, Kind::Role, |s| &s.doc))
        .chain(kind(&hb.phases, Kind::Phase, |s| &s.doc))
        .chain(kind(&hb.pages, Kind::Page, |s| &s.doc))
}

/// Each linked page's sources, in page order and each once, from every
/// (target, source) pair of a body link. Sorting the pairs puts each
/// target's sources together: a set per page and a map entry per link
/// took a quarter of resolve at 10,000 pages.
pub(super) fn backlinks(mut links: Vec<(PageRef, PageRef)>) -> FxHashMap<PageRef, Vec<PageRef>> {
    // In `PageRef` order, by one integer compare a pair.
    fn key(r: PageRef) -> u64 {
        match r {
            PageRef::Home => 0,
            PageRef::Entity(kind, i) => ((kind as u64 + 1) << 48) | i as u64,
        }
    }
    links.par_sort_unstable_by_key(|&(to, from)| {
        (u128::from(key(to)) << 64) | u128::from(key(from))
    });
    links.dedup();
    let mut out = FxHashMap::default();
    for group in links.chunk_by(|a, b| a.0 == b.0) {
        let sources = group.iter().map(|&(_, from)| from).collect();
        out.insert(group[0].0, sources);
    }
    out
}
