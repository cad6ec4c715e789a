"""py2compat: run the tutorials' Python 2 programs on CPython 3.11.

Self-contained (standard library only, no file-relative imports, no
__file__): threadsim embeds this text and imports it inside the embedded
interpreter.

    translate(source, filename) -> str
        Python 2 source to Python 3 source with lib2to3's default fixers
        plus this module's passes (print statement, classic division,
        round()).  Every line stays where it was: the result has as many
        lines as the source and every statement starts on its original
        line, so tracebacks and traces cite the Python 2 file's lines.
    install_shims()
        Python 2's vocabulary at run time: the injected builtins the
        translation calls (__py2_print__, __py2_div__, __py2_idiv__,
        __py2_divisor__, __py2_round__), threading's camelCase names as
        silent aliases, Thread-N names, Python 2's tracebacks, sys.maxint,
        string.letters...  For Python 2 programs only.
    flush_line()
        Python 2's Py_FlushLine: the newline a trailing-comma print leaves
        pending, written when the main program ends or before its
        traceback.
    run_file(path, argv)
        translate + install_shims + exec as __main__ (what --run does).

Command line (debugging):

    python3 py2compat.py FILE.py              print the translation
    python3 py2compat.py --run [OPTIONS] FILE.py [ARGS]
        run it as Python 2 would, stdout and stderr unbuffered (python3 -u)
        --seed N    random.seed(N) first; default 0, threadsim's default
                    run seed (its Python 2 programs do not seed); `none`
                    leaves the seed to the OS
        --rlock-returns-1   install_shims(rlock_acquire_returns_1=True)
"""

import builtins
import sys

__all__ = ['translate', 'preload', 'install_shims', 'flush_line',
           'run_file', 'format_exception', 'wrap_std_streams', 'Py2Stream',
           'notes', 'INJECTED_BUILTINS']

# Names translate() emits; install_shims() defines them in builtins.
INJECTED_BUILTINS = ('__py2_print__', '__py2_div__', '__py2_idiv__',
                     '__py2_divisor__', '__py2_round__')

# Problems the last translate() could not avoid (a line it could not keep
# in place); empty when all is well.
notes = []

# ---------------------------------------------------------------------------
# lib2to3, loaded on first use
# ---------------------------------------------------------------------------

# lib2to3's default fixers (the non-explicit ones of 3.11), minus
#   fix_print  - replaced by this module's print pass (softspace, order)
#   fix_import - turns `import x` into `from . import x` when x.py lies
#                beside the file: wrong for a script, and it reads the disk
#   fix_future - deletes `from __future__ import ...`, which Python 3 accepts
_FIXERS = (
    'apply', 'asserts', 'basestring', 'dict', 'except', 'exec', 'execfile',
    'exitfunc', 'filter', 'funcattrs', 'getcwdu', 'has_key', 'imports',
    'imports2', 'input', 'intern', 'isinstance', 'itertools',
    'itertools_imports', 'long', 'map', 'metaclass', 'methodattrs', 'ne',
    'next', 'nonzero', 'numliterals', 'operator', 'paren', 'raise',
    'raw_input', 'reduce', 'reload', 'renames', 'repr', 'standarderror',
    'sys_exc', 'throw', 'tuple_params', 'types', 'unicode', 'urllib',
    'xrange', 'xreadlines', 'zip',
)

_l2 = None          # namespace of the lib2to3 modules once loaded
_tool = None
_tool_lock = None


class _NS(object):
    pass


def _load_lib2to3():
    global _l2
    if _l2 is not None:
        return _l2
    import warnings
    with warnings.catch_warnings():
        # lib2to3/__init__.py warns (DeprecationWarning in 3.11,
        # PendingDeprecationWarning before) on import
        warnings.simplefilter('ignore')
        from lib2to3 import refactor, pytree, pygram, fixer_util
        from lib2to3.pgen2 import token, parse, tokenize
        ns = _NS()
        ns.refactor = refactor
        ns.pytree = pytree
        ns.pygram = pygram
        ns.fixer_util = fixer_util
        ns.token = token
        ns.parse = parse
        ns.tokenize = tokenize
        ns.syms = pygram.python_symbols
        names = []
        for f in _FIXERS:
            name = 'lib2to3.fixes.fix_' + f
            try:
                __import__(name)
            except ImportError:
                continue
            names.append(name)
        ns.fixer_names = names

        class Tool(refactor.RefactoringTool):
            # quiet: never log (the program may have configured logging)
            def log_message(self, msg, *args):
                pass

            def log_debug(self, msg, *args):
                pass

        ns.Tool = Tool
        _l2 = ns
    return ns


def _get_tool():
    global _tool, _tool_lock
    if _tool_lock is None:
        import _thread
        _tool_lock = _thread.allocate_lock()
    l2 = _load_lib2to3()
    if _tool is None:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            _tool = l2.Tool(l2.fixer_names)
    return _tool


# ---------------------------------------------------------------------------
# translate()
# ---------------------------------------------------------------------------

def preload():
    """Load lib2to3 and its fixers now (they read Grammar.txt and their own
    modules from the standard library's directory): call it before a
    sandbox closes the file system.  translate() does it on first use."""
    _get_tool()


# Python 2's tab rule: a tab in indentation advances to the next multiple of
# 8 columns (Python 3 refuses tabs mixed with spaces). Leading whitespace
# only; a line inside a triple-quoted string starting with a tab would be
# expanded too (rare in a threading program).
def _py2_tabs(source):
    if '\t' not in source:
        return source
    import re
    # consistent tabs (the tutorial's pages) are valid Python 3 as they are
    if not (re.search(r'(?m)^\t', source) and re.search(r'(?m)^ +\S', source)):
        return source
    out = []
    for line in source.split('\n'):
        i = 0
        while i < len(line) and line[i] in ' \t':
            i += 1
        if '\t' in line[:i]:
            line = line[:i].expandtabs(8) + line[i:]
        out.append(line)
    return '\n'.join(out)


