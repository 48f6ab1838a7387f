import Foundation
import Testing

@testable import Store

/// The header line of a change file, which newsdb writes itself (keys sorted, values escaped as JSON).
@Suite struct ChangeFileHeaderTests {
    @Test("A header with many replicas, split ranges and names needing escapes reads back as it was written")
    func roundTrip() throws {
        let ids = (0..<12).map { String(format: "%08x-0000-4000-8000-%012x", $0 * 0x1111111, $0) }
        var knowledge = Knowledge()
        for (index, id) in ids.enumerated() {
            knowledge.insert(1...Int64(index + 1), for: id)
            knowledge.insert(Int64(index + 10)...Int64(index + 900), for: id)
        }
        var covers = Knowledge()
        covers.insert(3...4, for: ids[2])
        let names = [
            ids[0]: "ana \"the desk\" lópez", ids[1]: "back\\slash", ids[2]: "tab\tand\nnew line",
            ids[3]: "📰 night/desk",
        ]
        let header = ChangeSetHeader(
            sender: Replica(id: ids[0], name: "ana \"the desk\" lópez", createdAt: ""),
            knowledge: knowledge, covers: covers, schemaVersion: 8, newsdbVersion: "1.0 \"test\"", names: names)
        // A header carries the sender's id and name, not when it was made.
        let line = ChangeFileHeader.line(header, origins: ids)
        #expect(line.hasPrefix("{\"format\": \"newsdb-changes\", \"version\": 1, \"covers\":"))
        #expect(!line.contains("\n"))
        let read = try ChangeFileHeader.read(Data(line.utf8), file: "h.json")
        #expect(read.header == header)
        #expect(read.origins == ids)
        // Keys in byte order, so the same header is written the same way on every machine.
        let vector = try #require(line.range(of: "\"vector\":{")).upperBound
        let keys = line[vector...].split(separator: ",").compactMap { $0.split(separator: ":").first }
        #expect(keys.map(String.init) == ids.map { "\"\($0)\"" })
    }
}
