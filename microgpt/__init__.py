"""microgpt, built up in six steps: from counting letter pairs to a GPT trained with Adam.

Each ``stepN_*`` module is a complete program for one step of the guide; run one
with ``python -m microgpt stepN`` (or ``microgpt stepN`` once installed).
"""
