//! Markdown bodies → HTML, as small passes over pulldown-cmark events:
//! cross-references become relative links (empty text takes the target's
//! title), co-located files are linked where they are copied, headings get
//! their ids, anchor links and a table of contents, tables get a scrolling
//! wrapper and fenced code is highlighted.
//!
//! References were checked by `resolve`, so this stage cannot fail.

pub mod highlight;

use std::collections::VecDeque;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd, html};
use serde::Serialize;

use crate::config::RawHtml;
use crate::content::{Doc, IdDeduper, Target, heading_id};
use crate::resolve::{Site, percent_decode};
use crate::urls;

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// Turns a fenced code block (its language tag, its code) into HTML.
/// `build` passes [`highlight::code_block`]; a caller that renders the same
/// handbook again and again may pass a function that remembers results.
pub type Highlight<'a> = &'a (dyn Fn(&str, &str) -> String + Sync);

/// Renders `doc`'s body for the page at `page_path`, code blocks through
/// `highlight`.
pub fn render(site: &Site, doc: &Doc, page_path: &str, highlight: Highlight<'_>) -> Body {
    let source = doc.body_text();
    // The events to write, made as the writer asks for them: a big body's
    // events are never all held at once (each costs more than the text it
    // stands for). Only a heading's or a code block's wait for their end.
    let mut events: VecDeque<Event<'_>> = VecDeque::new();
    let mut toc = Vec::new();
    let mut ids = IdDeduper::new();
    let mut heading: Option<(
        pulldown_cmark::HeadingLevel,
        Option<String>,
        Vec<Event<'_>>,
        String,
    )> = None;
    let mut code: Option<(String, String)> = None;

    // Raw HTML as text, tags and all, where the handbook asks for it.
    let escape_html = site.config.raw_html == RawHtml::Escape;
    // Streamed, not collected first: a big body's events would otherwise
    // be held twice over.
    let mut iter = crate::content::body_events(source)
        .map(|(event, _)| match event {
            Event::Html(h) | Event::InlineHtml(h) if escape_html => Event::Text(h),
            other => other,
        })
        .peekable();
    let next = std::iter::from_fn(|| {
        loop {
            if let Some(ready) = events.pop_front() {
                return Some(ready);
            }
            let event = iter.next()?;
            let next_ends_link = matches!(iter.peek(), Some(Event::End(TagEnd::Link)));
            // Code blocks: gather the text, emit highlighted HTML at the end.
            if let Some((_, buf)) = code.as_mut() {
                match event {
                    Event::Text(t) => buf.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        if let Some((lang, buf)) = code.take() {
                            events.push_back(Event::Html(highlight(&lang, &buf).into()));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // Headings: collect inner events to know the text, then wrap.
            if let Some((level, custom, inner, text)) = heading.as_mut() {
                match event {
                    Event::End(TagEnd::Heading(_)) => {
                        let level = *level;
                        let plain = text.trim().to_string();
                        let id = ids.unique(custom.take().unwrap_or_else(|| heading_id(&plain)));
                        let inner = std::mem::take(inner);
                        heading = None;
                        let n = level as u8;
                        let mut open = format!("<h{n} id=\"");
                        highlight::escape(&mut open, &id);
                        open.push_str("\">");
                        events.push_back(Event::Html(open.into()));
                        events.extend(inner);
                        let mut close = format!(
                            " <a class=\"anchor\" data-pagefind-ignore href=\"#{}\" aria-label=\"",
                            escape_attr(&id)
                        );
                        let label = site
                            .config
                            .labels
                            .fill("section_link", &[("heading", &plain)]);
                        highlight::escape(&mut close, &label);
                        close.push_str(&format!("\">#</a></h{n}>\n"));
                        events.push_back(Event::Html(close.into()));
                        toc.push(TocEntry {
                            level: n,
                            id,
                            text: plain,
                        });
                    }
                    Event::Text(ref t) | Event::Code(ref t) => {
                        text.push_str(t);
                        rewrite(site, doc, page_path, event.clone(), false, inner);
                    }
                    other => rewrite(site, doc, page_path, other, next_ends_link, inner),
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some((level, id.map(|s| s.to_string()), Vec::new(), String::new()));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Start(Tag::Table(_)) => {
                    events.push_back(Event::Html("<div class=\"table-scroll\">".into()));
                    events.push_back(event);
                }
                Event::End(TagEnd::Table) => {
                    events.push_back(event);
                    events.push_back(Event::Html("</div>\n".into()));
                }
                other => rewrite(site, doc, page_path, other, next_ends_link, &mut events),
            }
        }
    });
    // Room for what HTML usually makes of Markdown, so a big body is not
    // copied as it grows (old and new buffer at once). The room never
    // written to costs nothing: the system maps a large allocation's pages
    // when they are first touched.
    let mut out = String::with_capacity(source.len().saturating_mul(3));
    html::push_html(&mut out, next);
    Body { html: out, toc }
}

fn escape_attr(s: &str) -> String {
    let mut out = String::new();
    highlight::escape(&mut out, s);
    out
}

/// Pushes `event` onto `out`, with link and image destinations rewritten;
/// other events pass through. An entity link with no text (`empty`) gets
/// the target's title as its text.
fn rewrite<'a>(
    site: &Site,
    doc: &Doc,
    page_path: &str,
    event: Event<'a>,
    empty: bool,
    out: &mut impl Extend<Event<'a>>,
) {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let fill = if empty {
                entity_title(site, &dest_url)
            } else {
                None
            };
            let dest = destination(site, doc, page_path, &dest_url).map_or(dest_url, CowStr::from);
            out.extend([Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            })]);
            if let Some(t) = fill {
                out.extend([Event::Text(t.into())]);
            }
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = destination(site, doc, page_path, &dest_url).map_or(dest_url, CowStr::from);
            out.extend([Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            })]);
        }
        Event::TaskListMarker(done) => out.extend([Event::Html(task_marker(done).into())]),
        other => out.extend([other]),
    }
}

