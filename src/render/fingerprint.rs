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

use std::hash::{DefaultHasher, Hasher};

use serde::Serialize;
use serde::ser::{self, Serializer};

use crate::content::Target;
use crate::resolve::{PageRef, Site};

/// Each page's fingerprint, by output file. Looked up ten thousand times
/// a run by a session (FxHash: the keys are the site's own paths).
pub type Fingerprints = rustc_hash::FxHashMap<String, u64>;

/// The fingerprint of a page rendered without one being made: never equal
/// to a made one, so such a page counts as changed.
pub const UNKNOWN: u64 = 0;

/// How many bytes [`Print`] gathers before hashing them: a serializer
/// writes a value in pieces of a few bytes, and hashing each piece apart
/// cost more than the serializing (a third of a moving edit's time at
/// 10,000 pages).
const CHUNK: usize = 8 * 1024;

/// A page's fingerprint as it is made: what is fed to it is hashed as
/// one stream of bytes, in chunks.
///
/// Values are fed through serde, as the template context is made from
/// them, so that whatever a view holds counts; but as tagged bytes, not
/// JSON, which would escape every string first (most of the cost of
/// hashing a page, before).
pub(super) struct Print {
    hasher: DefaultHasher,
    buf: Vec<u8>,
}

impl Default for Print {
    fn default() -> Self {
        Print {
            hasher: DefaultHasher::new(),
            buf: Vec::with_capacity(CHUNK),
        }
    }
}

impl Print {
    fn bytes(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > CHUNK {
            self.hasher.write(&self.buf);
            self.buf.clear();
            if bytes.len() > CHUNK {
                self.hasher.write(bytes);
                return;
            }
        }
        self.buf.extend_from_slice(bytes);
    }

    /// A string whose end is marked by its length, so that `"ab", "c"`
    /// and `"a", "bc"` feed differently.
    fn text(&mut self, text: &str) {
        self.bytes(&(text.len() as u64).to_le_bytes());
        self.bytes(text.as_bytes());
    }

    /// Adds `value`, under `key`.
    pub(super) fn feed<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.text(key);
        // Serializing a value already made cannot fail; if a custom type's
        // serializer did, what it fed counts, and the end mark below.
        let _ = value.serialize(&mut *self);
        self.bytes(&[END]);
    }

    /// Adds what the body of the page at `r` is rendered from: its
    /// Markdown source and the titles of the entries it links to (a link
    /// without text shows its target's title).
    pub(super) fn feed_body(&mut self, site: &Site, r: PageRef) {
        let Some(doc) = site.doc(r) else {
            return;
        };
        self.text(doc.body_text());
        for link in &doc.links {
            if let Target::Entity { kind, slug, .. } = &link.target {
                let target = site.find(*kind, slug);
                let title = target.and_then(|i| site.doc(PageRef::Entity(*kind, i)));
                match title {
                    Some(d) => {
                        self.bytes(&[1]);
                        self.text(&d.title);
                    }
                    None => self.bytes(&[0]),
                }
            }
        }
    }

    /// The fingerprint made (never [`UNKNOWN`]).
    pub(super) fn finish(mut self) -> u64 {
        self.hasher.write(&self.buf);
        self.hasher.finish().max(1)
    }
}

/// Marks: the kind of each value fed, so that different values never feed
/// the same bytes (`[["a"]]` against `["a"]`, `None` against `""`).
const NONE: u8 = 1;
const SOME: u8 = 2;
const UNIT: u8 = 3;
const BOOL: u8 = 4;
const INT: u8 = 5;
const UINT: u8 = 6;
const FLOAT: u8 = 7;
const CHAR: u8 = 8;
const STR: u8 = 9;
const BYTES: u8 = 10;
const VARIANT: u8 = 11;
const NEWTYPE: u8 = 12;
const SEQ: u8 = 13;
const MAP: u8 = 14;
const END: u8 = 15;

/// Serde's error type for [`Print`], which never fails by itself.
#[derive(Debug)]
pub(super) struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

impl Print {
    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.bytes(&[tag]);
        self.bytes(bytes);
    }

    fn tagged_text(&mut self, tag: u8, text: &str) {
        self.bytes(&[tag]);
        self.text(text);
    }
}

/// Serializer methods that pass a number on as a wider type.
macro_rules! widened {
    ($($name:ident($t:ty) => $to:ident),*) => {$(
        fn $name(self, v: $t) -> Result<(), Never> {
            self.$to(v.into())
        }
    )*};
}

/// Serializer methods that feed a number's bytes after its tag.
macro_rules! little_endian {
    ($($name:ident($t:ty) => $tag:ident),*) => {$(
        fn $name(self, v: $t) -> Result<(), Never> {
            self.tagged($tag, &v.to_le_bytes());
            Ok(())
        }
    )*};
}

