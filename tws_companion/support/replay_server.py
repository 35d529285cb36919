"""The local server of a replay: the scenario worked out from a login trace (the same device kinds,
the faults), written to the server's folder and loaded, served on loopback with the trace's faults
and a clock that can be moved (its clock file), and what the user's devices hold, for simulators.

``support replay TRACE`` drives a login against it (:mod:`.replay`); ``support replay TRACE
--serve`` leaves it to a person, in the GUI or a terminal (:mod:`.replay_serve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tws_companion.server.config import ServerConfig
from tws_companion.server.db import Device
from tws_companion.server.device_secrets import device_card, device_pin, device_secret
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.sls.code_card import CodeCard
from tws_companion.sls.devices import DeviceKind
from tws_companion.support.replay_scenario import ReplayScenario, scenario_for
from tws_companion.support.trace_format import LoginTrace

__all__ = ["CLOCK_FILE", "SCENARIO_FILE", "DeviceKey", "ReplayServer", "start_replay_server"]

#: In the server's folder: the scenario it was given, and the seconds its clock is ahead.
SCENARIO_FILE: Final = "scenario.toml"
CLOCK_FILE: Final = "clock-offset"
#: The device kinds whose codes a simulator shows from the key and PIN (DSC+, IB Key).
SIMULATED_OCRA: Final = frozenset({DeviceKind.DSC_PLUS.value, DeviceKind.IB_KEY.value})
#: The device kinds of a printed card.
CARDS: Final = frozenset({DeviceKind.CODE_CARD.value, DeviceKind.ONLINE_CARD.value})


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """What a simulator of one of the replay user's OCRA devices holds (``repr`` hides it)."""

    kind: str
    label: str
    secret: bytes = field(repr=False)
    pin: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ReplayServer:
    """A replay's server, running; :meth:`stop` ends it."""

    trace: LoginTrace
    scenario: ReplayScenario
    server: EmbeddedServer
    url: str
    data_dir: Path

    @property
    def clock_file(self) -> Path:
        return self.data_dir / CLOCK_FILE

    @property
    def outbox(self) -> Path:
        """Where the SMS and voice calls the server sends arrive (the phone window reads it)."""
        return self.data_dir / "outbox"

    def device_keys(self) -> tuple[DeviceKey, ...]:
        """The key and PIN of each DSC+ and IB Key of the replay user, in the scenario's order."""
        ctx = self.server.context
        keys = []
        with ctx.db.transaction() as s:
            for replayed in self.scenario.devices:
                row = s.get(Device, replayed.id)
                if row is None or replayed.kind not in SIMULATED_OCRA:
                    continue
                pin = device_pin(ctx, row) or replayed.pin or ""
                keys.append(DeviceKey(row.kind, row.label, device_secret(ctx, row), pin))
        return tuple(keys)

    def code_card(self) -> tuple[str, CodeCard] | None:
        """The label and values of the replay user's first code card, if it has one."""
        ctx = self.server.context
        with ctx.db.transaction() as s:
            for replayed in self.scenario.devices:
                row = s.get(Device, replayed.id)
                if row is not None and replayed.kind in CARDS:
                    return row.label, device_card(ctx, row)
        return None

    def stop(self) -> None:
        self.server.stop()


def start_replay_server(trace: LoginTrace, data_dir: Path, *, port: int = 0) -> ReplayServer:
    """The server of ``trace``'s scenario on loopback (``port`` 0: a free one), its data in
    ``data_dir`` (an empty folder); raises OSError when it cannot listen."""
    scenario = scenario_for(trace)
    data_dir.mkdir(parents=True, exist_ok=True)
    scenario_file = data_dir / SCENARIO_FILE
    scenario_file.write_text(scenario.to_toml(), encoding="utf-8")
    clock_file = data_dir / CLOCK_FILE
    clock_file.write_text("0\n", encoding="utf-8")
    config = ServerConfig(data_dir=data_dir, faults=scenario.faults, clock_file=clock_file)
    server = EmbeddedServer.from_config(config, port=port)
    try:
        load_scenario(server.context, read_scenario(scenario_file))
        url = server.start()
    except BaseException:
        server.stop()
        raise
    return ReplayServer(trace, scenario, server, url, data_dir)