/// A task list's box. The box is only a picture of the state (it cannot
/// be ticked), so it is hidden from assistive technology, which reads the
/// state from hidden text instead: a bare disabled checkbox has no label.
fn task_marker(done: bool) -> &'static str {
    if done {
        "<input type=\"checkbox\" disabled checked aria-hidden=\"true\"><span class=\"visually-hidden\">Done: </span>"
    } else {
        "<input type=\"checkbox\" disabled aria-hidden=\"true\"><span class=\"visually-hidden\">To do: </span>"
    }
}

/// The URL a body link points at from this page, or `None` to keep it.
fn destination(site: &Site, doc: &Doc, page_path: &str, dest: &str) -> Option<String> {
    match crate::content::body_target(dest) {
        Target::Entity {
            kind,
            slug,
            fragment,
        } => {
            let i = site.find(kind, &slug)?;
            let target = crate::resolve::PageRef::Entity(kind, i);
            let mut url = urls::relative(page_path, &site.path(target));
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(&f);
            }
            Some(url)
        }
        Target::Local(path) => {
            let (file, rest) = match path.find(['#', '?']) {
                Some(i) => (&path[..i], &path[i..]),
                None => (path.as_str(), ""),
            };
            let folder = doc.content_folder();
            let mut out_dir = crate::diagnostic::display_path(&folder);
            if out_dir == "pages" {
                out_dir.clear();
            }
            let joined = if out_dir.is_empty() {
                percent_decode(file)
            } else {
                format!("{out_dir}/{}", percent_decode(file))
            };
            let normal = normalize_url(&joined)?;
            Some(format!("{}{}", urls::relative(page_path, &normal), rest))
        }
        _ => None,
    }
}

fn normalize_url(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn entity_title(site: &Site, dest: &str) -> Option<String> {
    let Target::Entity { kind, slug, .. } = crate::content::body_target(dest) else {
        return None;
    };
    let i = site.find(kind, &slug)?;
    site.doc(crate::resolve::PageRef::Entity(kind, i))
        .map(|d| d.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_box_is_hidden_and_its_state_is_read_out() {
        let mut out = String::new();
        let events = [Event::TaskListMarker(true), Event::TaskListMarker(false)];
        let mut rewritten = Vec::new();
        for e in events {
            if let Event::TaskListMarker(d) = e {
                rewritten.push(Event::Html(task_marker(d).into()));
            }
        }
        html::push_html(&mut out, rewritten.into_iter());
        assert_eq!(out.matches("aria-hidden=\"true\"").count(), 2, "{out}");
        assert!(out.contains("checked aria-hidden"), "{out}");
        assert!(
            out.contains(">Done: <") && out.contains(">To do: <"),
            "{out}"
        );
    }
}
