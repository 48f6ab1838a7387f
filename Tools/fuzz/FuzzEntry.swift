// Coverage-guided fuzzing of the change-file reader and the article parser with libFuzzer; see scripts/fuzz.sh,
// which builds this with `-sanitize=fuzzer -DFUZZING`. Built normally, it only says how to run it.
import Crypto
import Foundation
import Store
import Sync

/// What each input goes through: `changes` (a change file, sealed with its SHA-256 so the reader gets past the
/// check) or `articles` (an article file, as .txt, .json, .jsonl, .html or .rss by its first byte).
enum FuzzTarget {
    /// A database the change files are applied to, made once per process.
    nonisolated(unsafe) static var database: NewsDatabase?

    static func changes(_ data: Data) {
        do {
            if database == nil {
                let path = FileManager.default.temporaryDirectory.appending(path: "newsdb-fuzz-\(getpid()).sqlite").path
                database = try NewsDatabase.open(at: path, options: .init(backup: false))
            }
            guard let database else { return }
            var sealed = data
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            sealed.append(Data("\"sha256\": \"\(digest)\"}\n".utf8))
            _ = try ChangeFileReader.apply(sealed, named: "fuzz", to: database)
        } catch {
            // A refusal is the expected outcome for almost every input; only a crash or a hang is a finding.
        }
    }

    static func articles(_ data: Data) {
        let name = ["fuzz.txt", "fuzz.json", "fuzz.jsonl", "fuzz.html", "fuzz.rss"][Int(data.first ?? 0) % 5]
        do {
            _ = try ArticleDraft.parse(data.dropFirst(), named: name).map(\.id)
        } catch {
            // As above: refusals are fine.
        }
    }
}

#if FUZZING
    /// libFuzzer's driver, called from this program's own entry point (SwiftPM names an executable's entry point
    /// `newsdb_fuzz_main` and links `main` to it, so libFuzzer's `main` is not used). Named as libFuzzer names it.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32

    @_cdecl("newsdb_fuzz_main")
    func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in fuzzOneInput(bytes, size) }
    }

    /// One input, to the target NEWSDB_FUZZ_TARGET names (libFuzzer's runtime also refers to it by this name).
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
        let data = Data(bytes: bytes, count: size)
        switch ProcessInfo.processInfo.environment["NEWSDB_FUZZ_TARGET"] {
        case "articles": FuzzTarget.articles(data)
        default: FuzzTarget.changes(data)
        }
        return 0
    }
#else
    @main
    struct FuzzEntry {
        static func main() {
            FileHandle.standardError.write(Data("newsdb-fuzz: build and run it with scripts/fuzz.sh\n".utf8))
            exit(64)
        }
    }
#endif
