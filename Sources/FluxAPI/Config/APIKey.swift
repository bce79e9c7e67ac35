/// The API key. Its description is masked so that string interpolation, logs and crash output can
/// never show it in full; only `headerValue` gives the real text, for the `x-key` header.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init?(_ value: String?) {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        self.value = trimmed
    }

    /// The real key, for the request header only.
    public var headerValue: String { value }

    /// "abcd…wxyz" for long keys, "…" + last 2 for short ones, so users can tell keys apart.
    public var masked: String {
        if value.count >= 16 { return "\(value.prefix(4))…\(value.suffix(4))" }
        return "…" + String(value.suffix(min(2, value.count / 4)))
    }

    public var description: String { masked }
    public var debugDescription: String { "APIKey(\(masked))" }

    /// Reads `BFL_API_KEY`, then the SDK's `TESTDK_API_KEY_HEADER`.
    public static func fromEnvironment(_ environment: [String: String]) -> APIKey? {
        APIKey(environment["BFL_API_KEY"]) ?? APIKey(environment["TESTDK_API_KEY_HEADER"])
    }
}

import Foundation
