import FluxAPI
import FluxApp
import Foundation

/// The config file, read once per process; its warnings are printed once, on stderr.
enum Settings {
    static let loaded: Result<AppConfig, AppConfig.LoadError> = {
        do throws(AppConfig.LoadError) {
            let (config, warnings) = try AppConfig.load(from: AppPaths().configFile)
            for warning in warnings { Console.error("flux-tui: warning: \(warning)") }
            return .success(config)
        } catch {
            return .failure(error)
        }
    }()

    /// The settings, or a configuration error naming the file and line.
    static func config() throws -> AppConfig {
        switch loaded {
        case .success(let config): return config
        case .failure(let error): throw FluxError.configuration("config file: \(error)")
        }
    }
}
