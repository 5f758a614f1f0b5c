import Testing

@testable import AgentCatalog

@Suite struct ManifestParserTests {
    @Test func readsEveryFieldOfAGoodManifest() throws {
        let (manifest, problems) = try parseFixture("good-full.json")
        #expect(problems == [])
        let expected = Manifest(
            manifestVersion: 1, name: "writer", version: "1.2.0",
            description: "Drafts the article from the outline and research notes", library: "libWriterAgent.so",
            entry: "writer_entry", kind: .agentV1, capabilities: ["content_creation", "copywriting"],
            dependencies: [.agent("planner"), .agent("researcher", .soft), .capability("market_research", .optional)],
            outputs: ["blog_content"], estimateSeconds: 300, parallelSafe: false, maxRetries: 3,
            timeoutSeconds: 1800.5, resources: ["llm": 1, "gpu": 0], alternatives: ["writer_lite"],
            isolation: .process, sha256: "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
            recovery: .retryAlternative,
            config: ["model": "small", "temperature": 0.2, "stops": ["\n\n"]],
            source: ManifestSource(file: "good-full.json", order: 0))
        #expect(manifest == expected)
    }

    @Test func appliesDefaultsToOptionalFields() throws {
        let text = #"{"manifest_version": 1, "name": "tiny", "version": "0.1.0", "library": "libTiny.so", "capabilities": []}"#
        let (manifest, problems) = ManifestParser.parseManifest(Array(text.utf8), file: "tiny.json", order: 7)
        #expect(problems == [])
        #expect(manifest == Manifest(name: "tiny", version: "0.1.0", library: "libTiny.so", source: .init(file: "tiny.json", order: 7)))
    }

