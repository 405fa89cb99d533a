//! The template set: the default theme's templates embedded in the binary
//! ([`BUILTIN`]), overridden by file name by a handbook's `templates/`, and
//! template errors as diagnostics that point into the template file.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::Tera;

use super::filters;
use super::views::SiteView;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fs::SourceFile;

macro_rules! builtin {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),+]
    };
}

/// The default theme's templates, by the name a handbook overrides them with.
pub const BUILTIN: &[(&str, &str)] = builtin!(
    "base.html",
    "macros.html",
    "index.html",
    "skill.html",
    "role.html",
    "phase.html",
    "page.html",
    "skills.html",
    "roles.html",
    "phases.html",
    "track.html",
    "matrix.html",
    "progress.html",
    "print.html",
    "compare.html",
    "redirect.html",
    "404.html",
    "search.html",
);

/// The default theme's static files, written under the output root before
/// the handbook's own `static/` (which can replace them).
pub const THEME_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/roadbook.css",
        include_bytes!("../../static/assets/roadbook.css"),
    ),
    (
        "assets/roadbook.js",
        include_bytes!("../../static/assets/roadbook.js"),
    ),
    (
        "assets/search.js",
        include_bytes!("../../static/assets/search.js"),
    ),
];

use super::tera_errors::TemplateSource;

/// The template set, ready to render pages.
pub struct Templates {
    pub(super) tera: Tera,
    sources: HashMap<String, TemplateSource>,
}

impl Templates {
    /// Makes `view` the `site` every template sees.
    pub fn set_site(&mut self, view: &SiteView) {
        let value = tera::Value::from_serializable(view);
        self.tera.global_context().insert_value("site", value);
        filters::register_fill(&mut self.tera, view.labels.clone());
    }

    /// A template error as a diagnostic that names the template file.
    pub(super) fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        tera_diagnostic(e, &self.sources)
    }
}

/// Builds the template set from the built-ins and the handbook's overrides
/// (files read from `templates/` by the load stage).
pub fn templates(overrides: &[SourceFile]) -> Result<Templates, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut sources: HashMap<String, TemplateSource> = BUILTIN
        .iter()
        .map(|(name, text)| {
            let src = TemplateSource {
                file: PathBuf::from(format!("(built-in) templates/{name}")),
                text: (*text).to_string(),
            };
            (name.to_string(), src)
        })
        .collect();
    for f in overrides {
        let name = f.rel.strip_prefix("templates").unwrap_or(&f.rel);
        let name = crate::diagnostic::display_path(name);
        match std::str::from_utf8(&f.bytes) {
            Ok(text) => {
                sources.insert(
                    name,
                    TemplateSource {
                        file: f.rel.clone(),
                        text: text.to_string(),
                    },
                );
            }
            Err(_) => diags.push(
                Diagnostic::file_error(&f.rel, "the template is not UTF-8 text")
                    .with_help("save it with UTF-8 encoding"),
            ),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    filters::register(&mut tera);
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    // Add one at a time so a syntax error names its own template; Tera
    // re-checks inheritance when the last one arrives.
    let all: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), sources[*n].text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(all) {
        diags.push(tera_diagnostic(&e, &sources));
        return Err(diags);
    }
    Ok(Templates { tera, sources })
}

fn tera_diagnostic(e: &tera::Error, sources: &HashMap<String, TemplateSource>) -> Diagnostic {
    super::tera_errors::diagnostic(e, sources)
}
