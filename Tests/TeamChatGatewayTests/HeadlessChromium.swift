import Foundation
import NIOCore
import TeamChatTestSupport
import Testing

/// Debian's `chromium`, headless, driven over the DevTools protocol: a real browser for the gateway's page.
/// `make test` installs the package when it is missing; `TEAMCHAT_CHROMIUM` names another binary.
final class HeadlessChromium: Sendable {
    let process: ChildProcess
    let profile: URL
    let port: Int

    private init(process: ChildProcess, profile: URL, port: Int) {
        self.process = process
        self.profile = profile
        self.port = port
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The browser's path, or nil when none is installed.
    static func executable() -> String? {
        installedExecutable(["chromium", "chromium-browser"], overriddenBy: "TEAMCHAT_CHROMIUM")
    }

    /// Runs `body` with a fresh browser (its own profile, so no storage leaks between tests), then closes it.
    static func with<Value: Sendable>(_ body: (HeadlessChromium) async throws -> Value) async throws -> Value {
        let browser = try await launch()
        do {
            let value = try await body(browser)
            await browser.stop()
            return value
        } catch {
            await browser.stop()
            throw error
        }
    }

    private static func launch() async throws -> HeadlessChromium {
        guard let path = executable() else {
            throw Missing(description: "chromium is not installed (`make test` installs Debian's chromium package)")
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = try ChildProcess.launch(
            path,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
                "--user-data-dir=\(profile.path)", "--window-size=1280,900", "about:blank",
            ],
            output: .discarded, error: .discarded)
        // The browser writes its DevTools port to the profile once it listens.
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        let giveUp = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < giveUp, process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let line = text.split(separator: "\n").first, let port = Int(line)
            {
                return HeadlessChromium(process: process, profile: profile, port: port)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let browser = HeadlessChromium(process: process, profile: profile, port: 0)
        await browser.stop()
        throw Missing(description: "\(path) did not open its DevTools port")
    }

    /// A new tab, driven over its own DevTools socket.
    func page() async throws -> DevToolsPage {
        let response = try await TestHTTPConnection.request(
            port: port, .PUT, "/json/new?about:blank", headers: [("content-length", "0")])
        guard response.status == .ok, let target = try? response.json() else {
            throw Missing(description: "the browser opened no tab: \(response.status) \(response.text)")
        }
        guard let url = target["webSocketDebuggerUrl"] as? String, let range = url.range(of: "/devtools/") else {
            throw Missing(description: "the browser opened no tab: \(target)")
        }
        let socket = try await TestWebSocket.connect(port: port, path: String(url[range.lowerBound...]))
        return DevToolsPage(socket: socket)
    }

    /// Stops the browser at once (SIGKILL: a test child inherits the runner's blocked SIGTERM) and removes its
    /// profile.
    func stop() async {
        await process.kill()
        try? FileManager.default.removeItem(at: profile)
    }
}

/// One tab: DevTools commands in order, each answered before the next.
struct DevToolsPage {
    let socket: TestWebSocket
    private var messages: AsyncStream<String>.Iterator
    private var nextID = 1

    init(socket: TestWebSocket) {
        self.socket = socket
        self.messages = socket.messages.makeAsyncIterator()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `method` and returns its result.
    @discardableResult
    mutating func call(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        let id = nextID
        nextID += 1
        let request = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        try await socket.send(String(decoding: request, as: UTF8.self))
        while let text = await messages.next() {
            let object = text.jsonObject
            guard object["id"] as? Int == id else { continue }  // an event, or an older answer
            if let error = object["error"] as? [String: Any] {
                throw Failure(description: "\(method): \(error["message"] ?? error)")
            }
            return object["result"] as? [String: Any] ?? [:]
        }
        throw Failure(description: "the browser closed its DevTools socket during \(method)")
    }

    /// Opens `url` and waits until its script has run (`document.readyState` complete) and `ready` holds (by
    /// default: the gateway's page has its cards).
    mutating func open(_ url: String, ready: String = "document.getElementById('cards') !== null") async throws {
        try await call("Page.navigate", ["url": url])
        try await waitFor("document.readyState === 'complete' && \(ready)")
    }

    /// The value of `expression` in the page, a promise awaited; an exception in the page fails the test's step.
    @discardableResult
    mutating func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call(
            "Runtime.evaluate", ["expression": expression, "awaitPromise": true, "returnByValue": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            let thrown = (exception["exception"] as? [String: Any])?["description"] ?? exception["text"] ?? exception
            throw Failure(description: "in the page: \(thrown)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits in the page until `condition` (a JavaScript expression) is truthy, and returns its value; gives up
    /// after `seconds`, naming the condition.
    @discardableResult
    mutating func waitFor(_ condition: String, seconds: Double = 15) async throws -> Any? {
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [condition]), as: UTF8.self)
        return try await evaluate("""
            new Promise((resolve, reject) => {
              const end = Date.now() + \(Int(seconds * 1000));
              const tick = () => {
                let value;
                try { value = (\(condition)); } catch (_) { value = undefined; }
                if (value) resolve(value);
                else if (Date.now() > end) reject(new Error("gave up waiting for " + \(quoted)[0]));
                else setTimeout(tick, 10);
              };
              tick();
            })
            """)
    }

    /// The text of the element `selector` matches, or nil.
    mutating func text(_ selector: String) async throws -> String? {
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [selector]), as: UTF8.self)
        return try await evaluate("document.querySelector(\(quoted)[0])?.textContent ?? null") as? String
    }

    /// A key pressed in the focused element, as a person would (`modifiers`: 8 is Shift).
    mutating func press(_ key: String, code: Int, text: String? = nil, modifiers: Int = 0) async throws {
        var down: [String: Any] = [
            "type": text == nil ? "rawKeyDown" : "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code,
            "modifiers": modifiers,
        ]
        if let text { down["text"] = text }
        try await call("Input.dispatchKeyEvent", down)
        try await call(
            "Input.dispatchKeyEvent",
            ["type": "keyUp", "key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": modifiers])
    }

    /// Text typed into the focused element.
    mutating func type(_ text: String) async throws {
        try await call("Input.insertText", ["text": text])
    }

    /// Shows the page as a device `width` CSS pixels wide would (a phone: 390), or as the browser's own window
    /// (`nil`).
    mutating func viewport(width: Int?, height: Int = 844) async throws {
        if let width {
            try await call("Emulation.setDeviceMetricsOverride", [
                "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true,
            ])
        } else {
            try await call("Emulation.clearDeviceMetricsOverride")
        }
    }

    /// A PNG of the page as shown.
    mutating func screenshot() async throws -> Data {
        let result = try await call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        guard let encoded = result["data"] as? String, let data = Data(base64Encoded: encoded) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }
}
