"""A chain's plugins found once, before any job runs: their files, and the names and versions
the manifest records (from the client's scan cache)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import PluginLoadError, ScuffError
from ..host.client import Client
from ..scan.lookup import find_plugin
from ..scan.plugin_info import PluginInfo
from ..session import archive
from .chain import Chain, Plugin, ResolvedPlugin


class ChainResolver:
    """Resolves chains with one client, scanning each plugin file once."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._files: dict[str, list[PluginInfo]] = {}
        # By identity: a chain's parameters are a mapping, which does not hash.
        self._chains: dict[int, ResolvedChain] = {}

    def resolve(self, chain: Chain) -> ResolvedChain:
        if id(chain) not in self._chains:
            self._chains[id(chain)] = (self._session(chain.session) if chain.session is not None
                                   else ResolvedChain(tuple(self._plugin(p, i) for i, p in enumerate(chain.plugins))))
        return self._chains[id(chain)]

    def _plugin(self, plugin: Plugin, position: int) -> ResolvedPlugin:
        reference = plugin.plugin
        plugin_id = plugin.plugin_id
        if isinstance(reference, str) and "#" in reference:
            path, _, named = reference.rpartition("#")
            if Path(path).expanduser().exists():
                reference, plugin_id = path, named
        try:
            found = find_plugin(self._client.scan, reference)
            info = found if isinstance(found, PluginInfo) else self._info(found, plugin_id)
        except ScuffError as error:
            raise ScuffError(f"plugin {position} ({reference}): {error}") from error
        return ResolvedPlugin(info.path, info.id, info.name, info.version, info.format, dict(plugin.params), info)

    def _info(self, path: Path, plugin_id: str | None) -> PluginInfo:
        key = str(path.resolve())
        if key not in self._files:
            self._files[key] = self._client.scan(paths=[path], standard_folders=False)
        plugins = self._files[key]
        for info in plugins:
            if plugin_id is None or info.id == plugin_id:
                return info
        what = f"the plugin {plugin_id!r}" if plugin_id else "a plugin the scanner can read"
        raise PluginLoadError(f"{path} holds no {what}")

    def _session(self, path: Path) -> ResolvedChain:
        manifest, _ = archive.read(path)
        devices = []
        for sandbox in manifest.sandboxes:
            for device in sandbox.devices:
                try:
                    info = self._info(Path(device.path), device.plugin_id)
                    version = info.version
                except ScuffError:
                    version = ""
                devices.append(ResolvedPlugin(device.path, device.plugin_id, device.name, version,
                                              device.plugin_format, {}))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return ResolvedChain(tuple(devices), session=str(path.resolve()), session_sha256=digest)


@dataclass(frozen=True)
class ResolvedChain:
    """A chain as its jobs run it: plugin files and ids, or a session file and its checksum."""

    plugins: tuple[ResolvedPlugin, ...]
    session: str | None = None
    session_sha256: str | None = None

    def describe(self) -> dict[str, object]:
        described: dict[str, object] = {"plugins": [p.describe() for p in self.plugins]}
        if self.session is not None:
            described.update(session=self.session, session_sha256=self.session_sha256)
        return described
