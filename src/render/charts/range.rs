//! Salary ranges as horizontal bars, drawn twice: wide, and for phones.

use std::fmt::Write as _;

use super::{PHONE_W, axis, n, nice_scale, open_svg, truncate, xml};

/// One bar of a range chart.
pub struct RangeBar {
    pub label: String,
    pub min: f64,
    pub max: Option<f64>,
    pub open_ended: bool,
    /// The text printed after the bar (`₹15–25+ LPA`).
    pub value_label: String,
}

/// Horizontal range bars on one axis: salary ranges of one currency.
/// `tick` formats an axis value. An open-ended range fades out past its
/// last known value instead of stopping, so "+" is visible.
///
/// Two drawings of the same chart, of which the stylesheet shows one: a
/// wide one with the names beside the bars, and for phones one with each
/// name and figure above its bar, drawn for a narrow screen rather than
/// shrunk or scrolled, so its text stays at reading size.
pub fn range_chart(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[RangeBar],
    tick: &dyn Fn(f64) -> String,
) -> String {
    let mut s = range_chart_wide(id, title, desc, bars, tick);
    s.push_str(&range_chart_narrow(
        &format!("{id}-n"),
        title,
        desc,
        bars,
        tick,
    ));
    s
}

/// The axis maximum and tick step for `bars`, with room for the fade of
/// an open end.
fn range_scale(bars: &[RangeBar]) -> (f64, f64) {
    let data_max = bars
        .iter()
        .map(|b| match (b.max, b.open_ended) {
            (Some(m), true) => m * 1.2,
            (Some(m), false) => m,
            (None, _) => b.min * 1.35,
        })
        .fold(0.0_f64, f64::max);
    nice_scale(data_max)
}

/// The fade an open end's bar runs out in, for the SVG whose id is `id`.
fn fade_defs(s: &mut String, id: &str) {
    let _ = write!(
        s,
        "<defs><linearGradient id=\"{id}-fade\" x1=\"0\" x2=\"1\"><stop offset=\"0\" class=\"bar-stop\"/><stop offset=\"1\" class=\"bar-stop\" stop-opacity=\"0\"/></linearGradient></defs>"
    );
}

/// One range bar from `x0` to `x1` (equal for a single known value), `h`
/// high at `y`; an open end fades out over `fade` more, up to `limit`.
/// Returns where the drawing ends.
#[allow(clippy::too_many_arguments)]
fn range_bar(
    s: &mut String,
    id: &str,
    x0: f64,
    x1: f64,
    y: f64,
    h: f64,
    open: bool,
    fade: f64,
    limit: f64,
) -> f64 {
    if x1 > x0 {
        let _ = write!(
            s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
            n(x0),
            n(y),
            n(x1 - x0),
            n(h)
        );
    } else {
        // A single known value: a short tick so it is still visible.
        let _ = write!(
            s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"4\" height=\"{}\" rx=\"2\"/>",
            n(x0 - 2.0),
            n(y),
            n(h)
        );
    }
    let end = x1.max(x0 + 2.0);
    if !open {
        return end;
    }
    let fade_end = (end + fade).min(limit);
    let _ = write!(
        s,
        "<rect class=\"bar-open\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-fade)\"/>",
        n(end),
        n(y),
        n((fade_end - end).max(1.0)),
        n(h)
    );
    fade_end
}

fn range_chart_wide(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[RangeBar],
    tick: &dyn Fn(f64) -> String,
) -> String {
    const LABEL_W: f64 = 230.0;
    const PLOT_W: f64 = 340.0;
    const VALUE_W: f64 = 140.0;
    const ROW: f64 = 30.0;
    const TOP: f64 = 8.0;
    const AXIS: f64 = 26.0;
    let width = LABEL_W + PLOT_W + VALUE_W;
    let height = TOP + ROW * bars.len() as f64 + AXIS;
    let (axis_max, step) = range_scale(bars);
    let x = |v: f64| LABEL_W + (v / axis_max).min(1.0) * PLOT_W;
    let id = xml(id);
    let mut s = open_svg("chart wide-chart", "img", &id, title, desc, width, height);
    fade_defs(&mut s, &id);
    axis(
        &mut s,
        (axis_max, step),
        &x,
        (TOP - 4.0, height - AXIS + 4.0, height - 8.0),
        tick,
        None,
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let cy = y + ROW / 2.0;
        let _ = write!(
            s,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            n(LABEL_W - 10.0),
            n(cy),
            xml(&truncate(&b.label, 31))
        );
        let x0 = x(b.min);
        let x1 = b.max.map_or(x0, x);
        let end = range_bar(
            &mut s,
            &id,
            x0,
            x1,
            y + 7.0,
            ROW - 14.0,
            b.open_ended,
            PLOT_W * 0.22,
            LABEL_W + PLOT_W,
        );
        let _ = write!(
            s,
            "<text class=\"value\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text>",
            n(end + 6.0),
            n(cy),
            xml(&b.value_label)
        );
    }
    s.push_str("</svg>");
    s
}

