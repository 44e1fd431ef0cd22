import CassetteFormat

/// One loaded interaction with its plan compiled at load time.
public final class CatalogEntry: Sendable {
    /// The cassette file it came from.
    public let cassette: String
    /// Its 1-based number in that file.
    public let number: Int
    public let interaction: Interaction
    public let key: RequestKey
    public let plan: PlaybackPlan
    /// The generation it recorded, when the answer carries an OpenRouter generation id.
    public let generation: RecordedGeneration?

    public init(cassette: String, number: Int, interaction: Interaction) {
        self.cassette = cassette
        self.number = number
        self.interaction = interaction
        key = RequestKey(interaction.request)
        plan = PlaybackPlan(replaying: interaction)
        generation = RecordedGeneration(interaction: interaction, plan: plan)
    }
}
