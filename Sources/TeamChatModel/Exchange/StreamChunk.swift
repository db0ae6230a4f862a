/// A piece of a streamed answer, as it arrives.
public struct StreamChunk: Sendable, Hashable {
    /// Its position in the stream (as the specialist numbers it, else counted from 0).
    public var index: Int
    public var content: String

    public init(index: Int, content: String) {
        self.index = index
        self.content = content
    }
}
