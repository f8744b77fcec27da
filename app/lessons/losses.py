"""Lessons: losses of a small model on its data set: batches, outliers, margins, penalties, confident mistakes."""
from __future__ import annotations

from .helpers import lane, lesson

LESSONS = [
    lesson(
        "batch_sizes",
        {"en": "Full batch vs SGD vs mini-batch", "ko": "배치 경사 하강법 대 SGD 대 미니배치"},
        {"en": "Fitting a line by least squares. The full-batch gradient (BGD) follows a smooth path; one "
               "sample per step (SGD) is noisy, since every sample pulls its own way; a mini-batch of 8 averages "
               "the noise down: after 200 steps BGD has reached the minimum (at step 60), while SGD still wanders "
               "0.44 from it and the mini-batch 0.05. The data panel shows each lane's current line.",
         "ko": "최소제곱으로 직선을 맞춥니다. 전체 배치 기울기(BGD)는 매끄럽게 움직이고, 스텝마다 샘플 하나(SGD)"
               "는 샘플마다 끄는 방향이 달라 흔들리며, 8개 미니배치는 그 잡음을 평균으로 줄입니다. 데이터 "
               "패널에 각 옵티마이저의 현재 직선이 보입니다."},
        {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 200,
         "optimizers": [lane("gd", "BGD (full batch)", "BGD (전체 배치)", lr=0.05),
                        {**lane("gd", "SGD (batch {batch_size})", "SGD (배치 {batch_size})", lr=0.05), "batch_size": 1},
                        {**lane("gd", "mini-batch {batch_size}", "미니배치 {batch_size}", lr=0.05), "batch_size": 8}]}),
    lesson(
        "mse_vs_mae",
        {"en": "MSE vs MAE with outliers", "ko": "이상치가 있을 때 MSE 대 MAE"},
        {"en": "Five outliers sit far above the line y = 1.5x + 0.5. One lane minimises the absolute loss (MAE) and "
               "barely notices them: its slope stays near 1.5. The other minimises the squared loss (MSE), which "
               "squares their residuals and tilts the line toward them (slope ≈ 2.4). Each lane is judged by the "
               "loss it minimises, and each reaches that loss's minimum (MAE at step 134, MSE at step 216). The "
               "data panel draws both lines; the contour is the MAE landscape.",
         "ko": "직선 y = 1.5x + 0.5 위로 이상치 다섯 개가 멀리 떨어져 있습니다. 한 레인은 절대 오차(MAE)를 "
               "최소화해 이상치를 거의 신경 쓰지 않고 기울기가 1.5 근처에 머뭅니다. 다른 레인은 제곱 오차(MSE)를 "
               "최소화해 잔차를 제곱하므로 직선이 이상치 쪽으로 기웁니다(기울기 ≈ 2.4). 각 레인은 자신이 "
               "최소화하는 손실로 판정되며, 둘 다 그 손실의 최솟점에 도달합니다(MAE는 134 스텝, MSE는 216 스텝). "
               "데이터 패널에 두 직선이 함께 그려지고, 등고선은 MAE 지형입니다."},
        {"surface": "linreg_mae", "start": [-1.5, 3.0], "steps": 400,
         "optimizers": [lane("adam", "MAE fit (Adam)", "MAE 적합 (Adam)", lr=0.05),
                        {**lane("adam", "MSE fit (Adam)", "MSE 적합 (Adam)", lr=0.05), "objective": "linreg_mse"}]}),
    lesson(
        "hinge_vs_ce",
        {"en": "Hinge stops, cross-entropy keeps pushing", "ko": "힌지는 멈추고, 교차 엔트로피는 계속 민다"},
        {"en": "Two separable classes; the contour is the hinge loss, zero on the whole region where every margin "
               "holds. Gradient descent on the hinge loss stops dead once it enters that region (step 9): the loss "
               "is 0 and so is its gradient, so it has reached its minimum, 0.59 from the widest-margin point. On "
               "cross-entropy, which has no minimum here, it keeps growing the weights (w ≈ 4.5, 5.3, 5.8 after "
               "100, 200, 300 steps; still moving), since a larger w makes every prediction more confident. W and "
               "2W have the same zero hinge loss, and an L2 penalty picks one: add it (the L2 field) and each run "
               "stops growing, near a point of its own (hinge and cross-entropy do not share their regularised "
               "minimum).",
         "ko": "두 클래스가 분리 가능하고, 등고선은 힌지 손실이며 모든 마진이 지켜지는 영역 전체에서 0입니다. "
               "힌지 손실의 경사 하강법은 그 영역에 들어서면(9 스텝) 바로 멈춥니다: 손실도 기울기도 0이므로 "
               "최대 마진 점에서 0.59 떨어져 있어도 최솟점에 도달한 것입니다. 여기서 최솟점이 없는 교차 "
               "엔트로피에서는 w가 클수록 모든 예측이 더 확신에 차므로 가중치를 계속 키웁니다(100, 200, 300 "
               "스텝에서 w ≈ 4.5, 5.3, 5.8, 아직 움직이는 중). W와 2W의 힌지 손실은 똑같이 0이고, L2 규제가 그중 하나를 "
               "고릅니다: L2 칸에 규제를 더하면 각 실행이 더 자라지 않고 저마다의 한 점 근처에 머뭅니다(힌지와 "
               "교차 엔트로피의 규제된 최솟점은 서로 다릅니다)."},
        {"surface": "separable_hinge", "start": [-1.5, 3.0], "steps": 300,
         "optimizers": [lane("gd", "hinge loss (GD lr {lr})", "힌지 손실 (경사 하강법 lr {lr})", lr=1.0),
                        {**lane("gd", "cross-entropy (GD lr {lr})", "교차 엔트로피 (경사 하강법 lr {lr})", lr=1.0),
                         "objective": "separable_ce"}]}),
    lesson(
        "l1_sparse",
        {"en": "L1 makes weights sparse, L2 spreads them", "ko": "L1은 가중치를 희소하게, L2는 고르게"},
        {"en": "The contour is the plain squared loss; each lane adds its own penalty. L1 (3 (|w| + |b|)) pulls "
               "every weight toward 0 with the same force, however small it is, so its minimum lies exactly on "
               "the axis b = 0, where the run ends (b ≈ 1e-4, reached at step 451). L2 (0.75 (w² + b²)) pulls in "
               "proportion to the weight, so both shrink and neither reaches 0. A cosine schedule lets the L1 lane "
               "stop hopping across the kink at b = 0.",
         "ko": "등고선은 규제 없는 제곱 오차이고, 각 레인이 자신의 규제를 더합니다. L1 (3 (|w| + |b|))은 "
               "가중치가 아무리 작아도 같은 힘으로 0 쪽으로 당기므로 최솟점이 정확히 b = 0 축 위에 놓이고, "
               "실행도 거기서 끝납니다(b ≈ 1e-4, 451 스텝에 도달). L2 (0.75 (w² + b²))는 가중치에 비례해 당기므로 "
               "둘 다 줄어들 뿐 0이 되지 않습니다. 코사인 스케줄 덕분에 L1 레인이 b = 0의 꺾인 점을 넘나들다 "
               "멈춥니다."},
        {"surface": "linreg_mse", "start": [-1.5, 3.0], "steps": 500,
         "optimizers": [{**lane("gd", "no penalty", "규제 없음", lr=0.05), "schedule": {"type": "cosine", "T_max": 500}},
                        {**lane("gd", "L1 {l1}", "L1 {l1}", lr=0.05), "schedule": {"type": "cosine", "T_max": 500},
                         "surface_options": {"l1": 3.0}},
                        {**lane("gd", "L2 {l2}", "L2 {l2}", lr=0.05), "schedule": {"type": "cosine", "T_max": 500},
                         "surface_options": {"l2": 0.75}}]}),
    lesson(
        "ce_wall",
        {"en": "A confident wrong prediction costs without bound", "ko": "확신에 찬 오답의 비용은 끝이 없다"},
        {"en": "At the start (w, b) = (−1.5, −3.5) the model is confidently wrong: one positive sample gets "
               "p ≈ 5e-4, a loss of −log p ≈ 7.7. Cross-entropy rises without bound along that direction, about "
               "linearly, and its gradient does not fade there. So gradient descent rushes down the wall: its "
               "first steps are its longest (0.7), and it reaches the minimum at step 61.",
         "ko": "출발점 (w, b) = (−1.5, −3.5)에서 모델은 확신에 찬 오답을 냅니다: 양성 샘플 하나가 p ≈ 5e-4, 손실 "
               "−log p ≈ 7.7을 받습니다. 교차 엔트로피는 그 방향으로 끝없이, 거의 선형으로 커지고 그곳의 "
               "기울기도 사라지지 않습니다. 그래서 경사 하강법은 벽을 따라 내달립니다: 첫 스텝들이 가장 길고"
               "(0.7), 61 스텝에 최솟점에 도달합니다."},
        {"surface": "logreg_ce", "start": [-1.5, -3.5], "steps": 200,
         "optimizers": [lane("gd", "GD lr {lr}", "경사 하강법 lr {lr}", lr=1.0)]}),
]
