/// A council's ranking (DESIGN §10): each member's ballot over the others' answers, and the Borda count of them.
public struct Ranking: Sendable, Hashable {
    /// One member's ranking of the answers it was shown.
    public struct Ballot: Sendable, Hashable {
        public var ranker: String
        /// The labels it was shown: every answer but its own.
        public var shown: [String]
        /// The labels it ranked, best first; nil when it abstained (ranked none of them, or failed).
        public var order: [String]?
        /// Why it has no ranking when it failed (its error in words).
        public var failure: String?

        public init(ranker: String, shown: [String], order: [String]?, failure: String? = nil) {
            self.ranker = ranker
            self.shown = shown
            self.order = order
            self.failure = failure
        }

        public var abstained: Bool { order == nil }

        /// Borda points this ballot gives `label`: with k answers shown, the first gets k − 1, the next k − 2, …;
        /// an answer it left unranked gets none.
        public func points(for label: String) -> Int {
            guard let order, let position = order.firstIndex(of: label) else { return 0 }
            return shown.count - 1 - position
        }
    }

    /// One answer's place in the count.
    public struct Total: Sendable, Hashable {
        public var label: String
        public var specialist: String
        public var points: Int
        /// 1 for the most points; equal points share a place.
        public var place: Int
        /// Ballots that ranked it.
        public var rankedBy: Int
    }

    public var ballots: [Ballot]
    /// Best first; equal points in label order.
    public var totals: [Total]

    /// The Borda count of `ballots` over `answers`.
    public init(ballots: [Ballot], answers: AnonymizedAnswers) {
        self.ballots = ballots
        var totals = answers.entries.map { entry in
            Total(
                label: entry.label, specialist: entry.specialist,
                points: ballots.reduce(0) { $0 + $1.points(for: entry.label) },
                place: 0, rankedBy: ballots.filter { $0.order?.contains(entry.label) == true }.count)
        }
        totals.sort { $0.points != $1.points ? $0.points > $1.points : $0.label < $1.label }
        for index in totals.indices {
            totals[index].place = index > 0 && totals[index].points == totals[index - 1].points
                ? totals[index - 1].place : index + 1
        }
        self.totals = totals
    }

    /// Labels best first.
    public var order: [String] { totals.map(\.label) }

    /// Whether any ballot ranked anything.
    public var isEmpty: Bool { ballots.allSatisfy(\.abstained) }
}
