"""Exact, fast TER: a numba port of sacrebleu's ``metrics/lib_ter.py``.

:func:`translation_edit_rate` returns exactly what
``sacrebleu.metrics.lib_ter.translation_edit_rate`` returns, on every input: it is
the same algorithm (beam edit distance around the pseudo-diagonal with the same
tie-breaking in the trace, the same trace-based alignment, the same shift
candidates in the same order with the same ``_MAX_SHIFT_SIZE`` /
``_MAX_SHIFT_DIST`` / ``_BEAM_WIDTH`` / ``_MAX_SHIFT_CANDIDATES`` limits and the
same ranking), compiled with numba and run on words mapped to integer ids.

The only thing done differently is caching. sacrebleu keeps a trie of already
computed edit-distance rows keyed by hypothesis prefix; a row depends only on
the prefix words and on the (fixed) hypothesis and reference lengths, so the
cache never changes a result. Here a shift candidate instead starts from the
rows of the current hypothesis it shares a prefix with.

:class:`FastTER` is sacrebleu's ``TER`` with only ``_compute_segment_statistics``
replaced, so tokenization, aggregation and the signature are sacrebleu's own.
:func:`ter_class` picks ``FastTER`` or sacrebleu's ``TER``
(``REVIEW_APP_TER=sacrebleu`` selects the latter). See ``docs/ter.md``.
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Dict, List, Tuple

import numpy as np
from sacrebleu.metrics import TER
from sacrebleu.metrics import lib_ter as _lib_ter

__all__ = ["FastTER", "NUMBA_AVAILABLE", "ter_class", "translation_edit_rate"]

ENV_VAR = "REVIEW_APP_TER"

# The limits of sacrebleu's lib_ter, written out because numba freezes globals
# into the compiled (and disk-cached) code. Checked against sacrebleu below.
_MAX_SHIFT_SIZE = 10
_MAX_SHIFT_DIST = 50
_BEAM_WIDTH = 25
_MAX_SHIFT_CANDIDATES = 1000
_INT_INFINITY = 10**16  # == int(1e16)

_SACREBLEU_MATCHES = (
    _lib_ter._MAX_SHIFT_SIZE == _MAX_SHIFT_SIZE
    and _lib_ter._MAX_SHIFT_DIST == _MAX_SHIFT_DIST
    and _lib_ter._BEAM_WIDTH == _BEAM_WIDTH
    and _lib_ter._MAX_SHIFT_CANDIDATES == _MAX_SHIFT_CANDIDATES
    and _lib_ter._INT_INFINITY == _INT_INFINITY
    and (_lib_ter._COST_INS, _lib_ter._COST_DEL, _lib_ter._COST_SUB) == (1, 1, 1)
)

# Edit operations as stored in the trace matrix (sacrebleu: ' ', 's', 'i', 'd', 'x').
_OP_NOP = 0
_OP_SUB = 1
_OP_INS = 2
_OP_DEL = 3
_OP_UNDEF = 4

try:
    from numba import njit
except ImportError:  # pragma: no cover - exercised only without numba
    NUMBA_AVAILABLE = False
else:
    NUMBA_AVAILABLE = True


def _sacrebleu_translation_edit_rate(words_hyp: List[str], words_ref: List[str]) -> Tuple[int, int]:
    return _lib_ter.translation_edit_rate(words_hyp, words_ref)


if NUMBA_AVAILABLE:

    @njit(cache=True)
    def _beam_bounds(n_h, n_r):
        """Columns [lo[i], hi[i]) computed in row i, as BeamEditDistance._edit_distance."""
        lo = np.zeros(n_h + 1, np.int64)
        hi = np.zeros(n_h + 1, np.int64)
        length_ratio = n_r / n_h if n_h > 0 else 1.0
        if _BEAM_WIDTH < length_ratio / 2:
            beam_width = math.ceil(length_ratio / 2 + _BEAM_WIDTH)
        else:
            beam_width = _BEAM_WIDTH
        for i in range(1, n_h + 1):
            pseudo_diag = math.floor(i * length_ratio)
            lo[i] = max(0, pseudo_diag - beam_width)
            hi[i] = min(n_r + 1, pseudo_diag + beam_width)
            if i == n_h:
                hi[i] = n_r + 1
        return lo, hi

    @njit(cache=True)
    def _rows_with_ops(h, r, start, dist, ops, lo, hi):
        """Rows start+1..n_h of the edit distance matrix, with the operations
        (same preference as sacrebleu: no-op/sub, then deletion, then insertion;
        a later option wins only if strictly cheaper). Row ``start`` must be
        valid already. Cells outside the beam are never written, so they stay
        at infinity / undefined, as in sacrebleu's fresh rows."""
        n_h = h.shape[0]
        for i in range(start + 1, n_h + 1):
            prev = dist[i - 1]
            cur = dist[i]
            op_row = ops[i]
            wh = h[i - 1]
            for j in range(lo[i], hi[i]):
                if j == 0:
                    cur[0] = prev[0] + 1
                    op_row[0] = _OP_DEL
                    continue
                best = _INT_INFINITY
                op = _OP_UNDEF
                if wh == r[j - 1]:
                    cost = prev[j - 1]
                    op_sub = _OP_NOP
                else:
                    cost = prev[j - 1] + 1
                    op_sub = _OP_SUB
                if best > cost:
                    best = cost
                    op = op_sub
                cost = prev[j] + 1
                if best > cost:
                    best = cost
                    op = _OP_DEL
                cost = cur[j - 1] + 1
                if best > cost:
                    best = cost
                    op = _OP_INS
                cur[j] = best
                op_row[j] = op
        return dist[n_h, r.shape[0]]

    @njit(cache=True)
    def _distance_from(h, r, start, base_dist, scratch, lo, hi):
        """Edit distance of ``h`` whose first ``start`` words equal those of the
        hypothesis whose matrix is ``base_dist``: rows up to ``start`` are taken
        from there (what sacrebleu's prefix cache does), the rest go to
        ``scratch``. Distance only, no operations."""
        n_h = h.shape[0]
        n_r = r.shape[0]
        if start == n_h:
            return base_dist[n_h, n_r]
        prev = base_dist[start]
        for i in range(start + 1, n_h + 1):
            cur = scratch[i]
            wh = h[i - 1]
            for j in range(lo[i], hi[i]):
                if j == 0:
                    cur[0] = prev[0] + 1
                    continue
                best = _INT_INFINITY
                if wh == r[j - 1]:
                    cost = prev[j - 1]
                else:
                    cost = prev[j - 1] + 1
                if cost < best:
                    best = cost
                cost = prev[j] + 1
                if cost < best:
                    best = cost
                cost = cur[j - 1] + 1
                if cost < best:
                    best = cost
                cur[j] = best
            prev = cur
        return scratch[n_h, n_r]

    @njit(cache=True)
    def _alignment(ops, n_h, n_r, trace, align, hyp_err, ref_err):
        """Trace back through ``ops`` and turn the flipped trace into the
        alignment (trace_to_alignment(_flip_trace(trace)) in sacrebleu).
        Returns False where sacrebleu would raise on an undefined operation."""
        i = n_h
        j = n_r
        k = 0
        while i > 0 or j > 0:
            op = ops[i, j]
            trace[k] = op
            k += 1
            if op == _OP_NOP or op == _OP_SUB:
                i -= 1
                j -= 1
            elif op == _OP_INS:
                j -= 1
            elif op == _OP_DEL:
                i -= 1
            else:
                return False
        pos_hyp = -1
        pos_ref = -1
        for t in range(k - 1, -1, -1):
            op = trace[t]
            if op == _OP_NOP or op == _OP_SUB:
                err = 1 if op == _OP_SUB else 0
                pos_hyp += 1
                pos_ref += 1
                align[pos_ref] = pos_hyp
                hyp_err[pos_hyp] = err
                ref_err[pos_ref] = err
            elif op == _OP_DEL:  # flipped to an insertion: a hypothesis word
                pos_hyp += 1
                hyp_err[pos_hyp] = 1
            else:  # _OP_INS, flipped to a deletion: a reference word
                pos_ref += 1
                align[pos_ref] = pos_hyp
                ref_err[pos_ref] = 1
        return True

    @njit(cache=True)
    def _perform_shift(words, start, length, target, out):
        """sacrebleu's _perform_shift (including Python's slice clamping) into ``out``."""
        n = words.shape[0]
        k = 0
        if target < start:
            bounds = ((0, target), (start, start + length), (target, start), (start + length, n))
        elif target > start + length:
            bounds = ((0, start), (start + length, target), (start, start + length), (target, n))
        else:
            bounds = ((0, start), (start + length, min(n, length + target)),
                      (start, start + length), (min(n, length + target), n))
        for a, b in bounds:
            for x in range(a, b):
                out[k] = words[x]
                k += 1
        return k

    @njit(cache=True)
    def _ter_ids(hyp, ref):
        """(total edits, status) for integer-id word sequences; status 0 is OK,
        1 means sacrebleu would have raised (undefined operation in the trace),
        2 means a shift changed the hypothesis length (sacrebleu asserts)."""
        n_h = hyp.shape[0]
        n_r = ref.shape[0]
        if n_r == 0:
            return n_h, 0

        lo, hi = _beam_bounds(n_h, n_r)
        words = hyp.copy()
        cand = np.empty(n_h, np.int64)
        base_dist = np.full((n_h + 1, n_r + 1), _INT_INFINITY, np.int64)
        base_ops = np.full((n_h + 1, n_r + 1), _OP_UNDEF, np.int8)
        for j in range(n_r + 1):
            base_dist[0, j] = j
            base_ops[0, j] = _OP_INS
        scratch = np.full((n_h + 1, n_r + 1), _INT_INFINITY, np.int64)
        trace = np.empty(n_h + n_r, np.int8)
        align = np.empty(n_r, np.int64)
        hyp_err = np.empty(n_h, np.int64)
        ref_err = np.empty(n_r, np.int64)

        pre_score = _rows_with_ops(words, ref, 0, base_dist, base_ops, lo, hi)
        shifts = 0
        checked = 0
        while True:
            # --- _shift(): best shift of the current hypothesis ---
            if not _alignment(base_ops, n_h, n_r, trace, align, hyp_err, ref_err):
                return -1, 1
            found = False
            best_score = 0
            best_len = 0
            best_start = 0
            best_idx = 0
            stop = False
            for start_h in range(n_h):
                for start_r in range(n_r):
                    if abs(start_r - start_h) > _MAX_SHIFT_DIST:
                        continue
                    length = 0
                    while length < _MAX_SHIFT_SIZE and words[start_h + length] == ref[start_r + length]:
                        length += 1
                        # candidate (start_h, start_r, length), as yielded by _find_shifted_pairs
                        ok = False
                        for x in range(start_h, start_h + length):
                            if hyp_err[x] != 0:
                                ok = True
                                break
                        if ok:
                            ok = False
                            for x in range(start_r, start_r + length):
                                if ref_err[x] != 0:
                                    ok = True
                                    break
                        if ok and start_h <= align[start_r] < start_h + length:
                            ok = False
                        if ok:
                            prev_idx = -1
                            for offset in range(-1, length):
                                pos = start_r + offset
                                if pos == -1:
                                    idx = 0
                                elif pos < n_r:
                                    idx = align[pos] + 1
                                else:
                                    break
                                if idx == prev_idx:
                                    continue
                                prev_idx = idx
                                if _perform_shift(words, start_h, length, idx, cand) != n_h:
                                    return -1, 2
                                common = min(start_h, idx)
                                while common < n_h and cand[common] == words[common]:
                                    common += 1
                                score = pre_score - _distance_from(
                                    cand, ref, common, base_dist, scratch, lo, hi)
                                checked += 1
                                # tuple order (score, length, -start_h, -idx); equal tuples
                                # mean the same shifted words, so the first one stays
                                better = not found
                                if not better:
                                    if score != best_score:
                                        better = score > best_score
                                    elif length != best_len:
                                        better = length > best_len
                                    elif start_h != best_start:
                                        better = start_h < best_start
                                    else:
                                        better = idx < best_idx
                                if better:
                                    found = True
                                    best_score = score
                                    best_len = length
                                    best_start = start_h
                                    best_idx = idx
                            if checked >= _MAX_SHIFT_CANDIDATES:
                                stop = True
                                break
                        if n_h == start_h + length or n_r == start_r + length:
                            break
                    if stop:
                        break
                if stop:
                    break
            # --- translation_edit_rate() main loop ---
            if checked >= _MAX_SHIFT_CANDIDATES:
                break
            if not found or best_score <= 0:
                break
            shifts += 1
            _perform_shift(words, best_start, best_len, best_idx, cand)
            common = min(best_start, best_idx)
            while common < n_h and cand[common] == words[common]:
                common += 1
            words[:] = cand
            pre_score = _rows_with_ops(words, ref, common, base_dist, base_ops, lo, hi)
        return shifts + pre_score, 0


