import AWSCore
import ChannelIO
import Foundation

extension SSMFleetSource {
    /// The fleet source for the usual AWS places (flags › environment › ~/.aws files), as `gangway`
    /// with no subcommand should use it:
    /// ```swift
    /// let source = try SSMFleetSource.resolve(profile: p, region: r, endpointURL: u, caFile: ca)
    /// ```
    /// Throws `AWSConfigError` with a message naming the file and profile when configuration is missing.
    public static func resolve(profile: String? = nil, region: String? = nil, endpointURL: String? = nil,
                               caFile: String? = nil, tlsServerName: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SSMFleetSource {
        let ssm = try AWSClientSettings.resolve(service: "ssm", profile: profile, region: region, endpointURL: endpointURL,
                                                environment: environment)
        let trail = try AWSClientSettings.resolve(service: "cloudtrail", profile: profile, region: region,
                                                  endpointURL: endpointURL ?? (ssm.endpointIsCustom ? ssm.endpointURL : nil),
                                                  environment: environment)
        return SSMFleetSource(settings: ssm, cloudTrailSettings: trail, http: HTTPClient(configuration: .init(caFile: caFile)),
                              tls: channelTLS(endpoint: ssm.endpointURL, caFile: caFile, serverName: tlsServerName, environment: environment))
    }

    /// TLS for wss:// data channels: the CA file (or AWS_CA_BUNDLE), and an SNI name when the endpoint
    /// host is an IP address (WebSocketClient needs one; "localhost" unless `serverName` says otherwise).
    public static func channelTLS(endpoint: String, caFile: String?, serverName: String?,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) -> ChannelTLS {
        let host = AWSURL(endpoint)?.host ?? ""
        let isIP = host.hasPrefix("[") || (!host.isEmpty && host.allSatisfy { $0.isNumber || $0 == "." })
        let ca = caFile ?? environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        return ChannelTLS(caCertificatePath: ca, sniHostname: serverName ?? (isIP ? "localhost" : nil))
    }
}
