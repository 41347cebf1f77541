//! scalegate: a policy-as-code linter for Terraform, Kubernetes YAML and
//! rendered Helm output, with a built-in scalability-governance pack.
//!
//! The pipeline (docs/architecture.md "Pipeline") is a chain of plain functions
//! over plain data: [`discover`] → [`parse`] → bundles → [`policy`] →
//! [`locate`] → [`fingerprint`] → [`report`]. [`scan::scan`] runs all of it;
//! only `main.rs` touches the process.
//!
//! Kustomization roots are built by an external tool ([`render`]) and their
//! output is mapped back to the files a person edits
//! ([`parse::kustomize`]).
//!
//! [`rules`] is the catalog every layer takes rule ids, page URLs and the
//! meaning of `rules:` overrides from; [`assets`] holds the embedded pack.
//!
//! Around it: [`config`] reads `.scalegate.yaml` and [`settings`] checks its
//! `settings:` against the built-in defaults; [`schema`] publishes the same
//! rules as a JSON Schema; [`docs`], [`explain`] and [`init`] render rule
//! documentation and a starter config from one source each; [`rule_list`]
//! is `scalegate rules`, as a table or JSON.
//!
//! Below them all: [`model`] (the data every stage passes), [`source`],
//! [`diagnostic`] (positioned errors), [`did_you_mean`] and [`yaml`], the
//! YAML reader the parsers and the config share.

pub mod address;
pub mod assets;
pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod did_you_mean;
pub mod discover;
pub mod docs;
pub mod explain;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzzing;
pub mod init;
pub mod locate;
pub mod memory;
pub mod model;
pub mod module_loader;
pub mod parse;
pub mod policy;
pub mod render;
pub mod report;
pub mod report_file;
pub mod rule_list;
pub mod rules;
pub mod scan;
pub mod schema;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod timings;
pub mod yaml;
