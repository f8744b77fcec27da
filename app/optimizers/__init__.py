"""The optimizers, by id. Ids, hyperparameter names and defaults follow ``torch.optim``."""
from __future__ import annotations

from .adam import ADAM, ADAMAX, ADAMW, NADAM
from .adaptive import ADADELTA, ADAGRAD, RMSPROP
from .base import HyperparameterError, OptimizerDef, ParamSpec, hyper_namespace
from .newton import NEWTON
from .search import RANDOM_LOCAL_SEARCH, RANDOM_SEARCH
from .sgd import GD, MOMENTUM_SGD, NESTEROV

OPTIMIZERS: dict[str, OptimizerDef] = {o.id: o for o in (
    GD, MOMENTUM_SGD, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, NADAM, ADAMAX,
    RANDOM_SEARCH, RANDOM_LOCAL_SEARCH, NEWTON)}

TORCH_OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax")


class UnknownOptimizer(KeyError):
    pass


def get_optimizer(optimizer_id: str) -> OptimizerDef:
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise UnknownOptimizer(optimizer_id) from None


__all__ = ["OPTIMIZERS", "TORCH_OPTIMIZERS", "HyperparameterError", "OptimizerDef", "ParamSpec", "UnknownOptimizer",
           "get_optimizer", "hyper_namespace"]
