extension ManifestParser {
    /// Every field a workflow template may contain.
    public static let templateFields: [String] = [
        "template_version", "campaign_type", "description", "required_capabilities", "content_types",
        "include_images",
    ]

    /// The fields every workflow template must contain.
    public static let requiredTemplateFields: [String] = ["template_version", "campaign_type", "required_capabilities"]

    /// Parses and validates one workflow template (AgentManifests/templates/*.json; format in
    /// `WorkflowTemplate`'s doc comment).
    ///
    /// - Returns: the template when it is valid, and every problem found.
    public static func parseTemplate(
        _ bytes: [UInt8], file: String, order: Int
    ) -> (template: WorkflowTemplate?, problems: [ManifestProblem]) {
        readObjectFile(bytes, file: file) { reader in
            readTemplate(&reader, source: ManifestSource(file: file, order: order))
        }
    }

    private static func readTemplate(_ reader: inout FieldReader, source: ManifestSource) -> WorkflowTemplate? {
        reader.rejectUnknownFields(known: templateFields)
        reader.requireVersion("template_version", supported: WorkflowTemplate.supportedVersion)
        let campaignType = reader.string("campaign_type", required: true) ?? ""
        if !campaignType.isEmpty && !isValidName(campaignType) {
            reader.problem("campaign_type", "expected lowercase letters, digits, '_', '.' or '-', found \"\(campaignType)\"")
        }
        let description = reader.string("description", nonEmpty: false) ?? ""
        let required = reader.strings("required_capabilities", required: true) ?? []
        var contentTypes: [String: [String]] = [:]
        if let inner = reader.object("content_types", required: false) {
            for (key, value) in inner.object {
                guard let elements = value.arrayValue else {
                    reader.wrongType("content_types.\(key)", expected: "an array of capability names", found: value)
                    continue
                }
                if let names = reader.stringElements(elements, at: inner.fieldPath(key)) { contentTypes[key] = names }
            }
        }
        let includeImages = reader.strings("include_images") ?? []
        guard reader.problems.isEmpty else { return nil }
        let template = WorkflowTemplate(
            campaignType: campaignType, description: description, requiredCapabilities: required,
            contentTypes: contentTypes, includeImages: includeImages, source: source)
        return template
    }
}
