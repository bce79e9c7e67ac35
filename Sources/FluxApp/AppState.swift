import FluxAPI
import Foundation
import ImagePreview
import TaskStore
import TerminalKit

/// The screens the app shows; the picker and the task list are top-level, the form opens from the
/// picker (or from a task, to edit and resubmit).
public enum Screen: String, Sendable, Equatable, CaseIterable {
    case picker
    case form
    case tasks
    case finetunes
    case composer
    /// A batch's contact sheet (`g` on one of its tasks).
    case sheet
}

/// Something drawn over the current screen that takes the keys until it closes.
public enum Overlay: Sendable, Equatable {
    case help(HelpOverlay)
    /// The exact JSON body that will be sent (base64 shortened), scrollable.
    case preview(title: String, lines: [String], offset: Int)
    case confirmQuit(ModalDialog)
    /// "Copy what?" for the selected task.
    case copyMenu(taskID: String, picker: SelectableList)
    case palette(SelectableList)
    /// Ctrl-R in a prompt field: earlier prompts, filtered as you type.
    case promptSearch(SelectableList)
    /// The options of a form's choice field.
    case choices(field: String, list: SelectableList)
    case confirmDelete(finetuneID: String, dialog: ModalDialog)
    /// Which fine-tuned endpoint to open with a fine-tune.
    case useFinetune(finetuneID: String, list: SelectableList)
    /// A task's output image over the whole content area (`p`); any key closes, `o` opens it.
    case imagePreview(path: String, title: String)
    /// Two tasks side by side (`m` marks one, `=` on another): previews and a parameter diff.
    case compare(left: String, right: String)
    /// A submit above `confirm_above`, held until the user says Submit or Cancel.
    case confirmSpend(ModalDialog, PendingSubmit)
    /// "Submit N tasks?" before a batch larger than `confirm_tasks_above` is sent.
    case confirmBatch(BatchSubmission, ModalDialog)
}

/// What the status bar shows about the server.
public struct ServerInfo: Sendable, Equatable {
    public var label: String
    public var isSimulator: Bool
    public var credits: Double?
    /// The API's base URL (for "copy as curl").
    public var url: URL?

    public init(label: String, isSimulator: Bool, credits: Double? = nil, url: URL? = nil) {
        self.label = label
        self.isSimulator = isSimulator
        self.credits = credits
        self.url = url
    }
}

/// The whole state of the interactive app. `update` changes it; `AppView.render` draws it.
public struct AppState: Sendable {
    public var screen: Screen = .picker
    public var picker = PickerState()
    public var form: FormState?
    public var tasks = TaskListState()
    public var finetunes = FinetunesState()
    public var composer = ComposerState()
    /// The contact sheet shown (or last shown) on `.sheet`.
    public var sheet: ContactSheetState?
    public var overlay: Overlay?
    public var server: ServerInfo
    public var lastError: String?
    public var toasts = ToastQueue(capacity: 5)
    public var size: Size
    public var now: Date
    /// The monotonic clock reading of the last tick, for toast expiry.
    public var instant: ContinuousClock.Instant = .now
    /// The seed of the newest task that reported one ("reuse last" in forms).
    public var lastSeed: Int?
    /// Set when the app should exit.
    public var quitting = false
    public var minimumSize = MinimumSizeGuard(minimum: Size(width: 80, height: 24))
    /// What colours the terminal shows (from the backend); previews are mapped for it.
    public var colorMode: ColorMode = .c256
    /// Decoded image previews; views draw from here and never decode.
    public var previews = PreviewCache(capacity: 32)
    /// Earlier prompts, for ↑/↓ and Ctrl-R in prompt fields.
    public var promptHistory = PromptHistory()
    /// The keys in force (defaults, or config.toml's `[keys]`).
    public var keyBindings = KeyBindings()
    /// Whether clicks and the wheel are used (`--no-mouse`, `mouse = false`).
    public var mouseEnabled = true
    /// How a long task's end is announced, and what "long" is (`notify`, `notify_after`).
    public var notifications = NotificationSettings()
    /// Where the last frame drew what can be clicked or scrolled; written back after each render
    /// (see `FrameLayout`), so key and mouse handling never redo layout arithmetic.
    public var layout = FrameLayout()
    /// A network call started from the UI that is still under way ("Deleting fine-tune …").
    public var busy: String?
    /// An answer from off the loop that decides where the next keys go (a Tab completion: focus
    /// stays or moves; Ctrl-S while files are checked: the form goes or stays). Keys typed
    /// meanwhile wait in `keysWhileWaiting` and are handled in order once it comes, so a fast
    /// typist's "Tab, next value" or "Ctrl-S, 2" lands where it would have with instant answers.
    public var waitingFor: PendingAnswer?
    public var keysWhileWaiting: [KeyEvent] = []
    /// Credits per task before submitting, learned from the tasks' returned costs.
    public var costEstimator = CostEstimator()
    /// The budget limits and what today's tasks were charged (see `SpendGate`).
    public var spending = Spending()
    /// How long tasks of each endpoint take here, learned from the tasks seen ready.
    public var learnedDurations = LearnedDurations()
    /// Tasks the engine runs at once (`max_active`), for the sweep forecast's waves.
    public var maxActive = 20
    /// Batches with more tasks than this ask before they are sent (`confirm_tasks_above`).
    public var confirmTasksAbove = 20

