"""Entry point: builds the parser from the command modules and turns project errors into exit code 2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from review_app import __version__
from review_app.errors import ReviewAppError

# Each module has ``register(subparsers)``, which adds its parser and sets ``func`` to a
# function taking the parsed arguments and returning the exit code.
COMMAND_MODULES = (
    "review_app.cli.score",
    "review_app.cli.report",
    "review_app.cli.check", "review_app.cli.glossary",
)

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m review_app",
        description="Score machine translation with sacrebleu and flag what a reviewer must fix.",
    )
    parser.add_argument("--version", action="version", version=f"review_app {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or EXIT_OK)
    except ReviewAppError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader of our output went away (``... | head``): stop quietly, no traceback.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_GATE_FAILED
    except OSError as exc:
        # A file the readers and writers did not wrap (they raise InputError/OutputError):
        # still one line naming the file, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
