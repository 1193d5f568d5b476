//! KP5xx: IPVS — strictARP with MetalLB, schedulers, timeouts, kernels, and the per-Service
//! myths from blog posts.

pub mod hashing_scheduler;
pub mod kernel_conn_reuse;
pub mod nf_conntrack_ipv4;
pub mod service_scheduler_annotation;
pub mod short_tcp_timeout;
pub mod strict_arp_metallb;
pub mod topology_keys;
pub mod udp_timeout_dns;
