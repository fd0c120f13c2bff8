import Foundation

// The parts of Kubernetes objects porthole reads, as the API serves them (JSON).
// Every field is optional where the API may omit it: a field that is not there
// is shown as not known, never guessed.

/// `metadata` of any object.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?

    public init(name: String? = nil, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}

public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String
    public var name: String
    public var uid: String?
    public var controller: Bool?

    public init(apiVersion: String? = nil, kind: String, name: String, uid: String? = nil, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

/// `metadata` of a list: the continue token and the version to watch from.
public struct ListMeta: Codable, Sendable, Equatable {
    public var resourceVersion: String?
    public var `continue`: String?
}

public struct ObjectList<Item: Codable & Sendable>: Codable, Sendable {
    public var metadata: ListMeta?
    public var items: [Item]?
}

public struct ResourceList: Codable, Sendable, Equatable {
    public var cpu: String?
    public var memory: String?
}

public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var requests: ResourceList?
    public var limits: ResourceList?
}

public struct Container: Codable, Sendable, Equatable {
    public var name: String
    public var image: String?
    public var resources: ResourceRequirements?
    /// "Always" on an init container makes it a sidecar (counted like a container).
    public var restartPolicy: String?
}

public struct PodSpec: Codable, Sendable, Equatable {
    public var containers: [Container]?
    public var initContainers: [Container]?
    public var nodeName: String?
}

public struct ContainerState: Codable, Sendable, Equatable {
    public struct Waiting: Codable, Sendable, Equatable { public var reason: String?; public var message: String? }
    public struct Running: Codable, Sendable, Equatable { public var startedAt: String? }
    public struct Terminated: Codable, Sendable, Equatable {
        public var reason: String?
        public var exitCode: Int?
        public var signal: Int?
    }
    public var waiting: Waiting?
    public var running: Running?
    public var terminated: Terminated?
}

public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var ready: Bool?
    public var restartCount: Int?
    public var state: ContainerState?
}

public struct PodStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var reason: String?
    public var message: String?
    public var startTime: String?
    public var podIP: String?
    public var containerStatuses: [ContainerStatus]?
    public var initContainerStatuses: [ContainerStatus]?
}

public struct Pod: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?
}

public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
    public var key: String
    public var `operator`: String
    public var values: [String]?
}

public struct LabelSelector: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    /// Whether `labels` satisfy the selector (an empty selector matches nothing, as for workloads).
    public func matches(_ labels: [String: String]) -> Bool {
        if (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty { return false }
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] {
            let value = labels[requirement.key]
            let values = requirement.values ?? []
            switch requirement.operator {
            case "In": if value == nil || !values.contains(value!) { return false }
            case "NotIn": if let value, values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}

/// A Deployment, StatefulSet or ReplicaSet: what owns pods and how it selects them.
public struct Workload: Codable, Sendable, Equatable {
    public struct Spec: Codable, Sendable, Equatable {
        public var replicas: Int?
        public var selector: LabelSelector?
    }
    public var metadata: ObjectMeta
    public var spec: Spec?
}

/// One pod's usage from metrics.k8s.io.
public struct PodMetrics: Codable, Sendable, Equatable {
    public struct ContainerUsage: Codable, Sendable, Equatable {
        public var name: String
        public var usage: ResourceList
    }
    public var metadata: ObjectMeta
    public var containers: [ContainerUsage]?
}

/// The API's error body (`metav1.Status`).
public struct APIStatus: Codable, Sendable, Equatable {
    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var kind: String?
    }
    public var kind: String?
    public var status: String?
    public var message: String?
    public var reason: String?
    public var code: Int?
    public var details: Details?
}

/// One line of a watch stream.
public struct WatchEvent<Object: Codable & Sendable>: Codable, Sendable {
    public var type: String
    public var object: Object
}

/// RFC 3339 times as the API writes them (`2024-05-01T10:00:00Z`).
enum KubeTime {
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
