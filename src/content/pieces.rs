//! A body's Markdown events, parsed a piece at a time when the body is
//! big.
//!
//! pulldown-cmark builds the tree of a whole document before it yields the
//! first event, and that tree takes about three times the text. A
//! several-megabyte body would hold that much at once in every stage that
//! reads it (validation, the page, the print version). So a big body is
//! cut into pieces where a new top-level block certainly starts, and the
//! pieces are parsed one after another, each tree dropped before the next
//! is built. Both the check (`scan`) and the renderer read the body
//! through [`events`], so they see the same document.
//!
//! What could differ from one parse of the whole body, and how it is kept
//! the same:
//! - A cut inside a block that a blank line does not end (a fenced code
//!   block, a raw HTML block): cuts are made only after a blank line, at a
//!   line that starts with a letter in the first column, and only while no
//!   fence is open. The first raw HTML block line, and any fence whose
//!   container is not certain, ends the cutting for the rest of the body.
//! - A reference link (`[text][label]`) defined in another piece: the
//!   definitions of every piece are gathered first and looked up when a
//!   piece does not define the label itself. A label defined twice, in two
//!   pieces, leaves the body whole (the first definition must win).
//! - Footnotes, numbered and placed by the whole document: a body that may
//!   have them (`[^`) is never cut.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{BrokenLink, CowStr, Event, OffsetIter, Parser};

use super::body::options;

/// Bodies smaller than this are parsed whole: their tree is small anyway.
/// The renderer also treats a body this big with care
/// ([`crate::content::BIG_BODY`]).
pub const CUT_ABOVE: usize = 1 << 20;

/// The size a piece grows to before it may be cut at the next safe line.
const PIECE: usize = 256 << 10;

/// Every event of `body` with its byte range in `body`, as one parse of
/// the whole body gives them (see the module doc for how).
pub fn events(body: &str) -> Events<'_> {
    let piece = if body.len() < CUT_ABOVE {
        usize::MAX
    } else {
        PIECE
    };
    events_in_pieces(body, piece)
}

/// [`events`] with pieces of at least `piece` bytes, whatever the body's
/// size: tests and the fuzz target use tiny pieces to check that the cut
/// body reads as the whole.
#[doc(hidden)]
pub fn events_in_pieces(body: &str, piece: usize) -> Events<'_> {
    let mut cuts = cuts(body, piece);
    let mut defs = None;
    if cuts.len() > 1 && body.contains("]:") {
        defs = definitions(body, &cuts).map(Rc::new);
        if defs.is_none() {
            cuts = std::iter::once(0..body.len()).collect();
        }
    }
    Events {
        body,
        pieces: cuts.into_iter(),
        lookup: Lookup(defs),
        current: None,
    }
}

/// The events of a body, one piece's parse alive at a time.
pub struct Events<'a> {
    body: &'a str,
    pieces: std::vec::IntoIter<Range<usize>>,
    lookup: Lookup,
    current: Option<(usize, OffsetIter<'a, Lookup>)>,
}

impl<'a> Iterator for Events<'a> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((start, iter)) = self.current.as_mut() {
                if let Some((event, range)) = iter.next() {
                    return Some((event, range.start + *start..range.end + *start));
                }
                // Dropped before the next piece's tree is built.
                self.current = None;
            }
            let piece = self.pieces.next()?;
            let parser = Parser::new_with_broken_link_callback(
                &self.body[piece.clone()],
                options(),
                Some(self.lookup.clone()),
            );
            self.current = Some((piece.start, parser.into_offset_iter()));
        }
    }
}

/// Whether `event`'s byte range is one diagnostics point at, and so must
/// be the same however the body is cut: a link's or an image's, and text's.
/// Where a block ends among the blank lines after it depends on what
/// follows, which a piece cannot see.
#[doc(hidden)]
pub fn placed_in_source(event: &Event<'_>) -> bool {
    !matches!(event, Event::Start(_) | Event::End(_))
        || matches!(
            event,
            Event::Start(pulldown_cmark::Tag::Link { .. } | pulldown_cmark::Tag::Image { .. })
        )
}

/// A link reference definition: destination and title.
type Defs = HashMap<String, (String, String)>;

/// Finds, for a piece, a reference defined in another piece.
#[derive(Clone)]
struct Lookup(Option<Rc<Defs>>);

impl<'a> pulldown_cmark::BrokenLinkCallback<'a> for Lookup {
    fn handle_broken_link(&mut self, link: BrokenLink<'a>) -> Option<(CowStr<'a>, CowStr<'a>)> {
        let (dest, title) = self.0.as_ref()?.get(&label_key(&link.reference))?;
        Some((dest.clone().into(), title.clone().into()))
    }
}

