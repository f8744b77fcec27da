"""One-click lessons: a view's state and a short caption in Korean and English saying what to look at.

Each lesson's claim is checked against the engine in tests/test_lessons.py.
"""
from __future__ import annotations


def lane(optimizer: str, label: str | None = None, **params) -> dict:
    out = {"optimizer": optimizer, "params": params}
    if label:
        out["label"] = label
    return out


LESSONS = [
    {"id": "lr_sizes",
     "title": {"en": "Learning rate: too small, right, too large", "ko": "학습률: 너무 작게, 적당히, 너무 크게"},
     "caption": {"en": "The bowl x² + y² has curvature L = 2, so gradient descent converges only for lr < 2/L = 1. "
                       "At 0.005 it crawls, at 0.4 it arrives in a few steps, at 1.05 every step overshoots further "
                       "and the run diverges.",
                 "ko": "x² + y² 그릇의 곡률은 L = 2이므로 경사 하강법은 lr < 2/L = 1일 때만 수렴합니다. 0.005에서는 "
                       "기어가고, 0.4에서는 몇 스텝 만에 도착하며, 1.05에서는 매 스텝 더 멀리 넘어가 발산합니다."},
     "state": {"surface": "quadratic", "start": [2.5, -1.5], "steps": 100,
               "optimizers": [lane("gd", "lr 0.005 (too small)", lr=0.005), lane("gd", "lr 0.4 (right)", lr=0.4),
                              lane("gd", "lr 1.05 (too large)", lr=1.05)]}},
    {"id": "momentum_ravine",
     "title": {"en": "Momentum in a ravine", "ko": "골짜기에서의 모멘텀"},
     "caption": {"en": "In a ravine the gradient points mostly across the valley. Gradient descent zig-zags between the "
                       "walls and inches along the floor; momentum cancels the zig-zag and accumulates speed along "
                       "the floor, ending far closer to the minimum after the same 150 steps.",
                 "ko": "골짜기에서 기울기는 대부분 골짜기를 가로지르는 방향입니다. 경사 하강법은 벽 사이를 지그재그로 "
                       "오가며 바닥을 따라 조금씩 나아가고, 모멘텀은 지그재그를 상쇄하고 바닥 방향으로 속도를 쌓아 같은 "
                       "150 스텝 뒤 최솟점에 훨씬 가까이 갑니다."},
     "state": {"surface": "ravine", "start": [-9.0, 2.5], "steps": 150,
               "optimizers": [lane("gd", lr=0.15), lane("momentum", lr=0.15, momentum=0.8)]}},
    {"id": "nag_vs_momentum",
     "title": {"en": "Nesterov vs heavy-ball momentum", "ko": "네스테로프 대 헤비볼 모멘텀"},
     "caption": {"en": "Both use momentum 0.95 and the same lr. Heavy-ball momentum overshoots the minimum further; "
                       "Nesterov looks ahead before stepping, brakes earlier and settles sooner.",
                 "ko": "둘 다 모멘텀 0.95와 같은 lr을 씁니다. 헤비볼 모멘텀은 최솟점을 더 멀리 지나치고, 네스테로프는 "
                       "내딛기 전에 앞을 내다보아 더 일찍 제동을 걸고 더 빨리 자리를 잡습니다."},
     "state": {"surface": "ravine", "start": [-9.0, 2.5], "steps": 200,
               "optimizers": [lane("momentum", lr=0.05, momentum=0.95), lane("nesterov", lr=0.05, momentum=0.95)],
               "view": {"arrows": True}}},
    {"id": "adagrad_vs_rmsprop",
     "title": {"en": "Adagrad's shrinking steps vs RMSprop", "ko": "Adagrad의 줄어드는 보폭 대 RMSprop"},
     "caption": {"en": "Adagrad divides by the root of the sum of all squared gradients, so its effective learning "
                       "rate only falls (as 1/√t for steady gradients). RMSprop forgets old gradients: its effective "
                       "rate even grows as the gradients shrink. Compare how far each travels along the floor.",
                 "ko": "Adagrad는 지금까지 모든 기울기 제곱합의 제곱근으로 나누므로 실효 학습률이 줄기만 합니다 "
                       "(기울기가 일정하면 1/√t). RMSprop은 오래된 기울기를 잊어 기울기가 작아지면 실효 학습률이 오히려 커집니다. "
                       "바닥을 따라 얼마나 멀리 가는지 비교해 보세요."},
     "state": {"surface": "ravine", "start": [-9.0, 2.5], "steps": 300,
               "optimizers": [lane("adagrad", lr=0.5), lane("rmsprop", lr=0.05)]}},
    {"id": "adadelta_no_lr",
     "title": {"en": "Adadelta needs no learning rate", "ko": "학습률이 필요 없는 Adadelta"},
     "caption": {"en": "Adadelta sets each step's size from the ratio of two running averages (past steps over past "
                       "gradients), so its units come out right without a tuned learning rate. With torch's default "
                       "lr = 1 it walks from the top of Himmelblau into a minimum.",
                 "ko": "Adadelta는 두 이동 평균의 비(지난 스텝 대 지난 기울기)로 보폭을 정하므로 학습률을 조정하지 "
                       "않아도 단위가 맞습니다. torch 기본값 lr = 1로 힘멜블라우 꼭대기에서 최솟점까지 걸어갑니다."},
     "state": {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 2000,
               "optimizers": [lane("adadelta")]}},
    {"id": "adam_vs_parts",
     "title": {"en": "Adam vs its parts", "ko": "Adam 대 그 구성 요소"},
     "caption": {"en": "On a plateau the gradient is tiny. Momentum alone barely moves (it only smooths the tiny "
                       "gradient); RMSprop rescales it and strides but jitters; Adam = momentum's direction with "
                       "RMSprop's scaling, and reaches the well first.",
                 "ko": "고원에서는 기울기가 아주 작습니다. 모멘텀만으로는 거의 움직이지 않고(작은 기울기를 부드럽게 할 "
                       "뿐), RMSprop은 크기를 키워 성큼 가지만 흔들립니다. Adam은 모멘텀의 방향에 RMSprop의 스케일을 "
                       "더해 가장 먼저 우물에 닿습니다."},
     "state": {"surface": "plateau", "start": [3.6, 2.8], "steps": 300,
               "optimizers": [lane("momentum", lr=0.05, momentum=0.9), lane("rmsprop", lr=0.05),
                              lane("adam", lr=0.05)]}},
    {"id": "local_vs_global",
     "title": {"en": "Local vs global minima", "ko": "국소 최솟점 대 전역 최솟점"},
     "caption": {"en": "Same optimizer, same lr, different starts: on the six-hump camel gradient descent ends in the "
                       "minimum whose basin it starts in. From (−1.9, 0.9) it stops in a local minimum (f ≈ −0.22); from "
                       "(−0.5, 0.9) it reaches a global one (f ≈ −1.03). Open the Basins view to see every start at once.",
                 "ko": "같은 옵티마이저, 같은 lr, 다른 시작점: 여섯 혹 낙타에서 경사 하강법은 출발한 수렴 영역의 "
                       "최솟점에서 끝납니다. (−1.9, 0.9)에서는 국소 최솟점(f ≈ −0.22)에, (−0.5, 0.9)에서는 전역 "
                       "최솟점(f ≈ −1.03)에 도착합니다. 수렴 영역 보기에서 모든 시작점을 한 번에 보세요."},
     "state": {"surface": "six_hump_camel", "start": [-1.9, 0.9], "steps": 500,
               "optimizers": [lane("gd", lr=0.02)], "view": {"mode": "basins"}}},
    {"id": "saddle_escape",
     "title": {"en": "Escaping a saddle", "ko": "안장점 탈출"},
     "caption": {"en": "Started exactly on the x-axis, gradient descent slides into the saddle at the origin and stays: "
                       "the gradient there is zero. Add gradient noise (σ = 0.5 here) and the run is pushed off the "
                       "ridge and rolls into a minimum. Set noise to 0 to see it stall.",
                 "ko": "x축 위에서 정확히 출발하면 경사 하강법은 원점의 안장점으로 미끄러져 멈춥니다: 그곳의 기울기는 "
                       "0입니다. 기울기 잡음(여기서는 σ = 0.5)을 더하면 능선에서 밀려나 최솟점으로 굴러갑니다. 잡음을 "
                       "0으로 두면 멈추는 것을 볼 수 있습니다."},
     "state": {"surface": "saddle", "start": [1.8, 0.0], "steps": 400, "gradient": {"mode": "analytic", "noise": 0.5, "seed": 0},
               "optimizers": [lane("gd", lr=0.05)]}},
    {"id": "batch_sizes",
     "title": {"en": "Full batch vs SGD vs mini-batch", "ko": "배치 경사 하강법 대 SGD 대 미니배치"},
     "caption": {"en": "Fitting a line by least squares. The full-batch gradient (BGD) follows a smooth path; one "
                       "sample per step (SGD) is noisy, since every sample pulls its own way; a mini-batch of 8 averages "
                       "the noise down. The data panel shows each lane's current line.",
                 "ko": "최소제곱으로 직선을 맞춥니다. 전체 배치 기울기(BGD)는 매끄럽게 움직이고, 스텝마다 샘플 하나(SGD)"
                       "는 샘플마다 끄는 방향이 달라 흔들리며, 8개 미니배치는 그 잡음을 평균으로 줄입니다. 데이터 "
                       "패널에 각 옵티마이저의 현재 직선이 보입니다."},
     "state": {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 200,
               "optimizers": [{**lane("gd", "BGD (full batch)", lr=0.05)},
                              {**lane("gd", "SGD (batch 1)", lr=0.05), "batch_size": 1},
                              {**lane("gd", "mini-batch 8", lr=0.05), "batch_size": 8}]}},
    {"id": "mse_vs_mae",
     "title": {"en": "MSE vs MAE with outliers", "ko": "이상치가 있을 때 MSE 대 MAE"},
     "caption": {"en": "Five outliers sit far above the line y = 1.5x + 0.5. The absolute loss (MAE) barely notices "
                       "them: its best slope stays near 1.5. The squared loss (MSE) squares their residuals and tilts "
                       "the line toward them (slope ≈ 2.4). Switch the surface to linreg_mse to compare.",
                 "ko": "직선 y = 1.5x + 0.5 위로 이상치 다섯 개가 멀리 떨어져 있습니다. 절대 오차(MAE)는 거의 신경 쓰지 "
                       "않아 최적 기울기가 1.5 근처에 머물고, 제곱 오차(MSE)는 잔차를 제곱해 직선을 이상치 쪽으로 "
                       "기울입니다(기울기 ≈ 2.4). 곡면을 linreg_mse로 바꿔 비교해 보세요."},
     "state": {"surface": "linreg_mae", "start": [-1.5, 3.0], "steps": 400,
               "optimizers": [lane("adam", lr=0.05)]}},
    {"id": "lr_decay",
     "title": {"en": "Learning-rate decay under noise", "ko": "잡음이 있을 때의 학습률 감소"},
     "caption": {"en": "With noisy gradients a constant learning rate keeps the run jittering around the minimum at a "
                       "distance set by lr × noise. Decaying the learning rate (×0.98 per step) shrinks the jitter: "
                       "the loss keeps falling.",
                 "ko": "기울기에 잡음이 있으면 고정 학습률은 lr × 잡음 크기만큼 떨어진 곳에서 최솟점 주위를 계속 "
                       "흔들립니다. 학습률을 스텝마다 0.98배로 줄이면 흔들림이 줄어 손실이 계속 내려갑니다."},
     "state": {"surface": "quadratic", "start": [2.5, -1.5], "steps": 300, "gradient": {"mode": "analytic", "noise": 2.0, "seed": 1},
               "optimizers": [lane("gd", "constant lr", lr=0.1),
                              {**lane("gd", "exponential decay", lr=0.1), "schedule": {"type": "exponential", "gamma": 0.98}}]}},
    {"id": "adam_then_sgd",
     "title": {"en": "Adam early, SGD late", "ko": "초반엔 Adam, 후반엔 SGD"},
     "caption": {"en": "Adam moves fast from far away, but with a constant lr it keeps taking steps of about lr and "
                       "hovers near the minimum. Switching to plain gradient descent at step 100 (fresh state) lets "
                       "the steps shrink with the gradient, and the run converges to machine precision.",
                 "ko": "Adam은 멀리서 빠르게 다가오지만 고정 lr에서는 계속 약 lr 크기로 움직여 최솟점 근처를 맴돕니다. "
                       "100 스텝에서 일반 경사 하강법으로 전환하면(상태 초기화) 보폭이 기울기와 함께 줄어 기계 정밀도까지 "
                       "수렴합니다."},
     "state": {"surface": "quadratic", "start": [2.5, -1.5], "steps": 300,
               "optimizers": [lane("adam", "Adam", lr=0.1),
                              {**lane("adam", "Adam → GD @100", lr=0.1),
                               "switch": {"at_step": 100, "optimizer": "gd", "params": {"lr": 0.1}}}]}},
    {"id": "random_vs_gradient",
     "title": {"en": "Random search vs random local search vs GD", "ko": "무작위 탐색 대 무작위 지역 탐색 대 경사 하강법"},
     "caption": {"en": "Without gradients you can still make progress: random search keeps the best of uniform samples "
                       "(the rejected ones are drawn faintly), random local search keeps only steps that go down. But "
                       "the gradient knows which way is down: gradient descent reaches f ≈ 0 in the same 200 steps.",
                 "ko": "기울기 없이도 나아갈 수 있습니다: 무작위 탐색은 균일하게 뽑은 점 중 가장 좋은 점을 남기고(거절된 "
                       "점은 흐리게 표시), 무작위 지역 탐색은 내려가는 스텝만 받아들입니다. 하지만 기울기는 내려가는 "
                       "방향을 알기에 경사 하강법은 같은 200 스텝에 f ≈ 0에 도달합니다."},
     "state": {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 200,
               "optimizers": [lane("random_search"), lane("random_local_search", step_size=0.2), lane("gd", lr=0.01)]}},
    {"id": "numerical_gradient",
     "title": {"en": "Numerical vs analytic gradient", "ko": "수치 기울기 대 해석 기울기"},
     "caption": {"en": "Central differences (f(x+h) − f(x−h)) / 2h approximate the gradient with an error of order h². "
                       "With h = 1 on this quartic the error is large and the path bends away from the analytic one; "
                       "set h to 1e-5 (or the mode to analytic) and the two agree to about 1e-10.",
                 "ko": "중앙 차분 (f(x+h) − f(x−h)) / 2h는 h² 정도의 오차로 기울기를 근사합니다. 이 4차 함수에서 h = 1이면 "
                       "오차가 커서 경로가 해석적 경로에서 벗어나고, h를 1e-5로(또는 해석적으로) 바꾸면 둘이 약 1e-10까지 "
                       "일치합니다."},
     "state": {"surface": "styblinski_tang", "start": [0.5, 0.8], "steps": 200,
               "gradient": {"mode": "numerical", "h": 1.0, "noise": 0, "seed": 0},
               "optimizers": [lane("gd", lr=0.01)]}},
]
