"""The one exception type the package raises for bad input.

Every message says what is wrong and what to do about it; the command line
prints it as a single line instead of a traceback.
"""


class MicrogptError(Exception):
    """Bad input: a dataset, a name, a hyperparameter or a command-line value."""
