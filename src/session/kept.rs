//! What a session keeps of one run for the next: each content file's
//! parse, by path, and each code block's highlighted HTML, by language and
//! code. Both are pure functions of their input, so a kept result is
//! exactly what the stage function would return.
//!
//! Each run starts from what the run before used; whatever this run does
//! not use is dropped at its end ([`Kept::finish_run`]), so the memory held
//! is one handbook's worth, however long the session goes on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::config::Config;
use crate::content::{self, ParsedFile};
use crate::fs::SourceFile;
use crate::markdown::highlight;
use crate::pipeline::Memo;

/// A parse kept with the bytes it was made from.
struct Parse {
    bytes: Arc<[u8]>,
    parsed: ParsedFile,
}

/// The kept results of the last run, and those of the run under way.
#[derive(Default)]
pub(super) struct Kept {
    /// The settings the kept parses were made with: parsing checks ids
    /// against them, so other settings drop every parse.
    config: Option<Config>,
    /// The last run's results not used yet by this one: each is moved,
    /// not copied, to the used ones when this run asks for it.
    parses: Mutex<HashMap<PathBuf, Parse>>,
    parses_used: Mutex<HashMap<PathBuf, Parse>>,
    blocks: Mutex<HashMap<String, Arc<str>>>,
    blocks_used: Mutex<HashMap<String, Arc<str>>>,
    parsed: AtomicUsize,
    reused: AtomicUsize,
}

/// A poisoned lock is still good: no entry is ever left half-written.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Kept {
    /// Readies the kept parses for a run with `config`.
    pub(super) fn start_run(&mut self, config: &Config) {
        if self.config.as_ref() != Some(config) {
            self.parses
                .get_mut()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            self.config = Some(config.clone());
        }
        self.parsed.store(0, Ordering::Relaxed);
        self.reused.store(0, Ordering::Relaxed);
    }

    /// Ends a run: what it used is what the next run may reuse.
    pub(super) fn finish_run(&mut self) {
        let used = std::mem::take(
            self.parses_used
                .get_mut()
                .unwrap_or_else(|e| e.into_inner()),
        );
        *self.parses.get_mut().unwrap_or_else(|e| e.into_inner()) = used;
        let used = std::mem::take(
            self.blocks_used
                .get_mut()
                .unwrap_or_else(|e| e.into_inner()),
        );
        *self.blocks.get_mut().unwrap_or_else(|e| e.into_inner()) = used;
    }

    /// Files the last run parsed, and files it took from what was kept.
    pub(super) fn counts(&self) -> (usize, usize) {
        (
            self.parsed.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }
}

impl Memo for Kept {
    fn parse(&self, config: &Config, file: SourceFile) -> ParsedFile {
        let kept = lock(&self.parses).remove(&file.rel);
        if let Some(mut kept) = kept
            && kept.bytes == file.bytes
        {
            self.reused.fetch_add(1, Ordering::Relaxed);
            let parsed = kept.parsed.clone();
            // The run's sources hold this file's bytes as read now: keep
            // those, so that the bytes read before (after a full read,
            // every file's) are freed rather than held twice.
            kept.bytes = file.bytes;
            lock(&self.parses_used).insert(file.rel, kept);
            return parsed;
        }
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let (rel, bytes) = (file.rel.clone(), file.bytes.clone());
        let parsed = content::parse_file(config, file);
        let kept = Parse {
            bytes,
            parsed: parsed.clone(),
        };
        lock(&self.parses_used).insert(rel, kept);
        parsed
    }

    fn highlight(&self, lang: &str, code: &str) -> String {
        // The tag is one line, so a newline separates it from the code.
        let key = format!("{lang}\n{code}");
        if let Some(html) = lock(&self.blocks_used).get(&key) {
            return html.to_string();
        }
        let kept = lock(&self.blocks).remove(&key);
        let html: Arc<str> = match kept {
            Some(html) => html,
            None => highlight::code_block(lang, code).into(),
        };
        let out = html.to_string();
        lock(&self.blocks_used).insert(key, html);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(title: &str) -> Config {
        let toml = format!(
            "title = \"{title}\"\ndescription = \"D\"\nbase_url = \"https://example.org/hb\"\n\n[[categories]]\nid = \"core\"\ntitle = \"Core\"\n"
        );
        crate::config::parse(Path::new("."), &toml).unwrap_or_else(|d| panic!("{}", d.render()))
    }

    fn skill(slug: &str, title: &str) -> SourceFile {
        let text = format!(
            "+++\ntitle = \"{title}\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n\nBody of {slug}.\n"
        );
        SourceFile {
            rel: PathBuf::from(format!("content/skills/{slug}.md")),
            bytes: text.into_bytes().into(),
        }
    }

    /// The titles a handbook made of these parses has.
    fn titles(parsed: Vec<ParsedFile>) -> Vec<String> {
        let (hb, _) = content::assemble(parsed, false, &crate::git::Dates::default());
        hb.skills.iter().map(|s| s.doc.title.clone()).collect()
    }

    #[test]
    fn only_changed_files_are_parsed_and_the_result_is_the_same() {
        let config = config("T");
        let mut kept = Kept::default();
        let run = |kept: &mut Kept, files: Vec<SourceFile>| {
            kept.start_run(&config);
            let parsed: Vec<ParsedFile> =
                files.into_iter().map(|f| kept.parse(&config, f)).collect();
            kept.finish_run();
            (titles(parsed), kept.counts())
        };
        let files = vec![skill("a", "A"), skill("b", "B"), skill("c", "C")];
        assert_eq!(
            run(&mut kept, files),
            (vec!["A".into(), "B".into(), "C".into()], (3, 0))
        );
        let edited = vec![skill("a", "A"), skill("b", "B2"), skill("c", "C")];
        let plain: Vec<ParsedFile> = edited
            .iter()
            .map(|f| content::parse_file(&config, f.clone()))
            .collect();
        let (titles_kept, counts) = run(&mut kept, edited);
        assert_eq!(titles_kept, titles(plain));
        assert_eq!(counts, (1, 2));
        // A file gone from a run is gone from what is kept.
        run(&mut kept, vec![skill("a", "A")]);
        assert_eq!(lock(&kept.parses).len(), 1);
    }

    #[test]
    fn other_settings_drop_every_parse() {
        let mut kept = Kept::default();
        for title in ["T", "Other"] {
            let config = config(title);
            kept.start_run(&config);
            kept.parse(&config, skill("a", "A"));
            kept.finish_run();
            assert_eq!(kept.counts(), (1, 0), "with title {title}");
        }
    }

    #[test]
    fn kept_blocks_are_the_highlighters_and_unused_ones_are_dropped() {
        let mut kept = Kept::default();
        let a = kept.highlight("rust", "let a = 1;\n");
        assert_eq!(a, highlight::code_block("rust", "let a = 1;\n"));
        kept.highlight("python", "x = 1\n");
        kept.finish_run();
        assert_eq!(lock(&kept.blocks).len(), 2);
        assert_eq!(kept.highlight("rust", "let a = 1;\n"), a);
        kept.finish_run();
        assert_eq!(
            lock(&kept.blocks).len(),
            1,
            "the unused python block is dropped"
        );
    }
}
