//! The SVG figures of a page, made from its cards: a salary chart per
//! currency column, and each track's timeline and roadmap diagram. The
//! drawing itself is `charts`'; this module decides what each figure
//! shows and how it is described for screen readers.

use std::collections::HashMap;

use super::charts;
use super::views::{Cards, Chart, LinkView};
use crate::content::Kind;
use crate::labels::Labels;
use crate::resolve::Site;

/// How an axis value reads in a currency's convention.
fn tick_label(currency: &str) -> Box<dyn Fn(f64) -> String> {
    let (sym, div, suffix) = match currency {
        "INR" => ("₹", 100_000.0, "L"),
        "USD" => ("$", 1000.0, "k"),
        "EUR" => ("€", 1000.0, "k"),
        "GBP" => ("£", 1000.0, "k"),
        _ => ("", 1000.0, "k"),
    };
    Box::new(move |v: f64| {
        if v == 0.0 {
            "0".to_string()
        } else {
            format!("{sym}{}{suffix}", crate::resolve::timeline::number(v / div))
        }
    })
}

fn chart_id(text: &str) -> String {
    crate::content::heading_id(text)
}

/// One range chart per salary column, a bar per role and figure.
pub fn salary_charts(cards: &Cards, labels: &Labels) -> Vec<Chart> {
    cards
        .columns
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let bars: Vec<charts::RangeBar> = cards
                .roles
                .iter()
                .flat_map(|r| {
                    let many = r.salary_cells[ci].len() > 1;
                    r.salary_cells[ci].iter().map(move |s| charts::RangeBar {
                        label: r.link.title.clone(),
                        min: s.min as f64,
                        max: s.max.map(|m| m as f64),
                        open_ended: s.open_ended,
                        value_label: match (many, s.source_number) {
                            (true, Some(n)) => format!("{} [{n}]", s.label),
                            _ => s.label.clone(),
                        },
                    })
                })
                .collect();
            let title = labels.fill("salary_chart", &[("column", &c.title)]);
            let desc = labels.fill("salary_chart_description", &[("column", &c.title)]);
            Chart {
                svg: charts::range_chart(
                    &format!("salaries-{}", chart_id(&c.title)),
                    &title,
                    &desc,
                    &bars,
                    &*tick_label(&c.currency),
                ),
                title,
            }
        })
        .collect()
}

pub fn timeline(site: &Site, cards: &Cards, i: usize, root: &str) -> Option<String> {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    let mut spans = Vec::new();
    for &p in &t.phases {
        let rel = &site.phase_relations[p];
        let (start, end) = (rel.start?, rel.end?);
        spans.push(charts::Span {
            label: format!("{}. {}", cards.phases[p].order, cards.phases[p].link.title),
            url: cards.phases[p].link.url.clone(),
            start_min: start.min,
            start_max: start.max,
            end_min: end.min,
            end_max: end.max,
            open: end.open,
        });
    }
    let labels = &site.config.labels;
    let (unit_weeks, unit_key) = match t.unit {
        crate::content::Unit::Weeks => (1.0, "weeks"),
        crate::content::Unit::Months => (crate::resolve::timeline::WEEKS_PER_MONTH, "month_units"),
    };
    let total = t
        .total
        .map(|w| w.label_in(t.unit, labels))
        .unwrap_or_default();
    let phases = labels.fill("count_phases", &[("n", &spans.len().to_string())]);
    let desc = labels.fill(
        "timeline_chart_description",
        &[("phases", &phases), ("total", &total)],
    );
    let tick = |v: f64| {
        if v == 0.0 {
            labels.get("start").to_string()
        } else {
            labels.fill(unit_key, &[("n", &crate::resolve::timeline::number(v))])
        }
    };
    Some(charts::timeline(
        &format!("timeline-{}", named.id),
        &labels.fill("timeline_chart", &[("track", &named.title)]),
        &desc,
        &spans,
        unit_weeks,
        &tick,
        root,
    ))
}

pub fn roadmap(site: &Site, cards: &Cards, i: usize, root: &str) -> String {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    let phases: Vec<charts::Node> = t
        .phases
        .iter()
        .map(|&p| charts::Node {
            label: format!("{}. {}", cards.phases[p].order, cards.phases[p].link.title),
            url: cards.phases[p].link.url.clone(),
            skill: None,
        })
        .collect();
    let mut skills: Vec<&LinkView> = Vec::new();
    let mut edges = Vec::new();
    for (pi, &p) in t.phases.iter().enumerate() {
        for s in cards.phase_skills[p].iter() {
            let k = match skills.iter().position(|x| x.slug == s.slug) {
                Some(k) => k,
                None => {
                    skills.push(s);
                    skills.len() - 1
                }
            };
            edges.push((pi, k));
        }
    }
    let skill_nodes: Vec<charts::Node> = skills.iter().map(|s| skill_node(s)).collect();
    let rows: Vec<Option<usize>> = skills
        .iter()
        .map(|s| site.find(Kind::Skill, &s.slug))
        .collect();
    let prereqs = prerequisite_rows(site, &rows);
    let labels = &site.config.labels;
    let mut desc = labels.fill(
        "roadmap_chart_description",
        &[
            (
                "phases",
                &labels.fill("count_phases", &[("n", &phases.len().to_string())]),
            ),
            (
                "skills",
                &labels.fill("count_skills", &[("n", &skill_nodes.len().to_string())]),
            ),
        ],
    );
    if !prereqs.is_empty() {
        desc.push(' ');
        desc.push_str(labels.get("roadmap_prerequisites"));
    }
    charts::roadmap(
        &format!("roadmap-{}", named.id),
        &labels.fill("roadmap_chart", &[("track", &named.title)]),
        &desc,
        &phases,
        &skill_nodes,
        &edges,
        &prereqs,
        root,
    )
}