/// A label as CommonMark matches it: case-folded, inner whitespace
/// collapsed.
fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The reference definitions of every piece, or `None` when a label is
/// defined in two pieces.
fn definitions(body: &str, cuts: &[Range<usize>]) -> Option<Defs> {
    let mut defs = Defs::new();
    for piece in cuts {
        let parser = Parser::new_ext(&body[piece.clone()], options());
        let mut here = Vec::new();
        for (label, def) in parser.reference_definitions().iter() {
            let title = def.title.as_deref().unwrap_or_default().to_string();
            here.push((label_key(label), (def.dest.to_string(), title)));
        }
        for (key, def) in here {
            if defs.insert(key, def).is_some() {
                return None;
            }
        }
    }
    Some(defs)
}

/// An open fence: its character, its length and how far it is indented.
struct Fence {
    ch: u8,
    len: usize,
    indent: usize,
}

/// Where `body` may be cut into pieces of at least `piece` bytes: ranges
/// that cover it, in order.
fn cuts(body: &str, piece: usize) -> Vec<Range<usize>> {
    let whole: Vec<Range<usize>> = std::iter::once(0..body.len()).collect();
    // A lone carriage return ends a line for CommonMark but not for the
    // scan below.
    let lone_cr = body
        .bytes()
        .zip(body.bytes().skip(1).chain([b'\n']))
        .any(|(a, b)| a == b'\r' && b != b'\n');
    if body.len() <= piece || body.contains("[^") || lone_cr {
        return whole;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_blank = true;
    let mut fence: Option<Fence> = None;
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let here = at;
        at += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let blank = text.trim_matches([' ', '\t']).is_empty();
        let (indent, rest) = indentation(text);
        if let Some(open) = &fence {
            if blank {
                prev_blank = true;
                continue;
            }
            // A line left of an indented fence either closes the list item
            // that holds the fence or is code of a top-level fence: which,
            // only a full parse knows.
            if indent < open.indent {
                break;
            }
            if let Some((ch, len, info)) = fence_line(rest)
                && ch == open.ch
                && len >= open.len
                && info.bytes().all(|b| b == b' ')
            {
                if indent <= 3 {
                    fence = None;
                } else if indent - open.indent <= 3 {
                    // Closes the fence only if it sits in a list item.
                    break;
                }
            }
            prev_blank = false;
            continue;
        }
        if indent <= 3 {
            if rest.starts_with('<') {
                break;
            }
            if let Some((ch, len, info)) = fence_line(rest)
                && !(ch == b'`' && info.contains('`'))
            {
                fence = Some(Fence { ch, len, indent });
                prev_blank = false;
                continue;
            }
        }
        if prev_blank
            && indent == 0
            && text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && here - start >= piece
        {
            out.push(start..here);
            start = here;
        }
        prev_blank = blank;
    }
    if out.is_empty() {
        return whole;
    }
    out.push(start..body.len());
    out
}

/// A line's indentation in columns (tabs to the next multiple of four) and
/// the text after it.
fn indentation(line: &str) -> (usize, &str) {
    let mut cols = 0;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b' ' => cols += 1,
            b'\t' => cols += 4 - cols % 4,
            _ => return (cols, &line[i..]),
        }
    }
    (cols, "")
}

