"""One-click lessons: a view's state and a short caption in Korean and English saying what to look at.

Each lesson is ``{"id", "title": {en, ko}, "caption": {en, ko}, "labels": {en: [...], ko: [...]}, "state"}``:
``state`` is a run request plus view options (what ``?state=`` carries), its lanes labelled in English;
``labels[lang][i]`` is lane ``i``'s label in that language, for the page to show in the reader's language.
Where a lesson compares lanes, the comparison is visible in the main plot at its first frame. Each lesson's
claim is checked on its own state, through the API, in tests/test_lessons.py.
"""
from __future__ import annotations

from .optimizers import OPTIMIZERS
from .optimizers.rule_examples import ADAM, SIGN_OF_MOMENTUM

MOMENTUM_PART = "m = b1*m + (1-b1)*g          # the first moment: a moving average of g\np = p - lr*m"
RMSPROP_PART = "v = b2*v + (1-b2)*g^2        # the second moment: a moving average of g²\np = p - lr*g/(sqrt(v) + eps)"


def lane(optimizer: str, en: str, ko: str, **params) -> dict:
    """A lane of a lesson, labelled in both languages (``_ko`` is moved into the lesson's ``labels``)."""
    return {"optimizer": optimizer, "params": params, "label": en, "_ko": ko}


def rule_lane(rule: str, en: str, ko: str, **params) -> dict:
    """A lane whose optimizer is an update rule (optimizer ``custom``)."""
    return {"optimizer": "custom", "rule": rule, "params": params, "label": en, "_ko": ko}


def _known(optimizer: str) -> bool:
    return optimizer in OPTIMIZERS or optimizer == "custom"


def lesson(id: str, title: dict, caption: dict, state: dict) -> dict:
    lanes = [dict(lane) for lane in state["optimizers"]]
    ko = [lane.pop("_ko") for lane in lanes]
    return {"id": id, "title": title, "caption": caption,
            "labels": {"en": [lane["label"] for lane in lanes], "ko": ko},
            "state": {**state, "optimizers": lanes}}


