//! The integration test suite: one test binary, one module per feature.
//! Every test writes a tiny site into its own temporary folder, runs the real
//! `unionpress` binary on it and reads the output with an HTML5 parser.

mod aliases;
mod archive;
mod check;
mod cjk;
mod drafts;
mod errors;
mod example_site;
mod feeds;
mod figures;
mod home;
mod layout;
mod linear;
mod lists;
mod messages;
mod metadata;
mod metrics;
mod not_found;
mod output;
mod output_paths;
mod photo_formats;
mod photos;
mod scaffold;
mod scales;
mod search;
mod serve;
mod serve_edits;
mod serve_limits;
mod site_yaml;
mod sitemap;
mod snapshots;
mod summaries;
mod support;
mod tags;
mod translations;
