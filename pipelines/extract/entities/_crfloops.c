/* The character CRF's per-position loops in C: Viterbi and forward-backward over a group
 * of sentences laid end to end (`fastcrf`). Sentence k is rows offsets[k]..offsets[k+1]
 * of the (rows, labels) float64 score matrix E.
 *
 * numpy ran them over length-sorted batches with one numpy call per character position,
 * about 1.2 s of the national corpus; these loops take 0.1 s. The arithmetic is numpy's
 * (the same scaling at each step), so the paths are the same and the marginals agree to
 * 1e-14 (`tests/test_ner_model.py` checks both against crfsuite, to 1e-9). Built by setuptools
 * with the package (`pyproject.toml`, ext-modules); where it is missing `fastcrf` runs
 * the numpy loops.
 *
 * `add_rows` adds the emission weights of a feature to every row in one pass (numpy's
 * `E += rows[idx]` builds a temporary array of E's size first); `hash_build` and
 * `hash_index` look up the keys of character-pair features.
 *
 * Arrays come in through the buffer protocol (C-contiguous, checked), so no numpy
 * headers are needed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define MAX_LABELS 64

/* Every offset within [0, n_rows] and none smaller than the one before: the loops index
 * E and the outputs by them. */
static int offsets_fit(const long long *off, Py_ssize_t n_sent, Py_ssize_t n_rows) {
    for (Py_ssize_t k = 0; k <= n_sent; k++)
        if (off[k] < 0 || off[k] > n_rows || (k > 0 && off[k] < off[k - 1]))
            return 0;
    return 1;
}

static int get(PyObject *obj, Py_buffer *view, int writable, const char *fmt, Py_ssize_t itemsize, const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    const char *f = view->format;
    if (f != NULL && (*f == '<' || *f == '=' || *f == '@')) f++;
    if (view->itemsize != itemsize || f == NULL || strlen(f) != 1 || strchr(fmt, *f) == NULL) {
        PyErr_Format(PyExc_TypeError, "%s: expected a C-contiguous array of one of the formats '%s'", name, fmt);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* viterbi(E, offsets, trans, path): path[t] = the best label of row t; of equal scores
 * the first label wins, as in crfsuite. */
static PyObject *viterbi(PyObject *self, PyObject *args) {
    PyObject *oE, *oOff, *oT, *oPath;
    if (!PyArg_ParseTuple(args, "OOOO", &oE, &oOff, &oT, &oPath))
        return NULL;
    Py_buffer bE, bOff, bT, bPath;
    if (get(oE, &bE, 0, "d", 8, "E") < 0) return NULL;
    if (get(oOff, &bOff, 0, "lq", 8, "offsets") < 0) { PyBuffer_Release(&bE); return NULL; }
    if (get(oT, &bT, 0, "d", 8, "trans") < 0) { PyBuffer_Release(&bE); PyBuffer_Release(&bOff); return NULL; }
    if (get(oPath, &bPath, 1, "lq", 8, "path") < 0) {
        PyBuffer_Release(&bE); PyBuffer_Release(&bOff); PyBuffer_Release(&bT); return NULL;
    }
    const double *E = bE.buf, *trans = bT.buf;
    const long long *off = bOff.buf;
    long long *path = bPath.buf;
    Py_ssize_t nl = bT.ndim == 2 ? bT.shape[0] : 0;
    Py_ssize_t n_rows = bE.ndim == 2 ? bE.shape[0] : -1;
    Py_ssize_t n_sent = bOff.len / 8 - 1;
    int ok = nl > 0 && nl <= MAX_LABELS && bT.shape[1] == nl && bE.ndim == 2 && bE.shape[1] == nl
             && bPath.len / 8 == n_rows && n_sent >= 0 && offsets_fit(off, n_sent, n_rows);
    signed char *back = NULL;
    if (ok && n_rows > 0) {
        back = PyMem_Malloc((size_t)n_rows * (size_t)nl);
        if (back == NULL) { ok = 0; PyErr_NoMemory(); }
    }
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        double d[MAX_LABELS], nd[MAX_LABELS];
        for (Py_ssize_t k = 0; k < n_sent; k++) {
            long long a = off[k], b = off[k + 1];
            if (a >= b) continue;
            for (Py_ssize_t j = 0; j < nl; j++) d[j] = E[a * nl + j];
            for (long long t = a + 1; t < b; t++) {
                for (Py_ssize_t j = 0; j < nl; j++) {
                    double best = d[0] + trans[j];
                    int arg = 0;
                    for (Py_ssize_t i = 1; i < nl; i++) {
                        double s = d[i] + trans[i * nl + j];
                        if (s > best) { best = s; arg = (int)i; }
                    }
                    nd[j] = best + E[t * nl + j];
                    back[t * nl + j] = (signed char)arg;
                }
                memcpy(d, nd, sizeof(double) * (size_t)nl);
            }
            int kk = 0;
            for (Py_ssize_t j = 1; j < nl; j++) if (d[j] > d[kk]) kk = (int)j;
            path[b - 1] = kk;
            for (long long t = b - 1; t > a; t--) {
                kk = back[t * nl + kk];
                path[t - 1] = kk;
            }
        }
        Py_END_ALLOW_THREADS
    } else if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "viterbi: E (rows, labels), offsets (sentences + 1), trans (labels, labels) and path (rows) do not fit");
    }
    PyMem_Free(back);
    PyBuffer_Release(&bE); PyBuffer_Release(&bOff); PyBuffer_Release(&bT); PyBuffer_Release(&bPath);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

