/**
 * Confidence intervals for ratio metrics (issue 17 Build 1): from independent replications, or
 * from batch means of one long run. Every metric of analysis/metrics.ts is a ratio R = E[Y]/E[X]
 * (e.g. waits of answered calls over answered calls), so an observation i (a replication, or a
 * batch) gives a pair (Y_i, X_i); the estimate is ΣY/ΣX and its standard error comes from the
 * residuals Z_i = Y_i − R̂·X_i (the delta method, the classical ratio estimator; Law & Kelton,
 * "Simulation Modeling and Analysis", 5th ed., §9.4.2 / §9.5.3):
 *
 *   R̂ ± t_{b−1, 1−α/2} · s_Z / (X̄ · √b).
 *
 * Unlike the mean of per-batch ratios, this has no small-batch bias.
 */

export type Confidence = 0.95 | 0.99

export interface Interval {
  readonly estimate: number
  readonly halfWidth: number
}

/** ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]
const lnGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0] as number
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
const betaFraction = (a: number, b: number, x: number): number => {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const step = d * c
    h *= step
    if (Math.abs(step - 1) < 1e-15) break
  }
  return h
}

/** The regularised incomplete beta function I_x(a, b). */
export const incompleteBeta = (x: number, a: number, b: number): number => {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export const studentCdf = (t: number, df: number): number => {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5)
  return t >= 0 ? 1 - tail : tail
}

/** The quantile t_{df, p} (p > 0.5), by bisection on the CDF: exact to ~1e-12. */
export const studentQuantile = (p: number, df: number): number => {
  if (!(p > 0.5 && p < 1) || !(df >= 1)) throw new RangeError(`studentQuantile(${p}, ${df})`)
  let lo = 0
  let hi = 1
  while (studentCdf(hi, df) < p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2
    if (studentCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/**
 * R̂ = ΣY/ΣX with its half-width from the residuals (the module's comment); null when ΣX = 0.
 * Fewer than two observations: half-width NaN (no spread can be estimated).
 */
export const ratioInterval = (
  ys: ArrayLike<number>,
  xs: ArrayLike<number>,
  confidence: Confidence,
): Interval | null => {
  const b = ys.length
  let sy = 0
  let sx = 0
  for (let i = 0; i < b; i++) {
    sy += ys[i] as number
    sx += xs[i] as number
  }
  if (sx === 0) return null
  const estimate = sy / sx
  if (b < 2) return { estimate, halfWidth: Number.NaN }
  let ss = 0
  for (let i = 0; i < b; i++) ss += ((ys[i] as number) - estimate * (xs[i] as number)) ** 2
  const sZ = Math.sqrt(ss / (b - 1))
  const halfWidth = (studentQuantile(1 - (1 - confidence) / 2, b - 1) * sZ) / ((sx / b) * Math.sqrt(b))
  return { estimate, halfWidth }
}

/** The ratio residuals Z_i = Y_i − R̂·X_i (what the independence test looks at). */
export const residuals = (ys: ArrayLike<number>, xs: ArrayLike<number>): number[] => {
  let sy = 0
  let sx = 0
  for (let i = 0; i < ys.length; i++) {
    sy += ys[i] as number
    sx += xs[i] as number
  }
  const r = sx === 0 ? 0 : sy / sx
  return Array.from({ length: ys.length }, (_, i) => (ys[i] as number) - r * (xs[i] as number))
}

/**
 * Von Neumann's test statistic for lag-1 correlation of a series, standardised: under
 * independence (and normality) C = 1 − Σ(z_{i+1} − z_i)² / (2·Σ(z_i − z̄)²) has mean 0 and
 * variance (b − 2)/(b² − 1); positively correlated batch means give large C. Returns C/sd, or
 * NaN for a series without spread (e.g. a metric that is 0 in every batch). Fishman & Yarberry
 * (1997), "An implementation of the batch means method", INFORMS J. on Computing 9(3), use it to
 * choose the batch size (their LBATCH rule).
 */
export const vonNeumann = (z: readonly number[]): number => {
  const b = z.length
  if (b < 3) return Number.NaN
  const mean = z.reduce((s, x) => s + x, 0) / b
  let ss = 0
  let sd2 = 0
  for (let i = 0; i < b; i++) {
    ss += ((z[i] as number) - mean) ** 2
    if (i > 0) sd2 += ((z[i] as number) - (z[i - 1] as number)) ** 2
  }
  if (ss <= 1e-12 * Math.max(1, mean * mean * b)) return Number.NaN
  const c = 1 - sd2 / (2 * ss)
  return c / Math.sqrt((b - 2) / (b * b - 1))
}

/** The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export const normalQuantile = (p: number): number => {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const poly = (k: readonly number[], x: number) => k.reduce((s, v) => s * x + v, 0)
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p))
    return poly(c, q) / (poly(d, q) * q + 1)
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (poly(a, r) * q) / (poly(b, r) * r + 1)
}

/** Wilson's score interval for a binomial proportion (coverage of the coverage). */
export const wilsonInterval = (successes: number, n: number, confidence: Confidence): [number, number] => {
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const p = successes / n
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n)
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n)
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}
