import Foundation

/// Times of day in the messages people read ("released at 14:03:27").
enum WallClock {
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
