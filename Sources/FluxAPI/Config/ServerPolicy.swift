import Foundation

/// Decides which URLs may receive the API key. Plain http is only for loopback (the simulator,
/// tests) unless the user passed `--allow-insecure`.
public enum ServerPolicy {
    public static let publicAPI = URL(string: "https://api.bfl.ai")!

    public static func isLoopback(host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".")
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Throws when sending the key to `url` would expose it.
    public static func checkKeyMayBeSent(to url: URL, allowInsecure: Bool) throws(FluxError) {
        guard let scheme = url.scheme?.lowercased() else { throw .configuration("server URL \(url) has no scheme") }
        switch scheme {
        case "https": return
        case "http":
            if isLoopback(host: url.host) || allowInsecure { return }
            throw .insecureServer(url.absoluteString)
        default:
            throw .configuration("server URL must start with https:// (or http:// for a local server), got \(url.absoluteString)")
        }
    }

    /// Parses a user-given server URL ("localhost:8080" is taken as http://localhost:8080).
    public static func parseServerURL(_ text: String) throws(FluxError) -> URL {
        var text = text.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        if !text.contains("://") { text = (isLoopback(host: text.split(separator: ":").first.map(String.init)) ? "http://" : "https://") + text }
        guard let url = URL(string: text), url.host?.isEmpty == false,
              ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw .configuration("'\(text)' is not a server URL; expected e.g. https://api.bfl.ai")
        }
        return url
    }
}
