import SafeguardCore

/// The lock that keeps two runs of one definition from overlapping, in this process or any
/// other: a ``RunLock`` on the definition's file in the state folder
/// (``StateFolder/lockPath(definition:)``). A run takes it before anything else, and its output
/// folder's lock (``OutputLock``) after it.
public typealias DefinitionLock = RunLock
