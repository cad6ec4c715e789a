/*
 * model/py/value.h — the values of the Python subset: objects, types,
 * reference counting, the run's heap.
 *
 * Every value is a py_obj*. Objects are reference counted: a function that
 * returns a py_obj* returns a new reference (the caller must py_decref it)
 * unless its comment says "borrowed". NULL means an exception is pending in
 * the current thread (see exc.h).
 *
 * Heap. Every object allocated during a run is linked into the run's heap
 * (a doubly linked list). Reference counting frees objects promptly, so a
 * long loop runs in bounded memory; what counting cannot free (reference
 * cycles: an instance whose dict holds a bound method of itself, a nested
 * function that refers to itself) and what daemon threads still hold when
 * they are killed at exit is freed when the run ends, by walking the heap.
 * Objects made while no run is active (the parser's constants) and the
 * static builtin types, None, True and False are immortal: counting skips
 * them.
 *
 * Memory accounting: the heap counts the bytes it gave out (objects and their
 * buffers); the evaluator checks the count against the run's limit at every
 * statement and raises MemoryError when it is exceeded. Allocation itself
 * never fails (out of host memory aborts, as everywhere in threadsim).
 *
 * Ints are 64-bit: arithmetic that would overflow raises OverflowError
 * ("integer overflow (threadsim ints are 64-bit)") instead of wrapping.
 *
 * id(x) is the object's allocation serial number, and the "address" in
 * default reprs (<__main__.C object at 0x...>) is derived from it, so both
 * are deterministic.
 */
#ifndef MODEL_PY_VALUE_H
#define MODEL_PY_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../sim/buf.h"

typedef struct py_obj py_obj;
typedef struct py_type py_type;
typedef struct py_code py_code;

typedef enum py_kind {
    PY_K_NONE, PY_K_NOTIMPL, PY_K_BOOL, PY_K_INT, PY_K_FLOAT, PY_K_STR, PY_K_TUPLE, PY_K_LIST,
    PY_K_DICT, PY_K_SET, PY_K_FUNC, PY_K_CFUNC, PY_K_METHOD, PY_K_TYPE, PY_K_INST, PY_K_MODULE,
    PY_K_CELL, PY_K_RANGE, PY_K_ITER, PY_K_SLICE, PY_K_PROPERTY, PY_K_STATICM, PY_K_CLASSM,
    PY_K_VIEW, PY_K_SUPER,
} py_kind;

#define PY_F_IMMORTAL 1u  /* never counted, never freed by the run */
#define PY_F_EXC_CAUSE 2u /* exception: raised `from` another (its context is the cause) */
#define PY_F_EXC_NOCTX 4u /* exception: `raise ... from None`: context not shown */

struct py_obj {
    py_type *type;            /* the object's class */
    uint32_t rc;              /* references */
    uint8_t kind;             /* py_kind: the C layout */
    uint8_t flags;            /* PY_F_* */
    uint64_t serial;          /* allocation number in the run: id() */
    py_obj *prev, *next;      /* the run's heap list */
};

/* A native function or method: self is the bound object (NULL for a plain
 * function), args the positional arguments, kw a dict of keyword arguments
 * or NULL. Returns a new reference, or NULL with an exception set. */
typedef py_obj *(*py_cfunc)(py_obj *self, py_obj **args, size_t n, py_obj *kw);

typedef struct py_method {
    const char *name;
    py_cfunc fn;
} py_method;

/* A native attribute: get returns a new reference; set (NULL = read-only)
 * returns 0 or -1 with an exception set. */
typedef struct py_getset {
    const char *name;
    py_obj *(*get)(py_obj *self);
    int (*set)(py_obj *self, py_obj *v);
} py_getset;

struct py_type {
    py_obj hdr;
    char *name;               /* __name__ */
    py_type *base;            /* single inheritance; NULL only for object */
    py_obj *dict;             /* class attributes (a dict) for classes made by `class`; else NULL */
    const py_method *methods; /* native methods (name NULL ends), or NULL */
    const py_getset *getset;  /* native attributes (name NULL ends), or NULL */
    py_cfunc make;            /* builtin types: calling the type (int(x), list(it)...) */
    uint8_t inst_kind;        /* layout of instances: PY_K_INST for classes */
    bool is_exc;              /* a subclass of BaseException */
    const char *module;       /* "builtins", "threading", "__main__"... */
    /* Native classes (threading, queue); a class made by `class` inherits
     * these three from its base. */
    /* Makes an instance of cls (this type or a subclass) in place of
     * py_instantiate's allocation and __init__ call; NULL: the usual way. */
    py_obj *(*new_inst)(py_type *cls, py_obj **args, size_t n, py_obj *kw);
    /* The attribute dict of an instance when it is not py_inst.dict
     * (threading.local: the running thread's), borrowed; NULL with an
     * exception set on failure. NULL: py_inst.dict. */
    py_obj *(*inst_dict)(py_obj *self);
    /* Releases what an instance's native object holds (a queue's items)
     * when its count reaches zero; not called when the run's heap is freed
     * at the end. NULL: nothing to release. */
    void (*native_free)(py_obj *self);
};

