//! Fingerprints of what a page is rendered from, for a `serve` session to
//! tell which pages an edit can change without rendering them.
//!
//! A page's bytes follow from its template, the fields of `site` the
//! template reads, and its own context: the views it is given and its
//! meta. The fingerprint covers the context, with the body's Markdown
//! source and the titles of the entries it links to standing in for the
//! body's HTML (its URLs follow from the slugs in the source and the page's
//! own URL, which the meta holds). Templates and `site` are compared
//! apart: a session rebuilds from kept state only while the templates are
//! unchanged, and renders every page whose template reads a field of `site`
//! that changed.
//!
//! A kept fingerprint is always that of the context the page's current
//! bytes were rendered from, since every render in a session records it:
//! an equal fingerprint means equal bytes.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use crate::content::Target;
use crate::resolve::{PageRef, Site};

/// Each page's fingerprint, by output file.
pub type Fingerprints = HashMap<String, u64>;

/// The fingerprint of a page rendered without one being made: never equal
/// to a made one, so such a page counts as changed.
pub const UNKNOWN: u64 = 0;

/// The fingerprint `h` has made (never [`UNKNOWN`]).
pub(super) fn finish(h: &DefaultHasher) -> u64 {
    h.finish().max(1)
}

/// Feeds what it is written to a hasher, so that a value is hashed by
/// serializing it, without the serialized text being kept.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds `value`, under `key`, to `h`.
pub(super) fn feed<T: Serialize + ?Sized>(h: &mut DefaultHasher, key: &str, value: &T) {
    key.hash(h);
    // Serializing a value already made cannot fail; if a custom type's
    // serializer did, the key alone counts, and its page differs from
    // any other by the rest.
    let _ = serde_json::to_writer(HashWriter(h), value);
    0xffu8.hash(h);
}

/// Adds what the body of the page at `r` is rendered from: its Markdown
/// source and the titles of the entries it links to (a link without text
/// shows its target's title).
pub(super) fn feed_body(h: &mut DefaultHasher, site: &Site, r: PageRef) {
    let Some(doc) = site.doc(r) else {
        return;
    };
    doc.body_text().hash(h);
    for link in &doc.links {
        if let Target::Entity { kind, slug, .. } = &link.target {
            let target = site.find(*kind, slug);
            let title = target.and_then(|i| site.doc(PageRef::Entity(*kind, i)));
            title.map(|d| d.title.as_str()).hash(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of<T: Serialize>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        feed(&mut h, "x", v);
        h.finish()
    }

    #[test]
    fn equal_values_have_equal_fingerprints_and_a_change_shows() {
        assert_eq!(of(&vec!["a", "b"]), of(&vec!["a", "b"]));
        assert_ne!(of(&vec!["a", "b"]), of(&vec!["a", "c"]));
        assert_ne!(of(&vec!["ab"]), of(&vec!["a", "b"]));
        // The key counts too.
        let mut a = DefaultHasher::new();
        feed(&mut a, "x", &1);
        let mut b = DefaultHasher::new();
        feed(&mut b, "y", &1);
        assert_ne!(a.finish(), b.finish());
    }
}
