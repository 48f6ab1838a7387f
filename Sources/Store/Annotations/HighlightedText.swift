/// An article body cut into runs at every annotation boundary, for showing highlights.
public struct HighlightedText: Sendable {
    /// A run of the body and the annotations covering it.
    public struct Segment: Sendable, Equatable {
        /// The text of the run.
        public let text: String
        /// Indexes (into the annotations given) of the annotations covering the run, in the order given.
        public let covering: [Int]
        /// Indexes of the annotations that start at this run.
        public let starting: [Int]
        /// Indexes of the annotations that end with this run.
        public let ending: [Int]
    }

    /// The runs, in body order; together they are the whole body.
    public let segments: [Segment]

    /// Cuts `body` at the boundaries of `annotations` anchored on it (orphans and annotations anchored on another
    /// revision are left out).
    public init(body: String, revision: Int, annotations: [Annotation]) {
        let scalars = Array(body.unicodeScalars)
        var ranges: [(index: Int, range: Range<Int>)] = []
        for (index, annotation) in annotations.enumerated() {
            guard annotation.anchor.revision == revision, let range = annotation.anchor.range,
                range.upperBound <= scalars.count
            else { continue }
            ranges.append((index, range))
        }
        var cuts = Set([0, scalars.count])
        for entry in ranges {
            cuts.insert(entry.range.lowerBound)
            cuts.insert(entry.range.upperBound)
        }
        let boundaries = cuts.sorted()
        var starts: [Int: [Int]] = [:]
        var ends: [Int: [Int]] = [:]
        for entry in ranges {
            starts[entry.range.lowerBound, default: []].append(entry.index)
            ends[entry.range.upperBound, default: []].append(entry.index)
        }
        var open: [Int] = []
        var segments: [Segment] = []
        for (lower, upper) in zip(boundaries, boundaries.dropFirst()) where lower < upper {
            let starting = starts[lower] ?? []
            open += starting
            let ending = ends[upper] ?? []
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[lower..<upper])
            segments.append(Segment(text: String(view), covering: open.sorted(), starting: starting, ending: ending))
            open.removeAll { ending.contains($0) }
        }
        self.segments = segments
    }
}
