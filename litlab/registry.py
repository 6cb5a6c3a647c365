"""One registry per backend seam (readers, embedders, indices, LLMs).

Built-ins register through the same ``register`` call a third-party package would use;
third parties can also declare an entry point in the group ``litlab.<kind>`` whose object
is the factory. Built-ins are loaded on first lookup, so importing litlab registers nothing.
"""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Callable, Generic, TypeVar

from litlab.errors import UnknownBackend

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to factories of one kind of backend."""

    def __init__(self, kind: str, builtins_module: str):
        self.kind = kind
        self._builtins_module = builtins_module
        self._factories: dict[str, Callable[..., T]] = {}
        self._loaded = False

    def register(self, name: str, factory: Callable[..., T]) -> None:
        """Register (or replace) the factory called ``name``."""
        self._factories[name] = factory

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        import_module(self._builtins_module).register_builtins(self)
        for ep in entry_points(group=f"litlab.{self.kind}"):
            self.register(ep.name, ep.load())

    def names(self) -> list[str]:
        """Registered names, built-ins first."""
        self._load()
        return list(self._factories)

    def create(self, name: str, **options: Any) -> T:
        """Instantiate the backend called ``name``; unknown names list the available ones."""
        self._load()
        try:
            factory = self._factories[name]
        except KeyError:
            raise UnknownBackend(
                f"unknown {self.kind} {name!r}; available: {', '.join(self._factories)}"
            ) from None
        return factory(**options)

    def all(self) -> list[T]:
        """One instance of every registered backend."""
        return [self.create(n) for n in self.names()]
