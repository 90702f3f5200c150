/// |a − b| within `absolute` or within `relative` of the larger magnitude.
func close(_ a: Double?, _ b: Double?, relative: Double = 0, absolute: Double = 0) -> Bool {
  guard let a, let b else { return a == nil && b == nil }
  return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
