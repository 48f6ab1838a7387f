import Foundation

/// Removes, conservatively, the furniture that text copied or scraped from a web page carries: only paragraphs and
/// lines that are clearly not the story, each by a rule of its own (docs/IMPORT.md, "Text scraped from pages"):
///
/// - a paragraph that is only a list heading or widget label: "Most Read", "Trending Now", "Post a Comment",
///   "0 Comments", "Advertisement" and the like;
/// - an image block: a paragraph with a "Photo: …" (or "Image:", "Credit:" …) credit line, with the caption
///   beside it, and a caption paragraph (a short line, then a line ending in an agency credit such as
///   "NAME/AFP via Getty Images");
/// - a subscription list: a paragraph of bullet lines (•) of which most offer a subscription's perks;
/// - an "About the writer" heading and the author's bio after it, whose name becomes the byline.
///
/// A paragraph with a sentence of the story in it is never removed: every rule needs the whole paragraph to match.
enum ScrapedText {
    /// The paragraphs without their furniture, the byline an "About the writer" block gives, and what was removed.
    static func clean(_ paragraphs: [[String]]) -> (paragraphs: [[String]], byline: String?, removed: [String]) {
        var kept: [[String]] = []
        var removed: [String] = []
        var byline: String?
        var index = 0
        while index < paragraphs.count {
            let paragraph = paragraphs[index]
            index += 1
            if paragraph.count == 1, isAboutTheWriter(paragraph[0]) {
                removed.append(paragraph[0])
                // The bio right after it: its first words are the writer's name.
                if index < paragraphs.count, paragraphs[index].count == 1,
                    let name = bioName(paragraphs[index][0])
                {
                    byline = byline ?? name
                    removed.append(paragraphs[index][0])
                    index += 1
                }
                continue
            }
            if isLabel(paragraph) || isImageBlock(paragraph) || isCaption(paragraph) || isSubscriptionList(paragraph) {
                removed.append(paragraph.joined(separator: "\n"))
                continue
            }
            kept.append(paragraph)
        }
        return (kept, byline, removed)
    }

    /// The paragraph after a byline, when it is the author's bio ("NAME is …", "NAME has …"): to be removed.
    static func isBio(_ paragraph: [String], of byline: String) -> Bool {
        guard paragraph.count == 1, let line = paragraph.first, line.count <= 400 else { return false }
        return [" is ", " has ", " was ", " writes ", " covers ", " reports "].contains {
            line.hasPrefix(byline + $0)
        }
    }

    /// Labels of widgets and lists that stand alone on a line of scraped pages (compared lowercased).
    private static let labels: Set<String> = [
        "most read", "most popular", "trending now", "trending", "post a comment", "leave a comment", "comments",
        "advertisement", "sponsored content", "share this article", "related articles", "read next",
    ]

    /// The most UTF-8 bytes of a label or an "About the writer" heading ("999999 comments" included): a longer line
    /// is none, found before lowercasing it.
    private static let longestLabelBytes = 24

    private static func isLabel(_ paragraph: [String]) -> Bool {
        guard paragraph.count == 1, let first = paragraph.first, first.utf8.count <= longestLabelBytes else {
            return false
        }
        let line = first.lowercased()
        return labels.contains(line) || line.wholeMatch(of: #/\d{1,6} comments?/#) != nil
    }

    private static func isAboutTheWriter(_ line: String) -> Bool {
        line.utf8.count <= longestLabelBytes
            && ["about the writer", "about the author", "about the reporter"].contains(line.lowercased())
    }

    /// The name a bio starts with ("David Brennan is Newsweek's …"): two to four capitalized words before "is".
    private static func bioName(_ line: String) -> String? {
        guard line.count <= 600,
            let match = line.prefixMatch(
                of: #/((?:\p{Lu}[\p{L}'’.-]+ ){1,3}\p{Lu}[\p{L}'’.-]+) (?:is|has|was|writes|covers|reports) /#)
        else { return nil }
        return String(match.1)
    }

    /// How every credit line starts, lowercased: the words of ``isCredit(_:)``'s expression cut to five letters.
    private static let creditStarts: Set<String> = ["photo", "image", "pictu", "credi"]

    /// A credit line: "Photo: …", "Photograph: …", "Image: …", "Picture: …", "Credit: …", short. The start is
    /// checked before the regular expression, which Swift builds again at each use: with it first, half the time of
    /// a plain-text import went to parsing it for every short paragraph.
    private static func isCredit(_ line: String) -> Bool {
        creditStarts.contains(line.prefix(5).lowercased()) && line.count <= 120
            && line.prefixMatch(of: #/(?i:photo|photograph|photos|image|picture|credit|photo credit)\s*:\s*\S/#) != nil
    }

    /// A paragraph holding a credit line, whose other lines are short (its caption): an image in the page.
    private static func isImageBlock(_ paragraph: [String]) -> Bool {
        paragraph.count <= 4 && paragraph.contains(where: isCredit) && paragraph.allSatisfy { $0.count <= 300 }
    }

    /// An agency credit at the end of a caption: "HENRY NICHOLLS/AFP via Getty Images", "Jane Doe/Reuters",
    /// "Getty Images", "Shutterstock.com", "AP Photo/Jane Doe".
    private static func endsWithAgencyCredit(_ line: String) -> Bool {
        line.firstMatch(
            of:
                #/(?:\/(?:AFP|Reuters|AP|EPA|Bloomberg|Getty Images|Shutterstock)(?: via Getty Images)?|via Getty Images|Getty Images|Shutterstock\.com|AP Photo(?:\/[\p{L} .'-]+)?|Alamy)\s*$/#
        ) != nil
    }

    /// An image's alt text on one line and its caption, ending in an agency credit, on the next.
    private static func isCaption(_ paragraph: [String]) -> Bool {
        guard paragraph.count == 2, paragraph[0].count <= 100, paragraph[1].count <= 500,
            let last = paragraph[0].last, !".!?:;\"”".contains(last)
        else { return false }
        return endsWithAgencyCredit(paragraph[1])
    }

    /// Words that say a bullet offers a subscription's perks.
    private static let perks = [
        "subscri", "ad-free", "newsletter", "app ", "app:", "delivered to your door", "comment on articles",
        "unlimited access", "premium", "sign up", "magazine",
    ]

    /// A paragraph of bullet lines (and short headings), most of which offer a subscription's perks.
    private static func isSubscriptionList(_ paragraph: [String]) -> Bool {
        let bullets = paragraph.filter { $0.hasPrefix("•") || $0.hasPrefix("·") }
        guard bullets.count >= 2 else { return false }
        let others = paragraph.filter { !($0.hasPrefix("•") || $0.hasPrefix("·")) }
        guard others.allSatisfy({ $0.count <= 40 }), bullets.allSatisfy({ $0.count <= 80 }) else { return false }
        let offers = bullets.count { bullet in
            let lowered = bullet.lowercased() + " "
            return perks.contains { lowered.contains($0) }
        }
        return offers * 2 >= bullets.count
    }
}
