"""Each step of the guide as one file: ``python -m microgpt.single_file step3 > step3.py``.

The file is generated from the package source, never written by hand. Starting
from the step's `run` and the command line, it follows every name the code
uses through the package's relative imports, keeps exactly the definitions
that are reached (with their comments, without the pages' snippet markers),
and writes them module by module in reading order: dependencies first, the
step itself last. Standard-library imports are gathered at the top. When two
modules define the same name (Step 5's `run` calls Step 4's), the step's own
definition keeps the name and the other is prefixed with its module
(`step4_run`). ``python step3.py`` then prints exactly what
``python -m microgpt step3`` prints, and takes the same options.
"""

import ast
import builtins
import importlib.metadata
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from .cli import SHAPED_STEPS, STEPS

PACKAGE = "microgpt"
PACKAGE_DIR = Path(__file__).parent
SNIPPET_MARKER = "# --8<-- ["
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

# The end of every generated file: the same options and output as `microgpt STEP`.
MAIN = '''\
import argparse

from .cli import add_run_options, run_step
from .{module} import run

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\\n\\n")[0])
    add_run_options(parser{shape_option})
    raise SystemExit(run_step(run, parser.parse_args(), parser.prog, shaped={shaped}))
'''


@dataclass
class Module:
    """One source file: its top-level definitions and what its imports bind."""

    name: str
    lines: list
    definitions: dict = field(default_factory=dict)  # name -> top-level statement
    package_names: dict = field(default_factory=dict)  # local name -> (module, name)
    package_modules: dict = field(default_factory=dict)  # local name -> module
    stdlib: dict = field(default_factory=dict)  # local name -> [import statement, ...]
    main: ast.If | None = None  # the `if __name__ == "__main__":` block


