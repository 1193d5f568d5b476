//! kube-proxy settings where distributions keep them: RKE2/k3s `config.yaml`, k0s
//! `ClusterConfig`, Talos machine configurations, kubespray inventory variables, KubeKey and kind
//! `Cluster`s, Cluster API kubeadm objects and kops nodeup tasks. Each form is mapped onto the
//! same [`ProxyConfig`] model as a `KubeProxyConfiguration` file, with spans into the user's
//! file, so every rule applies unchanged. Where a distribution sets a value kube-proxy would
//! otherwise default, the value is filled in with the span of the distribution's setting and a
//! note naming the source (`ProxyConfig::distro`); fixes leave those alone. docs/sources.md
//! lists each form with an example and its sources.

mod capi;
mod k0s;
mod k3s;
mod kind;
mod kubekey;
mod kubespray;
mod talos;

use serde_json::Value;

use super::yaml::{Document, Node, Span};
use super::{Distro, FileContext, Note, Origin, ProxyConfig, SourceFile, flags, str_of};
use crate::diagnostic::Finding;
use crate::kb::{Release, kb};
use crate::limits::Limits;
use crate::model::{FieldSpan, Located, Path, Seg, get_path};
use crate::rules::wiring;

/// Find a distribution's kube-proxy settings in one document.
pub(super) fn detect(
    file: &mut SourceFile,
    d: &Document,
    root: &Node,
    ctx: &FileContext,
    limits: &Limits,
) {
    let api = str_of(d, root.get("apiVersion")).unwrap_or("");
    let kind = str_of(d, root.get("kind")).unwrap_or("");
    let group = api.split('/').next().unwrap_or("");
    match (group, kind) {
        ("k0s.k0sproject.io", "ClusterConfig") => k0s::read(file, d, root),
        ("kubekey.kubesphere.io", "Cluster") => kubekey::read(file, d, root),
        ("kind.x-k8s.io", "Cluster") => kind::read(file, d, root, limits),
        (
            "controlplane.cluster.x-k8s.io" | "bootstrap.cluster.x-k8s.io",
            "KubeadmControlPlane"
            | "KubeadmControlPlaneTemplate"
            | "KubeadmConfig"
            | "KubeadmConfigTemplate",
        ) => capi::read(file, d, root, ctx, limits),
        (g, "KubeOneCluster") if g.starts_with("kubeone.") => {
            file.notes.push(Note {
                span: Some(root.get("kind").map_or(root.span, |n| n.span)),
                message: "KubeOneCluster: kp-lint does not read KubeOne's clusterNetwork.kubeProxy yet; not linted".into(),
            });
        }
        ("", "") => kindless(file, d, root, ctx, limits),
        _ => {}
    }
}

/// Documents without apiVersion and kind: RKE2/k3s `config.yaml`, Talos machine configurations
/// and patches, kubespray variables, a Cluster API object cut out of a larger file (documentation
/// fragments), a kops nodeup task, or a bare fragment of a KubeProxyConfiguration.
fn kindless(file: &mut SourceFile, d: &Document, root: &Node, ctx: &FileContext, limits: &Limits) {
    if !matches!(root.kind, super::yaml::NodeKind::Mapping(_)) {
        return;
    }
    if k3s::matches(root) {
        k3s::read(file, d, root);
    } else if talos::matches(d, root) {
        talos::read(file, d, root);
    } else if kubespray::matches(root) {
        kubespray::read(file, d, root);
    } else if capi::matches(d, root) {
        capi::read(file, d, root, ctx, limits);
    } else if capi::kops_task(d, root) {
        capi::read_kops(file, d, root, ctx, limits);
    } else {
        fragment(file, d, root);
    }
}

/// A mapping whose keys are all KubeProxyConfiguration fields, without apiVersion and kind: a
/// fragment meant to be merged somewhere (documentation snippets, patches). kube-proxy cannot
/// load it on its own, so it is reported and not linted.
fn fragment(file: &mut SourceFile, d: &Document, root: &Node) {
    let keys: Vec<&str> = root
        .entries()
        .iter()
        .filter_map(|(k, _)| k.as_str())
        .collect();
    let sections = [
        "conntrack",
        "iptables",
        "ipvs",
        "nftables",
        "winkernel",
        "detectLocal",
        "clientConnection",
    ];
    let all_fields = !keys.is_empty() && keys.iter().all(|k| kb().field(k).is_some());
    if all_fields && keys.iter().any(|k| sections.contains(k)) {
        let first = root.entries().first().map_or(root.span, |(k, _)| k.span);
        file.notes.push(Note {
            span: Some(first),
            message: format!(
                "a fragment of a KubeProxyConfiguration ({}) without apiVersion and kind: kube-proxy cannot load it on its own; not linted (add `apiVersion: kubeproxy.config.k8s.io/v1alpha1` and `kind: KubeProxyConfiguration` to lint it)",
                keys.join(", ")
            ),
        });
        let _ = d;
    }
}

