/// Policies every installation has. They cannot be replaced or deleted; names are reserved.
public enum BuiltinPolicies {
    public static let administratorAccess = "AdministratorAccess"
    public static let readOnlyAccess = "ReadOnlyAccess"

    public static let all: [String: PolicyDocument] = [
        administratorAccess: PolicyDocument(statements: [
            PolicyStatement(sid: "AllowEverything", effect: .allow, actions: PatternList(["*"]), resources: PatternList(["*"])),
        ]),
        readOnlyAccess: PolicyDocument(statements: [
            PolicyStatement(sid: "DescribeAndLookup", effect: .allow, actions: PatternList(ActionCatalog.readOnly),
                            resources: PatternList(["*"])),
        ]),
    ]

    public static func isBuiltin(_ name: String) -> Bool { all[name] != nil }
}
