/**
 * Nelder–Mead minimisation (J. A. Nelder and R. Mead, "A simplex method for function
 * minimization", The Computer Journal 7, 1965), with the standard coefficients: reflection 1,
 * expansion 2, contraction 1/2, shrink 1/2. The models minimise their negative log-likelihood
 * over the logarithms of their parameters, so every step stays in the positive parameter space.
 * Pure.
 */
export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export interface MinimizeOptions {
  /** Stop when the simplex's values differ by less than this (absolute + relative). */
  tolerance?: number;
  maxIterations?: number;
  /** Initial simplex step along each axis. */
  step?: number;
  /** Give up when the best point satisfies this (a fit running to the edge of its space): not converged. */
  stop?: (x: readonly number[]) => boolean;
}

/**
 * Iterations a purchase model's fit may take: the first run, then each restart. Fits on real
 * histories converge in a few hundred (the CD retailer's, the synthetic shop's); a likelihood with
 * no maximum inside the space (a shop where customers buy at random, issue 24) walked the flat
 * ridge for 8,000 an attempt, 26–35 s for `rapport model`. A fit that reaches the cap gives up
 * and is reported as not converged.
 */
export const FIT_ITERATIONS = 1_500;
export const RESTART_ITERATIONS = 500;

/**
 * Whether a shape parameter, given by its logarithm, has left (1e-4, 1e4): the bounds past which
 * select.ts's degenerateWhy rejects a purchase model's fit ("heterogeneity ran away"). The
 * Pareto/NBD's fit stops (not converged) when its best point gets there, instead of walking on.
 */
export const runsAway = (lnShape: number): boolean => Math.abs(lnShape) > Math.log(1e4);

export function nelderMead(f: (x: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const n = start.length;
  const tol = options.tolerance ?? 1e-10;
  const maxIter = options.maxIterations ?? 2000 * n;
  const step = options.step ?? 0.5;
  let evaluations = 0;
  const value = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex: { x: number[]; v: number }[] = [{ x: [...start], v: value(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, v: value(x) });
  }
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tol * (1 + Math.abs(best.v))) {
      converged = true;
      break;
    }
    if (options.stop?.(best.x)) break;
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]!.x[j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = along(-1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = along(-2);
      const ve = value(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < simplex[n - 1]!.v) {
      simplex[n] = { x: reflected, v: vr };
    } else {
      const outside = vr < worst.v;
      const contracted = along(outside ? -0.5 : 0.5);
      const vc = value(contracted);
      if (vc < (outside ? vr : worst.v)) {
        simplex[n] = { x: contracted, v: vc };
      } else {
        simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((xj, j) => best.x[j]! + 0.5 * (xj - best.x[j]!)), v: NaN }));
        for (let i = 1; i <= n; i++) simplex[i]!.v = value(simplex[i]!.x);
      }
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations, evaluations, converged };
}
