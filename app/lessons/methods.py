"""Lessons: optimizers compared: momentum, adaptive steps, sign steps, curvature, search."""
from __future__ import annotations

from .helpers import lane, lesson

LESSONS = [
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
]
