"""MockRouter for Python: start the ``mockrouter`` mock OpenRouter server from tests.

``MockRouter`` runs one server process; ``Session`` is an isolated session on it. The pytest plugin
(``mockrouter.pytest_plugin``, loaded automatically) provides the ``mockrouter`` and
``mockrouter_server`` fixtures, the ``mockrouter`` marker and ``--record-mode``.
"""

from ._binary import find_binary
from ._version import __version__
from .errors import (
    AdminError,
    MockRouterBinaryNotFound,
    MockRouterError,
    MockRouterStartError,
    ScenarioError,
)
from .journal import InteractionRef, RecordedRequest, ScenarioStep
from .server import MockRouter
from .session import Session

__all__ = [
    "AdminError",
    "InteractionRef",
    "MockRouter",
    "MockRouterBinaryNotFound",
    "MockRouterError",
    "MockRouterStartError",
    "RecordedRequest",
    "ScenarioError",
    "ScenarioStep",
    "Session",
    "__version__",
    "find_binary",
]
