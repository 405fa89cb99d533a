//! The unit check for salary figures: `min` and `max` are whole currency
//! units per year, and a figure too small to be a yearly salary in its
//! currency was almost always written in another unit (`min = 6` for
//! "6 LPA"). Left alone it renders as `₹0–0 LPA`, so it is an error that
//! says what the author most likely meant.

/// The smallest figure taken as a yearly salary in `currency`. INR gets
/// its own floor (the issue that found this: lakhs written as units); any
/// other currency's yearly salary runs to at least four digits.
pub fn floor(currency: &str) -> u64 {
    match currency {
        "INR" => 10_000,
        _ => 1_000,
    }
}

/// Why `value` cannot be a yearly salary in `currency`, with the likely
/// meaning as help; `None` when it can (zero is left alone: an unpaid
/// internship).
pub fn implausible(currency: &str, key: &str, value: u64) -> Option<(String, String)> {
    if value == 0 || value >= floor(currency) {
        return None;
    }
    let message = format!(
        "salary `{key}` = {value} is too small for a yearly salary in {currency}: figures are whole {currency} per year"
    );
    let help = match currency {
        "INR" if value < 1_000 => {
            let units = value * 100_000;
            format!(
                "{value} LPA is `{key} = {units}`; TOML lets you group digits the Indian way: `{key} = {}`",
                indian_grouping(units)
            )
        }
        "INR" => format!(
            "write the yearly figure in rupees: {value} thousand a year is `{key} = {}`",
            value * 1_000
        ),
        _ => format!(
            "write the yearly figure in whole units: {value}k is `{key} = {}`",
            value * 1_000
        ),
    };
    Some((message, help))
}

/// `600000` as `6_00_000`: the last three digits, then pairs, as Indian
/// figures are grouped (and TOML reads underscores between digits).
pub fn indian_grouping(value: u64) -> String {
    let digits = value.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (a, b) = rest.split_at(rest.len() - 2);
        groups.push(b);
        rest = a;
    }
    groups.push(rest);
    groups.reverse();
    format!("{}_{tail}", groups.join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lakhs_written_as_units_are_caught_with_their_meaning() {
        let (message, help) = implausible("INR", "min", 6).unwrap_or_default();
        assert!(
            message.contains("too small for a yearly salary in INR"),
            "{message}"
        );
        assert_eq!(
            help,
            "6 LPA is `min = 600000`; TOML lets you group digits the Indian way: `min = 6_00_000`"
        );
        assert!(implausible("INR", "min", 600_000).is_none());
        assert!(implausible("INR", "min", 0).is_none());
        assert!(implausible("USD", "max", 120).is_some());
        assert!(implausible("USD", "max", 120_000).is_none());
    }

    #[test]
    fn indian_grouping_pairs_digits_above_the_thousands() {
        assert_eq!(indian_grouping(600_000), "6_00_000");
        assert_eq!(indian_grouping(12_500_000), "1_25_00_000");
        assert_eq!(indian_grouping(999), "999");
        assert_eq!(indian_grouping(1_000), "1_000");
    }
}