/// A configuration being built from a distribution's own keys.
pub(super) struct Builder {
    pub data: Located,
    pub defaults: Vec<(Path, String)>,
}

impl Builder {
    pub fn new(doc_span: Span) -> Self {
        let data = Located::empty_mapping(doc_span);
        Builder {
            data,
            defaults: Vec::new(),
        }
    }

    /// Start from values decoded from a YAML body that has kube-proxy's own shape (a k0s
    /// `kubeProxy` section, a KubeKey `kubeProxyConfiguration`).
    pub fn from_located(data: Located) -> Self {
        Builder {
            data,
            defaults: Vec::new(),
        }
    }

    pub fn has(&self, path: &str) -> bool {
        get_path(&self.data.value, &Path::parse(path)).is_some_and(|v| !v.is_null())
    }

    /// Set a field from a value written in the file under another name (a kubespray variable).
    pub fn set(&mut self, path: &str, value: Value, key: Option<Span>, value_span: Span) {
        let p = Path::parse(path);
        self.clear(&p);
        if let Value::Array(items) = &value {
            for i in 0..items.len() {
                self.data.spans.insert(
                    p.index(i),
                    FieldSpan {
                        key: None,
                        value: value_span,
                    },
                );
            }
        }
        flags::set_path(&mut self.data.value, &p, value);
        self.data.spans.insert(
            p,
            FieldSpan {
                key,
                value: value_span,
            },
        );
    }

    /// Fill in a field the distribution sets when the file does not; its span is the
    /// distribution's setting that implies it (`anchor`).
    pub fn default(&mut self, path: &str, value: Value, anchor: Span, note: impl Into<String>) {
        if self.has(path) {
            return;
        }
        let p = Path::parse(path);
        // Parents the default creates point at the anchor too.
        let mut parent = p.parent();
        while let Some(pp) = parent {
            if pp.is_root() {
                break;
            }
            if get_path(&self.data.value, &pp).is_none() {
                self.data.spans.insert(
                    pp.clone(),
                    FieldSpan {
                        key: Some(anchor),
                        value: anchor,
                    },
                );
            }
            parent = pp.parent();
        }
        self.set(path, value, Some(anchor), anchor);
        self.defaults.push((p, note.into()));
    }

    /// Merge another body on top of this one as a merge patch does: mappings merge key by key,
    /// anything else replaces (kind's `kubeadmConfigPatches`).
    pub fn merge(&mut self, other: Located) {
        fn walk(base: &mut Value, other: Value, path: &Path, replaced: &mut Vec<Path>) {
            match (base, other) {
                (Value::Object(b), Value::Object(o)) => {
                    for (k, v) in o {
                        let p = path.key(&k);
                        if v.is_null() {
                            // A merge patch's null deletes the key.
                            b.remove(&k);
                            replaced.push(p);
                            continue;
                        }
                        match b.get_mut(&k) {
                            Some(existing) if existing.is_object() && v.is_object() => {
                                walk(existing, v, &p, replaced)
                            }
                            _ => {
                                replaced.push(p);
                                b.insert(k, v);
                            }
                        }
                    }
                }
                (b, o) => {
                    replaced.push(path.clone());
                    *b = o;
                }
            }
        }
        let mut replaced = Vec::new();
        walk(
            &mut self.data.value,
            other.value,
            &Path::root(),
            &mut replaced,
        );
        for p in &replaced {
            self.data
                .spans
                .retain(|sp, _| !(sp.0.len() > p.0.len() && sp.0[..p.0.len()] == p.0[..]));
            self.defaults
                .retain(|(dp, _)| !(dp.0.len() >= p.0.len() && dp.0[..p.0.len()] == p.0[..]));
        }
        for (p, fs) in other.spans {
            if !p.is_root() {
                self.data.spans.insert(p, fs);
            }
        }
        self.data.issues.extend(other.issues);
    }

    /// Remove a field (and what is below it) before it is set again.
    fn clear(&mut self, p: &Path) {
        self.data
            .spans
            .retain(|sp, _| !(sp.0.len() > p.0.len() && sp.0[..p.0.len()] == p.0[..]));
        self.defaults.retain(|(dp, _)| dp != p);
    }

    /// Take a top-level key out of the body (a distribution's own key such as k0s `disabled`).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        let p = Path::root().key(key);
        self.data
            .spans
            .retain(|sp, _| !(sp.0.len() >= p.0.len() && sp.0[..p.0.len()] == p.0[..]));
        match &mut self.data.value {
            Value::Object(m) => m.remove(key),
            _ => None,
        }
    }
}

/// A configuration found in a distribution's file, ready to be pushed.
pub(super) struct Found {
    pub describe: String,
    pub doc_span: Span,
    pub builder: Builder,
    pub release: Option<(Release, Span)>,
    pub version_from: Option<String>,
    /// The tag of the kube-proxy image the distribution runs (Talos `cluster.proxy.image`).
    pub image_release: Option<(Release, Span)>,
    pub flags: Vec<flags::FlagUse>,
    pub origin: Origin,
}

