import ArgumentParser
import FluxApp

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List every action of the interactive app with its keys (as config.toml's [keys] names them).",
        discussion: "Rebind an action in $XDG_CONFIG_HOME/flux-tui/config.toml: [keys] then `rerun = [\"r\", \"F5\"]`.")

    func run() throws {
        let config = try Settings.config()
        for line in ActionListing.lines(config.keyBindings) { Console.out(line) }
    }
}
