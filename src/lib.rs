//! unionpress: a static-site generator for bilingual trade-union news sites.
//!
//! The pipeline, one module a stage: [`config`] reads `site.yaml`;
//! [`content`] walks `content/`, parses front matter and Markdown
//! ([`markdown`], [`metrics`]) and links translations; [`render`] turns the
//! site into output files with the [`theme`]; [`output`] writes them
//! (in place: only changed files, after everything that can fail). [`build`] runs the stages; [`check`] validates a site without
//! writing anything; [`serve`] runs the stages again on every change (dev
//! mode); [`scaffold`] makes new sites and pages.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod images;
pub mod markdown;
pub mod metrics;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod text;
pub mod theme;
