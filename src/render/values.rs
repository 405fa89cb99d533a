//! Template values of the parts a large handbook repeats on its list
//! pages, kept by a `serve` session between runs.
//!
//! A page's view is serialized into template values before Tera renders
//! it. For the handful of pages that show every skill (`site.categories`,
//! `site.tracks`, the matrix rows, the track and roadmap pages) that is
//! ten thousand cards each at 10,000 skills, made again on every edit
//! although the edit changed one of them. Values share their data, so a
//! list of kept values is put together at the cost of copying pointers;
//! after an edit that keeps an entry's shape, [`Values::refresh`] makes
//! again only the values that show it.
//!
//! Each list is assembled as the serializer would make it: the enclosing
//! view is serialized with an empty list, and the kept values put in its
//! place. `tests/session.rs` compares every page with a fresh build's.

use rayon::prelude::*;
use tera::Value;

use super::views::{self, Cards, SameCards};
use crate::content::Kind;
use crate::resolve::{PageRef, Site};

pub struct Values {
    /// Per skill, its card.
    skill_cards: Vec<Value>,
    /// Per phase, its entry in a track view.
    track_phases: Vec<Value>,
    /// Per skill, its row of the matrix, and the cells it was made with.
    matrix_rows: Vec<Value>,
    matrix_cells: Vec<Vec<&'static str>>,
}

impl Values {
    pub fn new(site: &Site, cards: &Cards) -> Self {
        Self::made(site, cards, None)
    }

    /// The values of `cards` after an edit the session resolved the whole
    /// site again for (an entry moved in its list, or its relations
    /// changed): made again only where the card, or what else a value is
    /// made from, differs from the last build's (`same` gives, per card,
    /// the index of the same one in that build, whose values are `old`).
    pub fn reusing(site: &Site, cards: &Cards, same: &SameCards, old: &Values) -> Self {
        Self::made(site, cards, Some((same, old)))
    }

    /// The values of `cards`, those of cards the same as the last build's
    /// taken from its values (none without).
    fn made(site: &Site, cards: &Cards, kept: Option<(&SameCards, &Values)>) -> Self {
        // The last build's index of skill `i` and its values, if its card
        // is the same.
        let same_skill = |i: usize| {
            let (same, old) = kept?;
            let j = (*same.skills.get(i)?)?;
            (j < old.skill_cards.len() && j < old.matrix_rows.len()).then_some((j, old))
        };
        let ((skill_cards, (matrix_rows, matrix_cells)), track_phases) = rayon::join(
            || {
                let n = site.skills.len();
                let cards_of = (0..n)
                    .into_par_iter()
                    .map(|i| match same_skill(i) {
                        Some((j, old)) => old.skill_cards[j].clone(),
                        None => skill_card(cards, i),
                    })
                    .collect();
                let rows = (0..n)
                    .into_par_iter()
                    .map(|i| {
                        let cells = views::matrix_cells(site, i);
                        let row = match same_skill(i) {
                            Some((j, old)) if old.matrix_cells.get(j) == Some(&cells) => {
                                old.matrix_rows[j].clone()
                            }
                            _ => matrix_row(cards, i, cells.clone()),
                        };
                        (row, cells)
                    })
                    .unzip();
                (cards_of, rows)
            },
            || {
                (0..site.phases.len())
                    .into_par_iter()
                    .map(|p| {
                        let kept = kept.and_then(|(same, old)| {
                            let j = (*same.phases.get(p)?)?;
                            old.track_phases.get(j).cloned()
                        });
                        kept.unwrap_or_else(|| track_phase(cards, p))
                    })
                    .collect()
            },
        );
        Values {
            skill_cards,
            track_phases,
            matrix_rows,
            matrix_cells,
        }
    }

    /// Makes again the values that show `r`, whose cards were refreshed
    /// ([`views::refresh_card`]): a skill's card and matrix row, and the
    /// track entries of the phases that build it; a phase's track entry.
    pub fn refresh(&mut self, site: &Site, cards: &Cards, r: PageRef) {
        match r {
            PageRef::Entity(Kind::Skill, i) if i < self.skill_cards.len() => {
                self.skill_cards[i] = skill_card(cards, i);
                let cells = views::matrix_cells(site, i);
                self.matrix_rows[i] = matrix_row(cards, i, cells.clone());
                if let Some(kept) = self.matrix_cells.get_mut(i) {
                    *kept = cells;
                }
                for &p in &site.skill_relations[i].phases {
                    if p < self.track_phases.len() {
                        self.track_phases[p] = track_phase(cards, p);
                    }
                }
            }
            PageRef::Entity(Kind::Phase, p) if p < self.track_phases.len() => {
                self.track_phases[p] = track_phase(cards, p);
            }
            _ => {}
        }
    }

    /// `site.categories`.
    pub fn categories(&self, site: &Site) -> Value {
        let list: Vec<Value> = (0..site.config.categories.len())
            .map(|ci| {
                let skills = views::category_skills(site, ci)
                    .filter_map(|i| self.skill_cards.get(i).cloned())
                    .collect();
                with_list(&views::category_shell(site, ci), "skills", skills)
            })
            .collect();
        Value::from(list)
    }

    /// Track `i`'s view (`site.tracks` has them without `root`).
    pub fn track(&self, site: &Site, cards: &Cards, i: usize, root: Option<&str>) -> Value {
        let phases = site.tracks[i]
            .phases
            .iter()
            .filter_map(|&p| self.track_phases.get(p).cloned())
            .collect();
        with_list(&views::track_shell(site, cards, i, root), "phases", phases)
    }

    /// Every track's view.
    pub fn tracks(&self, site: &Site, cards: &Cards, root: Option<&str>) -> Value {
        let list: Vec<Value> = (0..site.tracks.len())
            .map(|i| self.track(site, cards, i, root))
            .collect();
        Value::from(list)
    }

    /// The matrix page's `rows`.
    pub fn matrix_rows(&self) -> Value {
        Value::from(self.matrix_rows.clone())
    }
}

fn skill_card(cards: &Cards, i: usize) -> Value {
    Value::from_serializable(&cards.skills[i])
}

fn track_phase(cards: &Cards, p: usize) -> Value {
    Value::from_serializable(&views::track_phase(cards, p))
}

fn matrix_row(cards: &Cards, i: usize, cells: Vec<&'static str>) -> Value {
    Value::from_serializable(&views::matrix_row_with(cards, i, cells))
}

/// `shell` serialized, with `items` as its `key` list (the shell's own,
/// serialized from an empty list, is replaced).
fn with_list<T: serde::Serialize>(shell: &T, key: &'static str, items: Vec<Value>) -> Value {
    let value = Value::from_serializable(shell);
    match value.clone().into_map() {
        Some(mut map) => {
            map.insert(key.into(), Value::from(items));
            Value::from(map)
        }
        None => value,
    }
}