# Modules that exist only in Python 3 under these names: a Python 2 program
# importing one gets Python 2's ImportError (the translation itself maps
# Queue to queue etc., after this pass).
_PY3_ONLY = ('queue', 'builtins', 'configparser', 'copyreg', 'reprlib', 'socketserver',
             '_thread', '_dummy_thread', 'tkinter', 'winreg', 'xmlrpc', 'html', 'http')


def _py3_only_imports(source):
    import re
    pat = re.compile(r'^([ \t]*)(?:import|from)[ \t]+(%s)\b(.*)$' % '|'.join(_PY3_ONLY), re.M)

    def repl(m):
        if m.group(3).lstrip().startswith('.'):
            return m.group(0)   # a submodule path: leave it to lib2to3
        return '%sraise ImportError(%r)' % (m.group(1), 'No module named ' + m.group(2))
    return pat.sub(repl, source)


class _KeepExceptName(object):
    """Python 2 keeps `e` of `except E, e:` after the block; Python 3 deletes
    it. The handler binds a hidden name and its first statement copies it to
    `e`, on the same line, so the name outlives the block."""

    def __init__(self):
        import ast

        class T(ast.NodeTransformer):
            n = 0

            def visit_ExceptHandler(self, h):
                self.generic_visit(h)
                if h.name:
                    T.n += 1
                    hidden = '__py2_exc_%d' % T.n
                    first = h.body[0]
                    assign = ast.Assign(targets=[ast.Name(id=h.name, ctx=ast.Store())],
                                        value=ast.Name(id=hidden, ctx=ast.Load()))
                    ast.copy_location(assign, first)
                    ast.fix_missing_locations(assign)
                    h.name = hidden
                    h.body.insert(0, assign)
                return h
        self.T = T


def compile_py2(source, filename):
    """Python 2 source -> a code object for `filename`, line for line:
    translate(), then the AST passes Python 2 semantics need."""
    import ast
    tree = ast.parse(translate(source, filename), filename)
    tree = _KeepExceptName().T().visit(tree)
    return compile(tree, filename, 'exec', dont_inherit=True)


