import TeamChatModel

/// A plain text table: columns padded to their widest cell, numbers right-aligned. Every cell is sanitised to one
/// line here, the one boundary every table (discover, warm, stats, bench) passes through: ids, models and errors
/// come from specialists.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []

    init(_ headers: String..., rightAligned: Set<Int> = []) {
        self.init(headers, rightAligned: rightAligned)
    }

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ cells: String...) {
        add(cells)
    }

    mutating func add(_ cells: [String]) {
        rows.append(cells.map(TerminalSanitizer.sanitizeLine))
    }

    /// The lines, header first (styled by `header`).
    func lines(header: (String) -> String = { $0 }) -> [String] {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                rightAligned.contains(column)
                    ? Formatting.leftPadded(cell, to: widths[column]) : Formatting.padded(cell, to: widths[column])
            }.joined(separator: "  ").trimmedTrailing
        }
        return [header(line(headers))] + rows.map(line)
    }
}

extension String {
    fileprivate var trimmedTrailing: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
