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
//! `partial_each` goes further: it keeps each list's HTML whole with
//! where every item's rows end, and the next call over mostly the same
//! items (looking a few items ahead) copies each run of unchanged items
//! in one piece. Finding ten thousand rows one by one in a cache of them
//! still took 12 ms for the matrix, most of it waiting on memory.
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
/// in use are found in it and moved up first). It holds what `partial`
/// calls make; `partial_each` keeps its lists whole instead ([`List`]).
/// Sixteen shards of this hold some quarter of a million results before
/// a run outgrows them and finds fewer kept.
const GENERATION: usize = 1 << 14;

/// The cache is split by key, each part behind a lock of its own: with one
/// lock, two threads rendering rows through `partial` waited on each other
/// for every row.
const SHARDS: usize = 16;

/// Most `partial_each` results kept whole ([`List`]): the built-in
/// templates make one per category of the skills list and of the home
/// page, one per phase of a track, and one for the matrix.
const LISTS: usize = 1024;

/// How many items of the last list a `partial_each` call looks past for
/// its next item (those removed since), before it renders that item as a
/// new one.
const LOOK_AHEAD: usize = 8;

/// The templates a `partial` call renders, and what it made.
pub struct Partials {
    /// The same templates as the pages', without the `site` global; set
    /// once they are parsed, which needs `partial` registered first.
    tera: OnceLock<Tera>,
    /// `None` for a one-off build: nothing is rendered twice there.
    cache: Option<Vec<Mutex<Cache>>>,
    /// The last `partial_each` results, oldest first (`None` for a build).
    lists: Option<Mutex<Vec<List>>>,
}

/// One `partial_each` call's HTML, and the items it was made from, so that
/// the next call over mostly the same items copies each run of unchanged
/// items' rows in one piece. Looking each row up in the cache cost more
/// than rendering it saved: at 10,000 skills the matrix still took 12 ms,
/// most of it waiting on memory for one cached row after another.
struct List {
    name: String,
    item: String,
    /// The other arguments, sorted by name.
    args: Vec<(String, Value)>,
    /// The list as given; holding it keeps its items' identity.
    items: Value,
    /// Where each item's HTML ends in `html`.
    ends: Vec<usize>,
    html: Value,
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
            lists: cached.then(Mutex::default),
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

fn lock<T>(cache: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
        let Some(items) = items.map(|(_, v)| v).filter(|v| v.as_array().is_some()) else {
            return Err(tera::Error::message(format!(
                "`partial_each` needs `{ITEMS}`, a list to render `{name}` for each of"
            )));
        };
        let rest = args_of(&kwargs, &[NAME, ITEM, ITEMS]);
        each.render_each(name, item, items, &rest)
    });
}

impl Partials {
    /// `partial_each`: `name` for each of `items` as `item`, with `rest`.
    fn render_each(
        &self,
        name: &str,
        item: &str,
        items: &Value,
        rest: &[(&str, &Value)],
    ) -> TeraResult<Value> {
        let Some(list) = items.as_array() else {
            return Ok(Value::safe_string(""));
        };
        let last = self.last_list(name, item, items, rest);
        let mut out = String::with_capacity(
            last.as_ref()
                .map_or(0, |l| l.ends.last().copied().unwrap_or(0)),
        );
        let mut ends = Vec::with_capacity(list.len());
        // Rows copied from the last list, not yet written: its bytes
        // `from..to`.
        let mut run: Option<(usize, usize)> = None;
        // The next item of the last list to look for.
        let mut next = 0;
        let mut args = Vec::with_capacity(rest.len() + 1);
        for (i, value) in list.iter().enumerate() {
            let found = last.as_ref().and_then(|l| {
                let old = l.items.as_array()?;
                let to = (next + LOOK_AHEAD).min(old.len());
                let k = (next..to).find(|&k| same_value(&old[k], value))?;
                // Found ahead: the items passed over were removed, unless
                // the next new item is the first of them, and this one
                // moved up from further on.
                let moved_up =
                    k > next && list.get(i + 1).is_some_and(|n| same_value(&old[next], n));
                Some((l, k, if moved_up { next } else { k + 1 }))
            });
            if let Some((l, k, after)) = found {
                let from = if k == 0 { 0 } else { l.ends[k - 1] };
                run = match run {
                    Some((start, end)) if end == from => Some((start, l.ends[k])),
                    Some((start, end)) => {
                        out.push_str(l.text(start, end));
                        Some((from, l.ends[k]))
                    }
                    None => Some((from, l.ends[k])),
                };
                next = after;
                let pending = run.map_or(0, |(start, end)| end - start);
                ends.push(out.len() + pending);
                continue;
            }
            if let (Some((start, end)), Some(l)) = (run.take(), &last) {
                out.push_str(l.text(start, end));
            }
            args.clear();
            args.extend_from_slice(rest);
            args.push((item, value));
            args.sort_unstable_by(|a, b| a.0.cmp(b.0));
            // Not kept row by row: the next call finds it in this list.
            let html = self.made(name, &args)?;
            out.push_str(html.as_str().unwrap_or_default());
            ends.push(out.len());
        }
        if let (Some((start, end)), Some(l)) = (run, &last) {
            out.push_str(l.text(start, end));
        }
        let html = Value::safe_string(&out);
        if let Some(lists) = &self.lists {
            let made = List {
                name: name.to_string(),
                item: item.to_string(),
                args: rest
                    .iter()
                    .map(|(k, v)| (k.to_string(), (*v).clone()))
                    .collect(),
                items: items.clone(),
                ends,
                html: html.clone(),
            };
            let mut lists = lock(lists);
            if lists.len() >= LISTS {
                lists.remove(0);
            }
            lists.push(made);
        }
        Ok(html)
    }

