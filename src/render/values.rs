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
use tera::{Map, Value};

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
    /// Per skill, its link, as a comparison's rows show it.
    skill_links: Vec<Value>,
    /// Per role, its card, as a comparison shows it. With every skill the
    /// role needs among its fields, a card was most of what a comparison
    /// took to make: a millisecond each, nine comparisons for a skill's
    /// new title at 10,000 skills.
    role_cards: Vec<Value>,
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
            (j < old.skill_cards.len() && j < old.matrix_rows.len() && j < old.skill_links.len())
                .then_some((j, old))
        };
        let ((skill_cards, (matrix_rows, matrix_cells)), track_phases) = rayon::join(
            || {
                let n = site.skills.len();
                let cards_of: (Vec<Value>, Vec<Value>) = (0..n)
                    .into_par_iter()
                    .map(|i| match same_skill(i) {
                        Some((j, old)) => (old.skill_cards[j].clone(), old.skill_links[j].clone()),
                        None => (skill_card(cards, i), skill_link(cards, i)),
                    })
                    .unzip();
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
        let (skill_cards, skill_links) = skill_cards;
        let role_cards = (0..cards.roles.len())
            .map(|r| {
                let kept = kept.and_then(|(same, old)| {
                    let j = (*same.roles.get(r)?)?;
                    old.role_cards.get(j).cloned()
                });
                kept.unwrap_or_else(|| role_card(cards, r))
            })
            .collect();
        Values {
            skill_cards,
            track_phases,
            matrix_rows,
            matrix_cells,
            skill_links,
            role_cards,
        }
    }

    /// Makes again the values that show `r`, whose cards were refreshed
    /// ([`views::refresh_card`]): a skill's card and matrix row, and the
    /// track entries of the phases that build it, the cards of the roles
    /// that need it; a phase's track entry; a role's card.
    pub fn refresh(&mut self, site: &Site, cards: &Cards, r: PageRef) {
        match r {
            PageRef::Entity(Kind::Skill, i) if i < self.skill_cards.len() => {
                self.skill_cards[i] = skill_card(cards, i);
                if let Some(link) = self.skill_links.get_mut(i) {
                    *link = skill_link(cards, i);
                }
                for &(role, _) in &site.skill_relations[i].roles {
                    if let Some(card) = self.role_cards.get_mut(role) {
                        *card = role_card(cards, role);
                    }
                }
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
            PageRef::Entity(Kind::Role, i) if i < self.role_cards.len() => {
                self.role_cards[i] = role_card(cards, i);
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

    /// The comparison of roles `a` and `b` ([`views::compare_view`]), put
    /// together from the kept role cards and skill links. `None` when
    /// these values were made for another site (an index out of range).
    pub fn compare(&self, site: &Site, cards: &Cards, a: usize, b: usize) -> Option<Value> {
        let (card_a, card_b) = (self.role_cards.get(a)?, self.role_cards.get(b)?);
        if a.max(b) >= site.role_relations.len() {
            return None;
        }
        let mut rows = Vec::new();
        let mut to_learn = Vec::new();
        for (s, la, lb, change) in views::compare_rows(site, a, b) {
            // As `CompareRow` serializes.
            let mut row = Map::default();
            row.insert("skill".into(), self.skill_links.get(s)?.clone());
            row.insert("a".into(), Value::from(la));
            row.insert("b".into(), Value::from(lb));
            row.insert("change".into(), Value::from(change));
            let row = Value::from(row);
            if views::to_learn(change) {
                to_learn.push(row.clone());
            }
            rows.push(row);
        }
        // As `CompareView` serializes.
        let mut view = Map::default();
        view.insert("a".into(), card_a.clone());
        view.insert("b".into(), card_b.clone());
        view.insert("rows".into(), Value::from(rows));
        view.insert("to_learn".into(), Value::from(to_learn));
        view.insert(
            "salary_columns".into(),
            Value::from_serializable(&cards.columns),
        );
        Some(Value::from(view))
    }
}

fn skill_card(cards: &Cards, i: usize) -> Value {
    Value::from_serializable(&cards.skills[i])
}

fn skill_link(cards: &Cards, i: usize) -> Value {
    Value::from_serializable(&cards.skills[i].link)
}

fn role_card(cards: &Cards, r: usize) -> Value {
    Value::from_serializable(&cards.roles[r])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        super::super::fixture_site("tests/fixtures/full")
    }

    /// Every comparison put together from kept values, before and after
    /// an edit swapped in, is what serializing its view gives.
    #[test]
    fn a_comparison_from_values_is_its_view_serialized() {
        let mut site = site();
        assert!(site.roles.len() >= 2, "the fixture compares two roles");
        let mut cards = views::cards(&site);
        cards.values = Some(Values::new(&site, &cards));
        for round in 0..2 {
            let Some(values) = &cards.values else {
                panic!("no values")
            };
            for a in 0..site.roles.len() {
                for b in a + 1..site.roles.len() {
                    let view = views::compare_view(&site, &cards, a, b);
                    assert!(!view.rows.is_empty());
                    assert_eq!(
                        values.compare(&site, &cards, a, b),
                        Some(Value::from_serializable(&view)),
                        "roles {a} and {b}, round {round}"
                    );
                }
            }
            assert_eq!(values.compare(&site, &cards, 0, site.roles.len()), None);
            // A skill the first role needs at its highest level gets a new
            // title, which the skill's link and that role's key skills show.
            let Some(&(s, _)) = site.role_relations[0].skills.iter().max_by_key(|(_, p)| *p) else {
                panic!("the first role needs no skill");
            };
            site.skills[s].doc.title = format!("Renamed {round}");
            views::refresh_card(&site, &mut cards, PageRef::Entity(Kind::Skill, s));
        }
    }
}
