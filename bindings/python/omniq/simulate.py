"""``omniq.simulate``: discrete-event simulation of a scenario (when available).

The simulator is being written in the C library. Until the loaded libomniq
exports it (symbol ``oq_sim_run``), :func:`simulate` raises
``NotImplementedError``; arguments are still validated first.
"""

import os
from dataclasses import dataclass, field
from typing import Dict, List

from . import _lib
from .errors import bad, to_int

__all__ = ["simulate", "SimulationResult"]


@dataclass(frozen=True)
class SimulationResult:
    """Results of one replication (the shape the simulator binding will fill)."""
    replication: int
    seed: int
    queues: Dict[str, dict] = field(default_factory=dict)
    agents: Dict[str, dict] = field(default_factory=dict)


def simulate(scenario, seed=1, replications=1) -> List[SimulationResult]:
    """Run ``scenario`` (a YAML file path or YAML text) ``replications`` times,
    seeds ``seed``, ``seed + 1``, ...; returns one SimulationResult per run."""
    f = "omniq.simulate"
    if not isinstance(scenario, (str, bytes, os.PathLike)):
        raise bad("scenario", "expected YAML text or a path to a YAML file", f)
    to_int(seed, "seed", 0, 2 ** 64 - 1, f)
    to_int(replications, "replications", 1, 2 ** 31 - 1, f)
    if not _lib.has_symbol("oq_sim_run"):
        raise NotImplementedError(
            f"omniq.simulate: the loaded libomniq ({_lib.library_path()}) has no simulator "
            "(symbol oq_sim_run); it needs a newer libomniq and omniq binding")
    raise NotImplementedError("omniq.simulate: libomniq has a simulator but this binding "
                              "does not wrap it yet")
