extension Theme {
    /// The fallback when no theme file can be found: 16 ANSI colours only, so it works everywhere.
    public static let builtinDefault: Theme = {
        func s(_ fg: ColorSpec, _ bg: ColorSpec = .default, _ a: StyleAttributes = []) -> Style { Style(fg: fg, bg: bg, attributes: a) }
        let roles: [ThemeRole: Style] = [
            .base: s(.default), .header: s(.indexed(15), .indexed(4), .bold), .headerAlert: s(.indexed(11), .indexed(4), .bold),
            .tabbar: s(.indexed(7), .indexed(0)), .tabActive: s(.indexed(0), .indexed(6), .bold),
            .tableHeader: s(.indexed(6), .default, .bold), .row: s(.default), .selection: s(.indexed(0), .indexed(6)),
            .group: s(.indexed(13), .default, .bold), .statusOnline: s(.indexed(10)), .statusLost: s(.indexed(9), .default, .bold),
            .statusOther: s(.indexed(11)), .border: s(.indexed(8)), .paneActive: s(.indexed(14), .default, .bold),
            .paneStatus: s(.indexed(0), .indexed(7)), .recording: s(.indexed(9), .indexed(7), .bold),
            .commandLine: s(.default), .help: s(.default), .dialog: s(.indexed(15), .indexed(4)),
            .danger: s(.indexed(15), .indexed(1), .bold), .error: s(.indexed(9), .default, .bold), .dim: s(.indexed(8)),
            .filter: s(.indexed(11), .default, .bold),
        ]
        return Theme(name: "builtin", roles: roles)
    }()
}
