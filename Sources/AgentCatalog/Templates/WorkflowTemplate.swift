/// A workflow template (AgentManifests/templates/*.json): what a campaign type needs, as
/// capabilities, so that a request without a `goal` can still be planned.
///
/// ```json
/// { "template_version": 1, "campaign_type": "blog_creation",
///   "description": "A researched, edited, SEO-optimized blog post",
///   "required_capabilities": ["content_strategy", "research", "content_creation", "editing", "seo_optimization"],
///   "content_types": {"image": ["image_generation"], "social_media": ["social_media"]},
///   "include_images": ["image_generation"] }
/// ```
public struct WorkflowTemplate: Sendable, Hashable {
    /// The only template format version this host reads.
    public static let supportedVersion = 1

    /// `campaign_type`: matched against a request's `campaign.campaign_type`.
    public var campaignType: String
    /// `description`: one human sentence.
    public var description: String
    /// `required_capabilities`: always needed for this campaign type.
    public var requiredCapabilities: [String]
    /// `content_types`: extra capabilities per entry of `campaign.content_types`.
    public var contentTypes: [String: [String]]
    /// `include_images`: extra capabilities when `campaign.include_images` is true.
    public var includeImages: [String]
    /// Where this template came from.
    public var source: ManifestSource

    public init(
        campaignType: String, description: String = "", requiredCapabilities: [String],
        contentTypes: [String: [String]] = [:], includeImages: [String] = [],
        source: ManifestSource = ManifestSource(file: "<memory>", order: 0)
    ) {
        self.campaignType = campaignType
        self.description = description
        self.requiredCapabilities = requiredCapabilities
        self.contentTypes = contentTypes
        self.includeImages = includeImages
        self.source = source
    }
}
