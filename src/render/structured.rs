//! Structured data for search engines: one schema.org JSON-LD object per
//! page where a type fits — `WebSite` for the home page, `Occupation` for a
//! role (with its salary ranges), `LearningResource` for a skill and for a
//! phase (with the time it takes).
//!
//! Built with serde_json, so it is always valid JSON, and made safe to put
//! inside `<script>`: every `<` is written `\u003c`, so no value can close
//! the script element or open a comment.

use serde_json::{Map, Value, json};

use crate::content::{Duration, Kind, Unit};
use crate::resolve::{PageRef, Site};

/// The page's JSON-LD, or `None` where no schema.org type fits. A page's
/// text is made from this value by [`script_text`].
pub fn json_ld_value(site: &Site, page: PageRef) -> Option<Value> {
    Some(match page {
        PageRef::Home => website(site),
        PageRef::Entity(Kind::Role, i) => occupation(site, i),
        PageRef::Entity(Kind::Phase, i) => phase(site, i),
        PageRef::Entity(Kind::Skill, i) => skill(site, i),
        PageRef::Entity(Kind::Page, _) => return None,
    })
}

/// `value` ready for `<script type="application/ld+json">`.
pub fn script_text(value: &Value) -> String {
    script_safe(&value.to_string())
}

/// JSON that can sit inside an HTML `<script>` element unchanged in
/// meaning: `<` only ever appears inside strings, where `\u003c` is the
/// same character.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

fn absolute(site: &Site, path: &str) -> String {
    format!("{}/{path}", site.config.base_url)
}

/// Starts an object with `@context`, `@type` and what every page has.
fn thing(site: &Site, kind: &str, r: PageRef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!(kind));
    if let Some(doc) = site.doc(r) {
        m.insert("name".into(), json!(doc.title));
        if let Some(s) = &doc.summary {
            m.insert("description".into(), json!(s));
        }
    }
    m.insert("url".into(), json!(absolute(site, &site.path(r))));
    m
}

fn website(site: &Site) -> Value {
    let c = &site.config;
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": c.title,
        "description": c.description,
        "url": format!("{}/", c.base_url),
        "inLanguage": c.language,
    })
}

fn occupation(site: &Site, i: usize) -> Value {
    let role = &site.roles[i];
    let mut m = thing(site, "Occupation", PageRef::Entity(Kind::Role, i));
    if !role.responsibilities.is_empty() {
        m.insert("responsibilities".into(), json!(role.responsibilities));
    }
    let skills: Vec<&str> = site.role_relations[i]
        .skills
        .iter()
        .map(|(s, _)| site.skills[*s].doc.title.as_str())
        .collect();
    if !skills.is_empty() {
        m.insert("skills".into(), json!(skills));
    }
    if let Some(e) = &role.experience {
        m.insert(
            "experienceRequirements".into(),
            json!({
                "@type": "OccupationalExperienceRequirements",
                "monthsOfExperience": e.min * 12,
            }),
        );
    }
    let mut regions: Vec<&str> = Vec::new();
    let salaries: Vec<Value> = role
        .salary
        .iter()
        .map(|s| {
            if !regions.contains(&s.region.as_str()) {
                regions.push(&s.region);
            }
            // A yearly range: MonetaryAmount holding a QuantitativeValue
            // (the shape schema.org and search engines use for a salary
            // range; a distribution type would claim percentiles we do
            // not have).
            let mut value = Map::new();
            value.insert("@type".into(), json!("QuantitativeValue"));
            value.insert("minValue".into(), json!(s.min));
            if let Some(max) = s.max {
                value.insert("maxValue".into(), json!(max));
            }
            value.insert("unitText".into(), json!("YEAR"));
            json!({
                "@type": "MonetaryAmount",
                "name": s.region,
                "currency": s.currency,
                "value": value,
            })
        })
        .collect();
    if !salaries.is_empty() {
        m.insert("estimatedSalary".into(), json!(salaries));
        let places: Vec<Value> = regions
            .iter()
            .map(|r| json!({"@type": "AdministrativeArea", "name": r}))
            .collect();
        m.insert("occupationLocation".into(), json!(places));
    }
    Value::Object(m)
}

fn phase(site: &Site, i: usize) -> Value {
    let p = &site.phases[i];
    let mut m = thing(site, "LearningResource", PageRef::Entity(Kind::Phase, i));
    if let Some(d) = &p.duration {
        m.insert("timeRequired".into(), json!(iso_duration(d)));
    }
    m.insert("position".into(), json!(p.order.get_ref()));
    let track = &site.config.tracks[p.track];
    m.insert(
        "isPartOf".into(),
        json!({
            "@type": "CreativeWork",
            "name": track.title,
            "url": absolute(site, &format!("tracks/{}/", track.id)),
        }),
    );
    let teaches: Vec<&str> = p
        .skills
        .iter()
        .filter_map(|s| site.find(Kind::Skill, s.get_ref()))
        .map(|s| site.skills[s].doc.title.as_str())
        .collect();
    if !teaches.is_empty() {
        m.insert("teaches".into(), json!(teaches));
    }
    Value::Object(m)
}

fn skill(site: &Site, i: usize) -> Value {
    let s = &site.skills[i];
    let mut m = thing(site, "LearningResource", PageRef::Entity(Kind::Skill, i));
    m.insert("teaches".into(), json!(s.doc.title));
    m.insert("educationalLevel".into(), json!(s.difficulty.name()));
    Value::Object(m)
}

/// ISO 8601 duration of a phase: its longest suggested length (`P2M`,
/// `P6W`, `P1.5M`); an open-ended duration gives its minimum.
pub fn iso_duration(d: &Duration) -> String {
    let n = match (d.max, d.open_ended) {
        (Some(max), false) => max,
        _ => d.min,
    };
    let unit = match d.unit {
        Unit::Weeks => 'W',
        Unit::Months => 'M',
    };
    format!("P{}{unit}", crate::resolve::timeline::number(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let v = json!({"name": "</script><!-- x"});
        let safe = script_safe(&v.to_string());
        assert!(!safe.contains('<'), "{safe}");
        let back: Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn durations_are_iso_8601() {
        let d = |min, max, unit, open_ended| Duration {
            min,
            max,
            unit,
            open_ended,
        };
        assert_eq!(iso_duration(&d(1.0, Some(2.0), Unit::Months, false)), "P2M");
        assert_eq!(iso_duration(&d(4.0, Some(6.0), Unit::Weeks, false)), "P6W");
        assert_eq!(
            iso_duration(&d(1.0, Some(1.5), Unit::Months, false)),
            "P1.5M"
        );
        assert_eq!(iso_duration(&d(3.0, None, Unit::Months, true)), "P3M");
    }
}
