//! Resolve: the stage that sees the whole handbook at once.
//!
//! It checks every reference (front matter lists, body links, `#fragments`,
//! co-located files) against the finished index, rejects prerequisite
//! cycles and clashing orders, and computes what authors never write by
//! hand: backlinks, the relations between skills, roles and phases, and
//! track timelines. The result, [`Site`], is read-only for every later
//! stage; only a `serve` session swaps in an edited entry, and only when
//! the edit changes nothing computed here.

mod relations;
pub mod timeline;

pub use relations::{PhaseRelations, RoleRelations, SkillRelations, Track};

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::content::{Asset, Doc, Entity, Handbook, Kind, Page, Phase, Role, Skill, Slug, Target};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean, display_path};

/// Page slugs that would shadow a generated section.
pub const RESERVED: &[&str] = &["skills", "roles", "phases", "tracks", "matrix", "assets"];

/// Each kind's slugs and where its entries are in the site's lists, one
/// map per kind so that a lookup borrows the slug it is given.
#[derive(Debug, Default)]
pub(crate) struct Index([FxHashMap<String, usize>; 4]);

impl Index {
    fn map(&self, kind: Kind) -> &FxHashMap<String, usize> {
        &self.0[Self::slot(kind)]
    }

    fn slot(kind: Kind) -> usize {
        match kind {
            Kind::Skill => 0,
            Kind::Role => 1,
            Kind::Phase => 2,
            Kind::Page => 3,
        }
    }

    fn insert(&mut self, kind: Kind, slug: &Slug, i: usize) {
        self.0[Self::slot(kind)].insert(slug.to_string(), i);
    }

    pub(crate) fn get(&self, kind: Kind, slug: &str) -> Option<usize> {
        self.map(kind).get(slug).copied()
    }

    fn slugs(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.map(kind).keys().map(String::as_str)
    }
}

/// A page of the site that can link or be linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageRef {
    Home,
    Entity(Kind, usize),
}

/// The whole handbook, cross-checked, with everything computed.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub home: Option<Doc>,
    /// Sorted by category, `order`, then title.
    pub skills: Vec<Skill>,
    /// Sorted by level, then title.
    pub roles: Vec<Role>,
    /// Sorted by track, then `order`.
    pub phases: Vec<Phase>,
    /// Sorted by `order`, then title.
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    pub skill_relations: Vec<SkillRelations>,
    pub role_relations: Vec<RoleRelations>,
    pub phase_relations: Vec<PhaseRelations>,
    pub tracks: Vec<Track>,
    /// Who links to each page from its body, sorted.
    pub backlinks: FxHashMap<PageRef, Vec<PageRef>>,
    /// Old skill slugs and the skill they now point at.
    pub aliases: Vec<(Slug, usize)>,
    /// Entries left out as drafts: a reference to one is an error of its
    /// own, in this resolve and in a session's later ones.
    pub drafts: HashSet<(Kind, String)>,
    index: Index,
}

impl Site {
    pub fn find(&self, kind: Kind, slug: &str) -> Option<usize> {
        self.index.get(kind, slug)
    }

    pub fn doc(&self, r: PageRef) -> Option<&Doc> {
        match r {
            PageRef::Home => self.home.as_ref(),
            PageRef::Entity(Kind::Skill, i) => self.skills.get(i).map(|s| &s.doc),
            PageRef::Entity(Kind::Role, i) => self.roles.get(i).map(|s| &s.doc),
            PageRef::Entity(Kind::Phase, i) => self.phases.get(i).map(|s| &s.doc),
            PageRef::Entity(Kind::Page, i) => self.pages.get(i).map(|s| &s.doc),
        }
    }

    /// The unit a track's offsets are shown in (see `Track::unit`); months
    /// for a track without phases.
    pub fn unit_of_track(&self, config_index: usize) -> crate::content::Unit {
        self.tracks
            .iter()
            .find(|t| t.config == config_index)
            .map_or(crate::content::Unit::Months, |t| t.unit)
    }

