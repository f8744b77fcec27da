"""Runs optimizers on a surface: many trajectories per call, chunk by chunk.

One concept per module, imports pointing down this list:

* :mod:`.specs`: what a caller asks for (:class:`RunSpec`, :class:`Phase`, :class:`GradientSpec`);
* :mod:`.planner`: runs grouped by code path, stacked hyperparameters, learning-rate tables, float or array
  lanes;
* :mod:`.source`: the gradient source (analytic, numerical, mini-batch, noise) and the one seed scheme;
* :mod:`.recording`: the :class:`Chunk` a step is written into, with the one writer of named per-step values
  (extras, state, explained terms and quantities);
* :mod:`.context` and :mod:`.lanes`: the lane protocol and its two implementations (Python floats for a
  handful of runs, ``(2, n)`` arrays in cache-sized blocks for the rest);
* :mod:`.results`: chunks joined into whole runs, named values as JSON-ready lists;
* :mod:`.simulation`: :class:`Simulation` and its one loop, divergence and convergence tracking.

The tunables (``planner.SCALAR_MAX_RUNS``, ``lanes.BLOCK_RUNS``, ``source.PER_RUN_STREAMS``) live in the module
that reads them.
"""
from .recording import Chunk
from .results import collect, start_points, state_lists, step_dicts
from .simulation import (BLOCK_THREADS, DIVERGENCE_SPANS, Interrupt, Interrupted, Simulation, divergence_radius,
                         simulate)
from .source import BATCHES, NOISE, SEARCH, stream
from .specs import GradientSpec, Phase, RunSpec, declared_extras, needs_gradient

__all__ = ["BATCHES", "BLOCK_THREADS", "Chunk", "DIVERGENCE_SPANS", "GradientSpec", "Interrupt", "Interrupted",
           "NOISE", "Phase", "RunSpec", "SEARCH", "Simulation", "collect", "declared_extras", "divergence_radius",
           "needs_gradient", "simulate", "start_points", "state_lists", "step_dicts", "stream"]