/* marginals(E, offsets, selected, exp_trans, M): M[t] = the label marginals of row t for
 * the sentences k with selected[k] (forward-backward, each step scaled to sum 1, as the
 * numpy loops do); the rows of other sentences are left as they are. */
static PyObject *marginals(PyObject *self, PyObject *args) {
    PyObject *oE, *oOff, *oSel, *oX, *oM;
    if (!PyArg_ParseTuple(args, "OOOOO", &oE, &oOff, &oSel, &oX, &oM))
        return NULL;
    Py_buffer bE, bOff, bSel, bX, bM;
    if (get(oE, &bE, 0, "d", 8, "E") < 0) return NULL;
    if (get(oOff, &bOff, 0, "lq", 8, "offsets") < 0) { PyBuffer_Release(&bE); return NULL; }
    if (get(oSel, &bSel, 0, "?", 1, "selected") < 0) { PyBuffer_Release(&bE); PyBuffer_Release(&bOff); return NULL; }
    if (get(oX, &bX, 0, "d", 8, "exp_trans") < 0) {
        PyBuffer_Release(&bE); PyBuffer_Release(&bOff); PyBuffer_Release(&bSel); return NULL;
    }
    if (get(oM, &bM, 1, "d", 8, "M") < 0) {
        PyBuffer_Release(&bE); PyBuffer_Release(&bOff); PyBuffer_Release(&bSel); PyBuffer_Release(&bX); return NULL;
    }
    const double *E = bE.buf, *X = bX.buf;
    const long long *off = bOff.buf;
    const char *sel = bSel.buf;
    double *M = bM.buf;
    Py_ssize_t nl = bX.ndim == 2 ? bX.shape[0] : 0;
    Py_ssize_t n_rows = bE.ndim == 2 ? bE.shape[0] : -1;
    Py_ssize_t n_sent = bOff.len / 8 - 1;
    int ok = nl > 0 && nl <= MAX_LABELS && bX.shape[1] == nl && bE.ndim == 2 && bE.shape[1] == nl
             && bM.len == bE.len && bSel.len == n_sent && n_sent >= 0 && offsets_fit(off, n_sent, n_rows);
    double *ex = NULL;
    if (ok && n_rows > 0) {
        ex = PyMem_Malloc(sizeof(double) * (size_t)n_rows * (size_t)nl);
        if (ex == NULL) { ok = 0; PyErr_NoMemory(); }
    }
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        double a[MAX_LABELS], n[MAX_LABELS], bt[MAX_LABELS];
        for (Py_ssize_t k = 0; k < n_sent; k++) {
            long long lo = off[k], hi = off[k + 1];
            if (!sel[k] || lo >= hi) continue;
            for (long long t = lo; t < hi; t++) {  /* exp(E - max) a row */
                double mx = E[t * nl];
                for (Py_ssize_t j = 1; j < nl; j++) if (E[t * nl + j] > mx) mx = E[t * nl + j];
                for (Py_ssize_t j = 0; j < nl; j++) ex[t * nl + j] = exp(E[t * nl + j] - mx);
            }
            double s = 0.0;
            for (Py_ssize_t j = 0; j < nl; j++) s += ex[lo * nl + j];
            for (Py_ssize_t j = 0; j < nl; j++) { a[j] = ex[lo * nl + j] / s; M[lo * nl + j] = a[j]; }
            for (long long t = lo + 1; t < hi; t++) {  /* forward: alpha in M */
                s = 0.0;
                for (Py_ssize_t j = 0; j < nl; j++) {
                    double acc = 0.0;
                    for (Py_ssize_t i = 0; i < nl; i++) acc += a[i] * X[i * nl + j];
                    n[j] = acc * ex[t * nl + j];
                    s += n[j];
                }
                for (Py_ssize_t j = 0; j < nl; j++) { a[j] = n[j] / s; M[t * nl + j] = a[j]; }
            }
            for (Py_ssize_t j = 0; j < nl; j++) bt[j] = 1.0;
            for (long long t = hi - 2; t >= lo; t--) {  /* backward, times alpha */
                s = 0.0;
                for (Py_ssize_t i = 0; i < nl; i++) {
                    double acc = 0.0;
                    for (Py_ssize_t j = 0; j < nl; j++) acc += ex[(t + 1) * nl + j] * bt[j] * X[i * nl + j];
                    n[i] = acc;
                    s += acc;
                }
                for (Py_ssize_t i = 0; i < nl; i++) { bt[i] = n[i] / s; M[t * nl + i] *= bt[i]; }
            }
            for (long long t = lo; t < hi; t++) {  /* normalise a row */
                s = 0.0;
                for (Py_ssize_t j = 0; j < nl; j++) s += M[t * nl + j];
                for (Py_ssize_t j = 0; j < nl; j++) M[t * nl + j] /= s;
            }
        }
        Py_END_ALLOW_THREADS
    } else if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "marginals: E, offsets, selected, exp_trans and M do not fit");
    }
    PyMem_Free(ex);
    PyBuffer_Release(&bE); PyBuffer_Release(&bOff); PyBuffer_Release(&bSel); PyBuffer_Release(&bX); PyBuffer_Release(&bM);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

