import Dispatch
import SafeguardCore
import Synchronization

/// Runs `body` for every index in 0..<count on up to `threads` threads and returns the results
/// in index order. Workers take the next index from a shared counter, so the split adapts to
/// uneven work; since each result depends only on its index, the output is the same for any
/// number of threads. The first error stops the remaining work and is rethrown.
func parallelMap<T: Sendable>(
  _ count: Int, threads: Int, _ body: (Int) throws(RunError) -> T
) throws(RunError) -> [T] {
  let workers = max(1, min(threads, count))
  if workers == 1 {
    var results: [T] = []
    results.reserveCapacity(count)
    for index in 0..<count { results.append(try body(index)) }
    return results
  }
  let state = ParallelState<T>(count: count)
  withoutActuallyEscaping(body) { body in
    let work = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let index = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < count, state.error.withLock({ $0 == nil }) else { return }
        do throws(RunError) {
          state.store(try work.value(index), at: index)
        } catch {
          state.error.withLock { if $0 == nil { $0 = error } }
        }
      }
    }
  }
  if let error = state.error.withLock({ $0 }) { throw error }
  return state.results()
}

/// A value handed to worker threads that only read it; the caller guarantees it outlives them.
private struct UnsafeSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// Result slots written once each, from different threads, at different indices.
private final class ParallelState<T>: @unchecked Sendable {
  let next = Atomic<Int>(0)
  let error = Mutex<RunError?>(nil)
  private let slots: UnsafeMutablePointer<T?>
  private let count: Int

  init(count: Int) {
    self.count = count
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  func store(_ value: T, at index: Int) { slots[index] = value }

  func results() -> [T] { (0..<count).map { slots[$0]! } }
}
