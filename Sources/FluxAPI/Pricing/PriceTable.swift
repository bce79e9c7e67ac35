/// What tasks cost before any has been seen: the one price list of the product, read by the
/// client's estimates and charged by the simulator. 1 credit = 1 US cent.
///
/// From bfl.ai/pricing (checked 2026-11): FLUX.1 and Kontext endpoints are priced per image of
/// about one megapixel, FLUX.2 per output megapixel. Both are kept here as credits per output
/// megapixel, so an estimate scales with the size asked for. Real charges are learned from each
/// task's returned `cost` (`CostEstimator`) and replace these once known.
public enum PriceTable {
    public static let creditsPerMegapixel: [String: Double] = [
        "flux-pro-1.1": 4, "flux-pro": 5, "flux-dev": 2.5, "flux-pro-1.1-ultra": 6,
        "flux-pro-1.0-fill": 5, "flux-pro-1.0-canny": 5, "flux-pro-1.0-depth": 5,
        "flux-pro-finetuned": 6, "flux-pro-1.0-depth-finetuned": 6, "flux-pro-1.0-canny-finetuned": 6,
        "flux-pro-1.0-fill-finetuned": 6, "flux-pro-1.1-ultra-finetuned": 7,
        "flux-2-pro": 3, "flux-2-pro-preview": 3, "flux-2-flex": 6, "flux-2-max": 7,
        "flux-2-klein-4b": 1.4, "flux-2-klein-9b": 1.5, "flux-2-klein-9b-preview": 1.5,
        "flux-kontext-pro": 4, "flux-kontext-max": 8, "flux-pro-1.0-expand": 5,
    ]

    /// An endpoint not in the list (a newer document's): priced like FLUX.1 [pro].
    public static let unlistedCreditsPerMegapixel = 5.0

    /// A fine-tune training costs this many credits per iteration (the simulator's figure; BFL
    /// bills trainings on the account, not per request).
    public static let creditsPerIteration = 0.1

    /// Credits per output megapixel for `endpoint`, and whether the list has it.
    public static func rate(for endpoint: String) -> (credits: Double, listed: Bool) {
        creditsPerMegapixel[endpoint].map { ($0, true) } ?? (unlistedCreditsPerMegapixel, false)
    }
}
