"""Update rules to start from (the editor's examples and the lessons'), each written in torch's order where it
has a torch twin: ``twin`` names the built-in it reproduces with ``twin_params`` (tests/test_custom_rules.py holds
each to it)."""
from __future__ import annotations

ADAM = ("m = b1*m + (1-b1)*g          # first moment: a moving average of g\n"
        "v = b2*v + (1-b2)*g^2        # second moment: a moving average of g²\n"
        "p = p - lr/(1-b1^t) * m/(sqrt(v)/sqrt(1-b2^t) + eps)")
MOMENTUM = ("m = momentum*m + g           # the velocity (torch's momentum_buffer)\n"
            "p = p - lr*m")
RMSPROP = ("v = alpha*v + (1-alpha)*g^2  # a moving average of g²\n"
           "p = p - lr*g/(sqrt(v) + eps)")
SIGN_OF_MOMENTUM = ("u = b1*m + (1-b1)*g          # the direction: a blend of momentum and gradient\n"
                    "p = p - lr*sign(u)           # every coordinate moves by exactly lr\n"
                    "m = b2*m + (1-b2)*g          # the momentum, updated after the step")

EXAMPLES = [
    {"id": "momentum", "name": {"en": "Momentum", "ko": "모멘텀"}, "rule": MOMENTUM,
     "params": {"lr": 0.01, "momentum": 0.9}, "twin": "momentum", "twin_params": {"lr": 0.01, "momentum": 0.9}},
    {"id": "nesterov", "name": {"en": "Nesterov (look-ahead gradient)", "ko": "네스테로프 (앞을 내다본 기울기)"},
     "rule": "m = momentum*m + grad(p - lr*momentum*m)   # the gradient where momentum is taking us\n"
             "p = p - lr*m",
     "params": {"lr": 0.01, "momentum": 0.9}},
    {"id": "rmsprop", "name": {"en": "RMSprop", "ko": "RMSprop"}, "rule": RMSPROP,
     "params": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}, "twin": "rmsprop", "twin_params": {"lr": 0.01}},
    {"id": "adagrad", "name": {"en": "Adagrad", "ko": "Adagrad"},
     "rule": "s = s + g^2                  # the sum of every squared gradient so far\n"
             "p = p - lr*g/(sqrt(s) + eps)",
     "params": {"lr": 0.1, "eps": 1e-10}, "twin": "adagrad", "twin_params": {"lr": 0.1}},
    {"id": "adam", "name": {"en": "Adam", "ko": "Adam"}, "rule": ADAM,
     "params": {"lr": 0.05, "b1": 0.9, "b2": 0.999, "eps": 1e-8}, "twin": "adam", "twin_params": {"lr": 0.05}},
    {"id": "sign", "name": {"en": "Sign of the gradient", "ko": "기울기의 부호"},
     "rule": "p = p - lr*sign(g)           # signSGD: the direction only, never the size", "params": {"lr": 0.05}},
    {"id": "clipping", "name": {"en": "Gradient clipping", "ko": "기울기 자르기"},
     "rule": "c = max(-clip, min(clip, g))  # each coordinate of g cut to [-clip, clip]\n"
             "p = p - lr*c",
     "params": {"lr": 0.01, "clip": 1.0}},
    {"id": "lion", "name": {"en": "Sign of a momentum (Lion)", "ko": "모멘텀의 부호 (Lion)"}, "rule": SIGN_OF_MOMENTUM,
     "params": {"lr": 0.05, "b1": 0.9, "b2": 0.99}, "twin": "lion",
     "twin_params": {"lr": 0.05, "betas": [0.9, 0.99], "weight_decay": 0.0}},
]
