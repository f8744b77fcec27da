"""The optimizers, by id. Ids, hyperparameter names and defaults follow ``torch.optim`` (or, for Lion,
AdaBelief, Schedule-Free AdamW and Prodigy, the reference package named in each definition)."""
from __future__ import annotations

from dataclasses import replace

from .adam import ADAM, ADAMAX, ADAMW, NADAM
from .adaptive import ADADELTA, ADAGRAD, RMSPROP
from .base import HyperparameterError, OptimizerDef, ParamSpec, hyper_namespace
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
_FAMILY_OF = {oid: family for family, ids in FAMILIES.items() for oid in ids}

# the one-line descriptions in Korean of the optimizers whose definitions predate ``description_ko`` (the page
# shows the same text from static/i18n/ko.json); the newer ones carry theirs in their definitions
_DESCRIPTION_KO = {
    "gd": "기울기의 반대 방향으로 곧장 내려갑니다: θ ← θ − lr·∇f. 2차 함수에서 lr > 2/L이면 발산합니다.",
    "momentum": "지난 기울기로 속도를 쌓아, 일관된 방향으로는 보폭이 커지고 골짜기를 가로지르는 진동은 상쇄됩니다.",
    "nesterov": "앞을 내다보는 보정이 있는 모멘텀: 헤비볼보다 일찍 제동을 걸어 덜 지나칩니다.",
    "adagrad": "각 좌표의 보폭을 지금까지 기울기 제곱합의 제곱근으로 나눕니다: 가파른 방향은 바로 느려지고, 합이 커질수록 모든 보폭이 계속 줄어듭니다.",
    "rmsprop": "Adagrad와 같지만 기울기 제곱의 지수 이동 평균을 써서 보폭이 계속 줄어들지 않습니다: 분모가 오래된 기울기를 잊습니다.",
    "adadelta": "지난 스텝의 RMS와 기울기의 RMS의 비로 보폭을 정하므로 학습률이 필요 없습니다 (torch는 lr = 1을 곱하는 값으로 둡니다).",
    "adam": "모멘텀(기울기의 이동 평균)을 RMSprop의 제곱평균제곱근으로 나누고 둘 다 편향 보정합니다: 기울기 크기와 상관없이 좌표마다 대략 lr만큼 움직입니다.",
    "adamw": "가중치 감쇠를 분리한 Adam: 적응형 스케일과 무관하게 매 스텝 매개변수가 lr·λ만큼 0 쪽으로 줄어듭니다.",
    "nadam": "모멘텀 항에 네스테로프식 내다보기와 모멘텀 워밍업 스케줄을 더한 Adam.",
    "adamax": "무한대 노름을 쓰는 Adam의 변형: 분모가 |g|의 감쇠하는 누적 최댓값입니다.",
    "random_search": "보이는 영역 전체에서 균일하게 점을 뽑아 가장 좋은 점을 남깁니다. 기울기 없음: 모든 옵티마이저가 이겨야 할 기준선.",
    "random_local_search": "고정된 길이로 무작위 방향을 시도하고 손실이 줄 때만 받아들입니다: 기울기 없는 하강.",
    "newton": "곡률을 씁니다: 국소 2차 모형의 최솟점으로 lr만큼 뛰어갑니다. 2차 함수는 한 스텝에 풀고, 안장점에 끌리지 않고 밀려납니다.",
}

OPTIMIZERS: dict[str, OptimizerDef] = {o.id: replace(o, family=_FAMILY_OF[o.id],
                                                     description_ko=o.description_ko or _DESCRIPTION_KO[o.id])
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


__all__ = ["FAMILIES", "REFERENCE_OPTIMIZERS", "OPTIMIZERS", "TORCH_OPTIMIZERS", "HyperparameterError", "OptimizerDef", "ParamSpec", "UnknownOptimizer",
           "get_optimizer", "hyper_namespace"]
