import TeamChatJSON

extension JSONFields {
    /// A wall time in seconds since 1970, within ``WallTime/plausibleRange``.
    public func optionalWallTime(_ key: String) throws(Problem) -> WallTime? {
        try optionalNumber(key, in: WallTime.plausibleRange).map(WallTime.init(secondsSince1970:))
    }

    public func wallTime(_ key: String) throws(Problem) -> WallTime {
        WallTime(secondsSince1970: try number(key, in: WallTime.plausibleRange))
    }
}
