//! The Rego side: loading the embedded pack and users' policies, their
//! METADATA, evaluation with `regorus`, and the `test_*` runner.

pub mod calls;
pub mod combined;
pub mod crypto;
pub mod evaluate;
pub mod input;
pub mod loader;
pub mod metadata;
pub mod profile;
pub mod selector;
pub mod testing;
pub mod vm;
