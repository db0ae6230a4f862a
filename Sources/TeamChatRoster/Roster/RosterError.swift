/// A roster that cannot be read or used.
public struct RosterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, which decides the exit status.
    public struct Kind: Hashable, Sendable {
        private enum Base: Hashable, Sendable { case badFile, badSetting, unreachable, unauthorized }
        private let base: Base

        /// A roster file that cannot be read or is not a valid roster (exit status 65).
        public static let badFile = Kind(base: .badFile)
        /// A flag or environment variable that does not describe a team (exit status 64).
        public static let badSetting = Kind(base: .badSetting)
        /// The place that lists the team (an OpenAI-compatible API, a bus) could not be reached (exit status 69).
        public static let unreachable = Kind(base: .unreachable)
        /// The place that lists the team refused us for who we are: a missing or wrong API key, a bus password
        /// (exit status 77).
        public static let unauthorized = Kind(base: .unauthorized)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
