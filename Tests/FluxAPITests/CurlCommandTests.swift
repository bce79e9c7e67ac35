import FluxAPI
import Foundation
import TestSupport
import Testing

/// "Copy as curl": the command, run by a real shell and curl against a local server, sends exactly
/// the body the client sends, with the key from the environment and never in the text.
@Suite struct CurlCommandTests {
    static func shell(_ command: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func theCommandSendsTheSameBodyWithTheKeyFromTheEnvironment() async throws {
        let dir = Fixtures.temporaryDirectory("curl it's here")
        defer { Fixtures.cleanup(dir) }
        let image = Fixtures.write(Fixtures.png(width: 32, height: 32), "a photo's copy.png", in: dir)
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let prompt = "a \"quoted\" $HOME `date` \\ back\\slash\nnew line, 写真 📷, 100% 'single'"
        let parameters = TaskParameters(["prompt": .text(prompt), "seed": .integer(42), "guidance": .number(3.5),
                                         "prompt_upsampling": .boolean(true), "image_prompt": .file(image.path)])
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"id":"x","polling_url":"http://127.0.0.1/x"}"#) }
        let command = CurlCommand.make(endpoint, parameters, serverURL: server.baseURL)
        #expect(!command.contains("secret-key-123"))
        #expect(command.contains("$BFL_API_KEY"))
        let run = try Self.shell(command, environment: ["PATH": "/usr/bin:/bin", "BFL_API_KEY": "secret-key-123", "HOME": "/nowhere"])
        let request = try #require(server.requests.first)
        await server.shutdown()
        #expect(run.status == 0, "\(run.output)")
        #expect(request.path == "/v1/flux-dev")
        #expect(request.header("x-key") == "secret-key-123")
        let expected = try RequestEncoder.encode(endpoint, parameters)
        #expect(try JSONValue.parse(request.body) == JSONValue.parse(expected))
        // The heredoc's line end is the only byte added (a body read from stdin: no size limit on images).
        #expect(request.body == expected + Data("\n".utf8))
    }

    @Test func secretsAreLeftOutAndSaidSo() throws {
        let endpoint = try #require(EndpointRegistry.all.first { $0.fields.contains { $0.kind == .secret } })
        let secret = try #require(endpoint.fields.first { $0.kind == .secret })
        let parameters = TaskParameters(["prompt": .text("p"), secret.name: .text("hunter2")])
        let command = CurlCommand.make(endpoint, parameters, serverURL: URL(string: "https://api.bfl.ai")!)
        #expect(!command.contains("hunter2"))
        #expect(command.hasPrefix("# not included (secrets are never recorded): \(secret.name)\n"))
        #expect(command.contains("'https://api.bfl.ai\(endpoint.path)'"))
    }
}
