/// What the Activity Log says about one permission (REFERENCE.md §3.1): used in the window,
/// observable (a write, delete or action) but not used, or unobservable (a read or a data action).
/// The recommender classifies; the renderers and the migration plan print them.
public enum PermissionClass: String, Sendable, Hashable, CaseIterable, Comparable {
    case observed
    case observableUnused
    case unobservable

    public static func < (a: PermissionClass, b: PermissionClass) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }

    /// In words, for tables and Markdown.
    public var words: String {
        switch self {
        case .observed: return "observed"
        case .observableUnused: return "observable but unused"
        case .unobservable: return "unobservable"
        }
    }
}

/// One kept or removed permission of the current role: an operation, or (without `--detail`) the
/// `count` catalog operations of one class that a wildcard pattern of the current role grants.
public struct PermissionEntry: Sendable, Hashable {
    /// The operation (catalog spelling), or the current role's pattern when `isPattern`.
    public var name: String
    public var isPattern: Bool
    public var plane: Plane
    public var permissionClass: PermissionClass
    /// The proposal still grants it.
    public var kept: Bool
    /// Operations it stands for: 1 for an operation.
    public var count: Int

    public init(name: String, isPattern: Bool, plane: Plane, permissionClass: PermissionClass, kept: Bool, count: Int) {
        self.name = name
        self.isPattern = isPattern
        self.plane = plane
        self.permissionClass = permissionClass
        self.kept = kept
        self.count = count
    }
}
