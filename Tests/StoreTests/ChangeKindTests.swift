import GRDB
import Testing

@testable import Store

@Suite struct ChangeKindTests {
    @Test("Every kind is stored as the text the changes table has always held")
    func rawValues() {
        #expect(ChangeKind.allCases.map(\.rawValue) == ["set", "tag", "untag", "delete", "restore"])
    }

    @Test("A kind binds and reads back through GRDB")
    func roundTrip() throws {
        let queue = try DatabaseQueue()
        let kind = try queue.read { db in try ChangeKind.fetchOne(db, sql: "SELECT ?", arguments: [ChangeKind.untag]) }
        #expect(kind == .untag)
    }

    @Test("An unknown kind in a row is a StoreError naming the change, not a crash")
    func unknownKind() throws {
        let queue = try DatabaseQueue()
        for sql in ["SELECT 'rename' AS kind", "SELECT 7 AS kind", "SELECT NULL AS kind"] {
            let row = try #require(try queue.read { db in try Row.fetchOne(db, sql: sql) })
            let error = #expect(throws: StoreError.self) { try row.changeKind(change: "ab12:3") }
            #expect(error?.code == .database)
            #expect(error?.message.contains("change ab12:3 has an unknown kind") == true)
        }
    }
}
