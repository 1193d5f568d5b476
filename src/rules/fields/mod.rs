//! KP2xx: fields kube-proxy ignores — unknown, removed, or newer than the target release. Raised
//! by the schema pass (src/schema.rs) with the knowledge base's field table.

pub mod graduated_gate;
pub mod ipvs_deprecated;
pub mod mode_unset;
mod not_yet_available;
mod removed;
mod unknown;
pub mod unsupported_release;

pub use not_yet_available::FIELD_NOT_YET_AVAILABLE;
pub use removed::REMOVED_FIELD;
pub use unknown::UNKNOWN_FIELD;
