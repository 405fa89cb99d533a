//! Skills, roles, phases and pages as validated types, and the readers that
//! build them from front matter.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::body;
use super::frontmatter::{self, SplitError};
use super::{Doc, Kind, Slug};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::fields::{At, Reader, Table};

macro_rules! choice_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

choice_enum!(
    /// How hard a skill is to learn.
    Difficulty { Beginner = "beginner", Intermediate = "intermediate", Advanced = "advanced" }
);
choice_enum!(
    /// How well a role needs a skill, lowest first.
    Proficiency { Familiar = "familiar", Proficient = "proficient", Expert = "expert" }
);
choice_enum!(
    /// What a learning resource is, for its icon and label.
    ResourceKind { Official = "official", Docs = "docs", Article = "article", Course = "course", Video = "video", Book = "book" }
);
choice_enum!(
    /// The unit of a phase duration.
    Unit { Weeks = "weeks", Months = "months" }
);

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub title: String,
    pub url: String,
    pub kind: ResourceKind,
}

#[derive(Debug, Clone)]
pub struct Skill {
    pub doc: Doc,
    /// Index into `Config::categories`.
    pub category: usize,
    pub difficulty: Difficulty,
    pub order: Option<i64>,
    pub applies: Option<String>,
    pub impact: Option<String>,
    pub tools: Vec<String>,
    pub prerequisites: Vec<At<String>>,
    pub related: Vec<At<String>>,
    pub resources: Vec<Resource>,
    pub aliases: Vec<At<Slug>>,
}

/// Years of experience; `max: None` reads "5+ years".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Experience {
    pub min: u32,
    pub max: Option<u32>,
}

/// A salary range in whole currency units per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Salary {
    pub region: String,
    /// ISO 4217 code, upper case.
    pub currency: String,
    pub min: u64,
    pub max: Option<u64>,
    pub open_ended: bool,
    /// Index into `Config::sources`.
    #[serde(skip)]
    pub source: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub doc: Doc,
    pub level: u8,
    pub experience: Option<Experience>,
    pub responsibilities: Vec<String>,
    pub skills: Vec<(At<String>, Proficiency)>,
    pub salary: Vec<Salary>,
    /// Indexes into `Config::paths`, in the order written (the first is
    /// the role's main path); empty for a role on no declared path.
    pub paths: Vec<usize>,
}

/// A phase's length. `max: None` is exactly `min`, unless `open_ended`
/// ("4+ months").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    pub min: f64,
    pub max: Option<f64>,
    pub unit: Unit,
    pub open_ended: bool,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub doc: Doc,
    /// Index into `Config::tracks`.
    pub track: usize,
    pub order: At<i64>,
    pub duration: Option<Duration>,
    pub focus: Vec<String>,
    pub skills: Vec<At<String>>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Doc,
    pub order: Option<i64>,
    pub in_menu: bool,
}

/// Any of the four kinds, while files are still being sorted.
#[derive(Debug, Clone)]
pub enum Entity {
    Skill(Skill),
    Role(Role),
    Phase(Phase),
    Page(Page),
}

impl Entity {
    pub fn kind(&self) -> Kind {
        match self {
            Entity::Skill(_) => Kind::Skill,
            Entity::Role(_) => Kind::Role,
            Entity::Phase(_) => Kind::Phase,
            Entity::Page(_) => Kind::Page,
        }
    }
    pub fn doc(&self) -> &Doc {
        match self {
            Entity::Skill(s) => &s.doc,
            Entity::Role(r) => &r.doc,
            Entity::Phase(p) => &p.doc,
            Entity::Page(p) => &p.doc,
        }
    }
    pub fn into_doc(self) -> Doc {
        match self {
            Entity::Skill(s) => s.doc,
            Entity::Role(r) => r.doc,
            Entity::Phase(p) => p.doc,
            Entity::Page(p) => p.doc,
        }
    }
    pub fn doc_mut(&mut self) -> &mut Doc {
        match self {
            Entity::Skill(s) => &mut s.doc,
            Entity::Role(r) => &mut r.doc,
            Entity::Phase(p) => &mut p.doc,
            Entity::Page(p) => &mut p.doc,
        }
    }
}

pub(super) enum ReadResult {
    Home(Doc),
    Entity(Entity),
    /// The file had errors, but its front matter was TOML: its body and
    /// references can still be checked.
    Partial(Partial),
}

