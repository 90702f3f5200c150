import Synchronization
import Testing

@testable import SafeguardRunner

/// The queue between the reading task and the stages: order kept, never more than its capacity
/// waiting, and either side can stop the other.
@Suite struct ReadAheadQueueTests {
  @Test func elementsComeOutInOrderAndNeverMoreThanTheCapacityWait() async throws {
    let queue = ReadAheadQueue<Int>(capacity: 3)
    let sent = Atomic<Int>(0)
    let most = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    async let producer: Void = {
      for value in 0..<1000 {
        #expect(await queue.send(value))
        let ahead =
          sent.add(1, ordering: .sequentiallyConsistent).newValue
          - received.load(ordering: .sequentiallyConsistent)
        most.max(ahead, ordering: .relaxed)
      }
      queue.finish()
    }()
    var values: [Int] = []
    while let value = try await queue.receive() {
      values.append(value)
      received.add(1, ordering: .sequentiallyConsistent)
      if value % 100 == 0 { try await Task.sleep(for: .milliseconds(1)) }
    }
    await producer
    #expect(values == Array(0..<1000))
    // Sent and not yet counted as received: the capacity, the one handed over, and one in flight.
    #expect(most.load(ordering: .relaxed) <= 3 + 2)
  }

  @Test func closingReleasesAWaitingSenderAndRefusesLaterOnes() async throws {
    let queue = ReadAheadQueue<Int>(capacity: 1)
    #expect(await queue.send(1))
    async let blocked = queue.send(2)
    try await Task.sleep(for: .milliseconds(20))
    queue.close()
    #expect(await blocked == false)
    #expect(await queue.send(3) == false)
    await #expect(throws: CancellationError.self) { _ = try await queue.receive() }
  }

  @Test func cancellingAWaitingReceiverThrowsAndStopsTheSender() async throws {
    let queue = ReadAheadQueue<Int>(capacity: 1)
    let receiver = Task { try await queue.receive() }
    try await Task.sleep(for: .milliseconds(20))
    receiver.cancel()
    await #expect(throws: CancellationError.self) { _ = try await receiver.value }
    #expect(await queue.send(1) == false)
  }

  @Test func afterFinishTheReceiverGetsWhatIsLeftThenNil() async throws {
    let queue = ReadAheadQueue<String>(capacity: 4)
    for word in ["a", "b"] { #expect(await queue.send(word)) }
    queue.finish()
    #expect(try await queue.receive() == "a")
    #expect(try await queue.receive() == "b")
    #expect(try await queue.receive() == nil)
  }
}
