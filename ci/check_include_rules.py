"""Fails when a file of the sandbox includes across the lines its folders draw.

cpp/sandbox/ is in four folders (cpp/sandbox/CMakeLists.txt says what each holds):
core/ is what every format shares, server/ the process around it, clap/ and vst3/ one
format each. So that a format can be read, changed or added on its own:

- core/ and server/ include nothing of a format: no header of clap/ or vst3/, no CLAP or
  VST3 SDK header, no scuff/clap_* or scuff/vst3_* header of cpp/common. The one exception
  is server/plugin_modules.*, the place that picks a format for a plugin file.
- clap/ includes nothing of VST3, and vst3/ nothing of CLAP.
- core/, clap/ and vst3/ include nothing of server/: the process uses devices, never the
  other way round.

Usage: python ci/check_include_rules.py [ROOT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SANDBOX = "cpp/sandbox"
SOURCE_SUFFIXES = {".cpp", ".hpp"}
# Where a file may include a format's headers although it is not in that format's folder.
FORMAT_CHOOSERS = ("server/plugin_modules.",)

# What belongs to each format: the sandbox's folder of it, its SDK's headers, cpp/common's headers of it.
FORMAT_HEADERS = {
    "clap": ("clap/", "scuff/clap_"),
    "vst3": ("vst3/", "pluginterfaces/", "base/", "public.sdk/", "scuff/vst3_"),
}

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.MULTILINE)


def format_of(header: str) -> str | None:
    for name, prefixes in FORMAT_HEADERS.items():
        if header.startswith(prefixes):
            return name
    return None


def broken_rule(folder: str, relative: str, header: str) -> str | None:
    """Why `relative` (a path inside cpp/sandbox, in `folder`) may not include `header`, or None."""
    header_format = format_of(header)
    if folder in ("core", "server") and header_format and not relative.startswith(FORMAT_CHOOSERS):
        return f"{folder}/ includes nothing of a format"
    if folder in FORMAT_HEADERS and header_format and header_format != folder:
        return f"{folder}/ includes nothing of {header_format}"
    if folder != "server" and header.startswith("server/"):
        return f"{folder}/ includes nothing of server/"
    return None


def violations(root: Path) -> list[str]:
    found = []
    sandbox = root / SANDBOX
    for path in sorted(sandbox.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES:
            continue
        relative = path.relative_to(sandbox).as_posix()
        folder = relative.split("/")[0] if "/" in relative else ""
        if folder not in ("core", "server", *FORMAT_HEADERS):
            found.append(f"{SANDBOX}/{relative}: outside core/, server/, clap/ and vst3/")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in INCLUDE.finditer(text):
            reason = broken_rule(folder, relative, match.group(1))
            if reason:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{SANDBOX}/{relative}:{line}: includes <{match.group(1)}>, but {reason}")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = violations(root)
    for violation in found:
        print(violation, file=sys.stderr)
    if found:
        print(f"{len(found)} include(s) across the sandbox's folders: see ci/check_include_rules.py", file=sys.stderr)
        return 1
    print("Sandbox includes: core/ and server/ format-neutral, clap/ and vst3/ apart")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