    @Test func readsACFunctionManifest() throws {
        let (manifest, problems) = try parseFixture("good-cfunction.json")
        #expect(problems == [])
        #expect(manifest?.kind == .cFunction)
        #expect(manifest?.library == "libm.so.6")
        #expect(
            manifest?.cFunction
                == CFunctionSignature(
                    symbol: "cos", arguments: [.init(name: "x", type: .double)],
                    returns: .init(type: .double, output: "cosine"), free: "free"))
    }

    @Test func readsAndChecksAnArgumentsFromPath() {
        func parse(_ from: String) -> (manifest: Manifest?, problems: [ManifestProblem]) {
            let text = """
                {"manifest_version": 1, "name": "count", "version": "1.0.0", "library": "libTextStats.so",
                 "kind": "c-function", "capabilities": [], "symbol": "word_count",
                 "signature": {"arguments": [{"name": "text", "type": "string", "from": "\(from)"}],
                               "returns": {"type": "int64", "output": "words"}}}
                """
            return ManifestParser.parseManifest(Array(text.utf8), file: "count.json", order: 0)
        }
        #expect(parse("blog_content.markdown").manifest?.cFunction?.arguments.first?.from == ["blog_content", "markdown"])
        let bad = parse("blog_content..markdown")
        #expect(bad.manifest == nil)
        #expect(bad.problems.map(\.description).contains { $0.contains("signature.arguments[0].from") && $0.contains("not a dotted path") })
    }

    @Test func reportsLineAndColumnOfMalformedJSON() throws {
        let (manifest, problems) = try parseFixture("malformed.json")
        #expect(manifest == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.line == 4)
        #expect(problems.first?.column == 3)
        #expect(problems.first?.description.hasPrefix("malformed.json:4:3: malformed JSON: ") == true)
    }

    @Test func rejectsATopLevelArray() throws {
        let (_, problems) = try parseFixture("not-an-object.json")
        #expect(problems.map(\.description) == ["not-an-object.json: expected a JSON object at the top level, found an array"])
    }

    @Test func namesEveryMissingRequiredField() throws {
        let (manifest, problems) = try parseFixture("missing-required.json")
        #expect(manifest == nil)
        #expect(problems.map(\.field) == ["name", "version"])
        #expect(problems.first?.description == "missing-required.json: name: missing required field; expected a string")
    }

    @Test func namesEveryFieldOfTheWrongType() throws {
        let (_, problems) = try parseFixture("wrong-type.json")
        #expect(problems.map(\.description) == [
            "wrong-type.json: capabilities: expected an array of strings, found a string",
            "wrong-type.json: parallel_safe: expected a boolean (true or false), found a string",
            "wrong-type.json: max_retries: expected an integer >= 0, found a string",
        ])
    }

    @Test func namesAnUnknownField() throws {
        let (manifest, problems) = try parseFixture("unknown-field.json")
        #expect(manifest == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.field == "retries")
        #expect(problems.first?.message.hasPrefix("unknown field; did you mean `max_retries`? Expected one of: manifest_version, name") == true)
    }

    @Test func rejectsASelfDependency() throws {
        let (_, problems) = try parseFixture("self-dependency.json")
        #expect(problems.map(\.description) == [
            "self-dependency.json: dependencies[0]: agent \"ouroboros\" cannot depend on itself"
        ])
    }

    @Test func rejectsAnUnsupportedManifestVersion() throws {
        let (_, problems) = try parseFixture("unsupported-version.json")
        #expect(problems.map(\.description) == [
            "unsupported-version.json: manifest_version: unsupported version 2; this host reads version 1 only"
        ])
    }

    @Test func rejectsALibraryPathThatEscapes() throws {
        let (_, problems) = try parseFixture("library-dotdot.json")
        #expect(problems.count == 1)
        #expect(problems.first?.field == "library")
        #expect(problems.first?.message.contains("'..' component") == true)
    }

    @Test func reportsEveryBadValueAtOnce() throws {
        let (manifest, problems) = try parseFixture("bad-values.json")
        #expect(manifest == nil)
        let fields = Set(problems.compactMap(\.field))
        #expect(
            fields == [
                "name", "library", "kind", "dependencies[0]", "dependencies[1].type", "dependencies[2]",
                "estimate_seconds", "timeout_seconds", "max_retries", "resources.llm", "resources.gpu", "isolation",
                "recovery", "sha256", "symbol",
            ])
        #expect(problems.about("kind").first?.message == #"expected one of "agent-v1", "c-function", "command", found "agent-v2""#)
        #expect(problems.about("library").first?.message.contains("absolute path") == true)
        #expect(problems.about("sha256").first?.message == #"expected 64 hexadecimal digits or null, found "abc123""#)
        #expect(problems.about("symbol").first?.message.contains(#"only for kind "c-function""#) == true)
        #expect(problems.about("dependencies[0]").first?.message.contains("found both") == true)
    }

    @Test func checksCFunctionFields() throws {
        let (_, problems) = try parseFixture("cfunction-incomplete.json")
        #expect(
            Set(problems.compactMap(\.field)) == [
                "entry", "symbol", "signature.arguments[0].type", "signature.arguments[1].name",
                "signature.returns.output",
            ])
        #expect(problems.about("symbol").first?.message.hasPrefix("missing required field") == true)
        #expect(problems.about("signature.arguments[0].type").first?.message.contains("\"int32\"") == true)
    }

    @Test func allowsABareSonameAndNullOptionals() {
        let text = #"""
            {"manifest_version": 1, "name": "c", "version": "1", "library": "libc.so.6", "kind": "c-function",
             "capabilities": [], "sha256": null, "recovery": null, "config": null, "symbol": "abs",
             "signature": {"arguments": [{"name": "n", "type": "int32"}], "returns": {"type": "int32", "output": "value"}}}
            """#
        let (manifest, problems) = ManifestParser.parseManifest(Array(text.utf8), file: "c.json", order: 0)
        #expect(problems == [])
        #expect(manifest?.sha256 == nil && manifest?.recovery == nil)
    }

    @Test func rendersProblemsWithTheAbsentPartsLeftOut() {
        #expect(ManifestProblem(file: "a.json", message: "m").description == "a.json: m")
        #expect(ManifestProblem(file: "a.json", field: "f", message: "m").description == "a.json: f: m")
        #expect(ManifestProblem(file: "a.json", message: "m", line: 2, column: 5).description == "a.json:2:5: m")
    }

    @Test func parsesAndRejectsTemplates() throws {
        let good = ManifestParser.parseTemplate(try fixture("mixed/templates/blog.json"), file: "blog.json", order: 3)
        #expect(good.problems == [])
        #expect(
            good.template
                == WorkflowTemplate(
                    campaignType: "blog_creation", description: "A blog post",
                    requiredCapabilities: ["content_strategy", "content_creation"],
                    contentTypes: ["image": ["image_generation"]], includeImages: ["image_generation"],
                    source: ManifestSource(file: "blog.json", order: 3)))
        let bad = ManifestParser.parseTemplate(try fixture("mixed/templates/bad.json"), file: "bad.json", order: 0)
        #expect(bad.template == nil)
        #expect(bad.problems.compactMap(\.field) == ["extra", "required_capabilities"])
    }
}
