# threadsim: the program's own code compiled with its steps counted by
# calls rather than by CPython's line tracer (file "<threadsim ticks>").
#
# Under the default policy a step is a line of the program's own code, and
# the switch interval a number of them. Counting lines with a trace
# function puts CPython 3.11 in its tracing mode, which runs every
# instruction unspecialized through its tracing dispatch: a tight loop is
# two to three times slower. So the program is compiled with a call to the
# engine's tick at the points where CPython itself can switch threads (its
# eval-breaker points):
#
#   - at the end of each loop body and before each `continue` (the jump
#     back), with the lines of one pass: the header and the body's own
#     statements (an if counts its longer branch, a with its body and exit,
#     a try its body, else and finally; nested loops and functions count
#     one line and tick themselves);
#   - at the entry of each function (before its first statement, after the
#     docstring), with the lines of its body counted the same way;
#   - at the start of the module, with its top-level lines;
#   - for comprehensions, as a first `if` of each `for` clause (one line a
#     pass), and for lambdas, before the body (one line);
#   - under the default policy, after each call in a loop's body (`due`,
#     counting no line): where the switch a pass's tick deferred happens.
#
# The tick is called as a constant: the call's target is a sentinel string
# in the code's constants, replaced by the tick function itself once the
# code is compiled. So it costs a LOAD_CONST and a call, at module level as
# in functions (no name lookup), and the code's line table, jumps and
# exception table are CPython's own for the rewritten tree. The inserted
# nodes carry the position CPython 3.11 gives the instruction whose
# eval-breaker check they stand for, so an interrupt from another thread
# (_thread.interrupt_main) raised there has python3.11's traceback: a
# `for` loop's jump back at its last statement's store (or, roughly, that
# statement), a `while` loop's at the whole statement, a comprehension's
# at the whole comprehension, a function's RESUME at its first line (the
# first decorator's) with no columns; a `continue` at itself.
#
# The counts are an estimate of the line events CPython's tracer would
# report (a multi-line statement, a branch not taken or an exception
# leaving a block early make them differ); they are static, so a run's
# steps are the same on every run. See _tick in cpy_io.c for what a tick
# does with them.
import ast
import warnings

SENTINEL = '\x00threadsim tick\x00'
# the tick at an entry (of a function, a lambda, the module) calls another
# function: under `--choices cpython` a loop's pass is a choice and an
# entry is not (the frame evaluator made the entry one already)
SENTINEL_ENTRY = '\x00threadsim entry\x00'
# under `--choices cpython` every call of the program's own code goes
# through the engine's call function, `f(a, k=b)` as `CALL(f, a, k=b)`
# (CPython checks its eval breaker after a call it did not inline: a C
# function's, a class's, a generator function's), and the end of a with
# statement ticks with no lines (its __exit__ call)
SENTINEL_CALL = '\x00threadsim call\x00'
# a call with *args or **kwargs (CALL_FUNCTION_EX, which checks the eval
# breaker after any call) stays as written, its error messages name the
# callee, and its result goes through the engine's `after`
SENTINEL_AFTER = '\x00threadsim after\x00'
# under the default policy (`run`), the calls inside a loop's body go
# through the engine's `due` with their result, `due(f(x))`: CPython 3.11
# checks its eval breaker after a call it does not run inline, so a thread
# whose switch interval ran out during a pass of such a loop switches there,
# in the middle of a statement (`n = n + abs(1)` loses updates, as under
# python3), not only at the jump back; the pass's tick then passes a second
# argument (a used-up interval waits for the next of these points)
SENTINEL_DUE = '\x00threadsim due\x00'
# the calls CPython 3.11 specializes into instructions with no eval-breaker
# check (len(x), isinstance(x, t), type(x)): not wrapped
_NO_CHECK = {'len': 1, 'isinstance': 2, 'type': 1}

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _lines(stmts):
    """Line events one pass over `stmts` gives, estimated."""
    n = 0
    for s in stmts:
        n += 1
        if isinstance(s, _LOOPS) or isinstance(s, _SCOPES):
            continue
        if isinstance(s, ast.If):
            n += max(_lines(s.body), _lines(s.orelse))
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            n += _lines(s.body) + 1
        elif isinstance(s, (ast.Try, getattr(ast, 'TryStar', ast.Try))):
            n += _lines(s.body) + _lines(s.orelse) + _lines(s.finalbody)
        elif isinstance(s, ast.Match):
            n += max((_lines(c.body) for c in s.cases), default=0)
    return n


def _tick(k, where, entry=False, due=False):
    """The statement `SENTINEL(k)` at `where`'s position (`SENTINEL(k, 1)`
    for a pass with `due` points)."""
    args = [ast.Constant(k)] + ([ast.Constant(1)] if due else [])
    call = ast.Call(func=ast.Constant(SENTINEL_ENTRY if entry else SENTINEL),
                    args=args, keywords=[])
    stmt = ast.Expr(call)
    for node in [call.func, call, stmt] + args:
        ast.copy_location(node, where)
    return stmt


