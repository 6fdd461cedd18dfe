import Foundation

/// A recording path in a fresh directory of its own under the temporary directory (remove the directory after).
func tempRecordingURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("gangway-rec-\(UUID().uuidString)/s-1.cast")
}
