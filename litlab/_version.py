"""The version, in a module that imports nothing: library modules read it from here without
importing the package's ``__init__`` (which would make an import cycle)."""
__version__ = "0.1.0"