    /// Every entity's page with its doc, in a stable order.
    pub fn entities(&self) -> impl Iterator<Item = (PageRef, &Doc)> {
        let skills = self
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| (PageRef::Entity(Kind::Skill, i), &s.doc));
        let roles = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, s)| (PageRef::Entity(Kind::Role, i), &s.doc));
        let phases = self
            .phases
            .iter()
            .enumerate()
            .map(|(i, s)| (PageRef::Entity(Kind::Phase, i), &s.doc));
        let pages = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, s)| (PageRef::Entity(Kind::Page, i), &s.doc));
        skills.chain(roles).chain(phases).chain(pages)
    }

    /// The page made from the file at `rel` (relative to the handbook root).
    pub fn page_of_file(&self, rel: &Path) -> Option<PageRef> {
        if self.home.as_ref().is_some_and(|h| h.file == rel) {
            return Some(PageRef::Home);
        }
        self.entities().find(|(_, d)| d.file == rel).map(|(r, _)| r)
    }

    /// Puts an edited doc in place of a page's doc, for a session. What
    /// resolve computed stays as it was: the edit must keep the page's
    /// identity and front matter, with [`Site::check_links`] and
    /// [`Site::relink`] after it when its headings or links changed, or
    /// the site must be resolved again ([`Site::into_handbook`]). Returns
    /// false, changing nothing, when the page does not exist.
    pub fn replace_doc(&mut self, r: PageRef, doc: Doc) -> bool {
        let slot = match r {
            PageRef::Home => self.home.as_mut(),
            PageRef::Entity(Kind::Skill, i) => self.skills.get_mut(i).map(|s| &mut s.doc),
            PageRef::Entity(Kind::Role, i) => self.roles.get_mut(i).map(|s| &mut s.doc),
            PageRef::Entity(Kind::Phase, i) => self.phases.get_mut(i).map(|s| &mut s.doc),
            PageRef::Entity(Kind::Page, i) => self.pages.get_mut(i).map(|s| &mut s.doc),
        };
        match slot {
            Some(old) => {
                *old = doc;
                true
            }
            None => false,
        }
    }

    /// A copy of the entity at `r` (none for the home page).
    pub fn entity(&self, r: PageRef) -> Option<Entity> {
        let PageRef::Entity(kind, i) = r else {
            return None;
        };
        match kind {
            Kind::Skill => self.skills.get(i).cloned().map(Entity::Skill),
            Kind::Role => self.roles.get(i).cloned().map(Entity::Role),
            Kind::Phase => self.phases.get(i).cloned().map(Entity::Phase),
            Kind::Page => self.pages.get(i).cloned().map(Entity::Page),
        }
    }

    /// Whether `new`, put in place of the entity at `r`, sorts to the same
    /// place among its kind, so that no index into the lists changes (a new
    /// title can move a skill, role or page; see [`Entity::same_shape`]
    /// for the rest).
    pub fn keeps_place(&self, r: PageRef, new: &Entity) -> bool {
        match (r, new) {
            (PageRef::Entity(Kind::Skill, i), Entity::Skill(s)) => {
                fits_at(&self.skills, i, s, skill_order)
            }
            (PageRef::Entity(Kind::Role, i), Entity::Role(x)) => {
                fits_at(&self.roles, i, x, role_order)
            }
            (PageRef::Entity(Kind::Phase, i), Entity::Phase(x)) => {
                fits_at(&self.phases, i, x, phase_order)
            }
            (PageRef::Entity(Kind::Page, i), Entity::Page(x)) => {
                fits_at(&self.pages, i, x, page_order)
            }
            _ => false,
        }
    }

    /// Puts an edited entity in place of the one at `r`, for a session.
    /// Every index and relation stays true only for an edit that keeps its
    /// shape and place ([`Entity::same_shape`], [`Site::keeps_place`]),
    /// with [`Site::check_links`] and [`Site::relink`] after it when its
    /// headings or links changed; after any other, the site must be
    /// resolved again ([`Site::into_handbook`]). Returns false, changing
    /// nothing, when the kinds differ or the page does not exist.
    pub fn replace_entity(&mut self, r: PageRef, new: Entity) -> bool {
        let slot = match (r, new) {
            (PageRef::Entity(Kind::Skill, i), Entity::Skill(x)) => {
                self.skills.get_mut(i).map(|s| *s = x)
            }
            (PageRef::Entity(Kind::Role, i), Entity::Role(x)) => {
                self.roles.get_mut(i).map(|s| *s = x)
            }
            (PageRef::Entity(Kind::Phase, i), Entity::Phase(x)) => {
                self.phases.get_mut(i).map(|s| *s = x)
            }
            (PageRef::Entity(Kind::Page, i), Entity::Page(x)) => {
                self.pages.get_mut(i).map(|s| *s = x)
            }
            _ => None,
        };
        slot.is_some()
    }

    /// The findings on the links that an edit of the page at `r` can
    /// make right or wrong, once its new doc is in place (`old` is the doc
    /// it replaced): every link of its body, and when its headings changed,
    /// the links of other pages to it. A session takes an edit of headings
    /// or links without a full build only when this finds nothing, so that
    /// the build it skips could not have reported anything either.
    pub fn check_links(&self, r: PageRef, old: &Doc) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(doc) = self.doc(r) else {
            return diags;
        };
        let none = HashSet::new();
        let checker = Checker {
            skills: &self.skills,
            roles: &self.roles,
            phases: &self.phases,
            pages: &self.pages,
            index: &self.index,
            drafts: &self.drafts,
            broken: &none,
        };
        let assets = asset_files(&self.assets);
        checker.body_links(doc, &assets, None, &mut diags, &mut Vec::new());
        if let PageRef::Entity(kind, _) = r
            && doc.headings != old.headings
        {
            let sources = self.backlinks.get(&r).into_iter().flatten();
            for source in sources.filter_map(|&s| self.doc(s)) {
                let only = Some((kind, doc.slug.as_str()));
                checker.body_links(source, &assets, only, &mut diags, &mut Vec::new());
            }
        }
        diags
    }

    /// Brings the backlinks up to date after the page at `r` got a body
    /// whose links differ from `old`'s (with [`Site::replace_entity`] or
    /// [`Site::replace_doc`]); returns the pages whose backlinks changed,
    /// which must be rendered again.
    pub fn relink(&mut self, r: PageRef, old: &Doc) -> Vec<PageRef> {
        let Some(doc) = self.doc(r) else {
            return Vec::new();
        };
        let before: BTreeSet<PageRef> = link_targets(old, r, &self.index).collect();
        let after: BTreeSet<PageRef> = link_targets(doc, r, &self.index).collect();
        let mut changed = Vec::new();
        for &gone in before.difference(&after) {
            if let Some(sources) = self.backlinks.get_mut(&gone) {
                sources.retain(|&s| s != r);
                if sources.is_empty() {
                    self.backlinks.remove(&gone);
                }
            }
            changed.push(gone);
        }
        for &new in after.difference(&before) {
            let sources = self.backlinks.entry(new).or_default();
            if let Err(at) = sources.binary_search(&r) {
                sources.insert(at, r);
            }
            changed.push(new);
        }
        changed
    }

    /// The handbook this site was resolved from, with its settings, for
    /// a session to resolve again after an edit without reading or parsing
    /// any other file. What resolve computed is dropped; no file was left
    /// out for errors, since a site exists only when none had any.
    pub fn into_handbook(self) -> (Config, Handbook) {
        let hb = Handbook {
            home: self.home,
            skills: self.skills,
            roles: self.roles,
            phases: self.phases,
            pages: self.pages,
            assets: self.assets,
            drafts: self.drafts,
            broken: HashSet::new(),
        };
        (self.config, hb)
    }

    /// Site-root-relative path of a page (`skills/databases/`, `` for home).
    pub fn path(&self, r: PageRef) -> String {
        match r {
            PageRef::Home => String::new(),
            PageRef::Entity(kind, _) => self
                .doc(r)
                .map(|d| kind.path(d.slug.as_str()))
                .unwrap_or_default(),
        }
    }
}

