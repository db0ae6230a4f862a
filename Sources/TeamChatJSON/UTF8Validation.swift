/// Whether bytes are valid UTF-8, checked without building a String (which would repair them silently).
public enum UTF8Validation {
    /// Bytes in contiguous storage (a `ByteBufferView`, an array) are checked there, eight ASCII bytes at a time.
    public static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        if let valid = bytes.withContiguousStorageIfAvailable({ isValid(UnsafeRawBufferPointer($0)) }) {
            return valid
        }
        return decodes(bytes)
    }

    /// Every reply line of every specialist passes here: the ASCII that JSON mostly is goes by in words, and only
    /// what follows the first non-ASCII byte (which starts a scalar, since all before it were ASCII) is decoded.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            offset += 8
        }
        while offset < count, bytes[offset] < 0x80 { offset += 1 }
        return offset == count || decodes(bytes[offset...])
    }

    private static func decodes(_ bytes: some Sequence<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
