//! Resolve: the stage that sees the whole handbook at once.
//!
//! It checks every reference (front matter lists, body links, `#fragments`,
//! co-located files) against the finished index, rejects prerequisite
//! cycles and clashing orders, and computes what authors never write by
//! hand: backlinks, the relations between skills, roles and phases, and
//! track timelines. The result, [`Site`], is read-only for every later
//! stage.

mod order;
mod refs;
mod relations;
mod site;
pub mod timeline;

pub use refs::percent_decode;
pub use relations::{PhaseRelations, RoleRelations, SkillRelations, Track};
pub use site::{PageRef, Site};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Doc, Handbook, Kind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use order::{check_aliases, check_cycles, check_page_slugs, check_phase_orders, sort};
use refs::{Checker, asset_files, backlinks, pages_of};
use site::Index;

/// Page slugs that would shadow a generated section.
pub const RESERVED: &[&str] = &["skills", "roles", "phases", "tracks", "matrix", "assets"];

/// Cross-checks the handbook and computes relations. `static_names` are the
/// top-level names of `static/`, which free pages must not shadow.
pub fn resolve(config: Config, mut hb: Handbook, static_names: &[String]) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    sort(&mut hb);
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
        partial: &hb.partial,
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
    // Files with errors of their own: their references and links are
    // checked as well, so one run reports every error (backlinks from
    // them would lead to pages that are not built).
    for p in &hb.partial {
        for (slug, what) in &p.refs {
            checker.reference(
                &p.doc,
                Kind::Skill,
                slug.get_ref(),
                slug.span(),
                what,
                &mut diags,
            );
        }
        checker.body_links(&p.doc, &asset_files, None, &mut diags, &mut Vec::new());
    }
    check_phase_orders(&hb.phases, &mut diags);
    check_cycles(&hb.skills, &index, &mut diags);
    let aliases = check_aliases(&hb.skills, &index, &mut diags);
    check_page_slugs(&hb.pages, static_names, &mut diags);

    missing_labels(&config, &mut diags);
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

/// A warning naming the labels shown in English because the language's
/// table (if roadbook ships one) and `[labels]` both lack them.
fn missing_labels(config: &Config, diags: &mut Diagnostics) {
    let missing = &config.labels.missing;
    let Some(first) = missing.first() else {
        return;
    };
    const SHOWN: usize = 12;
    let mut names: Vec<String> = missing
        .iter()
        .take(SHOWN)
        .map(|k| format!("`{k}`"))
        .collect();
    if missing.len() > SHOWN {
        names.push(format!("and {} more", missing.len() - SHOWN));
    }
    let english = crate::labels::english(first).unwrap_or_default();
    diags.push(
        Diagnostic::file_error(
            std::path::Path::new(crate::config::CONFIG_FILE),
            format!(
                "{} {} of the theme {} no text in language \"{}\" and {} shown in English: {}",
                missing.len(),
                crate::diagnostic::plural(missing.len(), "label"),
                if missing.len() == 1 { "has" } else { "have" },
                config.language,
                if missing.len() == 1 { "is" } else { "are" },
                names.join(", ")
            ),
        )
        .with_help(format!(
            "roadbook ships labels for \"en\" and \"hi\"; translate the others in a `[labels]` table in handbook.toml, e.g. `{first} = \"...\"` for \"{english}\" (docs/templates.md lists every label)"
        ))
        .warning(),
    );
}
