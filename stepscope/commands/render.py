"""`stepscope render`: draw a definition's state graph as SVG, PNG or DOT.

    stepscope render FILE [-o OUT] [--format svg|png|dot] [--direction TB|LR] [--machine ID]

FILE may be an ASL definition (JSON or YAML) or a CloudFormation/SAM template (``--machine``
picks the resource when it holds several), or ``-`` for standard input. The format comes from
``--format``, else from OUT's suffix, else SVG. With no OUT, or ``-o -``, it writes to standard
output. Exit status: 0 drawn, 1 Graphviz failed or OUT could not be written, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from stepscope.asl.loading import (
    DefinitionTooLarge,
    LoadedDefinition,
    TemplateChoiceRequired,
    load_definition,
)
from stepscope.asl.source import SourceError
from stepscope.graph import (
    DIRECTIONS,
    Direction,
    GraphRenderError,
    machine_to_dot,
    render_png,
    render_svg,
)

HELP = "Draw a definition's state graph as SVG, PNG or DOT."
FORMATS = ("svg", "png", "dot")
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


class UsageError(ValueError):
    """A problem with the command line or the input file: exit status 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="definition or template file, or - for stdin")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="output file (default or -: standard output)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="svg, png or dot (default: from OUT's suffix, else svg)"
    )
    parser.add_argument(
        "--direction", choices=DIRECTIONS, default="TB", help="top-to-bottom (TB, default) or LR"
    )
    parser.add_argument(
        "--machine", metavar="LOGICAL_ID", help="the template resource to draw, if several"
    )


def run(args: argparse.Namespace) -> int:
    return render_command(args, sys.stdin, sys.stdout, sys.stderr)


def render_command(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        output_format = choose_format(args.format, args.output)
        loaded = load(args.file, stdin, args.machine)
    except UsageError as problem:
        print(f"stepscope render: {problem}", file=stderr)
        return 2
    if not loaded.validation.ok:
        count = sum(1 for d in loaded.validation.diagnostics if d.severity == "ERROR")
        print(
            f"stepscope render: note: {args.file} has {count} validation error(s); drawing it "
            "anyway (see `stepscope validate`)",
            file=stderr,
        )
    try:
        content = draw(loaded, output_format, args.direction)
    except GraphRenderError as problem:
        print(f"stepscope render: {problem}", file=stderr)
        return 1
    return write(content, args.output, stdout, stderr)


def choose_format(given: str | None, output: str | None) -> str:
    if given is not None:
        return given
    if output is None or output == "-":
        return "svg"
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise UsageError(
            f"cannot tell the format from {output!r}: use a .svg, .png or .dot name, or --format"
        )
    return SUFFIX_FORMATS[suffix]


def load(name: str, stdin: TextIO, machine: str | None) -> LoadedDefinition:
    text = read_text(name, stdin)
    try:
        return load_definition(text, choose=machine)
    except SourceError as problem:
        raise UsageError(f"{name}: cannot parse: {problem}") from problem
    except TemplateChoiceRequired as problem:
        raise UsageError(f"{name}: {problem} Use --machine LOGICAL_ID.") from problem
    except (DefinitionTooLarge, ValueError) as problem:
        raise UsageError(f"{name}: {problem}") from problem


def read_text(name: str, stdin: TextIO) -> str:
    if name == "-":
        return stdin.read()
    try:
        raw = Path(name).read_bytes()
    except OSError as problem:
        raise UsageError(f"{name}: cannot read: {problem.strerror or problem}") from problem
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise UsageError(
            f"{name}: not UTF-8 text (byte {problem.start} is {raw[problem.start]:#04x})"
        ) from problem


def draw(loaded: LoadedDefinition, output_format: str, direction: str) -> bytes:
    chosen: Direction = "LR" if direction == "LR" else "TB"
    if output_format == "png":
        return render_png(loaded.machine, direction=chosen)
    if output_format == "dot":
        return machine_to_dot(loaded.machine, direction=chosen).encode("utf-8")
    return (render_svg(loaded.machine, direction=chosen) + "\n").encode("utf-8")


def write(content: bytes, output: str | None, stdout: TextIO, stderr: TextIO) -> int:
    if output is None or output == "-":
        stdout.flush()
        binary: BinaryIO | None = getattr(stdout, "buffer", None)
        if binary is not None:
            binary.write(content)
            binary.flush()
        else:
            stdout.write(content.decode("utf-8", errors="replace"))
        return 0
    try:
        Path(output).write_bytes(content)
    except OSError as problem:
        print(
            f"stepscope render: cannot write {output}: {problem.strerror or problem}", file=stderr
        )
        return 1
    return 0
