//! The benchmark floor: the least work any generator on our stack must do
//! for a corpus — read each Markdown file, render it with pulldown-cmark,
//! highlight fenced code with syntect (classed HTML, as syntect ships it)
//! and write the HTML. No templates, validation or cross-references.
//!
//! ```text
//! cargo run --release --example floor -- --threads 2 CONTENT_DIR OUT_DIR
//! ```
//!
//! `benches/compare.sh` runs it beside roadbook so that ratios, not
//! absolute times, say how close to the machine's limit roadbook is.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};
use rayon::prelude::*;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn highlight(lang: &str, code: &str) -> String {
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| set.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            break;
        }
    }
    format!("<pre><code>{}</code></pre>\n", generator.finalize())
}

fn render(markdown: &str) -> String {
    let body = match markdown.strip_prefix("+++") {
        Some(rest) => rest.split_once("\n+++").map_or(rest, |(_, b)| b),
        None => markdown,
    };
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for e in Parser::new_ext(body, opts) {
        match (&mut code, e) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Some((_, buf)), Event::Text(t)) => buf.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, buf)) = code.take() {
                    events.push(Event::Html(highlight(&lang, &buf).into()));
                }
            }
            (Some(_), _) => {}
            (None, e) => events.push(e),
        }
    }
    let mut out = String::with_capacity(body.len() * 3);
    html::push_html(&mut out, events.into_iter());
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

pub fn main() -> ExitCode {
    let mut threads = 1;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--threads" {
            threads = args.next().and_then(|v| v.parse().ok()).unwrap_or(1);
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    let [input, output] = paths.as_slice() else {
        eprintln!("usage: floor [--threads N] CONTENT_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let list = files(input);
    let result: Result<(), String> = pool.install(|| {
        list.par_iter().try_for_each(|path| {
            let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let rel = path
                .strip_prefix(input)
                .unwrap_or(path)
                .with_extension("html");
            let target = output.join(rel);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fs::write(&target, render(&text)).map_err(|e| format!("{}: {e}", target.display()))
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