def _tick_expr(where, entry=True):
    call = ast.Call(func=ast.Constant(SENTINEL_ENTRY if entry else SENTINEL),
                    args=[ast.Constant(1)], keywords=[])
    for node in (call.func, call.args[0], call):
        ast.copy_location(node, where)
    return call


def _docstring_end(body):
    """Index after a docstring and `from __future__` imports."""
    i = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == '__future__':
        i += 1
    return i


class _Continues(ast.NodeTransformer):
    """A tick before each `continue` of one loop (not of loops or functions
    inside it)."""

    def __init__(self, k, due=False):
        self.k = k
        self.due = due

    def visit_Continue(self, node):
        return [_tick(self.k, node, due=self.due), node]

    def _stop(self, node):
        return node

    visit_For = visit_AsyncFor = visit_While = _stop
    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _stop


def _at(lineno, col, end_lineno, end_col):
    """A position to copy (ast.copy_location) onto a tick."""
    p = ast.Pass()
    p.lineno, p.col_offset, p.end_lineno, p.end_col_offset = lineno, col, end_lineno, end_col
    return p


def _last_store(t):
    """The node of the last store into the target `t`."""
    while isinstance(t, (ast.Tuple, ast.List)) and t.elts:
        t = t.elts[-1]
    return t.value if isinstance(t, ast.Starred) else t


def _pass_end(loop):
    """Where CPython 3.11 puts the jump back of a loop (its eval-breaker
    check, where an interrupt from another thread is raised): for a `for`,
    the last instruction of the body's last statement (the store of an
    assignment; else, roughly, the statement), for a `while` the whole
    statement."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or not loop.body:
        return loop
    s = loop.body[-1]
    if isinstance(s, ast.Assign):
        return _last_store(s.targets[-1])
    if isinstance(s, ast.AugAssign) or (isinstance(s, ast.AnnAssign) and s.value is not None):
        return _last_store(s.target)
    return s


def _entry(node):
    """Where CPython 3.11 puts a function's RESUME: its first line (the first
    decorator's), no columns."""
    line = min([d.lineno for d in getattr(node, 'decorator_list', [])] + [node.lineno])
    return _at(line, 0, line, 0)


def _has_due(stmts):
    """Whether `stmts` (not the functions, classes and lambdas in them) make
    a call through SENTINEL_DUE."""
    todo = list(stmts)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Constant) and \
                n.func.value == SENTINEL_DUE:
            return True
        todo.extend(ast.iter_child_nodes(n))
    return False


class _Ticks(ast.NodeTransformer):
    def _loop(self, node):
        self.generic_visit(node)
        k = 1 + _lines(node.body)
        due = _has_due(node.body + ([node.test] if isinstance(node, ast.While) else []))
        body = []
        for s in node.body:
            r = _Continues(k, due).visit(s)
            body.extend(r if isinstance(r, list) else [r])
        body.append(_tick(k, _pass_end(node), due=due))
        node.body = body
        return node

    visit_For = visit_AsyncFor = visit_While = _loop

    def _function(self, node):
        self.generic_visit(node)
        i = _docstring_end(node.body)
        if i < len(node.body):
            node.body.insert(i, _tick(max(_lines(node.body[i:]), 1), _entry(node), True))
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node):
        self.generic_visit(node)
        node.body = ast.copy_location(
            ast.BoolOp(op=ast.And(), values=[_tick_expr(_entry(node)), node.body]), node.body)
        return node

    def _comprehension(self, node):
        # the jump back of each `for` clause is at the whole comprehension
        self.generic_visit(node)
        for g in node.generators:
            g.ifs.insert(0, _tick_expr(node, False))
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


class _CallWrapper(ast.NodeTransformer):
    """Calls wrapped, but not in annotations, which `from __future__ import
    annotations` keeps as the text of their tree (typing.get_type_hints
    evaluates it again)."""

    def visit_arg(self, node):
        return node

    def visit_AnnAssign(self, node):
        node.target = self.visit(node.target)
        if node.value is not None:
            node.value = self.visit(node.value)
        return node


def _checks(call):
    """Whether CPython 3.11 checks its eval breaker after `call`: not after
    len(x), isinstance(x, t), type(x), which it specializes."""
    f = call.func
    return not (isinstance(f, ast.Name) and _NO_CHECK.get(f.id) == len(call.args)
                and not call.keywords)


