//! KP7xx: how kube-proxy is deployed — command-line flags, their precedence over `--config`,
//! and kubeadm's handling of the configuration.

mod cluster_cidr_mismatch;
pub mod deprecated_flag;
pub mod flag_ignored;
pub mod missing_hostname_override;
mod proxy_disabled;
pub mod unknown_flag;

pub use cluster_cidr_mismatch::KUBEADM_CLUSTER_CIDR_MISMATCH;
pub use proxy_disabled::PROXY_DISABLED_BUT_CONFIGURED;
