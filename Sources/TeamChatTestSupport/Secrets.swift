/// Helpers for tests that plant a secret and look for it in whatever teamchat wrote.
public enum Secrets {
    /// Every stretch of `secret` `length` characters long: what a test greps for, so that a secret cut short or
    /// masked in the middle is found too.
    public static func pieces(of secret: String, length: Int) -> [String] {
        let characters = Array(secret)
        guard characters.count >= length else { return [secret] }
        return (0...(characters.count - length)).map { String(characters[$0..<$0 + length]) }
    }
}
