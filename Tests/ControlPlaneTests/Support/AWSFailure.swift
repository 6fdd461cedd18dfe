import AWSCore
import Testing

/// The AWS error (code and message) a call fails with; nil when it succeeds. Any other error is recorded as a test
/// issue. Shared by the suites that assert on AccessDenied and friends.
func failure(_ body: () async throws -> Void) async -> AWSError? {
    do {
        try await body()
        return nil
    } catch let e as AWSError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
