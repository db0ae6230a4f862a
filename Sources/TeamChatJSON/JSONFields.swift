/// Typed, range-checked access to the members of a JSON object read from a file or a peer. Every number goes
/// through a range check: a value out of range is reported as a problem (naming the member), never converted into
/// something that can trap.
public struct JSONFields: Sendable {
    /// Why a member cannot be used.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    public let members: [String: JSONObjectReader.Value]

    public init(_ members: [String: JSONObjectReader.Value]) {
        self.members = members
    }

    public func string(_ key: String) throws(Problem) -> String {
        guard let value = members[key] else { throw Problem(message: "'\(key)' is missing") }
        guard let text = value.string else { throw Problem(message: "'\(key)' is not a string") }
        return text
    }

    /// A string when present; a member of another type is a problem, `null` counts as absent.
    public func optionalString(_ key: String) throws(Problem) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw Problem(message: "'\(key)' is not a string")
        }
    }

    public func integer(_ key: String, in range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let value = try optionalInteger(key, in: range) else { throw Problem(message: "'\(key)' is missing") }
        return value
    }

    public func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(Problem) -> Int? {
        switch members[key] {
        case nil, .null?:
            return nil
        case .number(let number)?:
            guard let value = JSONObjectReader.Value.number(number).integer, range.contains(value) else {
                throw Problem(message: "'\(key)' is \(Self.show(number)), not a whole number in \(range)")
            }
            return value
        default:
            throw Problem(message: "'\(key)' is not a number")
        }
    }

    public func number(_ key: String, in range: ClosedRange<Double>) throws(Problem) -> Double {
        guard let value = try optionalNumber(key, in: range) else { throw Problem(message: "'\(key)' is missing") }
        return value
    }

    public func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(Problem) -> Double? {
        switch members[key] {
        case nil, .null?:
            return nil
        case .number(let number)?:
            guard number.isFinite, range.contains(number) else {
                throw Problem(message: "'\(key)' is \(Self.show(number)), out of range")
            }
            return number
        default:
            throw Problem(message: "'\(key)' is not a number")
        }
    }

    public func optionalObject(_ key: String) throws(Problem) -> JSONFields? {
        switch members[key] {
        case nil, .null?: return nil
        case .object(let object)?: return JSONFields(object)
        default: throw Problem(message: "'\(key)' is not an object")
        }
    }

    public func objects(_ key: String) throws(Problem) -> [JSONFields] {
        guard let array = members[key]?.array else { throw Problem(message: "'\(key)' is missing or not a list") }
        var objects: [JSONFields] = []
        objects.reserveCapacity(array.count)
        for element in array {
            guard let object = element.object else { throw Problem(message: "'\(key)' holds something not an object") }
            objects.append(JSONFields(object))
        }
        return objects
    }

    /// A boolean when present; `null` counts as absent.
    public func optionalBool(_ key: String) throws(Problem) -> Bool? {
        switch members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw Problem(message: "'\(key)' is not true or false")
        }
    }

    /// A list of strings when present: a JSON list of strings, or one string of comma-separated names.
    public func optionalStrings(_ key: String) throws(Problem) -> [String]? {
        switch members[key] {
        case nil, .null?:
            return nil
        case .string(let text)?:
            return text.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        case .array(let values)?:
            var strings: [String] = []
            for value in values {
                guard let text = value.string else { throw Problem(message: "'\(key)' holds something not a string") }
                strings.append(text)
            }
            return strings
        default:
            throw Problem(message: "'\(key)' is not a list of strings")
        }
    }

    /// Keys present that are not among `known`, sorted.
    public func unknownKeys(_ known: Set<String>) -> [String] {
        members.keys.filter { !known.contains($0) }.sorted()
    }

    private static func show(_ number: Double) -> String {
        number.isFinite && abs(number) < 1e15 ? String(number) : "\(number)"
    }
}
