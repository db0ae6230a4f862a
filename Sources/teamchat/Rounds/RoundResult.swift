import TeamChatJudge
import TeamChatModel

/// How a round ended: its summary, and the judge's verdict when one was asked for (DESIGN §10).
struct RoundResult: Sendable {
    var summary: RoundSummary
    var verdict: JudgeVerdict?
}