/* add_rows(E, rows, idx): E[t] += rows[idx[t]] for every row t of E (a negative index counts
 * from the end, as numpy's does): numpy's `E += rows[idx]` without the temporary array. */
static PyObject *add_rows(PyObject *self, PyObject *args) {
    PyObject *oE, *oR, *oI;
    if (!PyArg_ParseTuple(args, "OOO", &oE, &oR, &oI))
        return NULL;
    Py_buffer bE, bR, bI;
    if (get(oE, &bE, 1, "d", 8, "E") < 0) return NULL;
    if (get(oR, &bR, 0, "d", 8, "rows") < 0) { PyBuffer_Release(&bE); return NULL; }
    if (get(oI, &bI, 0, "lq", 8, "idx") < 0) { PyBuffer_Release(&bE); PyBuffer_Release(&bR); return NULL; }
    double *E = bE.buf;
    const double *R = bR.buf;
    const long long *idx = bI.buf;
    Py_ssize_t nl = bE.ndim == 2 ? bE.shape[1] : 0;
    Py_ssize_t n = bE.ndim == 2 ? bE.shape[0] : 0;
    Py_ssize_t nr = bR.ndim == 2 ? bR.shape[0] : 0;
    int ok = nl > 0 && bR.ndim == 2 && bR.shape[1] == nl && bI.len / 8 == n && nr > 0;
    if (ok) {
        for (Py_ssize_t t = 0; t < n; t++) {
            long long i = idx[t] < 0 ? idx[t] + nr : idx[t];
            if (i < 0 || i >= nr) { ok = 0; break; }
        }
        if (!ok) PyErr_SetString(PyExc_IndexError, "add_rows: an index is out of the rows' range");
    } else {
        PyErr_SetString(PyExc_ValueError, "add_rows: E (n, labels), rows (m, labels) and idx (n) do not fit");
    }
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t t = 0; t < n; t++) {
            long long i = idx[t] < 0 ? idx[t] + nr : idx[t];
            if (i < 0 || i >= nr) continue;  /* checked above; the array may be shared with another thread */
            const double *r = R + i * nl;
            double *e = E + t * nl;
            for (Py_ssize_t j = 0; j < nl; j++) e[j] += r[j];
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&bE); PyBuffer_Release(&bR); PyBuffer_Release(&bI);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

/* A hash table of integer keys (feature keys of character pairs, `(a << 21) | b`): keys
 * in `slots` (a power of two of them, -1 where empty), each key's row in `rows`, linear
 * probing from the key's Fibonacci hash. `np.searchsorted` over the sorted keys took
 * 0.35 s of the national corpus for the three pair features; this, about 0.03 s. */
