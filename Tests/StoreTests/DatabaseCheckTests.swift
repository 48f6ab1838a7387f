import GRDB
import Testing

@testable import Store

@Suite struct DatabaseCheckTests {
    @Test("A broken reference is reported with the table that holds it and the table it refers to")
    func brokenReference() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        #expect(try database.check().isEmpty)
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO annotation_tags (annotation_id, tag) VALUES ('missing', 'x')")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let problems = try database.check()
        #expect(problems.contains("a row of annotation_tags refers to a missing row of annotations"))
    }
}
