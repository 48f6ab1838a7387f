import Foundation

/// The one textual form newsdb stores and prints instants in: ISO 8601 in UTC with seconds (`2026-11-21T08:43:09Z`).
public enum Timestamp {
    /// `date` as ISO 8601 UTC with seconds.
    public static func string(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    /// `date` as a compact UTC stamp for file names (`20261121T084309Z`).
    static func compactString(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
                .timeSeparator(.omitted).timeZone(separator: .omitted))
    }
}
