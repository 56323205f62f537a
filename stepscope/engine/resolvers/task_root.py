"""A local handler's folder deployed as Lambda's /var/task: the handler can import its sibling
modules and packages, each compiled as /var/task/<path>, so stack traces cite them as AWS would.

Every folder keeps its own modules: two handlers may both have a `utils.py`. They are put in
`sys.modules` only while that handler's code runs (`with deployment.active(): ...`).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import linecache
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import CodeType, ModuleType

__all__ = ["TASK_ROOT", "Deployment"]

TASK_ROOT = "/var/task"


class Deployment:
    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.modules: dict[str, ModuleType] = {}
        self.sources: dict[str, str] = {}  # deployed path -> source

    def deployed_path(self, path: Path) -> str:
        return f"{TASK_ROOT}/{path.resolve().relative_to(self.folder).as_posix()}"

    def compile_file(self, path: Path) -> tuple[str, CodeType]:
        source = path.read_text(encoding="utf-8")
        deployed = self.deployed_path(path)
        self.sources[deployed] = source
        self._publish(deployed)
        return deployed, compile(source, deployed, "exec")

    def publish_sources(self) -> None:
        """Stack traces quote lines through linecache: make /var/task this folder's."""
        for deployed in self.sources:
            self._publish(deployed)

    def _publish(self, deployed: str) -> None:
        source = self.sources[deployed]
        lines = source.splitlines(keepends=True)
        linecache.cache[deployed] = (len(source), None, lines, deployed)

    @contextmanager
    def active(self) -> Iterator[None]:
        finder = _Finder(self)
        saved = {name: sys.modules.get(name) for name in self.modules}
        sys.modules.update(self.modules)
        sys.meta_path.insert(0, finder)
        self.publish_sources()
        try:
            yield
        finally:
            sys.meta_path.remove(finder)
            for name in list(sys.modules):
                if _loaded_here(sys.modules[name], self):
                    self.modules[name] = sys.modules[name]
                    previous = saved.get(name)
                    if previous is None or previous is sys.modules[name]:
                        del sys.modules[name]
                    else:
                        sys.modules[name] = previous


def _loaded_here(module: ModuleType | None, deployment: Deployment) -> bool:
    loader = getattr(getattr(module, "__spec__", None), "loader", None)
    return isinstance(loader, _Loader) and loader.deployment is deployment


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        base = self.deployment.folder.joinpath(*fullname.split("."))
        package = base / "__init__.py"
        loader = _Loader(self.deployment)
        if package.is_file():
            return importlib.util.spec_from_file_location(
                fullname, package, loader=loader, submodule_search_locations=[str(base)]
            )
        module = base.with_suffix(".py")
        if module.is_file():
            return importlib.util.spec_from_file_location(fullname, module, loader=loader)
        return None


class _Loader(importlib.abc.Loader):
    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        assert module.__spec__ is not None and module.__spec__.origin is not None
        deployed, code = self.deployment.compile_file(Path(module.__spec__.origin))
        module.__file__ = deployed
        exec(code, module.__dict__)  # noqa: S102 - the user's own handler code
