"""Special functions the array API standard lacks, written with its functions only.

``erf`` is evaluated from Chebyshev expansions (Clenshaw's recurrence, only multiply-adds,
``exp`` and ``where``), fitted to multi-precision values of erf:
    |x| <= 2:      erf(x) = x * S(x^2/2 - 1)
    2 < |x| < c:   erf(x) = sign(x) * (1 - exp(-x^2) / |x| * L(t)),  t = 1/|x| mapped onto [-1, 1]
    |x| >= c:      erf(x) = sign(x)
float64 uses 17 terms per range and c = 6 (erfc(6) < 2^-53): max error 1.5e-15 over the real
line; float32/float16 use 11 terms and c = 4: max error 3e-8 (below float32's rounding near 1),
and evaluate the |x| <= 2 series as a power series in Horner's form.
"""
from __future__ import annotations

import math

# Chebyshev coefficients (see the module docstring); fitted with mpmath at 400 Chebyshev nodes
_SMALL64 = (0.7415552820424022, -0.30107107338659483, 0.06899483068983162, -0.013916271264722222,
            0.0024207995224334463, -0.0003658639685847479, 4.8620984432336164e-05, -5.749256558005553e-06,
            6.113243578185787e-07, -5.899101522829468e-08, 5.2070090168620994e-09, -4.2329753882797775e-10,
            3.188111214232557e-11, -2.236064018969373e-12, 1.4669180756672385e-13, -9.043363335050056e-15,
            3.611522362598466e-16)
_LARGE64 = (0.5353732068438823, -0.023155412139469343, -0.0016392210759605527, 0.00022227996277609418,
            -8.789999542711263e-06, -8.81039571645337e-07, 1.8418972162709126e-07, -1.408724762923987e-08,
            -2.1633905717263016e-10, 2.1064320406145398e-10, -2.979312339638079e-11, 1.8153981187968034e-12,
            1.4526950430915945e-13, -5.472649303849452e-14, 7.634786937584545e-15, -4.618937525300236e-16,
            -2.1364142957974102e-17)
_SMALL32 = (0.7415552820424022, -0.30107107338659483, 0.06899483068983153, -0.013916271264722216,
            0.002420799522433363, -0.00036586396858477447, 4.862098443238786e-05, -5.749256557980806e-06,
            6.113243578074699e-07, -5.899101529692677e-08, 5.207009142312814e-09)
_LARGE32 = (0.530130877013261, -0.018689308366538843, -0.0007329027318898174, 8.615653175132946e-05,
            -3.406627513306082e-06, -8.525525619686645e-08, 2.385476649357155e-08, -1.8555735649002074e-09,
            5.305753524521664e-11, 5.915061000266127e-12, -1.0498760054056533e-12)
_SPLIT = 2.0


def _chebyshev_to_power(coeffs):
    """The power-series coefficients, highest degree first, of sum c_k T_k(s)."""
    power = [0.0] * len(coeffs)
    t_prev, t_cur = [1.0], [0.0, 1.0]  # T_0, T_1 as power series, lowest degree first
    for k, c in enumerate(coeffs):
        t = t_prev if k == 0 else t_cur
        if k >= 2:  # T_k = 2 s T_(k-1) - T_(k-2)
            t = [0.0] + [2.0 * v for v in t_cur]
            for i, v in enumerate(t_prev):
                t[i] -= v
            t_prev, t_cur = t_cur, t
        for i, v in enumerate(t):
            power[i] += c * v
    return tuple(power[::-1])


# float32's |x| <= 2 fit as a power series in s, evaluated by Horner's rule: two operations a
# term where Clenshaw's recurrence takes three; as accurate as Clenshaw in float32 arithmetic
# (the power coefficients stay below 1 in size: no cancellation to lose digits to)
_SMALL32_POWER = _chebyshev_to_power(_SMALL32)


def _clenshaw(coeffs, s):
    b1 = b2 = 0.0
    for c in coeffs[:0:-1]:
        b1, b2 = 2.0 * s * b1 - b2 + c, b1
    return s * b1 - b2 + coeffs[0]


class SpecialKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def erf(self, a):
        """erf of a real floating array."""
        xp = self.xp
        if a.dtype == xp.float64:
            large, cut = _LARGE64, 6.0
        else:
            large, cut = _LARGE32, 4.0
        ax = xp.abs(a)
        # each range's formula sees only its own range (clipped), so the unused one never
        # overflows into inf - inf
        near = xp.clip(a, -_SPLIT, _SPLIT)
        s = near * near * (2.0 / (_SPLIT * _SPLIT)) - 1.0
        inner = near * (_clenshaw(_SMALL64, s) if a.dtype == xp.float64 else horner(_SMALL32_POWER, s))
        r = xp.clip(ax, _SPLIT, cut)
        lo, hi = 1.0 / cut, 1.0 / _SPLIT
        s = (1.0 / r - lo) * (2.0 / (hi - lo)) - 1.0
        tail = 1.0 - xp.exp(-(r * r)) / r * _clenshaw(large, s)
        outer = xp.where(ax >= cut, xp.ones_like(a), tail)  # (NaN fails the test: it stays NaN)
        outer = xp.where(a < 0, -outer, outer)
        return xp.where(ax <= _SPLIT, inner, outer)

    def erfinv(self, a):
        """The inverse of erf on [-1, 1] (±inf at ±1, NaN outside). Giles's single-precision
        approximation (M. Giles, "Approximating the erfinv function", 2010) as the start,
        then Newton steps on erf, carried out in float64 whatever a's dtype: for |a| >= 1/2
        the steps solve log(erfc(y)) = log(1 - |a|) instead (1 - |a| is exact there, while
        erf(y) - a would lose the digits that decide y)."""
        xp = self.xp
        x = xp.astype(a, xp.float64)
        ax = xp.abs(x)
        inside = ax < 1.0
        t = xp.where(inside, ax, xp.zeros_like(x))  # keeps the unused lanes finite
        y = _erfinv_start(xp, t)
        tail = t >= 0.5
        q = 1.0 - t  # exact for t >= 0.5
        log_q = xp.log(q)
        for _ in range(4):
            # on log(erfc(y)) = log(q) in the tail: nearly linear there, so a start that is
            # off by a few percent (far tails, where Giles's fit was not aimed) still converges
            erfc = self._erfc_nonneg(y)
            gap = xp.where(tail, (xp.log(erfc) - log_q) * erfc, t - _erf_series(y))
            y = y + gap * (_SQRT_PI / 2.0) * xp.exp(y * y)
        y = xp.where(inside, y, xp.where(ax == 1.0, xp.full_like(x, float("inf")), xp.full_like(x, float("nan"))))
        y = xp.copysign(y, x)  # erfinv(-0.) is -0.
        return xp.astype(y, a.dtype)

    def _erfc_nonneg(self, y):
        """erfc(y) for float64 y >= 0.4 to relative precision (1 - erf(y) would keep erf's
        absolute error): erf's tail series for y >= 2, exp(-y^2) erfcx(y) below."""
        xp = self.xp
        r = xp.clip(y, _SPLIT, 6.0)
        lo, hi = 1.0 / 6.0, 1.0 / _SPLIT
        s = (1.0 / r - lo) * (2.0 / (hi - lo)) - 1.0
        tail = xp.exp(-(r * r)) / r * _clenshaw(_LARGE64, s)
        middle = xp.exp(-(y * y)) * _clenshaw(_ERFCX_MIDDLE, (xp.clip(y, 0.4, _SPLIT) - 0.4) * 1.25 - 1.0)
        return xp.where(y >= _SPLIT, tail, middle)


_SQRT_PI = 1.7724538509055159
# erfcx(y) = exp(y^2) erfc(y) on [0.4, 2]: Chebyshev coefficients from 70-digit values of erfc
# (its power series in decimal arithmetic) at 48 Chebyshev nodes
_ERFCX_MIDDLE = (0.4193421081063493, -0.19925882662773675, 0.04223747804578392, -0.008182696654096606, 0.0014715885056287813,
                 -0.0002483768751156394, 3.966238848125318e-05, -6.0296289721560805e-06,
                 8.769831748340597e-07, -1.2252543046776973e-07, 1.649848533675961e-08,
                 -2.1471717581570483e-09, 2.7073193148385833e-10, -3.314106529394771e-11,
                 3.945827525618875e-12, -4.576687157040126e-13, 5.178750330144316e-14,
                 -5.7241783698278975e-15, 6.187485441630205e-16, -6.547553506514012e-17,
                 6.789187984985839e-18)
# Giles's coefficients: erfinv(x) ~ x * p(w), w = -log(1 - x^2), one polynomial each side of w = 5
_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
            -0.00417768164, 0.246640727, 1.50140941)
_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
         0.00943887047, 1.00167406, 2.83297682)


def horner(coeffs, w):
    p = coeffs[0]
    for c in coeffs[1:]:
        p = p * w + c
    return p


# erf's Maclaurin series 2/sqrt(pi) sum (-1)^n y^(2n+1) / (n! (2n+1)), for |y| < 0.6: more
# accurate there than erf's Chebyshev fit, which keeps an absolute error of about one eps
_ERF_SERIES = tuple(2.0 / _SQRT_PI * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(18))[::-1]


def _erf_series(y):
    return y * horner(_ERF_SERIES, y * y)


def _erfinv_start(xp, t):
    """Giles's approximation of erfinv(t) for float64 0 <= t < 1 (relative error ~1e-7)."""
    w = -xp.log((1.0 - t) * (1.0 + t))
    central = horner(_CENTRAL, xp.minimum(w, 5.0) - 2.5)
    tail = horner(_TAIL, xp.sqrt(xp.maximum(w, 5.0)) - 3.0)
    return t * xp.where(w < 5.0, central, tail)


