/// Output captured from real programs, byte for byte (see each for how).
enum ProgramFixtures {
    // ls: in a directory holding README.md, pkg.tar.gz, src/, link -> README.md
    // and an executable run.sh:
    //   eval "$(dircolors -b)"; ls -C --width=40 --color=always
    // As written by ls; a pty turns each "\n" into "\r\n" (see `throughPTY`).
    //
    // box: a Python curses program (curses.wrapper; a 5x20 window at (1,2)
    // with bkgd colour pair yellow-on-blue, border(), a bold " porthole "
    // title and "hello, box"; refresh; exit), run as
    //   TERM=xterm-256color script -q -e -c "stty rows 8 cols 30; python3 box.py"
    // with script's header and footer lines removed.
    //
    // less: `less f.txt` (20 lines "row N of the file") on a 30x6 pty, keys
    // space then q, TERM=xterm-256color, captured the same way.

    static let ls: String = [
        "README.md  \u{1B}[0m\u{1B}[01;31mpkg.tar.gz\u{1B}[0m  \u{1B}[01;34msrc\u{1B}[0m\n\u{1B}[01;36mli",
        "nk\u{1B}[0m       \u{1B}[01;32mrun.sh\u{1B}[0m\n"
    ].joined()

    static let box: String = [
        "\u{1B}[?1049h\u{1B}[22;0;0t\u{1B}[1;8r\u{1B}(B\u{1B}[m\u{1B}[4l\u{1B}[?7h\u{1B}[?1h\u{1B}=\u{1B}",
        "[39;49m\u{1B}[?25l\u{1B}[39;49m\u{1B}[37m\u{1B}[40m\u{1B}[H\u{1B}[2J\u{1B}[2d  \u{1B}(0\u{1B}[0m",
        "\u{1B}[33m\u{1B}[44mlq\u{1B}(B\u{1B}[0;1m\u{1B}[33m\u{1B}[44m porthole \u{1B}(0\u{1B}[0m\u{1B}[3",
        "3m\u{1B}[44mqqqqqqqk\u{1B}(B\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[37m\u{1B}[40m\u{1B}[3;3H\u{1B}(0",
        "\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}[0m\u{1B}[33m\u{1B}[44m\u{1B}[18X\u{1B}[3;22H\u{1B}(",
        "0\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[37m\u{1B}[40m\u{1B}[4",
        ";3H\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}[0m\u{1B}[33m\u{1B}[44m hello, box       ",
        "\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[37m\u{1B}[40m",
        "\u{1B}[5;3H\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}[0m\u{1B}[33m\u{1B}[44m\u{1B}[18X",
        "\u{1B}[5;22H\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44mx\u{1B}(B\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[37",
        "m\u{1B}[40m\u{1B}[6;3H\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44mmqqqqqqqqqqqqqqqqqqj\u{1B}(B\u{1B}(B",
        "\u{1B}[m\u{1B}[39;49m\u{1B}[37m\u{1B}[40m\u{1B}[4;15H\u{1B}(0\u{1B}[0m\u{1B}[33m\u{1B}[44m\u{1B}",
        "(B\u{1B}(B\u{1B}[m\u{1B}[39;49m\u{1B}[37m\u{1B}[40m\u{1B}[?1l\u{1B}>\u{1B}[39;49m\r\u{1B}[8d",
        "\u{1B}[K\u{1B}[8;1H\u{1B}[?12l\u{1B}[?25h\u{1B}[?1049l\u{1B}[23;0;0t\r\u{1B}[?1l\u{1B}>"
    ].joined()

    static let less: String = [
        "\u{1B}[?1049h\u{1B}[22;0;0t\u{1B}[?1h\u{1B}=\rrow 1 of the file\r\nrow 2 of the file\r\nrow 3 of",
        " the file\r\nrow 4 of the file\r\nrow 5 of the file\r\n\u{1B}[7m/tmp/fx/f.txt\u{1B}[27m\u{1B}[K",
        "\r\u{1B}[Krow 6 of the file\r\nrow 7 of the file\r\nrow 8 of the file\r\nrow 9 of the file\r\nro",
        "w 10 of the file\r\n:\u{1B}[K\r\u{1B}[K\u{1B}[?1l\u{1B}>\u{1B}[?1049l\u{1B}[23;0;0t"
    ].joined()

    /// What a pty with ONLCR makes of a program's "\n".
    static func throughPTY(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\r\n")
    }
}
