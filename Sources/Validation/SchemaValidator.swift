import CassetteFormat

/// Checks a JSON value against a compiled `Schema` with strict JSON types: `"0.5"` is not a
/// number and `"true"` not a boolean. Properties a schema does not list are allowed unless it says
/// otherwise, as OpenRouter's SDK models ignore them.
enum SchemaValidator {
    /// The violations of `value` against `schema`, under `path`.
    static func violations(of value: JSONValue, against schema: Schema, at path: JSONPath = JSONPath())
        -> [Violation]
    {
        guard !admits(value, schema) else { return [] }
        var found: [Violation] = []
        var path = path
        check(value, schema, &path, &found)
        return found
    }

    /// Whether `value` holds to `schema`: the same rules as `check`, answered without building a
    /// violation (most requests are valid, and most union branches tried are not the one).
    static func admits(_ value: JSONValue, _ schema: Schema) -> Bool {
        if let types = schema.types, !types.contains(where: { $0.admits(value) }) { return false }
        if let constant = schema.constant, constant != value { return false }
        if let allowed = schema.allowed, !allowed.contains(value) { return false }
        switch value {
        case .object(let pairs):
            for name in schema.required where !pairs.contains(where: { $0.0 == name }) { return false }
            for (name, member) in pairs {
                if let property = schema.properties[name] ?? schema.additionalProperties, !admits(member, property) {
                    return false
                }
            }
        case .array(let elements):
            if let items = schema.items, !elements.allSatisfy({ admits($0, items) }) { return false }
        default:
            break
        }
        if let discriminator = schema.discriminator, case .object = value {
            guard let tag = value[discriminator.property]?.stringValue, let branch = discriminator.branches[tag],
                admits(value, branch)
            else { return false }
        } else if !schema.oneOf.isEmpty, !schema.oneOf.contains(where: { admits(value, $0) }) {
            return false
        }
        if !schema.anyOf.isEmpty, !schema.anyOf.contains(where: { admits(value, $0) }) { return false }
        return true
    }

    /// `path` is where `value` sits; the walk pushes each step onto it and pops it after, so a
    /// path is written out as text only for a violation.
    private static func check(
        _ value: JSONValue, _ schema: Schema, _ path: inout JSONPath, _ found: inout [Violation]
    ) {
        if let types = schema.types, !types.contains(where: { $0.admits(value) }) {
            found.append(typeViolation(value, expected: types, path))
            return
        }
        if let constant = schema.constant, constant != value {
            found.append(
                Violation(
                    path: path.description, rule: "const",
                    message: "must be \(JSONWriter.string(constant)) (got \(shortened(value)))"))
            return
        }
        if let allowed = schema.allowed, !allowed.contains(value) {
            found.append(
                Violation(
                    path: path.description, rule: "enum",
                    message:
                        "must be one of \(allowed.map(JSONWriter.string).joined(separator: ", ")) (got \(shortened(value)))"
                ))
            return
        }
        switch value {
        case .object(let pairs):
            for name in schema.required where !pairs.contains(where: { $0.0 == name }) {
                found.append(
                    Violation(path: path.appending(name).description, rule: "required", message: "is required"))
            }
            for (name, member) in pairs {
                guard let property = schema.properties[name] ?? schema.additionalProperties else { continue }
                path.push(.name(name))
                check(member, property, &path, &found)
                path.pop()
            }
        case .array(let elements):
            if let items = schema.items {
                for (index, element) in elements.enumerated() {
                    path.push(.index(index))
                    check(element, items, &path, &found)
                    path.pop()
                }
            }
        default:
            break
        }
        if let discriminator = schema.discriminator, case .object = value {
            checkTagged(value, discriminator, &path, &found)
        } else if !schema.oneOf.isEmpty {
            checkAlternatives(value, schema.oneOf, path, &found)
        }
        if !schema.anyOf.isEmpty { checkAlternatives(value, schema.anyOf, path, &found) }
    }

    /// A tagged union: the branch the tag names, or a violation naming the tags there are.
    private static func checkTagged(
        _ value: JSONValue, _ discriminator: Schema.Discriminator, _ path: inout JSONPath, _ found: inout [Violation]
    ) {
        guard let tagValue = value[discriminator.property] else {
            found.append(
                Violation(
                    path: path.appending(discriminator.property).description, rule: "required", message: "is required"))
            return
        }
        guard let tag = tagValue.stringValue, let branch = discriminator.branches[tag] else {
            let tags = discriminator.branches.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            found.append(
                Violation(
                    path: path.appending(discriminator.property).description, rule: "discriminator",
                    message: "must be one of \(tags) (got \(shortened(tagValue)))"))
            return
        }
        check(value, branch, &path, &found)
    }

    /// `anyOf` (and `oneOf` without a tag): fine when one branch holds. Otherwise, when every
    /// branch wants another type, one violation naming the types; else the violations of the
    /// branch that came closest (its first violation deepest, then the fewest).
    private static func checkAlternatives(
        _ value: JSONValue, _ branches: [Schema], _ path: JSONPath, _ found: inout [Violation]
    ) {
        if branches.contains(where: { admits(value, $0) }) { return }
        var attempts: [[Violation]] = []
        for branch in branches {
            let attempt = violations(of: value, against: branch, at: path)
            if attempt.isEmpty { return }
            attempts.append(attempt)
        }
        let here = path.description
        let wrongType = attempts.allSatisfy { $0.count == 1 && $0[0].rule == "type" && $0[0].path == here }
        if wrongType {
            let expected = Set(branches.flatMap { $0.types ?? [] })
            found.append(typeViolation(value, expected: expected, path))
            return
        }
        let candidates = attempts.filter { !($0.count == 1 && $0[0].rule == "type" && $0[0].path == here) }
        let best = candidates.min { a, b in
            let depthA = JSONPath.depth(of: a[0].path)
            let depthB = JSONPath.depth(of: b[0].path)
            return depthA != depthB ? depthA > depthB : a.count < b.count
        }
        found += best ?? attempts[0]
    }

    private static func typeViolation(_ value: JSONValue, expected: Set<JSONType>, _ path: JSONPath) -> Violation {
        let names = JSONType.allCases.filter(expected.contains).map(\.rawValue)
        let wanted = names.isEmpty ? "is not allowed" : "must be \(listed(names))"
        return Violation(path: path.description, rule: "type", message: "\(wanted) (got \(value.kindName))")
    }

    /// `value` as JSON, cut to 40 characters for messages.
    static func shortened(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}

/// `a`, `a or b`, `a, b or c`.
func listed(_ items: [String]) -> String {
    guard let last = items.last, items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " or " + last
}