typedef struct py_int { py_obj hdr; int64_t v; } py_int;        /* int and bool */
typedef struct py_float { py_obj hdr; double v; } py_float;
typedef struct py_str {
    py_obj hdr;
    size_t len;               /* bytes (UTF-8) */
    uint64_t hash;            /* 0 until computed */
    bool ascii;               /* every byte < 0x80: len and indexes are byte counts */
    char s[];                 /* NUL-terminated */
} py_str;
typedef struct py_tuple { py_obj hdr; size_t n; py_obj *items[]; } py_tuple;
typedef struct py_list { py_obj hdr; size_t n, cap; py_obj **items; } py_list;

typedef struct py_dict_entry {
    py_obj *key;              /* NULL: deleted */
    py_obj *value;            /* NULL in sets */
    uint64_t hash;
} py_dict_entry;
/* dict and set: entries in insertion order, an open-addressing index. */
typedef struct py_dict {
    py_obj hdr;
    size_t n;                 /* live entries */
    size_t used;              /* entries[0..used) including deleted */
    size_t cap;               /* entries allocated */
    py_dict_entry *entries;
    int32_t *index;           /* idx_cap slots: entry number, -1 empty, -2 deleted */
    size_t idx_cap;           /* power of two */
} py_dict;

typedef struct py_func {
    py_obj hdr;
    py_code *code;            /* parameters, body, scope */
    py_obj *globals;          /* the module's dict */
    py_obj *defaults;         /* tuple of defaults of the last positional parameters, or NULL */
    py_obj *kwdefaults;       /* dict of keyword-only defaults, or NULL */
    py_obj *closure;          /* tuple of cells for the code's free variables, or NULL */
    py_obj *dict;             /* function attributes, or NULL */
} py_func;

typedef struct py_cfunc_obj {
    py_obj hdr;
    const char *name;         /* static */
    py_cfunc fn;
    py_obj *self;             /* bound object, or NULL */
    bool unbound;             /* a method taken from its class: the first argument is self */
} py_cfunc_obj;

typedef struct py_method_obj { py_obj hdr; py_obj *func, *self; } py_method_obj;

typedef struct py_tb_entry {
    int line;                 /* line of the frame when the exception passed it */
    const char *func;         /* function name (points into the program) */
} py_tb_entry;

/* Instances of classes; exceptions use the exc_* fields. */
typedef struct py_inst {
    py_obj hdr;
    py_obj *dict;             /* attributes (a dict) */
    void *native;             /* the model object behind a bound class (model_thread*...) */
    py_obj *exc_args;         /* exceptions: the args tuple */
    py_obj *exc_context;      /* exceptions: __context__ (the one being handled when raised) */
    py_tb_entry *tb;          /* exceptions: traceback, innermost first (owned) */
    const void *tb_frame;     /* exceptions: the frame that added the last entry */
    uint32_t ntb, cap_tb;
} py_inst;

typedef struct py_module { py_obj hdr; char *name; py_obj *dict; } py_module;
typedef struct py_cell { py_obj hdr; py_obj *v; } py_cell;      /* v NULL: unbound */
typedef struct py_range { py_obj hdr; int64_t start, stop, step; } py_range;
typedef struct py_slice { py_obj hdr; py_obj *start, *stop, *step; } py_slice;
/* property, staticmethod, classmethod: */
typedef struct py_wrap { py_obj hdr; py_obj *a, *b; } py_wrap;
/* dict views (keys/values/items) and super objects: */
typedef struct py_view { py_obj hdr; py_obj *obj; int which; py_type *start; } py_view;

typedef enum py_iter_kind {
    PY_IT_SEQ,      /* a: list/tuple/str, i: next index */
    PY_IT_DICT,     /* a: dict, i: entry, j: 0 keys 1 values 2 items */
    PY_IT_RANGE,    /* i: next value, j: stop, k: step */
    PY_IT_ENUM,     /* a: iterator, i: count */
    PY_IT_ZIP,      /* a: tuple of iterators */
    PY_IT_MAP,      /* a: function, b: tuple of iterators */
    PY_IT_FILTER,   /* a: function or None, b: iterator */
    PY_IT_CALL,     /* a: object with __next__ */
    PY_IT_REVERSED, /* a: list/tuple, i: next index from the end */
} py_iter_kind;
typedef struct py_iterobj {
    py_obj hdr;
    int sub;                  /* py_iter_kind */
    py_obj *a, *b;
    int64_t i, j, k;
} py_iterobj;

