//! Build-time SVG charts: salary ranges, track timelines and roadmap
//! diagrams. Plain SVG inlined into the page, so they work without
//! JavaScript, print, and take their colours from the theme's CSS
//! variables (light and dark alike). Every chart has a `<title>` and
//! `<desc>` for screen readers, and the page shows the same data as a
//! table or list beside it.

use std::fmt::Write as _;

mod range;
pub use range::{RangeBar, range_chart};

/// Escapes text for SVG (XML) content and attributes.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number with at most one decimal, for compact coordinates.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A "nice" axis maximum and tick step for values up to `max`.
fn nice_scale(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

/// The opening `<svg>` with the `<title>` and `<desc>` screen readers
/// announce; `id` is already escaped. `role` is `img` for a picture and
/// `group` when the chart holds links.
fn open_svg(
    class: &str,
    role: &str,
    id: &str,
    title: &str,
    desc: &str,
    width: f64,
    height: f64,
) -> String {
    format!(
        "<svg class=\"{class}\" viewBox=\"0 0 {} {}\" role=\"{role}\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        n(width),
        n(height),
        xml(title),
        xml(desc)
    )
}

/// A vertical grid line from `top` to `bottom` with its axis label.
fn grid_line(s: &mut String, x: f64, top: f64, bottom: f64, label_y: f64, label: &str) {
    let _ = write!(
        s,
        "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        n(x),
        n(x),
        n(top),
        n(bottom),
        n(x),
        n(label_y),
        xml(label)
    );
}

/// How wide the phone drawings are, in SVG units: a 320 px screen's
/// chart box shows them at about their own size, so their 13.5-unit text
/// stays at 12 px or more.
const PHONE_W: f64 = 270.0;

/// An axis from 0 to `max` in steps of `step`: a grid line from `top` to
/// `bottom` at `x(value)` for each step, labelled by `tick` at `label_y`.
/// Past `most_labels` labels, every other one is left blank, where long
/// labels would run together on a phone's axis.
fn axis(
    s: &mut String,
    (max, step): (f64, f64),
    x: &dyn Fn(f64) -> f64,
    (top, bottom, label_y): (f64, f64, f64),
    tick: &dyn Fn(f64) -> String,
    most_labels: Option<usize>,
) {
    let ticks = (max / step).round() as usize;
    let every = match most_labels {
        Some(most) if ticks + 1 > most => 2,
        _ => 1,
    };
    for k in 0..=ticks {
        let v = k as f64 * step;
        let label = if k % every == 0 {
            tick(v)
        } else {
            String::new()
        };
        grid_line(s, x(v), top, bottom, label_y, &label);
    }
}

/// One phase of a timeline, in weeks from the start of the track.
pub struct Span {
    pub label: String,
    pub url: String,
    pub start_min: f64,
    pub start_max: f64,
    pub end_min: f64,
    pub end_max: f64,
    pub open: bool,
}

/// A track as a timeline: each phase drawn twice, a dark bar for the
/// schedule at the fastest suggested pace (every phase at its minimum) and
/// a light bar below it at the slowest (every phase at its maximum), so a
/// reader sees both when a phase may start and how long the track can
/// stretch. An open-ended phase fades out to the edge. `unit_weeks` is the length of one axis unit in weeks and
/// `tick` names a point of the axis (`0` is the start, `3` "3 months").
///
/// Drawn twice, like a range chart (see [`range_chart`]): wide, with the
/// phases' names beside their bars, and for phones with each name above.
pub fn timeline(
    id: &str,
    title: &str,
    desc: &str,
    spans: &[Span],
    unit_weeks: f64,
    tick: &dyn Fn(f64) -> String,
    root: &str,
) -> String {
    let chart = |id: &str, narrow: bool| {
        Timeline {
            id,
            title,
            desc,
            spans,
            unit_weeks,
            tick,
            root,
        }
        .draw(narrow)
    };
    let mut s = chart(id, false);
    s.push_str(&chart(&format!("{id}-n"), true));
    s
}

struct Timeline<'a> {
    id: &'a str,
    title: &'a str,
    desc: &'a str,
    spans: &'a [Span],
    unit_weeks: f64,
    tick: &'a dyn Fn(f64) -> String,
    root: &'a str,
}

