//! What each template reads of the `site` global, found from its text.
//!
//! A `serve` session that swaps in an edited entry renders again only the
//! pages that can show it. Its own page, and the pages that list or link
//! it, it knows from the view model; but any template may also read
//! `site.categories` (every skill card) or `site.roles`, and the handbook's
//! own templates can read whatever they like. Tera hands out only the
//! top-level names a template uses, so this reads the text: every
//! `site.<field>` inside `{{ … }}` and `{% … %}`, over the template and
//! every template it extends, includes or imports, and every template
//! that defines a component (components can be called from anywhere).
//!
//! The answer errs one way only: when the text uses `site` in any other
//! form (passed whole to a macro, indexed with brackets, assigned), or
//! includes a template named by a variable, the template counts as
//! reading all of `site`, and the session renders its pages again.

use std::collections::{BTreeSet, HashMap};

/// The part of `site` a template may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteReads {
    All,
    Fields(BTreeSet<String>),
}

impl SiteReads {
    /// Whether a template reading this sees any of `changed` fields.
    pub fn any_of(&self, changed: &[&str]) -> bool {
        match self {
            SiteReads::All => !changed.is_empty(),
            SiteReads::Fields(f) => changed.iter().any(|c| f.contains(*c)),
        }
    }

    fn add(&mut self, other: &SiteReads) {
        match (&mut *self, other) {
            (SiteReads::All, _) => {}
            (_, SiteReads::All) => *self = SiteReads::All,
            (SiteReads::Fields(a), SiteReads::Fields(b)) => a.extend(b.iter().cloned()),
        }
    }
}

/// What one template's own text reads, before following the templates it
/// names.
#[derive(Debug)]
struct Own {
    reads: SiteReads,
    /// Template names written as string literals in its tags.
    names: BTreeSet<String>,
    /// A tag that includes, extends or imports something other than a
    /// string literal: it could be any template.
    any_template: bool,
    /// It defines a `{% component %}`, which any template can call.
    components: bool,
}

/// Per template name, what it and the templates it uses read of `site`.
pub fn site_reads(templates: &[(&str, &str)]) -> HashMap<String, SiteReads> {
    let own: HashMap<&str, Own> = templates
        .iter()
        .map(|(name, text)| (*name, scan(text)))
        .collect();
    let mut out = HashMap::new();
    for (name, _) in templates {
        let mut reads = SiteReads::Fields(BTreeSet::new());
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![*name];
        stack.extend(own.iter().filter(|(_, o)| o.components).map(|(n, _)| *n));
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some(o) = own.get(n) else { continue };
            reads.add(&o.reads);
            if o.any_template {
                // Anything could come in: every template's reads.
                stack.extend(own.keys().copied());
            } else {
                stack.extend(
                    o.names
                        .iter()
                        .filter_map(|m| own.get_key_value(m.as_str()).map(|(k, _)| *k)),
                );
            }
        }
        out.insert((*name).to_string(), reads);
    }
    out
}

/// Reads the tags of one template.
fn scan(text: &str) -> Own {
    let mut own = Own {
        reads: SiteReads::Fields(BTreeSet::new()),
        names: BTreeSet::new(),
        any_template: false,
        components: false,
    };
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                rest = after;
                continue;
            }
        };
        let body_start = open + 2;
        let (body, next) = match rest[body_start..].find(close) {
            Some(end) => (
                &rest[body_start..body_start + end],
                body_start + end + close.len(),
            ),
            // An unclosed tag: Tera rejects the template anyway, but read
            // what is there.
            None => (&rest[body_start..], rest.len()),
        };
        if close != "#}" {
            tag(body, close == "%}", &mut own);
        }
        rest = &rest[next..];
    }
    own
}

