//! KP0xx: reading the input, its YAML and its API versions. These rules are raised while a file
//! is loaded (src/source) and while its documents are decoded (src/lint.rs).

mod api_version;
mod decode;
mod encoding;
mod kubeadm;
mod limits;
mod suppression;
mod syntax;
mod template;

pub use api_version::UNKNOWN_API_VERSION;
pub use decode::{DUPLICATE_KEY, WRONG_TYPE, YAML11_BOOLEAN};
pub use encoding::UNREADABLE_TEXT;
pub use kubeadm::{DEPRECATED_KUBEADM_VERSION, UNSUPPORTED_KUBEADM_VERSION};
pub use limits::INPUT_LIMIT;
pub use suppression::{INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
pub use syntax::YAML_SYNTAX;
pub use template::TEMPLATE_SKIPPED;
