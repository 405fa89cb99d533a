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
//! A module uses only those before it in: `diagnostic, fs, fields, config,
//! urls → content → resolve → markdown → render → output → pipeline → cli`.

pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod fields;
pub mod fs;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod urls;
