import Foundation

/// Copying and opening, through whatever the desktop offers. Nothing here is required: when no
/// tool exists the app says so and shows the value instead.
public enum SystemActions {
    /// Finds an executable on PATH.
    public static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Copies text with wl-copy, xclip or xsel; else with the OSC 52 escape sequence, which most
    /// terminal emulators (and tmux with set-clipboard) turn into a clipboard write.
    /// - Returns: how it was copied, for the message.
    public static func copy(_ text: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidates: [(String, [String])] = [
            ("wl-copy", []), ("xclip", ["-selection", "clipboard"]), ("xsel", ["--clipboard", "--input"]), ("pbcopy", []),
        ]
        let hasDisplay = environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil
        for (tool, arguments) in candidates where hasDisplay || tool == "pbcopy" {
            guard let path = which(tool) else { continue }
            if run(path, arguments, input: Data(text.utf8)) { return tool }
        }
        let encoded = Data(text.utf8).base64EncodedString()
        if let tty = FileHandle(forWritingAtPath: "/dev/tty") {
            tty.write(Data("\u{1B}]52;c;\(encoded)\u{07}".utf8))
            try? tty.close()
            return "the terminal (OSC 52)"
        }
        return "nothing (no clipboard tool)"
    }

    /// Opens a file or folder with the desktop's opener. Returns nil on success, else why not.
    public static func open(_ path: String) -> String? {
        guard let opener = which("xdg-open") ?? which("open") else {
            return "no xdg-open here; open \(path) yourself"
        }
        return run(opener, [path], input: nil) ? nil : "\(opener) could not open \(path)"
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: Data?) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        do { try process.run() } catch { return false }
        if let input {
            pipe.fileHandleForWriting.write(input)
            try? pipe.fileHandleForWriting.close()
        }
        // Openers may stay running (a viewer); do not wait for them.
        if input == nil { return true }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
