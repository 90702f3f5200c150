/// What a disclosure-control stage guarantees about the record-level streams it released
/// together, for the metadata an export writes beside the files: the k each stream achieves
/// alone, the k that holds when the release is joined on its shared pseudonyms, and which
/// streams can be joined at all.
public struct ReleaseDisclosure: Sendable, Hashable {
  /// The stage that made the guarantee.
  public var stage: String
  /// The k the definition asked for.
  public var kRequested: Int
  /// The smallest number of persons, households or unlinked records that share everything a
  /// reader can attach to them by joining the released streams on their pseudonyms; 0 when
  /// nothing was released.
  public var kRelease: Int
  /// Streams that share one pseudonym domain (the run's own pseudonyms) and so can be joined;
  /// every other released stream has pseudonyms of its own.
  public var linkable: [String]
  /// Each released stream, by name.
  public var streams: [String: Stream]

  /// One released stream.
  public struct Stream: Sendable, Hashable {
    /// The smallest group of records sharing their quasi-identifiers in this stream alone.
    public var kAlone: Int
    /// The smallest number of persons, households or unlinked records sharing what a reader
    /// can attach to them after joining this stream to every stream it can be joined to.
    public var kJoined: Int
    /// The fields treated as quasi-identifiers, in coarsening order.
    public var quasiIdentifiers: [String]
    /// The fields holding pseudonyms.
    public var pseudonyms: [String]
    /// True when the stream keeps the run's pseudonyms (it is in the linkable group).
    public var sharesPseudonyms: Bool
    /// Records suppressed, and records published with a pseudonym emptied.
    public var suppressed: Int
    public var pseudonymsRemoved: Int

    public init(
      kAlone: Int, kJoined: Int, quasiIdentifiers: [String], pseudonyms: [String], sharesPseudonyms: Bool,
      suppressed: Int, pseudonymsRemoved: Int
    ) {
      self.kAlone = kAlone
      self.kJoined = kJoined
      self.quasiIdentifiers = quasiIdentifiers
      self.pseudonyms = pseudonyms
      self.sharesPseudonyms = sharesPseudonyms
      self.suppressed = suppressed
      self.pseudonymsRemoved = pseudonymsRemoved
    }
  }

  public init(stage: String, kRequested: Int, kRelease: Int, linkable: [String], streams: [String: Stream]) {
    self.stage = stage
    self.kRequested = kRequested
    self.kRelease = kRelease
    self.linkable = linkable
    self.streams = streams
  }
}
