#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What kind of file a path names, for refusing inputs that are not regular files: reading a
/// FIFO blocks until something writes to it (a run or `validate` would hang), and a device
/// may never end.
public enum FileKind {
  /// A description of the path's kind ("a FIFO", "a folder", ...) when it is not a regular
  /// file, following symbolic links; nil for a regular file or a path that cannot be read.
  public static func notRegular(_ path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return describe(info.st_mode)
  }

  /// The same, for an open file.
  public static func notRegular(descriptor: Int32) -> String? {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    return describe(info.st_mode)
  }

  private static func describe(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFDIR: "a folder"
    case S_IFCHR, S_IFBLK: "a device"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }
}
