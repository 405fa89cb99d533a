//! Durations on a track: each phase's start and end offsets and the
//! track's total, with weeks and months mixed correctly.
//!
//! Everything is summed in weeks (a month is 365.25 / 12 / 7 ≈ 4.35 weeks)
//! and shown in the unit the track mostly uses, so a two-week phase between
//! month-long ones moves later phases by half a month, not by "2".

use crate::labels::Labels;
use serde::Serialize;

use crate::content::{Duration, Unit};

/// Weeks in an average month.
pub const WEEKS_PER_MONTH: f64 = 365.25 / 12.0 / 7.0;

/// A span of time as a range of weeks; `open` means "or more".
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Weeks {
    pub min: f64,
    pub max: f64,
    pub open: bool,
}

impl Weeks {
    pub fn of(d: &Duration) -> Weeks {
        let factor = match d.unit {
            Unit::Weeks => 1.0,
            Unit::Months => WEEKS_PER_MONTH,
        };
        Weeks {
            min: d.min * factor,
            max: d.max.unwrap_or(d.min) * factor,
            open: d.open_ended,
        }
    }

    pub fn plus(self, other: Weeks) -> Weeks {
        Weeks {
            min: self.min + other.min,
            max: self.max + other.max,
            open: self.open || other.open,
        }
    }

    /// "1–1.5 months", "2 weeks", "4+ months", in the given unit, in
    /// English (as `handbook.json` has it).
    pub fn label(&self, unit: Unit) -> String {
        self.label_in(unit, english())
    }

    /// [`Weeks::label`] in the handbook's language.
    pub fn label_in(&self, unit: Unit, labels: &Labels) -> String {
        let (factor, key, step) = match unit {
            Unit::Weeks => (1.0, "weeks", 1.0),
            Unit::Months => (WEEKS_PER_MONTH, "month_units", 0.5),
        };
        let round = |w: f64| ((w / factor) / step).round() * step;
        let (a, b) = (round(self.min), round(self.max));
        let n = if self.open {
            format!("{}+", number(a))
        } else if (a - b).abs() < f64::EPSILON {
            number(a)
        } else {
            format!("{}–{}", number(a), number(b))
        };
        labels.fill(key, &[("n", &n)])
    }
}

/// The English labels, made once.
fn english() -> &'static Labels {
    static ENGLISH: std::sync::LazyLock<Labels> = std::sync::LazyLock::new(Labels::default);
    &ENGLISH
}

/// The label of a phase's own duration, in the unit the author wrote.
pub fn duration_label(d: &Duration) -> String {
    Weeks::of(d).label(d.unit)
}

/// [`duration_label`] in the handbook's language.
pub fn duration_label_in(d: &Duration, labels: &Labels) -> String {
    Weeks::of(d).label_in(d.unit, labels)
}

/// Formats 1.0 as "1" and 1.5 as "1.5".
pub fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.1}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The unit to show a track's offsets in: weeks only when every phase is
/// measured in weeks.
pub fn track_unit<'a>(durations: impl IntoIterator<Item = &'a Duration>) -> Unit {
    let mut any = false;
    for d in durations {
        any = true;
        if d.unit == Unit::Months {
            return Unit::Months;
        }
    }
    if any { Unit::Weeks } else { Unit::Months }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(min: f64, max: Option<f64>, unit: Unit, open_ended: bool) -> Duration {
        Duration {
            min,
            max,
            unit,
            open_ended,
        }
    }

    #[test]
    fn mixed_units_add_up_in_weeks() {
        let month = Weeks::of(&d(1.0, Some(2.0), Unit::Months, false));
        let two_weeks = Weeks::of(&d(2.0, None, Unit::Weeks, false));
        let sum = month.plus(two_weeks);
        assert_eq!(sum.label(Unit::Months), "1.5–2.5 months");
        assert_eq!(two_weeks.label(Unit::Weeks), "2 weeks");
        assert_eq!(two_weeks.label(Unit::Months), "0.5 months");
        assert_eq!(Weeks::default().label(Unit::Months), "0 months");
    }

    #[test]
    fn labels_single_ranges_and_open_ends() {
        assert_eq!(
            duration_label(&d(1.0, None, Unit::Months, false)),
            "1 month"
        );
        assert_eq!(
            duration_label(&d(1.0, Some(1.5), Unit::Months, false)),
            "1–1.5 months"
        );
        assert_eq!(
            duration_label(&d(4.0, None, Unit::Months, true)),
            "4+ months"
        );
        let open = Weeks::of(&d(4.0, None, Unit::Months, true)).plus(Weeks::of(&d(
            1.0,
            None,
            Unit::Months,
            false,
        )));
        assert_eq!(open.label(Unit::Months), "5+ months");
    }

    #[test]
    fn track_unit_prefers_months() {
        let w = d(2.0, None, Unit::Weeks, false);
        let m = d(1.0, None, Unit::Months, false);
        assert_eq!(track_unit([&w]), Unit::Weeks);
        assert_eq!(track_unit([&w, &m]), Unit::Months);
    }
}
