import Foundation
import Synchronization

/// A progress line on stderr (records, records per second, elapsed), redrawn twice a second
/// while a run goes on. Only when stderr is a terminal: logs and pipes stay clean.
final class Progress: Sendable {
  private let enabled: Bool
  private let records = Atomic<Int>(0)
  /// Set when the line is cleared, so a redraw already under way cannot bring it back.
  private let stopped = Atomic<Bool>(false)
  private let task = Mutex<Task<Void, Never>?>(nil)
  private let started = ContinuousClock.now

  init(enabled: Bool) { self.enabled = enabled }

  func add(_ count: Int) { records.add(count, ordering: .relaxed) }

  func start() {
    guard enabled else { return }
    let handle = Task { [self] in
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(500))
        draw()
      }
    }
    task.withLock { $0 = handle }
  }

  func stop() {
    guard enabled else { return }
    // Under the same lock as a redraw, so no redraw can land after the line is cleared.
    task.withLock {
      stopped.store(true, ordering: .relaxed)
      $0?.cancel()
      $0 = nil
      FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
  }

  private func draw() {
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let count = records.load(ordering: .relaxed)
    let rate = seconds > 0 ? Double(count) / seconds : 0
    let line =
      "\r\u{1B}[K  \(Self.grouped(count)) records  \(Self.grouped(Int(rate)))/s  "
      + String(format: "%.1fs", seconds)
    task.withLock { _ in
      if !stopped.load(ordering: .relaxed) { FileHandle.standardError.write(Data(line.utf8)) }
    }
  }

  static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return out
  }
}
