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
 * `E += rows[idx]` builds a temporary array of E's size first).
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

static PyMethodDef methods[] = {
    {"add_rows", add_rows, METH_VARARGS, "add_rows(E, rows, idx): E[t] += rows[idx[t]]."},
    {"viterbi", viterbi, METH_VARARGS, "viterbi(E, offsets, trans, path): the best path of each sentence into path."},
    {"marginals", marginals, METH_VARARGS, "marginals(E, offsets, selected, exp_trans, M): label marginals into M."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_crfloops", "The CRF's Viterbi and forward-backward loops.", -1, methods};

PyMODINIT_FUNC PyInit__crfloops(void) { return PyModule_Create(&module); }
