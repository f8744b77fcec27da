"""Lessons: landscapes: basins, saddles, local minima, sharpness and the gradient itself."""
from __future__ import annotations

from .helpers import lane, lesson

LESSONS = [
    lesson(
        "local_vs_global",
        {"en": "Local vs global minima", "ko": "국소 최솟점 대 전역 최솟점"},
        {"en": "Same optimizer, same lr, different starts: on the six-hump camel gradient descent ends in the "
               "minimum whose basin it starts in. This map colours every start by the minimum (★) its run ends in "
               "after 500 steps: the start (−1.5, 0) lies in the basin of the local minimum at (−1.70, 0.80) "
               "(f ≈ −0.22), and (−0.5, 0.5) in that of a global one at (−0.09, 0.71) (f ≈ −1.03). Switch to "
               "Overlay to watch the run from (−1.5, 0) stop in the local minimum, stalled away from the global one.",
         "ko": "같은 옵티마이저, 같은 lr, 다른 시작점: 여섯 혹 낙타에서 경사 하강법은 출발한 수렴 영역의 "
               "최솟점에서 끝납니다. 이 지도는 모든 시작점을 500 스텝 뒤 도착하는 최솟점(★)의 색으로 칠합니다: "
               "시작점 (−1.5, 0)은 (−1.70, 0.80)의 국소 최솟점(f ≈ −0.22)의 수렴 영역에, (−0.5, 0.5)는 "
               "(−0.09, 0.71)의 전역 최솟점(f ≈ −1.03)의 수렴 영역에 있습니다. 겹쳐 보기로 바꾸면 (−1.5, 0)에서 "
               "출발한 실행이 전역 최솟점이 아닌 국소 최솟점에서 멈추는 것을 볼 수 있습니다."},
        {"surface": "six_hump_camel", "start": [-1.5, 0.0], "steps": 500,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.02)], "view": {"mode": "basins"}}),
    lesson(
        "saddle_escape",
        {"en": "Escaping a saddle", "ko": "안장점 탈출"},
        {"en": "Started exactly on the x-axis, gradient descent slides into the saddle at the origin and stays: "
               "the gradient there is zero. Add gradient noise (σ = 0.5 here) and the run is pushed off the "
               "ridge and rolls into a minimum, where the noise keeps it jittering (still moving, 0.04 from it "
               "after 400 steps). Set noise to 0 to see it stall at the saddle.",
         "ko": "x축 위에서 정확히 출발하면 경사 하강법은 원점의 안장점으로 미끄러져 멈춥니다: 그곳의 기울기는 "
               "0입니다. 기울기 잡음(여기서는 σ = 0.5)을 더하면 능선에서 밀려나 최솟점으로 굴러가고, 거기서 잡음 "
               "때문에 계속 흔들립니다(400 스텝 뒤 최솟점에서 0.04, 아직 움직이는 중). 잡음을 0으로 두면 안장점에서 "
               "멈추는 것을 볼 수 있습니다."},
        {"surface": "saddle", "start": [1.7, 0.0], "steps": 400,
         "gradient": {"mode": "analytic", "noise": 0.5, "seed": 0},
         "optimizers": [lane("gd", "GD + noise σ {noise}", "경사 하강법 + 잡음 σ {noise}", lr=0.05)]}),
    lesson(
        "momentum_escapes",
        {"en": "Momentum rolls out of a local minimum", "ko": "모멘텀은 국소 최솟점을 굴러 나온다"},
        {"en": "Both runs start in the basin of the three-hump camel's local minimum (f ≈ 0.30). Gradient descent "
               "follows the slope into it and stops where the gradient is zero. Momentum carries the speed it "
               "gained on the way down across the edge of that basin, beside the saddle (f ≈ 0.88), and rolls on "
               "into the global minimum at the origin (f = 0), which it reaches at step 128.",
         "ko": "두 실행 모두 세 혹 낙타의 국소 최솟점(f ≈ 0.30)의 수렴 영역에서 출발합니다. 경사 하강법은 "
               "경사를 따라 그 안으로 들어가 기울기가 0인 곳에서 멈춥니다. 모멘텀은 내려오며 얻은 속도로 "
               "안장점(f ≈ 0.88) 옆에서 그 수렴 영역의 경계를 넘어 원점의 전역 최솟점(f = 0)까지 굴러가 128 "
               "스텝에 도달합니다."},
        {"surface": "three_hump_camel", "start": [1.75, 1.7], "steps": 300,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.02),
                        lane("momentum", "momentum {momentum}, lr {lr}", "모멘텀 {momentum}, lr {lr}", lr=0.02,
                             momentum=0.9)]}),
    lesson(
        "flat_vs_sharp",
        {"en": "Flat vs sharp minima", "ko": "평평한 최솟점 대 뾰족한 최솟점"},
        {"en": "Both runs start in the narrow, slightly deeper well. Gradient descent can only rest where "
               "lr < 2 / sharpness: with lr 0.1 it settles in the sharp minimum (sharpness ≈ 16.9, limit 0.12), "
               "with lr 0.5 it is thrown out and settles in the wide one (sharpness ≈ 0.99), which the table calls "
               "stalled away from the minimum: on the training loss the sharp one is the global minimum. The test "
               "landscape is the same function shifted by (0.25, 0.2): the sharp minimum's test loss rises by 0.6, "
               "the flat one's by 0.05, so the flat minimum generalises better.",
         "ko": "두 실행 모두 좁고 조금 더 깊은 우물에서 출발합니다. 경사 하강법은 lr < 2 / 날카로움인 곳에서만 "
               "멈출 수 있습니다: lr 0.1이면 뾰족한 최솟점(날카로움 ≈ 16.9, 한계 0.12)에 자리 잡고, lr 0.5이면 "
               "튕겨 나가 넓은 최솟점(날카로움 ≈ 0.99)에 자리 잡는데, 훈련 손실로는 뾰족한 쪽이 전역 최솟점이라 "
               "표는 이를 최솟점 밖에서 멈춤이라고 합니다. 테스트 지형은 같은 함수를 (0.25, 0.2)만큼 "
               "옮긴 것으로, 뾰족한 최솟점의 테스트 손실은 0.6, 평평한 최솟점은 0.05 오르므로 평평한 최솟점이 "
               "더 잘 일반화됩니다."},
        {"surface": "flat_sharp", "start": [-1.55, 1.25], "steps": 300,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.1),
                        lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.5)],
         "view": {"test_contour": True}}),
    lesson(
        "numerical_gradient",
        {"en": "Numerical vs analytic gradient", "ko": "수치 기울기 대 해석 기울기"},
        {"en": "Central differences (f(x+h) − f(x−h)) / 2h approximate the gradient with an error of order h²; on "
               "this quartic it is 2xh² in x. With h = 1 that error is large: started just beside the ridge between "
               "two basins, the numerical path turns the other way from the analytic one and stops short of the "
               "minimum it heads for (x ≈ −2.73 instead of −2.90). Set h to 1e-5 and the two paths agree to about "
               "1e-10.",
         "ko": "중앙 차분 (f(x+h) − f(x−h)) / 2h는 h² 정도의 오차로 기울기를 근사합니다. 이 4차 함수에서는 x 방향 "
               "오차가 2xh²입니다. h = 1이면 오차가 커서, 두 수렴 영역 사이 능선 바로 옆에서 출발한 수치 기울기 "
               "경로는 해석적 경로와 반대쪽으로 돌아가고, 향하는 최솟점에도 못 미쳐 멈춥니다(x ≈ −2.90 대신 "
               "−2.73). h를 1e-5로 바꾸면 두 경로가 약 1e-10까지 일치합니다."},
        {"surface": "styblinski_tang", "start": [0.17, 0.8], "steps": 200,
         "gradient": {"mode": "numerical", "h": 1.0, "noise": 0, "seed": 0},
         "optimizers": [lane("gd", "numerical gradient (h from the gradient settings)", "수치 기울기 (h는 기울기 설정)",
                             lr=0.01),
                        {**lane("gd", "analytic gradient", "해석 기울기", lr=0.01), "gradient": {"mode": "analytic"}}]}),
]
