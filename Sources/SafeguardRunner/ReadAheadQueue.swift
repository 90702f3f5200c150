import Synchronization

/// A bounded queue between one task that reads inputs and one that runs the stages: `send`
/// waits while `capacity` elements are waiting, `receive` waits while none is. Elements come
/// out in the order they went in.
///
/// Either side may end it: the reader with `finish()` once everything is sent (the receiver
/// gets the rest, then nil), the stages' side with `close()` when it stops early (a waiting or
/// later `send` returns false, so the reader stops). Cancelling a waiting task closes the queue.
final class ReadAheadQueue<Element: Sendable>: Sendable {
  private struct State {
    var items: [Element] = []
    var finished = false
    var closed = false
    var receiver: CheckedContinuation<Element?, Never>?
    /// A sender waiting for room, with what it sends.
    var sender: (element: Element, continuation: CheckedContinuation<Bool, Never>)?
  }

  /// What `send` found.
  private enum SendStep {
    case refused
    case queued
    case handed(CheckedContinuation<Element?, Never>)
    case waiting
  }

  let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) { self.capacity = max(capacity, 1) }

  /// Adds `element`, waiting for room; false if the queue was closed (the element is dropped).
  func send(_ element: Element) async -> Bool {
    if Task.isCancelled { close() }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let step = state.withLock { state -> SendStep in
          if state.closed { return .refused }
          if let receiver = state.receiver {
            state.receiver = nil
            return .handed(receiver)
          }
          if state.items.count < capacity {
            state.items.append(element)
            return .queued
          }
          state.sender = (element, continuation)
          return .waiting
        }
        switch step {
        case .refused: continuation.resume(returning: false)
        case .queued: continuation.resume(returning: true)
        case .handed(let receiver):
          receiver.resume(returning: element)
          continuation.resume(returning: true)
        case .waiting: break
        }
      }
    } onCancel: {
      close()
    }
  }

  /// The next element; nil once the sender finished and every element was taken. Throws
  /// `CancellationError` if the queue was closed.
  func receive() async throws -> Element? {
    let next = await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
        let (taken, sender) = state.withLock {
          state -> (Element??, CheckedContinuation<Bool, Never>?) in
          if state.closed { return (.some(nil), nil) }
          if !state.items.isEmpty {
            let element = state.items.removeFirst()
            // Room now: the waiting sender's element goes in behind the others.
            var released: CheckedContinuation<Bool, Never>?
            if let waiting = state.sender {
              state.items.append(waiting.element)
              state.sender = nil
              released = waiting.continuation
            }
            return (.some(element), released)
          }
          if state.finished { return (.some(nil), nil) }
          state.receiver = continuation
          return (nil, nil)
        }
        sender?.resume(returning: true)
        if let taken { continuation.resume(returning: taken) }
      }
    } onCancel: {
      close()
    }
    if next == nil, state.withLock({ $0.closed }) { throw CancellationError() }
    return next
  }

  /// No more elements will be sent.
  func finish() {
    let receiver = state.withLock { state in
      state.finished = true
      defer { state.receiver = nil }
      return state.receiver
    }
    receiver?.resume(returning: nil)
  }

  /// The receiver stops: a waiting sender is told, and later sends are refused.
  func close() {
    let (sender, receiver) = state.withLock { state in
      state.closed = true
      defer {
        state.sender = nil
        state.receiver = nil
      }
      return (state.sender?.continuation, state.receiver)
    }
    sender?.resume(returning: false)
    receiver?.resume(returning: nil)
  }
}
