//! `partial(name="…", …)`: a template rendered with nothing but the
//! arguments it is called with, so that the same arguments always give the
//! same HTML and a `serve` session renders it once, not on every edit.
//!
//! The lists of the whole site repeat one row per skill, ten thousand
//! rows a page at 10,000 skills, and Tera renders each row again on every
//! edit that changes the list (a new title, a skill added): at that size
//! the skills list took 40 ms and the matrix 30. A session keeps each
//! card's template value from run to run while the card stays the same
//! ([`super::values`]), so a row made from the same values is found again
//! by what it was made from, and only the edited entry's rows are made.
//! This is Hugo's `partialCached`, keyed on what the partial is given.
//!
//! A partial sees its arguments only: no `site`, no page, no `root` unless
//! passed. What it shows is then all in its arguments, which is what makes
//! keeping its HTML safe. Lists and maps among the arguments are matched
//! by identity (the kept values of a session are shared, not copied), and
//! a cached entry holds on to them, so no other value can take their
//! place in memory while it is kept; text, numbers and booleans by value.
//! A partial cannot call `partial` or `partial_each`, which could call
//! itself without end.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::{FxHashMap, FxHasher};
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

/// The argument naming the template.
const NAME: &str = "name";

/// Most partial results kept from one generation of a shard of the
/// cache: beyond that, the shard's older generation is dropped (entries
/// in use are found in it and moved up first). Sixteen shards of this
/// hold the four rows a skill has in the bundled theme for some sixty
/// thousand skills before a run outgrows them and finds fewer rows kept.
const GENERATION: usize = 1 << 14;

/// The cache is split by key, each part behind a lock of its own: with one
/// lock, the two threads rendering the largest lists waited on each other
/// for every row.
const SHARDS: usize = 16;

/// The templates a `partial` call renders, and what it made.
pub struct Partials {
    /// The same templates as the pages', without the `site` global; set
    /// once they are parsed, which needs `partial` registered first.
    tera: OnceLock<Tera>,
    /// `None` for a one-off build: nothing is rendered twice there.
    cache: Option<Vec<Mutex<Cache>>>,
}

#[derive(Default)]
struct Cache {
    now: FxHashMap<u64, Vec<Made>>,
    before: FxHashMap<u64, Vec<Made>>,
}

/// One partial's HTML and what it was made from.
struct Made {
    name: String,
    args: Vec<(String, Value)>,
    html: Value,
}

impl Partials {
    /// `cached` keeps each result for the runs that follow (a `serve`
    /// session).
    pub fn new(cached: bool) -> Self {
        Partials {
            tera: OnceLock::new(),
            cache: cached.then(|| (0..SHARDS).map(|_| Mutex::default()).collect()),
        }
    }

    /// The templates partials are rendered from: a copy of the pages' set
    /// (`partial` registered), in which a partial that calls `partial`
    /// gets an error instead of maybe calling itself without end.
    pub fn use_templates(&self, pages: &Tera) {
        let mut tera = pages.clone();
        for name in ["partial", "partial_each"] {
            tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<Value> {
                Err(tera::Error::message(format!(
                    "a partial cannot call `{name}`: render the rows it needs in it"
                )))
            });
        }
        let _ = self.tera.set(tera);
    }

    /// The HTML of `name` with `args` (sorted by name), from the cache
    /// when these were rendered before.
    fn render(&self, name: &str, args: &[(&str, &Value)]) -> TeraResult<Value> {
        let Some(cache) = &self.cache else {
            return self.made(name, args);
        };
        let key = key(name, args);
        let shard = &cache[(key >> 59) as usize % SHARDS];
        if let Some(html) = lock(shard).find(key, name, args) {
            return Ok(html);
        }
        // Rendered outside the lock: other threads keep finding theirs.
        let html = self.made(name, args)?;
        let made = Made {
            name: name.to_string(),
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), (*v).clone()))
                .collect(),
            html: html.clone(),
        };
        lock(shard).keep(key, made);
        Ok(html)
    }

    fn made(&self, name: &str, args: &[(&str, &Value)]) -> TeraResult<Value> {
        let mut context = Context::new();
        for (k, v) in args {
            context.insert_value(k.to_string(), (*v).clone());
        }
        let Some(tera) = self.tera.get() else {
            return Err(tera::Error::message(
                "`partial` called before the templates were parsed",
            ));
        };
        match tera.render(name, &context) {
            Ok(html) => Ok(Value::safe_string(&html)),
            Err(e) => Err(tera::Error::message(format!(
                "in the partial `{name}`{}",
                where_and_what(&e)
            ))),
        }
    }
}

/// `, line L, column C: what` for an error Tera can place, else `: what`
/// (the page's error points at the call; this says where inside).
fn where_and_what(e: &tera::Error) -> String {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let s = r.span();
            format!(
                ", line {}, column {}: {}",
                s.start_line,
                s.start_col + 1,
                r.message()
            )
        }
        other => format!(": {other}"),
    }
}

fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    // A panic cannot leave an entry half made (each is put in whole).
    cache.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cache {
    fn find(&mut self, key: u64, name: &str, args: &[(&str, &Value)]) -> Option<Value> {
        let same = |m: &Made| m.name == name && same_args(&m.args, args);
        if let Some(m) = self
            .now
            .get(&key)
            .and_then(|ms| ms.iter().find(|m| same(m)))
        {
            return Some(m.html.clone());
        }
        // Still in use: up to the newer generation.
        let older = self.before.get_mut(&key)?;
        let i = older.iter().position(same)?;
        let m = older.swap_remove(i);
        let html = m.html.clone();
        self.keep(key, m);
        Some(html)
    }

    fn keep(&mut self, key: u64, made: Made) {
        if self.now.len() >= GENERATION {
            self.before = std::mem::take(&mut self.now);
        }
        self.now.entry(key).or_default().push(made);
    }
}

fn same_args(kept: &[(String, Value)], args: &[(&str, &Value)]) -> bool {
    kept.len() == args.len()
        && kept
            .iter()
            .zip(args)
            .all(|((k, a), (n, b))| k == n && same_value(a, b))
}

/// Lists and maps by identity, everything else by value.
fn same_value(a: &Value, b: &Value) -> bool {
    match (identity(a), identity(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a == b,
        _ => false,
    }
}

fn identity(v: &Value) -> Option<usize> {
    if let Some(m) = v.as_map() {
        return Some(std::ptr::from_ref(m) as usize);
    }
    v.as_array().map(|a| a.as_ptr() as usize)
}

fn key(name: &str, args: &[(&str, &Value)]) -> u64 {
    let mut h = FxHasher::default();
    name.hash(&mut h);
    for (k, v) in args {
        k.hash(&mut h);
        match identity(v) {
            Some(p) => p.hash(&mut h),
            None => match v.as_str() {
                Some(s) => s.hash(&mut h),
                None => v.to_string().hash(&mut h),
            },
        }
    }
    h.finish()
}

/// Registers `partial`, and `partial_each`, rendering with `partials`.
///
/// `partial_each(name=…, items=list, item="s", …)` is `partial` once per
/// item of `list`, given as the argument `item` names beside the others,
/// the results one after another: a `{% for %}` loop calling `partial`
/// took a tenth of what the rows took to render, but each call still cost
/// Tera a map of its arguments and a lookup, twenty thousand times a
/// moving edit at 10,000 skills.
pub fn register(tera: &mut Tera, partials: Arc<Partials>) {
    let each = Arc::clone(&partials);
    tera.register_function("partial", move |kwargs: Kwargs, _: &State| {
        let name = kwargs.must_get::<&str>(NAME)?;
        let args = args_of(&kwargs, &[NAME]);
        partials.render(name, &args)
    });
    tera.register_function("partial_each", move |kwargs: Kwargs, _: &State| {
        let name = kwargs.must_get::<&str>(NAME)?;
        let item = kwargs.must_get::<&str>(ITEM)?;
        let items = kwargs.iter().find(|(k, _)| k.as_str() == Some(ITEMS));
        let Some(items) = items.and_then(|(_, v)| v.as_array()) else {
            return Err(tera::Error::message(format!(
                "`partial_each` needs `{ITEMS}`, a list to render `{name}` for each of"
            )));
        };
        let rest = args_of(&kwargs, &[NAME, ITEM, ITEMS]);
        let mut out = String::new();
        let mut args = Vec::with_capacity(rest.len() + 1);
        for value in items {
            args.clear();
            args.extend_from_slice(&rest);
            args.push((item, value));
            args.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let html = each.render(name, &args)?;
            out.push_str(html.as_str().unwrap_or_default());
        }
        Ok(Value::safe_string(&out))
    });
}

/// `partial_each`'s list, and the name each of its items takes.
const ITEMS: &str = "items";
const ITEM: &str = "item";

/// The arguments but those named in `skip`, sorted by name.
fn args_of<'k>(kwargs: &'k Kwargs, skip: &[&str]) -> Vec<(&'k str, &'k Value)> {
    let mut args: Vec<(&str, &Value)> = kwargs
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .filter(|(k, _)| !skip.contains(k))
        .collect();
    args.sort_unstable_by(|a, b| a.0.cmp(b.0));
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page template listing `list` through the partial `row.html`.
    fn page(cached: bool) -> (Tera, Arc<Partials>) {
        let partials = Arc::new(Partials::new(cached));
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        register(&mut tera, Arc::clone(&partials));
        tera.add_raw_templates([
            ("row.html", "<td>{{ s.title }}</td><td>{{ n }}</td>"),
            (
                "page.html",
                "{% for s in list %}<tr>{{ partial(name=\"row.html\", s=s, n=loop.index) }}</tr>{% endfor %}",
            ),
        ])
        .expect("valid templates");
        partials.use_templates(&tera);
        (tera, partials)
    }

    fn render(tera: &Tera, list: &Value) -> String {
        let mut context = Context::new();
        context.insert_value("list", list.clone());
        tera.render("page.html", &context).expect("renders")
    }

    fn card(title: &str) -> Value {
        let mut map = std::collections::BTreeMap::new();
        map.insert("title", Value::from(title));
        Value::from(map)
    }

    #[test]
    fn a_partial_gives_what_its_arguments_make_escaped_once() {
        let list = Value::from(vec![card("A & B"), card("C")]);
        let expected = "<tr><td>A &amp; B</td><td>1</td></tr><tr><td>C</td><td>2</td></tr>";
        assert_eq!(render(&page(false).0, &list), expected);
        assert_eq!(render(&page(true).0, &list), expected);
    }

    #[test]
    fn partial_each_gives_what_a_loop_of_partial_calls_gives() {
        let (mut tera, _) = page(true);
        tera.add_raw_template(
            "each.html",
            "{{ partial_each(name=\"row.html\", items=list, item=\"s\", n=7) }}",
        )
        .expect("valid template");
        tera.add_raw_template(
            "calls.html",
            "{% for s in list %}{{ partial(name=\"row.html\", s=s, n=7) }}{% endfor %}",
        )
        .expect("valid template");
        let list = Value::from(vec![card("A & B"), card("C")]);
        let mut context = Context::new();
        context.insert_value("list", list);
        let each = tera.render("each.html", &context).expect("renders");
        assert_eq!(each, "<td>A &amp; B</td><td>7</td><td>C</td><td>7</td>");
        assert_eq!(each, tera.render("calls.html", &context).expect("renders"));
        let mut context = Context::new();
        context.insert_value("list", Value::from("not a list"));
        let e = tera.render("each.html", &context).expect_err("fails");
        assert!(e.to_string().contains("needs `items`"), "{e}");
    }

    #[test]
    fn a_kept_value_finds_its_html_and_a_new_one_is_rendered() {
        let (tera, p) = page(true);
        let (a, b) = (card("A"), card("B"));
        let first = Value::from(vec![a.clone(), b.clone()]);
        assert_eq!(
            render(&tera, &first),
            "<tr><td>A</td><td>1</td></tr><tr><td>B</td><td>2</td></tr>"
        );
        let kept = |p: &Partials| {
            let shards = p.cache.as_ref().expect("cached");
            shards.iter().map(|c| lock(c).now.len()).sum::<usize>()
        };
        assert_eq!(kept(&p), 2);
        // `b` replaced by a value equal in text but made anew, as after an
        // edit of that entry: rendered again; `a` kept; the position
        // argument differs for `a`, so it is made again too.
        let second = Value::from(vec![card("B"), a.clone()]);
        assert_eq!(
            render(&tera, &second),
            "<tr><td>B</td><td>1</td></tr><tr><td>A</td><td>2</td></tr>"
        );
        assert_eq!(
            kept(&p),
            4,
            "two new rows, none found: each differs in a value"
        );
        assert_eq!(
            render(&tera, &second),
            "<tr><td>B</td><td>1</td></tr><tr><td>A</td><td>2</td></tr>"
        );
        assert_eq!(kept(&p), 4, "the same values: every row found");
    }

    #[test]
    fn an_error_in_a_partial_names_it_and_a_partial_cannot_call_one() {
        let p = Arc::new(Partials::new(true));
        let mut page = Tera::new();
        register(&mut page, Arc::clone(&p));
        page.add_raw_templates([
            ("bad.html", "{{ missing.field }}"),
            ("self.html", "{{ partial(name=\"self.html\") }}"),
            (
                "each-self.html",
                "{{ partial_each(name=\"each-self.html\", items=[1], item=\"x\") }}",
            ),
            ("each-loop.html", "{{ partial(name=\"each-self.html\") }}"),
            ("page.html", "{{ partial(name=\"bad.html\") }}"),
            ("loop.html", "{{ partial(name=\"self.html\") }}"),
        ])
        .expect("parses");
        p.use_templates(&page);
        let e = page
            .render("loop.html", &Context::new())
            .expect_err("fails");
        assert!(e.to_string().contains("cannot call `partial`"), "{e}");
        let e = page
            .render("each-loop.html", &Context::new())
            .expect_err("fails");
        assert!(e.to_string().contains("cannot call `partial_each`"), "{e}");
        let e = page
            .render("page.html", &Context::new())
            .expect_err("fails");
        let text = e.to_string();
        assert!(
            text.contains("in the partial `bad.html`, line 1, column 4"),
            "{text}"
        );
        assert!(text.contains("missing"), "{text}");
    }
}