/// A file that failed to become an entity, with what can still be checked:
/// its body (links, headings a fragment may name) and the skill slugs its
/// front matter references. `resolve` checks these too, so one run reports
/// every error of a handbook, not only those of the files that passed.
#[derive(Debug, Clone)]
pub struct Partial {
    pub kind: Kind,
    pub doc: Doc,
    /// Skill references of the front matter, each with what it is called
    /// in a message ("prerequisite", "required skill").
    pub refs: Vec<(At<String>, &'static str)>,
}

/// Where each kind's front matter names skills, and what a message calls
/// such a reference.
const REFERENCE_LISTS: &[(Kind, &str, &str)] = &[
    (Kind::Skill, "prerequisites", "prerequisite"),
    (Kind::Skill, "related", "related skill"),
    (Kind::Phase, "skills", "skill"),
];

/// The skill slugs of a failed file's front matter, read without a word
/// about their types (the file's own errors already say what is wrong).
fn loose_refs(kind: Kind, r: &Reader<'_>, t: &Table<'_, '_>) -> Vec<(At<String>, &'static str)> {
    let mut out = Vec::new();
    for &(k, key, what) in REFERENCE_LISTS {
        if k != kind {
            continue;
        }
        let Some(items) = t.inner.get(key).and_then(|v| v.get_ref().as_array()) else {
            continue;
        };
        for item in items.iter() {
            if let Some(s) = item.get_ref().as_str() {
                out.push((At::new(r.file_span(item.span()), s.to_string()), what));
            }
        }
    }
    if kind == Kind::Role
        && let Some(skills) = t.inner.get("skills").and_then(|v| v.get_ref().as_table())
    {
        for (key, _) in skills.iter() {
            let slug = At::new(r.file_span(key.span()), key.get_ref().to_string());
            out.push((slug, "required skill"));
        }
    }
    out
}

const SKILL_KEYS: &[&str] = &[
    "title",
    "summary",
    "category",
    "difficulty",
    "order",
    "applies",
    "impact",
    "tools",
    "prerequisites",
    "related",
    "resources",
    "aliases",
    "draft",
    "extra",
];
const ROLE_KEYS: &[&str] = &[
    "title",
    "summary",
    "level",
    "experience",
    "responsibilities",
    "skills",
    "salary",
    "paths",
    "draft",
    "extra",
];
const PHASE_KEYS: &[&str] = &[
    "title", "track", "order", "summary", "duration", "focus", "skills", "draft", "extra",
];
const PAGE_KEYS: &[&str] = &["title", "summary", "order", "in_menu", "draft", "extra"];

/// Reads one Markdown file of the given kind (`None` is the home page).
pub(super) fn read(
    config: &Config,
    kind: Option<Kind>,
    file: &Path,
    text: Arc<str>,
    slug: Slug,
    diags: &mut Diagnostics,
) -> Option<ReadResult> {
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(SplitError::Unclosed(span)) => {
            diags.push(
                Diagnostic::error(file, &text, span, "the front matter is never closed")
                    .with_help("add a line with only `+++` after the last front matter key"),
            );
            return None;
        }
        Err(SplitError::Yaml(span)) => {
            diags.push(
                Diagnostic::error(
                    file,
                    &text,
                    span,
                    "front matter must be TOML between `+++` lines, not YAML between `---`",
                )
                .with_help(
                    "replace both `---` lines with `+++` and write keys as `title = \"...\"`",
                ),
            );
            return None;
        }
    };
    let what = kind.map_or("the home page", |k| match k {
        Kind::Skill => "a skill",
        Kind::Role => "a role",
        Kind::Phase => "a phase",
        Kind::Page => "a page",
    });
    let toml_range = match (split.toml.clone(), kind) {
        (Some(r), _) => r,
        (None, None) => split.body.start..split.body.start,
        (None, Some(k)) => {
            diags.push(
                Diagnostic::error(file, &text, 0..0, format!("{what} needs front matter"))
                    .with_help(format!("start the file with `+++`, the {} keys (at least `title`), and another `+++`", k.name())),
            );
            return None;
        }
    };
    let toml = &text[toml_range.clone()];
    // Errors about the front matter as a whole point at its opening `+++`.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let opening = bom..bom + 3;
    let mut r = Reader::new(file, &text, toml_range.start).with_anchor(opening);
    let doc_table = r.parse(toml);
    let Some(doc_table) = doc_table else {
        diags.extend(std::mem::take(&mut r.diags));
        return None;
    };
    let t = Table {
        inner: doc_table.get_ref(),
        span: 0..0,
    };
    let keys = match kind {
        Some(Kind::Skill) => SKILL_KEYS,
        Some(Kind::Role) => ROLE_KEYS,
        Some(Kind::Phase) => PHASE_KEYS,
        Some(Kind::Page) | None => PAGE_KEYS,
    };
    r.check_keys(&t, keys, &format!("{what}'s front matter"));

