/*
 * model/py/types.c — the builtin types as static, immortal type objects,
 * and the singletons None, NotImplemented, True and False.
 *
 * Native methods of a builtin type are found in its `methods` table (the
 * tables live beside their implementations: str.c, containers.c); calling
 * a builtin type goes to its `make` function (builtins.c).
 */
#include "interp.h"

#define STATIC_HDR {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL}

extern const py_method py_str_methods[], py_list_methods[], py_dict_methods[],
    py_set_methods[], py_tuple_methods[], py_int_methods[], py_float_methods[],
    py_object_methods[];
extern const py_getset py_func_getset[], py_method_getset[];
extern const py_method py_property_methods[];
py_obj *py_make_object(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_type(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_bool(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_int(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_float(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_str(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_tuple(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_list(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_dict(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_set(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_range(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_property(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_staticmethod(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_classmethod(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_super(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_enumerate(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_zip(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_map(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_filter(py_obj *self, py_obj **args, size_t n, py_obj *kw);
py_obj *py_make_reversed(py_obj *self, py_obj **args, size_t n, py_obj *kw);

#define TYPE(var, nm, basep, meth, gs, mk, ik)                                                     \
    py_type var = {.hdr = STATIC_HDR, .name = (char *)nm, .base = basep, .methods = meth,          \
                   .getset = gs, .make = mk, .inst_kind = ik, .module = "builtins"}

TYPE(py_type_object, "object", NULL, py_object_methods, NULL, py_make_object, PY_K_INST);
TYPE(py_type_type, "type", &py_type_object, NULL, NULL, py_make_type, PY_K_TYPE);
TYPE(py_type_none, "NoneType", &py_type_object, NULL, NULL, NULL, PY_K_NONE);
TYPE(py_type_notimpl, "NotImplementedType", &py_type_object, NULL, NULL, NULL, PY_K_NOTIMPL);
TYPE(py_type_int, "int", &py_type_object, py_int_methods, NULL, py_make_int, PY_K_INT);
TYPE(py_type_bool, "bool", &py_type_int, NULL, NULL, py_make_bool, PY_K_BOOL);
TYPE(py_type_float, "float", &py_type_object, py_float_methods, NULL, py_make_float, PY_K_FLOAT);
TYPE(py_type_str, "str", &py_type_object, py_str_methods, NULL, py_make_str, PY_K_STR);
TYPE(py_type_tuple, "tuple", &py_type_object, py_tuple_methods, NULL, py_make_tuple, PY_K_TUPLE);
TYPE(py_type_list, "list", &py_type_object, py_list_methods, NULL, py_make_list, PY_K_LIST);
TYPE(py_type_dict, "dict", &py_type_object, py_dict_methods, NULL, py_make_dict, PY_K_DICT);
TYPE(py_type_set, "set", &py_type_object, py_set_methods, NULL, py_make_set, PY_K_SET);
TYPE(py_type_function, "function", &py_type_object, NULL, py_func_getset, NULL, PY_K_FUNC);
TYPE(py_type_builtin, "builtin_function_or_method", &py_type_object, NULL, NULL, NULL, PY_K_CFUNC);
TYPE(py_type_method, "method", &py_type_object, NULL, py_method_getset, NULL, PY_K_METHOD);
TYPE(py_type_module, "module", &py_type_object, NULL, NULL, NULL, PY_K_MODULE);
TYPE(py_type_cell, "cell", &py_type_object, NULL, NULL, NULL, PY_K_CELL);
TYPE(py_type_range, "range", &py_type_object, NULL, NULL, py_make_range, PY_K_RANGE);
TYPE(py_type_iter, "iterator", &py_type_object, NULL, NULL, NULL, PY_K_ITER);
TYPE(py_type_slice, "slice", &py_type_object, NULL, NULL, NULL, PY_K_SLICE);
TYPE(py_type_property, "property", &py_type_object, py_property_methods, NULL, py_make_property,
     PY_K_PROPERTY);
TYPE(py_type_staticmethod, "staticmethod", &py_type_object, NULL, NULL, py_make_staticmethod,
     PY_K_STATICM);
TYPE(py_type_classmethod, "classmethod", &py_type_object, NULL, NULL, py_make_classmethod,
     PY_K_CLASSM);
TYPE(py_type_view, "dict_view", &py_type_object, NULL, NULL, NULL, PY_K_VIEW);
TYPE(py_type_super, "super", &py_type_object, NULL, NULL, py_make_super, PY_K_SUPER);
/* iterator types that are also callables */
TYPE(py_type_enumerate, "enumerate", &py_type_object, NULL, NULL, py_make_enumerate, PY_K_ITER);
TYPE(py_type_zip, "zip", &py_type_object, NULL, NULL, py_make_zip, PY_K_ITER);
TYPE(py_type_map, "map", &py_type_object, NULL, NULL, py_make_map, PY_K_ITER);
TYPE(py_type_filter, "filter", &py_type_object, NULL, NULL, py_make_filter, PY_K_ITER);
TYPE(py_type_reversed, "reversed", &py_type_object, NULL, NULL, py_make_reversed, PY_K_ITER);

py_obj py_None_obj = {.type = &py_type_none, .rc = 1, .kind = PY_K_NONE, .flags = PY_F_IMMORTAL};
py_obj py_NotImplemented_obj = {.type = &py_type_notimpl, .rc = 1, .kind = PY_K_NOTIMPL,
                                 .flags = PY_F_IMMORTAL};
py_int py_True_obj = {.hdr = {.type = &py_type_bool, .rc = 1, .kind = PY_K_BOOL,
                              .flags = PY_F_IMMORTAL}, .v = 1};
py_int py_False_obj = {.hdr = {.type = &py_type_bool, .rc = 1, .kind = PY_K_BOOL,
                               .flags = PY_F_IMMORTAL}, .v = 0};