def translation_edit_rate(words_hyp: List[str], words_ref: List[str]) -> Tuple[int, int]:
    """Same result as ``sacrebleu.metrics.lib_ter.translation_edit_rate``: (number of edits, reference length)."""
    if not NUMBA_AVAILABLE or not _SACREBLEU_MATCHES:
        return _sacrebleu_translation_edit_rate(words_hyp, words_ref)
    n_words_ref = len(words_ref)
    if n_words_ref == 0:
        return len(words_hyp), 0
    ids: Dict[str, int] = {}
    ref = np.array([ids.setdefault(w, len(ids)) for w in words_ref], dtype=np.int64)
    hyp = np.array([ids.setdefault(w, len(ids)) for w in words_hyp], dtype=np.int64)
    edits, status = _ter_ids(hyp, ref)
    if status != 0:
        # Unreachable for the beam sacrebleu uses; let sacrebleu behave as it does.
        return _sacrebleu_translation_edit_rate(words_hyp, words_ref)
    return int(edits), n_words_ref


class FastTER(TER):
    """sacrebleu's ``TER`` with the per-segment edit computation done by
    :func:`translation_edit_rate`. Everything else (tokenization, aggregation,
    signature) is inherited, so scores and signatures are sacrebleu's."""

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: Dict) -> List[float]:
        # Same as sacrebleu.metrics.ter.TER._compute_segment_statistics.
        ref_lengths = 0
        best_num_edits = int(1e16)

        words_hyp = hypothesis.split()

        ref_words = ref_kwargs['ref_words']
        for words_ref in ref_words:
            num_edits, ref_len = translation_edit_rate(words_hyp, words_ref)
            ref_lengths += ref_len
            if num_edits < best_num_edits:
                best_num_edits = num_edits

        avg_ref_len = ref_lengths / len(ref_words)
        return [best_num_edits, avg_ref_len]


