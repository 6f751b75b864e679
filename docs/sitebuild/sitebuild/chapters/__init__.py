"""The chapters of the site, in the order of its navigation. Each module holds
its chapter's derived numbers (called by the pages), its pictures (PICTURES:
name -> (draw function, figure size)) and the data of its widgets (WIDGETS:
name -> function returning JSON-ready data). The hooks loop over CHAPTERS."""

from sitebuild.chapters import speed, step0, step1, step2, step3, step4, step5

CHAPTERS = {"ch0": step0, "ch1": step1, "ch2": step2, "ch3": step3, "ch4": step4, "ch5": step5,
            "speed_ch": speed}  # the name each has on the pages


def merged(attribute):
    """One dict of every chapter's `attribute` (PICTURES or WIDGETS); a name
    that two chapters define is an error, naming both."""
    found, owner = {}, {}
    for chapter in CHAPTERS.values():
        for name, value in getattr(chapter, attribute).items():
            if name in found:
                raise ValueError(f"{attribute} {name!r} is defined by both {owner[name].__name__} "
                                 f"and {chapter.__name__}: rename one")
            found[name], owner[name] = value, chapter
    return found
