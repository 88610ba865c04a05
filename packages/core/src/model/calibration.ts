/** Platt scaling: p = 1 / (1 + exp(-(a * margin + b))). */
export interface PlattCalibration {
  method: 'platt';
  a: number;
  b: number;
}

/** The calibration that leaves the model's own sigmoid untouched. */
export const IDENTITY_CALIBRATION: Readonly<PlattCalibration> = Object.freeze({
  method: 'platt',
  a: 1,
  b: 0,
});

/** Apply a calibration to a raw margin (log-odds). */
export function calibrate(c: PlattCalibration, margin: number): number {
  return 1 / (1 + Math.exp(-(c.a * margin + c.b)));
}

function logLoss(margins: ArrayLike<number>, labels: ArrayLike<number>, a: number, b: number): number {
  let loss = 0;
  for (let i = 0; i < margins.length; i++) {
    const z = a * margins[i] + b;
    // log(1 + e^z) - y z, computed stably
    loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (labels[i] ? z : 0);
  }
  return loss;
}

/** Fit Platt scaling by Newton's method on held-out margins (never on the rows the trees were fitted to). */
export function fitPlatt(margins: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  if (margins.length !== labels.length || margins.length === 0)
    throw new RangeError('need margins with labels');
  let a = 1;
  let b = 0;
  let loss = logLoss(margins, labels, a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < margins.length; i++) {
      const m = margins[i];
      const p = 1 / (1 + Math.exp(-(a * m + b)));
      const r = p - (labels[i] ? 1 : 0);
      const w = p * (1 - p);
      ga += r * m;
      gb += r;
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = logLoss(margins, labels, a - da, b - db);
    while (next > loss && step > 1e-8) {
      step /= 2;
      next = logLoss(margins, labels, a - step * da, b - step * db);
    }
    if (next > loss) break;
    a -= step * da;
    b -= step * db;
    const improved = loss - next;
    loss = next;
    if (improved < 1e-10 * Math.max(1, loss)) break;
  }
  return { method: 'platt', a, b };
}
