import Testing

@testable import MockServer

@Suite("Sessions kept, least recently used evicted first")
struct SessionRosterTests {
    @Test func theLeastRecentlyUsedSessionGoesFirst() {
        let roster = SessionRoster(capacity: 3)
        for session in ["a", "b", "c"] { #expect(roster.touch(session).isEmpty) }
        #expect(roster.touch("a").isEmpty)
        #expect(roster.touch("d") == ["b"])
        #expect(roster.touch("e") == ["c"])
        #expect(roster.touch("f") == ["a"])
        #expect(roster.count == 3)
    }

    @Test func manyUsesOfFewSessionsKeepItsBookkeepingSmall() {
        let roster = SessionRoster(capacity: 10)
        for round in 0..<100_000 { #expect(roster.touch("s\(round % 5)").isEmpty) }
        #expect(roster.count == 5)
        #expect(roster.bookkeeping <= 2 * 5 + 1024 + 1)
    }

    @Test func aStreamOfNewSessionsStaysAtTheCapacity() {
        let roster = SessionRoster(capacity: 100)
        var evicted = 0
        for n in 0..<50_000 { evicted += roster.touch("fresh-\(n)").count }
        #expect(roster.count == 100 && evicted == 49_900)
        #expect(roster.bookkeeping <= 2 * 100 + 1024 + 1)
    }
}

@Suite("The journal's byte limit")
struct RequestJournalLimitTests {
    @Test func theOldestEntriesGoWhenBodiesPassTheLimit() {
        let journal = RequestJournal(capacity: 100, byteLimit: 1_000)
        for n in 0..<10 {
            journal.record(
                JournalEntry(
                    time: .now, session: "s", method: "POST", path: "/\(n)", query: nil, headers: [:],
                    body: Array(repeating: 0x61, count: 300), status: 200, answer: .catalogue))
        }
        #expect(journal.entries(session: nil).map(\.path) == ["/7", "/8", "/9"])
    }

    @Test func aBodyLargerThanTheLimitStillLeavesOneEntry() {
        let journal = RequestJournal(capacity: 100, byteLimit: 10)
        journal.record(
            JournalEntry(
                time: .now, session: "s", method: "POST", path: "/big", query: nil, headers: [:],
                body: Array(repeating: 0x61, count: 50), status: 200, answer: .catalogue))
        #expect(journal.entries(session: "s").count == 1)
    }

    @Test func aSessionResetLeavesTheOthersInOrderAndFreesItsBytes() {
        let journal = RequestJournal(capacity: 8, byteLimit: 1_000)
        for n in 0..<6 {
            journal.record(
                JournalEntry(
                    time: .now, session: n % 2 == 0 ? "even" : "odd", method: "POST", path: "/\(n)", query: nil,
                    headers: [:], body: Array(repeating: 0x61, count: 150), status: 200, answer: .catalogue))
        }
        journal.reset(session: "even")
        #expect(journal.entries(session: nil).map(\.path) == ["/1", "/3", "/5"])
        #expect(journal.entries(session: "even").isEmpty)
        for n in 6..<9 {
            journal.record(
                JournalEntry(
                    time: .now, session: "odd", method: "POST", path: "/\(n)", query: nil, headers: [:],
                    body: Array(repeating: 0x61, count: 150), status: 200, answer: .catalogue))
        }
        #expect(journal.entries(session: "odd").map(\.path) == ["/1", "/3", "/5", "/6", "/7", "/8"])
    }
}
