//! The finished site as files: pages, the handbook's static files,
//! co-located content files, the theme's CSS and JS under content-hashed
//! names, and the publishing extras (`.nojekyll`, `CNAME`, `sitemap.xml`,
//! `atom.xml`, `robots.txt`), put into a [`Sink`]: the staging folder of
//! `build` or [`Memory`] for `serve` and tests.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::fs::{FsError, Sink, SourceFile};
use crate::render;
use crate::render::assets::ShippedAssets;
use crate::resolve::Site;

/// Every file of the site by its path relative to the output root. The
/// bytes are shared, so a copy of the site copies the map, not the pages.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Files {
    pub files: BTreeMap<String, Stored>,
}

impl Files {
    /// The file's bytes as written: borrowed, or unpacked when it is held
    /// packed. `None` for no such file.
    pub fn get(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        self.files.get(path).map(Stored::bytes)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Puts every file of `newer` in place of the file of the same path.
    pub fn overlay(&mut self, newer: Files) {
        self.files.extend(newer.files);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The bytes held for the site: what it costs to keep it.
    pub fn held_bytes(&self) -> usize {
        self.files.values().map(Stored::held).sum()
    }
}

/// One file of an in-memory site: its bytes as written, or packed
/// (deflated) for a site that is kept for a long time. A site held by
/// `serve` is mostly text that packs to a fraction of its size, and
/// unpacking one page for a request costs far less than serving it.
#[derive(Debug, Clone)]
pub struct Stored {
    bytes: Arc<[u8]>,
    /// The size as written.
    len: usize,
    packed: bool,
    /// A 128-bit digest of the bytes as written. A session asks of nearly
    /// every page whether it came out as before; comparing digests
    /// answers that without unpacking the last site's page, which took
    /// more of a rebuild's time than rendering did (`perf` over
    /// `serve-bench`).
    digest: u128,
}

/// SipHash-1-3 with 128 bits out: an accidental collision, which would
/// leave a changed page unchanged in the preview, is out of reach.
fn digest(bytes: &[u8]) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new();
    h.write(bytes);
    h.finish128().as_u128()
}

impl Stored {
    pub fn raw(bytes: &[u8]) -> Stored {
        Stored {
            bytes: Arc::from(bytes),
            len: bytes.len(),
            packed: false,
            digest: digest(bytes),
        }
    }

    /// The bytes packed, or as they are where packing saves little (images,
    /// fonts, tiny files).
    pub fn packed(bytes: &[u8]) -> Stored {
        use std::io::Write;
        let mut out = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(bytes.len() / 4),
            flate2::Compression::fast(),
        );
        let packed = out.write_all(bytes).and_then(|()| out.finish());
        match packed {
            Ok(p) if p.len() < bytes.len() - bytes.len() / 8 => Stored {
                bytes: Arc::from(p),
                len: bytes.len(),
                packed: true,
                digest: digest(bytes),
            },
            _ => Stored::raw(bytes),
        }
    }

    /// The bytes as written. Unpacking cannot fail on bytes this type
    /// packed; if it ever did, the file reads as empty rather than as
    /// garbage.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        if !self.packed {
            return Cow::Borrowed(&self.bytes);
        }
        use std::io::Read;
        let mut out = Vec::with_capacity(self.len);
        match flate2::read::DeflateDecoder::new(&self.bytes[..]).read_to_end(&mut out) {
            Ok(_) => Cow::Owned(out),
            Err(_) => Cow::Owned(Vec::new()),
        }
    }

    /// The bytes it holds: packed, what keeping it costs.
    pub fn held(&self) -> usize {
        self.bytes.len()
    }

    /// The size as written.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether both hold the one allocation: then they are equal without a
    /// look at the bytes.
    pub fn shares(&self, other: &Stored) -> bool {
        Arc::ptr_eq(&self.bytes, &other.bytes)
    }

    /// Whether the file as written is `bytes`.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() && self.digest == digest(bytes)
    }
}

impl PartialEq for Stored {
    fn eq(&self, other: &Stored) -> bool {
        self.shares(other) || (self.len == other.len && self.digest == other.digest)
    }
}

impl Eq for Stored {}

/// A sink that keeps the site in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Stored>>,
}

impl Memory {
    pub fn into_files(self) -> Files {
        Files {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), FsError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), Stored::raw(bytes));
        Ok(())
    }
}

