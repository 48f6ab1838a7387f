import Foundation

/// An article's language and writing direction as pages and files declare them, checked and put in normal form.
public enum ArticleLanguage {
    /// The writing directions an article may have, as HTML's `dir` names them.
    public static let directions: Set<String> = ["ltr", "rtl", "auto"]

    /// `text` as a BCP 47 language tag in its usual case (`en`, `pt-BR`, `zh-Hant-TW`), or nil when it is not one.
    /// The language subtag must be an ISO 639 code (two or three letters: `english` is not one). OpenGraph's `en_US`
    /// reads as `en-US`; the "undetermined" tag `und` and an empty value read as nil.
    public static func tag(_ text: String) -> String? {
        let subtags = text.trimmingCharacters(in: .whitespaces).replacing("_", with: "-").split(
            separator: "-", omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...3).contains(primary.count), primary.allSatisfy(\.isASCIILetter),
            subtags.count <= 8,
            subtags.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(\.isASCIIAlphanumeric) })
        else { return nil }
        let language = primary.lowercased()
        guard language != "und" else { return nil }
        var parts = [language]
        for subtag in subtags.dropFirst() {
            if subtag.count == 2 && subtag.allSatisfy(\.isASCIILetter) {
                parts.append(subtag.uppercased())  // a region: BR
            } else if subtag.count == 4 && subtag.allSatisfy(\.isASCIILetter) {
                parts.append(subtag.prefix(1).uppercased() + subtag.dropFirst().lowercased())  // a script: Hant
            } else {
                parts.append(subtag.lowercased())
            }
        }
        return parts.joined(separator: "-")
    }

    /// `text` as a writing direction (`ltr`, `rtl` or `auto`, case ignored), or nil when it is none of them.
    public static func direction(_ text: String) -> String? {
        let direction = text.trimmingCharacters(in: .whitespaces).lowercased()
        return directions.contains(direction) ? direction : nil
    }
}

extension Character {
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
