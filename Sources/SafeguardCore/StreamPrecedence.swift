/// Streams a stage needs whole before others reach it: a linkage builds its index from
/// register streams (the person register, address histories) and links every later record
/// through it.
///
/// A stage says what it needs (`Stage.precedence(_:)`); the runner, not the definition's order
/// of inputs, makes it so: it reads the inputs that yield the `first` streams before the others
/// and holds back batches of the `then` streams until every `first` stream is complete, also
/// when one input yields both (a CIN Census return holds a child and its plans side by side).
public struct StreamPrecedence: Sendable, Hashable {
  /// Streams that must arrive complete before any batch of `then`.
  public var first: [String]
  /// Streams linked through the `first` ones.
  public var then: [String]

  public init(first: [String], then: [String]) {
    self.first = first
    self.then = then
  }
}
