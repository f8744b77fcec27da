// One step of a run, explained: the update rule with its numbers filled in, and the terms as vectors.
// Pure functions, no DOM: the inspector (inspector.js) draws what explainStep returns, and tests run it in node.
//
// A run is what POST /api/runs returns with "include": ["state"]: points, gradients (noise included, before
// weight decay), lrs, params, switch, and state {name: [value after step 1, after step 2, ...]}. Step k takes
// points[k] to points[k + 1] with gradients[k] and lrs[k]; the state before it is state[name][k - 1] (the
// optimizer's initial state at a phase's first step) and after it state[name][k]. Every formula follows
// torch's order of operations (torch/optim/*.py, _single_tensor_*), so the recomputed step equals the engine's.

const add = (a, b) => [a[0] + b[0], a[1] + b[1]];
const sub = (a, b) => [a[0] - b[0], a[1] - b[1]];
const scale = (a, s) => [a[0] * s, a[1] * s];
const mul = (a, b) => [a[0] * b[0], a[1] * b[1]];
const div = (a, b) => [a[0] / b[0], a[1] / b[1]];
const map = (a, f) => [f(a[0]), f(a[1])];
const vec = (v) => (Array.isArray(v) ? v : [v, v]);

export const STATELESS = {
  en: "Plain gradient descent keeps no state: every step is −lr × the gradient at the current point, "
    + "nothing is remembered from earlier steps.",
  ko: "일반 경사 하강법은 상태를 기억하지 않습니다: 매 스텝은 현재 점의 기울기 × (−lr)이고, 이전 스텝의 "
    + "정보는 쓰이지 않습니다.",
};

// Term names in both languages (labels of the table rows and of the arrows' legend).
export const TERMS = {
  gradient: { en: "gradient g", ko: "기울기 g" },
  decayed_gradient: { en: "g + weight_decay·θ", ko: "g + weight_decay·θ" },
  minus_lr_g: { en: "−lr·g (plain gradient step)", ko: "−lr·g (일반 경사 하강 스텝)" },
  gradient_share: { en: "−lr·(1 − τ)·g (this gradient's share)", ko: "−lr·(1 − τ)·g (이번 기울기의 몫)" },
  momentum_carry: { en: "−lr·μ·b (momentum carried over)", ko: "−lr·μ·b (이어받은 모멘텀)" },
  lookahead: { en: "−lr·μ·bₜ (Nesterov look-ahead)", ko: "−lr·μ·bₜ (네스테로프 앞보기)" },
  momentum_direction: { en: "−lr·m̂ (bias-corrected momentum direction)", ko: "−lr·m̂ (편향 보정된 모멘텀 방향)" },
  decoupled_decay: { en: "−lr·weight_decay·θ (decoupled decay)", ko: "−lr·weight_decay·θ (분리된 가중치 감쇠)" },
  step: { en: "the step taken", ko: "실제로 내디딘 스텝" },
  effective_lr: { en: "effective per-coordinate lr", ko: "좌표별 실효 학습률" },
  bias_correction1: { en: "bias correction 1 − β₁ᵗ", ko: "편향 보정 1 − β₁ᵗ" },
  bias_correction2: { en: "bias correction 1 − β₂ᵗ", ko: "편향 보정 1 − β₂ᵗ" },
  clr: { en: "decayed lr  lr / (1 + (t − 1)·lr_decay)", ko: "감소된 lr  lr / (1 + (t − 1)·lr_decay)" },
  denominator: { en: "denominator", ko: "분모" },
  lr: { en: "learning rate", ko: "학습률" },
  mu: { en: "momentum schedule μₜ", ko: "모멘텀 스케줄 μₜ" },
  blend: { en: "β₁m + (1 − β₁)g (its sign is the step)", ko: "β₁m + (1 − β₁)g (그 부호가 스텝)" },
  sign: { en: "sign", ko: "부호" },
  growth: { en: "step-size factor η per coordinate", ko: "좌표별 보폭 배율 η" },
};

// The phase (optimizer and hyperparameters) that takes step k, and the step its phase began at.
export function phaseAt(run, k) {
  const sw = run.switch;
  if (sw && k >= sw.at_step) return { optimizer: sw.optimizer, params: sw.params, start: sw.at_step };
  return { optimizer: run.optimizer, params: run.params, start: 0 };
}

