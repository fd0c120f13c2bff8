import ArgumentParser
import FunctionComputeBackend
import Platform

/// `--fc-region REGION [--fc-endpoint URL]`: talk to Alibaba Cloud Function
/// Compute instead of a porthole server, with the credentials Alibaba's own
/// tools use (ALIBABA_CLOUD_* variables, else ~/.aliyun/config.json).
struct FunctionComputeOptions: ParsableArguments {
    @Option(name: .customLong("fc-region"), help: "Use Function Compute in this region (cn-hangzhou, …) instead of a porthole server.")
    var region: String?

    @Option(name: .customLong("fc-endpoint"), help: "Function Compute endpoint URL (default: fcv3.REGION.aliyuncs.com; invoke and exec need ACCOUNT.REGION.fc.aliyuncs.com).")
    var endpoint: String?

    /// The fc backend the flags ask for, or nil without --fc-region.
    func backend() throws -> FunctionComputeBackend? {
        guard let region else {
            if endpoint != nil { throw PlatformError.configuration("--fc-endpoint needs --fc-region") }
            return nil
        }
        return FunctionComputeBackend(
            configuration: .init(region: region, endpoint: endpoint), credentials: try FCCredentials.resolve())
    }
}

extension ContextConfig {
    /// The backend a context names: a porthole server, or Function Compute (`backend: fc`).
    func anyBackend(context name: String) throws -> any PlatformBackend {
        if let context = contexts.first(where: { $0.name == name }), context.backend == "fc" {
            guard let region = context.region else {
                throw PlatformError.configuration("context \(name): backend fc needs a region, like cn-hangzhou")
            }
            return FunctionComputeBackend(
                configuration: .init(region: region, accountId: context.accountId, endpoint: context.endpoint),
                credentials: try FCCredentials.resolve(), displayName: name)
        }
        return try backend(context: name)
    }
}