# -- the standard normal CDF Phi, for the exact GELU x * Phi(x) (backends/kernels/activation.py) --
# |x| <= 2:  Phi(x) = 1/2 + x * C(x^2 - 4), one polynomial in x^2 (GELU's own 1/sqrt(2), +1 and
#            *1/2 live in its coefficients, and Horner's rule is two operations a degree); the
#            shift by 4 keeps the partial sums small, which lowers float32's rounding error.
# |x| > 2:   Phi(x) = Q(-x) for x < 0, 1 - Q(x) for x > 0, from the upper tail
#            Q(a) = exp(-a^2/2) / a * T(s), s = 528/38 / (a + 4) - 50/38 (a in [2, 40] onto
#            s in [-1, 1]), always in float64: relative to Phi, so x * Phi(x) stays accurate in
#            the negative tail where 1/2 + (something near -1/2) would keep only absolute
#            precision (erfc(|x|/sqrt 2) without the 1 + erf cancellation).
# Fitted with mpmath at 50 digits: C interpolates (Phi(x) - 1/2) / x in w = x^2 on [0, 4] at
# Chebyshev nodes, in powers of w - 4 (8 terms for float32, 15 for float64); T is the Chebyshev
# series (from 40 nodes) of a * exp(a^2/2) * Q(a) in s, truncated (11 terms for float32 results,
# 19 for float64) and converted to powers of s. The variable 1/(a + 4) keeps the series' one
# singular point (a = infinity) far from the interval, so few terms reach float64 precision.
PHI_SPLIT = 2.0
PHI_SHIFT = 4.0
PHI_CENTRAL32 = (-1.7529151429832798e-08, 4.410435123390462e-08, -2.0870323576961404e-06, 2.3110472088919532e-05,
                 -0.00026939444235762617, 0.0026398528654161895, -0.02307930120343988, 0.2386249322964503)
PHI_CENTRAL64 = (3.838356186416248e-18, -8.712936202299783e-18, 1.606080687698566e-15, -3.234395057243256e-14,
                 8.414465257468465e-13, -1.8791374509119148e-11, 3.873864620721245e-10, -7.232077055844484e-09,
                 1.2128296552598202e-07, -1.8074297555475758e-06, 2.3655407429788837e-05, -0.00026882640566582656,
                 0.0026401409100427747, -0.02307924593909027, 0.2386249340259104)
_TAIL32 = (-1.0024649422054141e-07, 1.3716136125976097e-06, 6.437630761834938e-06, -1.0523368148388752e-05,
           -0.0002098563323202253, -0.0011347206593392833, -0.0039717775064985325, -0.010124426866900646,
           -0.01862914426506166, -0.019976403182908515, 0.3902531457097641)
_TAIL64 = (1.7689832030397949e-12, 2.1482739180515073e-11, -3.7057003737823303e-11, -3.8841506737093686e-10,
           4.951280955399016e-10, 5.971544744543183e-09, -3.5215134964697404e-09, -9.931442731902294e-08,
           -9.219489086915827e-08, 1.6181786731240461e-06, 6.429460606307839e-06, -1.0761490309485608e-05,
           -0.0002098523179153212, -0.0011346182761105355, -0.0039717784169143264, -0.010124444960876791,
           -0.018629144188736325, -0.019976402284416998, 0.3902531457087208)
_TAIL_CAP = 40.0  # Q(40) ~ 1e-350 underflows float64: beyond it the formula needs no new range
_SPLIT_SCALE = 2.0 ** 20  # a rounded to 20 fraction bits squares exactly in float64 for a < 64


def gelu_tail(xp, x, float32_result):
    """(x * Phi(x), Phi(x)) in float64 for a float64 array ``x`` (meant for |x| > 2, where the
    |x| <= 2 polynomial does not reach), accurate relative to each value on both sides."""
    a = xp.clip(xp.abs(x), PHI_SPLIT, _TAIL_CAP)
    t = horner(_TAIL32 if float32_result else _TAIL64, (528.0 / 38.0) / (a + 4.0) - 50.0 / 38.0)
    if float32_result:
        # x came from float32: a^2 is exact in float64, so exp(-a^2/2) rounds once
        density = xp.exp(-0.5 * (a * a))
    else:
        # a^2 rounds in float64, and exp(-a^2/2) would carry that error times a^2/2 (up to 800):
        # a = hi + lo with hi^2 exact, -a^2/2 = -hi^2/2 - lo * (hi + lo/2)
        hi = xp.round(a * _SPLIT_SCALE) / _SPLIT_SCALE
        lo = a - hi
        density = xp.exp(-0.5 * (hi * hi)) * xp.exp(-(lo * (hi + 0.5 * lo)))
    q = density * t / a
    # q for x < 0 (0 + q exactly), 1 - q for x > 0: arithmetic, where a select by sign would
    # branch on every element (NumPy's where on randomly signed values is the slowest step here)
    cdf = xp.astype(x > 0.0, x.dtype) - xp.copysign(q, x)
    return x * cdf, cdf