function stateAt(run, name, k, phaseStart, initial) {
  const values = run.state?.[name];
  if (k < phaseStart) return initial;
  const v = values ? values[k] : undefined;
  return v === undefined || v === null ? initial : v;
}

// state before step k (after step k - 1), or the initial value at the phase's first step
function before(run, name, k, phaseStart, initial) {
  return k === phaseStart ? initial : stateAt(run, name, k - 1, phaseStart, initial);
}

function after(run, name, k, phaseStart) {
  const v = run.state?.[name]?.[k];
  return v === undefined ? null : v;
}

const zero = [0, 0];

function withDecay(g, p, wd) {
  return wd ? add(g, scale(p, wd)) : g;
}

const RULES = {
  gd(ctx) {
    const { g, p, lr, hp } = ctx;
    const gp = withDecay(g, p, hp.weight_decay);
    const step = scale(gp, -lr);
    return {
      rule: { en: "θ ← θ − lr·(g + weight_decay·θ)", ko: "θ ← θ − lr·(g + weight_decay·θ)" },
      stateless: true,
      quantities: { decayed_gradient: gp, effective_lr: [lr, lr] },
      state: [],
      arrows: { step },
      step,
    };
  },

  momentum(ctx, nesterov = false) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const mu = hp.momentum;
    const tau = nesterov ? 0 : (hp.dampening ?? 0);
    const gp = withDecay(g, p, hp.weight_decay);
    const prev = before(run, "momentum_buffer", k, start, null);
    const buf = prev === null ? gp : add(scale(prev, mu), scale(gp, 1 - tau));
    const d = nesterov ? add(gp, scale(buf, mu)) : buf;
    const step = scale(d, -lr);
    const arrows = { minus_lr_g: scale(gp, -lr) };
    if (nesterov) arrows.lookahead = scale(buf, -lr * mu);
    else if (prev !== null) {
      if (tau) arrows.gradient_share = scale(gp, -lr * (1 - tau));
      arrows.momentum_carry = scale(prev, -lr * mu);
    }
    arrows.step = step;
    return {
      rule: nesterov
        ? { en: "b ← μ·b + g (b₁ = g₁);  θ ← θ − lr·(g + μ·b)", ko: "b ← μ·b + g (b₁ = g₁);  θ ← θ − lr·(g + μ·b)" }
        : { en: "b ← μ·b + (1 − τ)·g (b₁ = g₁);  θ ← θ − lr·b", ko: "b ← μ·b + (1 − τ)·g (b₁ = g₁);  θ ← θ − lr·b" },
      quantities: { decayed_gradient: gp, effective_lr: [lr, lr] },
      state: [{ name: "momentum_buffer", symbol: "b", before: prev, after: after(run, "momentum_buffer", k, start),
        computed: buf }],
      arrows,
      step,
    };
  },

  nesterov(ctx) {
    return RULES.momentum(ctx, true);
  },

  adagrad(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const gp = withDecay(g, p, hp.weight_decay);
    const t = k - start + 1;
    const clr = lr / (1 + (t - 1) * hp.lr_decay);
    const prev = vec(before(run, "sum", k, start, hp.initial_accumulator_value));
    const sum = add(prev, mul(gp, gp));
    const std = map(sum, (s) => Math.sqrt(s) + hp.eps);
    const step = scale(div(gp, std), -clr);
    return {
      rule: { en: "s ← s + g²;  θ ← θ − clr·g / (√s + ε)", ko: "s ← s + g²;  θ ← θ − clr·g / (√s + ε)" },
      quantities: { decayed_gradient: gp, clr, denominator: std, effective_lr: map(std, (d) => clr / d) },
      state: [
        { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
        { name: "sum", symbol: "s", before: prev, after: after(run, "sum", k, start), computed: sum },
      ],
      arrows: { minus_lr_g: scale(gp, -lr), step },
      step,
    };
  },

  rmsprop(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const gp = withDecay(g, p, hp.weight_decay);
    const t = k - start + 1;
    const a = hp.alpha;
    const saPrev = before(run, "square_avg", k, start, zero);
    const sa = add(scale(saPrev, a), scale(mul(gp, gp), 1 - a));
    const state = [
      { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
      { name: "square_avg", symbol: "v", before: saPrev, after: after(run, "square_avg", k, start), computed: sa },
    ];
    let avg;
    if (hp.centered) {
      const gaPrev = before(run, "grad_avg", k, start, zero);
      const ga = add(scale(gaPrev, a), scale(gp, 1 - a));
      state.push({ name: "grad_avg", symbol: "ḡ", before: gaPrev, after: after(run, "grad_avg", k, start), computed: ga });
      avg = map(sub(sa, mul(ga, ga)), (v) => Math.sqrt(v) + hp.eps);
    } else {
      avg = map(sa, (v) => Math.sqrt(v) + hp.eps);
    }
    const arrows = { minus_lr_g: scale(gp, -lr) };
    let step;
    if (hp.momentum > 0) {
      const bPrev = before(run, "momentum_buffer", k, start, zero);
      const buf = add(scale(bPrev, hp.momentum), div(gp, avg));
      state.push({ name: "momentum_buffer", symbol: "b", before: bPrev, after: after(run, "momentum_buffer", k, start),
        computed: buf });
      arrows.momentum_carry = scale(bPrev, -lr * hp.momentum);
      step = scale(buf, -lr);
    } else {
      step = scale(div(gp, avg), -lr);
    }
    arrows.step = step;
    return {
      rule: hp.momentum > 0
        ? { en: "v ← α·v + (1 − α)·g²;  b ← μ·b + g / (√v + ε);  θ ← θ − lr·b",
          ko: "v ← α·v + (1 − α)·g²;  b ← μ·b + g / (√v + ε);  θ ← θ − lr·b" }
        : { en: "v ← α·v + (1 − α)·g²;  θ ← θ − lr·g / (√v + ε)", ko: "v ← α·v + (1 − α)·g²;  θ ← θ − lr·g / (√v + ε)" },
      quantities: { decayed_gradient: gp, denominator: avg, effective_lr: map(avg, (d) => lr / d) },
      state,
      arrows,
      step,
    };
  },

  adam(ctx, decoupled = false) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const [b1, b2] = hp.betas;
    const t = k - start + 1;
    const arrows = {};
    let theta = p;
    let gp = g;
    if (decoupled) {
      if (hp.weight_decay) arrows.decoupled_decay = scale(p, -lr * hp.weight_decay);
      theta = scale(p, 1 - lr * hp.weight_decay);
    } else {
      gp = withDecay(g, p, hp.weight_decay);
    }
    const mPrev = before(run, "exp_avg", k, start, zero);
    const vPrev = before(run, "exp_avg_sq", k, start, zero);
    const m = add(scale(mPrev, b1), scale(gp, 1 - b1)); // torch: exp_avg.lerp_(grad, 1 - beta1)
    const v = add(scale(vPrev, b2), scale(mul(gp, gp), 1 - b2));
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    const state = [
      { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
      { name: "exp_avg", symbol: "m", before: mPrev, after: after(run, "exp_avg", k, start), computed: m },
      { name: "exp_avg_sq", symbol: "v", before: vPrev, after: after(run, "exp_avg_sq", k, start), computed: v },
    ];
    let vUsed = v;
    if (hp.amsgrad) {
      const maxPrev = before(run, "max_exp_avg_sq", k, start, zero);
      vUsed = [Math.max(maxPrev[0], v[0]), Math.max(maxPrev[1], v[1])];
      state.push({ name: "max_exp_avg_sq", symbol: "v̂ₘₐₓ", before: maxPrev, after: after(run, "max_exp_avg_sq", k, start),
        computed: vUsed });
    }
    const denom = map(vUsed, (x) => Math.sqrt(x) / Math.sqrt(bc2) + hp.eps);
    const stepSize = lr / bc1;
    const update = scale(div(m, denom), -stepSize);
    const next = add(theta, update);
    const step = sub(next, p);
    arrows.minus_lr_g = scale(gp, -lr);
    arrows.momentum_direction = scale(m, -lr / bc1);
    arrows.step = step;
    const rule = decoupled
      ? "θ ← θ·(1 − lr·λ);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)"
      : "m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)";
    return {
      rule: { en: rule, ko: rule },
      quantities: {
        decayed_gradient: gp, bias_correction1: bc1, bias_correction2: bc2, denominator: denom,
        effective_lr: map(denom, (d) => stepSize / d),
      },
      state,
      arrows,
      step,
    };
  },

  adamw(ctx) {
    return RULES.adam(ctx, true);
  },

  adadelta(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const gp = withDecay(g, p, hp.weight_decay);
    const t = k - start + 1;
    const rho = hp.rho;
    const vPrev = before(run, "square_avg", k, start, zero);
    const uPrev = before(run, "acc_delta", k, start, zero);
    const v = add(scale(vPrev, rho), scale(mul(gp, gp), 1 - rho));
    const std = map(v, (x) => Math.sqrt(x + hp.eps));
    const rms = map(uPrev, (x) => Math.sqrt(x + hp.eps));
    const delta = mul(div(rms, std), gp);
    const u = add(scale(uPrev, rho), scale(mul(delta, delta), 1 - rho));
    const step = scale(delta, -lr);
    return {
      rule: { en: "v ← ρv + (1 − ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − lr·Δ",
        ko: "v ← ρv + (1 − ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − lr·Δ" },
      quantities: { decayed_gradient: gp, denominator: std, effective_lr: map(div(rms, std), (r) => lr * r) },
      state: [
        { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
        { name: "square_avg", symbol: "v", before: vPrev, after: after(run, "square_avg", k, start), computed: v },
        { name: "acc_delta", symbol: "u", before: uPrev, after: after(run, "acc_delta", k, start), computed: u },
      ],
      arrows: { minus_lr_g: scale(gp, -lr), step },
      step,
    };
  },

  adamax(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const [b1, b2] = hp.betas;
    const gp = withDecay(g, p, hp.weight_decay);
    const t = k - start + 1;
    const mPrev = before(run, "exp_avg", k, start, zero);
    const uPrev = before(run, "exp_inf", k, start, zero);
    const m = add(scale(mPrev, b1), scale(gp, 1 - b1));
    const u = [Math.max(uPrev[0] * b2, Math.abs(gp[0]) + hp.eps), Math.max(uPrev[1] * b2, Math.abs(gp[1]) + hp.eps)];
    const bc1 = 1 - b1 ** t;
    const clr = lr / bc1;
    const step = scale(div(m, u), -clr);
    return {
      rule: { en: "m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − lr / (1 − β₁ᵗ) · m / u",
        ko: "m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − lr / (1 − β₁ᵗ) · m / u" },
      quantities: { decayed_gradient: gp, bias_correction1: bc1, denominator: u, effective_lr: map(u, (d) => clr / d) },
      state: [
        { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
        { name: "exp_avg", symbol: "m", before: mPrev, after: after(run, "exp_avg", k, start), computed: m },
        { name: "exp_inf", symbol: "u", before: uPrev, after: after(run, "exp_inf", k, start), computed: u },
      ],
      arrows: { minus_lr_g: scale(gp, -lr), momentum_direction: scale(m, -lr / bc1), step },
      step,
    };
  },

  lion(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const [b1, b2] = hp.betas;
    const mPrev = before(run, "exp_avg", k, start, zero);
    const blend = add(scale(mPrev, b1), scale(g, 1 - b1));
    const sgn = map(blend, Math.sign);
    const theta = scale(p, 1 - lr * hp.weight_decay);
    const next = add(theta, scale(sgn, -lr));
    const m = add(scale(mPrev, b2), scale(g, 1 - b2));
    const step = sub(next, p);
    const arrows = { minus_lr_g: scale(g, -lr), momentum_direction: scale(blend, -lr) };
    if (hp.weight_decay) arrows.decoupled_decay = scale(p, -lr * hp.weight_decay);
    arrows.step = step;
    return {
      rule: { en: "θ ← θ·(1 − lr·λ) − lr·sign(β₁m + (1 − β₁)g);  m ← β₂m + (1 − β₂)g",
        ko: "θ ← θ·(1 − lr·λ) − lr·sign(β₁m + (1 − β₁)g);  m ← β₂m + (1 − β₂)g" },
      quantities: { blend, sign: sgn, effective_lr: [lr, lr] },
      state: [{ name: "exp_avg", symbol: "m", before: mPrev, after: after(run, "exp_avg", k, start), computed: m }],
      arrows,
      step,
    };
  },

  rprop(ctx) {
    const { run, k, g, p, hp, start } = ctx;
    const [etaminus, etaplus] = hp.etas;
    const [lo, hi] = hp.step_sizes;
    const t = k - start + 1;
    const prev = before(run, "prev", k, start, zero);
    const sizePrev = vec(before(run, "step_size", k, start, hp.lr));
    const product = mul(g, prev);
    const factor = map(product, (x) => (x > 0 ? etaplus : x < 0 ? etaminus : 1));
    const size = mul(sizePrev, factor).map((x) => Math.min(Math.max(x, lo), hi));
    const used = [product[0] < 0 ? 0 : g[0], product[1] < 0 ? 0 : g[1]];
    const step = scale(mul(map(used, Math.sign), size), -1);
    return {
      rule: { en: "Δ ← clip(η·Δ, Δmin, Δmax), η = η₊ if g·g_prev > 0, η₋ if < 0 (then g := 0);  θ ← θ − sign(g)·Δ",
        ko: "Δ ← clip(η·Δ, Δmin, Δmax), g·g_prev > 0이면 η = η₊, < 0이면 η₋ (그때 g := 0);  θ ← θ − sign(g)·Δ" },
      quantities: { growth: factor, effective_lr: map(size, (x) => x) },
      state: [
        { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
        { name: "prev", symbol: "g_prev", before: prev, after: after(run, "prev", k, start), computed: used },
        { name: "step_size", symbol: "Δ", before: sizePrev, after: after(run, "step_size", k, start), computed: size },
      ],
      arrows: { step },
      step,
    };
  },

  nadam(ctx) {
    const { run, k, g, p, lr, hp, start } = ctx;
    const [b1, b2] = hp.betas;
    const gp = withDecay(g, p, hp.weight_decay);
    const t = k - start + 1;
    const bc2 = 1 - b2 ** t;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * hp.momentum_decay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * hp.momentum_decay));
    const prodPrev = before(run, "mu_product", k, start, 1);
    const prod = prodPrev * mu;
    const prodNext = prod * muNext;
    const mPrev = before(run, "exp_avg", k, start, zero);
    const vPrev = before(run, "exp_avg_sq", k, start, zero);
    const m = add(scale(mPrev, b1), scale(gp, 1 - b1));
    const v = add(scale(vPrev, b2), scale(mul(gp, gp), 1 - b2));
    const denom = map(v, (x) => Math.sqrt(x / bc2) + hp.eps);
    const gradPart = div(scale(gp, (-lr * (1 - mu)) / (1 - prod)), denom);
    const momPart = div(scale(m, (-lr * muNext) / (1 - prodNext)), denom);
    const next = add(add(p, gradPart), momPart);
    const step = sub(next, p);
    return {
      rule: { en: "m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·[(1 − μₜ)g / (1 − Πμ) + μₜ₊₁m / (1 − Πμ·μₜ₊₁)] / (√v̂ + ε)",
        ko: "m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·[(1 − μₜ)g / (1 − Πμ) + μₜ₊₁m / (1 − Πμ·μₜ₊₁)] / (√v̂ + ε)" },
      quantities: { decayed_gradient: gp, bias_correction2: bc2, mu, denominator: denom },
      state: [
        { name: "step", symbol: "t", before: t - 1, after: after(run, "step", k, start), computed: t },
        { name: "mu_product", symbol: "Πμ", before: prodPrev, after: after(run, "mu_product", k, start), computed: prod },
        { name: "exp_avg", symbol: "m", before: mPrev, after: after(run, "exp_avg", k, start), computed: m },
        { name: "exp_avg_sq", symbol: "v", before: vPrev, after: after(run, "exp_avg_sq", k, start), computed: v },
      ],
      arrows: { minus_lr_g: scale(gp, -lr), gradient_share: gradPart, lookahead: momPart, step },
      step,
    };
  },
};

// Optimizers with no state worth a table (no gradient, or a fresh computation every step): what a step does,
// said plainly, in place of a rule written out with its numbers.
export const DESCRIBED = {
  newton: {
    rule: { en: "θ ← θ − lr·Σᵢ vᵢvᵢᵀg / max(|λᵢ|, κ), where H = Σᵢ λᵢvᵢvᵢᵀ",
      ko: "θ ← θ − lr·Σᵢ vᵢvᵢᵀg / max(|λᵢ|, κ), 여기서 H = Σᵢ λᵢvᵢvᵢᵀ" },
    note: { en: "Damped Newton keeps no state: every step divides the gradient by the Hessian's curvature at the "
        + "current point (a negative curvature counted as positive, so a saddle pushes it away), and lr is the "
        + "fraction of that Newton step it takes.",
      ko: "감쇠 뉴턴법은 상태를 기억하지 않습니다: 매 스텝 현재 점에서 헤시안의 곡률로 기울기를 나누고(음의 곡률은 "
        + "양수로 세므로 안장점은 밀어냅니다), lr은 그 뉴턴 스텝 중 내디디는 비율입니다." },
  },
  random_search: {
    rule: null,
    note: { en: "Random search uses no gradient and remembers only the best point so far: every step draws a point "
        + "uniformly over the domain and moves there only if its loss is lower; otherwise the path stays put (a step "
        + "of 0).",
      ko: "무작위 탐색은 기울기를 쓰지 않고 지금까지 가장 좋은 점만 기억합니다: 매 스텝 정의역에서 균일하게 점 하나를 "
        + "뽑아 그 손실이 더 낮을 때만 그 점으로 옮겨 갑니다. 아니면 제자리에 머뭅니다(스텝 0)." },
  },
  random_local_search: {
    rule: null,
    note: { en: "Random local search uses no gradient and keeps no state: every step tries a step of length "
        + "step_size in a random direction and takes it only if the loss drops; otherwise the path stays put (a "
        + "step of 0).",
      ko: "무작위 지역 탐색은 기울기를 쓰지 않고 상태도 기억하지 않습니다: 매 스텝 무작위 방향으로 길이 step_size인 "
        + "스텝을 시도해 손실이 줄어들 때만 내디딥니다. 아니면 제자리에 머뭅니다(스텝 0)." },
  },
};

const GRADIENT_FREE = new Set(["random_search", "random_local_search"]);

// Optimizers without a written-out rule here: their state before and after (from the engine) and the step.
function generic(ctx) {
  const { run, k, g, lr, start } = ctx;
  const names = Object.keys(run.state || {});
  const step = sub(run.points[k + 1], run.points[k]);
  const described = DESCRIBED[phaseAt(run, k).optimizer];
  if (described) {
    return { rule: described.rule, note: described.note, quantities: {}, state: [],
      arrows: g ? { minus_lr_g: scale(g, -lr), step } : { step }, step };
  }
  return {
    rule: null,
    generic: true,
    quantities: {},
    state: names.map((name) => ({ name, symbol: name, before: before(run, name, k, start, null),
      after: after(run, name, k, start), computed: null })),
    arrows: g ? { minus_lr_g: scale(g, -lr), step } : { step },
    step,
  };
}

/** The explanation of step k (0-based: from points[k] to points[k + 1]) of a run, or null past its end;
 *  ``step`` is the rule's step vector, ``actual`` the engine's (points[k + 1] − points[k]). */
export function explainStep(run, k) {
  if (!run || !Number.isInteger(k) || k < 0 || k + 1 >= run.points.length) return null;
  const phase = phaseAt(run, k);
  const g = run.gradients ? run.gradients[k] : null;
  const ctx = { run, k, g, p: run.points[k], lr: run.lrs[k], hp: phase.params, start: phase.start };
  const rule = g && RULES[phase.optimizer] ? RULES[phase.optimizer] : generic;
  const out = rule(ctx);
  const actual = sub(run.points[k + 1], run.points[k]);
  return {
    optimizer: phase.optimizer,
    phaseStart: phase.start,
    index: k,
    t: k - phase.start + 1,
    point: run.points[k],
    next: run.points[k + 1],
    gradient: g,
    lr: GRADIENT_FREE.has(phase.optimizer) ? null : ctx.lr,  // a search has no learning rate
    loss: run.losses?.[k],
    ...out,
    actual,
    // how far the rule's step is from the engine's: 0 up to rounding when the rule is written out here
    mismatch: Math.max(Math.abs(out.step[0] - actual[0]), Math.abs(out.step[1] - actual[1])),
  };
}

export function termLabel(key, lang) {
  const t = TERMS[key];
  return t ? t[lang] || t.en : key;
}