impl Timeline<'_> {
    /// The wide drawing, or (`narrow`) the phone one: 270 units wide, each
    /// phase's name on a line of its own above its bars.
    fn draw(&self, narrow: bool) -> String {
        // Where the plot starts and how wide it is (on a phone, inset by
        // half the first and last tick labels, "Start" and "15 months"),
        // each row's height, and where in a row its bars start.
        let (plot_x, plot_w, row, bars_at, width) = if narrow {
            (20.0, 214.0, 46.0, 20.0, PHONE_W)
        } else {
            (250.0, 420.0, 32.0, 5.0, 710.0)
        };
        const TOP: f64 = 8.0;
        const AXIS: f64 = 28.0;
        let spans = self.spans;
        let height = TOP + row * spans.len() as f64 + AXIS;
        let total = spans
            .iter()
            .map(|s| if s.open { s.end_max * 1.15 } else { s.end_max })
            .fold(0.0_f64, f64::max);
        let units = (total / self.unit_weeks).max(1.0);
        let (axis_units, step) = nice_scale(units);
        let x = |w: f64| plot_x + ((w / self.unit_weeks) / axis_units).min(1.0) * plot_w;
        let id = xml(self.id);
        let class = if narrow {
            "chart timeline-chart narrow-chart"
        } else {
            "chart timeline-chart wide-chart"
        };
        let mut s = open_svg(class, "group", &id, self.title, self.desc, width, height);
        axis(
            &mut s,
            (axis_units, step),
            &|v| plot_x + (v / axis_units) * plot_w,
            (TOP - 4.0, height - AXIS + 4.0, height - 8.0),
            self.tick,
            narrow.then_some(3),
        );
        let _ = write!(
            s,
            "<defs><linearGradient id=\"{id}-fade\" x1=\"0\" x2=\"1\"><stop offset=\"0\" class=\"bar-stop\" stop-opacity=\".35\"/><stop offset=\"1\" class=\"bar-stop\" stop-opacity=\"0\"/></linearGradient></defs>"
        );
        for (i, sp) in spans.iter().enumerate() {
            let y = TOP + row * i as f64;
            let (label_x, label_y, anchor, keep) = if narrow {
                (0.0, y + 13.0, "start", 34)
            } else {
                (plot_x - 10.0, y + row / 2.0, "end", 31)
            };
            let _ = write!(
                s,
                "<a href=\"{}{}\"><title>{}</title><text class=\"label link\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\">{}</text></a>",
                xml(self.root),
                xml(&sp.url),
                xml(&sp.label),
                n(label_x),
                n(label_y),
                xml(&truncate(&sp.label, keep))
            );
            let h = if narrow { 11.0 } else { (row - 10.0) / 2.0 };
            let (a, b) = (x(sp.start_min), x(sp.end_min));
            let _ = write!(
                s,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
                n(a),
                n(y + bars_at),
                n((b - a).max(2.0)),
                n(h)
            );
            let c = x(sp.start_max);
            let (class, end, fill) = if sp.open {
                (
                    "band-open",
                    plot_x + plot_w,
                    format!(" fill=\"url(#{id}-fade)\""),
                )
            } else {
                ("band", x(sp.end_max), " rx=\"2\"".to_string())
            };
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{fill}/>",
                n(c),
                n(y + bars_at + h),
                n((end - c).max(2.0)),
                n(h)
            );
        }
        s.push_str("</svg>");
        s
    }
}

/// A node of a roadmap diagram: a title and the page it links to.
pub struct Node {
    pub label: String,
    pub url: String,
    /// A skill's slug: the theme's script colours the node by the reader's
    /// progress in it.
    pub skill: Option<String>,
}

/// The arrowhead prerequisite arcs end in, for the SVG whose id is `id`.
fn arrow_defs(s: &mut String, id: &str) {
    let _ = write!(
        s,
        "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path class=\"arrow\" d=\"M0 0L8 4L0 8z\"/></marker></defs>"
    );
}

/// Arcs beside a column of nodes whose edge is at `x`, bulging by `side`
/// (-1 left, 1 right), from the row of each prerequisite to the row of the
/// skill that needs it: the further apart, the wider the arc.
fn prerequisite_arcs(
    s: &mut String,
    id: &str,
    x: f64,
    side: f64,
    room: f64,
    row_y: &dyn Fn(usize) -> f64,
    edges: &[(usize, usize)],
) {
    for &(from, to) in edges {
        let (y1, y2) = (row_y(from), row_y(to));
        let span = from.abs_diff(to) as f64;
        let bulge = side * (10.0 + 9.0 * span).min(room);
        let _ = write!(
            s,
            "<path class=\"prereq\" d=\"M{} {}C{} {} {} {} {} {}\" marker-end=\"url(#{id}-arrow)\"/>",
            n(x),
            n(y1),
            n(x + bulge),
            n(y1),
            n(x + bulge),
            n(y2),
            n(x + side * 2.0),
            n(y2)
        );
    }
}

