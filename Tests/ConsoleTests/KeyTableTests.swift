import Testing
@testable import ConsoleCore

@Suite struct KeyTableTests {
    @Test func noKeyIsBoundTwiceInOneContext() {
        for ctx in KeyContext.allCases {
            var seen: [KeyChord: KeyAction] = [:]
            for b in KeyTable.defaults.bindings where b.context == ctx {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k.displayName) bound to \(seen[k]?.rawValue ?? "") and \(b.action.rawValue) in \(ctx)")
                    seen[k] = b.action
                }
            }
        }
    }

    @Test func everyActionHasABindingWithADescription() {
        for a in KeyAction.allCases {
            let b = KeyTable.defaults.binding(for: a)
            #expect(b != nil && !(b!.description.isEmpty) && !(b!.keys.isEmpty), "\(a.rawValue)")
        }
    }

    @Test func destructiveActionsAreMarkedDangerous() {
        #expect(KeyTable.defaults.binding(for: .terminateSession)?.dangerous == true)
        #expect(KeyTable.defaults.binding(for: .paneClose)?.dangerous == true)
        #expect(KeyTable.defaults.binding(for: .connect)?.dangerous == false)
    }

    @Test func helpIsGeneratedFromTheTable() {
        let lines = HelpText.lines(for: KeyTable.defaults)
        #expect(lines[0].contains("Ctrl-g"))
        for b in KeyTable.defaults.bindings { #expect(lines.contains { $0.contains(b.description) }, "\(b.description)") }
        #expect(lines.contains { $0.contains("terminate the session") && $0.hasSuffix("!") })
        #expect(lines.contains("Session panes (after the prefix key)"))
    }

    @Test func userOverridesReplaceKeysAndPrefix() throws {
        let t = try KeyTable.defaults.applyingOverrides("""
            [keys]
            prefix = "ctrl-a"
            "fleet.connect" = ["o"]
            "sessions.terminate" = []
            """, file: "keys.toml")
        #expect(t.prefix == .ctrl("a"))
        #expect(t.action(for: .char("o"), in: .fleet) == .connect)
        #expect(t.action(for: .enter, in: .fleet) == nil)
        #expect(t.action(for: .char("x"), in: .sessions) == nil)
        #expect(HelpText.lines(for: t)[0].contains("Ctrl-a"))
    }

    @Test func badOverridesAreRejectedWithFileAndLine() {
        #expect { _ = try KeyTable.defaults.applyingOverrides("[keys]\n\"fleet.conect\" = \"o\"\n", file: "keys.toml") }
            throws: { "\($0)".hasPrefix("keys.toml:2:") && "\($0)".contains("unknown action 'fleet.conect'") }
        #expect { _ = try KeyTable.defaults.applyingOverrides("[keys]\nprefix = \"hyper-q\"\n", file: "keys.toml") }
            throws: { "\($0)".contains("not a key name") }
    }

    @Test func keyNamesParse() {
        #expect(KeyChord(name: "C-g") == .ctrl("g"))
        #expect(KeyChord(name: "shift-tab") == .backTab)
        #expect(KeyChord(name: "F5") == .function(5))
        #expect(KeyChord(name: "G") == .char("G"))
        #expect(KeyChord(name: "space") == .char(" "))
        #expect(KeyChord(name: "nonsense") == nil)
    }

    @Test func commandLineParses() throws {
        #expect(try ConsoleCommandLine.parse("q").get() == .quit)
        #expect(try ConsoleCommandLine.parse("theme light").get() == .theme("light"))
        #expect(try ConsoleCommandLine.parse("ctx").get() == .context)
        if case .failure(let e) = ConsoleCommandLine.parse("frobnicate") { #expect(e.message.contains(":theme")) } else { Issue.record("accepted") }
    }
}
