import Testing
import TerminalKit

@Suite("Layout")
struct GeometryTests {
    @Test("Split rows: fixed, fill and fraction")
    func splitRows() {
        let r = Rect(x: 0, y: 0, width: 80, height: 24)
        let parts = r.splitRows([.fixed(1), .fill(), .fixed(1)])
        #expect(parts.map(\.height) == [1, 22, 1])
        #expect(parts.map(\.y) == [0, 1, 23])
        let f = r.splitRows([.fraction(0.25), .fill()])
        #expect(f.map(\.height) == [6, 18])
    }

    @Test("Split columns: weights, minimums and spacing")
    func splitColumns() {
        let r = Rect(x: 10, y: 5, width: 100, height: 3)
        let parts = r.splitColumns([.fill(1), .fill(3)])
        #expect(parts.map(\.width) == [25, 75])
        #expect(parts[1].x == 35)
        let s = r.splitColumns([.fixed(10), .fill(), .fill()], spacing: 2)
        #expect(s.map(\.width) == [10, 43, 43])
        #expect(s[1].x == 22)
        let m = Rect(x: 0, y: 0, width: 30, height: 1).splitColumns([.min(20), .fill()])
        #expect(m.map(\.width) == [25, 5])
        // Rounding leftovers go to the first flexible parts; lengths always add up.
        #expect(Rect.distribute(10, [.fill(), .fill(), .fill()]) == [4, 3, 3])
    }

    @Test("More fixed space than available: later parts shrink to zero")
    func overflow() {
        #expect(Rect.distribute(5, [.fixed(3), .fixed(4), .fill()]) == [3, 2, 0])
        #expect(Rect.distribute(0, [.fixed(3), .fill()]) == [0, 0])
        #expect(Rect.distribute(10, []) == [])
    }

    @Test("Insets, margins, centring and slices")
    func insets() {
        let r = Rect(x: 0, y: 0, width: 20, height: 10)
        #expect(r.inset(1) == Rect(x: 1, y: 1, width: 18, height: 8))
        #expect(r.inset(horizontal: 2) == Rect(x: 2, y: 0, width: 16, height: 10))
        #expect(r.inset(by: EdgeInsets(top: 1, left: 2, bottom: 3, right: 4)) == Rect(x: 2, y: 1, width: 14, height: 6))
        #expect(r.inset(50).isEmpty)
        #expect(r.centered(width: 10, height: 4) == Rect(x: 5, y: 3, width: 10, height: 4))
        #expect(r.centered(width: 30, height: 30) == r)
        #expect(r.top(2) == Rect(x: 0, y: 0, width: 20, height: 2))
        #expect(r.bottom(2) == Rect(x: 0, y: 8, width: 20, height: 2))
        #expect(r.right(5) == Rect(x: 15, y: 0, width: 5, height: 10))
        #expect(r.droppingTop(3).height == 7)
        #expect(r.row(3) == Rect(x: 0, y: 3, width: 20, height: 1))
        #expect(r.row(30).isEmpty)
        #expect(r.intersection(Rect(x: 15, y: 5, width: 10, height: 10)) == Rect(x: 15, y: 5, width: 5, height: 5))
        #expect(r.intersection(Rect(x: 30, y: 30, width: 1, height: 1)).isEmpty)
        #expect(r.contains(Point(x: 19, y: 9)))
        #expect(!r.contains(Point(x: 20, y: 9)))
        #expect(Size(width: 80, height: 24).description == "80x24")
    }
}
