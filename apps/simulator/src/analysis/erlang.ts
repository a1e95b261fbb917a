/**
 * Queueing formulas the simulator is validated against (SPEC B7). Rates are per the same time
 * unit throughout (use seconds): λ arrivals, μ = 1 / mean handle time, θ = 1 / mean patience.
 */

export interface ErlangCInput {
  readonly arrivalRate: number
  readonly serviceRate: number
  readonly agents: number
}

export interface ErlangAInput extends ErlangCInput {
  readonly abandonRate: number
}

export interface QueueMetrics {
  /** Probability that an arriving call waits at all. */
  readonly pWait: number
  /** Probability that an arriving call hangs up before it is answered (0 in Erlang C). */
  readonly pAbandon: number
  /** ASA: mean wait of answered calls (analysis/metrics.ts). */
  readonly asa: number
  /** Mean time in queue of all callers, answered and abandoned (Erlang A's E[W]; = ASA in Erlang C). */
  readonly meanWait: number
  /** Talk time / staffed rep time: λ·(1 − P(abandon)) / (cμ). */
  readonly occupancy: number
  /** Service level at `threshold`: P(answered within the threshold), abandoned calls count against. */
  readonly serviceLevel: number
}

/** Erlang B blocking probability by the stable recurrence B(k) = A·B(k−1) / (k + A·B(k−1)). */
export const erlangB = (load: number, agents: number): number => {
  let b = 1
  for (let k = 1; k <= agents; k++) b = (load * b) / (k + load * b)
  return b
}

/** Erlang C P(wait) from Erlang B: C = c·B / (c − A·(1 − B)); 1 when the load is at least c. */
export const erlangC = (load: number, agents: number): number => {
  if (load >= agents) return 1
  const b = erlangB(load, agents)
  return (agents * b) / (agents - load * (1 - b))
}

/** M/M/c (Erlang C): P(wait), ASA = C/(cμ−λ), SL(T) = 1 − C·e^{−(cμ−λ)T}. Unstable queues get ∞. */
export const erlangCMetrics = (input: ErlangCInput, threshold: number): QueueMetrics => {
  const { arrivalRate: λ, serviceRate: μ, agents: c } = input
  const pWait = erlangC(λ / μ, c)
  const drain = c * μ - λ
  if (drain <= 0)
    return {
      pWait: 1,
      pAbandon: 0,
      asa: Number.POSITIVE_INFINITY,
      meanWait: Number.POSITIVE_INFINITY,
      serviceLevel: 0,
      occupancy: 1,
    }
  const wait = pWait / drain
  return {
    pWait,
    pAbandon: 0,
    asa: wait,
    meanWait: wait,
    serviceLevel: 1 - pWait * Math.exp(-drain * threshold),
    occupancy: λ / (c * μ),
  }
}

/**
 * Garnett–Mandelbaum–Reiman (2002) A(x, y) = (x·e^y / y^x)·γ(x, y) = 1 + Σ_{j≥1} y^j / Π_{k=1..j}(x + k),
 * summed until the terms no longer change the total.
 */
export const gmrA = (x: number, y: number): number => {
  let sum = 1
  let term = 1
  for (let j = 1; j < 10_000_000; j++) {
    term *= y / (x + j)
    sum += term
    if (x + j > y && term < sum * 1e-17) break
  }
  return sum
}

/**
 * M/M/c+M (Erlang A, Palm 1943; formulas of Garnett, Mandelbaum & Reiman 2002, "Designing a call
 * center with impatient customers", MSOM 4(3)):
 *   P(W>0) = A·E / (1 + (A − 1)·E), with A = A(cμ/θ, λ/θ) and E = Erlang B(λ/μ, c);
 *   P(Ab | W>0) = 1/(ρA) + 1 − 1/ρ, ρ = λ/(cμ);  P(Ab) = P(Ab | W>0)·P(W>0);
 *   mean wait of all calls = P(Ab)/θ (Little: θ·E[Q] = λ·P(Ab), E[Q] = λ·E[W]).
 * The service level and the ASA of answered calls are computed numerically (`answeredWithin`,
 * `answeredWaitTotal`).
 */
export const erlangAMetrics = (input: ErlangAInput, threshold: number): QueueMetrics => {
  const { arrivalRate: λ, serviceRate: μ, agents: c, abandonRate: θ } = input
  const a = gmrA((c * μ) / θ, λ / θ)
  const e = erlangB(λ / μ, c)
  const pWait = (a * e) / (1 + (a - 1) * e)
  const ρ = λ / (c * μ)
  const pAbandon = (1 / (ρ * a) + 1 - 1 / ρ) * pWait
  return {
    pWait,
    pAbandon,
    asa: answeredWaitTotal(input) / (1 - pAbandon),
    meanWait: pAbandon / θ,
    serviceLevel: answeredWithin(input, threshold),
    occupancy: (λ * (1 - pAbandon)) / (c * μ),
  }
}

