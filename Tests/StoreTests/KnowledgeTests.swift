import Foundation
import Store
import Testing

@Suite struct KnowledgeTests {
    /// Sets of counters, the model the ranges must agree with.
    func model(_ knowledge: Knowledge) -> [String: Set<Int64>] {
        knowledge.ranges.mapValues { Set($0.flatMap { Array($0) }) }
    }

    func random(_ generator: inout some RandomNumberGenerator) -> Knowledge {
        var ranges: [String: [ClosedRange<Int64>]] = [:]
        for origin in ["a", "b", "c"] where Bool.random(using: &generator) {
            ranges[origin] = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                let first = Int64.random(in: 1...60, using: &generator)
                return first...(first + Int64.random(in: 0...8, using: &generator))
            }
        }
        return Knowledge(ranges: ranges)
    }

    @Test("Union, subtraction, membership and counts agree with sets of counters (500 random cases)")
    func agreesWithSets() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            let first = random(&generator)
            let second = random(&generator)
            let a = model(first)
            let b = model(second)
            #expect(model(first.union(second)) == a.merging(b) { $0.union($1) })
            var expected: [String: Set<Int64>] = [:]
            for (origin, counters) in a {
                let left = counters.subtracting(b[origin] ?? [])
                if !left.isEmpty { expected[origin] = left }
            }
            #expect(model(first.subtracting(second)) == expected)
            for (origin, list) in first.union(second).ranges {
                #expect(zip(list, list.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound })
                #expect(first.count(for: origin) == Int64(a[origin]?.count ?? 0))
            }
            for counter in Int64(1)...70 {
                #expect(first.contains(ChangeID(origin: "a", counter: counter)) == (a["a"]?.contains(counter) ?? false))
            }
            var inserted = first
            for (origin, list) in second.ranges { for range in list { inserted.insert(range, for: origin) } }
            #expect(inserted == first.union(second))
        }
    }

    @Test("Counters past 2^53 and empty or reversed ranges are refused when read; extreme counters never trap")
    func extremes() throws {
        for json in [#"{"a":[[1,9223372036854775807]]}"#, #"{"a":[[0,3]]}"#, #"{"a":[[5,3]]}"#, #"{"a":[[1]]}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Knowledge.self, from: Data(json.utf8)) }
        }
        var knowledge = Knowledge(ranges: ["a": [1...Int64.max, 1...1]])
        knowledge.insert(Int64.max...Int64.max, for: "a")
        #expect(knowledge.total == Int64.max)
        #expect(knowledge.union(Knowledge(ranges: ["a": [5...Int64.max], "b": [1...Int64.max]])).total == Int64.max)
        #expect(Knowledge(ranges: ["a": [1...10]]).subtracting(knowledge).isEmpty)
    }
}
