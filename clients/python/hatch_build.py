"""Hatch build hook: put the ``mockrouter`` binary into a platform wheel.

With ``MOCKROUTER_WHEEL_BINARY`` naming the binary and ``MOCKROUTER_WHEEL_PLATFORM`` a platform
tag (e.g. ``manylinux_2_36_x86_64``), the wheel carries the binary as ``mockrouter/_bin/mockrouter``
and is tagged ``py3-none-PLATFORM``; ``MOCKROUTER_WHEEL_LICENSES`` names a folder of the licences of
what is linked into the binary, shipped beside it as ``mockrouter/_bin/licenses``. Without them the wheel is pure Python (``py3-none-any``) and
finds the binary through ``$MOCKROUTER_BIN`` or ``PATH`` at run time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BINARY_VARIABLE = "MOCKROUTER_WHEEL_BINARY"
PLATFORM_VARIABLE = "MOCKROUTER_WHEEL_PLATFORM"
LICENSES_VARIABLE = "MOCKROUTER_WHEEL_LICENSES"
BUNDLED_PATH = "mockrouter/_bin/mockrouter"
BUNDLED_LICENSES = "mockrouter/_bin/licenses"


class CustomBuildHook(BuildHookInterface):
    """Bundles the binary named by ``MOCKROUTER_WHEEL_BINARY`` into the wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        binary = os.environ.get(BINARY_VARIABLE)
        if not binary:
            return
        path = Path(binary).resolve()
        if not path.is_file():
            raise RuntimeError(f"{BINARY_VARIABLE}={binary} is not a file")
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{BINARY_VARIABLE}={binary} is not executable")
        platform = os.environ.get(PLATFORM_VARIABLE)
        if not platform:
            raise RuntimeError(
                f"{BINARY_VARIABLE} needs {PLATFORM_VARIABLE}, the wheel's platform tag (e.g. manylinux_2_36_x86_64)"
            )
        build_data["force_include"][str(path)] = BUNDLED_PATH
        licenses = os.environ.get(LICENSES_VARIABLE)
        if licenses:
            build_data["force_include"][str(Path(licenses).resolve())] = BUNDLED_LICENSES
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform}"