/// Cross-checks the handbook and computes relations. `static_names` are the
/// top-level names of `static/`, which free pages must not shadow.
pub fn resolve(config: Config, mut hb: Handbook, static_names: &[String]) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    sort(&config, &mut hb);
    let mut index = Index::default();
    for (i, s) in hb.skills.iter().enumerate() {
        index.insert(Kind::Skill, &s.doc.slug, i);
    }
    for (i, s) in hb.roles.iter().enumerate() {
        index.insert(Kind::Role, &s.doc.slug, i);
    }
    for (i, s) in hb.phases.iter().enumerate() {
        index.insert(Kind::Phase, &s.doc.slug, i);
    }
    for (i, s) in hb.pages.iter().enumerate() {
        index.insert(Kind::Page, &s.doc.slug, i);
    }
    let checker = Checker {
        skills: &hb.skills,
        roles: &hb.roles,
        phases: &hb.phases,
        pages: &hb.pages,
        index: &index,
        drafts: &hb.drafts,
        broken: &hb.broken,
    };

    // Front matter references.
    for s in &hb.skills {
        for p in &s.prerequisites {
            checker.reference(
                &s.doc,
                Kind::Skill,
                p.get_ref(),
                p.span(),
                "prerequisite",
                &mut diags,
            );
        }
        for p in &s.related {
            checker.reference(
                &s.doc,
                Kind::Skill,
                p.get_ref(),
                p.span(),
                "related skill",
                &mut diags,
            );
        }
    }
    for r in &hb.roles {
        for (p, _) in &r.skills {
            checker.reference(
                &r.doc,
                Kind::Skill,
                p.get_ref(),
                p.span(),
                "required skill",
                &mut diags,
            );
        }
    }
    for ph in &hb.phases {
        for p in &ph.skills {
            checker.reference(
                &ph.doc,
                Kind::Skill,
                p.get_ref(),
                p.span(),
                "skill",
                &mut diags,
            );
        }
    }
    // Body links, checked page by page on every core; the pages they
    // reach are the backlinks.
    let asset_files = asset_files(&hb.assets);
    let docs: Vec<(PageRef, &Doc)> = pages_of(&hb).collect();
    let found: Vec<(Diagnostics, Vec<PageRef>)> = docs
        .par_iter()
        .map(|&(_, doc)| {
            let (mut d, mut to) = (Diagnostics::new(), Vec::new());
            checker.body_links(doc, &asset_files, None, &mut d, &mut to);
            (d, to)
        })
        .collect();
    let mut links = Vec::new();
    for (&(from, _), (d, to)) in docs.iter().zip(found) {
        diags.extend(d);
        links.extend(to.into_iter().filter(|&t| t != from).map(|t| (t, from)));
    }
    check_phase_orders(&hb.phases, &mut diags);
    check_cycles(&hb.skills, &index, &mut diags);
    let aliases = check_aliases(&hb.skills, &index, &mut diags);
    check_page_slugs(&hb.pages, static_names, &mut diags);

    let rel = relations::compute(&config, &hb, &index);
    let backlinks = backlinks(links);
    let site = Site {
        config,
        home: hb.home,
        skills: hb.skills,
        roles: hb.roles,
        phases: hb.phases,
        pages: hb.pages,
        assets: hb.assets,
        skill_relations: rel.skills,
        role_relations: rel.roles,
        phase_relations: rel.phases,
        tracks: rel.tracks,
        backlinks,
        aliases,
        drafts: hb.drafts,
        index,
    };
    (site, diags)
}

