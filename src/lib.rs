//! unionpress: a static-site generator for bilingual trade-union news sites.
//!
//! The house, from the bottom up (a module uses only those above it in
//! this list):
//! - [`messages`] (every message in English and Chinese, Fluent files);
//! - [`error`], [`files`] (the site's folders, file-system helpers),
//!   [`text`] (CJK, summaries, reading time);
//! - [`config`] reads `site.yaml`; [`urls`] holds every URL and path rule;
//!   [`theme`] loads templates, static files and UI strings;
//! - [`images`] probes, encodes and caches photos; [`metrics`] reads key
//!   figures; [`markdown`] turns text into HTML with both;
//! - [`content`] walks `content/`, parses and links translations into a
//!   [`content::Site`];
//! - [`render`] plans every output ([`render::Plan`]) and makes each;
//!   [`check`] validates links, anchors and translations against the plan;
//!   [`output`] writes (in place: only changed files, after everything that
//!   can fail);
//! - [`pipeline`] runs the stages for `build`, `check` and dev mode;
//!   [`serve`] is dev mode; [`scaffold`] makes new sites and pages.

pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod files;
pub mod images;
pub mod markdown;
pub mod messages;
pub mod metrics;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod text;
pub mod theme;
pub mod urls;
