import CGLPK

/// One linear program solved with GLPK's simplex method: rows are linear relations with
/// bounds, columns variables with bounds, and the objective is changed between solves so that
/// each solve starts from the previous optimal basis (a warm start: re-optimising for a new
/// objective usually takes a few pivots).
///
/// The only user of GLPK. It owns its `glp_prob` and deletes it in `deinit`; an instance is
/// used by one task at a time and never shared (GLPK keeps its environment per thread).
final class LinearProgram {
  /// How a solve ended.
  enum Outcome: Equatable {
    case optimal(Double)
    /// The objective has no bound in the direction asked.
    case unbounded
    /// No point satisfies every row and column bound.
    case infeasible
  }

  private let problem: OpaquePointer
  private var parameters = glp_smcp()
  /// The columns the objective names (all others are 0).
  private var objectiveColumns: [Int] = []
  let rows: Int
  let columns: Int

  /// A program with `rows` relations and `columns` variables, every bound still free.
  init(rows: Int, columns: Int) {
    // > glp_term_out: enables or disables terminal output by glpk routines.
    glp_term_out(GLP_OFF)
    problem = glp_create_prob()
    self.rows = rows
    self.columns = columns
    if rows > 0 { glp_add_rows(problem, Int32(rows)) }
    if columns > 0 { glp_add_cols(problem, Int32(columns)) }
    glp_init_smcp(&parameters)
    parameters.msg_lev = GLP_MSG_OFF
    // The presolver would discard the basis; without it glp_simplex starts from the last one.
    parameters.presolve = GLP_OFF
    for row in 0..<rows { glp_set_row_bnds(problem, Int32(row + 1), GLP_FR, 0, 0) }
  }

  deinit { glp_delete_prob(problem) }

  /// Row `row` (0-based) must equal `value`.
  func setRow(_ row: Int, equals value: Double) {
    glp_set_row_bnds(problem, Int32(row + 1), GLP_FX, value, value)
  }

  /// Row `row` must be at least `value`.
  func setRow(_ row: Int, atLeast value: Double) {
    glp_set_row_bnds(problem, Int32(row + 1), GLP_LO, value, 0)
  }

  /// Column `column` (0-based) lies in `lower...upper`; no upper bound when `upper` is nil.
  func setColumn(_ column: Int, lower: Double, upper: Double?) {
    let index = Int32(column + 1)
    if let upper {
      glp_set_col_bnds(problem, index, upper == lower ? GLP_FX : GLP_DB, lower, upper)
    } else {
      glp_set_col_bnds(problem, index, GLP_LO, lower, 0)
    }
  }

  /// Loads the constraint matrix from its non-zero entries, (row, column, value), 0-based.
  func load(_ entries: [(row: Int32, column: Int32, value: Double)]) {
    // > glp_load_matrix: ia[k], ja[k], ar[k] for k = 1..ne; element [0] is not used.
    var ia: [Int32] = [0]
    var ja: [Int32] = [0]
    var ar: [Double] = [0]
    ia.reserveCapacity(entries.count + 1)
    ja.reserveCapacity(entries.count + 1)
    ar.reserveCapacity(entries.count + 1)
    for entry in entries {
      ia.append(entry.row + 1)
      ja.append(entry.column + 1)
      ar.append(entry.value)
    }
    glp_load_matrix(problem, Int32(entries.count), ia, ja, ar)
  }

  /// Sets the objective to `Σ coefficient × column`, to be maximised or minimised; every
  /// other column's coefficient is 0.
  func objective(_ terms: [(column: Int, coefficient: Double)], maximise: Bool) {
    for column in objectiveColumns { glp_set_obj_coef(problem, Int32(column + 1), 0) }
    for term in terms { glp_set_obj_coef(problem, Int32(term.column + 1), term.coefficient) }
    objectiveColumns = terms.map(\.column)
    glp_set_obj_dir(problem, maximise ? GLP_MAX : GLP_MIN)
  }

  /// Solves from the current basis; a basis GLPK cannot use is replaced by its standard one.
  func solve() throws(AuditError) -> Outcome {
    var code = glp_simplex(problem, &parameters)
    // > GLP_EBADB: the initial basis is invalid; GLP_ESING / GLP_ECOND: its matrix is singular
    // > or ill-conditioned. Start again from the standard basis.
    if code == GLP_EBADB || code == GLP_ESING || code == GLP_ECOND {
      glp_std_basis(problem)
      code = glp_simplex(problem, &parameters)
    }
    guard code == 0 else { throw AuditError("GLPK's simplex method stopped with code \(code)") }
    switch glp_get_status(problem) {
    case GLP_OPT: return .optimal(glp_get_obj_val(problem))
    case GLP_UNBND: return .unbounded
    case GLP_NOFEAS, GLP_INFEAS: return .infeasible
    default:
      throw AuditError("GLPK's simplex method ended without a solution (status \(glp_get_status(problem)))")
    }
  }

  /// The value of every column in the last basic solution.
  func values() -> [Double] {
    (0..<columns).map { glp_get_col_prim(problem, Int32($0 + 1)) }
  }

  /// The rows whose dual value in the last solution is not zero: the relations that bound the
  /// objective.
  func bindingRows() -> [Int] {
    (0..<rows).filter { abs(glp_get_row_dual(problem, Int32($0 + 1))) > 1e-9 }
  }
}

/// A failure of the suppression audit itself (not a cell that fails it).
public struct AuditError: Error, CustomStringConvertible, Sendable {
  public var description: String

  public init(_ description: String) { self.description = description }
}
