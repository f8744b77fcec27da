"""The gradient source and the random streams.

Gradients are analytic, numerical (central differences) or mini-batch, plus Gaussian noise.

Randomness, the one seed scheme: every random stream is ``numpy.random.default_rng([seed, purpose, unit])`` with
``purpose`` :data:`NOISE`, :data:`BATCHES` or :data:`SEARCH` and ``unit`` the run's index in the request when the
request has at most :data:`PER_RUN_STREAMS` runs (so a lane's trajectory does not depend on which other lanes
share its request), else :data:`BLOCK_UNIT` + the block's index (basin maps and sweeps: each block owns its
streams, so blocks can advance in any order and the same request gives the same map).
"""
from __future__ import annotations

import numpy as np

from ..surfaces import Surface
from .specs import GradientSpec

PER_RUN_STREAMS = 1000  # up to this many runs, each run owns its random streams; above, each block does
BLOCK_UNIT = 2 ** 32  # stream units of blocks start here (run indices are below)
NOISE, BATCHES, SEARCH = 1, 2, 3  # the purposes of random streams


def stream(seed: int, purpose: int, unit: int) -> np.random.Generator:
    """The random stream of one run (``unit`` < :data:`BLOCK_UNIT`) or one block, for one purpose."""
    return np.random.default_rng([seed, purpose, unit])


def per_run_streams(n_runs: int) -> bool:
    """Whether each run of a simulation of ``n_runs`` owns its streams (else each block does)."""
    return n_runs <= PER_RUN_STREAMS


def block_unit(block: int) -> int:
    return BLOCK_UNIT + block


def units(runs, stream_units: list[int] | None) -> list[int]:
    """The random-stream units of runs (indices in their simulation): their indices, or the ones the simulation
    was given (``stream_units``: a part of a request computes each run as the whole request does)."""
    runs = np.asarray(runs).tolist()
    return runs if stream_units is None else [stream_units[r] for r in runs]


class Source:
    """Gradients for one set of lanes: analytic, numerical or mini-batch, plus noise, from the lanes' streams."""

    def __init__(self, surface: Surface, spec: GradientSpec, stream_units: list[int], batch_size: int | None,
                 n: int):
        """``stream_units``: one per run, or one for a whole block of ``n`` runs."""
        self.surface, self.spec, self.n = surface, spec, n
        units_ = stream_units if spec.noise or batch_size else []
        self.noise = [stream(spec.seed, NOISE, u) for u in units_] if spec.noise else None
        self.batcher = (Batcher(surface.extra["dataset"]["n"], batch_size,
                                [stream(spec.seed, BATCHES, u) for u in units_], n)
                        if batch_size is not None else None)
        if spec.mode == "numerical":
            h, value = spec.h, surface.value

            def grad(x, y, xp):
                return ((value(x + h, y, xp) - value(x - h, y, xp)) / (2 * h),
                        (value(x, y + h, xp) - value(x, y - h, xp)) / (2 * h))
            self.exact = grad
        else:
            self.exact = surface.gradient

    def draw_noise(self, m: int) -> np.ndarray | None:
        """The next ``m`` steps' noise, ``(m, 2, n)``."""
        if self.noise is None:
            return None
        if len(self.noise) == 1 and self.n > 1:
            return self.noise[0].standard_normal((m, 2, self.n)) * self.spec.noise
        return np.stack([g.standard_normal((m, 2)) for g in self.noise], axis=2) * self.spec.noise

    def gradient(self, x, y):
        if self.batcher is not None:
            return self.surface.batch_gradient(x, y, self.batcher.next())
        return self.exact(x, y, np)


class Batcher:
    """Mini-batches as torch's ``DataLoader(shuffle=True, drop_last=False)`` draws them: each epoch a new
    permutation of the data set (one per run), cut into consecutive batches, the last one shorter."""

    def __init__(self, n: int, batch_size: int, generators, runs: int):
        self.n, self.k, self.generators, self.runs = n, min(batch_size, n), generators, runs
        self.perms = None
        self.pos = n

    def next(self) -> np.ndarray:
        if self.pos >= self.n:
            if len(self.generators) == self.runs:
                self.perms = np.stack([g.permutation(self.n) for g in self.generators])
            else:
                self.perms = self.generators[0].permuted(np.tile(np.arange(self.n), (self.runs, 1)), axis=1)
            self.pos = 0
        idx = self.perms[:, self.pos:self.pos + self.k]
        self.pos += self.k
        return idx


class RunsRandom:
    """Uniform draws for a search rule: ``uniform(k)`` gives ``(k, n)``, each run's k numbers from its stream."""

    def __init__(self, generators, n: int):
        self.generators, self.n = generators, n

    def uniform(self, k: int) -> np.ndarray:
        if len(self.generators) == 1 and self.n > 1:
            return self.generators[0].random((k, self.n))
        return np.stack([g.random(k) for g in self.generators], axis=1)
