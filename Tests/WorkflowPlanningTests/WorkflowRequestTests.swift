import AgentCatalog
import Testing
@testable import WorkflowPlanning

@Suite struct WorkflowRequestTests {
    func request(_ text: String) throws -> WorkflowRequest {
        try WorkflowRequest(json: try JSONValue(parsing: text))
    }

    func error(_ text: String) throws -> PlanningError? {
        do {
            _ = try request(text)
            return nil
        } catch let error as PlanningError {
            return error
        }
    }

    @Test func readsEveryField() throws {
        let parsed = try request(
            """
            { "campaign": {"title": "Solar for schools", "campaign_type": "blog_creation"},
              "goal": {"outputs": ["optimized_content", "social_posts"]},
              "strategy": "parallel", "recovery": "retry_alternative",
              "max_concurrency": 3, "resources": {"llm": 2}, "max_retries": 1 }
            """)
        #expect(parsed.goal == .outputs(["optimized_content", "social_posts"]))
        #expect(parsed.strategy == .parallel)
        #expect(parsed.recovery == .retryAlternative)
        #expect(parsed.maxConcurrency == 3)
        #expect(parsed.resources == ["llm": 2])
        #expect(parsed.maxRetries == 1)
        #expect(parsed.campaign["title"] == "Solar for schools")
        #expect(try WorkflowRequest(json: parsed.json) == parsed)
    }

    @Test func defaults() throws {
        let parsed = try request("{}")
        #expect(parsed.goal == nil)
        #expect(parsed.strategy == .adaptive)
        #expect(parsed.recovery == .skip)
        #expect(parsed.maxConcurrency == WorkflowRequest.defaultMaxConcurrency)
        #expect(parsed.maxRetries == nil)
    }

    @Test func unknownFieldsAreNamed() throws {
        #expect(try error(#"{"goal": {"agents": ["writer"], "foo": 1}}"#)?.message == "request.goal.foo is not a known field")
        #expect(try error(#"{"stratgy": "adaptive"}"#)?.message == "request.stratgy is not a known field; did you mean `strategy`?")
    }

    @Test func wrongTypesNameFieldAndExpectedType() throws {
        let wrong = try error(#"{"max_concurrency": "4"}"#)
        #expect(wrong?.code == .badRequest)
        #expect(wrong?.message == "request.max_concurrency must be an integer, not a string")
        #expect(try error(#"{"goal": {"agents": ["writer", 3]}}"#)?.message == "request.goal.agents[1] must be a string, not an integer")
        #expect(try error(#"{"campaign": []}"#)?.message == "request.campaign must be an object, not an array")
        #expect(try error(#"[]"#)?.message == "request must be an object, not an array")
    }

    @Test func badValues() throws {
        #expect(try error(#"{"strategy": "fastest"}"#)?.message == "request.strategy is fastest; expected one of sequential, parallel, adaptive")
        #expect(try error(#"{"recovery": "pray"}"#)?.message.hasPrefix("request.recovery is pray") == true)
        #expect(try error(#"{"max_concurrency": 0}"#)?.message == "request.max_concurrency is 0; expected at least 1")
        #expect(try error(#"{"goal": {"agents": ["a"], "outputs": ["b"]}}"#)?.message == "request.goal must have exactly one of agents, capabilities or outputs")
        #expect(try error(#"{"goal": {"agents": []}}"#)?.message == "request.goal.agents must list at least one name")
        #expect(try error(#"{"resources": {"llm": -1}}"#)?.message == "request.resources.llm is -1; expected at least 0")
    }
}
