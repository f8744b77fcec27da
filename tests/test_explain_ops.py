"""The ops layer's explain protocol (app/numeric.py): rules report terms and quantities through ``o.term`` /
``o.quantity``; only an explaining ArrayOps keeps them, and the float specialisation drops them entirely."""
import dis
import sys
import textwrap

import numpy as np

from app.numeric import FLOAT_OPS, ArrayOps, for_floats

RULE = textwrap.dedent('''
    def rule(o, p, g):
        t = o.mul(g, -0.1, out=o.buf("tmp"))
        if o.explaining:
            o.term("gradient", t)
            o.quantity("lr", 0.1)
        o.term("gradient", 0.0)
        return o.add(p, t, out=p)
''')


def _rule(tmp_path, monkeypatch):
    (tmp_path / "explain_rule_mod.py").write_text(RULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("explain_rule_mod", None)
    import explain_rule_mod
    return explain_rule_mod.rule


def test_explaining_ops_keep_copies_and_clear_each_step(tmp_path, monkeypatch):
    rule = _rule(tmp_path, monkeypatch)
    o = ArrayOps((2, 3), explaining=True)
    p, g = np.ones((2, 3)), np.arange(6.0).reshape(2, 3)
    new = rule(o, p, g)
    terms, quantities = o.take_explained()
    np.testing.assert_array_equal(terms["gradient"], -0.1 * g)  # a copy, though the rule reused its buffer
    assert float(quantities["lr"]) == 0.1
    np.testing.assert_allclose(new - 1.0, terms["gradient"])
    assert o.take_explained() == ({}, {})


def test_plain_ops_record_nothing(tmp_path, monkeypatch):
    rule = _rule(tmp_path, monkeypatch)
    o = ArrayOps((2, 1))
    rule(o, np.ones((2, 1)), np.ones((2, 1)))
    assert not o.explaining and not hasattr(o, "terms")


def test_float_specialisation_drops_the_explaining_block(tmp_path, monkeypatch):
    rule = _rule(tmp_path, monkeypatch)
    fast = for_floats(rule)
    assert fast is not rule  # the source was read and rewritten
    assert fast(FLOAT_OPS, 1.0, 2.0) == rule(FLOAT_OPS, 1.0, 2.0) == 0.8
    names = {i.argval for i in dis.get_instructions(fast)}
    assert "explaining" not in names and "term" not in names and "quantity" not in names
