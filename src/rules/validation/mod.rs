//! KP1xx: what kube-proxy refuses at start-up, with the verdicts of its own validation
//! (kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go), applied after
//! kube-proxy's defaulting, for the target release.

pub mod bind_address;
pub mod client_burst;
pub mod cluster_cidr;
pub mod config_sync_period;
pub mod conntrack;
pub mod detect_local;
pub mod exclude_cidrs;
pub mod feature_gates;
pub mod hidden_metrics;
pub mod ipvs_scheduler;
pub mod ipvs_timeouts;
pub mod logging;
pub mod masquerade_bit;
pub mod min_sync_exceeds_sync;
pub mod min_sync_period;
pub mod mode;
pub mod node_port_addresses;
pub mod oom_score_adj;
pub mod port_range;
pub mod server_address;
pub mod sync_period;
