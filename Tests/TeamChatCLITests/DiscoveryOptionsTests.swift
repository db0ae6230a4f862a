import Foundation
@testable import teamchat
import Testing

/// What `DiscoveryOptions` reads from a roster file before loading it.
@Suite("Discovery options", .timeLimit(.minutes(1)))
struct DiscoveryOptionsTests {
    @Test("a roster mentions a bus when the bytes \"bus\" are anywhere in it, at its ends too")
    func mentionsBus() {
        func mentions(_ text: String) -> Bool { DiscoveryOptions.mentionsBus(Data(text.utf8)) }
        #expect(mentions(#"[{"id": "a", "bus": "redis://127.0.0.1:6379"}]"#))
        #expect(mentions(#""bus""#))
        #expect(mentions(#"[{"id": "a"}, {"bus""#))
        // A value counts too: this only decides whether the file is loaded to look for bus entries.
        #expect(mentions(#"[{"id": "bus", "port": 1}]"#))
        #expect(!mentions(#"[{"id": "a-bus", "port": 1}]"#))
        #expect(!mentions(#"[{"id": "a", "bus ": 1}]"#))
        #expect(!mentions(#""bus"#))
        #expect(!mentions(""))
    }
}
