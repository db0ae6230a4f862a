@testable import TeamChatEngine
import Testing

@Suite("Connection table")
struct ConnectionTableTests {
    @Test("it keeps what a dictionary would: set, replace, remove by nil or by key, count, values")
    func likeADictionary() {
        var table = ConnectionTable<String>()
        var reference: [Int: String] = [:]
        // A fixed walk through every case: new ids, replaced values, removals of present and absent ids.
        let steps: [(Int, String?)] = [
            (3, "a"), (7, "b"), (3, "c"), (9, nil), (1, "d"), (7, nil), (7, nil), (4, "e"), (1, "f"), (3, nil),
        ]
        for (id, value) in steps {
            table[id] = value
            reference[id] = value
            #expect(table.count == reference.count)
            for key in 0..<10 { #expect(table[key] == reference[key]) }
        }
        #expect(table.values.sorted() == reference.values.sorted())
        #expect(table.removeValue(forKey: 4) == "e")
        #expect(table.removeValue(forKey: 4) == nil)
        #expect(Array(table.values) == ["f"])
        #expect(!table.isEmpty)
        table[1] = nil
        #expect(table.isEmpty)
    }
}
