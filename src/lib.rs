//! roadbook turns a roadmap handbook (skills, job roles and learning phases
//! written as Markdown with TOML front matter) into a cross-linked static
//! site.
//!
//! Data flows one way, one stage a module, and [`pipeline`] runs them:
//!
//! ```text
//! Config ─► Sources ─► Handbook ─► Site ─► Pages ─► Files ─► written
//! config    load       parse       resolve  render   output   fs
//! ```
//!
//! A module uses only those before it in: `allocator, diagnostic, fs, git, labels, urls →
//! fields → config → content → resolve → markdown → render → output, search →
//! pipeline, scaffold → session → serve → cli`. (`git` reads file dates from
//! history; `scaffold` is `init` and `new`, which write new handbook files;
//! `session` keeps what `serve` reuses between rebuilds; `serve` is the
//! live preview.) `tests/architecture.rs`
//! fails on a back-edge.

pub mod allocator;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod disk;
pub mod fields;
pub mod fs;
pub mod git;
pub mod labels;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod urls;
