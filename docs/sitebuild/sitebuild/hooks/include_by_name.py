"""Include a whole function or class on a page by its name.

A line of a page such as

    --8<-- "microgpt/step3_attention.py:rmsnorm"

whose name is not a snippet section of that file but a top-level `def` or
`class` (or `Class.method`) becomes that definition's exact source lines, read
with `ast`: decorators included, snippet markers inside it left out, a method
dedented. pymdownx.snippets handles every other include, and a section marked
`# --8<-- [start:NAME]` keeps precedence: markers remain only where a page
shows part of a function. A name that is neither a section nor a definition
stops the build with one message saying so.

Registered by `mkdocs.yml` as a hook; it adds its Markdown extension, which
runs before pymdownx.snippets.
"""

import ast
import re
import textwrap
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-+8<-+[ \t]+"(?P<path>[^":]+\.py):(?P<name>\w+(?:\.\w+)*)"[ \t]*$')
SECTION_MARKER = re.compile(r"-+8<-+[ \t]+\[(?:start|end):(?P<name>[\w-]+)\]")
SNIPPETS_PRIORITY = 32  # pymdownx.snippets' preprocessor; a higher priority runs first


class IncludeError(LookupError):
    """An include names a file or a definition that does not exist."""


def sections(source):
    """The names of the snippet sections marked in a file."""
    return {match["name"] for match in SECTION_MARKER.finditer(source)}


def find_definition(tree, qualname):
    """The def or class node at `qualname` ("name" or "Class.method"), or None."""
    scope = tree
    for part in qualname.split("."):
        scope = next((node for node in getattr(scope, "body", [])
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and node.name == part), None)
        if scope is None:
            return None
    return scope


def definition_lines(path, qualname):
    """The source lines of the definition `qualname` in the Python file `path`,
    from its first decorator to its last line, without snippet markers, and
    dedented. IncludeError if the file or the definition does not exist."""
    try:
        source = Path(path).read_text()
    except OSError as error:
        raise IncludeError(f"{path}: cannot read it to include {qualname!r} ({error.strerror})") from None
    node = find_definition(ast.parse(source, filename=str(path)), qualname)
    if node is None:
        raise IncludeError(f"{path} has no snippet section [start:{qualname}] and no top-level def or "
                           f"class {qualname!r} (a method is Class.method): fix the name on the page")
    first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    lines = source.splitlines()[first - 1:node.end_lineno]
    return textwrap.dedent("\n".join(line for line in lines if not SECTION_MARKER.search(line))).split("\n")


def expand(lines, base_path="."):
    """The page's lines with every include of a definition by name replaced by
    its source; includes of a marked section, and all other lines, unchanged."""
    out = []
    for line in lines:
        match = INCLUDE.match(line)
        path = match and Path(base_path) / match["path"]
        if match and path.is_file() and match["name"] in sections(path.read_text()):
            match = None  # a marked section: pymdownx.snippets includes it
        if match is None:
            out.append(line)
            continue
        source = definition_lines(path, match["name"])
        out += [match["indent"] + line if line else "" for line in source]
    return out


class IncludeByName(Preprocessor):
    def __init__(self, md, base_path):
        super().__init__(md)
        self.base_path = base_path

    def run(self, lines):
        return expand(lines, self.base_path)


class IncludeByNameExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"base_path": [".", "where the included paths start"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(IncludeByName(md, self.getConfig("base_path")), "include_by_name",
                                  SNIPPETS_PRIORITY + 1)


def on_config(config):
    """MkDocs hook: every page is read with the extension."""
    config.markdown_extensions.append(IncludeByNameExtension(base_path=str(Path(config.config_file_path).parent)))
    return config
