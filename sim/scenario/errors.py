"""The error a user's mistake raises: one line naming the file, the key and what was expected."""


class InputError(Exception):
    """Bad input from a user: the command line prints it on one line and exits with code 2."""

    def __init__(self, source: str, key: str, expected: str, problems: tuple = ()):
        self.source, self.key, self.expected = str(source), key, expected
        self.problems = tuple(problems) or ((key, expected),)  # every (key, message), for showing each by its key
        where = f"{self.source}: {key}" if key else self.source
        super().__init__(f"{where}: {expected}")
