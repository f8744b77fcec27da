"""What the app does, once for every way in: the HTTP routes, the WebSockets, the ``slopes`` command and
notebooks call these. Nothing here knows about HTTP; bad input raises :class:`Refused` (naming the field),
work stopped early raises :class:`Stopped`."""
from .answers import answer_json, plan_answer
from .errors import Refused, Stopped
from .exporting import export_csv, export_html, export_json, export_to_file
from .maps import basins, sweeps
from .planning import Plan, plan_runs
from .runs import run_plan, run_request
from .state import decode_state, parse_state

__all__ = ["Refused", "Stopped", "Plan", "plan_runs", "plan_answer", "answer_json", "run_plan", "run_request", "basins", "sweeps",
           "decode_state", "parse_state", "export_html", "export_csv", "export_json", "export_to_file"]
