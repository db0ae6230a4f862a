import TeamChatModel
import Testing

@Suite("Redactor")
struct RedactorTests {
    let key = "sk-proj-Ab3dEf9hJk2mNp4qRs8tUv"

    @Test("a secret is taken out whole, cut short, masked in the middle, and glued to other characters")
    func pieces() {
        let redactor = Redactor(secrets: [key])
        #expect(redactor.redact("your key is \(key).") == "your key is [redacted].")
        #expect(redactor.redact("You passed 'sk-proj-Ab3dEf9'") == "You passed '[redacted]'")
        #expect(redactor.redact("Incorrect API key provided: sk-proj-****RsVv, ***8tUv") == "Incorrect API key provided: [redacted]****RsVv, ***[redacted]")
        #expect(redactor.redact("model-sk-proj-Ab3dEf") == "model-[redacted]")
        #expect(redactor.redact("{\"key\":\"\(key)\"}") == "{\"key\":\"[redacted]\"}")
    }

    @Test("words that share a few letters with a secret are left alone; text without a secret is untouched")
    func noFalseAlarms() {
        let redactor = Redactor(secrets: [key])
        #expect(redactor.redact("a project, a proposal") == "a project, a proposal")
        #expect(redactor.redact("sk is a prefix") == "sk is a prefix")
        #expect(Redactor.none.redact(key) == key)
        #expect(Redactor(secrets: [""]).isEmpty)
        // A short secret counts only whole.
        #expect(Redactor(secrets: ["abc"]).redact("abc abcd") == "[redacted] [redacted]d")
    }
}
