import ArgumentParser
import FluxAPI
import Foundation

/// Options every command that talks to a server accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("API server URL (default: FLUX_SERVER_URL, else https://api.bfl.ai; the built-in simulator when no key is set).", valueName: "url"))
    var server: String?

    @Flag(name: .long, help: "Allow sending the API key over plain http to a non-local host.")
    var allowInsecure = false

    @Option(name: .long, help: ArgumentHelp("Give up retrying a call after this many seconds.", valueName: "seconds"))
    var retryFor: Double = 300
}

/// Output folder option for commands that download.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder for downloaded images (default: $XDG_DATA_HOME/flux-tui/outputs).", valueName: "dir"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("File name pattern: {endpoint} {id} {short_id} {seed} {date} (default {endpoint}-{date}-{short_id}).", valueName: "pattern"))
    var name: String?

    /// --output, else the config file's `output`, else $XDG_DATA_HOME/flux-tui/outputs.
    var directory: URL {
        if let path = output ?? (try? Settings.config())?.output { return URL(fileURLWithPath: ValueParser.expandPath(path)) }
        return AppPaths().defaultOutputDirectory
    }

    var pattern: String { name ?? (try? Settings.config())?.namePattern ?? OutputNaming().pattern }
}

enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((safe(text) + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((safe(text) + "\n").utf8))
    }

    /// Text from a server (error details, statuses, ids) must not drive the terminal: control
    /// characters other than newline and tab (ESC sequences, C1 controls, DEL) become "?".
    /// Our own progress lines write their escape codes directly, not through here.
    static func safe(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let control = (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v)
            out.append(control ? "?" : scalar)
        }
        return String(out)
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

enum ExitCodes {
    static let failure = ExitCode(1)
    static let invalidInput = ExitCode(2)
    static let taskFailed = ExitCode(3)
}
