//! The relations the contract says are computed, never written by hand.

use std::collections::BTreeSet;

use serde::Serialize;

use super::timeline::{self, Weeks};
use crate::config::Config;
use crate::content::{Handbook, Kind, Proficiency, Unit};

#[derive(Debug, Clone, Default)]
pub struct SkillRelations {
    /// Roles that need the skill, with the level they need, by role order.
    pub roles: Vec<(usize, Proficiency)>,
    /// Phases that build it, in track order.
    pub phases: Vec<usize>,
    pub prerequisites: Vec<usize>,
    /// Skills that list this one as a prerequisite.
    pub unlocks: Vec<usize>,
    /// Related both ways: listed here or listing this skill.
    pub related: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct RoleRelations {
    /// Required skills, highest level first, then in skill order.
    pub skills: Vec<(usize, Proficiency)>,
    /// The role's place on each career path it is on, its main path
    /// first; a role on no declared path has one step on the ladder of
    /// every such role.
    pub steps: Vec<Step>,
    /// The neighbours on the first of `steps`: what a theme that knows
    /// nothing of paths shows.
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

/// A role's neighbours on one career path (by level, then title).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Step {
    /// Index into `Config::paths`; `None` for the ladder of the roles that
    /// name no path (every role, in a handbook without paths).
    pub path: Option<usize>,
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

/// Each role's steps, given each role's paths. Roles come in ladder order
/// (level, then title), so a path's members in that order are its ladder.
fn steps(paths_of: &[&[usize]]) -> Vec<Vec<Step>> {
    let on = |path: Option<usize>| -> Vec<usize> {
        (0..paths_of.len())
            .filter(|&r| match path {
                Some(p) => paths_of[r].contains(&p),
                None => paths_of[r].is_empty(),
            })
            .collect()
    };
    (0..paths_of.len())
        .map(|r| {
            let paths: Vec<Option<usize>> = if paths_of[r].is_empty() {
                vec![None]
            } else {
                paths_of[r].iter().map(|&p| Some(p)).collect()
            };
            paths
                .into_iter()
                .map(|path| {
                    let members = on(path);
                    let k = members.iter().position(|&m| m == r).unwrap_or(0);
                    Step {
                        path,
                        previous: k.checked_sub(1).map(|j| members[j]),
                        next: members.get(k + 1).copied(),
                    }
                })
                .collect()
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct PhaseRelations {
    pub previous: Option<usize>,
    pub next: Option<usize>,
    /// Offset from the start of the track to this phase's start and end;
    /// `None` when an earlier phase (or this one) has no duration.
    pub start: Option<Weeks>,
    pub end: Option<Weeks>,
}

/// A track with its phases in order and its total length.
#[derive(Debug, Clone, Serialize)]
pub struct Track {
    /// Index into `Config::tracks`.
    pub config: usize,
    pub phases: Vec<usize>,
    /// `None` if any phase has no duration.
    pub total: Option<Weeks>,
    /// The unit the track's offsets are shown in.
    pub unit: Unit,
}

pub struct Relations {
    pub skills: Vec<SkillRelations>,
    pub roles: Vec<RoleRelations>,
    pub phases: Vec<PhaseRelations>,
    pub tracks: Vec<Track>,
}

pub fn compute(config: &Config, hb: &Handbook, index: &super::Index) -> Relations {
    let skill = |slug: &String| index.get(Kind::Skill, slug);
    let n = hb.skills.len();
    let mut skills = vec![SkillRelations::default(); n];
    let mut related: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (i, s) in hb.skills.iter().enumerate() {
        let mut prereqs: Vec<usize> = s
            .prerequisites
            .iter()
            .filter_map(|p| skill(p.get_ref()))
            .filter(|&j| j != i)
            .collect();
        prereqs.sort_unstable();
        prereqs.dedup();
        for &p in &prereqs {
            skills[p].unlocks.push(i);
        }
        skills[i].prerequisites = prereqs;
        for r in s.related.iter().filter_map(|p| skill(p.get_ref())) {
            if r != i {
                related[i].insert(r);
                related[r].insert(i);
            }
        }
    }
    for (i, set) in related.into_iter().enumerate() {
        skills[i].related = set.into_iter().collect();
    }

    let mut roles = vec![RoleRelations::default(); hb.roles.len()];
    for (ri, r) in hb.roles.iter().enumerate() {
        let mut needed: Vec<(usize, Proficiency)> = r
            .skills
            .iter()
            .filter_map(|(slug, p)| skill(slug.get_ref()).map(|i| (i, *p)))
            .collect();
        needed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        needed.dedup_by_key(|x| x.0);
        for &(si, p) in &needed {
            skills[si].roles.push((ri, p));
        }
        roles[ri].skills = needed;
    }
    let paths_of: Vec<&[usize]> = hb.roles.iter().map(|r| r.paths.as_slice()).collect();
    for (rel, steps) in roles.iter_mut().zip(steps(&paths_of)) {
        rel.previous = steps.first().and_then(|s| s.previous);
        rel.next = steps.first().and_then(|s| s.next);
        rel.steps = steps;
    }

    let mut phases = vec![PhaseRelations::default(); hb.phases.len()];
    let mut tracks = Vec::new();
    for (ti, _) in config.tracks.iter().enumerate() {
        let members: Vec<usize> = (0..hb.phases.len())
            .filter(|&p| hb.phases[p].track == ti)
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut offset = Some(Weeks::default());
        for (k, &p) in members.iter().enumerate() {
            phases[p].previous = k.checked_sub(1).map(|j| members[j]);
            phases[p].next = members.get(k + 1).copied();
            phases[p].start = offset;
            offset = match (offset, &hb.phases[p].duration) {
                (Some(o), Some(d)) => Some(o.plus(Weeks::of(d))),
                _ => None,
            };
            phases[p].end = offset;
            for s in hb.phases[p]
                .skills
                .iter()
                .filter_map(|s| skill(s.get_ref()))
            {
                if !skills[s].phases.contains(&p) {
                    skills[s].phases.push(p);
                }
            }
        }
        let unit = timeline::track_unit(
            members
                .iter()
                .filter_map(|&p| hb.phases[p].duration.as_ref()),
        );
        tracks.push(Track {
            config: ti,
            phases: members,
            total: offset,
            unit,
        });
    }
    for s in &mut skills {
        s.unlocks.sort_unstable();
        s.roles.sort_by_key(|x| x.0);
    }
    Relations {
        skills,
        roles,
        phases,
        tracks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(path: Option<usize>, previous: Option<usize>, next: Option<usize>) -> Step {
        Step {
            path,
            previous,
            next,
        }
    }

    #[test]
    fn without_paths_every_role_is_on_one_ladder() {
        let none: &[usize] = &[];
        let s = steps(&[none, none, none]);
        assert_eq!(s[0], vec![step(None, None, Some(1))]);
        assert_eq!(s[1], vec![step(None, Some(0), Some(2))]);
        assert_eq!(s[2], vec![step(None, Some(1), None)]);
    }

    /// Roles 0..6 in level order. Path 0 (engineering): 0, 2, 3, 5.
    /// Path 1 (management): 3, 4, 5. Role 1 is on no path, role 6 neither:
    /// they make their own ladder.
    #[test]
    fn paths_branch_and_meet() {
        let s = steps(&[&[0], &[], &[0], &[0, 1], &[1], &[1, 0], &[]]);
        assert_eq!(s[2], vec![step(Some(0), Some(0), Some(3))]);
        // A senior engineer steps down to the engineer, not to role 1,
        // and up either path.
        assert_eq!(
            s[3],
            vec![
                step(Some(0), Some(2), Some(5)),
                step(Some(1), None, Some(4))
            ]
        );
        // The top of both paths: its main path is the one named first.
        assert_eq!(
            s[5],
            vec![step(Some(1), Some(4), None), step(Some(0), Some(3), None)]
        );
        assert_eq!(s[1], vec![step(None, None, Some(6))]);
        assert_eq!(s[6], vec![step(None, Some(1), None)]);
    }
}