def translate(source, filename='<string>'):
    """Python 2 source -> Python 3 source, line for line.

    filename is used only in messages (a SyntaxError's); nothing is read
    from the disk but lib2to3 itself on first use.  Raises SyntaxError
    (with filename, line and column) when lib2to3 cannot parse the source.
    After the call, `notes` lists any line the translation could not keep
    in place (empty for every tutorial program)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return _translate(source, filename)


def _translate(source, filename):
    l2 = _load_lib2to3()
    tool = _get_tool()
    if source.startswith('\ufeff'):
        source = source[1:]
    if '\r' in source:
        source = source.replace('\r\n', '\n').replace('\r', '\n')
    source = _py2_tabs(source)
    source = _py3_only_imports(source)
    added_nl = not source.endswith('\n')
    data = source + '\n' if added_nl else source
    with _tool_lock:
        del notes[:]
        features = l2.refactor._detect_future_features(data)
        if 'print_function' in features:
            tool.driver.grammar = l2.pygram.python_grammar_no_print_statement
        try:
            tree = tool.driver.parse_string(data)
        except l2.parse.ParseError as e:
            _raise_syntax_error(data, filename, e.context[1], 'invalid syntax')
        except l2.tokenize.TokenError as e:
            msg, pos = e.args
            _raise_syntax_error(data, filename, pos, msg)
        except IndentationError as e:
            raise IndentationError(e.msg, (filename, e.lineno, e.offset,
                                           e.text)) from None
        finally:
            tool.driver.grammar = tool.grammar
        tree.future_features = features
        original = {id(leaf): leaf for leaf in tree.leaves()}
        tool.refactor_tree(tree, filename)
        _normalize(l2, tree)
        if 'print_function' not in features:
            _print_pass(l2, tree)
        if 'division' not in features:
            _division_pass(l2, tree)
        _round_pass(l2, tree)
        _keep_lines(l2, tree, original)
        out = str(tree)
    if added_nl and out.endswith('\n'):
        out = out[:-1]
    if out.count('\n') != source.count('\n'):
        notes.append('%s: the translation has %d lines, the source %d'
                     % (filename, out.count('\n') + 1,
                        source.count('\n') + 1))
    return out


def _raise_syntax_error(data, filename, pos, msg):
    lineno, col = pos
    lines = data.split('\n')
    text = lines[lineno - 1] + '\n' if 0 < lineno <= len(lines) else None
    raise SyntaxError(msg, (filename, lineno, col + 1, text)) from None


def _leaf(l2, type_, value, prefix=''):
    return l2.pytree.Leaf(type_, value, prefix=prefix)


def _detach(node):
    node.remove()
    return node


# -- the print statement ----------------------------------------------------
#
#   print a, b         __py2_print__().item(a).item(b).newline()
#   print a,           __py2_print__().item(a)
#   print >>f, a       __py2_print__(f).item(a).newline()
#   print              __py2_print__().newline()
#
# A chain of calls, not one call: Python 2 writes each item as soon as it is
# evaluated (`print 'Second try:', lock.acquire()` writes 'Second try:'
# before it blocks), and a chain evaluates left to right the same way.

def _print_pass(l2, tree):
    syms, token = l2.syms, l2.token
    todo = []
    for node in tree.pre_order():
        if node.type == syms.print_stmt:
            todo.append(node)
        elif (node.type == token.NAME and node.value == 'print'
              and node.parent is not None
              and node.parent.type == syms.simple_stmt):
            todo.append(node)       # a bare `print` (a lone leaf)
    for node in todo:
        _convert_print(l2, node)


def _convert_print(l2, node):
    syms, token, pytree = l2.syms, l2.token, l2.pytree
    if node.type == syms.print_stmt:
        kids = list(node.children)
    else:
        kids = [node]
    for k in kids[1:]:
        _detach(k)
    keyword = kids[0]
    rest = kids[1:]
    carry = ''          # prefixes of the tokens that disappear

    def take_carry():
        nonlocal carry
        c, carry = carry, ''
        return c

    dest = None
    if rest and rest[0].type == token.RIGHTSHIFT:
        carry += rest[0].prefix
        dest = rest[1]
        rest = rest[2:]
        if rest and rest[0].type == token.COMMA:
            carry += rest[0].prefix
            rest = rest[1:]
    items = []
    trailing_comma = False
    i = 0
    while i < len(rest):
        expr = rest[i]
        comma = None
        if i + 1 < len(rest) and rest[i + 1].type == token.COMMA:
            comma = rest[i + 1]
        items.append((expr, comma))
        i += 2 if comma is not None else 1
    if items and items[-1][1] is not None:
        trailing_comma = True

    chain = [_leaf(l2, token.NAME, '__py2_print__', keyword.prefix)]
    open_ = _leaf(l2, token.LPAR, '(')
    if dest is not None:
        dest.prefix = _squeeze(take_carry() + dest.prefix)
        chain.append(pytree.Node(syms.trailer,
                                 [open_, dest, _leaf(l2, token.RPAR, ')')]))
    else:
        chain.append(pytree.Node(syms.trailer,
                                 [open_, _leaf(l2, token.RPAR, ')')]))
    for expr, comma in items:
        dot = _leaf(l2, token.DOT, '.', _squeeze(take_carry()))
        name = _leaf(l2, token.NAME, 'item')
        chain.append(pytree.Node(syms.trailer, [dot, name]))
        expr.prefix = _squeeze(expr.prefix)
        chain.append(pytree.Node(syms.trailer,
                                 [_leaf(l2, token.LPAR, '('), expr,
                                  _leaf(l2, token.RPAR, ')')]))
        if comma is not None:
            carry += comma.prefix
    if not trailing_comma:
        dot = _leaf(l2, token.DOT, '.', _squeeze(take_carry()))
        chain.append(pytree.Node(syms.trailer,
                                 [dot, _leaf(l2, token.NAME, 'newline')]))
        chain.append(pytree.Node(syms.trailer,
                                 [_leaf(l2, token.LPAR, '('),
                                  _leaf(l2, token.RPAR, ')')]))
    tail = take_carry()
    if tail:
        # a backslash continuation before the trailing comma: keep its
        # newline in the last closing parenthesis's prefix
        last = chain[-1].children[-1]
        last.prefix = tail + last.prefix
    keyword.prefix = ''
    new = pytree.Node(syms.power, chain)
    keyword.replace(new) if node is keyword else node.replace(new)


def _squeeze(prefix):
    """A prefix without its blanks unless it holds a line break or comment
    (those must stay: line numbers)."""
    if '\n' in prefix or '#' in prefix:
        return prefix
    return ''


# -- classic division ------------------------------------------------------
#
#   a / b        __py2_div__(a, b)     (floor when both are ints)
#   x /= b       x = __py2_idiv__(x, b)
#   x.y /= b     x.y /= __py2_divisor__(b)   (x evaluated once)

def _division_pass(l2, tree):
    syms, token = l2.syms, l2.token
    terms, augs = [], []
    for node in tree.post_order():
        if node.type == syms.term and any(
                c.type == token.SLASH for c in node.children):
            terms.append(node)
        elif node.type == syms.expr_stmt and len(node.children) == 3 \
                and node.children[1].type == token.SLASHEQUAL:
            augs.append(node)
    for node in terms:
        _convert_term(l2, node)
    for node in augs:
        _convert_idiv(l2, node)


def _call(l2, name, args, prefix=''):
    """name(args...) with args a list of nodes/leaves (commas included)."""
    syms, token, pytree = l2.syms, l2.token, l2.pytree
    if len(args) == 1:
        inner = args
    else:
        inner = [pytree.Node(syms.arglist, args)]
    return pytree.Node(syms.power, [
        _leaf(l2, token.NAME, name, prefix),
        pytree.Node(syms.trailer, [_leaf(l2, token.LPAR, '(')] + inner
                    + [_leaf(l2, token.RPAR, ')')])])


def _convert_term(l2, node):
    syms, token, pytree = l2.syms, l2.token, l2.pytree
    kids = list(node.children)
    for k in kids:
        _detach(k)
    prefix = kids[0].prefix
    kids[0].prefix = ''
    acc = [kids[0]]            # operands/operators of the pending term

    def close(parts):
        if len(parts) == 1:
            return parts[0]
        return pytree.Node(syms.term, parts)

    i = 1
    while i < len(kids):
        op, operand = kids[i], kids[i + 1]
        if op.type == token.SLASH:
            left = close(acc)
            comma = _leaf(l2, token.COMMA, ',', _squeeze(op.prefix))
            if operand.prefix == '':
                operand.prefix = ' '
            acc = [_call(l2, '__py2_div__', [left, comma, operand])]
        else:
            acc += [op, operand]
        i += 2
    new = close(acc)
    new.prefix = prefix + new.prefix
    node.replace(new) if node.parent is not None else None


def _convert_idiv(l2, node):
    token = l2.token
    target, op, value = node.children
    if target.type == token.NAME:
        _detach(value)
        vprefix = value.prefix
        value.prefix = ' '
        twin = _leaf(l2, token.NAME, target.value)
        comma = _leaf(l2, token.COMMA, ',')
        call = _call(l2, '__py2_idiv__', [twin, comma, value],
                     vprefix or ' ')
        op.replace(_leaf(l2, token.EQUAL, '=', op.prefix))
        node.append_child(call)
    else:
        vprefix = value.prefix
        _detach(value)
        value.prefix = ''
        node.append_child(_call(l2, '__py2_divisor__', [value],
                                vprefix or ' '))


# -- round() ---------------------------------------------------------------
#
# Python 2's round() rounds half away from zero and returns a float.  Calls
# become __py2_round__(...) when `round` is never anything but called (a
# module that defines, assigns, imports or passes round keeps its own).

def _round_pass(l2, tree):
    syms, token = l2.syms, l2.token
    uses = [leaf for leaf in tree.leaves()
            if leaf.type == token.NAME and leaf.value == 'round']
    for leaf in uses:
        p = leaf.parent
        if not (p is not None and p.type == syms.power
                and p.children[0] is leaf and len(p.children) > 1
                and p.children[1].type == syms.trailer
                and p.children[1].children[0].value == '('):
            return
    for leaf in uses:
        leaf.value = '__py2_round__'


# -- line numbers ------------------------------------------------------------
#
# lib2to3's fixers sometimes add a statement on a line of its own
# (touch_import: `from functools import reduce`; fix_tuple_params and
# fix_except: an unpacking assignment; fix_urllib: one import per module).
# Every original token must stay on its line: where a token has moved down,
# an added statement is joined to its neighbour with ';'.  Where lines went
# missing before a statement, blank lines are put back.

def _keep_lines(l2, tree, original):
    token = l2.token
    skip = {token.NEWLINE, token.INDENT, token.DEDENT, token.ENDMARKER}
    problems = []
    moved_up = set()            # ids of tokens a dropped blank line moved
    for _ in range(10000):
        leaves = list(tree.leaves())
        at_line_start = []      # per leaf: its prefix begins a line
        line = 1
        shift = 0               # lines an unfixable spot has already moved
        pending = []            # added NEWLINE leaves since the last anchor
        problems = []
        changed = False
        text_ends_nl = True
        for i, leaf in enumerate(leaves):
            at_line_start.append(text_ends_nl)
            start = line + leaf.prefix.count('\n')
            if (original.get(id(leaf)) is leaf and leaf.type not in skip
                    and leaf.lineno > 0):
                want = leaf.lineno + shift
                if start > want:
                    while pending and not changed:
                        changed = _join(l2, pending.pop())
                    if not changed:
                        moved = _drop_blank_line(leaves, at_line_start, i)
                        if moved is not None:
                            changed = True
                            moved_up.update(id(lf) for lf in moved)
                            lines = [lf.lineno for lf in moved
                                     if lf.lineno > 0 and lf.value.strip()]
                            if lines:
                                notes.append(
                                    'lines %d-%d: one line up (a statement '
                                    'added after them)'
                                    % (min(lines), max(lines)))
                    if changed:
                        break
                    problems.append('line %d: %r is %d line(s) down'
                                    % (leaf.lineno, leaf.value, start - want))
                    shift += start - want
                elif start < want and id(leaf) not in moved_up:
                    if _starts_line(l2, leaf, leaves[i - 1] if i else None):
                        _add_blank_lines(l2, leaf,
                                         leaves[i - 1] if i else None,
                                         want - start)
                        changed = True
                        break
                pending = []
            if leaf.type == token.NEWLINE and original.get(id(leaf)) \
                    is not leaf:
                pending.append(leaf)
            line = start + leaf.value.count('\n')
            if leaf.value:
                text_ends_nl = leaf.value.endswith('\n')
            elif leaf.prefix:
                text_ends_nl = leaf.prefix.endswith('\n')
        if not changed:
            break
    notes.extend(problems)


def _normalize(l2, tree):
    """Undo two shapes fix_except leaves behind: a leaf present at two
    places of the tree (the suite's NEWLINE and INDENT, shared), and an
    inserted statement that is not wrapped in a simple_stmt (followed by
    a bare NEWLINE and INDENT in the suite)."""
    syms, token, pytree = l2.syms, l2.token, l2.pytree
    seen = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        for i, child in enumerate(node.children):
            if id(child) in seen:
                child = child.clone()
                child.parent = node
                node.children[i] = child
            seen.add(id(child))
            if child.children:
                stack.append(child)
    for node in list(tree.pre_order()):
        if node.type != syms.suite:
            continue
        kids = node.children
        i = 2
        while i < len(kids):
            k = kids[i]
            if (isinstance(k, pytree.Node) and k.type != syms.simple_stmt
                    and i + 1 < len(kids)
                    and kids[i + 1].type == token.NEWLINE):
                nl = kids[i + 1]
                k.remove()
                nl.remove()
                stmt = pytree.Node(syms.simple_stmt, [k, nl])
                node.insert_child(i, stmt)
                kids = node.children
                if i + 1 < len(kids) and kids[i + 1].type == token.INDENT:
                    ind = kids[i + 1]
                    ind.remove()
                    kids = node.children
                    if i + 1 < len(kids):
                        kids[i + 1].prefix = (ind.prefix + ind.value
                                              + kids[i + 1].prefix)
            i += 1


def _drop_blank_line(leaves, at_line_start, i):
    """Delete the blank line nearest before leaves[i].  Returns None if
    there is none, else the tokens that moved up a line."""
    for j in range(i, -1, -1):
        leaf = leaves[j]
        if not at_line_start[j] or '\n' not in leaf.prefix:
            continue
        parts = leaf.prefix.split('\n')
        for k in range(len(parts) - 2, -1, -1):
            if parts[k].strip() == '':
                del parts[k]
                leaf.prefix = '\n'.join(parts)
                return leaves[j:i]
    return None


def _starts_line(l2, leaf, prev):
    token = l2.token
    return prev is None or prev.type in (token.NEWLINE, token.INDENT,
                                         token.DEDENT)


def _add_blank_lines(l2, leaf, prev, n):
    if prev is not None and prev.type == l2.token.INDENT:
        prev.prefix = '\n' * n + prev.prefix
    else:
        leaf.prefix = '\n' * n + leaf.prefix


def _join(l2, newline):
    """Join the simple statement `newline` ends with the next one (or the
    previous one) on one line.  True when done."""
    syms, token = l2.syms, l2.token
    stmt = newline.parent
    if stmt is None or newline.value != '\n' or '#' in newline.prefix:
        return False
    if stmt.children[-1] is not newline:
        # a line break inside one simple_stmt (fix_urllib's imports)
        nxt = newline.next_sibling
        if nxt is None:
            return False
        first = _first_leaf(nxt)
        if '\n' in first.prefix:
            return False
        newline.value = ';'
        first.prefix = ' '
        return True
    if stmt.type != syms.simple_stmt:
        return False
    nxt = stmt.next_sibling
    if nxt is not None and nxt.type == syms.simple_stmt:
        # stmt; nxt  -- on nxt's line
        nxt_first = _first_leaf(nxt)
        stmt_first = _first_leaf(stmt)
        if '\n' in nxt_first.prefix:
            # nxt's blank and comment lines (and its indentation) go first
            stmt_first.prefix = stmt_first.prefix + nxt_first.prefix
        nxt_first.prefix = ' '
        newline.value = ';'
        return True
    prv = stmt.prev_sibling
    if prv is not None and prv.type == syms.simple_stmt:
        stmt_first = _first_leaf(stmt)
        if '\n' in stmt_first.prefix:
            return False
        prv_nl = prv.children[-1]
        if prv_nl.type != token.NEWLINE or prv_nl.value != '\n':
            return False
        # prv; stmt  -- on prv's line, prv's end-of-line comment after stmt
        newline.prefix = prv_nl.prefix + newline.prefix
        prv_nl.prefix = ''
        prv_nl.value = ';'
        stmt_first.prefix = ' '
        return True
    return False


def _first_leaf(node):
    while node.children:
        node = node.children[0]
    return node


# ---------------------------------------------------------------------------
# Run-time helpers (the injected builtins)
# ---------------------------------------------------------------------------

_softspace_side = {}        # id(stream) -> (stream, flag), for streams
                            # that take no attributes


def _softspace(f, new):
    """Python 2's PyFile_SoftSpace: set f.softspace to new, return the old
    value (0 when f has none)."""
    ent = _softspace_side.get(id(f))
    if ent is not None and ent[0] is f:
        old = ent[1]
    else:
        try:
            old = f.softspace
        except Exception:
            old = 0
    try:
        f.softspace = new
    except Exception:
        _softspace_side[id(f)] = (f, new)
    else:
        if ent is not None:
            _softspace_side.pop(id(f), None)
    try:
        return bool(old)
    except Exception:
        return False


def _py2_float_str(x):
    """str() of a float in Python 2.7: 12 significant digits ('g' with
    Py_DTSF_ADD_DOT_0: exponent form when the exponent is < -4 or >= 11)."""
    if x != x or x in (float('inf'), float('-inf')):
        return repr(x)
    m, e = ('%.11e' % x).split('e')
    e = int(e)
    if e < -4 or e + 1 > 11:
        m = m.rstrip('0').rstrip('.')
        return '%se%s%02d' % (m, '-' if e < 0 else '+', abs(e))
    s = '%.12g' % x
    if '.' not in s:
        s += '.0'
    return s


def _ends_softly(s):
    """Python 2: softspace stays set after a string unless it ends in
    whitespace other than ' '."""
    if not s:
        return True
    c = s[-1]
    return c == ' ' or not c.isspace() or '\x1c' <= c <= '\x1f'


_PY2_MODULES = {'_thread': 'thread', 'builtins': '__builtin__', '_queue': 'Queue',
                'queue': 'Queue'}


def _py2_type_str(t):
    """A type as Python 2 printed it: <type 'thread.lock'> for a built-in
    type (or threading's C-named ones), <class 'mod.Name'> for a class."""
    name = t.__name__
    mod = t.__module__
    # not Py_TPFLAGS_HEAPTYPE, or threadsim's C lock types (heap types made
    # in C, so that their addresses are deterministic)
    builtin = not (t.__flags__ & (1 << 9)) or mod == '_thread'
    mod = _PY2_MODULES.get(mod, mod)
    if builtin:
        return "<type '%s'>" % (name if mod == '__builtin__' else mod + '.' + name)
    return "<class '%s.%s'>" % (mod, t.__qualname__)


class _Py2Print(object):
    """One print statement: __py2_print__(file).item(x)...newline()."""
    __slots__ = ('_file',)

    def __init__(self, file=None):
        self._file = file

    def _stream(self):
        f = self._file
        if f is None:
            f = sys.stdout
            if f is None:
                raise RuntimeError('lost sys.stdout')
        return f

    def item(self, value):
        f = self._stream()
        if _softspace(f, 0):
            f.write(' ')
        if isinstance(value, str):
            text = value if type(value) is str else str(value)
            soft = _ends_softly(str.__str__(value))
        elif isinstance(value, float) and type(value).__str__ is \
                float.__str__:
            text = _py2_float_str(value)
            soft = True
        elif isinstance(value, (bytes, bytearray)):
            text = bytes(value).decode('latin-1')
            soft = _ends_softly(text)
        elif isinstance(value, type):
            text = _py2_type_str(value)
            soft = True
        else:
            text = str(value)
            soft = True
        f.write(text)
        _softspace(f, 1 if soft else 0)
        return self

    def newline(self):
        f = self._stream()
        f.write('\n')
        _softspace(f, 0)
        return None


def flush_line():
    """Python 2's Py_FlushLine(): if the last print to sys.stdout ended with
    a comma, write the pending newline.  Python 2 does this when the main
    program ends (before the interpreter waits for threads) and before it
    prints an uncaught exception's traceback."""
    f = sys.stdout
    if f is None:
        return
    try:
        if _softspace(f, 0):
            f.write('\n')
    except Exception:
        pass


def _classic(a, b, name, rname):
    f = getattr(type(a), name, None)
    if f is not None:
        r = f(a, b)
        if r is not NotImplemented:
            return r
    f = getattr(type(b), rname, None)
    if f is not None:
        r = f(b, a)
        if r is not NotImplemented:
            return r
    return NotImplemented


def _py2_div(a, b):
    """a / b in Python 2 without `from __future__ import division`."""
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    try:
        return a / b
    except TypeError:
        r = _classic(a, b, '__div__', '__rdiv__')   # a Python 2 class
        if r is NotImplemented:
            raise
        return r


def _py2_idiv(a, b):
    """a /= b (a a plain name): returns the new value."""
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    try:
        a /= b
        return a
    except TypeError:
        r = _classic(a, b, '__idiv__', '__rdiv__')
        if r is NotImplemented:
            r = _classic(a, b, '__div__', '__rdiv__')
        if r is NotImplemented:
            raise
        return r


class _IntDivisor(object):
    """An int on the right of `x.attr /= n`: x.attr / n floors when x.attr
    is an int (int's own __truediv__ declines, this __rtruediv__ runs)."""
    __slots__ = ('value',)
    __array_ufunc__ = None

    def __init__(self, value):
        self.value = value

    def __rtruediv__(self, other):
        return _py2_div(other, self.value)

    def __repr__(self):
        return repr(self.value)


def _py2_divisor(b):
    return _IntDivisor(b) if isinstance(b, int) else b


def _py2_round(number, ndigits=0):
    """Python 2's round(): half away from zero, always a float."""
    import math
    import operator
    x = float(number)
    n = operator.index(ndigits)
    if math.isinf(x) or math.isnan(x) or x == 0.0:
        return x
    if n > 340:
        return x
    if n < -340:
        return 0.0 * x
    from decimal import Decimal, Context, ROUND_HALF_UP
    q = Decimal(x).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP,
                            context=Context(prec=1000, Emax=10000,
                                            Emin=-10000))
    r = float(q)
    if math.isinf(r):
        raise OverflowError('rounded value too large to represent')
    return r


def _cmp(a, b):
    """Python 2's cmp() (for the types Python 3 can order)."""
    return (a > b) - (a < b)


# ---------------------------------------------------------------------------
# Streams: Python 2's file.write() clears softspace
# ---------------------------------------------------------------------------

class Py2Stream(object):
    """sys.stdout / sys.stderr as a Python 2 file object: write() clears the
    stream's softspace (so `print 'a',; sys.stdout.write('x'); print 'b'`
    writes 'axb'); everything else is the wrapped stream's."""

    def __init__(self, stream):
        object.__setattr__(self, '_py2_stream', stream)
        object.__setattr__(self, 'softspace', 0)

    def write(self, s):
        object.__setattr__(self, 'softspace', 0)
        return self._py2_stream.write(s)

    def writelines(self, lines):
        object.__setattr__(self, 'softspace', 0)
        return self._py2_stream.writelines(lines)

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, '_py2_stream'), name)

    def __setattr__(self, name, value):
        if name == 'softspace':
            object.__setattr__(self, name, value)
        else:
            setattr(self._py2_stream, name, value)

    def __iter__(self):
        return iter(self._py2_stream)

    def __repr__(self):
        return repr(self._py2_stream)