    /// The last list of `name` with these arguments, taken from the kept
    /// ones (the call puts its own back): the same list, else one whose
    /// first items are among the first items of `items`. Different lists
    /// rendered through the same partial with the same arguments (the
    /// skills of each category, say) start with different items.
    fn last_list(
        &self,
        name: &str,
        item: &str,
        items: &Value,
        rest: &[(&str, &Value)],
    ) -> Option<List> {
        let mut lists = lock(self.lists.as_ref()?);
        let new = items.as_array()?;
        let head = &new[..new.len().min(2)];
        let at = lists.iter().rposition(|l| {
            l.name == name
                && l.item == item
                && same_args(&l.args, rest)
                && (same_value(&l.items, items)
                    || l.items.as_array().is_some_and(|old| {
                        old.iter()
                            .take(2)
                            .any(|o| head.iter().any(|n| same_value(o, n)))
                    }))
        })?;
        Some(lists.remove(at))
    }
}

impl List {
    /// The HTML of the rows `from..to`.
    fn text(&self, from: usize, to: usize) -> &str {
        self.html
            .as_str()
            .and_then(|h| h.get(from..to))
            .unwrap_or_default()
    }
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

    /// A page listing `list` through `partial_each`, its partial counting
    /// the rows it renders.
    fn each_page(cached: bool) -> (Tera, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let partials = Arc::new(Partials::new(cached));
        let rendered = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&rendered);
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        register(&mut tera, Arc::clone(&partials));
        tera.register_function("counted", move |_: Kwargs, _: &State| {
            count.fetch_add(1, Ordering::Relaxed);
            Ok(Value::from(""))
        });
        tera.add_raw_templates([
            ("row.html", "{{ counted() }}<li>{{ s.title }} {{ n }}</li>"),
            (
                "page.html",
                "<ul>{{ partial_each(name=\"row.html\", items=list, item=\"s\", n=3) }}</ul>",
            ),
        ])
        .expect("valid templates");
        partials.use_templates(&tera);
        (tera, rendered)
    }

    /// Lists edited as a session edits them (an entry moved, added,
    /// removed, or made anew with another title) render as a fresh build
    /// renders them, and only the new or remade rows are rendered.
    #[test]
    fn a_list_like_the_last_one_copies_its_unchanged_rows() {
        use std::sync::atomic::Ordering;
        let (cached, rendered) = each_page(true);
        let (fresh, _) = each_page(false);
        let mut list: Vec<Value> = (0..40).map(|i| card(&format!("S{i}"))).collect();
        let mut next = 40;
        // A small deterministic generator: no crate for a test's dice.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut roll = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let page = |tera: &Tera, list: &[Value]| render_list(tera, list);
        assert_eq!(page(&cached, &list), page(&fresh, &list));
        for step in 0..300 {
            let before = rendered.load(Ordering::Relaxed);
            let made = match roll(4) {
                0 => {
                    let v = list.remove(roll(list.len()));
                    list.insert(roll(list.len() + 1), v);
                    0
                }
                1 => {
                    list.insert(roll(list.len() + 1), card(&format!("S{next}")));
                    next += 1;
                    1
                }
                2 if list.len() > 1 => {
                    list.remove(roll(list.len()));
                    0
                }
                _ => {
                    let at = roll(list.len());
                    list[at] = card(&format!("S{next} & more"));
                    next += 1;
                    1
                }
            };
            assert_eq!(page(&cached, &list), page(&fresh, &list), "step {step}");
            let now = rendered.load(Ordering::Relaxed) - before;
            assert!(now >= made, "step {step}: {now} rows rendered, {made} new");
            assert!(
                now <= made + 1,
                "step {step}: {now} rows rendered, {made} new"
            );
        }
        assert_eq!(page(&cached, &[]), "<ul></ul>");
        assert_eq!(page(&cached, &list), page(&fresh, &list));
    }

    fn render_list(tera: &Tera, list: &[Value]) -> String {
        let mut context = Context::new();
        context.insert_value("list", Value::from(list.to_vec()));
        tera.render("page.html", &context).expect("renders")
    }
}