/**
 * E[W·1{answered}] in M/M/c+M, so ASA = E[W·1{answered}] / P(answered). As in `answeredWithin`, an
 * arrival finding n ≥ c calls waits at position m = n − c + 1, where it stays an exponential time
 * of rate r_m = cμ + mθ, then moves up (probability (cμ + (m−1)θ)/r_m) or hangs up. Answered from
 * m with probability S(m) = cμ/(cμ + mθ) (the product telescopes), so with f(0) = 0:
 * f(m) = S(m)/r_m + ((cμ + (m−1)θ)/r_m)·f(m−1), and E[W·1{answered}] = Σ_m π_{c+m−1}·f(m).
 */
export const answeredWaitTotal = (input: ErlangAInput): number => {
  const { serviceRate: μ, agents: c, abandonRate: θ } = input
  const π = birthDeath(input)
  let f = 0
  let total = 0
  for (let m = 1; c + m - 1 < π.length; m++) {
    const r = c * μ + m * θ
    f = (c * μ) / (c * μ + m * θ) / r + ((c * μ + (m - 1) * θ) / r) * f
    total += (π[c + m - 1] ?? 0) * f
  }
  return total
}

/**
 * Stationary probabilities of the number of calls in system, states 0..K, for the birth–death chain
 * (birth λ, death min(n,c)μ + max(n−c,0)θ), with K large enough that the tail is negligible.
 */
export const birthDeath = ({ arrivalRate: λ, serviceRate: μ, agents: c, abandonRate: θ }: ErlangAInput) => {
  const weights = [1]
  let w = 1
  let total = 1
  for (let n = 1; n < 1_000_000; n++) {
    w *= λ / (Math.min(n, c) * μ + Math.max(n - c, 0) * θ)
    weights.push(w)
    total += w
    if (n > c && w < 1e-18 * total) break
  }
  return weights.map((x) => x / total)
}

/**
 * P(a call is answered within T) in M/M/c+M. By PASTA an arrival finds n calls with the stationary
 * probability; with m = n − c + 1 ≥ 1 it waits at position m. At position m it moves up at rate
 * cμ + (m−1)θ (a rep frees up or someone ahead hangs up) and hangs up itself at rate θ; position 0 is
 * answered. The transient chain is solved by uniformization.
 */
export const answeredWithin = (input: ErlangAInput, threshold: number): number => {
  const { serviceRate: μ, agents: c, abandonRate: θ } = input
  const π = birthDeath(input)
  const positions = Math.max(0, π.length - c)
  let answeredAtOnce = 0
  for (let n = 0; n < Math.min(c, π.length); n++) answeredAtOnce += π[n] ?? 0
  if (positions === 0 || threshold <= 0) return answeredAtOnce
  const rate = c * μ + positions * θ
  let v = Array.from({ length: positions + 1 }, (_, m) => (m === 0 ? 0 : (π[c + m - 1] ?? 0)))
  const mean = rate * threshold
  const steps = Math.ceil(mean + 12 * Math.sqrt(mean) + 30)
  // Poisson weights in log space so that e^{−mean} cannot underflow.
  let logPoisson = -mean
  let served = 0
  for (let k = 0; k <= steps; k++) {
    if (k > 0) {
      v = uniformStep(v, rate, c * μ, θ)
      logPoisson += Math.log(mean / k)
    }
    served += Math.exp(logPoisson) * (v[0] ?? 0)
  }
  return answeredAtOnce + served
}

/** One uniformized step: mass at position m moves to m−1 w.p. (cμ+(m−1)θ)/rate, leaves w.p. θ/rate. */
const uniformStep = (v: readonly number[], rate: number, cμ: number, θ: number): number[] => {
  const next = v.map(() => 0)
  next[0] = v[0] ?? 0
  for (let m = 1; m < v.length; m++) {
    const mass = v[m] ?? 0
    const up = (cμ + (m - 1) * θ) / rate
    next[m - 1] = (next[m - 1] ?? 0) + mass * up
    next[m] = (next[m] ?? 0) + mass * (1 - up - θ / rate)
  }
  return next
}

/** Erlang C for θ = 0, Erlang A otherwise. */
export const queueMetrics = (input: ErlangAInput, threshold: number): QueueMetrics =>
  input.abandonRate > 0 ? erlangAMetrics(input, threshold) : erlangCMetrics(input, threshold)
