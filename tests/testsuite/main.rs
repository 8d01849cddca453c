//! The integration test suite: one test binary, one module per feature.
//! Every test writes a tiny site into its own temporary folder, runs the real
//! `unionpress` binary on it and reads the output with an HTML5 parser.

mod cjk;
mod drafts;
mod errors;
mod example_site;
mod figures;
mod home;
mod metrics;
mod output;
mod scaffold;
mod summaries;
mod support;
mod translations;