_FAST_NAMES = {"fast", "numba", "fastter"}
_SACREBLEU_NAMES = {"sacrebleu", "reference", "python"}


def ter_class(implementation: str | None = None) -> type[TER]:
    """``FastTER`` or sacrebleu's ``TER``.

    :param implementation: ``"fast"`` or ``"sacrebleu"``; ``None`` reads the
        ``REVIEW_APP_TER`` environment variable (unset or empty: ``"fast"``).
    """
    from_env = implementation is None
    name = (os.environ.get(ENV_VAR, "") if from_env else implementation).strip().lower()
    if name in _SACREBLEU_NAMES:
        return TER
    if name not in _FAST_NAMES and name != "":
        if not from_env:
            raise ValueError(f"unknown TER implementation {implementation!r}: use 'fast' or 'sacrebleu'")
        warnings.warn(f"{ENV_VAR}={os.environ.get(ENV_VAR)!r} is not 'fast' or 'sacrebleu'; "
                      "using the fast TER", RuntimeWarning, stacklevel=2)
    if not NUMBA_AVAILABLE:
        warnings.warn("numba is not importable: using sacrebleu's own (slow) TER", RuntimeWarning,
                      stacklevel=2)
        return TER
    if not _SACREBLEU_MATCHES:
        warnings.warn("sacrebleu's TER limits differ from those ported in review_app.scoring.ter_fast: "
                      "using sacrebleu's own TER", RuntimeWarning, stacklevel=2)
        return TER
    return FastTER