    let title = r.string(&t, "title", kind.map(|_| what));
    let summary_required = matches!(kind, Some(Kind::Skill | Kind::Role | Kind::Phase));
    let summary = r.string(&t, "summary", summary_required.then_some(what));
    let draft = r.bool(&t, "draft").map(|b| *b.get_ref()).unwrap_or(false);
    let extra = r.extra(&t);
    let scan = body::scan(&text[split.body.clone()], split.body.start);
    let doc = Doc {
        file: file.to_path_buf(),
        text: text.clone(),
        slug,
        title: title
            .map(|t| t.into_inner())
            .unwrap_or_else(|| config.title.clone()),
        summary: summary.map(|s| s.into_inner()),
        draft,
        body: split.body,
        headings: scan.headings,
        links: scan.links,
        has_code: scan.has_code,
        updated: None,
        extra,
    };
    let result = match kind {
        None => {
            r.int(&t, "order", (i64::MIN, i64::MAX), None);
            r.bool(&t, "in_menu");
            Some(ReadResult::Home(doc))
        }
        Some(kind) => {
            let entity = match kind {
                Kind::Skill => read_skill(config, &mut r, &t, doc).map(Entity::Skill),
                Kind::Role => read_role(config, &mut r, &t, doc).map(Entity::Role),
                Kind::Phase => read_phase(config, &mut r, &t, doc).map(Entity::Phase),
                Kind::Page => {
                    let order = r
                        .int(&t, "order", (i64::MIN, i64::MAX), None)
                        .map(|o| o.into_inner());
                    let in_menu = r.bool(&t, "in_menu").is_some_and(|b| b.into_inner());
                    Ok(Entity::Page(Page {
                        doc,
                        order,
                        in_menu,
                    }))
                }
            };
            match entity {
                Ok(e) if !r.diags.has_errors() => Some(ReadResult::Entity(e)),
                Ok(e) => Some(partial(kind, e.into_doc(), &r, &t)),
                Err(doc) => Some(partial(kind, *doc, &r, &t)),
            }
        }
    };
    diags.extend(r.diags);
    result
}

fn partial(kind: Kind, doc: Doc, r: &Reader<'_>, t: &Table<'_, '_>) -> ReadResult {
    let refs = loose_refs(kind, r, t);
    ReadResult::Partial(Partial { kind, doc, refs })
}

fn unknown_id(r: &mut Reader<'_>, value: &At<String>, what: &str, ids: Vec<&str>) {
    // "category" → "categories" (also the `[[categories]]` table name).
    let whats = match what.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{what}s"),
    };
    let help = match did_you_mean(value.get_ref(), ids.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"? {whats} are defined in handbook.toml"),
        None if ids.is_empty() => {
            format!("handbook.toml defines no {whats}; add a `[[{whats}]]` entry there")
        }
        None => format!(
            "the {whats} in handbook.toml are: {}",
            ids.iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    r.error(
        value.span(),
        format!("unknown {what} \"{}\"", value.get_ref()),
    )
    .with_help(help);
}

