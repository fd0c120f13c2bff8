/// A Knative Service or Revision, the fields porthole reads: the Service's
/// `spec.template.spec.containerConcurrency`, the Revision's
/// `spec.containerConcurrency` (0: unlimited; docs/PROTOCOL.md §7).
public struct KnativeResource: Codable, Sendable, Equatable {
    public struct RevisionSpec: Codable, Sendable, Equatable {
        public var containerConcurrency: Int?
    }
    public struct Template: Codable, Sendable, Equatable {
        public var spec: RevisionSpec?
    }
    public struct Spec: Codable, Sendable, Equatable {
        /// A Revision's own.
        public var containerConcurrency: Int?
        /// A Service's revision template.
        public var template: Template?
    }
    public var metadata: ObjectMeta
    public var spec: Spec?

    /// The concurrency this Service's or Revision's pods take, nil when unset.
    public var containerConcurrency: Int? { spec?.containerConcurrency ?? spec?.template?.spec?.containerConcurrency }
}