/// The phone drawing: each bar under a line with its name (left) and its
/// figure (right), the axis across the whole width. Its text is drawn at
/// 13.5 units in a 270-unit-wide picture, which a 320 px screen shows at
/// about its own size.
fn range_chart_narrow(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[RangeBar],
    tick: &dyn Fn(f64) -> String,
) -> String {
    const W: f64 = PHONE_W;
    const ROW: f64 = 42.0;
    const TOP: f64 = 4.0;
    const AXIS: f64 = 24.0;
    // A character's width at 13.5 units, a little over the average, so a
    // name cut to fit never touches its figure.
    const CHAR: f64 = 8.0;
    let height = TOP + ROW * bars.len() as f64 + AXIS;
    let (axis_max, step) = range_scale(bars);
    // Inset by half a tick label, so the first and last fit.
    let (left, right) = (8.0, W - 22.0);
    let x = |v: f64| left + (v / axis_max).min(1.0) * (right - left);
    let id = xml(id);
    let mut s = open_svg("chart narrow-chart", "img", &id, title, desc, W, height);
    fade_defs(&mut s, &id);
    axis(
        &mut s,
        (axis_max, step),
        &x,
        (TOP + 18.0, height - AXIS + 4.0, height - 6.0),
        tick,
        Some(5),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let value_w = b.value_label.chars().count() as f64 * CHAR;
        let room = ((W - value_w - 10.0) / CHAR).max(6.0) as usize;
        let _ = write!(
            s,
            "<text class=\"label\" x=\"0\" y=\"{}\">{}</text><text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(y + 14.0),
            xml(&truncate(&b.label, room)),
            n(W),
            n(y + 14.0),
            xml(&b.value_label)
        );
        let x0 = x(b.min);
        let x1 = b.max.map_or(x0, x);
        range_bar(
            &mut s,
            &id,
            x0,
            x1,
            y + 21.0,
            12.0,
            b.open_ended,
            (right - left) * 0.22,
            right,
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::super::tests::parses;
    use super::*;

    #[test]
    fn range_chart_is_valid_and_draws_open_ends() {
        let bars = [
            RangeBar {
                label: "Junior & <new>".into(),
                min: 4.0,
                max: Some(8.0),
                open_ended: false,
                value_label: "₹4–8 LPA".into(),
            },
            RangeBar {
                label: "Senior".into(),
                min: 15.0,
                max: Some(25.0),
                open_ended: true,
                value_label: "₹15–25+ LPA".into(),
            },
            RangeBar {
                label: "Specialist".into(),
                min: 40.0,
                max: None,
                open_ended: true,
                value_label: "₹40+ LPA".into(),
            },
        ];
        let tick = |v: f64| format!("{v}");
        for svg in [
            range_chart_wide("s", "Salaries", "Ranges in lakhs", &bars, &tick),
            range_chart_narrow("s-n", "Salaries", "Ranges in lakhs", &bars, &tick),
        ] {
            parses(&svg);
            assert_eq!(svg.matches("class=\"bar-open\"").count(), 2, "{svg}");
            assert!(svg.contains("Junior &amp; &lt;new&gt;"));
        }
        let both = range_chart("s", "Salaries", "Ranges in lakhs", &bars, &tick);
        assert_eq!(both.matches("<svg").count(), 2);
        assert!(
            both.contains("id=\"s-fade\"") && both.contains("id=\"s-n-fade\""),
            "ids stay unique"
        );
    }

    #[test]
    fn the_phone_drawing_fits_names_beside_their_figures() {
        let bars = [RangeBar {
            label: "DevOps Engineer / Infrastructure Engineer".into(),
            min: 10.0,
            max: Some(20.0),
            open_ended: false,
            value_label: "₹10–20 LPA".into(),
        }];
        let svg = range_chart_narrow("s", "t", "d", &bars, &|v| format!("{v}"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let label = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("label"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert!(
            label.starts_with("DevOps Engineer") && label.ends_with('…'),
            "{label}"
        );
        // Name and figure share a line of 270 units at ~8 units a character.
        let chars = label.chars().count() + "₹10–20 LPA".chars().count();
        assert!(chars as f64 * 8.0 <= 270.0, "{chars} characters");
    }
}
