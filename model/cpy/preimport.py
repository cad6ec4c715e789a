# threadsim: the program's leading standard-library imports, done once in a
# session's start-up process (cpy_run.c) so that every run forked from it
# finds them in sys.modules. Runs as the program's main thread, before the
# program, with only that thread alive: importing earlier than the program's
# own `import` statements changes nothing the program can see, because only
# imports that would have run first anyway are done here: the module's
# leading statements, as long as each is an import of the standard library
# (or a docstring, or a plain `def` with constant defaults, which runs
# nothing). The first other statement, or any module from elsewhere (the
# program's folder shadows the library, as in python), ends the list.
# Given: _src (the program's text), _stdlib (the library folder, with '/').
# Leaves: _names, the modules to import.
import sys


def _stdlib_module(name):
    import importlib.util
    top = name.partition('.')[0]
    if top in sys.modules:
        return True
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    origin = spec.origin or ''
    if origin in ('built-in', 'frozen'):
        return True
    return origin.startswith(_stdlib)


def _leading_imports(tree):
    import ast
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module is None:
                break
            if node.module == '__future__':
                continue
            names.append(node.module)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        elif (isinstance(node, ast.FunctionDef) and not node.decorator_list
              and not node.returns
              and all(isinstance(d, ast.Constant)
                      for d in node.args.defaults + node.args.kw_defaults if d is not None)
              and all(a.annotation is None
                      for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs)):
            continue
        else:
            break
    return names


def _preimportable():
    import ast
    try:
        tree = ast.parse(_src)
    except Exception:
        return []
    names = []
    for name in _leading_imports(tree):
        if not _stdlib_module(name):
            break
        names.append(name)
    return names


# the C side imports these, in order, as the program would (stopping at the
# first that fails: the program will meet that error itself)
_names = _preimportable()
