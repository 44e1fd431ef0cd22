"""The ``mockrouter`` console script: runs the real binary with the same arguments."""

from __future__ import annotations

import os
import sys

from ._binary import find_binary
from .errors import MockRouterBinaryNotFound


def main() -> None:
    """Replace this process with the ``mockrouter`` binary (bundled, ``$MOCKROUTER_BIN`` or on ``PATH``)."""
    try:
        binary = find_binary()
    except MockRouterBinaryNotFound as error:
        sys.exit(f"mockrouter: {error}")
    os.execv(binary, [str(binary), *sys.argv[1:]])