/* ---- singletons and builtin types -------------------------------------- */

extern py_obj py_None_obj, py_NotImplemented_obj;
extern py_int py_True_obj, py_False_obj;
#define py_None (&py_None_obj)
#define py_True ((py_obj *)&py_True_obj)
#define py_False ((py_obj *)&py_False_obj)

extern py_type py_type_object, py_type_type, py_type_none, py_type_notimpl, py_type_bool,
    py_type_int, py_type_float, py_type_str, py_type_tuple, py_type_list, py_type_dict,
    py_type_set, py_type_function, py_type_builtin, py_type_method, py_type_module,
    py_type_cell, py_type_range, py_type_iter, py_type_slice, py_type_property,
    py_type_staticmethod, py_type_classmethod, py_type_view, py_type_super, py_type_enumerate,
    py_type_zip, py_type_map, py_type_filter, py_type_reversed;

/* ---- the heap ---------------------------------------------------------- */

typedef struct py_heap {
    py_obj head;              /* sentinel of the list of live objects */
    size_t bytes;             /* bytes given out and not yet freed */
    uint64_t serial;          /* last serial handed out */
    bool immortal;            /* objects made now are immortal (the parser's) */
} py_heap;

void py_heap_init(py_heap *h, bool immortal);
/* Frees every object still in the heap, without following references. */
void py_heap_fini(py_heap *h);
/* The heap new objects go to (set by the parser and by a run). Returns the
 * previous one. */
py_heap *py_heap_use(py_heap *h);
py_heap *py_heap_current(void);

/* A zeroed object of `size` bytes in the current heap, rc 1. */
void *py_alloc(size_t size, py_type *type, py_kind kind);
/* Accounted buffers for the insides of objects. */
void *py_mem_alloc(size_t n);
void *py_mem_realloc(void *p, size_t old, size_t n);
void py_mem_free(void *p, size_t n);

static inline py_obj *py_incref(py_obj *o)
{
    if (!(o->flags & PY_F_IMMORTAL))
        o->rc++;
    return o;
}
void py__dealloc(py_obj *o);
static inline void py_decref(py_obj *o)
{
    if (!(o->flags & PY_F_IMMORTAL) && --o->rc == 0)
        py__dealloc(o);
}
static inline void py_xdecref(py_obj *o)
{
    if (o)
        py_decref(o);
}
/* Replace *slot with v (a new reference), releasing the old value. */
static inline void py_setref(py_obj **slot, py_obj *v)
{
    py_obj *old = *slot;
    *slot = v;
    py_xdecref(old);
}

/* ---- constructors (new references) ------------------------------------- */

py_obj *py_int_new(int64_t v);
py_obj *py_float_new(double v);
static inline py_obj *py_bool(bool b) { return b ? py_True : py_False; }
py_obj *py_str_new(const char *s, size_t n);
py_obj *py_str_from(const char *s);
py_obj *py_str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Takes the buffer's contents; the buffer is left empty. */
py_obj *py_str_take(sim_buf *b);
py_obj *py_tuple_new(size_t n);            /* items NULL: fill them */
py_obj *py_tuple_pack(size_t n, ...);      /* steals nothing: increfs each */
py_obj *py_list_new(size_t n);             /* n items NULL: fill them */
py_obj *py_dict_new(void);
py_obj *py_set_new(void);
py_obj *py_cell_new(py_obj *v);            /* v borrowed (increfed), may be NULL */
py_obj *py_cfunc_new(const char *name, py_cfunc fn, py_obj *self);
py_obj *py_method_new(py_obj *func, py_obj *self);
py_obj *py_module_new(const char *name);
py_obj *py_range_new(int64_t start, int64_t stop, int64_t step);
py_obj *py_iter_new(int sub, py_obj *a, py_obj *b);  /* a, b borrowed (increfed) */

/* ---- accessors ---------------------------------------------------------- */

#define PY_INT(o) (((py_int *)(o))->v)
#define PY_FLOAT(o) (((py_float *)(o))->v)
#define PY_STR(o) (((py_str *)(o))->s)
#define PY_STRLEN(o) (((py_str *)(o))->len)
#define PY_TUPLE(o) ((py_tuple *)(o))
#define PY_LIST(o) ((py_list *)(o))
#define PY_DICT(o) ((py_dict *)(o))
#define PY_INST(o) ((py_inst *)(o))

static inline bool py_is_int(const py_obj *o) { return o->kind == PY_K_INT || o->kind == PY_K_BOOL; }
static inline bool py_is_str(const py_obj *o) { return o->kind == PY_K_STR; }
static inline bool py_is_num(const py_obj *o) { return py_is_int(o) || o->kind == PY_K_FLOAT; }
static inline double py_num_as_double(const py_obj *o)
{
    return o->kind == PY_K_FLOAT ? PY_FLOAT(o) : (double)PY_INT(o);
}
/* The attribute dict of an instance (see py_type.inst_dict): borrowed; NULL
 * when it has none, or with an exception set. */