/// How much room prerequisite arcs take beside their column.
const ARC_ROOM: f64 = 80.0;

/// Every skill in one column, in the order to learn them, an arc from each
/// prerequisite to each skill that needs it. One column reads on any
/// screen, where a graph laid out in layers would need a wide one.
pub fn skill_map(
    id: &str,
    title: &str,
    desc: &str,
    skills: &[Node],
    edges: &[(usize, usize)],
    root: &str,
) -> String {
    // Narrow enough for a phone's width at its own size.
    const NODE_W: f64 = 250.0;
    const ROOM: f64 = 70.0;
    const ROW: f64 = 34.0;
    const NODE_H: f64 = 26.0;
    let height = ROW * skills.len().max(1) as f64 + 8.0;
    let x0 = ROOM + 6.0;
    let width = x0 + NODE_W + 2.0;
    let id = xml(id);
    let mut s = open_svg("chart skill-map", "group", &id, title, desc, width, height);
    arrow_defs(&mut s, &id);
    let row_top = |i: usize| 4.0 + ROW * i as f64 + (ROW - NODE_H) / 2.0;
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < skills.len() && b < skills.len())
        .collect();
    prerequisite_arcs(
        &mut s,
        &id,
        x0,
        -1.0,
        ROOM,
        &|i| row_top(i) + NODE_H / 2.0,
        &edges,
    );
    for (i, k) in skills.iter().enumerate() {
        node(
            &mut s,
            root,
            x0,
            row_top(i),
            NODE_W,
            NODE_H,
            "skill-node",
            k,
            34,
        );
    }
    s.push_str("</svg>");
    s
}

/// A node: a rounded box with its label, the whole a link to its page.
#[allow(clippy::too_many_arguments)]
fn node(
    s: &mut String,
    root: &str,
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    class: &str,
    nd: &Node,
    max_chars: usize,
) {
    let _ = write!(
        s,
        "<a href=\"{}{}\"{}><rect class=\"node {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/><text class=\"node-label\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text></a>",
        xml(root),
        xml(&nd.url),
        nd.skill
            .as_deref()
            .map(|s| format!(" data-skill-link=\"{}\"", xml(s)))
            .unwrap_or_default(),
        n(x0),
        n(y0),
        n(w),
        n(h),
        n(x0 + 10.0),
        n(y0 + h / 2.0),
        xml(&truncate(&nd.label, max_chars))
    );
}

/// Phases on the left, the skills they build on the right, an edge for
/// every "phase builds skill", and beside the skills an arc from each
/// prerequisite to the skills that need it (`prereqs`, as skill rows).
/// Every node is a link. Drawn twice, like a range chart: that, and for
/// phones `roadmap_narrow`.
#[allow(clippy::too_many_arguments)]
pub fn roadmap(
    id: &str,
    title: &str,
    desc: &str,
    phases: &[Node],
    skills: &[Node],
    edges: &[(usize, usize)],
    prereqs: &[(usize, usize)],
    root: &str,
) -> String {
    let mut s = roadmap_wide(id, title, desc, phases, skills, edges, prereqs, root);
    s.push_str(&roadmap_narrow(
        &format!("{id}-n"),
        title,
        desc,
        phases,
        skills,
        edges,
        root,
    ));
    s
}

