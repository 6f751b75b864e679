"""MkDocs hook: the site's downloads/ (the wheel, names.txt, each step as one
file), made at every build by sitebuild.downloads."""

from mkdocs.structure.files import File

from sitebuild.downloads import FOLDER, downloads


def on_files(files, config):
    for name, content in downloads(config.site_url).items():
        files.append(File.generated(config, f"{FOLDER}/{name}", content=content))
    return files
