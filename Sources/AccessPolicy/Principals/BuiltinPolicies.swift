/// Policies every installation has. They cannot be replaced or deleted; their names are reserved.
public enum BuiltinPolicies {
    public static let administratorAccess = "AdministratorAccess"
    public static let readOnlyAccess = "ReadOnlyAccess"

    /// The documents as JSON text (what `policy get` prints).
    public static let text: [String: String] = [
        administratorAccess: """
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "AllowEverything", "Effect": "Allow", "Action": "*", "Resource": "*"}
          ]
        }
        """,
        readOnlyAccess: """
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "DescribeAndLookup", "Effect": "Allow",
             "Action": ["\(ActionCatalog.readOnly.joined(separator: "\", \""))"],
             "Resource": "*"}
          ]
        }
        """,
    ]

    /// The parsed documents. The texts above are fixed and covered by tests, so parsing cannot fail.
    public static let all: [String: PolicyDocument] = text.mapValues { json in
        do { return try PolicyDocument(parsing: json) } catch { fatalError("built-in policy does not parse: \(error)") }
    }

    public static func isBuiltin(_ name: String) -> Bool { text[name] != nil }
}