LESSONS = [
    lesson(
        "lr_sizes",
        {"en": "Learning rate: too small, right, too large", "ko": "학습률: 너무 작게, 적당히, 너무 크게"},
        {"en": "The bowl x² + y² has curvature L = 2, so gradient descent converges only for lr < 2/L = 1. "
               "At 0.005 it crawls, at 0.4 it arrives in a few steps, at 1.05 every step overshoots further "
               "and the run diverges.",
         "ko": "x² + y² 그릇의 곡률은 L = 2이므로 경사 하강법은 lr < 2/L = 1일 때만 수렴합니다. 0.005에서는 "
               "기어가고, 0.4에서는 몇 스텝 만에 도착하며, 1.05에서는 매 스텝 더 멀리 넘어가 발산합니다."},
        {"surface": "quadratic", "start": [2.5, -1.5], "steps": 100,
         "optimizers": [lane("gd", "lr 0.005 (too small)", "lr 0.005 (너무 작음)", lr=0.005),
                        lane("gd", "lr 0.4 (right)", "lr 0.4 (적당함)", lr=0.4),
                        lane("gd", "lr 1.05 (too large)", "lr 1.05 (너무 큼)", lr=1.05)]}),
    lesson(
        "momentum_ravine",
        {"en": "Momentum in a ravine", "ko": "골짜기에서의 모멘텀"},
        {"en": "In a ravine the gradient points mostly across the valley. Gradient descent zig-zags between the "
               "walls and inches along the floor; momentum cancels the zig-zag and accumulates speed along "
               "the floor, ending far closer to the minimum after the same 150 steps.",
         "ko": "골짜기에서 기울기는 대부분 골짜기를 가로지르는 방향입니다. 경사 하강법은 벽 사이를 지그재그로 "
               "오가며 바닥을 따라 조금씩 나아가고, 모멘텀은 지그재그를 상쇄하고 바닥 방향으로 속도를 쌓아 같은 "
               "150 스텝 뒤 최솟점에 훨씬 가까이 갑니다."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 150,
         "optimizers": [lane("gd", "GD lr 0.15", "경사 하강법 lr 0.15", lr=0.15),
                        lane("momentum", "momentum 0.8, lr 0.15", "모멘텀 0.8, lr 0.15", lr=0.15, momentum=0.8)]}),
    lesson(
        "nag_vs_momentum",
        {"en": "Nesterov vs heavy-ball momentum", "ko": "네스테로프 대 헤비볼 모멘텀"},
        {"en": "Both use momentum 0.95 and the same lr. Heavy-ball momentum overshoots the minimum further; "
               "Nesterov looks ahead before stepping, brakes earlier and settles sooner.",
         "ko": "둘 다 모멘텀 0.95와 같은 lr을 씁니다. 헤비볼 모멘텀은 최솟점을 더 멀리 지나치고, 네스테로프는 "
               "내딛기 전에 앞을 내다보아 더 일찍 제동을 걸고 더 빨리 자리를 잡습니다."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 200,
         "optimizers": [lane("momentum", "heavy ball 0.95", "헤비볼 0.95", lr=0.05, momentum=0.95),
                        lane("nesterov", "Nesterov 0.95", "네스테로프 0.95", lr=0.05, momentum=0.95)],
         "view": {"arrows": True}}),
    lesson(
        "adagrad_vs_rmsprop",
        {"en": "Adagrad's shrinking steps vs RMSprop", "ko": "Adagrad의 줄어드는 보폭 대 RMSprop"},
        {"en": "Same lr 0.1 for both. Adagrad divides by the root of the sum of all squared gradients, so its "
               "effective learning rate only falls (as 1/√t for steady gradients): after 200 steps it is still "
               "far out on the ravine's floor. RMSprop forgets old gradients, its steps stay about lr long, and "
               "it is already at the minimum.",
         "ko": "둘 다 lr 0.1입니다. Adagrad는 지금까지 모든 기울기 제곱합의 제곱근으로 나누므로 실효 학습률이 "
               "줄기만 합니다(기울기가 일정하면 1/√t): 200 스텝 뒤에도 골짜기 바닥 멀리에 있습니다. RMSprop은 "
               "오래된 기울기를 잊어 보폭이 약 lr로 유지되고, 이미 최솟점에 도착해 있습니다."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 200,
         "optimizers": [lane("adagrad", "Adagrad lr 0.1", "Adagrad lr 0.1", lr=0.1),
                        lane("rmsprop", "RMSprop lr 0.1", "RMSprop lr 0.1", lr=0.1)]}),
    lesson(
        "adadelta_no_lr",
        {"en": "Adadelta needs no learning rate", "ko": "학습률이 필요 없는 Adadelta"},
        {"en": "Adadelta sets each step's size from the ratio of two running averages (past steps over past "
               "gradients), so its units come out right without a tuned learning rate. With torch's default "
               "lr = 1 it walks from the top of Himmelblau into a minimum.",
         "ko": "Adadelta는 두 이동 평균의 비(지난 스텝 대 지난 기울기)로 보폭을 정하므로 학습률을 조정하지 "
               "않아도 단위가 맞습니다. torch 기본값 lr = 1로 힘멜블라우 꼭대기에서 최솟점까지 걸어갑니다."},
        {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 2000,
         "optimizers": [lane("adadelta", "Adadelta (default lr = 1)", "Adadelta (기본 lr = 1)")]}),
    lesson(
        "adam_vs_parts",
        {"en": "Adam vs its parts", "ko": "Adam 대 그 구성 요소"},
        {"en": "On a plateau the gradient is tiny. Momentum alone barely moves (it only smooths the tiny gradient). "
               "RMSprop divides by the root of its average of squared gradients, which starts at 0, so its first steps "
               "are 0.7 long (14 × lr): it drops into the well within 10 steps, then keeps jittering there "
               "(loss ≈ 3e-4). Adam = momentum's direction with RMSprop's scaling and a bias correction: its steps "
               "stay about lr long, it arrives later (step ≈ 45) and settles far deeper (loss ≈ 1e-12 in the loss chart).",
         "ko": "고원에서는 기울기가 아주 작습니다. 모멘텀만으로는 거의 움직이지 않습니다(작은 기울기를 부드럽게 할 "
               "뿐). RMSprop은 0에서 시작하는 기울기 제곱 평균의 제곱근으로 나누므로 첫 스텝이 0.7(lr의 14배)이나 "
               "되어 10 스텝 안에 우물로 떨어지지만, 그 뒤로 계속 흔들립니다(손실 ≈ 3e-4). Adam은 모멘텀의 방향에 "
               "RMSprop의 스케일과 편향 보정을 더한 것으로, 보폭이 약 lr로 유지되어 더 늦게(≈ 45 스텝) 도착하지만 "
               "훨씬 깊이 자리 잡습니다(손실 그래프에서 손실 ≈ 1e-12)."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 300,
         "optimizers": [lane("momentum", "momentum 0.9", "모멘텀 0.9", lr=0.05, momentum=0.9),
                        lane("rmsprop", "RMSprop", "RMSprop", lr=0.05),
                        lane("adam", "Adam", "Adam", lr=0.05)]}),
    lesson(
        "local_vs_global",
        {"en": "Local vs global minima", "ko": "국소 최솟점 대 전역 최솟점"},
        {"en": "Same optimizer, same lr, different starts: on the six-hump camel gradient descent ends in the "
               "minimum whose basin it starts in. This map colours every start by the minimum (★) its run ends in "
               "after 500 steps: the start (−1.9, 0.9) lies in the basin of the local minimum at (−1.70, 0.80) "
               "(f ≈ −0.22), and (−0.5, 0.9) in that of a global one at (−0.09, 0.71) (f ≈ −1.03). Switch to Overlay "
               "to watch the run from (−1.9, 0.9) stop in the local minimum.",
         "ko": "같은 옵티마이저, 같은 lr, 다른 시작점: 여섯 혹 낙타에서 경사 하강법은 출발한 수렴 영역의 "
               "최솟점에서 끝납니다. 이 지도는 모든 시작점을 500 스텝 뒤 도착하는 최솟점(★)의 색으로 칠합니다: "
               "시작점 (−1.9, 0.9)은 (−1.70, 0.80)의 국소 최솟점(f ≈ −0.22)의 수렴 영역에, (−0.5, 0.9)는 "
               "(−0.09, 0.71)의 전역 최솟점(f ≈ −1.03)의 수렴 영역에 있습니다. 겹쳐 보기로 바꾸면 (−1.9, 0.9)에서 "
               "출발한 실행이 국소 최솟점에서 멈추는 것을 볼 수 있습니다."},
        {"surface": "six_hump_camel", "start": [-1.9, 0.9], "steps": 500,
         "optimizers": [lane("gd", "GD lr 0.02", "경사 하강법 lr 0.02", lr=0.02)], "view": {"mode": "basins"}}),
    lesson(
        "saddle_escape",
        {"en": "Escaping a saddle", "ko": "안장점 탈출"},
        {"en": "Started exactly on the x-axis, gradient descent slides into the saddle at the origin and stays: "
               "the gradient there is zero. Add gradient noise (σ = 0.5 here) and the run is pushed off the "
               "ridge and rolls into a minimum. Set noise to 0 to see it stall.",
         "ko": "x축 위에서 정확히 출발하면 경사 하강법은 원점의 안장점으로 미끄러져 멈춥니다: 그곳의 기울기는 "
               "0입니다. 기울기 잡음(여기서는 σ = 0.5)을 더하면 능선에서 밀려나 최솟점으로 굴러갑니다. 잡음을 "
               "0으로 두면 멈추는 것을 볼 수 있습니다."},
        {"surface": "saddle", "start": [1.8, 0.0], "steps": 400, "gradient": {"mode": "analytic", "noise": 0.5, "seed": 0},
         "optimizers": [lane("gd", "GD + noise σ 0.5", "경사 하강법 + 잡음 σ 0.5", lr=0.05)]}),
    lesson(
        "batch_sizes",
        {"en": "Full batch vs SGD vs mini-batch", "ko": "배치 경사 하강법 대 SGD 대 미니배치"},
        {"en": "Fitting a line by least squares. The full-batch gradient (BGD) follows a smooth path; one "
               "sample per step (SGD) is noisy, since every sample pulls its own way; a mini-batch of 8 averages "
               "the noise down. The data panel shows each lane's current line.",
         "ko": "최소제곱으로 직선을 맞춥니다. 전체 배치 기울기(BGD)는 매끄럽게 움직이고, 스텝마다 샘플 하나(SGD)"
               "는 샘플마다 끄는 방향이 달라 흔들리며, 8개 미니배치는 그 잡음을 평균으로 줄입니다. 데이터 "
               "패널에 각 옵티마이저의 현재 직선이 보입니다."},
        {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 200,
         "optimizers": [lane("gd", "BGD (full batch)", "BGD (전체 배치)", lr=0.05),
                        {**lane("gd", "SGD (batch 1)", "SGD (배치 1)", lr=0.05), "batch_size": 1},
                        {**lane("gd", "mini-batch 8", "미니배치 8", lr=0.05), "batch_size": 8}]}),
    lesson(
        "mse_vs_mae",
        {"en": "MSE vs MAE with outliers", "ko": "이상치가 있을 때 MSE 대 MAE"},
        {"en": "Five outliers sit far above the line y = 1.5x + 0.5. One lane minimises the absolute loss (MAE) and "
               "barely notices them: its slope stays near 1.5. The other minimises the squared loss (MSE), which "
               "squares their residuals and tilts the line toward them (slope ≈ 2.4). The data panel draws both "
               "lines; the contour is the MAE landscape.",
         "ko": "직선 y = 1.5x + 0.5 위로 이상치 다섯 개가 멀리 떨어져 있습니다. 한 레인은 절대 오차(MAE)를 "
               "최소화해 이상치를 거의 신경 쓰지 않고 기울기가 1.5 근처에 머뭅니다. 다른 레인은 제곱 오차(MSE)를 "
               "최소화해 잔차를 제곱하므로 직선이 이상치 쪽으로 기웁니다(기울기 ≈ 2.4). 데이터 패널에 두 직선이 "
               "함께 그려지고, 등고선은 MAE 지형입니다."},
        {"surface": "linreg_mae", "start": [-1.5, 3.0], "steps": 400,
         "optimizers": [lane("adam", "MAE fit (Adam)", "MAE 적합 (Adam)", lr=0.05),
                        {**lane("adam", "MSE fit (Adam)", "MSE 적합 (Adam)", lr=0.05), "objective": "linreg_mse"}]}),
    lesson(
        "lr_decay",
        {"en": "Learning-rate decay under noise", "ko": "잡음이 있을 때의 학습률 감소"},
        {"en": "With noisy gradients a constant learning rate keeps the run jittering around the minimum at a "
               "distance set by lr × noise. Decaying the learning rate (×0.98 per step) shrinks the jitter: "
               "the loss keeps falling.",
         "ko": "기울기에 잡음이 있으면 고정 학습률은 lr × 잡음 크기만큼 떨어진 곳에서 최솟점 주위를 계속 "
               "흔들립니다. 학습률을 스텝마다 0.98배로 줄이면 흔들림이 줄어 손실이 계속 내려갑니다."},
        {"surface": "quadratic", "start": [2.5, -1.5], "steps": 300, "gradient": {"mode": "analytic", "noise": 2.0, "seed": 1},
         "optimizers": [lane("gd", "constant lr", "고정 학습률", lr=0.1),
                        {**lane("gd", "exponential decay", "지수 감소", lr=0.1),
                         "schedule": {"type": "exponential", "gamma": 0.98}}]}),
    lesson(
        "adam_then_sgd",
        {"en": "Adam early, SGD late", "ko": "초반엔 Adam, 후반엔 SGD"},
        {"en": "On the plateau the gradient is almost zero, so plain gradient descent stays where it starts. Adam "
               "rescales the tiny gradient and crosses the plain, but near the minimum its steps shrink only "
               "slowly (loss ≈ 1e-9 after 200 steps). Switching to gradient descent at step 60 (fresh state) "
               "keeps Adam's crossing and then converges to machine precision.",
         "ko": "고원에서는 기울기가 거의 0이라 일반 경사 하강법은 출발점에 머뭅니다. Adam은 작은 기울기를 키워 "
               "평원을 건너지만, 최솟점 근처에서는 보폭이 천천히 줄어듭니다(200 스텝 뒤 손실 ≈ 1e-9). 60 "
               "스텝에서 경사 하강법으로 전환하면(상태 초기화) Adam의 이동을 살리면서 기계 정밀도까지 수렴합니다."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 200,
         "optimizers": [lane("gd", "GD lr 0.5", "경사 하강법 lr 0.5", lr=0.5),
                        lane("adam", "Adam lr 0.1", "Adam lr 0.1", lr=0.1),
                        {**lane("adam", "Adam → GD @60", "Adam → 경사 하강법 @60", lr=0.1),
                         "switch": {"at_step": 60, "optimizer": "gd", "params": {"lr": 0.5}}}]}),
    lesson(
        "random_vs_gradient",
        {"en": "Random search vs random local search vs GD", "ko": "무작위 탐색 대 무작위 지역 탐색 대 경사 하강법"},
        {"en": "Without gradients you can still make progress: random search keeps the best of uniform samples "
               "(the rejected ones are drawn faintly), random local search keeps only steps that go down. But "
               "the gradient knows which way is down: gradient descent reaches f ≈ 0 in the same 200 steps.",
         "ko": "기울기 없이도 나아갈 수 있습니다: 무작위 탐색은 균일하게 뽑은 점 중 가장 좋은 점을 남기고(거절된 "
               "점은 흐리게 표시), 무작위 지역 탐색은 내려가는 스텝만 받아들입니다. 하지만 기울기는 내려가는 "
               "방향을 알기에 경사 하강법은 같은 200 스텝에 f ≈ 0에 도달합니다."},
        {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 200,
         "optimizers": [lane("random_search", "random search", "무작위 탐색"),
                        lane("random_local_search", "random local search", "무작위 지역 탐색", step_size=0.2),
                        lane("gd", "GD lr 0.01", "경사 하강법 lr 0.01", lr=0.01)]}),
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
    lesson(
        "flat_vs_sharp",
        {"en": "Flat vs sharp minima", "ko": "평평한 최솟점 대 뾰족한 최솟점"},
        {"en": "Both runs start in the narrow, slightly deeper well. Gradient descent can only rest where "
               "lr < 2 / sharpness: with lr 0.1 it settles in the sharp minimum (sharpness ≈ 16.9, limit 0.12), "
               "with lr 0.5 it is thrown out and settles in the wide one (sharpness ≈ 0.99). The test landscape "
               "is the same function shifted by (0.25, 0.2): the sharp minimum's test loss rises by 0.6, the "
               "flat one's by 0.05, so the flat minimum generalises better.",
         "ko": "두 실행 모두 좁고 조금 더 깊은 우물에서 출발합니다. 경사 하강법은 lr < 2 / 날카로움인 곳에서만 "
               "멈출 수 있습니다: lr 0.1이면 뾰족한 최솟점(날카로움 ≈ 16.9, 한계 0.12)에 자리 잡고, lr 0.5이면 "
               "튕겨 나가 넓은 최솟점(날카로움 ≈ 0.99)에 자리 잡습니다. 테스트 지형은 같은 함수를 (0.25, 0.2)만큼 "
               "옮긴 것으로, 뾰족한 최솟점의 테스트 손실은 0.6, 평평한 최솟점은 0.05 오르므로 평평한 최솟점이 "
               "더 잘 일반화됩니다."},
        {"surface": "flat_sharp", "start": [-1.55, 1.25], "steps": 300,
         "optimizers": [lane("gd", "GD lr 0.1 (sharp)", "경사 하강법 lr 0.1 (뾰족함)", lr=0.1),
                        lane("gd", "GD lr 0.5 (flat)", "경사 하강법 lr 0.5 (평평함)", lr=0.5)],
         "view": {"test_contour": True}}),
    lesson(
        "hinge_vs_ce",
        {"en": "Hinge stops, cross-entropy keeps pushing", "ko": "힌지는 멈추고, 교차 엔트로피는 계속 민다"},
        {"en": "Two separable classes; the contour is the hinge loss, zero on the whole region where every margin "
               "holds. Gradient descent on the hinge loss stops dead once it enters that region: the loss is 0 "
               "and so is its gradient. On cross-entropy it keeps growing the weights (w ≈ 4.5, 5.3, 5.8 after "
               "100, 200, 300 steps), since a larger w makes every prediction more confident. W and 2W have the "
               "same zero hinge loss, and an L2 penalty picks one: add it (the L2 field) and each run stops "
               "growing, near a point of its own (hinge and cross-entropy do not share their regularised "
               "minimum).",
         "ko": "두 클래스가 분리 가능하고, 등고선은 힌지 손실이며 모든 마진이 지켜지는 영역 전체에서 0입니다. "
               "힌지 손실의 경사 하강법은 그 영역에 들어서면 바로 멈춥니다: 손실도 기울기도 0입니다. 교차 "
               "엔트로피에서는 w가 클수록 모든 예측이 더 확신에 차므로 가중치를 계속 키웁니다(100, 200, 300 "
               "스텝에서 w ≈ 4.5, 5.3, 5.8). W와 2W의 힌지 손실은 똑같이 0이고, L2 규제가 그중 하나를 "
               "고릅니다: L2 칸에 규제를 더하면 각 실행이 더 자라지 않고 저마다의 한 점 근처에 머뭅니다(힌지와 "
               "교차 엔트로피의 규제된 최솟점은 서로 다릅니다)."},
        {"surface": "separable_hinge", "start": [-1.5, 3.0], "steps": 300,
         "optimizers": [lane("gd", "hinge loss (GD lr 1)", "힌지 손실 (경사 하강법 lr 1)", lr=1.0),
                        {**lane("gd", "cross-entropy (GD lr 1)", "교차 엔트로피 (경사 하강법 lr 1)", lr=1.0),
                         "objective": "separable_ce"}]}),
    lesson(
        "l1_sparse",
        {"en": "L1 makes weights sparse, L2 spreads them", "ko": "L1은 가중치를 희소하게, L2는 고르게"},
        {"en": "The contour is the plain squared loss; each lane adds its own penalty. L1 (3 (|w| + |b|)) pulls "
               "every weight toward 0 with the same force, however small it is, so its minimum lies exactly on "
               "the axis b = 0, where the run ends. L2 (0.75 (w² + b²)) pulls in proportion to the weight, so both shrink "
               "and neither reaches 0. A cosine schedule lets the L1 lane stop hopping across the kink at b = 0.",
         "ko": "등고선은 규제 없는 제곱 오차이고, 각 레인이 자신의 규제를 더합니다. L1 (3 (|w| + |b|))은 "
               "가중치가 아무리 작아도 같은 힘으로 0 쪽으로 당기므로 최솟점이 정확히 b = 0 축 "
               "위에 놓이고, 실행도 거기서 끝납니다. L2 (0.75 (w² + b²))는 가중치에 비례해 당기므로 둘 다 줄어들 뿐 0이 되지 "
               "않습니다. 코사인 스케줄 덕분에 L1 레인이 b = 0의 꺾인 점을 넘나들다 멈춥니다."},
        {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 300,
         "optimizers": [{**lane("gd", "no penalty", "규제 없음", lr=0.1), "schedule": {"type": "cosine", "T_max": 300}},
                        {**lane("gd", "L1 3", "L1 3", lr=0.1), "schedule": {"type": "cosine", "T_max": 300},
                         "surface_options": {"l1": 3.0}},
                        {**lane("gd", "L2 0.75", "L2 0.75", lr=0.1), "schedule": {"type": "cosine", "T_max": 300},
                         "surface_options": {"l2": 0.75}}]}),
    lesson(
        "mae_jitter",
        {"en": "MAE does not settle with a fixed learning rate", "ko": "고정 학습률에서 MAE는 자리 잡지 못한다"},
        {"en": "The absolute loss has kinks, and its gradient does not shrink as the run nears the minimum. With "
               "a fixed lr = 1 gradient descent keeps bouncing across the valley floor in steps of about 0.9. "
               "Decaying the learning rate (×0.98 per step) shrinks the steps with it, and the run settles on the "
               "minimum.",
         "ko": "절대 오차에는 꺾인 점이 있고, 최솟점에 가까워져도 기울기가 줄지 않습니다. 고정 lr = 1에서 "
               "경사 하강법은 약 0.9 크기의 스텝으로 골짜기 바닥을 계속 오갑니다. 학습률을 스텝마다 0.98배로 "
               "줄이면 스텝도 함께 줄어 최솟점에 자리 잡습니다."},
        {"surface": "linreg_mae", "start": [-1.5, 3.0], "steps": 300,
         "optimizers": [lane("gd", "fixed lr 1", "고정 lr 1", lr=1.0),
                        {**lane("gd", "lr 1 × 0.98 per step", "lr 1 × 스텝마다 0.98", lr=1.0),
                         "schedule": {"type": "exponential", "gamma": 0.98}}]}),
    lesson(
        "momentum_escapes",
        {"en": "Momentum rolls out of a local minimum", "ko": "모멘텀은 국소 최솟점을 굴러 나온다"},
        {"en": "Both runs start in the basin of the three-hump camel's local minimum (f ≈ 0.30). Gradient descent "
               "follows the slope into it and stops where the gradient is zero. Momentum carries the speed it "
               "gained on the way down across the edge of that basin, beside the saddle (f ≈ 0.88), and rolls on "
               "into the global minimum at the origin (f = 0).",
         "ko": "두 실행 모두 세 혹 낙타의 국소 최솟점(f ≈ 0.30)의 수렴 영역에서 출발합니다. 경사 하강법은 "
               "경사를 따라 그 안으로 들어가 기울기가 0인 곳에서 멈춥니다. 모멘텀은 내려오며 얻은 속도로 "
               "안장점(f ≈ 0.88) 옆에서 그 수렴 영역의 경계를 넘어 원점의 전역 최솟점(f = 0)까지 굴러갑니다."},
        {"surface": "three_hump_camel", "start": [1.9, 1.2], "steps": 300,
         "optimizers": [lane("gd", "GD lr 0.02", "경사 하강법 lr 0.02", lr=0.02),
                        lane("momentum", "momentum 0.9, lr 0.02", "모멘텀 0.9, lr 0.02", lr=0.02, momentum=0.9)]}),
    lesson(
        "ce_wall",
        {"en": "A confident wrong prediction costs without bound", "ko": "확신에 찬 오답의 비용은 끝이 없다"},
        {"en": "At the start (w, b) = (−2, −4) the model is confidently wrong: one positive sample gets "
               "p ≈ 7e-5, a loss of −log p ≈ 9.6. Cross-entropy rises without bound along that direction, about "
               "linearly, and its gradient does not fade there. So gradient descent rushes down the wall: its "
               "first steps are its longest.",
         "ko": "출발점 (w, b) = (−2, −4)에서 모델은 확신에 찬 오답을 냅니다: 양성 샘플 하나가 p ≈ 7e-5, 손실 "
               "−log p ≈ 9.6을 받습니다. 교차 엔트로피는 그 방향으로 끝없이, 거의 선형으로 커지고 그곳의 "
               "기울기도 사라지지 않습니다. 그래서 경사 하강법은 벽을 따라 내달립니다: 첫 스텝들이 가장 깁니다."},
        {"surface": "logreg_ce", "start": [-2.0, -4.0], "steps": 200,
         "optimizers": [lane("gd", "GD lr 1", "경사 하강법 lr 1", lr=1.0)]}),
    lesson(
        "sign_steps",
        {"en": "Sign-based steps: Lion and Rprop", "ko": "부호만 보는 스텝: Lion과 Rprop"},
        {"en": "On the plateau the gradient is about 1e-4, so gradient descent barely moves. Lion steps by exactly "
               "lr in each coordinate, in the direction of its momentum's sign, however small the gradient: a "
               "straight diagonal path, and it keeps stepping lr around the minimum. Rprop also looks only at each "
               "coordinate's sign, but grows that coordinate's step ×1.2 while the sign holds and halves it when it "
               "flips, so it settles.",
         "ko": "고원에서 기울기는 약 1e-4라서 경사 하강법은 거의 움직이지 않습니다. Lion은 기울기가 아무리 작아도 "
               "각 좌표로 정확히 lr만큼(모멘텀 부호의 방향) 움직여 곧은 대각선 경로를 그리고, 최솟점 주위에서도 "
               "계속 lr씩 오갑니다. Rprop도 각 좌표의 부호만 보지만, 부호가 유지되면 그 좌표의 보폭을 1.2배로 "
               "키우고 뒤집히면 절반으로 줄이므로 자리를 잡습니다."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 150,
         "optimizers": [lane("gd", "GD lr 0.5", "경사 하강법 lr 0.5", lr=0.5),
                        lane("lion", "Lion lr 0.05", "Lion lr 0.05", lr=0.05),
                        lane("rprop", "Rprop lr 0.01", "Rprop lr 0.01", lr=0.01)]}),
    lesson(
        "lbfgs_vs_gd",
        {"en": "Curvature for free: L-BFGS vs gradient descent", "ko": "공짜 곡률: L-BFGS 대 경사 하강법"},
        {"en": "Both use one gradient per step (L-BFGS with max_iter = 1 and no line search). Gradient descent's lr "
               "is capped by the steepest curvature it meets (2 / curvature ≈ 0.0013 at the start), so it crawls "
               "along Rosenbrock's curved valley (loss ≈ 3.9 after 60 steps). L-BFGS estimates the curvature from the differences of its "
               "last gradients, with no Hessian, takes Newton-like steps and reaches (1, 1) (loss ≈ 4e-8). With no line "
               "search nothing checks a step: a poor estimate throws it off the plot at step 35 (loss ≈ 7e7), and the "
               "next step brings it back.",
         "ko": "둘 다 스텝마다 기울기를 한 번 씁니다(L-BFGS는 max_iter = 1, 선 탐색 없음). 경사 하강법의 lr은 만나는 가장 가파른 "
               "곡률에 묶이므로(출발점에서 2 / 곡률 ≈ 0.0013) 로젠브록의 굽은 골짜기를 기어갑니다(60 스텝 뒤 "
               "손실 ≈ 3.9). L-BFGS는 헤시안 없이 최근 기울기들의 차이로 곡률을 추정해 뉴턴과 비슷한 스텝을 "
               "밟고 (1, 1)에 도달합니다(손실 ≈ 4e-8). 선 탐색이 없어 스텝을 확인하는 장치가 없으므로, 35 스텝에서는 "
               "잘못된 추정 때문에 그림 밖으로 튀어 나가지만(손실 ≈ 7e7) 다음 스텝에서 돌아옵니다."},
        {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 60,
         "optimizers": [lane("gd", "GD lr 0.001", "경사 하강법 lr 0.001", lr=0.001),
                        lane("lbfgs", "L-BFGS (one gradient per step)", "L-BFGS (스텝마다 기울기 한 번)", lr=1.0,
                             max_iter=1)]}),
    lesson(
        "schedule_free",
        {"en": "No schedule needed: Schedule-Free AdamW vs cosine", "ko": "스케줄이 필요 없다: Schedule-Free AdamW 대 코사인"},
        {"en": "Fitting a line with mini-batches of 4 samples gives noisy gradients; all three lanes use lr 0.2 and no "
               "weight decay. AdamW at a constant lr keeps hopping around the minimum to the last step. A cosine "
               "schedule lowers the lr to 0 at step 1000, a stopping point it must be told in advance, and settles. "
               "Schedule-Free AdamW keeps lr 0.2 with no schedule: its path y, where it takes its gradients, hops far "
               "less than constant AdamW's and ends with the same final loss as the cosine run in the table. The "
               "point it returns is the running average x (dotted): at step 500, where the cosine lr is still half "
               "and that run still hops, x is already closer to the minimum.",
         "ko": "4개 샘플의 미니배치로 직선을 맞추면 기울기에 잡음이 있습니다. 세 레인 모두 lr 0.2이고 가중치 감쇠는 "
               "없습니다. 고정 lr의 AdamW는 마지막 스텝까지 최솟점 주위를 계속 튀어 다닙니다. 코사인 스케줄은 미리 "
               "알려 준 종료 시점인 1000 스텝에서 lr을 0까지 낮추어 자리를 잡습니다. Schedule-Free AdamW는 스케줄 "
               "없이 lr 0.2를 유지합니다: 기울기를 구하는 점 y의 경로는 고정 AdamW보다 훨씬 덜 튀고, 표의 최종 "
               "손실은 코사인 실행과 같습니다. 이 방법이 돌려주는 점은 이동 평균 x(점선)로, 코사인 lr이 아직 "
               "절반이고 그 실행이 아직 튀어 다니는 500 스텝에서 x는 이미 최솟점에 더 가까이 있습니다."},
        {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 1000,
         "gradient": {"mode": "analytic", "batch_size": 4, "seed": 1},
         "optimizers": [lane("adamw", "AdamW lr 0.2 (constant)", "AdamW lr 0.2 (고정)", lr=0.2, weight_decay=0.0),
                        {**lane("adamw", "AdamW lr 0.2 + cosine", "AdamW lr 0.2 + 코사인", lr=0.2, weight_decay=0.0),
                         "schedule": {"type": "cosine", "T_max": 1000}},
                        lane("schedule_free_adamw", "Schedule-Free lr 0.2 (no schedule)",
                             "Schedule-Free lr 0.2 (스케줄 없음)", lr=0.2, weight_decay=0.0)]}),
    # lanes whose optimizer is an update rule (optimizer "custom"), each editable in the page's rule editor
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
         "optimizers": [rule_lane(SIGN_OF_MOMENTUM, "sign of momentum, b1 = b2 = 0.9",
                                  "모멘텀의 부호, b1 = b2 = 0.9", lr=0.01, b1=0.9, b2=0.9),
                        rule_lane(SIGN_OF_MOMENTUM, "same rule, b1 = 0.9, b2 = 0.99",
                                  "같은 규칙, b1 = 0.9, b2 = 0.99", lr=0.01, b1=0.9, b2=0.99),
                        lane("lion", "built-in Lion", "내장 Lion", lr=0.01)]}),
]
LESSONS = [item for item in LESSONS  # lessons whose optimizers this build has (new families arrive separately)
           if all(_known(o["optimizer"]) and _known((o.get("switch") or {}).get("optimizer", o["optimizer"]))
                  for o in item["state"]["optimizers"])]
