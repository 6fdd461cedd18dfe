import Foundation
import Testing
@testable import ConsoleCore

/// The repository's themes/ folder.
let repoThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("themes").path

@Suite struct ThemeTests {
    let library = ThemeLibrary(directories: [repoThemes])

    @Test func everyShippedThemeLoadsAndSetsEveryRole() throws {
        let names = library.available()
        #expect(Set(["default", "light", "high-contrast", "eight"]).isSubset(of: Set(names)))
        for name in names {
            let text = try String(contentsOfFile: repoThemes + "/\(name).toml", encoding: .utf8)
            let theme = try Theme.parse(text, file: "\(name).toml")   // no fallback: the file must set every role
            let missing = ThemeRole.allCases.filter { theme.roles[$0] == nil }
            #expect(missing.isEmpty, "theme \(name) does not set \(missing.map(\.rawValue))")
            #expect(theme.name == name)
        }
    }

    @Test func eightColourThemeUsesOnlyTheFirstEightColours() throws {
        let theme = try library.load("eight")
        for (role, style) in theme.roles {
            for c in [style.fg, style.bg] {
                switch c {
                case .default: break
                case .indexed(let i): #expect(i < 8, "role \(role.rawValue) uses colour \(i)")
                case .rgb: Issue.record("role \(role.rawValue) uses an RGB colour")
                }
            }
        }
    }

    @Test func unknownRoleIsRejectedNamingFileAndLine() {
        let text = "name = \"x\"\n[roles]\nheader = \"white on blue\"\nheadr = \"red\"\n"
        #expect {
            _ = try Theme.parse(text, file: "themes/x.toml")
        } throws: { error in
            let s = "\(error)"
            return s.hasPrefix("themes/x.toml:4:") && s.contains("unknown role 'headr'") && s.contains("header")
        }
    }

    @Test func badColourAndUnknownPaletteNameAreRejected() {
        #expect(throws: TOMLError.self) { _ = try Theme.parse("[palette]\nx = \"#12345\"\n", file: "t.toml") }
        #expect {
            _ = try Theme.parse("[roles]\nrow = \"nosuch on black\"\n", file: "t.toml")
        } throws: { "\($0)".contains("t.toml:2:") && "\($0)".contains("unknown colour 'nosuch'") }
    }

    @Test func styleStringsUsePaletteAndAttributes() throws {
        let t = try Theme.parse("[palette]\naccent = \"#ff8700\"\n[roles]\nheader = \"black on accent bold underline\"\n", file: "t.toml")
        #expect(t.style(.header) == Style(fg: .indexed(0), bg: .rgb(255, 135, 0), attributes: [.bold, .underline]))
        // Roles not in the file fall back to the built-in theme.
        #expect(t.style(.selection) == Theme.builtinDefault.style(.selection))
    }

    @Test func missingThemeNamesTheAvailableOnes() {
        #expect { _ = try library.load("nosuch") } throws: { "\($0)".contains("theme 'nosuch' not found") && "\($0)".contains("light") }
    }
}

@Suite struct TOMLSubsetTests {
    @Test func parsesSectionsStringsNumbersBoolsArraysAndComments() throws {
        let e = try TOMLSubset.parse("""
            # comment
            top = 1
            [keys]
            "fleet.connect" = ["enter", "o"]  # trailing
            hash = "a # not a comment"
            flag = true
            """, file: "k.toml")
        #expect(e.map(\.key) == ["top", "fleet.connect", "hash", "flag"])
        #expect(e[1].section == "keys" && e[1].value == .array([.string("enter"), .string("o")]))
        #expect(e[2].value == .string("a # not a comment"))
        #expect(e[3].value == .bool(true) && e[3].line == 6)
    }

    @Test func errorsCarryLineNumbers() {
        #expect { _ = try TOMLSubset.parse("a = 1\nb = \"open\n", file: "f.toml") } throws: { "\($0)".hasPrefix("f.toml:2:") }
        #expect { _ = try TOMLSubset.parse("a = 1\na = 2\n", file: "f.toml") } throws: { "\($0)".contains("duplicate key") }
        #expect { _ = try TOMLSubset.parse("[[arr]]\n", file: "f.toml") } throws: { "\($0)".hasPrefix("f.toml:1:") }
    }
}
