/// At most `limit` runs at once (`safeguard schedule --max-concurrent`): a run takes a slot
/// before it starts and gives it back when it ends; others wait, first come first served.
actor RunSlots {
  private var free: Int
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(limit: Int) { free = max(limit, 1) }

  func take() async {
    if free > 0 {
      free -= 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  func give() {
    if waiting.isEmpty {
      free += 1
    } else {
      waiting.removeFirst().resume()
    }
  }
}