/// The phone drawing of a roadmap: one column, each phase followed by the
/// skills it builds, joined to it by a line down the left. A skill built
/// in two phases shows under both; the prerequisite arcs are left to the
/// map of all skills, which is one column already.
fn roadmap_narrow(
    id: &str,
    title: &str,
    desc: &str,
    phases: &[Node],
    skills: &[Node],
    edges: &[(usize, usize)],
    root: &str,
) -> String {
    const W: f64 = PHONE_W;
    const INDENT: f64 = 24.0;
    const ROW: f64 = 32.0;
    const NODE_H: f64 = 26.0;
    let built = |p: usize| {
        edges
            .iter()
            .filter(move |&&(ep, k)| ep == p && k < skills.len())
            .map(|&(_, k)| k)
    };
    let rows: usize = (0..phases.len()).map(|p| 1 + built(p).count()).sum();
    let height = ROW * rows.max(1) as f64 + 8.0;
    let id = xml(id);
    let mut s = open_svg(
        "chart roadmap-chart narrow-chart",
        "group",
        &id,
        title,
        desc,
        W,
        height,
    );
    let mut y = 4.0;
    for (p, phase) in phases.iter().enumerate() {
        let top = y;
        node(&mut s, root, 0.0, y, W, NODE_H, "phase-node", phase, 32);
        y += ROW;
        let mut last_mid = None;
        for k in built(p) {
            let mid = y + NODE_H / 2.0;
            let _ = write!(
                s,
                "<path class=\"edge\" d=\"M{} {}H{}\"/>",
                n(INDENT / 2.0),
                n(mid),
                n(INDENT)
            );
            node(
                &mut s,
                root,
                INDENT,
                y,
                W - INDENT,
                NODE_H,
                "skill-node",
                &skills[k],
                30,
            );
            last_mid = Some(mid);
            y += ROW;
        }
        if let Some(end) = last_mid {
            let _ = write!(
                s,
                "<path class=\"edge\" d=\"M{} {}V{}\"/>",
                n(INDENT / 2.0),
                n(top + NODE_H),
                n(end)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[allow(clippy::too_many_arguments)]
fn roadmap_wide(
    id: &str,
    title: &str,
    desc: &str,
    phases: &[Node],
    skills: &[Node],
    edges: &[(usize, usize)],
    prereqs: &[(usize, usize)],
    root: &str,
) -> String {
    const NODE_W: f64 = 250.0;
    const GAP: f64 = 170.0;
    const ROW: f64 = 34.0;
    const NODE_H: f64 = 26.0;
    let rows = phases.len().max(skills.len()).max(1) as f64;
    let height = ROW * rows + 8.0;
    let prereqs: Vec<(usize, usize)> = prereqs
        .iter()
        .copied()
        .filter(|&(a, b)| a < skills.len() && b < skills.len())
        .collect();
    let arcs = if prereqs.is_empty() {
        0.0
    } else {
        ARC_ROOM + 6.0
    };
    let width = NODE_W * 2.0 + GAP + arcs;
    // Centre the shorter column.
    let offset = |count: usize| (ROW * rows - ROW * count as f64) / 2.0 + 4.0;
    let (po, so) = (offset(phases.len()), offset(skills.len()));
    let py = |i: usize| po + ROW * i as f64 + (ROW - NODE_H) / 2.0;
    let sy = |i: usize| so + ROW * i as f64 + (ROW - NODE_H) / 2.0;
    let id = xml(id);
    let mut s = open_svg(
        "chart roadmap-chart wide-chart",
        "group",
        &id,
        title,
        desc,
        width,
        height,
    );
    for &(p, k) in edges {
        if p >= phases.len() || k >= skills.len() {
            continue;
        }
        let (x1, y1) = (NODE_W, py(p) + NODE_H / 2.0);
        let (x2, y2) = (NODE_W + GAP, sy(k) + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let _ = write!(
            s,
            "<path class=\"edge\" d=\"M{} {}C{} {} {} {} {} {}\"/>",
            n(x1),
            n(y1),
            n(mid),
            n(y1),
            n(mid),
            n(y2),
            n(x2),
            n(y2)
        );
    }
    if !prereqs.is_empty() {
        arrow_defs(&mut s, &id);
        prerequisite_arcs(
            &mut s,
            &id,
            NODE_W * 2.0 + GAP,
            1.0,
            ARC_ROOM,
            &|i| sy(i) + NODE_H / 2.0,
            &prereqs,
        );
    }
    for (i, p) in phases.iter().enumerate() {
        node(
            &mut s,
            root,
            0.0,
            py(i),
            NODE_W,
            NODE_H,
            "phase-node",
            p,
            34,
        );
    }
    for (i, k) in skills.iter().enumerate() {
        node(
            &mut s,
            root,
            NODE_W + GAP,
            sy(i),
            NODE_W,
            NODE_H,
            "skill-node",
            k,
            34,
        );
    }
    s.push_str("</svg>");
    s
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails the test when `svg` is not well-formed XML (also for the
    /// range charts' tests).
    pub(super) fn parses(svg: &str) {
        if let Err(e) = roxmltree::Document::parse(svg) {
            panic!("invalid SVG: {e}\n{svg}");
        }
    }

    #[test]
    fn timeline_and_roadmap_are_valid() {
        let spans = [
            Span {
                label: "One".into(),
                url: "phases/one/".into(),
                start_min: 0.0,
                start_max: 0.0,
                end_min: 4.3,
                end_max: 8.7,
                open: false,
            },
            Span {
                label: "Two".into(),
                url: "phases/two/".into(),
                start_min: 4.3,
                start_max: 8.7,
                end_min: 6.3,
                end_max: 10.7,
                open: true,
            },
        ];
        let tick = |v: f64| format!("{} month", n(v));
        for narrow in [false, true] {
            let chart = Timeline {
                id: "t",
                title: "Track",
                desc: "Two phases",
                spans: &spans,
                unit_weeks: 4.35,
                tick: &tick,
                root: "../../",
            };
            parses(&chart.draw(narrow));
        }
        let both = timeline("t", "Track", "Two phases", &spans, 4.35, &tick, "../../");
        assert_eq!(both.matches("<svg").count(), 2);
        assert_eq!(both.matches("href=\"../../phases/two/\"").count(), 2);
        let nodes = |k: &str| {
            (0..3)
                .map(|i| Node {
                    label: format!("{k} {i}"),
                    url: format!("{k}/{i}/"),
                    skill: (k == "skills").then(|| format!("s{i}")),
                })
                .collect::<Vec<_>>()
        };
        let (phases, skills) = (nodes("phases"), nodes("skills"));
        let edges = [(0, 0), (1, 2), (9, 9)];
        let both = roadmap(
            "r",
            "Map",
            "Phases to skills",
            &phases,
            &skills,
            &edges,
            &[(0, 2), (5, 1)],
            "../",
        );
        assert_eq!(both.matches("<svg").count(), 2);
        // On a phone: every phase, then each skill it builds under it, a
        // line down to each; the skill not built in any phase is left out.
        let narrow = roadmap_narrow(
            "r-n",
            "Map",
            "Phases to skills",
            &phases,
            &skills,
            &edges,
            "../",
        );
        parses(&narrow);
        assert_eq!(narrow.matches("<a href=").count(), 5);
        assert!(narrow.find("phases/1/").unwrap() < narrow.find("skills/2/").unwrap());
        assert_eq!(narrow.matches("class=\"edge\"").count(), 2 + 2);
        assert!(!narrow.contains("skills/1/"));
        let svg = roadmap_wide(
            "r",
            "Map",
            "Phases to skills",
            &phases,
            &skills,
            &edges,
            &[(0, 2), (5, 1)],
            "../",
        );
        parses(&svg);
        assert_eq!(svg.matches("<a href=").count(), 6);
        assert_eq!(svg.matches("class=\"edge\"").count(), 2);
        // Skills carry their slug for the progress colours; phases do not.
        assert_eq!(svg.matches(" data-skill-link=").count(), 3);
        assert!(svg.contains("<a href=\"../skills/1/\" data-skill-link=\"s1\">"));
        // One prerequisite arc (the other names a row that is not there),
        // ending in the SVG's own arrowhead.
        assert_eq!(svg.matches("class=\"prereq\"").count(), 1);
        assert!(svg.contains("marker-end=\"url(#r-arrow)\""));
        assert!(svg.contains("<marker id=\"r-arrow\""));
    }

    #[test]
    fn a_skill_map_is_one_column_with_an_arc_per_prerequisite() {
        let skills: Vec<Node> = (0..4)
            .map(|i| Node {
                label: format!("Skill {i}"),
                url: format!("skills/{i}/"),
                skill: Some(format!("s{i}")),
            })
            .collect();
        let svg = skill_map(
            "m",
            "Map",
            "By prerequisites",
            &skills,
            &[(0, 1), (0, 3), (1, 2), (7, 0)],
            "../",
        );
        parses(&svg);
        assert_eq!(
            svg.matches("<rect class=\"node skill-node\" x=\"76\"")
                .count(),
            4
        );
        assert_eq!(svg.matches("class=\"prereq\"").count(), 3);
        assert_eq!(svg.matches(" data-skill-link=").count(), 4);
    }

    #[test]
    fn nice_scales() {
        assert_eq!(nice_scale(54.0), (60.0, 20.0));
        assert_eq!(nice_scale(13.5), (15.0, 5.0));
        assert_eq!(nice_scale(7.0), (8.0, 2.0));
        assert_eq!(nice_scale(0.0), (1.0, 1.0));
    }
}
