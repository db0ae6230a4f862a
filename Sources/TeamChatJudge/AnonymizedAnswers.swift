/// The team's answers as a judge or a ranker sees them: labelled Response A, B, … in an order nobody chose, with no
/// member ids, so that a model cannot favour a name or a position (DESIGN §10).
public struct AnonymizedAnswers: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var label: String
        public var specialist: String
        public var content: String

        public init(label: String, specialist: String, content: String) {
            self.label = label
            self.specialist = specialist
            self.content = content
        }
    }

    /// In label order: A, B, C, …
    public var entries: [Entry]

    /// `answers` shuffled by `generator`, then labelled in that order.
    public init(_ answers: [(specialist: String, content: String)], shuffledBy generator: inout some RandomNumberGenerator) {
        entries = answers.shuffled(using: &generator).enumerated().map { index, answer in
            Entry(label: Self.label(index), specialist: answer.specialist, content: answer.content)
        }
    }

    /// Entries as given (labels included): for answers read back.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The label of the `index`th answer: A to Z, then A2 to Z2, and so on.
    public static func label(_ index: Int) -> String {
        let letter = String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index % 26)))
        return index < 26 ? letter : letter + String(index / 26 + 1)
    }

    /// Which specialist wrote the answer labelled `label`.
    public func specialist(for label: String) -> String? {
        entries.first { $0.label == label }?.specialist
    }

    /// Every entry but `specialist`'s own: what it is shown to rank.
    public func excluding(_ specialist: String) -> [Entry] {
        entries.filter { $0.specialist != specialist }
    }
}
