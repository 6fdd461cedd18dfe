import Testing
@testable import SessionCore
