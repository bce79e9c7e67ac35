import FluxAPI
import Foundation
import TaskStore

/// Spend per local day and per endpoint, from the task database's charges: what the palette's
/// "Spend report" shows. Built off the loop.
public struct SpendReport: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var endpoint: String
        public var tasks: Int
        public var credits: Double
    }

    public struct Day: Sendable, Equatable {
        /// "2026-12-05", local time.
        public var date: String
        public var credits: Double
        /// Most expensive first.
        public var endpoints: [Line]
    }

    /// Newest first.
    public var days: [Day]
    /// All days together, per endpoint, most expensive first.
    public var endpoints: [Line]
    public var total: Double

    public init(charges: [TaskCharge], calendar: Calendar = .current) {
        var byDay: [String: [String: Line]] = [:]
        var byEndpoint: [String: Line] = [:]
        for charge in charges {
            let parts = calendar.dateComponents([.year, .month, .day], from: charge.chargedAt)
            let date = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            byDay[date, default: [:]][charge.endpoint, default: Line(endpoint: charge.endpoint, tasks: 0, credits: 0)].add(charge.cost)
            byEndpoint[charge.endpoint, default: Line(endpoint: charge.endpoint, tasks: 0, credits: 0)].add(charge.cost)
        }
        func ordered(_ lines: some Collection<Line>) -> [Line] {
            lines.sorted { ($0.credits, $1.endpoint) > ($1.credits, $0.endpoint) }
        }
        days = byDay.keys.sorted(by: >).map { date in
            let lines = ordered(byDay[date]!.values)
            return Day(date: date, credits: lines.reduce(0) { $0 + $1.credits }, endpoints: lines)
        }
        endpoints = ordered(byEndpoint.values)
        total = endpoints.reduce(0) { $0 + $1.credits }
    }

    /// The report as text lines for the scrollable overlay.
    public var lines: [String] {
        guard !days.isEmpty else { return ["No task has been charged yet."] }
        func row(_ line: Line) -> String {
            let tasks = "\(line.tasks) task\(line.tasks == 1 ? "" : "s")"
            return "  " + line.endpoint.padding(toLength: max(28, line.endpoint.count), withPad: " ", startingAt: 0)
                + tasks.padding(toLength: 11, withPad: " ", startingAt: 0) + Credits.text(line.credits)
        }
        var out = ["Total: \(Credits.text(total))", "", "Per endpoint (all days)"]
        out += endpoints.map(row)
        for day in days {
            out += ["", "\(day.date): \(Credits.text(day.credits))"]
            out += day.endpoints.map(row)
        }
        return out
    }
}

extension SpendReport.Line {
    mutating func add(_ cost: Double) {
        tasks += 1
        credits += cost
    }
}
