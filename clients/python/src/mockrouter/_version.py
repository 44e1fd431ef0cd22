"""The package version; hatchling reads it from here (``[tool.hatch.version]``)."""

__version__ = "0.1.0"