/// One `{{ … }}` or `{% … %}`: its string literals and its uses of `site`.
fn tag(body: &str, statement: bool, own: &mut Own) {
    let (code, literals) = split_literals(body);
    let first = code
        .trim_start_matches(['-', ' ', '\t', '\r', '\n'])
        .split(|c: char| !is_ident(c))
        .next()
        .unwrap_or("");
    if statement && matches!(first, "extends" | "include" | "import") && literals.is_empty() {
        own.any_template = true;
    }
    if statement && first == "component" {
        own.components = true;
    }
    own.names.extend(literals);
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(found) = code[at..].find("site") {
        let start = at + found;
        let end = start + 4;
        at = end;
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| is_ident(char::from(b)) || b == b'.') {
            continue;
        }
        if bytes.get(end).is_some_and(|&b| is_ident(char::from(b))) {
            continue;
        }
        let field: String = match bytes.get(end) {
            Some(b'.') => code[end + 1..]
                .chars()
                .take_while(|&c| is_ident(c))
                .collect(),
            _ => String::new(),
        };
        if field.is_empty() {
            own.reads = SiteReads::All;
        } else if let SiteReads::Fields(f) = &mut own.reads {
            f.insert(field);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The tag's code with every string literal blanked out (so `"site"` is
/// not a use of `site`), and the literals' contents.
fn split_literals(body: &str) -> (String, Vec<String>) {
    let mut code = String::with_capacity(body.len());
    let mut literals = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '\'' | '`') {
            let mut lit = String::new();
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
                lit.push(d);
            }
            code.push(' ');
            literals.push(lit);
        } else {
            code.push(c);
        }
    }
    (code, literals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(list: &[&str]) -> SiteReads {
        SiteReads::Fields(list.iter().map(|s| s.to_string()).collect())
    }

    fn reads_of(templates: &[(&str, &str)], name: &str) -> SiteReads {
        site_reads(templates).remove(name).unwrap_or(SiteReads::All)
    }

    #[test]
    fn fields_come_from_tags_only() {
        let t = [(
            "a.html",
            "<p>Our site. The website.</p>{{ site.title }}{% for c in site.categories %}{{ c.website }}{% endfor %}{# site #}",
        )];
        assert_eq!(reads_of(&t, "a.html"), fields(&["categories", "title"]));
    }

    #[test]
    fn extended_and_included_templates_count() {
        let t = [
            (
                "base.html",
                "{{ site.menu }}{% block content %}{% endblock %}",
            ),
            ("part.html", "{{ site.roles | length }}"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}{% include \"part.html\" %}{% endblock %}",
            ),
            ("other.html", "{{ site.tracks }}"),
        ];
        assert_eq!(reads_of(&t, "page.html"), fields(&["menu", "roles"]));
        assert_eq!(reads_of(&t, "base.html"), fields(&["menu"]));
    }

    #[test]
    fn any_other_use_reads_everything() {
        for text in [
            "{{ m::card(s=site) }}",
            "{% set x = site %}",
            "{{ site[\"roles\"] }}",
            "{{ site | json_encode }}",
        ] {
            assert_eq!(
                reads_of(&[("a.html", text)], "a.html"),
                SiteReads::All,
                "{text}"
            );
        }
        // A string that says "site" is not a use; `page.site` is another
        // value's field.
        let t = [("a.html", "{{ \"site\" }}{{ page.site }}{{ my_site }}")];
        assert_eq!(reads_of(&t, "a.html"), fields(&[]));
    }

    #[test]
    fn a_template_named_by_a_variable_could_be_any() {
        let t = [
            ("a.html", "{% include name %}"),
            ("b.html", "{{ site.pages }}"),
        ];
        assert_eq!(reads_of(&t, "a.html"), fields(&["pages"]));
    }

    #[test]
    fn components_count_everywhere() {
        let t = [
            (
                "parts.html",
                "{% component card(x) %}{{ site.roles | length }}{% endcomponent card %}",
            ),
            ("a.html", "{{<card x=1/>}}{{ site.title }}"),
        ];
        assert_eq!(reads_of(&t, "a.html"), fields(&["roles", "title"]));
    }

    #[test]
    fn cycles_and_missing_templates_end() {
        let t = [
            (
                "a.html",
                "{% include \"b.html\" %}{% include \"gone.html\" %}",
            ),
            ("b.html", "{% include \"a.html\" %}{{ site.title }}"),
        ];
        assert_eq!(reads_of(&t, "a.html"), fields(&["title"]));
    }

    #[test]
    fn the_default_theme_reads_the_lists_only_on_list_pages() {
        // What keeps an edit to one entry cheap in a large handbook: the
        // pages of entries read nothing of `site` such an edit changes.
        let reads = site_reads(crate::render::BUILTIN);
        let changes = crate::render::views::FIELDS_AN_EDIT_CHANGES;
        for entry in [
            "skill.html",
            "role.html",
            "phase.html",
            "page.html",
            "compare.html",
        ] {
            assert!(!reads[entry].any_of(changes), "{entry}: {:?}", reads[entry]);
        }
        for list in ["index.html", "skills.html", "roles.html"] {
            assert!(reads[list].any_of(changes), "{list}: {:?}", reads[list]);
        }
    }

    #[test]
    fn changed_fields_meet_reads() {
        assert!(fields(&["roles"]).any_of(&["tracks", "roles"]));
        assert!(!fields(&["title"]).any_of(&["roles"]));
        assert!(SiteReads::All.any_of(&["roles"]));
        assert!(!SiteReads::All.any_of(&[]));
    }
}
