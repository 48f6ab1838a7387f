import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Reader

/// `POST /api/articles/{id}/annotations` with a `part`: the headline and the dek are annotated as the body is, the
/// selector checked against that part's text.
@Suite struct ReaderPartTests {
    let fixture: ReaderFixture

    init() throws {
        fixture = try ReaderFixture()
    }

    /// "strike enters" in the headline: scalars 5 to 18.
    static var headline: [String: Any] {
        [
            "part": "title", "quote": "strike enters", "prefix": "Port ", "suffix": " third day", "start": 5, "end": 18,
        ]
    }

    private func post(_ client: any TestClientProtocol, _ session: Session, _ value: [String: Any]) async throws
        -> (HTTPResponse.Status, [String: Any])
    {
        try await client.execute(
            uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: session.write,
            body: try body(value)
        ) { response in (response.status, try object(response)) }
    }

    @Test("A selection in the headline is stored on the headline and comes back first, with its part")
    func headline() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let body: [String: Any] = [
                "quote": "third day", "prefix": "stayed off the job for a ", "suffix": " as talks over a 3.2% pay o",
                "start": 49, "end": 58,
            ]
            let (bodyStatus, _) = try await post(client, session, body)
            #expect(bodyStatus == .created)
            let (status, made) = try await post(client, session, Self.headline)
            #expect(status == .created)
            #expect(made["part"] as? String == "title" && made["start"] as? Int == 5 && made["end"] as? Int == 18)
            let stored = try fixture.database.annotation(try #require(made["id"] as? String))
            #expect(stored.part == .title && stored.selector.exact == "strike enters")
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)", method: .get, headers: session.read
            ) { response in
                let annotations = try #require(try object(response)["annotations"] as? [[String: Any]])
                #expect(annotations.map { $0["part"] as? String } == ["title", "body"])
            }
        }
    }

    @Test(
        "A part that is not one, a quote not at its place in the headline, or a dek the article lacks is 400 and writes nothing"
    )
    func refused() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let bad: [([String: Any], String)] = [
                (Self.headline.merging(["part": "byline"]) { $1 }, "part must be one of title, dek, body"),
                (Self.headline.merging(["start": 6, "end": 19]) { $1 }, "the headline of article"),
                (Self.headline.merging(["part": "body"]) { $1 }, "does not match"),
                (Self.headline.merging(["end": 400]) { $1 }, "whose headline has 28 characters"),
                (Self.headline.merging(["part": "dek"]) { $1 }, "has no dek"),
            ]
            let before = try fixture.snapshot()
            for (request, message) in bad {
                let (status, answer) = try await post(client, session, request)
                #expect(status == .badRequest, "\(request)")
                #expect((answer["error"] as? String)?.contains(message) == true, "\(answer)")
            }
            #expect(try fixture.snapshot() == before)
        }
    }
}
