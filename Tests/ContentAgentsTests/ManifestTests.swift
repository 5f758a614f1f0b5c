// ManifestTests.swift — AgentManifests/*.json agree with the plugins they describe.
import AgentPluginABI
import Foundation
import Testing

@Suite struct ManifestTests {
    static let folder: String = {
        var url = URL(fileURLWithPath: Fixtures.examples)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("AgentManifests").path
    }()

    /// Every manifest of the sample agents by name (templates/ excluded).
    static func manifests() throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where file.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let name = object["name"] as? String
            else { throw HarnessError("\(file) is not a manifest object with a name") }
            #expect(file == name + ".json", "\(file) holds agent \(name)")
            result[name] = object
        }
        return result
    }

    @Test func everySampleAgentHasAManifestWithTheRequiredFields() throws {
        let manifests = try Self.manifests()
        #expect(Set(manifests.keys) == Set(Agents.libraries.keys))
        for (name, m) in manifests {
            #expect((m["manifest_version"] as? NSNumber)?.intValue == 1, "\(name).manifest_version")
            #expect(m["kind"] as? String == "agent-v1", "\(name).kind")
            #expect(m["isolation"] as? String == "in-process", "\(name).isolation")
            #expect(m.keys.contains("sha256") && m["sha256"] is NSNull, "\(name).sha256")
            #expect(!(m["capabilities"] as? [String] ?? []).isEmpty, "\(name).capabilities")
            #expect(!(m["outputs"] as? [String] ?? []).isEmpty, "\(name).outputs")
            let estimate = (m["estimate_seconds"] as? NSNumber)?.doubleValue ?? -1
            #expect(estimate > 0 && estimate <= 0.5, "\(name).estimate_seconds is honest: these run in milliseconds")
            #expect((m["resources"] as? [String: Any])?["cpu"] != nil, "\(name).resources")
            for dependency in m["dependencies"] as? [Any] ?? [] {
                let target = (dependency as? String) ?? ((dependency as? [String: Any])?["agent"] as? String) ?? ""
                #expect(manifests[target] != nil, "\(name) depends on unknown agent \(target)")
                #expect(target != name)
            }
            for alternative in m["alternatives"] as? [String] ?? [] { #expect(manifests[alternative] != nil) }
        }
        #expect(manifests["writer"]?["alternatives"] as? [String] == ["writer_lite"])
        let writerDependencies = manifests["writer"]?["dependencies"] as? [Any] ?? []
        #expect((writerDependencies.last as? [String: Any])?["type"] as? String == "soft")
    }

    @Test func capabilitiesCoverTheBlogCreationTemplate() throws {
        let all = Set(try Self.manifests().values.flatMap { $0["capabilities"] as? [String] ?? [] })
        for capability in [
            "content_strategy", "research", "content_creation", "editing", "seo_optimization", "image_generation",
            "social_media", "campaign_management", "content_repurposing",
        ] {
            #expect(all.contains(capability), "no agent offers \(capability)")
        }
    }

    @Test func librariesLoadAndDescriptorsMatchTheManifests() throws {
        for (name, m) in try Self.manifests() {
            let library = try #require(m["library"] as? String)
            let entry = m["entry"] as? String ?? "agent_plugin_entry"
            let agent = try LoadedAgent(library: library, entry: entry)
            #expect(agent.name == name)
            #expect(String(cString: agent.descriptor.pointee.version) == m["version"] as? String)
        }
    }

    @Test func everyDeclaredOutputIsInTheAgentsOutput() throws {
        let manifests = try Self.manifests()
        var outputs = try ChainRun.run(artifacts: nil).outputs
        let plan = try #require(outputs["planner"])
        outputs["writer_lite"] = try Agents.load("writer_lite").run(Fixtures.input(agent: "writer_lite", inputs: ["planner": plan])).object
        for (name, m) in manifests {
            let produced = try #require(outputs[name], "no output for \(name)")
            for key in m["outputs"] as? [String] ?? [] {
                #expect(produced[key] != nil, "\(name) declares output \(key) but does not produce it")
            }
        }
    }
}
