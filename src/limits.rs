//! Explicit resource limits for untrusted input (documented in docs/limits.md).

/// Limits applied to every input. Each one, when hit, is a finding with a location (KP003),
/// never a panic or a hang.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this are not read (default 16 MiB; kube-proxy configs are a few KiB).
    pub max_file_bytes: u64,
    /// Deepest nesting of mappings and sequences (default 64).
    pub max_depth: usize,
    /// Most nodes one document may expand to when aliases are followed (default 100,000): an
    /// alias bomb ("billion laughs") stops here.
    pub max_expanded_nodes: usize,
    /// Most YAML documents read from one file (default 10,000).
    pub max_documents: usize,
    /// Longest line, in bytes (default 1 MiB): a longer one is not parsed (nor drawn).
    pub max_line_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_expanded_nodes: 100_000,
            max_documents: 4_000,
            max_line_bytes: 1024 * 1024,
        }
    }
}
