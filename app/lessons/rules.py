"""Lessons whose lanes are update rules (optimizer ``custom``)."""
from __future__ import annotations

from ..optimizers.rule_examples import ADAM, SIGN_OF_MOMENTUM
from .helpers import lane, lesson, rule_lane

MOMENTUM_PART = "m = b1*m + (1-b1)*g          # the first moment: a moving average of g\np = p - lr*m"
RMSPROP_PART = "v = b2*v + (1-b2)*g^2        # the second moment: a moving average of g²\np = p - lr*g/(sqrt(v) + eps)"

LESSONS = [
    lesson(
        "adam_from_parts",
        {"en": "Build Adam from its parts", "ko": "부품으로 Adam 만들기"},
        {"en": "Four lanes on the plateau, all with lr 0.05, three of them rules you can edit. Momentum alone "
               "(m = b1·m + (1−b1)·g, step lr·m) barely moves: the gradient here is about 1e-4. RMSprop alone "
               "(v = b2·v + (1−b2)·g², step lr·g/√v) starts from v = 0, so its first step is lr/√(1−b2) ≈ 32 × lr "
               "in each coordinate. Your Adam takes m from the first and v from the second and divides each by its "
               "bias correction (1 − b1^t, 1 − b2^t): its first step is about lr in each coordinate, and the "
               "built-in Adam (torch's order of operations) runs exactly under it.",
         "ko": "고원에서 네 레인 모두 lr 0.05이고, 그중 셋은 직접 고칠 수 있는 규칙입니다. 모멘텀만 쓰면 "
               "(m = b1·m + (1−b1)·g, 스텝 lr·m) 거의 움직이지 않습니다: 여기서 기울기는 약 1e-4입니다. "
               "RMSprop만 쓰면 (v = b2·v + (1−b2)·g², 스텝 lr·g/√v) v가 0에서 시작하므로 첫 스텝이 좌표마다 "
               "lr/√(1−b2) ≈ 32 × lr입니다. 내 Adam은 첫째에서 m을, 둘째에서 v를 가져와 각각 편향 보정 "
               "(1 − b1^t, 1 − b2^t)으로 나눕니다: 첫 스텝은 좌표마다 약 lr이고, 내장 Adam(torch의 연산 순서)이 "
               "정확히 그 아래를 달립니다."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 300,
         "optimizers": [rule_lane(MOMENTUM_PART, "momentum (a rule)", "모멘텀 (규칙)", lr=0.05, b1=0.9),
                        rule_lane(RMSPROP_PART, "RMSprop (a rule)", "RMSprop (규칙)", lr=0.05, b2=0.999, eps=1e-8),
                        rule_lane(ADAM, "your Adam: momentum + RMSprop", "내 Adam: 모멘텀 + RMSprop", lr=0.05,
                                  b1=0.9, b2=0.999, eps=1e-8),
                        lane("adam", "built-in Adam", "내장 Adam", lr=0.05)]}),
    lesson(
        "invent_one",
        {"en": "Invent one: the sign of a momentum", "ko": "직접 만들기: 모멘텀의 부호"},
        {"en": "A rule you can invent in three lines: step by the sign of a blend u of momentum and gradient, then "
               "update the momentum. Every coordinate then moves by exactly lr = 0.01 at each step, however large "
               "or small the gradient. With b1 = b2 = 0.9 the blend is the new momentum itself (signum): after 300 "
               "steps it is at (0.78, 0.62) (loss 0.062). With b1 = 0.9 for the step and b2 = 0.99 for the "
               "momentum's memory it is Lion, found by program search in 2023: it runs exactly under the built-in "
               "Lion and ends nearer the minimum (1, 1), at (1.04, 1.10) (loss 0.035).",
         "ko": "세 줄로 직접 만들 수 있는 규칙입니다: 모멘텀과 기울기를 섞은 u의 부호 방향으로 한 스텝 가고, "
               "모멘텀을 갱신합니다. 그러면 기울기가 크든 작든 매 스텝 각 좌표가 정확히 lr = 0.01만큼 "
               "움직입니다. b1 = b2 = 0.9이면 섞은 값이 곧 새 모멘텀입니다(signum): 300 스텝 뒤 (0.78, 0.62)에 "
               "있습니다(손실 0.062). 스텝에 b1 = 0.9, 모멘텀의 기억에 b2 = 0.99를 쓰면 2023년 프로그램 탐색으로 "
               "찾은 Lion이 됩니다: 내장 Lion과 정확히 겹쳐 달리고 최솟점 (1, 1)에 더 가까운 (1.04, 1.10)에서 "
               "끝납니다(손실 0.035)."},
        {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 300,
         "optimizers": [rule_lane(SIGN_OF_MOMENTUM, "sign of momentum, b1 = {b1}, b2 = {b2}",
                                  "모멘텀의 부호, b1 = {b1}, b2 = {b2}", lr=0.01, b1=0.9, b2=0.9),
                        rule_lane(SIGN_OF_MOMENTUM, "same rule, b1 = {b1}, b2 = {b2}",
                                  "같은 규칙, b1 = {b1}, b2 = {b2}", lr=0.01, b1=0.9, b2=0.99),
                        lane("lion", "built-in Lion", "내장 Lion", lr=0.01)]}),
]
