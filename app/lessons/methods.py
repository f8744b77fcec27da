"""Lessons: optimizers compared: momentum, adaptive steps, sign steps, curvature, search."""
from __future__ import annotations

from .helpers import lane, lesson

LESSONS = [
    lesson(
        "momentum_ravine",
        {"en": "Momentum in a ravine", "ko": "골짜기에서의 모멘텀"},
        {"en": "In a ravine the gradient points mostly across the valley. Gradient descent's zig-zag across it dies "
               "out in a few steps, and then it only inches along the nearly flat floor (each step shortens the way "
               "by 1.5%). Momentum keeps swinging from wall to wall, but it also accumulates speed along the floor: "
               "it reaches the minimum at step 61, while gradient descent is still 0.93 from it after the 150 steps.",
         "ko": "골짜기에서 기울기는 대부분 골짜기를 가로지르는 방향입니다. 경사 하강법의 지그재그는 몇 스텝 만에 "
               "잦아들고, 그 뒤로는 거의 평평한 바닥을 따라 조금씩만 나아갑니다(한 스텝에 남은 거리의 1.5%). "
               "모멘텀은 벽 사이를 계속 오가지만 바닥 방향으로 속도를 쌓습니다: 모멘텀은 61 스텝에 최솟점에 "
               "도달하고, 경사 하강법은 150 스텝 뒤에도 최솟점에서 0.93 떨어져 있습니다."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 150,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.15),
                        lane("momentum", "momentum {momentum}, lr {lr}", "모멘텀 {momentum}, lr {lr}", lr=0.15,
                             momentum=0.8)]}),
    lesson(
        "nag_vs_momentum",
        {"en": "Nesterov vs heavy-ball momentum", "ko": "네스테로프 대 헤비볼 모멘텀"},
        {"en": "Both use momentum 0.95 and the same lr. Heavy-ball momentum overshoots the minimum further (to "
               "x ≈ 2.7, against 2.4); Nesterov looks ahead before stepping, brakes earlier and settles sooner "
               "(it reaches the minimum at step 204, heavy ball at 241).",
         "ko": "둘 다 모멘텀 0.95와 같은 lr을 씁니다. 헤비볼 모멘텀은 최솟점을 더 멀리 지나치고(x ≈ 2.7까지, "
               "네스테로프는 2.4), 네스테로프는 내딛기 전에 앞을 내다보아 더 일찍 제동을 걸고 더 빨리 자리를 "
               "잡습니다(204 스텝에 최솟점에 도달, 헤비볼은 241 스텝)."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 300,
         "optimizers": [lane("momentum", "heavy ball {momentum}", "헤비볼 {momentum}", lr=0.05, momentum=0.95),
                        lane("nesterov", "Nesterov {momentum}", "네스테로프 {momentum}", lr=0.05, momentum=0.95)],
         "view": {"arrows": True}}),
    lesson(
        "adagrad_vs_rmsprop",
        {"en": "Adagrad's shrinking steps vs RMSprop", "ko": "Adagrad의 줄어드는 보폭 대 RMSprop"},
        {"en": "Same lr 0.1 for both. Adagrad divides by the root of the sum of all squared gradients, so its "
               "effective learning rate only falls (as 1/√t for steady gradients): after 200 steps it is still "
               "far out on the ravine's floor. RMSprop forgets old gradients, its steps stay about lr long, and "
               "it reaches the minimum at step 108.",
         "ko": "둘 다 lr 0.1입니다. Adagrad는 지금까지 모든 기울기 제곱합의 제곱근으로 나누므로 실효 학습률이 "
               "줄기만 합니다(기울기가 일정하면 1/√t): 200 스텝 뒤에도 골짜기 바닥 멀리에 있습니다. RMSprop은 "
               "오래된 기울기를 잊어 보폭이 약 lr로 유지되고, 108 스텝에 최솟점에 도달합니다."},
        {"surface": "ravine", "start": [-9.0, 2.5], "steps": 200,
         "optimizers": [lane("adagrad", "Adagrad lr {lr}", "Adagrad lr {lr}", lr=0.1),
                        lane("rmsprop", "RMSprop lr {lr}", "RMSprop lr {lr}", lr=0.1)]}),
    lesson(
        "adadelta_no_lr",
        {"en": "Adadelta needs no learning rate", "ko": "학습률이 필요 없는 Adadelta"},
        {"en": "Adadelta sets each step's size from the ratio of two running averages (past steps over past "
               "gradients), so its units come out right without a tuned learning rate. With torch's default "
               "lr = 1 it walks from the top of Himmelblau down to the minimum at (3, 2), within 0.01 of it by "
               "step 480 (loss 2.7e-4 at step 500). But it does not stay: its step size is made of its own past "
               "steps, so once it hops across the minimum the hops feed themselves and grow (0.055 long, loss 0.03 "
               "at step 2000), and the table says it is still moving.",
         "ko": "Adadelta는 두 이동 평균의 비(지난 스텝 대 지난 기울기)로 보폭을 정하므로 학습률을 조정하지 "
               "않아도 단위가 맞습니다. torch 기본값 lr = 1로 힘멜블라우 꼭대기에서 (3, 2)의 최솟점까지 걸어 "
               "내려가, 480 스텝에는 0.01 이내에 듭니다(500 스텝에서 손실 2.7e-4). 하지만 머물지 못합니다: "
               "보폭이 자신의 지난 스텝으로 만들어지므로 최솟점을 넘나들기 시작하면 그 넘나듦이 스스로를 키우고"
               "(2000 스텝에서 보폭 0.055, 손실 0.03), 표는 아직 움직이는 중이라고 말합니다."},
        {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 2000,
         "optimizers": [lane("adadelta", "Adadelta lr {lr}", "Adadelta lr {lr}")]}),
    lesson(
        "adam_vs_parts",
        {"en": "Adam vs its parts", "ko": "Adam 대 그 구성 요소"},
        {"en": "On a plateau the gradient is tiny. Momentum alone barely moves (it only smooths the tiny gradient). "
               "RMSprop divides by the root of its average of squared gradients, which starts at 0, so its first steps "
               "are 0.7 long (14 × lr): it drops into the well within 10 steps, then keeps jittering there "
               "(loss ≈ 3e-4, still moving). Adam = momentum's direction with RMSprop's scaling and a bias "
               "correction: its steps stay about lr long, so it drops into the well later (step ≈ 45), reaches the "
               "minimum at step 123 and settles far deeper (loss ≈ 1e-12 in the loss chart).",
         "ko": "고원에서는 기울기가 아주 작습니다. 모멘텀만으로는 거의 움직이지 않습니다(작은 기울기를 부드럽게 할 "
               "뿐). RMSprop은 0에서 시작하는 기울기 제곱 평균의 제곱근으로 나누므로 첫 스텝이 0.7(lr의 14배)이나 "
               "되어 10 스텝 안에 우물로 떨어지지만, 그 뒤로 계속 흔들립니다(손실 ≈ 3e-4, 아직 움직이는 중). "
               "Adam은 모멘텀의 방향에 RMSprop의 스케일과 편향 보정을 더한 것으로, 보폭이 약 lr로 유지되어 더 "
               "늦게(≈ 45 스텝) 우물로 떨어지고, 123 스텝에 최솟점에 도달해 훨씬 깊이 자리 잡습니다(손실 "
               "그래프에서 손실 ≈ 1e-12)."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 300,
         "optimizers": [lane("momentum", "momentum {momentum}", "모멘텀 {momentum}", lr=0.05, momentum=0.9),
                        lane("rmsprop", "RMSprop", "RMSprop", lr=0.05),
                        lane("adam", "Adam", "Adam", lr=0.05)]}),
    lesson(
        "sign_steps",
        {"en": "Sign-based steps: Lion and Rprop", "ko": "부호만 보는 스텝: Lion과 Rprop"},
        {"en": "On the plateau the gradient is about 1e-4, so gradient descent barely moves. Lion steps by exactly "
               "lr in each coordinate, in the direction of its momentum's sign, however small the gradient: a "
               "straight diagonal path, and it keeps stepping lr around the minimum. Rprop also looks only at each "
               "coordinate's sign, but grows that coordinate's step ×1.2 while the sign holds and halves it when it "
               "flips, so it settles (it reaches the minimum at step 39).",
         "ko": "고원에서 기울기는 약 1e-4라서 경사 하강법은 거의 움직이지 않습니다. Lion은 기울기가 아무리 작아도 "
               "각 좌표로 정확히 lr만큼(모멘텀 부호의 방향) 움직여 곧은 대각선 경로를 그리고, 최솟점 주위에서도 "
               "계속 lr씩 오갑니다. Rprop도 각 좌표의 부호만 보지만, 부호가 유지되면 그 좌표의 보폭을 1.2배로 "
               "키우고 뒤집히면 절반으로 줄이므로 자리를 잡습니다(39 스텝에 최솟점에 도달)."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 150,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.5),
                        lane("lion", "Lion lr {lr}", "Lion lr {lr}", lr=0.05),
                        lane("rprop", "Rprop lr {lr}", "Rprop lr {lr}", lr=0.01)]}),
    lesson(
        "lbfgs_vs_gd",
        {"en": "Curvature for free: L-BFGS vs gradient descent", "ko": "공짜 곡률: L-BFGS 대 경사 하강법"},
        {"en": "Both use one gradient per step (L-BFGS with max_iter = 1 and no line search). Gradient descent's lr "
               "is capped by the steepest curvature it meets (2 / curvature ≈ 0.0013 at the start), so it crawls "
               "along Rosenbrock's curved valley (loss ≈ 3.9 after 70 steps). L-BFGS estimates the curvature from "
               "the differences of its last gradients, with no Hessian, takes Newton-like steps and reaches (1, 1) "
               "at step 59, where it stays (loss ≈ 3e-12). With no line search nothing checks a step: a poor "
               "estimate throws it off the plot at step 35 (loss ≈ 7e7), and the next step brings it back.",
         "ko": "둘 다 스텝마다 기울기를 한 번 씁니다(L-BFGS는 max_iter = 1, 선 탐색 없음). 경사 하강법의 lr은 만나는 가장 가파른 "
               "곡률에 묶이므로(출발점에서 2 / 곡률 ≈ 0.0013) 로젠브록의 굽은 골짜기를 기어갑니다(70 스텝 뒤 "
               "손실 ≈ 3.9). L-BFGS는 헤시안 없이 최근 기울기들의 차이로 곡률을 추정해 뉴턴과 비슷한 스텝을 "
               "밟고 59 스텝에 (1, 1)에 도달해 머뭅니다(손실 ≈ 3e-12). 선 탐색이 없어 스텝을 확인하는 장치가 없으므로, 35 스텝에서는 "
               "잘못된 추정 때문에 그림 밖으로 튀어 나가지만(손실 ≈ 7e7) 다음 스텝에서 돌아옵니다."},
        {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 70,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.001),
                        lane("lbfgs", "L-BFGS (one gradient per step)", "L-BFGS (스텝마다 기울기 한 번)", lr=1.0,
                             max_iter=1)]}),
    lesson(
        "random_vs_gradient",
        {"en": "Random search vs random local search vs GD", "ko": "무작위 탐색 대 무작위 지역 탐색 대 경사 하강법"},
        {"en": "Without gradients you can still make progress: random search keeps the best of uniform samples "
               "(the rejected ones are drawn faintly), random local search keeps only steps that go down. But "
               "the gradient knows which way is down: gradient descent reaches the minimum (f = 0) at step 20 of "
               "the same 200.",
         "ko": "기울기 없이도 나아갈 수 있습니다: 무작위 탐색은 균일하게 뽑은 점 중 가장 좋은 점을 남기고(거절된 "
               "점은 흐리게 표시), 무작위 지역 탐색은 내려가는 스텝만 받아들입니다. 하지만 기울기는 내려가는 "
               "방향을 알기에 경사 하강법은 같은 200 스텝 중 20 스텝에 최솟점(f = 0)에 도달합니다."},
        {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 200,
         "optimizers": [lane("random_search", "random search", "무작위 탐색"),
                        lane("random_local_search", "random local search", "무작위 지역 탐색", step_size=0.2),
                        lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.01)]}),
]
