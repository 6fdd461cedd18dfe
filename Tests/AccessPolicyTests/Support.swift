import AccessPolicy
import Foundation

/// An instant from ISO 8601 text (test inputs are always valid).
func at(_ text: String) -> Date {
    guard let d = PolicyDate.parse(text) else { fatalError("bad test date \(text)") }
    return d
}

func policy(_ json: String) throws -> PolicyDocument {
    try PolicyDocument(parsing: json)
}

/// A one-statement Allow policy with the given condition block (JSON text).
func allowPolicy(action: String = "ssm:StartSession", resource: String = "*", condition: String? = nil) throws -> PolicyDocument {
    let cond = condition.map { ", \"Condition\": \($0)" } ?? ""
    return try policy("""
    {"Version": "2012-10-17", "Statement": [{"Sid": "Rule", "Effect": "Allow", "Action": "\(action)", "Resource": "\(resource)"\(cond)}]}
    """)
}

func request(_ action: String = "ssm:StartSession", on resource: String = "mi-0123456789abcdef0", by principal: String = "alice",
             tags: [String: String] = [:], principalTags: [String: String] = [:], ip: String? = nil,
             time: String = "2026-06-01T10:00:00Z", mfa: Bool = false) -> AccessRequest {
    AccessRequest(principal: principal, action: action, resource: resource, resourceTags: tags, principalTags: principalTags,
                  sourceIP: ip, time: at(time), multiFactorAuthPresent: mfa)
}

func evaluate(_ request: AccessRequest, _ docs: [(String, PolicyDocument)]) -> PolicyDecision {
    PolicyEvaluator().evaluate(request, policies: docs.map { AttachedPolicy(name: $0.0, document: $0.1) })
}