def parse_module(name, source):
    module = Module(name, source.splitlines())
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            module.definitions[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    raise ValueError(f"{name}.py:{node.lineno}: only `NAME = ...` is supported at top level")
                module.definitions[target.id] = node
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module:
                    module.package_names[local] = (node.module, alias.name)
                else:
                    module.package_modules[local] = alias.name
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                module.stdlib.setdefault(alias.asname or alias.name, []).append(
                    ("from", node.module, alias.name, alias.asname))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                module.stdlib.setdefault(local, []).append(("import", alias.name, None, alias.asname))
        elif is_main_block(node):
            module.main = node
    return module


def is_main_block(node):
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def in_scope(node):
    """The nodes evaluated in node's own scope; nested scopes are yielded, not entered."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, SCOPES):
            yield from in_scope(child)


def bound_in(scope):
    """The names a scope binds itself: parameters, assignments, loop targets, defs."""
    names = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        names |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
                  if a is not None}
    for node in in_scope(scope):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def global_names(scope, enclosing=frozenset()):
    """The Name nodes under `scope` that refer to module-level (or builtin) names."""
    visible = enclosing | bound_in(scope)
    for node in in_scope(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in visible:
            yield node
        elif isinstance(node, SCOPES):
            # a class body's names are not visible inside its methods
            yield from global_names(node, enclosing if isinstance(scope, ast.ClassDef) else visible)


def top_level_names(node):
    """The module-level names a top-level statement uses (for the main block:
    the names it does not assign itself)."""
    if isinstance(node, ast.If):
        return list(global_names(ast.Module(body=node.body, type_ignores=[])))
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return list(global_names(node))
    return [n for n in ast.walk(node.value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


class Generator:
    def __init__(self, step):
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}: choose one of {', '.join(STEPS)}")
        self.step = step
        self.root = STEPS[step].__name__.rsplit(".", 1)[1]
        self.modules = {}
        shaped = step in SHAPED_STEPS
        self.main = parse_module("__main__", MAIN.format(
            module=self.root, shaped=shaped, shape_option=', shape_group="model shape"' if shaped else ""))

    def module(self, name):
        if name not in self.modules:
            self.modules[name] = parse_module(name, (PACKAGE_DIR / f"{name}.py").read_text())
        return self.modules[name]

    def resolve(self, module, name):
        """What `name` means in `module`: ("def", module, name), ("module", module),
        ("stdlib", imports) or ("builtin",)."""
        if name in module.definitions:
            return ("def", module.name, name)
        if name in module.package_names:
            source, original = module.package_names[name]
            return self.resolve(self.module(source), original)
        if name in module.package_modules:
            return ("module", module.package_modules[name])
        if name in module.stdlib:
            return ("stdlib", tuple(module.stdlib[name]))
        if hasattr(builtins, name):
            return ("builtin",)
        raise NameError(f"{module.name}.py uses {name!r}, which it neither defines nor imports")

    def references(self, module, node):
        """(target, start, end) for every module-level name the statement uses:
        target is ("def", module, name) or ("stdlib", imports); start and end are
        (line, column) spans to rewrite (an attribute `module.name` as a whole)."""
        parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
        for name in top_level_names(node):
            target = self.resolve(module, name.id)
            end = (name.end_lineno, name.end_col_offset)
            if target[0] == "module":
                attribute = parents.get(name)
                if not isinstance(attribute, ast.Attribute):
                    raise ValueError(f"{module.name}.py:{name.lineno}: a module is used other "
                                     f"than as `{name.id}.attribute`")
                target = self.resolve(self.module(target[1]), attribute.attr)
                end = (attribute.end_lineno, attribute.end_col_offset)
            if target[0] != "builtin":
                yield target, (name.lineno, name.col_offset), end

    def collect(self):
        """Every definition reached from the program's entry point, and the
        stdlib imports they need."""
        used, imports = set(), set()
        todo = [(self.main, self.main.main)]
        while todo:
            module, node = todo.pop()
            for target, _, _ in self.references(module, node):
                if target[0] == "stdlib":
                    imports.update(target[1])
                elif target[1:] not in used:
                    used.add(target[1:])
                    defining = self.module(target[1])
                    todo.append((defining, defining.definitions[target[2]]))
        return used, imports

    def module_order(self):
        """Modules in reading order: each after the modules it imports from."""
        order = []

        def visit(name):
            if name in order:
                return
            module = self.module(name)
            for source, _ in module.package_names.values():
                visit(source)
            for source in module.package_modules.values():
                visit(source)
            order.append(name)

        visit(self.root)
        visit("cli")
        return order

    def final_names(self, used):
        """The name of each definition in the one file: its own, unless another
        module's definition has it too; then all but the step's own are prefixed."""
        modules_of = {}
        for module, name in used:
            modules_of.setdefault(name, []).append(module)
        final = {}
        for module, name in used:
            if len(modules_of[name]) == 1 or module == self.root:
                final[module, name] = name
            else:
                prefix = module
                final[module, name] = f"{prefix.upper()}_{name}" if name.isupper() else f"{prefix}_{name}"
        if len(set(final.values())) != len(final):
            raise ValueError(f"renaming left two definitions with one name: {sorted(final.values())}")
        return final

    def rewritten(self, module, node, final):
        """The statement's source lines, with its names renamed to their final
        names, comments kept and snippet markers dropped."""
        edits = [(start, end, final[target[1:]])
                 for target, start, end in self.references(module, node) if target[0] == "def"]
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                edits.append(((target.lineno, target.col_offset),
                              (target.end_lineno, target.end_col_offset), final[module.name, target.id]))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            header = re.match(rb"\s*(?:def|class)\s+", module.lines[node.lineno - 1].encode())
            edits.append(((node.lineno, header.end()), (node.lineno, header.end() + len(node.name)),
                          final[module.name, node.name]))
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while first > 1 and module.lines[first - 2].lstrip().startswith("#"):
            first -= 1  # the comments just above belong to the definition
        lines = [line.encode() for line in module.lines[first - 1:node.end_lineno]]
        continued = continuation_lines(module.lines[first - 1:node.end_lineno])
        for (line, col), (end_line, end_col), new in sorted(edits, reverse=True):
            if line != end_line:
                raise ValueError(f"{module.name}.py:{line}: a name split over lines")
            row = line - first
            shift = len(new.encode()) - (end_col - col)
            lines[row] = lines[row][:col] + new.encode() + lines[row][end_col:]
            # keep the lines of the same statement aligned under the renamed call or def
            for below in continued.get(row, ()):
                indent = len(lines[below]) - len(lines[below].lstrip())
                if indent > col and shift:
                    lines[below] = b" " * max(indent + shift, col + 1) + lines[below].lstrip()
        return [line for line in (line.decode() for line in lines)
                if not line.lstrip().startswith(SNIPPET_MARKER)]

    def source(self):
        used, imports = self.collect()
        final = self.final_names(used)
        version = importlib.metadata.version(PACKAGE)
        doc = ast.get_docstring(ast.parse((PACKAGE_DIR / f"{self.root}.py").read_text()))
        out = [
            '"""' + doc,
            "",
            f"This file is generated from the {PACKAGE} package, version {version}, by",
            f"`python -m {PACKAGE}.single_file {self.step}`; do not edit it. It is the",
            "package's own code: every function and constant this step uses, module by",
            "module in reading order, standard library only. Without internet, point",
            "MICROGPT_NAMES at a copy of names.txt.",
            "",
            f"    python {self.step}.py               # the whole step, as `python -m {PACKAGE} {self.step}`",
            f"    python {self.step}.py --steps 20    # stop after 20 training steps",
            f"    python {self.step}.py --help",
            '"""',
            "",
        ]
        out += render_imports(imports)
        for name in self.module_order():
            module = self.module(name)
            chosen = sorted({id(node): node for key, node in module.definitions.items()
                             if (name, key) in used}.values(), key=lambda node: node.lineno)
            if not chosen:
                continue
            out += ["", "", f"# ---- {PACKAGE}/{name}.py ----", ""]
            previous = None
            for node in chosen:
                simple = isinstance(node, (ast.Assign, ast.AnnAssign))
                if previous is None:
                    pass
                elif simple and isinstance(previous, (ast.Assign, ast.AnnAssign)):
                    out += [] if previous.end_lineno + 1 == node.lineno else [""]
                else:
                    out += ["", ""]
                out += self.rewritten(module, node, final)
                previous = node
        out += ["", ""] + self.rewritten(self.main, self.main.main, final)
        return "\n".join(out) + "\n"


