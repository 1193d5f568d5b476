//! KP3xx: sync periods and performance — what is silently ignored, and what costs time at scale.

pub mod client_limits;
pub mod inactive_section;
pub mod iptables_at_scale;
pub mod ipvs_settings_unused;
pub mod legacy_sync_override;
pub mod min_sync_zero_at_scale;
