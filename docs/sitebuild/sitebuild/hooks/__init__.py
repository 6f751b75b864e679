"""The MkDocs entry points, listed in mkdocs.yml (`hooks:` and the macros
plugin's `module_name`). Each is thin: it loops over the chapters or calls
a module of sitebuild."""