fn read_skill(
    config: &Config,
    r: &mut Reader<'_>,
    t: &Table<'_, '_>,
    doc: Doc,
) -> Result<Skill, Box<Doc>> {
    const W: &str = "a skill";
    let category = r.string(t, "category", Some(W));
    let difficulty = r.choice(t, "difficulty", Difficulty::NAMES, Some(W));
    let order = r.int(t, "order", (i64::MIN, i64::MAX), None);
    let applies = r.string(t, "applies", None);
    let impact = r.string(t, "impact", None);
    let tools = r.strings(t, "tools", None).unwrap_or_default();
    let prerequisites = r.strings(t, "prerequisites", None).unwrap_or_default();
    let related = r.strings(t, "related", None).unwrap_or_default();
    let aliases_raw = r.strings(t, "aliases", None).unwrap_or_default();
    let mut resources = Vec::new();
    let resource_tables = r.tables(t, "resources");
    for (i, res) in resource_tables.iter().enumerate() {
        r.check_keys(res, &["title", "url", "kind"], "a resource");
        let title = r.string(res, "title", Some("a resource"));
        let url = r.string(res, "url", Some("a resource"));
        let kind = r.choice(res, "kind", ResourceKind::NAMES, Some("a resource"));
        if i == 8 {
            let span = r.table_span(res);
            r.error(span, "a skill lists at most 8 resources")
                .with_help("keep the best eight; readers follow the first few");
        }
        if let Some(u) = &url
            && !(u.get_ref().starts_with("https://") || u.get_ref().starts_with("http://"))
        {
            r.error(
                u.span(),
                "a resource's `url` must be an absolute http(s) URL",
            );
        }
        if let (Some(title), Some(url), Some(kind)) = (title, url, kind) {
            resources.push(Resource {
                title: title.into_inner(),
                url: url.into_inner(),
                kind: ResourceKind::ALL[*kind.get_ref()],
            });
        }
    }
    let mut aliases = Vec::new();
    for a in aliases_raw {
        match Slug::parse(a.get_ref()) {
            Ok(s) if s == doc.slug => {
                r.error(
                    a.span(),
                    format!("`{}` is this skill's own slug", a.get_ref()),
                )
                .with_help("aliases list the skill's old slugs, from before it was renamed");
            }
            Ok(s) => aliases.push(At::new(a.span(), s)),
            Err(why) => r
                .error(a.span(), format!("alias \"{}\" {why}", a.get_ref()))
                .with_help("an alias is an old slug: lowercase ASCII letters, digits and `-`"),
        }
    }
    let category_index = category.and_then(|c| match config.category(c.get_ref()) {
        Some(i) => Some(i),
        None => {
            unknown_id(
                r,
                &c,
                "category",
                config.categories.iter().map(|c| c.id.as_str()).collect(),
            );
            None
        }
    });
    let (Some(category), Some(difficulty)) = (category_index, difficulty) else {
        return Err(Box::new(doc));
    };
    Ok(Skill {
        doc,
        category,
        difficulty: Difficulty::ALL[*difficulty.get_ref()],
        order: order.map(|o| o.into_inner()),
        applies: applies.map(|a| a.into_inner()),
        impact: impact.map(|a| a.into_inner()),
        tools: tools.into_iter().map(|t| t.into_inner()).collect(),
        prerequisites,
        related,
        resources,
        aliases,
    })
}

fn read_role(
    config: &Config,
    r: &mut Reader<'_>,
    t: &Table<'_, '_>,
    doc: Doc,
) -> Result<Role, Box<Doc>> {
    const W: &str = "a role";
    let level = r.int(t, "level", (1, 9), Some(W));
    let responsibilities = r.strings(t, "responsibilities", Some(W));
    let experience = r.table(t, "experience").and_then(|e| {
        r.check_keys(&e, &["min", "max"], "`experience`");
        let min = r.int(&e, "min", (0, 60), Some("`experience`"));
        let max = r.int(&e, "max", (0, 60), None);
        if let (Some(a), Some(b)) = (&min, &max)
            && a.get_ref() > b.get_ref()
        {
            r.error(
                b.span(),
                format!(
                    "`experience.max` ({}) is less than `min` ({})",
                    b.get_ref(),
                    a.get_ref()
                ),
            )
            .with_help("leave `max` out for an open range (\"5+ years\")");
        }
        Some(Experience {
            min: u32::try_from(*min?.get_ref()).ok()?,
            max: max.and_then(|m| u32::try_from(m.into_inner()).ok()),
        })
    });
    let skills = match r.table(t, "skills") {
        Some(s) => r
            .choice_map(&s, "required level", Proficiency::NAMES)
            .into_iter()
            .map(|(slug, i)| (slug, Proficiency::ALL[i]))
            .collect(),
        None => Vec::new(),
    };
    let mut salary = Vec::new();
    for s in r.tables(t, "salary") {
        const S: &str = "a salary entry";
        r.check_keys(
            &s,
            &["region", "currency", "min", "max", "open_ended", "source"],
            S,
        );
        let region = r.string(&s, "region", Some(S));
        let currency = r.string(&s, "currency", Some(S));
        let min = r.int(&s, "min", (0, i64::MAX), Some(S));
        let max = r.int(&s, "max", (0, i64::MAX), None);
        let open_ended = r.bool(&s, "open_ended").is_some_and(|b| b.into_inner());
        let source = r.string(&s, "source", None);
        if let Some(c) = &currency
            && !(c.get_ref().len() == 3 && c.get_ref().chars().all(|ch| ch.is_ascii_uppercase()))
        {
            r.error(
                c.span(),
                format!("\"{}\" is not an ISO 4217 currency code", c.get_ref()),
            )
            .with_help("use three capital letters, e.g. \"INR\", \"USD\", \"EUR\", \"GBP\"");
        }
        if let Some(c) = &currency {
            for (key, value) in [("min", &min), ("max", &max)] {
                let Some(v) = value else { continue };
                let amount = u64::try_from(*v.get_ref()).unwrap_or(0);
                if let Some((message, help)) = super::salary::implausible(c.get_ref(), key, amount)
                {
                    r.error(v.span(), message).with_help(help);
                }
            }
        }
        if let (Some(a), Some(b)) = (&min, &max)
            && a.get_ref() > b.get_ref()
        {
            r.error(b.span(), format!("salary `max` ({}) is less than `min` ({})", b.get_ref(), a.get_ref()))
                .with_help("swap the two values, or leave `max` out and set `open_ended = true` for \"and above\"");
        }
        let source_index = source.and_then(|src| match config.source(src.get_ref()) {
            Some(i) => Some(Some(i)),
            None => {
                unknown_id(
                    r,
                    &src,
                    "source",
                    config.sources.iter().map(|s| s.id.as_str()).collect(),
                );
                None
            }
        });
        if let (Some(region), Some(currency), Some(min)) = (region, currency, min) {
            salary.push(Salary {
                region: region.into_inner(),
                currency: currency.into_inner(),
                min: u64::try_from(min.into_inner()).unwrap_or(0),
                max: max.and_then(|m| u64::try_from(m.into_inner()).ok()),
                open_ended,
                source: source_index.flatten(),
            });
        }
    }
    let mut paths = Vec::new();
    for p in r.strings(t, "paths", None).unwrap_or_default() {
        match config.path(p.get_ref()) {
            Some(i) if !paths.contains(&i) => paths.push(i),
            Some(_) => {}
            None => unknown_id(
                r,
                &p,
                "path",
                config.paths.iter().map(|p| p.id.as_str()).collect(),
            ),
        }
    }
    let level = level.and_then(|l| u8::try_from(*l.get_ref()).ok());
    let (Some(level), Some(responsibilities)) = (level, responsibilities) else {
        return Err(Box::new(doc));
    };
    Ok(Role {
        doc,
        level,
        experience,
        responsibilities: responsibilities
            .into_iter()
            .map(|s| s.into_inner())
            .collect(),
        skills,
        salary,
        paths,
    })
}

