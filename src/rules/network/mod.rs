//! KP6xx: networking and surroundings — kernel requirements, Cilium, MetalLB, bind addresses,
//! local-traffic detection and NodePorts.

pub mod alert_metric_names;
pub mod cilium_replacement;
pub mod cluster_cidr_missing;
pub mod localhost_node_ports;
pub mod metrics_bind;
pub mod metrics_loopback;
pub mod nftables_inert_settings;
pub mod nftables_kernel;
pub mod nftables_tcp_liberal;
pub mod node_port_addresses_unset;
