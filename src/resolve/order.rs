//! The order of each list, and the checks on it: prerequisite cycles,
//! clashing phase orders, skill aliases and page slugs.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use super::RESERVED;
use super::site::Index;
use crate::content::{Handbook, Kind, Page, Phase, Role, Skill, Slug};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// Puts every list in the order pages show it.
pub(super) fn sort(hb: &mut Handbook) {
    sort_by_moving_once(&mut hb.skills, skill_order);
    sort_by_moving_once(&mut hb.roles, role_order);
    sort_by_moving_once(&mut hb.phases, phase_order);
    sort_by_moving_once(&mut hb.pages, page_order);
    hb.assets.sort_by(|a, b| a.out.cmp(&b.out));
}

/// A stable sort that moves each element once: an entity is a few hundred
/// bytes, and a merge sort of ten thousand of them spends most of its time
/// copying them around. A list already in order is left alone.
fn sort_by_moving_once<T>(v: &mut Vec<T>, order: fn(&T, &T) -> Ordering) {
    if v.is_sorted_by(|a, b| order(a, b).is_le()) {
        return;
    }
    let mut at: Vec<usize> = (0..v.len()).collect();
    at.sort_by(|&a, &b| order(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    *v = at.into_iter().filter_map(|i| slots[i].take()).collect();
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

/// Reports two phases of a track with the same `order` at the one the
/// author most likely just wrote: the newer in git history (a file not
/// committed yet is the newest); at both when history cannot tell. The
/// help names the other file and the next order free in the track.
pub(super) fn check_phase_orders(phases: &[Phase], diags: &mut Diagnostics) {
    let mut seen: HashMap<(usize, i64), &Phase> = HashMap::new();
    for p in phases {
        let key = (p.track, *p.order.get_ref());
        let Some(first) = seen.get(&key) else {
            seen.insert(key, p);
            continue;
        };
        let free = next_free_order(phases, p.track, *p.order.get_ref());
        // Not in history (`None`) counts as newest.
        let age = |x: &Phase| x.doc.updated.map_or(i64::MAX, |t| t.0);
        let at: Vec<(&Phase, &Phase)> = match age(p).cmp(&age(first)) {
            Ordering::Greater => vec![(p, first)],
            Ordering::Less => vec![(first, p)],
            Ordering::Equal => vec![(first, p), (p, first)],
        };
        for (here, other) in at {
            diags.push(
                Diagnostic::error(
                    &here.doc.file,
                    &here.doc.text,
                    here.order.span(),
                    format!(
                        "`order = {}` is already taken in this track",
                        here.order.get_ref()
                    ),
                )
                .with_help(format!(
                    "`{}` has the same order; give each phase of a track its own position: the next free one is `order = {free}`",
                    display_path(&other.doc.file)
                )),
            );
        }
    }
}

/// The smallest order above `from` that no phase of `track` has.
fn next_free_order(phases: &[Phase], track: usize, from: i64) -> i64 {
    let taken: BTreeSet<i64> = phases
        .iter()
        .filter(|p| p.track == track)
        .map(|p| *p.order.get_ref())
        .collect();
    let mut n = from.saturating_add(1);
    while taken.contains(&n) && n < i64::MAX {
        n += 1;
    }
    n
}

/// Reports each prerequisite cycle once, naming every skill in it.
pub(super) fn check_cycles(skills: &[Skill], index: &Index, diags: &mut Diagnostics) {
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

pub(super) fn check_aliases(
    skills: &[Skill],
    index: &Index,
    diags: &mut Diagnostics,
) -> Vec<(Slug, usize)> {
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

pub(super) fn check_page_slugs(pages: &[Page], static_names: &[String], diags: &mut Diagnostics) {
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
}