fn read_phase(
    config: &Config,
    r: &mut Reader<'_>,
    t: &Table<'_, '_>,
    doc: Doc,
) -> Result<Phase, Box<Doc>> {
    const W: &str = "a phase";
    let track = r.string(t, "track", Some(W));
    let order = r.int(t, "order", (i64::MIN, i64::MAX), Some(W));
    let focus = r.strings(t, "focus", None).unwrap_or_default();
    let skills = r.strings(t, "skills", None).unwrap_or_default();
    let duration = r.table(t, "duration").and_then(|d| {
        const D: &str = "`duration`";
        r.check_keys(&d, &["min", "max", "unit", "open_ended"], D);
        let min = r.number(&d, "min", Some(D));
        let max = r.number(&d, "max", None);
        let unit = r.choice(&d, "unit", Unit::NAMES, Some(D));
        let open_ended = r.bool(&d, "open_ended").is_some_and(|b| b.into_inner());
        if let (Some(a), Some(b)) = (&min, &max)
            && a.get_ref() > b.get_ref()
        {
            r.error(
                b.span(),
                format!(
                    "`duration.max` ({}) is less than `min` ({})",
                    b.get_ref(),
                    a.get_ref()
                ),
            )
            .with_help("swap the two values");
        }
        if let (Some(_), true) = (&max, open_ended) {
            let span = r.span_of(&d, "open_ended").unwrap_or(0..0);
            r.error(span, "an open-ended duration has no `max`")
                .with_help("remove `max` (\"4+ months\") or remove `open_ended`");
        }
        Some(Duration {
            min: min?.into_inner(),
            max: max.map(|m| m.into_inner()),
            unit: Unit::ALL[*unit?.get_ref()],
            open_ended,
        })
    });
    let track_index = track.and_then(|tr| match config.track(tr.get_ref()) {
        Some(i) => Some(i),
        None => {
            unknown_id(
                r,
                &tr,
                "track",
                config.tracks.iter().map(|t| t.id.as_str()).collect(),
            );
            None
        }
    });
    let (Some(track), Some(order)) = (track_index, order) else {
        return Err(Box::new(doc));
    };
    Ok(Phase {
        doc,
        track,
        order,
        duration,
        focus: focus.into_iter().map(|f| f.into_inner()).collect(),
        skills,
    })
}