def continuation_lines(lines):
    """For each row of a statement spread over several rows, the rows after it
    that continue the same statement."""
    continued, start = {}, None
    for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
        row = token.start[0] - 1
        if token.type == tokenize.NEWLINE:
            for opening in range(start, row):
                continued[opening] = range(opening + 1, row + 1)
            start = None
        elif start is None and token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
                                                   tokenize.DEDENT, tokenize.ENDMARKER):
            start = row
    return continued


def render_imports(imports):
    plain = sorted({(name, asname) for kind, name, _, asname in imports if kind == "import"})
    froms = {}
    for kind, module, name, asname in imports:
        if kind == "from":
            froms.setdefault(module, set()).add((name, asname))
    def named(name, asname):
        return name + (f" as {asname}" if asname else "")

    lines = [f"import {named(name, asname)}" for name, asname in plain]
    for module in sorted(froms):
        lines.append(f"from {module} import {', '.join(named(*pair) for pair in sorted(froms[module]))}")
    return lines


def generate(step):
    """The source text of `step` (e.g. "step3") as one standalone program."""
    return Generator(step).source()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in STEPS:
        print(f"usage: python -m {PACKAGE}.single_file STEP > STEP.py, STEP one of {', '.join(STEPS)}",
              file=sys.stderr)
        return 2
    sys.stdout.write(generate(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
