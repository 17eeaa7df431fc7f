"""A module shipped in the Script Bundle: the module imports it as ``import Hello``."""


def greeting(name: str) -> str:
    """The greeting for ``name``."""
    return "Hello, {}!".format(name)


def print_hello(name: str) -> None:
    """Print the greeting for ``name`` (it lands in the run's log)."""
    print(greeting(name))
