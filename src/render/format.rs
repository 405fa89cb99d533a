//! Human labels for computed values: salary ranges in each currency's local
//! convention and experience ranges. Templates receive these ready-made so
//! every theme shows figures the same way.

use crate::content::{Experience, Salary};
use crate::labels::Labels;

/// `₹15–25+ LPA` for INR (lakhs per annum), `$120k+` for USD, EUR and GBP,
/// `50,000–60,000 CHF` for other codes.
pub fn salary(s: &Salary) -> String {
    salary_in(s, &Labels::default())
}

/// [`salary`] in the handbook's language: its word for "LPA" and its
/// digit grouping.
pub fn salary_in(s: &Salary, labels: &Labels) -> String {
    let plus = if s.open_ended { "+" } else { "" };
    match s.currency.as_str() {
        "INR" => {
            let lpa = labels.get("lakh_per_year");
            let lakh = |v: u64| trim(v as f64 / 100_000.0);
            match s.max {
                Some(max) => format!("₹{}–{}{plus} {lpa}", lakh(s.min), lakh(max)),
                None => format!("₹{}{plus} {lpa}", lakh(s.min)),
            }
        }
        code @ ("USD" | "EUR" | "GBP") => {
            let sym = match code {
                "USD" => "$",
                "EUR" => "€",
                _ => "£",
            };
            let k = |v: u64| {
                if v >= 1000 {
                    format!("{}k", trim(v as f64 / 1000.0))
                } else {
                    v.to_string()
                }
            };
            match s.max {
                Some(max) => format!("{sym}{}–{}{plus}", k(s.min), k(max)),
                None => format!("{sym}{}{plus}", k(s.min)),
            }
        }
        code => match s.max {
            Some(max) => format!(
                "{}–{}{plus} {code}",
                labels.number(s.min),
                labels.number(max)
            ),
            None => format!("{}{plus} {code}", labels.number(s.min)),
        },
    }
}

/// "2–5 years", "5+ years", "1 year", in the handbook's language.
pub fn experience(e: &Experience, labels: &Labels) -> String {
    let (min, max) = (e.min.to_string(), e.max.map(|m| m.to_string()));
    match max {
        Some(max) if e.max == Some(e.min) => labels.fill("years", &[("n", &max)]),
        Some(max) => labels.fill("years_range", &[("min", &min), ("max", &max)]),
        None => labels.fill("years_open", &[("min", &min)]),
    }
}

fn trim(x: f64) -> String {
    crate::resolve::timeline::number((x * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(currency: &str, min: u64, max: Option<u64>, open_ended: bool) -> Salary {
        Salary {
            region: "x".into(),
            currency: currency.into(),
            min,
            max,
            open_ended,
            source: None,
        }
    }

    #[test]
    fn currencies_follow_local_convention() {
        assert_eq!(
            salary(&s("INR", 1_500_000, Some(2_500_000), true)),
            "₹15–25+ LPA"
        );
        assert_eq!(salary(&s("INR", 400_000, Some(800_000), false)), "₹4–8 LPA");
        assert_eq!(salary(&s("INR", 4_000_000, None, true)), "₹40+ LPA");
        assert_eq!(
            salary(&s("INR", 150_000, Some(250_000), false)),
            "₹1.5–2.5 LPA"
        );
        assert_eq!(salary(&s("USD", 120_000, None, true)), "$120k+");
        assert_eq!(salary(&s("GBP", 45_000, Some(60_000), false)), "£45k–60k");
        assert_eq!(
            salary(&s("CHF", 95_000, Some(120_000), false)),
            "95,000–120,000 CHF"
        );
    }

    #[test]
    fn experience_labels() {
        assert_eq!(
            experience(
                &Experience {
                    min: 2,
                    max: Some(5)
                },
                &Labels::default()
            ),
            "2–5 years"
        );
        assert_eq!(
            experience(&Experience { min: 5, max: None }, &Labels::default()),
            "5+ years"
        );
        assert_eq!(
            experience(
                &Experience {
                    min: 1,
                    max: Some(1)
                },
                &Labels::default()
            ),
            "1 year"
        );
    }
}
