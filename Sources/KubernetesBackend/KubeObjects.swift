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
        /// The pod template (its labels are the pods' labels).
        public var template: PodTemplate?
    }
    public struct PodTemplate: Codable, Sendable, Equatable {
        public var metadata: ObjectMeta?
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

/// RFC 3339 times as the API writes them (`2024-05-01T10:00:00Z`, maybe with a
/// fraction or an offset). Parsed by hand: a refresh reads thousands of them,
/// and a date formatter per call costs more than the rest of the refresh.
enum KubeTime {
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard b[index] >= 48, b[index] <= 57 else { return nil }
                value = value * 10 + Int(b[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        guard index < b.count else { return nil }
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"), index + 6 == b.count,
            let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
        {
            offset = (hours * 3600 + minutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        // Days since 1970-01-01 (civil-from-days, Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
