"""One-click lessons: a view's state and a short caption in Korean and English saying what to look at.

Each lesson is ``{"id", "title": {en, ko}, "caption": {en, ko}, "labels": {en: [...], ko: [...]}, "state"}``:
``state`` is a run request plus view options (what ``?state=`` carries), its lanes labelled in English;
``labels[lang][i]`` is lane ``i``'s label in that language, for the page to show in the reader's language.
Where a lesson compares lanes, the comparison is visible in the main plot at its first frame. Each lesson's
claims are checked on its own state, through the API, in tests/test_lesson_claims_*.py.

The lessons live by topic (:mod:`.steps`, :mod:`.methods`, :mod:`.landscapes`, :mod:`.losses`, :mod:`.rules`);
``LESSONS`` is the menu, in the order a course meets them.
"""
from __future__ import annotations

from . import landscapes, losses, methods, rules, steps
from .helpers import runs_here

ORDER = ("lr_sizes", "momentum_ravine", "nag_vs_momentum", "adagrad_vs_rmsprop", "adadelta_no_lr", "adam_vs_parts",
         "local_vs_global", "saddle_escape", "batch_sizes", "mse_vs_mae", "lr_decay", "adam_then_sgd",
         "random_vs_gradient", "numerical_gradient", "flat_vs_sharp", "hinge_vs_ce", "l1_sparse", "mae_jitter",
         "momentum_escapes", "ce_wall", "sign_steps", "lbfgs_vs_gd", "schedule_free",
         # lanes whose optimizer is an update rule (optimizer "custom"), each editable in the page's rule editor
         "adam_from_parts", "invent_one")
_BY_ID = {item["id"]: item for item in
          steps.LESSONS + methods.LESSONS + landscapes.LESSONS + losses.LESSONS + rules.LESSONS}
assert sorted(_BY_ID) == sorted(ORDER), "every lesson has a place in the menu"
# lessons whose optimizers this build has (new families arrive separately)
LESSONS = [_BY_ID[id] for id in ORDER if runs_here(_BY_ID[id])]
