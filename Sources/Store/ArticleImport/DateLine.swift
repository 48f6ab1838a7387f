import Foundation

/// Recognizes a line of an article that is only a publication date, in the forms news sites print:
/// `2026-03-14`, `2026-03-14T09:30:00Z`, `March 14, 2026`, `14 March 2026`, `Sat, 14 Mar 2026 09:30 GMT`,
/// `May.05 - 2024 10:44 AM CET`, `Sat, 14 Mar 2026 09:30:00 +0000`, optionally after `Published`, `Updated`,
/// `Last updated`, `Posted` or `Date:`.
///
/// The result is `YYYY-MM-DD` when the line gives no time or no time zone, and an instant in UTC
/// (`YYYY-MM-DDTHH:MM:SSZ`) when it gives both. A line with any other word is not a date line.
enum DateLine {
    private static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]
    private static let weekdays: Set<String> = [
        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
        "fri", "friday", "sat", "saturday", "sun", "sunday",
    ]
    private static let fillers: Set<String> = [
        "published", "updated", "posted", "date", "on", "at", "last", "st", "nd", "rd", "th",
    ]
    /// Offsets in minutes east of UTC.
    private static let zones: [String: Int] = [
        "utc": 0, "gmt": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "msk": 180,
        "ist": 330, "jst": 540, "aest": 600, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
        "mdt": -360, "pst": -480, "pdt": -420,
    ]

    /// The date or instant a line states, or nil when the line is anything but a date.
    static func parse(_ line: String) -> String? {
        // A date has a four-digit year and a day: a line with fewer than five ASCII digits is none, found without
        // the regular expressions below (bylines and headings are asked about by the hundred on every web page).
        guard line.utf8.count(where: { $0 >= 0x30 && $0 <= 0x39 }) >= 5 else { return nil }
        var text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 64 else { return nil }
        if let prefix = text.firstMatch(of: /^(?i:last updated|published|updated|posted|date|on)\s*:?\s*/) {
            text = String(text[prefix.range.upperBound...])
        }
        if let iso = parseISO(text) { return iso }
        // A numeric zone at the end (`+0000`, `-05:00`), as in `Sat, 14 Mar 2026 09:30:00 +0000`.
        var numericZone: Int?
        if let match = text.firstMatch(of: /\s([+-]\d{2}:?\d{2})$/) {
            guard let offset = zoneOffset(String(match.1)) else { return nil }
            numericZone = offset
            text = String(text[..<match.range.lowerBound])
        }

        var year: Int?
        var month: Int?
        var day: Int?
        var hour: Int?
        var minute = 0
        var second = 0
        var meridiem: String?
        var zone = numericZone
        for token in tokens(text) {
            if let value = months[token] {
                guard month == nil else { return nil }
                month = value
            } else if weekdays.contains(token) || fillers.contains(token) {
                continue
            } else if token == "am" || token == "pm" {
                meridiem = token
            } else if let offset = zones[token] {
                zone = offset
            } else if token.contains(":") {
                let parts = token.split(separator: ":").map { Int($0) }
                guard hour == nil, (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
                hour = parts[0]
                minute = parts[1]!
                second = parts.count == 3 ? parts[2]! : 0
            } else if let number = Int(token) {
                if token.count == 4, year == nil {
                    year = number
                } else if token.count <= 2, day == nil {
                    day = number
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        guard let year, let month, let day, (1900...2200).contains(year), isValid(year, month, day) else { return nil }
        guard var hour else { return format(year, month, day) }
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        guard let zone else { return format(year, month, day) }
        return instant(year, month, day, hour, minute, second, offsetMinutes: zone)
    }

    /// Lowercased tokens: runs of letters, and runs of digits and colons (`10:44`); everything else separates.
    private static func tokens(_ text: String) -> [String] {
        enum Kind { case letters, digits }
        var result: [String] = []
        var current = ""
        var kind: Kind?
        func flush() {
            let token = current.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            if !token.isEmpty { result.append(token) }
            current = ""
        }
        for character in text.lowercased() {
            let next: Kind? = character.isLetter ? .letters : (character.isNumber || character == ":") ? .digits : nil
            if next != kind || next == nil { flush() }
            if next != nil { current.append(character) }
            kind = next
        }
        flush()
        return result
    }

    /// `YYYY-MM-DD`, optionally followed by a time (`T` or a space, `hh:mm[:ss[.fff]]`) and a zone (`Z`,
    /// `+hh:mm`, `+hhmm`, or a zone name such as `GMT`). Without a zone only the date is kept.
    private static func parseISO(_ text: String) -> String? {
        let pattern =
            /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{2,5})?)?$/
        guard let match = text.wholeMatch(of: pattern),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3), isValid(year, month, day)
        else { return nil }
        guard let hourText = match.4, let hour = Int(hourText), let minute = match.5.flatMap({ Int($0) }) else {
            return format(year, month, day)
        }
        let second = match.6.flatMap { Int($0) } ?? 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        guard let zoneText = match.7 else { return format(year, month, day) }
        guard let offset = zoneOffset(String(zoneText)) else { return nil }
        return instant(year, month, day, hour, minute, second, offsetMinutes: offset)
    }

    /// Minutes east of UTC for `Z`, `+hh:mm`, `-hhmm` or a known zone name.
    private static func zoneOffset(_ text: String) -> Int? {
        if let named = zones[text.lowercased()] { return named }
        let digits = text.dropFirst().filter(\.isNumber)
        guard let sign = text.first, sign == "+" || sign == "-", digits.count == 4,
            let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours <= 14, minutes < 60
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    private static func isValid(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return (1...12).contains(month) && (1...31).contains(day) && components.isValidDate(in: calendar)
    }

    private static func format(_ year: Int, _ month: Int, _ day: Int) -> String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    private static func instant(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, offsetMinutes: Int
    ) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components).map(Timestamp.string)
    }
}
