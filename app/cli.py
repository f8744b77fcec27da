"""The ``slopes`` command: serve the app, or export a figure for slides from a state file.

    slopes serve [--host 127.0.0.1] [--port 8000] [--workers 1]
    slopes export STATE.json -o out.html|.json|.csv|.png|.svg|.gif|.mp4|.webm
    slopes export --list lecture.txt --dir figures/ [--formats html,png,svg,gif,mp4]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

STATE_HELP = """STATE.json is the view's state: a POST /api/runs body plus an optional "view" object, e.g.
  {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 300,
   "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "gd"}],
   "view": {"caption": "Adam vs GD", "lang": "en"}}
The page's address (?state=...) holds the same JSON, base64url-encoded: a file holding that address (Copy link)
or the state= value alone is read too.

A lecture's figures at once: --list names a text file with one state per line (JSON, a copied address, or the
path of a state file; blank lines and # comments are skipped), --dir the folder to write them to, --formats what
to write (default html,png,svg). PNG and SVG are slides (--aspect 16:9 is 1920x1080, 4:3 is 1440x1080); GIF, MP4
and WebM are the playback (--video-size, --fps). These are drawn by the page's own code in a browser: Playwright
for Python with Debian's chromium (or $SLOPES_CHROMIUM). Without one, the command says so and writes the rest."""


def _bounded(name: str, lo: int, hi: int):
    """An argparse type: a whole number in [lo, hi] (uvicorn took --port 70000 and said it ran there)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{name} must be in {lo}..{hi}, got {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slopes", description="Slopes: optimizer trajectories on 2-D surfaces.",
                                     epilog="Run 'slopes COMMAND --help' for a command's options.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the app (the page, the API, embeds and exports)",
                           description="Serve the app with uvicorn. Stateless: scale out with --workers or with "
                                       "replicas behind any load balancer.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    serve.add_argument("--port", type=_bounded("port", 1, 65535), default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=_bounded("workers", 1, 512), default=1, help="worker processes (default 1)")
    export = sub.add_parser("export", help="write a figure or its data from a state file, for slides",
                            description="Compute the runs of STATE.json and write them as a self-contained HTML "
                                        "file that plays offline (.html), the runs as JSON (.json) or one row per "
                                        "point (.csv).", epilog=STATE_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("state", type=Path, nargs="?", help="the state file (JSON, or the page's copied address)")
    export.add_argument("-o", "--output", type=Path, help="out.html, .json, .csv, .png, .svg, .gif, .mp4 or .webm")
    export.add_argument("--list", type=Path, help="a lecture: a text file with one state (or address) per line")
    export.add_argument("--dir", type=Path, help="with --list: the folder the figures are written to")
    export.add_argument("--formats", type=_formats, default=["html", "png", "svg"],
                        help="with --list: comma-separated, of html,json,csv,png,svg,gif,mp4,webm (default html,png,svg)")
    export.add_argument("--aspect", choices=["16:9", "4:3"], default="16:9", help="PNG and SVG slides (default 16:9)")
    export.add_argument("--video-size", choices=["1280x720", "1920x1080"], default="1920x1080", help="MP4 and WebM")
    export.add_argument("--fps", type=int, choices=[25, 30], default=30, help="MP4 and WebM frames per second")
    export.add_argument("--lang", choices=["en", "ko"], help="the figures' language (default: each state's own)")
    return parser


def _formats(text: str) -> list[str]:
    from .services.lecture import FORMATS

    chosen = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"formats are {','.join(FORMATS)}; got {text!r}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        import uvicorn

        from .settings import settings

        # on SIGTERM the app stops its computations at their next chunk; whatever still runs after
        # shutdown_seconds (a client not reading its answer) is cancelled: the process ends within 10 s
        uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers, proxy_headers=True,
                    timeout_graceful_shutdown=settings.shutdown_seconds)
        return 0
    return export(args)


def export(args) -> int:
    """``slopes export``: one state to one file (-o), or a lecture's list to a folder (--list, --dir). Exit 0 when
    everything asked for was written, 2 for bad input, 3 when some figures could not be made (said on stderr)."""
    from .services import Refused
    from .services.lecture import FORMATS, Figure, check, export_figures, read_list
    from .services.exporting import read_state_file

    def fail(text: str) -> int:
        print(f"slopes export: {text}", file=sys.stderr)
        return 2

    try:
        if args.list is not None:
            if args.state is not None or args.output is not None or args.dir is None:
                return fail("--list goes with --dir (not with a state file or -o)")
            figures, out_dir, formats = read_list(args.list, args.formats), args.dir, args.formats
        else:
            if args.state is None or args.output is None:
                return fail("give a state file and -o OUT, or --list LECTURE.txt --dir FOLDER")
            fmt = args.output.suffix.lower().lstrip(".")
            if fmt not in FORMATS:
                return fail(f"unknown output type .{fmt}: use one of {', '.join('.' + f for f in FORMATS)}")
            figures = [Figure(1, read_state_file(args.state), args.output.stem)]
            check(figures[0].state, [fmt])
            out_dir, formats = args.output.parent, [fmt]
    except Refused as e:
        return fail(f"{args.list or args.state}: {e}")
    except OSError as e:
        return fail(str(e))
    try:
        report = export_figures(figures, out_dir, formats, aspect=args.aspect, size=args.video_size, fps=args.fps,
                                lang=args.lang, suffixed=args.list is not None)
    except (OSError, ValueError) as e:
        return fail(str(e))
    for line in report.skipped + report.failed:
        print(f"slopes export: {line}", file=sys.stderr)
    return 3 if report.skipped or report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
