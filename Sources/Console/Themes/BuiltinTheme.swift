/// A copy of `themes/dark.yaml`, used only when no themes directory can be found
/// (a binary copied on its own). `ThemeTests` fails if the two drift apart.
enum BuiltinTheme {
    static let name = "dark"
    static let yaml = #"""
# porthole theme: dark (the default). Every colour the console draws is here.
# Colours: default, an ANSI name (red, brightblue, ...), 0-255, #rrggbb, or a palette name.
# attrs: bold, dim, italic, underline, blink, reverse. mono: attributes used instead when NO_COLOR is set.
name: dark
description: Light text on the terminal's own dark background.
palette:
  text: "#d0d0d0"
  muted: "#808080"
  faint: "#4e4e4e"
  accent: "#5fafff"
  bar: "#262626"
  selection: "#005f87"
  ok: "#87d787"
  warn: "#ffd75f"
  bad: "#ff5f5f"
  sync: "#d787ff"
styles:
  screen: { fg: text, bg: default }
  header: { fg: text, bg: bar }
  header.accent: { fg: accent, bg: bar, attrs: [bold] }
  banner: { fg: "#1c1c1c", bg: bad, attrs: [bold], mono: [reverse, bold] }
  border: { fg: faint, bg: default }
  border.focused: { fg: accent, bg: default, mono: [bold] }
  border.synchronized: { fg: sync, bg: default, attrs: [bold], mono: [bold, underline] }
  title: { fg: muted, bg: default }
  title.focused: { fg: accent, bg: default, attrs: [bold] }
  table.header: { fg: muted, bg: default, attrs: [bold] }
  table.sorted: { fg: accent, bg: default, attrs: [bold, underline] }
  table.row: { fg: text, bg: default }
  table.selected: { fg: "#ffffff", bg: selection, attrs: [bold], mono: [reverse] }
  table.selectedInactive: { fg: text, bg: "#3a3a3a", mono: [underline] }
  table.released: { fg: faint, bg: default, attrs: [dim], mono: [dim] }
  table.warn: { fg: warn, bg: default, mono: [bold] }
  table.critical: { fg: bad, bg: default, attrs: [bold], mono: [bold, underline] }
  status.running: { fg: ok, bg: default }
  status.starting: { fg: accent, bg: default }
  status.stopping: { fg: warn, bg: default }
  status.failed: { fg: bad, bg: default, attrs: [bold] }
  status.released: { fg: faint, bg: default, attrs: [dim] }
  statusline: { fg: text, bg: bar }
  statusline.key: { fg: accent, bg: bar, attrs: [bold] }
  statusline.error: { fg: bad, bg: bar, attrs: [bold], mono: [bold, reverse] }
  commandbar: { fg: "#ffffff", bg: bar }
  dialog: { fg: text, bg: "#1c1c1c" }
  dialog.title: { fg: accent, bg: "#1c1c1c", attrs: [bold] }
  dialog.key: { fg: warn, bg: "#1c1c1c", attrs: [bold] }
  menu: { fg: text, bg: "#303030" }
  menu.selected: { fg: "#ffffff", bg: selection, attrs: [bold], mono: [reverse] }
  menu.key: { fg: warn, bg: "#303030", attrs: [bold] }
  pane: { fg: default, bg: default }
  pane.ended: { fg: "#1c1c1c", bg: warn, mono: [reverse] }
  search.match: { fg: "#000000", bg: warn, mono: [reverse, underline] }
"""#
}
