import Foundation
#if canImport(FoundationXML)
import FoundationXML  // XMLParser lives here on Linux
#endif

/// An AWS Query-protocol XML answer flattened to element paths below the root element
/// (`AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId` → its text). Namespace prefixes are dropped.
struct STSXMLDocument: Sendable {
    /// The root element's name, e.g. `AssumeRoleWithWebIdentityResponse` or `ErrorResponse`.
    var root: String
    private var texts: [String: [String]]

    /// nil when `body` is not well-formed XML.
    init?(parsing body: [UInt8]) {
        guard !body.isEmpty else { return nil }
        let collector = Collector()
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = collector.root else { return nil }
        self.root = root
        texts = collector.texts
    }

    func first(_ path: String) -> String? { texts[path]?.first }

    func all(_ path: String) -> [String] { texts[path] ?? [] }

    /// XMLParser's delegate; lives only for one synchronous `parse()` on the calling thread.
    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var stack: [String] = []
        var text = ""
        var texts: [String: [String]] = [:]

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if root == nil { root = name } else { stack.append(name) }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard !stack.isEmpty else { return }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            texts[stack.joined(separator: "/"), default: []].append(value)
            stack.removeLast()
            text = ""
        }
    }
}
