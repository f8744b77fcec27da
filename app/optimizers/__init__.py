"""The optimizers, by id. Ids, hyperparameter names and defaults follow ``torch.optim`` (or, for Lion,
AdaBelief, Schedule-Free AdamW and Prodigy, the reference package named in each definition)."""
from __future__ import annotations

from dataclasses import replace

from ..bilingual import Bilingual

from .adam import ADAM, ADAMAX, ADAMW, NADAM
from .adaptive import ADADELTA, ADAGRAD, RMSPROP
from .base import OptimizerDef, hyper_namespace
from .params import HyperparameterError, ParamSpec
from .newton import NEWTON
from .search import RANDOM_LOCAL_SEARCH, RANDOM_SEARCH
from .adabelief import ADABELIEF
from .adafactor import ADAFACTOR
from .asgd import ASGD
from .lbfgs import LBFGS
from .lion import LION
from .muon import MUON
from .prodigy import PRODIGY
from .radam import RADAM
from .rprop import RPROP
from .schedulefree import SCHEDULE_FREE_ADAMW
from .sgd import GD, MOMENTUM_SGD, NESTEROV

# the optimizer menu's groups, in menu order; every optimizer belongs to one
FAMILIES: dict[str, tuple[str, ...]] = {
    "SGD family": ("gd", "momentum", "nesterov", "asgd"),
    "adaptive": ("adagrad", "rmsprop", "adadelta", "rprop", "adafactor"),
    "Adam family": ("adam", "adamw", "nadam", "adamax", "radam", "adabelief"),
    "modern": ("lion", "muon", "schedule_free_adamw", "prodigy"),
    "second-order and quasi-Newton": ("newton", "lbfgs"),
    "search": ("random_search", "random_local_search"),
}
FAMILY_NAMES: dict[str, Bilingual] = {
    "SGD family": Bilingual("SGD family", "SGD 계열"),
    "adaptive": Bilingual("Adaptive", "적응형"),
    "Adam family": Bilingual("Adam family", "Adam 계열"),
    "modern": Bilingual("Modern", "최신 기법"),
    "second-order and quasi-Newton": Bilingual("Second-order and quasi-Newton", "2차 및 준뉴턴"),
    "search": Bilingual("Search", "탐색"),
}
_FAMILY_OF = {oid: family for family, ids in FAMILIES.items() for oid in ids}

OPTIMIZERS: dict[str, OptimizerDef] = {o.id: replace(o, family=_FAMILY_OF[o.id],
                                                     family_names=FAMILY_NAMES[_FAMILY_OF[o.id]])
                                        for o in sorted((
    GD, MOMENTUM_SGD, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, NADAM, ADAMAX,
    RADAM, RPROP, ASGD, LION, ADABELIEF, ADAFACTOR, SCHEDULE_FREE_ADAMW, PRODIGY, MUON, LBFGS,
    RANDOM_SEARCH, RANDOM_LOCAL_SEARCH, NEWTON), key=lambda o: list(_FAMILY_OF).index(o.id))}

TORCH_OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax")
# the ten more, each held to its own reference implementation: torch.optim's RAdam, Rprop, ASGD, Adafactor, LBFGS
# and Muon, and the packages of Lion, AdaBelief, Schedule-Free AdamW and Prodigy (tests/golden/optimizers_reference.json)
REFERENCE_OPTIMIZERS = ("radam", "rprop", "asgd", "adafactor", "lbfgs", "muon", "lion", "adabelief", "schedule_free_adamw",
                  "prodigy")


class UnknownOptimizer(KeyError):
    pass


def get_optimizer(optimizer_id: str) -> OptimizerDef:
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise UnknownOptimizer(optimizer_id) from None


__all__ = ["FAMILIES", "FAMILY_NAMES", "REFERENCE_OPTIMIZERS", "OPTIMIZERS", "TORCH_OPTIMIZERS", "HyperparameterError",
           "OptimizerDef", "ParamSpec", "UnknownOptimizer", "get_optimizer", "hyper_namespace"]
