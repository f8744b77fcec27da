"""Request and response bodies, one module per concept; ``from app.schemas import X`` names any of them.

- :mod:`.fields`: the field types every body shares (strict numbers, text, points, params)
- :mod:`.requests`: what a client sends: runs and their lanes, custom surfaces, basins, sweeps
- :mod:`.responses`: what the computations answer: runs, grids, basins, sweeps
- :mod:`.catalogue`: surfaces, optimizers, schedules and their parameters, in both languages
- :mod:`.view`: the page's view options inside ``?state=``
- :mod:`.rules`: checking an update rule
- :mod:`.errors`: error answers
"""
from .catalogue import (Languages, OptimizerOut, ParamOut, ReportedName, ScheduleOut, StationaryOut, SurfaceOut,
                        VerdictOut)
from .errors import ERROR_RESPONSES, ErrorOut
from .fields import STRICT, Float, Int, Params, Point, Text, no_bool, no_surrogates
from .requests import (BasinRequest, CustomSurfaceIn, DomainIn, GradientIn, LabelsIn, LaneGradientIn, OptimizerIn,
                       RunRequest, ScheduleIn, SurfaceOptionsIn, SweepAxis, SweepRequest, SwitchIn)
from .responses import (BasinResponse, GridOut, MinimumOut, NearestMinimumOut, RunOut, RunResponse, SummaryOut,
                        SweepResponse)
from .rules import RuleCheckIn, RuleCheckOut, RuleErrorOut
from .view import Color, InspectIn, ViewIn, Word, plain_scalar

__all__ = [
    "BasinRequest", "BasinResponse", "Color", "CustomSurfaceIn", "DomainIn", "ERROR_RESPONSES", "ErrorOut", "Float",
    "GradientIn", "GridOut", "InspectIn", "Int", "LabelsIn", "LaneGradientIn", "Languages", "MinimumOut",
    "NearestMinimumOut", "OptimizerIn", "OptimizerOut", "ParamOut", "Params", "Point", "ReportedName", "RuleCheckIn",
    "RuleCheckOut", "RuleErrorOut", "RunOut", "RunRequest", "RunResponse", "STRICT", "ScheduleIn", "ScheduleOut",
    "StationaryOut", "SummaryOut", "SurfaceOptionsIn", "SurfaceOut", "SweepAxis", "SweepRequest", "SweepResponse",
    "SwitchIn", "Text", "VerdictOut", "ViewIn", "Word", "no_bool", "no_surrogates", "plain_scalar",
]