/// A skill's node: a link the progress script can colour.
fn skill_node(link: &LinkView) -> charts::Node {
    charts::Node {
        label: link.title.clone(),
        url: link.url.clone(),
        skill: Some(link.slug.clone()),
    }
}

/// Every "prerequisite → skill" pair among the skills drawn in `rows`
/// (their indexes in the site, by row), as row pairs.
fn prerequisite_rows(site: &Site, rows: &[Option<usize>]) -> Vec<(usize, usize)> {
    let row_of: HashMap<usize, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(row, skill)| skill.map(|s| (s, row)))
        .collect();
    let mut out = Vec::new();
    for (row, skill) in rows.iter().enumerate() {
        let Some(skill) = skill else { continue };
        for p in &site.skill_relations[*skill].prerequisites {
            if let Some(&from) = row_of.get(p) {
                out.push((from, row));
            }
        }
    }
    out
}

/// The most skills the map of all skills is drawn for: one row each, so
/// past this the figure is taller than anyone would read.
pub const SKILL_MAP_AT_MOST: usize = 300;

/// Every skill in the order to learn them (those with no prerequisites
/// first, each after the skills it builds on, then in the skills list's
/// order), with the prerequisite arcs; `None` when the handbook has no
/// prerequisites or more than [`SKILL_MAP_AT_MOST`] skills.
pub fn skill_map(site: &Site, cards: &Cards, root: &str) -> Option<String> {
    let n = site.skills.len();
    if n > SKILL_MAP_AT_MOST
        || site
            .skill_relations
            .iter()
            .all(|r| r.prerequisites.is_empty())
    {
        return None;
    }
    // Depth: 0 without prerequisites, else one more than the deepest of
    // them. Prerequisites form no cycle (resolve checks), so the passes
    // settle within `n` rounds.
    let mut depth = vec![0usize; n];
    for _ in 0..n {
        let mut moved = false;
        for i in 0..n {
            let d = site.skill_relations[i]
                .prerequisites
                .iter()
                .map(|&p| depth[p] + 1)
                .max()
                .unwrap_or(0);
            if d != depth[i] {
                depth[i] = d;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let mut order: Vec<usize> = (0..site.config.categories.len())
        .flat_map(|ci| super::cards::category_skills(site, ci))
        .collect();
    order.sort_by_key(|&i| depth[i]);
    let nodes: Vec<charts::Node> = order
        .iter()
        .map(|&i| skill_node(&cards.skills[i].link))
        .collect();
    let rows: Vec<Option<usize>> = order.iter().map(|&i| Some(i)).collect();
    let labels = &site.config.labels;
    Some(charts::skill_map(
        "skill-map",
        labels.get("skill_map"),
        labels.get("skill_map_description"),
        &nodes,
        &prerequisite_rows(site, &rows),
        root,
    ))
}

/// One range chart per salary column the role has figures in, a bar per
/// source.
pub fn role_salary_charts(cards: &Cards, i: usize, labels: &Labels) -> Vec<Chart> {
    let card = &cards.roles[i];
    cards
        .columns
        .iter()
        .enumerate()
        .filter(|(ci, _)| !card.salary_cells[*ci].is_empty())
        .map(|(ci, c)| {
            let bars: Vec<charts::RangeBar> = card.salary_cells[ci]
                .iter()
                .map(|s| charts::RangeBar {
                    label: match s.source_number {
                        Some(n) => format!("{} [{n}]", c.region),
                        None => c.region.clone(),
                    },
                    min: s.min as f64,
                    max: s.max.map(|m| m as f64),
                    open_ended: s.open_ended,
                    value_label: s.label.clone(),
                })
                .collect();
            let slots = [("role", card.link.title.as_str()), ("column", &c.title)];
            let title = labels.fill("role_salary_chart", &slots);
            let desc = labels.fill("role_salary_chart_description", &slots);
            Chart {
                svg: charts::range_chart(
                    &format!("salary-{}", chart_id(&c.title)),
                    &title,
                    &desc,
                    &bars,
                    &*tick_label(&c.currency),
                ),
                title,
            }
        })
        .collect()
}
