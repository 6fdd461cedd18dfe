import Foundation

/// Best-effort detection of an EKS / Kubernetes node: `eks:cluster-name` and `eks:nodegroup-name` labels from
/// the kubelet's config or EC2 instance tags when the host has them. Explicit labels always win.
public struct KubernetesLabels: Sendable {
    /// Files read, in order; tests point these at fakes.
    public var kubeletConfigPaths: [String]
    /// A file of EC2 tags as `key=value` lines or the IMDS `tags/instance` listing directory (best effort).
    public var ec2TagsPath: String?

    public static let clusterKey = "eks:cluster-name"
    public static let nodegroupKey = "eks:nodegroup-name"

    public init(kubeletConfigPaths: [String] = ["/etc/kubernetes/kubelet/config.json", "/etc/kubernetes/kubelet.conf",
                                                 "/var/lib/kubelet/kubeadm-flags.env", "/etc/eks/kubelet-labels"],
                ec2TagsPath: String? = nil) {
        self.kubeletConfigPaths = kubeletConfigPaths
        self.ec2TagsPath = ec2TagsPath
    }

    /// Detected labels merged under `explicit` (explicit values win).
    public func labels(merging explicit: [String: String]) -> [String: String] {
        var found: [String: String] = [:]
        for path in kubeletConfigPaths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            found.merge(Self.parseKubelet(text)) { old, _ in old }
        }
        if let tagsPath = ec2TagsPath, let text = try? String(contentsOfFile: tagsPath, encoding: .utf8) {
            found.merge(Self.parseTags(text)) { old, _ in old }
        }
        return found.merging(explicit) { _, new in new }
    }

    /// Finds the cluster and nodegroup in kubelet config text: `--node-labels=…eks.amazonaws.com/nodegroup=NG…`,
    /// `"clusterName": "C"`, `cluster-name=C`, `alpha.eksctl.io/cluster-name=C`.
    static func parseKubelet(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        func value(after marker: String) -> String? {
            guard let r = text.range(of: marker) else { return nil }
            let rest = text[r.upperBound...].drop { $0 == " " || $0 == "\"" || $0 == ":" || $0 == "=" }
            let v = rest.prefix { !",\" \n\r\t}".contains($0) }
            return v.isEmpty ? nil : String(v)
        }
        if let ng = value(after: "eks.amazonaws.com/nodegroup=") ?? value(after: "alpha.eksctl.io/nodegroup-name=") {
            out[nodegroupKey] = ng
        }
        if let c = value(after: "alpha.eksctl.io/cluster-name=") ?? value(after: "\"clusterName\"") ?? value(after: "cluster-name=") {
            out[clusterKey] = c
        }
        return out
    }

    /// `key=value` (or `key: value`) lines; keeps the two EKS keys and `kubernetes.io/cluster/NAME` tags.
    static func parseTags(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case clusterKey, "aws:eks:cluster-name": out[clusterKey] = parts[1]
            case nodegroupKey: out[nodegroupKey] = parts[1]
            default:
                if parts[0].hasPrefix("kubernetes.io/cluster/"), out[clusterKey] == nil {
                    out[clusterKey] = String(parts[0].dropFirst("kubernetes.io/cluster/".count))
                }
            }
        }
        return out
    }
}
