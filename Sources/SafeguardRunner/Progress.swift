import Foundation
import Synchronization

/// A progress line on stderr, redrawn twice a second while a run goes on. Only when stderr is
/// a terminal: logs and pipes stay clean.
///
/// The line says what it counts. While an input is read it names the input and counts that
/// input's records (the ones its reader passed on), then all records read so far:
///
///     reading police_da (3 of 17): 12,345 records · 1,234,567 in all · 81,000/s · 12.3s
///
/// While stages finish (the overlay's linking, k-anonymity's generalisation, exports), it names
/// the stage at work:
///
///     finishing stage 'overlay' · 1,234,567 records read · 14.0s
final class Progress: Sendable {
  private enum Phase: Sendable {
    case starting
    case reading(input: String, number: Int, of: Int)
    case finishing(stage: String)
  }

  private let enabled: Bool
  private let phase = Mutex<Phase>(.starting)
  private let total = Atomic<Int>(0)
  private let ofInput = Atomic<Int>(0)
  /// Set when the line is cleared, so a redraw already under way cannot bring it back.
  private let stopped = Atomic<Bool>(false)
  private let task = Mutex<Task<Void, Never>?>(nil)
  private let started = ContinuousClock.now

  init(enabled: Bool) { self.enabled = enabled }

  /// The run starts reading an input: its count starts at 0.
  func reading(input: String, number: Int, of count: Int) {
    phase.withLock {
      ofInput.store(0, ordering: .relaxed)
      $0 = .reading(input: input, number: number, of: count)
    }
  }

  /// Records of the input being read, passed on by its reader.
  func add(_ count: Int) {
    ofInput.add(count, ordering: .relaxed)
    total.add(count, ordering: .relaxed)
  }

  /// A stage's `finish` is running.
  func finishing(stage: String) { phase.withLock { $0 = .finishing(stage: stage) } }

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
    let text = "\r\u{1B}[K  " + line(seconds: seconds)
    task.withLock { _ in
      if !stopped.load(ordering: .relaxed) { FileHandle.standardError.write(Data(text.utf8)) }
    }
  }

  /// The line's text after `seconds` of the run.
  func line(seconds: Double) -> String {
    let (phase, input) = self.phase.withLock { ($0, ofInput.load(ordering: .relaxed)) }
    let all = total.load(ordering: .relaxed)
    let time = String(format: "%.1fs", seconds)
    switch phase {
    case .starting:
      return "starting · \(time)"
    case .reading(let name, let number, let count):
      let rate = seconds > 0 ? Int(Double(all) / seconds) : 0
      return
        "reading \(name) (\(number) of \(count)): \(Self.grouped(input)) records · \(Self.grouped(all)) in all · "
        + "\(Self.grouped(rate))/s · \(time)"
    case .finishing(let stage):
      return "finishing stage '\(stage)' · \(Self.grouped(all)) records read · \(time)"
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