/// Everything that is not a rendered page, put before the pages so a page
/// wins over a static file of the same path. Later layers replace earlier
/// ones: the handbook's `static/`, then co-located files, then the theme's
/// CSS and JS under hashed names. The sitemap, feed and `robots.txt` are
/// added only where the handbook has no file of that name: a handbook may
/// provide its own.
pub fn extras(
    site: &Site,
    statics: &[SourceFile],
    shipped: &ShippedAssets,
    sink: &dyn Sink,
) -> Result<Extras, FsError> {
    let mut files: BTreeMap<String, &[u8]> = BTreeMap::new();
    for f in statics {
        let rel = f.rel.strip_prefix("static").unwrap_or(&f.rel);
        files.insert(crate::diagnostic::display_path(rel), &f.bytes);
    }
    for a in &site.assets {
        files.insert(a.out.clone(), &a.bytes);
    }
    // The final CSS and JS (the handbook's override, if any, is already in
    // `shipped`) under content-hashed names; the plain-named copy only
    // where a handbook file still refers to it.
    for a in shipped.all() {
        if a.keep_plain {
            files.insert(a.plain.to_string(), &a.bytes);
        } else {
            files.remove(a.plain);
        }
        files.insert(a.hashed.clone(), &a.bytes);
    }
    // GitHub Pages: serve files as they are, without Jekyll.
    files.insert(".nojekyll".to_string(), b"");
    let cname = site.config.cname.as_ref().map(|c| format!("{c}\n"));
    if let Some(c) = &cname {
        files.insert("CNAME".to_string(), c.as_bytes());
    }
    // The discovery files are named here and made by [`discovery`], which
    // can run beside the pages: they list every page, and no page has
    // their names.
    let generated: Vec<String> = render::DISCOVERY
        .iter()
        .filter(|name| !files.contains_key(**name))
        .map(|name| name.to_string())
        .collect();
    for (path, bytes) in &files {
        sink.put(path, bytes)?;
    }
    Ok(Extras {
        files: files.len() + generated.len(),
        discovery: generated,
    })
}

/// What [`extras`] put.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// How many files.
    pub files: usize,
    /// The sitemap, feed and `robots.txt` it made (not those the handbook
    /// ships itself), written by [`discovery`] beside the pages.
    pub discovery: Vec<String>,
}

/// The discovery files named in `made` (from [`Extras::discovery`]), from
/// the site as it is now: after [`extras`], and again after an edit.
pub fn discovery(site: &Site, made: &[String], sink: &dyn Sink) -> Result<(), FsError> {
    for p in render::discovery_files(site) {
        if made.contains(&p.path) {
            sink.put(&p.path, p.html.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Files with these paths and texts (also for other modules' tests).
    pub(crate) fn files(paths: &[(&str, &str)]) -> Files {
        Files {
            files: paths
                .iter()
                .map(|(p, b)| (p.to_string(), Stored::raw(b.as_bytes())))
                .collect(),
        }
    }

    #[test]
    fn packed_files_read_back_as_written() {
        let page = "<p>a page of repeated text</p>\n".repeat(200);
        let packed = Stored::packed(page.as_bytes());
        assert!(packed.packed, "text this repetitive packs");
        assert!(packed.bytes.len() < page.len() / 4);
        assert_eq!(&*packed.bytes(), page.as_bytes());
        assert_eq!(packed.len(), page.len());
        assert!(packed.holds(page.as_bytes()));
        assert!(!packed.holds(b"<p>other</p>"));
        let one_byte_off = page.replacen("repeated", "repeatex", 1);
        assert_eq!(one_byte_off.len(), page.len());
        assert!(
            !packed.holds(one_byte_off.as_bytes()),
            "same length, other text"
        );
        assert_ne!(packed, Stored::raw(one_byte_off.as_bytes()));
        assert_eq!(packed, Stored::raw(page.as_bytes()), "equal by content");
    }

    #[test]
    fn what_packing_would_not_shrink_is_kept_as_it_is() {
        for bytes in [&b""[..], b"x", b"\x89PNG\r\n\x1a\n\x00\x00"] {
            let kept = Stored::packed(bytes);
            assert!(!kept.packed, "{bytes:?}");
            assert_eq!(&*kept.bytes(), bytes);
        }
    }
}
