// Deterministic building blocks for ImageSynthesizer. Everything here is plain IEEE arithmetic
// (no Hasher, no libm) so the same prompt and seed give the same pixels on every machine.

import DeterministicRandom

extension ImageSynthesizer {
    /// The picture's random draws: a `SeededRandom` seeded from the prompt and the seed, with the
    /// float and integer draws the scene needs.
    struct PromptRandom {
        private var generator: SeededRandom

        /// FNV-1a of the prompt's UTF-8 is stable across runs, unlike Swift's Hasher; `salt`
        /// separates streams used for different purposes.
        init(prompt: String, seed: Int, salt: UInt64 = 0) {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in prompt.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            var mixer = SeededRandom(seed: UInt64(bitPattern: Int64(seed)) ^ salt)
            generator = SeededRandom(seed: hash ^ mixer.next())
            _ = next()  // decorrelate nearby seeds before the first real draw
        }

        mutating func next() -> UInt64 { generator.next() }

        /// Uniform in [0, 1).
        mutating func unit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

        mutating func float(_ low: Float, _ high: Float) -> Float { low + (high - low) * unit() }

        /// Uniform in low...high.
        mutating func int(_ low: Int, _ high: Int) -> Int {
            low + Int(next() % UInt64(high - low + 1))
        }

        mutating func chance(_ p: Float) -> Bool { unit() < p }
    }

    /// Colour with channels in 0...255 as Float, for blending before the final rounding.
    struct Colour {
        var r: Float
        var g: Float
        var b: Float

        init(r: Float, g: Float, b: Float) {
            self.r = r
            self.g = g
            self.b = b
        }

        /// HSV with hue in turns (wraps), saturation and value in 0...1.
        init(hue: Float, saturation: Float, value: Float) {
            var h = hue - hue.rounded(.down)
            h *= 6
            let sector = min(Int(h), 5)
            let f = h - Float(sector)
            let v = value * 255
            let p = v * (1 - saturation)
            let q = v * (1 - saturation * f)
            let t = v * (1 - saturation * (1 - f))
            switch sector {
            case 0: self.init(r: v, g: t, b: p)
            case 1: self.init(r: q, g: v, b: p)
            case 2: self.init(r: p, g: v, b: t)
            case 3: self.init(r: p, g: q, b: v)
            case 4: self.init(r: t, g: p, b: v)
            default: self.init(r: v, g: p, b: q)
            }
        }

        func mixed(with other: Colour, _ t: Float) -> Colour {
            Colour(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
        }

        func scaled(_ k: Float) -> Colour { Colour(r: r * k, g: g * k, b: b * k) }
    }

    /// Sine by range reduction and a Taylor polynomial (error < 4e-6): deterministic everywhere,
    /// and only used a few thousand times per image.
    static func sine(_ x: Float) -> Float {
        let twoPi: Float = 6.283_185_307
        let halfPi: Float = 1.570_796_327
        let pi: Float = 3.141_592_654
        var r = x - (x / twoPi).rounded() * twoPi  // [-pi, pi]
        if r > halfPi { r = pi - r } else if r < -halfPi { r = -pi - r }
        let r2 = r * r
        return r * (1 - r2 / 6 * (1 - r2 / 20 * (1 - r2 / 42 * (1 - r2 / 72 * (1 - r2 / 110)))))
    }

    static func cosine(_ x: Float) -> Float { sine(x + 1.570_796_327) }

    @inline(__always)
    static func byte(_ v: Float) -> UInt8 { UInt8(min(max(v, 0), 255) + 0.5) }
}
