//! Tera's `join`, `capitalize` and `safe`, made without the allocations
//! of the built-in ones, for what they are called on: the whole-site lists
//! run the first two once a row, a row per skill. The built-in `join`
//! formats every item into a `String` of its own, through a `Vec` each,
//! and collects them before joining; `capitalize` makes three strings.
//! Together they were half the time of the skills list in a profile of a
//! large handbook. The built-in `safe` copies its text, and it is called on
//! every page's body: for a body of tens of megabytes that copy was the
//! largest single allocation of the build.
//!
//! Each gives what the built-in gives for every input (a test renders
//! both on the same values): Tera's own code stays in charge of escaping
//! and of every value that is not plain text.

use std::borrow::Cow;

use tera::{Kwargs, State, StringInput, TeraResult, Value};

use crate::labels::Labels;

/// Puts the filters in place of Tera's built-in ones of the same names,
/// and adds `fill` (with English number formatting until
/// [`register_fill`] gives it the handbook's labels).
pub fn register(tera: &mut tera::Tera) {
    tera.register_filter("join", join);
    tera.register_filter("capitalize", capitalize);
    tera.register_filter("safe", safe);
    register_fill(tera, Labels::default());
}

/// `label | fill(n=3, role=…)`: a label with its `{slots}` filled and its
/// singular or plural form chosen by `n` ([`crate::labels::fill`]); whole
/// numbers are grouped as the handbook's language writes them.
pub fn register_fill(tera: &mut tera::Tera, labels: Labels) {
    tera.register_filter(
        "fill",
        move |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let slots: Vec<(String, String)> = kwargs
                .iter()
                .map(|(k, v)| {
                    let value = match v.as_u64() {
                        Some(n) if k.as_str() != Some("n") => labels.number(n),
                        _ => v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    };
                    (k.as_str().unwrap_or_default().to_string(), value)
                })
                .collect();
            let slots: Vec<(&str, &str)> = slots
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Ok(Value::from(crate::labels::fill(text, &slots)))
        },
    );
}

/// `join(sep=…)`: the items, each as `{{ item }}` would print it when a
/// separator or an item is marked safe (and autoescaping is on), else as
/// plain text to be escaped when printed.
fn join(items: &[Value], kwargs: Kwargs, state: &State) -> TeraResult<Value> {
    let sep = kwargs.get::<StringInput>("sep")?;
    let safe = state.autoescaping_enabled()
        && (items.iter().any(|x| x.is_string() && x.is_safe())
            || sep.as_ref().is_some_and(StringInput::is_safe));
    let mut out = String::new();
    if safe {
        let sep = match &sep {
            Some(s) => s.rendered(state)?,
            None => Cow::Borrowed(""),
        };
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                out.push_str(&sep);
            }
            if !item.is_undefined() {
                out.push_str(&state.escape_if_needed(item)?);
            }
        }
        return Ok(Value::safe_string(&out));
    }
    let sep = sep.as_ref().map_or("", StringInput::as_str);
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        match item.as_str() {
            Some(text) => out.push_str(text),
            None => out.push_str(&item.to_string()),
        }
    }
    Ok(Value::from(out))
}

/// `safe`: a string marked as needing no escaping, sharing its text;
/// anything else as `{{ value }}` prints it, marked so.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    if value.is_string() {
        value.clone().mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// `capitalize`: the first character upper case, the rest lower case.
fn capitalize(text: StringInput, _: Kwargs, _: &State) -> Value {
    let s = text.as_str();
    if !s.is_ascii() {
        let mut chars = s.chars();
        let out = match chars.next() {
            None => String::new(),
            Some(f) => f.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
        };
        return text.inherit_safety(out);
    }
    let mut out = s.to_ascii_lowercase();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text.inherit_safety(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `template` with `ctx`, by Tera's built-in filters and by
    /// ours, as an HTML template (autoescaped) and as a text one.
    fn both(template: &str, ctx: &tera::Context) -> [(String, String); 2] {
        ["t.html", "t.txt"].map(|name| {
            let mut builtin = tera::Tera::new();
            builtin.autoescape_on(vec![".html"]);
            let mut ours = tera::Tera::new();
            ours.autoescape_on(vec![".html"]);
            register(&mut ours);
            let render = |t: &mut tera::Tera| {
                t.add_raw_template(name, template)
                    .and_then(|_| t.render(name, ctx))
                    .unwrap_or_else(|e| format!("error: {e}"))
            };
            (render(&mut builtin), render(&mut ours))
        })
    }

    #[test]
    fn the_filters_give_what_teras_own_give() {
        let mut ctx = tera::Context::new();
        ctx.insert("tools", &["Git", "<b>", "a & b"]);
        ctx.insert(
            "mixed",
            &serde_json::json!([1, "two", 3.5, true, null, ["x"], {"k": "v"}]),
        );
        ctx.insert("empty", &Vec::<String>::new());
        ctx.insert("one", &["only"]);
        ctx.insert_value("markup", Value::safe_string("<i>safe</i>"));
        ctx.insert(
            "words",
            &["beginner", "ADVANCED", "", "é lan", "ß", "ǆ", "i̇", "x"],
        );
        ctx.insert("number", &3);
        let templates = [
            r#"{{ tools | join(sep=", ") }}"#,
            r#"{{ tools | join }}"#,
            r#"{{ tools | join(sep=markup) }}"#,
            r#"{{ tools | join(sep="<&>") }}"#,
            r#"{{ mixed | join(sep="|") }}"#,
            r#"{{ empty | join(sep=", ") }}|{{ one | join(sep=", ") }}"#,
            r#"{{ [markup, "<x>"] | join(sep=" ") }}"#,
            r#"{{ tools | join(sep=", ") | safe }}"#,
            r#"{{ number | join(sep=", ") }}"#,
            r#"{{ tools | join(sep=1) }}"#,
            r#"{% for w in words %}[{{ w | capitalize }}]{% endfor %}"#,
            r#"{{ markup | capitalize }}{{ "<B>" | capitalize }}"#,
            r#"{{ number | capitalize }}"#,
            r#"{{ "<b>" | safe }}{{ markup | safe }}{{ number | safe }}"#,
            r#"{{ tools | safe }}{{ mixed | safe }}{{ empty | safe }}{{ missing | default(value="<i>") | safe }}"#,
            r#"{{ "<b>" | safe | capitalize }}{{ tools | safe | join(sep=", ") }}"#,
        ];
        for t in templates {
            for (builtin, ours) in both(t, &ctx) {
                assert_eq!(ours, builtin, "{t}");
            }
        }
    }
}
