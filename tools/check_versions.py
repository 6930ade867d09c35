"""Print the installed version of each package pinned in a constraints file, and fail when one
differs from its pin (or is missing). `make test-colab` runs it before the test suite, so that a
pass there is a pass under Colab's versions and not under whatever pip happened to choose.

    python tools/check_versions.py tools/colab-constraints.txt
"""

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*==\s*([^\s;#]+)\s*(?:#.*)?$")


def canonical(name):
    """PyPI's normalised form of a distribution name (PEP 503): scikit_image → scikit-image."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path):
    """{name: version} for every ``name==version`` line of a constraints file. Comments and
    blank lines are skipped; any other line is an error, so that a pin cannot silently be lost."""
    pins = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        match = PIN.match(text)
        if match is None:
            raise ValueError(f"{path}:{number}: not a 'name==version' pin: {text!r}")
        pins[canonical(match.group(1))] = match.group(2)
    return pins


def installed(name):
    """The installed version of distribution ``name``, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def mismatches(pins, version_of=installed):
    """[(name, pinned, found)] for each pin the environment does not have exactly."""
    return [(name, pinned, version_of(name)) for name, pinned in pins.items()
            if version_of(name) != pinned]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("constraints", help="a file of name==version lines")
    args = parser.parse_args(argv)
    pins = read_pins(args.constraints)
    print(f"Python {sys.version.split()[0]} ({sys.executable})")
    for name, pinned in pins.items():
        found = installed(name)
        mark = "ok" if found == pinned else f"DIFFERS from the pin {pinned}"
        print(f"  {name:14} {found or 'not installed':10} {mark}")
    wrong = mismatches(pins)
    if wrong:
        print(f"{len(wrong)} package(s) differ from {args.constraints}: "
              + ", ".join(f"{name} {found or 'missing'} (pinned {pinned})"
                          for name, pinned, found in wrong), file=sys.stderr)
        return 1
    print(f"all {len(pins)} pins of {args.constraints} installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
