"""MkDocs hook: the site's downloads/ (the wheel, names.txt, each step as one
file), made at every build by sitebuild.downloads."""

from mkdocs.structure.files import File

from sitebuild.downloads import FOLDER, downloads
from sitebuild.progress import phase


def on_files(files, config):
    with phase("downloads: the wheel, names.txt and the single-file programs"):
        made = downloads(config.site_url)
    for name, content in made.items():
        files.append(File.generated(config, f"{FOLDER}/{name}", content=content))
    return files
