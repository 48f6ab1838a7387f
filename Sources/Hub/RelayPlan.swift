import Store

/// What a pushed page does to the hub's changes, worked out before anything is written: which of its changes are new,
/// which are kept, and which kept changes they overwrite. The hub keeps every change still in effect, as the SQLite
/// store does: a field's value (or a deletion or restoration) drops the values of its register it saw, a tag removal
/// drops the additions of the tag it saw; article versions, creations and tag removals stay.
struct RelayPlan {
    /// A change to keep, as `hub_changes` holds it.
    struct Row: Equatable {
        let id: ChangeID
        let hlc: String
        let subject: String
        let register: String?
        let line: String
    }

    /// Where a change competes with others on its subject: a register of an annotation.
    struct Register: Hashable {
        let subject: String
        let name: String
    }

    /// The page's changes not received before, in the page's order.
    private(set) var new: [Change] = []
    /// Changes already received (before, or earlier in the page).
    private(set) var duplicates: [Change] = []
    /// The new changes to keep (those a later change of the same page overwrote are not).
    private(set) var rows: [Row] = []
    /// Changes kept before that the page overwrites.
    private(set) var dropped: Set<ChangeID> = []
    /// The registers whose values the page touched, with the values in effect after it.
    private(set) var live: [Register: [ChangeID]]

    /// The register a change competes in, and whether it overwrites what it saw in it (`seen`), or only joins it.
    static func register(of change: Change) -> (register: Register, seen: Knowledge?)? {
        switch change.body {
        case .article, .create: return nil
        case .set(let annotation, let value, let seen):
            return (Register(subject: annotation, name: value.field.rawValue), seen)
        case .delete(let annotation, let seen), .restore(let annotation, let seen):
            return (Register(subject: annotation, name: AnnotationField.deleted.rawValue), seen)
        case .tag(let annotation, let tag): return (Register(subject: annotation, name: "tag:" + tag), nil)
        case .untag(let annotation, let tag, let seen): return (Register(subject: annotation, name: "tag:" + tag), seen)
        }
    }

    /// Works out what `changes` do.
    /// - Parameters:
    ///   - knowledge: What the hub has received of the changes' origins.
    ///   - live: The values kept in every register the changes compete in.
    ///   - line: The stored line of a change.
    init(
        _ changes: [Change], knowledge: Knowledge, live: [Register: [ChangeID]], line: (Change) throws -> String
    ) rethrows {
        self.live = live
        var received = knowledge
        var kept: [ChangeID: Int] = [:]
        var rows: [Row?] = []
        for change in changes {
            guard !received.contains(change.id) else {
                duplicates.append(change)
                continue
            }
            received.insert(change.id.counter...change.id.counter, for: change.id.origin)
            new.append(change)
            let competes = Self.register(of: change)
            if let (register, seen) = competes, let seen {
                var remaining: [ChangeID] = []
                for id in self.live[register] ?? [] {
                    guard seen.contains(id) else {
                        remaining.append(id)
                        continue
                    }
                    if let index = kept.removeValue(forKey: id) { rows[index] = nil } else { dropped.insert(id) }
                }
                self.live[register] = remaining
            }
            var stored: String?
            if let (register, _) = competes {
                // A tag removal is kept but competes in nothing: only the additions it removed go.
                if case .untag = change.body {
                } else {
                    self.live[register, default: []].append(change.id)
                    stored = register.name
                }
            }
            kept[change.id] = rows.count
            rows.append(
                Row(
                    id: change.id, hlc: change.clock.description, subject: change.subject, register: stored,
                    line: try line(change)))
        }
        self.rows = rows.compactMap { $0 }
    }

    /// The registers of annotation fields holding more than one value after the page: conflicts a teammate sees.
    var conflicts: Int {
        live.filter { !$0.key.name.hasPrefix("tag:") && $0.value.count > 1 }.count
    }
}
