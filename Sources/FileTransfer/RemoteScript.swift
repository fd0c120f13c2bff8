/// The one POSIX `sh` script porthole runs in an instance for a copy. It
/// decides there whether to use `tar` (directories, modes, links) or plain
/// `cat` (single files; nothing else needed), hashes the stream with
/// `openssl` (first: it uses the CPU's SHA instructions, coreutils'
/// `sha256sum` does not, 4× slower here) or `sha256sum` when it can (`tee` feeds the hash while the data
/// flows), and reports on two channels:
///
/// - stdout starts with one line `PORTHOLE-CP 1 …` (mode, kind, size, hash
///   tool, permissions, or `error CODE`); for a download the data follows it.
///   A single regular file always goes out raw with `cat` (a tar of one file
///   only adds records and a `tee`), hashed from disk alongside by a
///   background `sha256sum`; its permissions come from `ls -ln` when there is one.
///   An upload without tar (stdin, or no tar there) is hashed as it is written
///   when the instance has `tee`, else read back once written.
/// - stderr carries `porthole-cp: sha256 HEX`, `porthole-cp: exit N` and
///   `porthole-cp: done` lines, mixed with the tools' own error messages.
///
/// Arguments: `download PATH`, or `upload|commit|abort PATH NAME KIND MODE
/// TOKEN`, where NAME is the file name to create when PATH is a directory,
/// KIND is dir, file or stream (stdin: no tar), MODE the octal permissions
/// for the cat path. An upload lands in `.porthole-cp.TOKEN` beside the
/// target (a trap removes it on any failure or signal); once porthole has
/// compared the hashes, a second short exec commits it (renames it into
/// place) or aborts it (removes it).
enum RemoteScript {
    static let marker = "PORTHOLE-CP 1"
    static let linePrefix = "porthole-cp: "

    /// argv for an exec request.
    static func download(path: String) -> [String] {
        ["/bin/sh", "-c", text, "porthole-cp", "download", path]
    }

    /// `step` is upload, commit or abort.
    static func upload(step: String, path: String, name: String, kind: String, mode: String, token: String) -> [String] {
        ["/bin/sh", "-c", text, "porthole-cp", step, path, name, kind, mode, token]
    }

    // Kept free of comments and short: it travels in the exec URL.
    static let text = #"""
        say() { printf 'PORTHOLE-CP 1 %s\n' "$*"; }
        fail() { say error "$@"; exit 0; }
        digest() { $h | { read -r x y; printf 'porthole-cp: sha256 %s\n' "$x" >&2; }; }
        if command -v openssl >/dev/null 2>&1; then h='openssl dgst -sha256 -r'
        elif command -v sha256sum >/dev/null 2>&1; then h=sha256sum
        else h=; fi
        te=; [ -z "$h" ] || ! command -v tee >/dev/null 2>&1 || [ ! -e /dev/fd/1 ] || te=1
        hn=none; [ -z "$h" ] || hn=sha256
        if command -v tar >/dev/null 2>&1; then t=tar; else t=cat; fi
        op=$1 p=$2
        while [ "${#p}" -gt 1 ] && [ "${p%/}" != "$p" ]; do p=${p%/}; done
        case $p in */*) d=${p%/*} b=${p##*/}; [ -n "$d" ] || d=/ ;; *) d=. b=$p ;; esac
        if [ "$op" = download ]; then
          [ -e "$p" ] || [ -L "$p" ] || fail notfound
          if [ -d "$p" ] && [ ! -L "$p" ]; then
            k=dir; { [ -r "$p" ] && [ -x "$p" ]; } || fail permission
            [ $t = tar ] || fail notar
          else
            k=file; [ -L "$p" ] || [ -r "$p" ] || fail permission
          fi
          if [ $k = dir ] || [ -L "$p" ] || [ ! -f "$p" ]; then
            [ -n "$te" ] || hn=none
            say tar $k - $hn
            if [ -n "$te" ]; then
              exec 3>&1
              { tar -C "$d" -cf - "./$b"; echo "porthole-cp: exit $?" >&2; } | tee -a /dev/fd/3 | digest
            else
              tar -C "$d" -cf - "./$b"; echo "porthole-cp: exit $?" >&2
            fi
          else
            set -f; l=$(ls -ldn "$p" 2>/dev/null); set -- $l; m=${1:--} n=${5:-}
            [ -n "$n" ] || { n=$(wc -c <"$p" 2>/dev/null); set -- $n; n=${1:--}; }
            set +f
            [ $t = tar ] && w=raw || w=cat
            say $w file "$n" $hn "$m"
            if [ -n "$h" ]; then
              digest <"$p" &
              cat <"$p"; echo "porthole-cp: exit $?" >&2
              wait
            else
              cat <"$p"; echo "porthole-cp: exit $?" >&2
            fi
          fi
          exit 0
        fi
        n=$3 k=$4 m=$5 tmp=$6
        if [ -d "$p" ]; then [ -n "$n" ] || fail exists "$p"; f=$p/$n d=$p; else f=$p; fi
        tmp=$d/.porthole-cp.$tmp
        if [ "$op" = commit ]; then
          if [ -d "$tmp" ]; then mv -f "$tmp/payload" "$f" && rmdir "$tmp"; elif [ -e "$tmp" ]; then mv -f "$tmp" "$f"; fi || exit 1
          echo "porthole-cp: done" >&2; exit 0
        fi
        if [ "$op" = abort ]; then rm -rf "$tmp"; exit 0; fi
        [ -d "$d" ] || fail notfound "$d"
        { [ -w "$d" ] && [ -x "$d" ]; } || fail permission "$d"
        [ ! -d "$f" ] || fail exists "$f"
        [ "$k" != dir ] || [ $t = tar ] || fail notar
        [ "$k" != stream ] || t=cat
        if ! command -v mv >/dev/null 2>&1; then [ "$k" != dir ] || fail nomv; t=inplace; fi
        trap 'rm -rf "$tmp" 2>/dev/null' EXIT
        trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM
        if [ $t = tar ]; then
          mkdir "$tmp" || fail permission "$d"
          [ -n "$te" ] || hn=none
          say ready tar $hn
          if [ -n "$te" ]; then
            { tee /dev/fd/4 | digest; } 4>&1 | tar -C "$tmp" -x -o -p -f -
          else
            tar -C "$tmp" -x -o -p -f -
          fi
          s=$?
        else
          w=$tmp; [ $t = cat ] || { w=$f; echo "porthole-cp: note no mv in the instance: writing $f in place" >&2; }
          say ready cat $hn
          if [ -n "$te" ]; then
            s=$( { { tee "$w"; echo $? >&5; } | digest; } 5>&1 >/dev/null ); [ -n "$s" ] || s=1
          else
            cat >"$w"; s=$?
            [ $s != 0 ] || [ -z "$h" ] || digest <"$w"
          fi
          [ -z "$m" ] || chmod "$m" "$w" 2>/dev/null
        fi
        echo "porthole-cp: exit $s" >&2
        [ $s = 0 ] || exit 0
        trap - EXIT
        echo "porthole-cp: staged" >&2
        """#
}
