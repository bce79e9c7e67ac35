import Foundation

extension OpenAPIDocument {
    /// GETs a document without the API key (the document is public) and without retries, so an
    /// unreachable server is reported at once. Errors are one line.
    public static func fetch(_ url: URL, transport: HTTPTransport) async throws(OpenAPIError) -> OpenAPIDocument {
        let response: HTTPResponseData
        do { response = try await transport.send(.GET, url, key: nil, safety: .idempotent, policy: .none) } catch {
            throw .unreadable("\(url.absoluteString): \(error)")
        }
        guard response.status == 200 else { throw .unreadable("\(url.absoluteString) answered HTTP \(response.status)") }
        return try parse(response.body)
    }

    /// Fetches with a transport of its own (for a URL given on the command line).
    public static func fetch(_ url: URL) async throws(OpenAPIError) -> OpenAPIDocument {
        let transport = HTTPTransport(timeouts: Timeouts(connect: 10, read: 30, request: 60))
        let result: Result<OpenAPIDocument, OpenAPIError>
        do { result = .success(try await fetch(url, transport: transport)) } catch { result = .failure(error) }
        await transport.shutdown()
        return try result.get()
    }
}