    public init(server: ServerInfo, size: Size, now: Date = Date()) {
        self.server = server
        self.size = size
        self.now = now
    }
}

extension AppState {
    /// Shows a short message on the toast line for a few seconds.
    public mutating func toast(_ message: String, _ kind: Toast.Kind = .info) {
        toasts.post(Toast(message, kind: kind), now: instant, duration: .seconds(kind == .error ? 8 : 4))
    }
}

/// Things that happen to the app.
public enum AppEvent: Sendable {
    case key(KeyEvent)
    /// A task changed (submitted, polled, downloaded, failed).
    case taskUpdated(TaskEntry)
    /// The stored tasks, at start.
    case tasksLoaded([TaskEntry])
    /// The prompts of the stored tasks (built off the loop with them).
    case promptHistoryLoaded(PromptHistory)
    /// Once a second, to advance elapsed times and expire toasts.
    case tick(Date)
    case credits(Double?)
    case finetunesLoaded([FinetuneEntry])
    case finetuneUpdated(FinetuneEntry)
    case finetuneDeleted(String)
    case datasetScanned(FinetuneDataset)
    /// A side effect finished with a message for the user.
    case notice(String, isError: Bool)
    /// An image preview was decoded and scaled off the loop.
    case previewLoaded(PreviewKey, LoadedPreview)
    /// The runner's reminder to draw changes it held back (see `FramePacer`).
    case frameDue
    /// The terminal's input ended: quit without asking (unfinished work resumes at the next start).
    case terminalClosed
    /// What a file a form field names turned out to be (answer to `.inspectFile`).
    case fileInspected(FileCheck, FileFacts)
    /// A Tab completion computed off the loop (answer to `.completePath`).
    case pathCompleted(PathTarget, typed: String, PathCompletion.Result?)
    /// A submit was refused before reaching the engine (a file changed since the form checked it).
    case submitRefused(endpoint: String, [ValidationIssue])
    /// A problem the engine met in the background (the task database could not be written).
    case backgroundProblem(String)
    /// A network call started from the UI is under way (nil: it ended).
    case busy(String?)
    /// A batch's record read from the store (answer to `.loadBatch`; nil: not in the store).
    case batchLoaded(id: String, BatchEntry?)
    /// Today's charges from the task database, hidden tasks included (at start).
    case chargesLoaded([TaskCharge])
    /// The spend report, read off the loop (answer to `.loadSpendReport`).
    case spendReportLoaded(SpendReport)
    /// The stored batches, at start (titles for the grouped task list).
    case batchesLoaded([BatchEntry])
    /// A batch was built and handed to the engine (its tasks follow as `.taskUpdated`).
    case batchAdded(BatchEntry)
    /// A batch was refused before anything of it was sent.
    case batchRefused(BatchRefusal)
    /// A swept field's `@FILE` read off the loop (answer to `.readSweepFile`).
    case sweepFileRead(SweepSpec, Result<SweepAxis, SweepError>)
}

/// An answer the key handling waits for (see `AppState.waitingFor`).
public enum PendingAnswer: Sendable, Equatable {
    case completion(PathTarget)
    /// Ctrl-S came while the form's files were being checked.
    case fileChecks
}

/// Where a path completion goes.
public enum PathTarget: Sendable, Equatable {
    case formField(String)
    case composerFolder
}

/// Side effects `update` asks for; the runner performs them and may answer with events.
public enum AppEffect: Sendable, Equatable {
    /// Validated against the files as they are now (off the loop), then handed to the engine.
    /// `origin` records where the task comes from (the task a rerun or an edit was made from).
    case submit(Endpoint, TaskParameters, origin: TaskOrigin = .standalone)
    case removeTask(id: String)
    case retryDownload(id: String)
    case copy(String, what: String)
    case openFolder(String)
    /// Opens a file with the desktop's viewer.
    case openFile(String)
    /// A desktop notification through the terminal.
    case notify(TerminalNotification, NotificationStyle)
    /// Decodes and scales an image for a preview box, off the loop; answered by `.previewLoaded`.
    case loadPreview(PreviewKey, ColorMode)
    case cancelTask(id: String)
    case scanFolder(String)
    case saveCaption(folder: String, image: String, text: String)
    case refreshFinetunes
    case deleteFinetune(String)
    /// Reads a file's header off the loop; answered by `.fileInspected`.
    case inspectFile(FileCheck)
    /// Lists a folder off the loop; answered by `.pathCompleted`.
    case completePath(PathTarget, String)
    /// Reads a batch's record (title, varied fields) off the loop; answered by `.batchLoaded`.
    case loadBatch(String)
    /// Writes every stored task to a file in the output folder, off the loop; answered by `.notice`.
    case exportTasks(ExportFormat)
    /// Reads the spend per day and endpoint from the task database; answered by `.spendReportLoaded`.
    case loadSpendReport
    /// Asks the server for the balance again (after a task is accepted); answered by `.credits`.
    case refreshCredits
    /// Builds and validates every task of a batch off the loop, then hands them to the engine
    /// together (answered by `.batchAdded` or `.batchRefused`).
    case submitBatch(BatchSubmission)
    /// Reads a swept field's `@FILE` off the loop; answered by `.sweepFileRead`.
    case readSweepFile(Endpoint, SweepSpec)
    case quit
}
