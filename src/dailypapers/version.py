"""The version, in a module of its own: the User-Agent and ``--version`` read it without
importing the package's facade."""

__version__ = "0.2.0"
