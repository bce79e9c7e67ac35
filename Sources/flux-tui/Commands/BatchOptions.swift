import ArgumentParser
import FluxAPI

/// Options of every command that runs many tasks at once (`submit --sweep`, `batch`).
struct BatchOptions: ParsableArguments {
    @Option(name: .customLong("max-active"),
            help: ArgumentHelp("Tasks in flight at once, 1 to 24 (default: the config's max_active, else 20, as in the app).", valueName: "n"))
    var maxActive: Int?

    func validate() throws {
        if let maxActive, !(1...24).contains(maxActive) {
            throw ValidationError("--max-active must be a whole number from 1 to 24 (the API allows 24 tasks in flight), got \(maxActive)")
        }
    }
}

/// `submit`'s options for many tasks from one command line.
struct SweepOptions: ParsableArguments {
    @Option(name: .customLong("sweep"),
            help: ArgumentHelp("Vary a field: FIELD=A,B,C, FIELD=FROM..TO[:STEP] or FIELD=@FILE (one value a line); repeatable, the tasks are every combination.",
                               valueName: "field=spec"))
    var sweeps: [String] = []

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Run each combination N times with fresh random seeds.", valueName: "n"))
    var repeats: Int = 1

    /// One task, as `submit` always did, or a batch.
    var isBatch: Bool { !sweeps.isEmpty || repeats != 1 }
}
