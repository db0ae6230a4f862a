import Foundation
import TeamChatModel

/// `Tests/Peers/hostile_openai.py`, a server of Python's standard library that writes its HTTP by hand, started for a
/// test on a port of its own.
public struct HostileOpenAIServer: Sendable {
    public let process: ChildProcess
    public let port: Int

    /// The script, beside the tests (this file is in Sources/TeamChatTestSupport).
    public static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Peers/hostile_openai.py").path
    }

    /// Runs `body` with a server of its own (`arguments`: `--tls CERT KEY`, `--silent`), then kills it.
    public static func with<Value: Sendable>(
        _ arguments: [String] = [], _ body: (HostileOpenAIServer) async throws -> Value
    ) async throws -> Value {
        let process = try ChildProcess.launch("/usr/bin/env", ["python3", script] + arguments, error: .discarded)
        let said = await process.output(containing: "\n")
        guard let port = said.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else {
            await process.kill()
            throw CocoaError(.executableNotLoadable, userInfo: ["said": said])
        }
        let server = HostileOpenAIServer(process: process, port: port)
        do {
            let value = try await body(server)
            await process.kill()
            return value
        } catch {
            await process.kill()
            throw error
        }
    }

    /// The API base of behaviour `name`.
    public func url(_ behaviour: String, scheme: String = "http", host: String = "127.0.0.1") -> String {
        "\(scheme)://\(host):\(port)/\(behaviour)/v1"
    }

    /// The specialist that the behaviour `name` answers for.
    public func specialist(_ behaviour: String, scheme: String = "http", host: String = "127.0.0.1", model: String = "m",
                    keyVariable: String? = nil) -> Specialist {
        let origin = HTTPOrigin(parsing: "\(scheme)://\(host):\(port)/\(behaviour)/v1")!
        return Specialist(
            id: behaviour, address: .openAI(OpenAIEndpoint(origin: origin, model: model, apiKeyVariable: keyVariable)))
    }
}
