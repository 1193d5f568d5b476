//! KP2xx: fields kube-proxy ignores — unknown, removed, or newer than the target release. Raised
//! by the schema pass (src/schema.rs) with the knowledge base's field table.

mod not_yet_available;
mod removed;
mod unknown;

pub use not_yet_available::FIELD_NOT_YET_AVAILABLE;
pub use removed::REMOVED_FIELD;
pub use unknown::UNKNOWN_FIELD;
