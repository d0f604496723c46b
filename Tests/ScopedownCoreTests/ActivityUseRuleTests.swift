import ScopedownCore
import Testing

/// The use rule over Activity Log events (REFERENCE.md §3.3, docs/formats.md "Uses are operations").
@Suite("Activity use rule")
struct ActivityUseRuleTests {
    static func event(_ status: ActivityStatus, operation: UInt64 = 0, denied: Bool = false) -> ScannedEvent {
        ScannedEvent(dedupHash: 1, principal: 0, action: 0, scope: 0, assignment: -1, time: 0, status: status,
                     denied: denied, operationHash: operation)
    }

    @Test("each status is a use, an operation's event, a failed or denied attempt, or nothing")
    func verdicts() {
        #expect(ActivityUseRule.verdict(Self.event(.succeeded)) == .use)
        #expect(ActivityUseRule.verdict(Self.event(.started)) == .use)
        #expect(ActivityUseRule.verdict(Self.event(.accepted)) == .use)
        #expect(ActivityUseRule.verdict(Self.event(.succeeded, operation: 7)) == .operationEvent(confirmed: true))
        #expect(ActivityUseRule.verdict(Self.event(.started, operation: 7)) == .operationEvent(confirmed: false))
        #expect(ActivityUseRule.verdict(Self.event(.accepted, operation: 7)) == .operationEvent(confirmed: false))
        #expect(ActivityUseRule.verdict(Self.event(.failed, operation: 7)) == .failedAttempt(denied: false))
        #expect(ActivityUseRule.verdict(Self.event(.failed, denied: true)) == .failedAttempt(denied: true))
        #expect(ActivityUseRule.verdict(Self.event(.other, operation: 7)) == .ignored)
        #expect(ActivityUseRule.verdict(Self.event(.missing)) == .ignored)
    }

    @Test("a confirmed event always counts; a tentative one only when its operation did not fail")
    func counts() {
        #expect(ActivityUseRule.counts(confirmed: true, operationFailed: true))
        #expect(ActivityUseRule.counts(confirmed: true, operationFailed: false))
        #expect(ActivityUseRule.counts(confirmed: false, operationFailed: false))
        #expect(!ActivityUseRule.counts(confirmed: false, operationFailed: true))
    }

    struct Event: OperationEvent, Equatable {
        var time: Int64?
        var isConfirmed: Bool
        var hasEvidence = false
        var tieBreak = 0
    }

    @Test("an operation is counted at its latest event, then a confirmed one, then one with evidence, then the smallest key")
    func order() {
        let late = Event(time: 20, isConfirmed: false), early = Event(time: 10, isConfirmed: true)
        #expect(ActivityUseRule.isLater(late, than: early))
        #expect(!ActivityUseRule.isLater(early, than: late))
        #expect(ActivityUseRule.isLater(Event(time: 10, isConfirmed: false), than: Event(time: nil, isConfirmed: true)))
        #expect(ActivityUseRule.isLater(Event(time: 10, isConfirmed: true), than: Event(time: 10, isConfirmed: false)))
        #expect(ActivityUseRule.isLater(Event(time: 10, isConfirmed: true, hasEvidence: true),
                                        than: Event(time: 10, isConfirmed: true, hasEvidence: false)))
        #expect(ActivityUseRule.isLater(Event(time: 10, isConfirmed: true, tieBreak: 1),
                                        than: Event(time: 10, isConfirmed: true, tieBreak: 2)))
        #expect(!ActivityUseRule.isLater(Event(time: 10, isConfirmed: true, tieBreak: 2),
                                         than: Event(time: 10, isConfirmed: true, tieBreak: 2)))
    }

    @Test("an operation keeps its latest confirmed event and a later tentative one, whatever the order")
    func candidates() {
        let started = Event(time: 10, isConfirmed: false, tieBreak: 1)
        let succeeded = Event(time: 12, isConfirmed: true, tieBreak: 2)
        let laterStart = Event(time: 30, isConfirmed: false, tieBreak: 3)
        let olderSuccess = Event(time: 5, isConfirmed: true, tieBreak: 4)
        let events = [started, succeeded, laterStart, olderSuccess]
        // every order of the four events gives the same candidates
        func permutations(_ a: [Event]) -> [[Event]] {
            if a.count <= 1 { return [a] }
            return a.indices.flatMap { i -> [[Event]] in
                var rest = a
                let x = rest.remove(at: i)
                return permutations(rest).map { [x] + $0 }
            }
        }
        for order in permutations(events) {
            var c = OperationCandidates<Event>()
            for e in order { c.add(e) }
            #expect(c.confirmed == succeeded)
            #expect(c.tentative == laterStart)
        }
        // a Started / Succeeded pair is one candidate: the Started event can never be counted
        var pair = OperationCandidates<Event>()
        pair.add(started)
        pair.add(succeeded)
        var kept: [Event] = []
        pair.forEach { kept.append($0) }
        #expect(kept == [succeeded])
    }

    @Test("the de-duplication key is pinned (it is stored in databases)")
    func duplicateKeyVectors() {
        #expect(ScannedEvent.duplicateKey(hash: 0, time: 0) == 0)
        #expect(ScannedEvent.duplicateKey(hash: 1, time: 1_714_557_600) == 0x6228_FCBD_0C30_39B1)
        #expect(ScannedEvent.duplicateKey(hash: 0xDEAD_BEEF_CAFE_BABE, time: 1_714_557_600) == 0x014C_B150_C3F0_9FD4)
        #expect(ScannedEvent.duplicateKey(hash: UInt64.max, time: -1) == 0xE4D9_7177_1B65_2C20)
        var e = Self.event(.succeeded)
        e.dedupHash = 0xDEAD_BEEF_CAFE_BABE
        e.time = 1_714_557_600
        #expect(e.duplicateKey == 0x014C_B150_C3F0_9FD4)
    }
}