fn sort(config: &Config, hb: &mut Handbook) {
    let _ = config;
    sort_by_moving_once(&mut hb.skills, skill_order);
    sort_by_moving_once(&mut hb.roles, role_order);
    sort_by_moving_once(&mut hb.phases, phase_order);
    sort_by_moving_once(&mut hb.pages, page_order);
    hb.assets.sort_by(|a, b| a.out.cmp(&b.out));
}

/// A stable sort that moves each element once: an entity is a few hundred
/// bytes, and a merge sort of ten thousand of them spends most of its time
/// copying them around. A list already in order (a session's, after an
/// edit that moved nothing) is left alone.
fn sort_by_moving_once<T>(v: &mut Vec<T>, order: fn(&T, &T) -> Ordering) {
    if v.is_sorted_by(|a, b| order(a, b).is_le()) || put_strays_back(v, order) {
        return;
    }
    let mut at: Vec<usize> = (0..v.len()).collect();
    at.sort_by(|&a, &b| order(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    *v = at.into_iter().filter_map(|i| slots[i].take()).collect();
}

/// Most strays [`put_strays_back`] takes out one by one.
const FEW_STRAYS: usize = 8;

/// Sorts `v` if a few of its elements are out of place and the rest in
/// order (a session's list after an edit moved one entity): each stray is
/// taken out and put back where it belongs, and the others stay where
/// they are, instead of every element being moved to a new list. Whether
/// it did: not when more are out of place, nor when a stray ties with
/// another element, whose order a stable sort would keep.
fn put_strays_back<T>(v: &mut Vec<T>, order: fn(&T, &T) -> Ordering) -> bool {
    let Some(strays) = strays(v, order) else {
        return false;
    };
    // Taken out from the last, so that the indices before stay right.
    let mut taken: Vec<(usize, T)> = strays.iter().rev().map(|&i| (i, v.remove(i))).collect();
    taken.reverse();
    let place = |v: &Vec<T>, x: &T| v.partition_point(|y| order(y, x) == Ordering::Less);
    let ties = taken.iter().enumerate().any(|(n, (_, x))| {
        let p = place(v, x);
        v.get(p).is_some_and(|y| order(x, y) == Ordering::Equal)
            || taken[n + 1..]
                .iter()
                .any(|(_, z)| order(x, z) == Ordering::Equal)
    });
    if ties {
        // Back where they were, for the whole sort.
        for (i, x) in taken {
            v.insert(i, x);
        }
        return false;
    }
    for (_, x) in taken {
        let p = place(v, &x);
        v.insert(p, x);
    }
    true
}

/// The indices (ascending) of at most [`FEW_STRAYS`] elements without
/// which `v` is in order, if they all moved the same way (one edited
/// entity moves one way): an element that moved earlier is smaller than
/// the largest before it; one that moved later, larger than the smallest
/// after it.
fn strays<T>(v: &[T], order: fn(&T, &T) -> Ordering) -> Option<Vec<usize>> {
    // Walks from `first` over `rest`, keeping the elements in order with
    // the last one kept; `stray(j, kept)` says whether `j` is not.
    let walk = |first: usize,
                rest: &mut dyn Iterator<Item = usize>,
                stray: &dyn Fn(usize, usize) -> bool| {
        let (mut out, mut kept) = (Vec::new(), first);
        for j in rest {
            if !stray(j, kept) {
                kept = j;
                continue;
            }
            out.push(j);
            if out.len() > FEW_STRAYS {
                return None;
            }
        }
        out.sort_unstable();
        Some(out)
    };
    let last = v.len().saturating_sub(1);
    walk(0, &mut (1..v.len()), &|j, kept| {
        order(&v[j], &v[kept]) == Ordering::Less
    })
    .or_else(|| {
        walk(last, &mut (0..last).rev(), &|j, kept| {
            order(&v[kept], &v[j]) == Ordering::Less
        })
    })
}

/// By category, `order`, then title (slugs are unique, so no two tie).
fn skill_order(a: &Skill, b: &Skill) -> Ordering {
    let (ka, kb) = (a.order.unwrap_or(i64::MAX), b.order.unwrap_or(i64::MAX));
    (a.category, ka, &a.doc.title, &a.doc.slug).cmp(&(b.category, kb, &b.doc.title, &b.doc.slug))
}

/// By level, then title.
fn role_order(a: &Role, b: &Role) -> Ordering {
    (a.level, &a.doc.title, &a.doc.slug).cmp(&(b.level, &b.doc.title, &b.doc.slug))
}

/// By track, then `order`.
fn phase_order(a: &Phase, b: &Phase) -> Ordering {
    (a.track, *a.order.get_ref(), &a.doc.slug).cmp(&(b.track, *b.order.get_ref(), &b.doc.slug))
}

/// By `order`, then title.
fn page_order(a: &Page, b: &Page) -> Ordering {
    (a.order.unwrap_or(i64::MAX), &a.doc.title, &a.doc.slug).cmp(&(
        b.order.unwrap_or(i64::MAX),
        &b.doc.title,
        &b.doc.slug,
    ))
}

/// Whether `new`, put at `i` in `v` (sorted by `order`), keeps it sorted.
fn fits_at<T>(v: &[T], i: usize, new: &T, order: fn(&T, &T) -> Ordering) -> bool {
    let after_previous = i == 0 || v.get(i - 1).is_some_and(|p| order(p, new).is_lt());
    let before_next = v.get(i + 1).is_none_or(|n| order(new, n).is_lt());
    i < v.len() && after_previous && before_next
}

/// The lists a reference is checked against: a handbook's while it is
/// resolved, or a finished site's when a session checks an edit.
struct Checker<'a> {
    skills: &'a [Skill],
    roles: &'a [Role],
    phases: &'a [Phase],
    pages: &'a [Page],
    index: &'a Index,
    /// Entries that exist but were left out (drafts, files with errors):
    /// a reference to one is judged as such, not as a missing entry.
    drafts: &'a HashSet<(Kind, String)>,
    broken: &'a HashSet<(Kind, String)>,
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

    /// Checks that `kind:slug` exists; returns its index.
    fn reference(
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
    fn body_links(
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

fn check_phase_orders(phases: &[Phase], diags: &mut Diagnostics) {
    let mut seen: HashMap<(usize, i64), &Phase> = HashMap::new();
    for p in phases {
        let key = (p.track, *p.order.get_ref());
        match seen.get(&key) {
            Some(first) => diags.push(
                Diagnostic::error(
                    &p.doc.file,
                    &p.doc.text,
                    p.order.span(),
                    format!(
                        "`order = {}` is already taken in this track",
                        p.order.get_ref()
                    ),
                )
                .with_help(format!(
                    "`{}` has the same order; give each phase of a track its own position",
                    display_path(&first.doc.file)
                )),
            ),
            None => {
                seen.insert(key, p);
            }
        }
    }
}

/// Reports each prerequisite cycle once, naming every skill in it.
fn check_cycles(skills: &[Skill], index: &Index, diags: &mut Diagnostics) {
    let edges: Vec<Vec<(usize, std::ops::Range<usize>)>> = skills
        .iter()
        .map(|s| {
            s.prerequisites
                .iter()
                .filter_map(|p| index.get(Kind::Skill, p.get_ref()).map(|i| (i, p.span())))
                .collect()
        })
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; skills.len()];
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    for start in 0..skills.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some((to, _)) = edges[node].get(*next) {
                let to = *to;
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let cycle: Vec<usize> = stack[pos..].iter().map(|(n, _)| *n).collect();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            report_cycle(skills, &edges, &cycle, diags);
                        }
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
}

fn report_cycle(
    skills: &[Skill],
    edges: &[Vec<(usize, std::ops::Range<usize>)>],
    cycle: &[usize],
    diags: &mut Diagnostics,
) {
    // Start the story at the skill whose file sorts first, for stable output.
    let first_pos = (0..cycle.len())
        .min_by_key(|&i| &skills[cycle[i]].doc.file)
        .unwrap_or(0);
    let ordered: Vec<usize> = cycle[first_pos..]
        .iter()
        .chain(&cycle[..first_pos])
        .copied()
        .collect();
    let from = ordered[0];
    let to = ordered.get(1).copied().unwrap_or(from);
    let span = edges[from]
        .iter()
        .find(|(t, _)| *t == to)
        .map_or(0..0, |(_, s)| s.clone());
    let mut names: Vec<&str> = ordered
        .iter()
        .map(|&i| skills[i].doc.slug.as_str())
        .collect();
    names.push(skills[from].doc.slug.as_str());
    let doc = &skills[from].doc;
    diags.push(
        Diagnostic::error(&doc.file, &doc.text, span, format!("prerequisites form a cycle: {}", names.join(" → ")))
            .with_help("a skill cannot (indirectly) be its own prerequisite; remove one link of the cycle, or use `related` for skills that go together"),
    );
}

fn check_aliases(skills: &[Skill], index: &Index, diags: &mut Diagnostics) -> Vec<(Slug, usize)> {
    let mut out: Vec<(Slug, usize)> = Vec::new();
    for (i, s) in skills.iter().enumerate() {
        for a in &s.aliases {
            let slug = a.get_ref();
            if index.get(Kind::Skill, slug.as_str()).is_some() {
                diags.push(
                    Diagnostic::error(&s.doc.file, &s.doc.text, a.span(), format!("alias `{slug}` is the slug of an existing skill"))
                        .with_help("an alias keeps an old URL working; it cannot take the URL of another skill"),
                );
            } else if let Some((_, other)) = out.iter().find(|(x, _)| x == slug) {
                diags.push(
                    Diagnostic::error(
                        &s.doc.file,
                        &s.doc.text,
                        a.span(),
                        format!(
                            "alias `{slug}` is also an alias of `{}`",
                            skills[*other].doc.slug
                        ),
                    )
                    .with_help("an old slug can redirect to only one skill"),
                );
            } else {
                out.push((slug.clone(), i));
            }
        }
    }
    out.sort();
    out
}

fn check_page_slugs(pages: &[Page], static_names: &[String], diags: &mut Diagnostics) {
    for p in pages {
        let slug = p.doc.slug.as_str();
        let clash = if RESERVED.contains(&slug) {
            Some(format!(
                "`/{slug}/` is where roadbook puts its own `{slug}` overview"
            ))
        } else if static_names
            .iter()
            .any(|n| n == slug || n.strip_suffix(".html") == Some(slug))
        {
            Some(format!("`static/{slug}` is copied to the same place"))
        } else {
            None
        };
        if let Some(why) = clash {
            diags.push(
                Diagnostic::file_error(
                    &p.doc.file,
                    format!("the page slug `{slug}` collides with another path of the site: {why}"),
                )
                .with_help(format!(
                    "rename the file, e.g. to content/pages/{slug}-guide.md"
                )),
            );
        }
    }
}

/// The pages other than `from` that `doc`, its body, links to (a page
/// as often as it is linked).
fn link_targets<'a>(
    doc: &'a Doc,
    from: PageRef,
    index: &'a Index,
) -> impl Iterator<Item = PageRef> + 'a {
    doc.links.iter().filter_map(move |link| match &link.target {
        Target::Entity { kind, slug, .. } => index
            .get(*kind, slug)
            .map(|i| PageRef::Entity(*kind, i))
            .filter(|&to| to != from),
        _ => None,
    })
}

/// The co-located files, as paths relative to `content/`, that body links
/// may point at.
fn asset_files(assets: &[Asset]) -> HashSet<PathBuf> {
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
fn pages_of(hb: &Handbook) -> impl Iterator<Item = (PageRef, &Doc)> {
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
fn backlinks(mut links: Vec<(PageRef, PageRef)>) -> FxHashMap<PageRef, Vec<PageRef>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_moves_each_element_once_and_keeps_ties_in_order() {
        fn by_key(a: &(u8, char), b: &(u8, char)) -> Ordering {
            a.0.cmp(&b.0)
        }
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        let mut expected = v.clone();
        expected.sort_by(by_key);
        sort_by_moving_once(&mut v, by_key);
        assert_eq!(v, expected);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        // Sorted already: nothing moves.
        sort_by_moving_once(&mut v, by_key);
        assert_eq!(v, expected);
        let mut empty: Vec<(u8, char)> = Vec::new();
        sort_by_moving_once(&mut empty, by_key);
        assert!(empty.is_empty());
    }

    #[test]
    fn a_few_elements_out_of_place_are_put_back_as_a_sort_would() {
        fn by_key(a: &(u32, char), b: &(u32, char)) -> Ordering {
            a.0.cmp(&b.0)
        }
        let sorted: Vec<(u32, char)> = (0..200).map(|i| (i * 2, 'x')).collect();
        // One moved later, one moved earlier, both, and several.
        let cases: Vec<Vec<(u32, char)>> = vec![
            {
                let mut v = sorted.clone();
                v[10].0 = 301;
                v
            },
            {
                let mut v = sorted.clone();
                v[150].0 = 5;
                v
            },
            {
                let mut v = sorted.clone();
                for i in [7, 50, 51, 120] {
                    v[i].0 = 1000 - i as u32;
                }
                v
            },
        ];
        for case in cases {
            let mut expected = case.clone();
            expected.sort_by(by_key);
            let mut v = case.clone();
            assert!(put_strays_back(&mut v, by_key), "{case:?}");
            assert_eq!(v, expected);
        }
        // One moved later and one earlier: left to the whole sort.
        let mut mixed = sorted.clone();
        mixed[3].0 = 399;
        mixed[190].0 = 1;
        let before = mixed.clone();
        assert!(!put_strays_back(&mut mixed, by_key));
        assert_eq!(mixed, before);
        let mut expected = mixed.clone();
        expected.sort_by(by_key);
        sort_by_moving_once(&mut mixed, by_key);
        assert_eq!(mixed, expected);
        // Many out of place: left to the whole sort, untouched.
        let mut reversed: Vec<(u32, char)> = sorted.iter().rev().cloned().collect();
        let before = reversed.clone();
        assert!(!put_strays_back(&mut reversed, by_key));
        assert_eq!(reversed, before);
        // A stray that ties with another element: also left to the sort,
        // which keeps equal elements in their first order.
        for (case, sorted) in [
            (
                vec![(3, 'a'), (5, 'b'), (3, 'c')],
                [(3, 'a'), (3, 'c'), (5, 'b')],
            ),
            (
                vec![(5, 'a'), (3, 'b'), (3, 'c')],
                [(3, 'b'), (3, 'c'), (5, 'a')],
            ),
        ] {
            let mut tied = case.clone();
            assert!(!put_strays_back(&mut tied, by_key), "{case:?}");
            assert_eq!(tied, case);
            sort_by_moving_once(&mut tied, by_key);
            assert_eq!(tied, sorted);
        }
        // Equal elements that are no strays do not stop it.
        let mut v = vec![(1, 'a'), (5, 'b'), (3, 'c'), (5, 'd')];
        assert!(put_strays_back(&mut v, by_key));
        assert_eq!(v, [(1, 'a'), (3, 'c'), (5, 'b'), (5, 'd')]);
    }
}