/// A fence line's character, length and info string.
fn fence_line(rest: &str) -> Option<(u8, usize, &str)> {
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == ch).count();
    (len >= 3).then(|| (ch, len, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(events: impl Iterator<Item = Event<'static>>) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events);
        out
    }

    /// The HTML and ranges of a body parsed in pieces of `piece` bytes,
    /// checked against one parse of the whole.
    fn same_as_whole(body: &'static str, piece: usize) -> usize {
        let whole: Vec<_> = Parser::new_ext(body, options())
            .into_offset_iter()
            .collect();
        let cut: Vec<_> = events_in_pieces(body, piece).collect();
        let html_whole = html(whole.iter().map(|(e, _)| e.clone()));
        let html_cut = html(cut.iter().map(|(e, _)| e.clone()));
        assert_eq!(html_cut, html_whole, "body:\n{body}");
        let ranges = |v: &[(Event<'_>, Range<usize>)]| -> Vec<Range<usize>> {
            v.iter()
                .filter(|(e, _)| placed_in_source(e))
                .map(|(_, r)| r.clone())
                .collect()
        };
        assert_eq!(ranges(&cut), ranges(&whole), "body:\n{body}");
        cuts(body, piece).len()
    }

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    #[test]
    fn a_big_body_is_cut_between_blocks_and_reads_the_same() {
        let body = leak(
            "# Title\n\nSome *text* with [a link](https://e.org).\n\n- a list\n- of two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                .repeat(50),
        );
        let pieces = same_as_whole(body, 200);
        assert!(pieces > 10, "{pieces} pieces");
    }

    #[test]
    fn a_fence_is_never_cut() {
        let body = leak(format!(
            "Intro\n\nSecond\n\n```\ncode\n\nLetter line in code\n\n{}```\n\nAfter\n",
            "More code\n\n".repeat(30)
        ));
        let pieces = cuts(body, 5);
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert!(body[pieces[1].clone()].starts_with("Second\n\n```"));
        assert!(body[pieces[1].clone()].ends_with("```\n\n"));
        same_as_whole(body, 10);
    }

    #[test]
    fn a_fence_in_a_list_item_ends_the_cutting() {
        // The fence closes with its item, so the later fence line opens
        // one: a tracker that took it for a closer would cut inside.
        let body = leak(
            "Start\n\n- item\n\n  ```\n  code\n\nOutside\n\n```\nreal code\n\nLetter\n```\n\nEnd\n"
                .to_string(),
        );
        same_as_whole(body, 1);
    }

    #[test]
    fn only_spaces_and_tabs_may_follow_a_closing_fence() {
        // Found by fuzzing: a vertical tab after `~~~~` leaves it open, and
        // so does a tab for pulldown-cmark (which allows only spaces).
        for after in ["\u{b}", "\t", " \t", "  "] {
            let body = leak(format!("a\n\n~~~~\nb\n\n~~~~{after}\n\nc\n\n~~~~\n\nd\n"));
            same_as_whole(body, 1);
        }
    }

    #[test]
    fn an_item_ending_in_blank_lines_reads_the_same() {
        // Found by fuzzing: the item's own range runs to the end of its
        // piece, which only ranges nothing points at may do.
        let body = leak(format!("- \n{}A\n\n- b [x](y)\n", "\n".repeat(15)));
        same_as_whole(body, 3);
    }

    #[test]
    fn lone_carriage_returns_keep_the_body_whole() {
        let body = leak("x\r```\n\nLetter\n```\n\nEnd\n".to_string());
        assert_eq!(same_as_whole(body, 1), 1);
    }

    #[test]
    fn raw_html_ends_the_cutting() {
        let body = leak("One\n\nTwo\n\n<pre>\n\nThree\n\n</pre>\n\nFour\n".to_string());
        assert_eq!(same_as_whole(body, 1), 2);
    }

    #[test]
    fn references_resolve_across_pieces() {
        let body = leak(format!(
            "See [the docs][Docs  Site] and [docs site].\n\n{}[docs site]: https://e.org/docs \"Docs\"\n",
            "Filler paragraph.\n\n".repeat(20)
        ));
        assert!(same_as_whole(body, 10) > 2);
    }

    #[test]
    fn a_label_defined_twice_keeps_the_body_whole() {
        let body = leak(format!(
            "[x]: https://first.example\n\n{}[x]: https://second.example\n\nUse [x].\n",
            "Filler.\n\n".repeat(20)
        ));
        same_as_whole(body, 10);
    }

    #[test]
    fn footnotes_keep_the_body_whole() {
        let body = leak(format!(
            "Text[^1].\n\n{}[^1]: The note.\n",
            "Filler.\n\n".repeat(20)
        ));
        assert_eq!(same_as_whole(body, 1), 1);
    }

    /// Random bodies from lines that open, continue and close blocks: the
    /// pieces must always read as the whole.
    #[test]
    fn random_bodies_read_the_same_in_pieces() {
        const LINES: &[&str] = &[
            "",
            "",
            "",
            "Letter line",
            "another *line*",
            "# Heading",
            "- item",
            "  - nested",
            "1. first",
            "> quote",
            "> ```",
            "```",
            "~~~",
            "````",
            "  ```",
            "   ~~~",
            "    code",
            "\tcode",
            "- ```",
            "  code in item",
            "<div>",
            "<pre>",
            "</pre>",
            "<!--",
            "-->",
            "| a | b |",
            "|---|---|",
            "[r]: https://e.org",
            "[r]",
            "[s][r]",
            "===",
            "---",
            "``` js`",
            "Term",
            "  > quoted in item",
            "***",
            "<span>x</span>",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let n = (next() % 40) as usize;
            let mut body = String::new();
            for _ in 0..n {
                body.push_str(LINES[(next() % LINES.len() as u64) as usize]);
                body.push('\n');
            }
            same_as_whole(leak(body), 1);
        }
    }
}
