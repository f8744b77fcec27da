"""Lessons: step sizes and schedules: how large a step, and how it changes over a run."""
from __future__ import annotations

from .helpers import lane, lesson

LESSONS = [
    lesson(
        "lr_sizes",
        {"en": "Learning rate: too small, right, too large", "ko": "학습률: 너무 작게, 적당히, 너무 크게"},
        {"en": "The bowl x² + y² has curvature L = 2, so gradient descent converges only for lr < 2/L = 1. "
               "At 0.005 it crawls (still 1.07 from the minimum after 100 steps), at 0.4 it reaches the minimum at "
               "step 4, at 1.05 every step overshoots further and the run diverges.",
         "ko": "x² + y² 그릇의 곡률은 L = 2이므로 경사 하강법은 lr < 2/L = 1일 때만 수렴합니다. 0.005에서는 "
               "기어가고(100 스텝 뒤에도 최솟점에서 1.07 떨어져 있음), 0.4에서는 4 스텝에 최솟점에 도달하며, "
               "1.05에서는 매 스텝 더 멀리 넘어가 발산합니다."},
        {"surface": "quadratic", "start": [2.5, -1.5], "steps": 100,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.005),
                        lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.4),
                        lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=1.05)]}),
    lesson(
        "lr_decay",
        {"en": "Learning-rate decay under noise", "ko": "잡음이 있을 때의 학습률 감소"},
        {"en": "With noisy gradients (σ = 2) a constant learning rate keeps the run jittering around the minimum at "
               "a distance set by lr × noise. Decaying the learning rate (×0.98 per step) shrinks the jitter: the "
               "loss keeps falling, and after 300 steps the run is 0.09 from the minimum against the constant "
               "one's 0.26. Neither is at rest: the noise never stops.",
         "ko": "기울기에 잡음이 있으면(σ = 2) 고정 학습률은 lr × 잡음 크기만큼 떨어진 곳에서 최솟점 주위를 계속 "
               "흔들립니다. 학습률을 스텝마다 0.98배로 줄이면 흔들림이 줄어 손실이 계속 내려가고, 300 스텝 뒤 "
               "최솟점에서 0.09 떨어져 있습니다(고정 학습률은 0.26). 잡음이 멈추지 않으니 둘 다 멈춰 있지는 "
               "않습니다."},
        {"surface": "quadratic", "start": [2.5, -1.5], "steps": 300,
         "gradient": {"mode": "analytic", "noise": 2.0, "seed": 1},
         "optimizers": [lane("gd", "constant lr {lr}", "고정 학습률 {lr}", lr=0.1),
                        {**lane("gd", "lr {lr} × {schedule.gamma} per step", "lr {lr} × 스텝마다 {schedule.gamma}",
                                lr=0.1),
                         "schedule": {"type": "exponential", "gamma": 0.98}}]}),
    lesson(
        "mae_jitter",
        {"en": "MAE does not settle with a fixed learning rate", "ko": "고정 학습률에서 MAE는 자리 잡지 못한다"},
        {"en": "The absolute loss has kinks, and its gradient does not shrink as the run nears the minimum. With "
               "a fixed lr = 1 gradient descent keeps bouncing across the valley floor in steps of about 0.9. "
               "Decaying the learning rate (×0.98 per step) shrinks the steps with it, and the run settles on the "
               "minimum (reached at step 103).",
         "ko": "절대 오차에는 꺾인 점이 있고, 최솟점에 가까워져도 기울기가 줄지 않습니다. 고정 lr = 1에서 "
               "경사 하강법은 약 0.9 크기의 스텝으로 골짜기 바닥을 계속 오갑니다. 학습률을 스텝마다 0.98배로 "
               "줄이면 스텝도 함께 줄어 최솟점에 자리 잡습니다(103 스텝에 도달)."},
        {"surface": "linreg_mae", "start": [-1.5, 3.0], "steps": 300,
         "optimizers": [lane("gd", "fixed lr {lr}", "고정 lr {lr}", lr=1.0),
                        {**lane("gd", "lr {lr} × {schedule.gamma} per step", "lr {lr} × 스텝마다 {schedule.gamma}",
                                lr=1.0),
                         "schedule": {"type": "exponential", "gamma": 0.98}}]}),
    lesson(
        "adam_then_sgd",
        {"en": "Adam early, SGD late", "ko": "초반엔 Adam, 후반엔 SGD"},
        {"en": "On the plateau the gradient is almost zero, so plain gradient descent stays where it starts. Adam "
               "rescales the tiny gradient and crosses the plain, but near the minimum its steps shrink only "
               "slowly (loss ≈ 2e-9 after 200 steps). Switching to gradient descent at step 60 (fresh state) "
               "keeps Adam's crossing, reaches the minimum at step 65 and converges to machine precision.",
         "ko": "고원에서는 기울기가 거의 0이라 일반 경사 하강법은 출발점에 머뭅니다. Adam은 작은 기울기를 키워 "
               "평원을 건너지만, 최솟점 근처에서는 보폭이 천천히 줄어듭니다(200 스텝 뒤 손실 ≈ 2e-9). 60 "
               "스텝에서 경사 하강법으로 전환하면(상태 초기화) Adam의 이동을 살리면서 65 스텝에 최솟점에 도달하고 "
               "기계 정밀도까지 수렴합니다."},
        {"surface": "plateau", "start": [3.6, 2.8], "steps": 200,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=0.5),
                        lane("adam", "Adam lr {lr}", "Adam lr {lr}", lr=0.1),
                        {**lane("adam", "Adam → GD @{switch.at_step}", "Adam → 경사 하강법 @{switch.at_step}", lr=0.1),
                         "switch": {"at_step": 60, "optimizer": "gd", "params": {"lr": 0.5}}}]}),
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
         "optimizers": [lane("adamw", "AdamW lr {lr} (constant)", "AdamW lr {lr} (고정)", lr=0.2, weight_decay=0.0),
                        {**lane("adamw", "AdamW lr {lr} + cosine", "AdamW lr {lr} + 코사인", lr=0.2,
                                weight_decay=0.0),
                         "schedule": {"type": "cosine", "T_max": 1000}},
                        lane("schedule_free_adamw", "Schedule-Free lr {lr} (no schedule)",
                             "Schedule-Free lr {lr} (스케줄 없음)", lr=0.2, weight_decay=0.0)]}),
]