class _Calls(_CallWrapper):
    """Every call through SENTINEL_CALL (--choices cpython)."""

    def _function(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self.visit(node.args)
        node.body = [self.visit(b) for b in node.body]
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        unpacks = any(isinstance(a, ast.Starred) for a in node.args) or \
            any(k.arg is None for k in node.keywords)
        if unpacks:
            fn = ast.copy_location(ast.Constant(SENTINEL_AFTER), node)
            return ast.copy_location(ast.Call(func=fn, args=[node], keywords=[]), node)
        if not _checks(node):
            return node
        fn = ast.copy_location(ast.Constant(SENTINEL_CALL), f)
        call = ast.copy_location(ast.Call(func=fn, args=[f] + node.args,
                                          keywords=node.keywords), node)
        # a method call CPython compiles with LOAD_METHOD starts where the
        # method's name does when that is on a later line (its
        # update_start_location_to_match_attr): its traceback line and
        # carets, and the caller's f_lineno while it runs
        if isinstance(f, ast.Attribute) and f.end_lineno != node.lineno and \
                len(node.args) + len(node.keywords) + (len(node.keywords) != 0) < 30 and \
                len(f.attr) <= f.end_col_offset:
            call.lineno = f.end_lineno
            call.col_offset = f.end_col_offset - len(f.attr)
        return call


class _DueCalls(_CallWrapper):
    """The calls in a loop's body (at any depth of loops, in the same
    function) through SENTINEL_DUE: `f(x)` as `SENTINEL_DUE(f(x))`; not
    len/isinstance/type (no check in CPython 3.11), not in comprehensions
    (their passes tick at the comprehension)."""

    def __init__(self):
        self.loops = 0

    def _scope(self, node):
        loops, self.loops = self.loops, 0
        self.generic_visit(node)
        self.loops = loops
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scope
    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _scope

    def _loop(self, node):
        # a for's iterable is made once, before the passes; a while's test
        # runs in each
        if not isinstance(node, ast.While):
            node.iter = self.visit(node.iter)
        self.loops += 1
        if isinstance(node, ast.While):
            node.test = self.visit(node.test)
        node.body = [self.visit(b) for b in node.body]
        self.loops -= 1
        node.orelse = [self.visit(b) for b in node.orelse]
        return node

    visit_For = visit_AsyncFor = visit_While = _loop

    def visit_Call(self, node):
        self.generic_visit(node)
        if not self.loops or not _checks(node):
            return node
        fn = ast.copy_location(ast.Constant(SENTINEL_DUE), node)
        return ast.copy_location(ast.Call(func=fn, args=[node], keywords=[]), node)


class _WithExits(ast.NodeTransformer):
    """A tick of no lines after each with statement (--choices cpython)."""

    def _with(self, node):
        self.generic_visit(node)
        return [node, _tick(0, node)]

    visit_With = visit_AsyncWith = _with


def compile_ticked(src, filename, tick, tick_entry, call=None, after=None, due=None):
    """The code of `src` with the ticks in place, calling `tick` (at an
    entry `tick_entry`), and with `call` (`after`) wrapping every call if
    given, else `due` the calls in loops if given."""
    tree = ast.parse(src, filename)
    if call is not None:
        tree = _Calls().visit(tree)
    elif due is not None:
        tree = _DueCalls().visit(tree)
    tree = _Ticks().visit(tree)
    i = _docstring_end(tree.body)
    if i < len(tree.body):
        tree.body.insert(i, _tick(max(_lines(tree.body[i:]), 1), tree.body[i], True))
    if call is not None:
        tree = _WithExits().visit(tree)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', SyntaxWarning)  # "'str' object is not callable"
        code = compile(tree, filename, 'exec', dont_inherit=True)
    return _patch(code, {SENTINEL: tick, SENTINEL_ENTRY: tick_entry, SENTINEL_CALL: call,
                         SENTINEL_AFTER: after, SENTINEL_DUE: due})


def _patch(code, fns):
    consts = []
    changed = False
    for c in code.co_consts:
        if type(c) is str and c in fns:
            c = fns[c]
            changed = True
        elif type(c) is type(code):
            n = _patch(c, fns)
            changed |= n is not c
            c = n
        consts.append(c)
    return code.replace(co_consts=tuple(consts)) if changed else code


def install_loader(tick, tick_entry, mark, stdlib, call=None, after=None, due=None):
    """The program's own modules (every source file outside the standard
    library's folder) are compiled with ticks too, always from the source
    (never from a __pycache__ file, which would hold code without them: a
    cache present or not must not change a run). `mark(code)` tells the
    engine not to trace the code's frames."""
    import sys
    ext = sys.modules['_frozen_importlib_external']
    loader = ext.SourceFileLoader
    orig = loader.get_code

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        if type(path) is not str or path.startswith(stdlib):
            return orig(self, fullname)
        try:
            code = compile_ticked(self.get_data(path), path, tick, tick_entry, call, after, due)
        except Exception:
            # a syntax error and the like: reported by CPython's own compile
            return orig(self, fullname)
        mark(code)
        return code

    # importlib's own name for the frame: CPython trims it from the
    # traceback of an error in an import, as it trims importlib's frames
    get_code.__code__ = get_code.__code__.replace(
        co_filename='<frozen importlib._bootstrap_external>')
    loader.get_code = get_code