static inline Py_ssize_t slot_of(long long key, int bits) {
    return (Py_ssize_t)(((unsigned long long)key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

static int bits_of(Py_ssize_t n) {
    int bits = 0;
    while (((Py_ssize_t)1 << bits) < n) bits++;
    return ((Py_ssize_t)1 << bits) == n && bits > 0 && bits < 63 ? bits : -1;
}

/* hash_build(keys, slots, rows): key k (non-negative, distinct) goes to `slots` with row k. */
static PyObject *hash_build(PyObject *self, PyObject *args) {
    PyObject *oK, *oS, *oR;
    if (!PyArg_ParseTuple(args, "OOO", &oK, &oS, &oR))
        return NULL;
    Py_buffer bK, bS, bR;
    if (get(oK, &bK, 0, "lq", 8, "keys") < 0) return NULL;
    if (get(oS, &bS, 1, "lq", 8, "slots") < 0) { PyBuffer_Release(&bK); return NULL; }
    if (get(oR, &bR, 1, "lq", 8, "rows") < 0) { PyBuffer_Release(&bK); PyBuffer_Release(&bS); return NULL; }
    const long long *K = bK.buf;
    long long *S = bS.buf, *R = bR.buf;
    Py_ssize_t n = bK.len / 8, m = bS.len / 8;
    int bits = bits_of(m);
    int ok = bits > 0 && bR.len == bS.len && n < m;
    for (Py_ssize_t k = 0; ok && k < n; k++) ok = K[k] >= 0;
    for (Py_ssize_t j = 0; ok && j < m; j++) ok = S[j] == -1;
    for (Py_ssize_t k = 0; ok && k < n; k++) {
        Py_ssize_t j = slot_of(K[k], bits);
        while (S[j] != -1 && S[j] != K[k]) j = (j + 1) & (m - 1);
        S[j] = K[k];
        R[j] = k;
    }
    PyBuffer_Release(&bK); PyBuffer_Release(&bS); PyBuffer_Release(&bR);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "hash_build: keys must be non-negative and fewer than the slots, a power of two of them, all -1, as many as the rows");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* hash_index(slots, rows, queries, missing, out): out[t] = the row of queries[t], or missing. */
static PyObject *hash_index(PyObject *self, PyObject *args) {
    PyObject *oS, *oR, *oQ, *oO;
    long long missing;
    if (!PyArg_ParseTuple(args, "OOOLO", &oS, &oR, &oQ, &missing, &oO))
        return NULL;
    Py_buffer bS, bR, bQ, bO;
    if (get(oS, &bS, 0, "lq", 8, "slots") < 0) return NULL;
    if (get(oR, &bR, 0, "lq", 8, "rows") < 0) { PyBuffer_Release(&bS); return NULL; }
    if (get(oQ, &bQ, 0, "lq", 8, "queries") < 0) { PyBuffer_Release(&bS); PyBuffer_Release(&bR); return NULL; }
    if (get(oO, &bO, 1, "lq", 8, "out") < 0) {
        PyBuffer_Release(&bS); PyBuffer_Release(&bR); PyBuffer_Release(&bQ); return NULL;
    }
    const long long *S = bS.buf, *R = bR.buf, *Q = bQ.buf;
    long long *O = bO.buf;
    Py_ssize_t m = bS.len / 8, n = bQ.len / 8;
    int bits = bits_of(m);
    int ok = bits > 0 && bR.len == bS.len && bO.len == bQ.len;
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t t = 0; t < n; t++) {
            long long q = Q[t], row = missing;
            Py_ssize_t j = slot_of(q, bits);
            for (Py_ssize_t probes = 0; probes < m && S[j] != -1; probes++) {
                if (S[j] == q) { row = R[j]; break; }
                j = (j + 1) & (m - 1);
            }
            O[t] = row;
        }
        Py_END_ALLOW_THREADS
    } else {
        PyErr_SetString(PyExc_ValueError, "hash_index: slots and rows (a power of two of them) and queries and out must fit");
    }
    PyBuffer_Release(&bS); PyBuffer_Release(&bR); PyBuffer_Release(&bQ); PyBuffer_Release(&bO);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"hash_build", hash_build, METH_VARARGS, "hash_build(keys, slots, rows): a hash table of keys to their positions."},
    {"hash_index", hash_index, METH_VARARGS, "hash_index(slots, rows, queries, missing, out): each query's row, or missing."},
    {"add_rows", add_rows, METH_VARARGS, "add_rows(E, rows, idx): E[t] += rows[idx[t]]."},
    {"viterbi", viterbi, METH_VARARGS, "viterbi(E, offsets, trans, path): the best path of each sentence into path."},
    {"marginals", marginals, METH_VARARGS, "marginals(E, offsets, selected, exp_trans, M): label marginals into M."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_crfloops", "The CRF's Viterbi and forward-backward loops.", -1, methods};

PyMODINIT_FUNC PyInit__crfloops(void) { return PyModule_Create(&module); }