impl Serializer for &mut Print {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.tagged(BOOL, &[u8::from(v)]);
        Ok(())
    }
    // Narrower numbers as the widest of their kind: a field's value
    // counts, not the type it is stored in.
    widened!(
        serialize_i8(i8) => serialize_i64,
        serialize_i16(i16) => serialize_i64,
        serialize_i32(i32) => serialize_i64,
        serialize_u8(u8) => serialize_u64,
        serialize_u16(u16) => serialize_u64,
        serialize_u32(u32) => serialize_u64,
        serialize_f32(f32) => serialize_f64
    );
    little_endian!(
        serialize_i64(i64) => INT,
        serialize_i128(i128) => INT,
        serialize_u64(u64) => UINT,
        serialize_u128(u128) => UINT
    );
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.tagged(FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.tagged(CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.tagged_text(STR, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.tagged(BYTES, &(v.len() as u64).to_le_bytes());
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.bytes(&[NONE]);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.bytes(&[SOME]);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.bytes(&[UNIT]);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Never> {
        self.tagged_text(VARIANT, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.tagged_text(NEWTYPE, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Never> {
        self.bytes(&[SEQ]);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Never> {
        self.tagged_text(VARIANT, variant);
        self.serialize_seq(None)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Never> {
        self.bytes(&[MAP]);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Never> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Never> {
        self.tagged_text(VARIANT, variant);
        self.serialize_map(None)
    }
}

/// The items of a sequence, tuple or map are fed one after the other;
/// its end is marked, so that `[[1], 2]` and `[[1, 2]]` differ.
macro_rules! compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Print {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                self.bytes(&[END]);
                Ok(())
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Print {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        self.bytes(&[END]);
        Ok(())
    }
}

/// A struct's fields are fed as a map's entries: a view with a flattened
/// card feeds what the same fields written out would.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Print {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Never> {
                self.tagged_text(STR, key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                self.bytes(&[END]);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    fn of<T: Serialize>(v: &T) -> u64 {
        let mut p = Print::default();
        p.feed("x", v);
        p.finish()
    }

    #[test]
    fn equal_values_have_equal_fingerprints_and_a_change_shows() {
        assert_eq!(of(&vec!["a", "b"]), of(&vec!["a", "b"]));
        assert_ne!(of(&vec!["a", "b"]), of(&vec!["a", "c"]));
        assert_ne!(of(&vec!["ab"]), of(&vec!["a", "b"]));
        // The key counts too.
        let mut a = Print::default();
        a.feed("x", &1);
        let mut b = Print::default();
        b.feed("y", &1);
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn values_of_different_shapes_feed_differently() {
        assert_ne!(of(&vec![vec!["a"]]), of(&vec!["a"]));
        assert_ne!(of(&(vec![1], 2)), of(&(vec![1, 2],)));
        assert_ne!(of(&None::<String>), of(&Some(String::new())));
        assert_ne!(of(&Some("")), of(&""));
        assert_ne!(of(&1u64), of(&1i64));
        assert_ne!(of(&1.0f64), of(&1u64));
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        let mut map = std::collections::BTreeMap::new();
        map.insert("k", "v");
        let mut other = std::collections::BTreeMap::new();
        other.insert("kv", "");
        assert_ne!(of(&map), of(&other));
    }

    #[test]
    fn a_flattened_struct_feeds_its_fields_and_a_changed_field_shows() {
        #[derive(Serialize)]
        struct Inner {
            a: String,
        }
        #[derive(Serialize)]
        struct Outer {
            #[serde(flatten)]
            inner: Inner,
            b: u8,
        }
        let v = |a: &str, b| Outer {
            inner: Inner { a: a.to_string() },
            b,
        };
        assert_eq!(of(&v("x", 1)), of(&v("x", 1)));
        assert_ne!(of(&v("x", 1)), of(&v("y", 1)));
        assert_ne!(of(&v("x", 1)), of(&v("x", 2)));
    }

    #[test]
    fn values_longer_than_a_chunk_count_whole() {
        let long = "x".repeat(3 * CHUNK);
        let mut other = long.clone();
        other.replace_range(2 * CHUNK + 5..2 * CHUNK + 6, "y");
        assert_eq!(of(&long), of(&long.clone()));
        assert_ne!(of(&long), of(&other));
        // Many short values, across chunk ends.
        let many: Vec<String> = (0..5000).map(|i| format!("v{i}")).collect();
        let mut changed = many.clone();
        changed[4000] = "w".to_string();
        assert_ne!(of(&many), of(&changed));
    }
}