def wrap_std_streams():
    """Wrap sys.stdout and sys.stderr in Py2Stream (once)."""
    for name in ('stdout', 'stderr'):
        s = getattr(sys, name, None)
        if s is not None and not isinstance(s, Py2Stream):
            setattr(sys, name, Py2Stream(s))


# ---------------------------------------------------------------------------
# Tracebacks as Python 2 prints them
# ---------------------------------------------------------------------------

def _own_file():
    return _py2_div.__code__.co_filename


def _strip_tb(tb):
    """The traceback without this module's frames (the injected helpers, the
    Thread.__init__ wrapper, run_file)."""
    import types
    own = _own_file()
    entries = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != own:
            entries.append(tb)
        tb = tb.tb_next
    new = None
    for t in reversed(entries):
        new = types.TracebackType(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return new


_PY2_MODULE_NAMES = {'_queue': 'Queue', 'queue': 'Queue', '_thread': 'thread',
                     'builtins': None, 'exceptions': None}


def format_exception(etype, value, tb):
    """Python 2's layout: no chained exceptions, no ^^^ position lines,
    the type qualified by its module unless builtin (`__main__.E: x`,
    `Queue.Empty`), and no frames of this module."""
    import traceback
    tb = _strip_tb(tb)
    if value is not None:
        value.__traceback__ = tb
    te = traceback.TracebackException(etype, value, tb, compact=True)
    for fs in te.stack:
        fs.colno = None
        fs.end_colno = None
    lines = []
    if te.stack:
        lines.append('Traceback (most recent call last):\n')
        lines.extend(te.stack.format())
    if isinstance(value, SyntaxError) or etype is None:
        lines.extend(te.format_exception_only())
        return lines
    mod = getattr(etype, '__module__', None)
    mod = _PY2_MODULE_NAMES.get(mod, mod)
    name = etype.__name__               # Python 2 had no __qualname__
    stype = name if mod is None else mod + '.' + name
    try:
        msg = str(value)
    except Exception:
        msg = '<unprintable %s object>' % etype.__name__
    lines.append('%s: %s\n' % (stype, msg) if msg else stype + '\n')
    return lines


def _excepthook(etype, value, tb):
    flush_line()
    try:
        text = ''.join(format_exception(etype, value, tb))
    except Exception:
        return sys.__excepthook__(etype, value, tb)
    f = sys.stderr
    if f is not None:
        f.write(text)
        try:
            f.flush()
        except Exception:
            pass


def _thread_excepthook(args):
    if args.exc_type is SystemExit:
        return
    f = sys.stderr
    if f is None:
        return
    name = args.thread.name if args.thread is not None else '?'
    text = ''.join(format_exception(args.exc_type, args.exc_value,
                                    args.exc_traceback))
    # threading.py of Python 2: "Exception in thread %s:\n%s\n"
    f.write('Exception in thread %s:\n%s\n' % (name, text))
    try:
        f.flush()
    except Exception:
        pass


# ---------------------------------------------------------------------------
# install_shims()
# ---------------------------------------------------------------------------

def _getName(self):
    return self.name


def _setName(self, name):
    self.name = name


def _isDaemon(self):
    return self.daemon


def _setDaemon(self, daemonic):
    self.daemon = daemonic


for _f, _n in ((_getName, 'getName'), (_setName, 'setName'),
               (_isDaemon, 'isDaemon'), (_setDaemon, 'setDaemon')):
    _f.__name__ = _n
    _f.__qualname__ = 'Thread.' + _n
del _f, _n


def _string_shims():
    import string
    adds = {
        'letters': string.ascii_letters,
        'lowercase': string.ascii_lowercase,
        'uppercase': string.ascii_uppercase,
        'maketrans': str.maketrans,
        'atoi': lambda s, base=10: int(s, base),
        'atol': lambda s, base=10: int(s, base),
        'atof': float,
        'join': lambda words, sep=' ': sep.join(words),
        'joinfields': lambda words, sep=' ': sep.join(words),
        'split': lambda s, sep=None, maxsplit=-1: s.split(sep, maxsplit),
        'splitfields': lambda s, sep=None, maxsplit=-1: s.split(sep,
                                                                maxsplit),
        'replace': lambda s, old, new, maxreplace=-1: s.replace(old, new,
                                                                maxreplace),
        'strip': lambda s, chars=None: s.strip(chars),
        'lstrip': lambda s, chars=None: s.lstrip(chars),
        'rstrip': lambda s, chars=None: s.rstrip(chars),
        'upper': lambda s: s.upper(),
        'lower': lambda s: s.lower(),
        'find': lambda s, *a: s.find(*a),
        'rfind': lambda s, *a: s.rfind(*a),
        'index': lambda s, *a: s.index(*a),
        'count': lambda s, *a: s.count(*a),
        'zfill': lambda s, width: str(s).zfill(width),
        'ljust': lambda s, *a: s.ljust(*a),
        'rjust': lambda s, *a: s.rjust(*a),
        'center': lambda s, *a: s.center(*a),
    }
    for k, v in adds.items():
        if not hasattr(string, k):
            setattr(string, k, v)


def _rlock_returning_1(threading):
    """Python 2's RLock.acquire() answered 1 (not True) to its owner."""
    base = getattr(threading, '_CRLock', None) or threading._PyRLock

    class RLock(base):
        def acquire(self, blocking=True, timeout=-1):
            if self._is_owned():
                base.acquire(self, blocking, timeout)
                return 1
            return base.acquire(self, blocking, timeout)

        __enter__ = acquire

    RLock.__module__ = base.__module__

    def factory(*args, **kwargs):
        return RLock(*args, **kwargs)

    factory.__name__ = factory.__qualname__ = 'RLock'
    factory._py2compat = True
    if not getattr(threading.RLock, '_py2compat', False):
        threading.RLock = factory


def _py2_threading(threading):
    """Python 2.7's Condition.wait returned None; its RLock printed as
    <_RLock owner='NAME' count=N>."""
    if getattr(threading, '_threadsim_py2', False):
        return
    threading._threadsim_py2 = True
    cond_wait = threading.Condition.wait

    def wait(self, timeout=None):
        cond_wait(self, timeout)

    def ev_wait(self, timeout=None):     # 2.7's Event.wait: the flag
        with self._cond:
            if not self._flag:
                cond_wait(self._cond, timeout)
            return self._flag
    # traces name the waits as the user wrote them
    wait.__code__ = wait.__code__.replace(co_qualname='Condition.wait')
    ev_wait.__code__ = ev_wait.__code__.replace(co_qualname='Event.wait', co_name='wait')
    wait.__doc__ = cond_wait.__doc__
    threading.Condition.wait = wait
    threading.Event.wait = ev_wait
    base = threading.RLock if isinstance(threading.RLock, type) else type(threading.RLock())

    class _RLock(base):
        __slots__ = ()

        def __repr__(self):
            # (3.11.2's RLock has no _recursion_count: its repr says the count)
            count = 0
            if self._is_owned():
                count = int(base.__repr__(self).split(' count=')[1].split(' ')[0])
            owner = None
            for t in threading.enumerate():
                if self._is_owned() and t.ident == threading.get_ident():
                    owner = t.name
            if count == 0 and 'owner=0' not in base.__repr__(self):
                # held by another thread: Python 2 named it, we know its ident
                r = base.__repr__(self)
                ident = int(r.split('owner=')[1].split()[0])
                count = int(r.split('count=')[1].split()[0])
                owner = next((t.name for t in threading.enumerate() if t.ident == ident), ident)
            return '<_RLock owner=%r count=%d>' % (owner, count)
    _RLock.__module__ = 'threading'
    threading._CRLock = _RLock
    threading.RLock = _RLock


def install_shims(rlock_acquire_returns_1=False, thread_names=True,
                  tracebacks=True, wrap_streams=True):
    """Make the Python 2 vocabulary work (call before running a translated
    program; it imports threading itself, so it may run before or after the
    program's own imports).  Idempotent.

    rlock_acquire_returns_1: RLock.acquire() by its owner returns 1, as in
        Python 2 (default: Python 3's True).
    thread_names: unnamed threads are 'Thread-N' (Python 2) rather than
        'Thread-N (target)'; Thread() accepts Python 2's `verbose`.
    tracebacks: sys.excepthook and threading.excepthook print Python 2's
        layout (see format_exception) and the pending softspace newline.
    wrap_streams: sys.stdout/sys.stderr become Py2Stream wrappers (write()
        clears softspace).  Call again after replacing sys.stdout.
    """
    import threading
    import time
    import operator

    _py2_threading(threading)
    b = builtins
    b.__py2_print__ = _Py2Print
    b.__py2_div__ = _py2_div
    b.__py2_idiv__ = _py2_idiv
    b.__py2_divisor__ = _py2_divisor
    b.__py2_round__ = _py2_round
    if not hasattr(b, 'cmp'):
        b.cmp = _cmp
    if not hasattr(b, 'file'):
        b.file = open
    if not hasattr(b, 'reduce'):
        import functools
        b.reduce = functools.reduce
    if not hasattr(b, 'intern'):
        b.intern = sys.intern

    T = threading.Thread
    T.isAlive = T.is_alive
    T.getName = _getName
    T.setName = _setName
    T.isDaemon = _isDaemon
    T.setDaemon = _setDaemon
    threading.currentThread = threading.current_thread
    threading.activeCount = threading.active_count
    threading.Condition.notifyAll = threading.Condition.notify_all
    threading.Event.isSet = threading.Event.is_set
    for old, new in (('_Condition', 'Condition'), ('_Event', 'Event'),
                     ('_Semaphore', 'Semaphore'),
                     ('_BoundedSemaphore', 'BoundedSemaphore'),
                     ('_Timer', 'Timer')):
        if not hasattr(threading, old) and hasattr(threading, new):
            setattr(threading, old, getattr(threading, new))

    if thread_names and not getattr(T.__init__, '_py2compat', False):
        orig_init = T.__init__
        newname = getattr(threading, '_newname', None)

        def __init__(self, group=None, target=None, name=None, args=(),
                     kwargs=None, verbose=None, *, daemon=None):
            if not name and newname is not None:
                name = newname('Thread-%d')
            orig_init(self, group, target, name, args, kwargs, daemon=daemon)

        __init__.__qualname__ = 'Thread.__init__'
        __init__.__doc__ = orig_init.__doc__
        __init__._py2compat = True
        T.__init__ = __init__

    if rlock_acquire_returns_1:
        _rlock_returning_1(threading)

    if not hasattr(sys, 'maxint'):
        sys.maxint = sys.maxsize
    if not hasattr(sys, 'exc_clear'):
        sys.exc_clear = lambda: None
    if not hasattr(sys, 'setcheckinterval'):
        sys.setcheckinterval = lambda n: None
        sys.getcheckinterval = lambda: 100
    if not hasattr(time, 'clock'):
        # Python 2 on Unix: processor time
        time.clock = getattr(time, 'process_time', None) or time.time
    if not hasattr(operator, 'div'):
        operator.div = _py2_div
    if not hasattr(operator, 'idiv'):
        operator.idiv = _py2_idiv
    _string_shims()

    if tracebacks:
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook
    if wrap_streams:
        wrap_std_streams()


# ---------------------------------------------------------------------------
# Running a file (--run)
# ---------------------------------------------------------------------------

def _unbuffered_std_streams():
    """Like python3 -u: stdout and stderr written at once, so their merged
    output keeps program order (the .out files' view)."""
    import io
    for name, fd in (('stdout', 1), ('stderr', 2)):
        old = getattr(sys, name)
        if old is None or isinstance(getattr(old, 'buffer', None),
                                     io.RawIOBase):
            continue            # python3 -u: unbuffered already
        try:
            old.flush()
            raw = io.FileIO(fd, 'w', closefd=False)
            new = io.TextIOWrapper(raw, encoding=old.encoding,
                                   errors=old.errors, write_through=True)
        except Exception:
            continue
        setattr(sys, name, new)


def run_file(path, argv=None, seed=None, **shim_options):
    """Translate and run a Python 2 program as __main__ (the Python 2
    interpreter's PyRun_SimpleFile: the pending softspace newline is written
    when the program ends; an uncaught exception's traceback is Python 2's)."""
    import io
    import os
    import tokenize
    import types
    with open(path, 'rb') as f:
        raw = f.read()
    encoding = tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
    source = raw.decode(encoding)
    code_src = translate(source, path)
    code = compile(code_src, path, 'exec', dont_inherit=True)
    _unbuffered_std_streams()
    install_shims(**shim_options)
    if seed is not None:
        import random
        random.seed(seed)
    main = types.ModuleType('__main__')
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules['__main__'] = main
    sys.argv = [path] + list(argv or [])
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    try:
        exec(code, main.__dict__)
    finally:
        flush_line()


def _main(args):
    usage = ('usage: py2compat.py FILE.py\n'
             '       py2compat.py --run [--seed N|none] [--rlock-returns-1]'
             ' FILE.py [ARGS...]\n')
    if not args or args[0] in ('-h', '--help'):
        sys.stderr.write(usage)
        return 2
    if args[0] == '--run':
        args = args[1:]
        seed = 0
        options = {}
        while args and args[0].startswith('--'):
            if args[0] == '--seed' and len(args) >= 2:
                seed = None if args[1] == 'none' else int(args[1])
                args = args[2:]
            elif args[0] == '--rlock-returns-1':
                options['rlock_acquire_returns_1'] = True
                args = args[1:]
            else:
                sys.stderr.write(usage)
                return 2
        if not args:
            sys.stderr.write(usage)
            return 2
        run_file(args[0], args[1:], seed, **options)
        return 0
    if len(args) != 1:
        sys.stderr.write(usage)
        return 2
    import io
    import tokenize
    with open(args[0], 'rb') as f:
        raw = f.read()
    encoding = tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
    out = translate(raw.decode(encoding), args[0])
    sys.stdout.write(out)
    for n in notes:
        sys.stderr.write('py2compat: %s\n' % n)
    return 0


if __name__ == '__main__':
    sys.exit(_main(sys.argv[1:]))
