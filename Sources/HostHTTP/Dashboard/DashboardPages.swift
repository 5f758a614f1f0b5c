import Hummingbird

/// The page's routes: `/`, `/runs/{id}` (with `?at=SEQ` for replay), `/runs/{id}/agents/{agent}`,
/// and `/assets/{file}`. Every page route answers the same document; the script reads the path.
struct DashboardPages<Context: Hummingbird.RequestContext>: Sendable {
    let dashboard: DashboardServer

    func register(on router: Router<Context>) {
        for path in ["", "runs", "runs/:id", "runs/:id/agents/:agent"] {
            router.get(RouterPath(path)) { request, _ in
                try DashboardAssets.response(for: "index.html", request: request)
            }
        }
        router.get("assets/:file") { request, context in
            try DashboardAssets.response(for: try context.parameters.require("file"), request: request)
        }
    }
}
