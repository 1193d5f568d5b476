//! kp-lint: the linter and tuning advisor for kube-proxy configuration.
//!
//! The flow (shared/DESIGN.md §1): [`source`] reads bytes into YAML documents with spans and
//! finds kube-proxy configurations; [`model`] decodes them as kube-proxy would; [`lint`] checks
//! their shape ([`schema`]) and meaning ([`rules`]) for a release from the knowledge base
//! ([`kb`]); [`render`] prints the findings.

pub mod app;
pub mod batch;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod fix;
pub mod go;
pub mod kb;
pub mod limits;
pub mod lint;
pub mod metrics;
pub mod model;
pub mod profile;
pub mod recommend;
pub mod render;
#[doc(hidden)]
pub mod robust;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suppress;
pub mod util;
pub mod walk;