impl Found {
    pub fn new(form: &str, describe: String, doc_span: Span, builder: Builder) -> Self {
        Found {
            describe,
            doc_span,
            builder,
            release: None,
            version_from: None,
            image_release: None,
            flags: Vec::new(),
            origin: Origin::Distribution {
                form: form.to_string(),
            },
        }
    }
}

pub(super) fn push(file: &mut SourceFile, d: &Document, f: Found) {
    file.configs.push(ProxyConfig {
        document: d.index,
        doc_span: f.doc_span,
        origin: f.origin,
        describe: f.describe,
        data: f.builder.data,
        kubeadm_release: f.release,
        pod_subnet: None,
        flags: f.flags,
        flag_list_end: None,
        image_release: f.image_release,
        distro: Some(Distro {
            defaults: f.builder.defaults,
            version_from: f.version_from,
        }),
    });
}

/// KP705: kube-proxy is switched off by `switch` while `settings` configure it.
pub(super) fn disabled_but_configured(
    file: &mut SourceFile,
    d: &Document,
    switch: (Span, &str),
    settings: &[(Span, String)],
    describe: &str,
) {
    if settings.is_empty() {
        return;
    }
    file.notes.push(Note {
        span: Some(switch.0),
        message: format!(
            "{describe}: kube-proxy is disabled ({}); its settings here are not linted",
            switch.1
        ),
    });
    let names: Vec<&str> = settings.iter().map(|(_, n)| n.as_str()).collect();
    let mut f = Finding::new(
        &wiring::PROXY_DISABLED_BUT_CONFIGURED,
        format!(
            "kube-proxy is disabled ({}), so {} {} no effect",
            switch.1,
            names.join(", "),
            if names.len() == 1 { "has" } else { "have" }
        ),
    )
    .at(switch.0)
    .label("kube-proxy disabled here")
    .help("delete the kube-proxy settings if a kube-proxy replacement handles Services, or remove the switch if kube-proxy should run with them")
    .document(d.index, describe.to_string());
    for (span, _) in settings {
        f = f.also(*span, "never applied");
    }
    file.findings.push(f);
}

/// A flag a distribution passes before the user's own, with the span of the setting that
/// implies it (the distribution's key, or the value it is taken from).
pub(super) struct DefaultFlag {
    pub name: &'static str,
    pub value: String,
    pub span: Span,
}

impl DefaultFlag {
    pub fn new(name: &'static str, value: impl Into<String>, span: Span) -> Self {
        DefaultFlag {
            name,
            value: value.into(),
            span,
        }
    }

    pub fn to_use(&self) -> flags::FlagUse {
        flags::FlagUse {
            name: self.name.to_string(),
            value: Some(self.value.clone()),
            name_span: self.span,
            value_span: self.span,
            span: self.span,
        }
    }
}

/// Record the fields the distribution's flags still set after the user's flags were applied.
pub(super) fn record_default_flags(
    b: &mut Builder,
    defaults: &[DefaultFlag],
    note: impl Fn(&DefaultFlag) -> String,
) {
    for df in defaults {
        let Some(field) = kb().flag(df.name).and_then(|f| f.field.clone()) else {
            continue;
        };
        let p = Path::parse(&field);
        if b.data.spans.get(&p).is_some_and(|fs| fs.value == df.span) {
            b.defaults.push((p, note(df)));
        }
    }
}

/// The Kubernetes release in an image reference's tag (`registry.k8s.io/kube-proxy:v1.31.2`).
pub(super) fn release_of_image(image: &str) -> Option<Release> {
    let tag = image.rsplit_once(':')?.1;
    if tag.contains('/') {
        return None;
    }
    Release::parse(tag.split(['-', '@', '_']).next()?)
}

/// The string value of a scalar child, resolved through aliases.
pub(super) fn child<'a>(d: &'a Document, n: &'a Node, key: &str) -> Option<&'a Node> {
    n.get(key).map(|v| d.resolve(v))
}

/// A scalar as YAML 1.1 reads it.
pub(super) fn scalar(n: &Node) -> Option<Value> {
    match &n.kind {
        super::yaml::NodeKind::Scalar { value, style, tag } => {
            Some(crate::model::resolve_scalar(value, *style, tag.as_deref()))
        }
        _ => None,
    }
}

/// `true` as YAML 1.1 reads it.
pub(super) fn is_true(n: &Node) -> bool {
    scalar(n) == Some(Value::Bool(true))
}

/// Whether a path's first segment is a key (for notes naming a field).
pub(super) fn top_key(p: &Path) -> Option<&str> {
    match p.0.first() {
        Some(Seg::Key(k)) => Some(k),
        _ => None,
    }
}
