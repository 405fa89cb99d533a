//! The resolved site: every entry in its list's order, with what resolve
//! computed, and the index that finds an entry by its slug.

use std::collections::HashSet;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::{PhaseRelations, RoleRelations, SkillRelations, Track};
use crate::config::Config;
use crate::content::{Asset, Doc, Kind, Page, Phase, Role, Skill, Slug};

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

    pub(super) fn insert(&mut self, kind: Kind, slug: &Slug, i: usize) {
        self.0[Self::slot(kind)].insert(slug.to_string(), i);
    }

    pub(crate) fn get(&self, kind: Kind, slug: &str) -> Option<usize> {
        self.map(kind).get(slug).copied()
    }

    pub(super) fn slugs(&self, kind: Kind) -> impl Iterator<Item = &str> {
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
    /// own.
    pub drafts: HashSet<(Kind, String)>,
    pub(super) index: Index,
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