py_obj *py_inst_dict(py_obj *o);

/* Sequence view of a list or tuple: items and count. */
static inline py_obj **py_seq_items(py_obj *o, size_t *n)
{
    if (o->kind == PY_K_LIST) {
        *n = PY_LIST(o)->n;
        return PY_LIST(o)->items;
    }
    *n = PY_TUPLE(o)->n;
    return PY_TUPLE(o)->items;
}

/* ---- lists, dicts, sets ------------------------------------------------ */

void py_list_append(py_obj *list, py_obj *v);         /* v borrowed */
int py_list_insert(py_obj *list, int64_t i, py_obj *v);
/* Lookup: borrowed value, or NULL (no exception when simply absent; an
 * exception is set only for an unhashable key — check py_err_occurred). */
py_obj *py_dict_get(py_obj *d, py_obj *key);
py_obj *py_dict_gets(py_obj *d, const char *key);    /* by C string */
int py_dict_set(py_obj *d, py_obj *key, py_obj *v);   /* both borrowed; -1 unhashable */
int py_dict_sets(py_obj *d, const char *key, py_obj *v);
/* 1 deleted, 0 absent, -1 error. */
int py_dict_del(py_obj *d, py_obj *key);
int py_set_add(py_obj *s, py_obj *key);
/* Hash of a hashable value; -1 with TypeError for unhashable ones. */
int py_hash(py_obj *o, uint64_t *out);

/* ---- generic operations ------------------------------------------------- */

/* Type predicates. */
bool py_type_is_sub(const py_type *t, const py_type *base);
static inline bool py_isinstance(const py_obj *o, const py_type *t) { return py_type_is_sub(o->type, t); }
/* Class attribute lookup along the base chain (borrowed; NULL if absent).
 * Finds dict entries; native methods come back through *m, native
 * attributes through *gs (either may be NULL). */
py_obj *py_type_lookup(py_type *t, const char *name, const py_method **m, const py_getset **gs);

/* Truth value: 1, 0, or -1 with an exception. */
int py_truth(py_obj *o);
/* str(o), repr(o): new str objects, or NULL. */
py_obj *py_str_of(py_obj *o);
py_obj *py_repr_of(py_obj *o);
/* Append str(o) / repr(o) to a buffer; -1 on exception. */
int py_buf_str(sim_buf *b, py_obj *o);
int py_buf_repr(sim_buf *b, py_obj *o);
/* ==, <: 1/0, -1 on exception. op is one of the PY_CMP_* below. */
enum { PY_CMP_EQ, PY_CMP_NE, PY_CMP_LT, PY_CMP_LE, PY_CMP_GT, PY_CMP_GE };
int py_compare(py_obj *a, py_obj *b, int op);
static inline int py_eq(py_obj *a, py_obj *b) { return a == b ? 1 : py_compare(a, b, PY_CMP_EQ); }
/* x in container: 1/0/-1. */
int py_contains(py_obj *container, py_obj *x);
/* len(o): >= 0, or -1 with an exception. */
int64_t py_len(py_obj *o);
/* iter(o), next(it): next returns NULL at the end with no exception set. */
py_obj *py_iter(py_obj *o);
py_obj *py_next(py_obj *it);
/* A list holding everything an iterable yields. */
py_obj *py_list_from_iter(py_obj *iterable);
/* o[key], o[key] = v, del o[key] */
py_obj *py_getitem(py_obj *o, py_obj *key);
int py_setitem(py_obj *o, py_obj *key, py_obj *v);
int py_delitem(py_obj *o, py_obj *key);
/* The name of an object's type as messages show it ("int", "Foo"). */
const char *py_type_name(const py_obj *o);
/* Serial-derived fake address for default reprs. */
uint64_t py_fake_addr(const py_obj *o);
/* Index normalisation: i in [0, n) for sequences; -1 + IndexError. */
int py_norm_index(int64_t *i, size_t n, const char *what);

/* Checked 64-bit arithmetic: -1 + OverflowError on overflow. */
int py_add_i64(int64_t a, int64_t b, int64_t *r);
int py_sub_i64(int64_t a, int64_t b, int64_t *r);
int py_mul_i64(int64_t a, int64_t b, int64_t *r);

/* Number of code points in UTF-8 text (== len for ASCII). */
size_t py_utf8_count(const char *s, size_t n);
/* Byte offset of code point `cp` in UTF-8 text. */
size_t py_utf8_offset(const char *s, size_t n, size_t cp);

#endif
