"""The error a user's data mistake raises: one line naming the file, the column and what was expected."""

from sim.scenario.errors import InputError


class DataError(InputError, ValueError):
    """Unusable input data: an InputError, so the command line prints it on one line and exits with code 2."""

    def __init__(self, source, column: str, expected: str):
        super().__init__(source, column, expected)
        self.column = column
