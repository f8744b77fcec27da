"""The ``slopes`` command: serve the app, or export a figure for slides from a state file.

    slopes serve [--host 127.0.0.1] [--port 8000] [--workers 1]
    slopes export STATE.json -o out.html|out.json|out.csv
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
or the state= value alone is read too."""


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
    export.add_argument("state", type=Path, help="the state file (JSON, or the page's copied address)")
    export.add_argument("-o", "--output", type=Path, required=True, help="out.html, out.json or out.csv")
    return parser


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
    from .services import Refused, export_to_file

    try:
        export_to_file(args.state, args.output)
    except Refused as e:
        print(f"slopes export: {args.state}: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"slopes export: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
