"""Pages whose length does not tell which way a member voted.

A page that shows or holds the member's choice (the confirmation, the ballot paper with a
choice ticked) is made once for every possible choice, and the one sent is padded to the
length of the longest, so anyone who sees only the sizes of the encrypted replies learns
nothing from them. The padding is an HTML comment just before </body>: invisible, and every
such page carries one, so its presence says nothing either.
"""

from collections.abc import Callable, Iterable

_PAD_OPEN = "<!--"
_PAD_CLOSE = "-->"
_BODY_END = "</body>"


def _padded(page: str, padding_bytes: int) -> str:
    comment = _PAD_OPEN + " " * padding_bytes + _PAD_CLOSE
    at = page.rfind(_BODY_END)
    if at == -1:
        return page + comment
    return page[:at] + comment + page[at:]


def page_of_equal_length(render: Callable[[object], str], choice, every_choice: Iterable) -> str:
    """render(choice), padded to the byte length of the longest of render(c) for c in every_choice.

    The sent page is one of the renders, so what the member sees is exactly what was measured;
    the others are thrown away. Lengths are counted in UTF-8 bytes, as they go on the wire.
    """
    pages = {option: render(option) for option in every_choice}
    if choice not in pages:
        pages[choice] = render(choice)
    longest = max(len(page.encode()) for page in pages.values())
    page = pages[choice]
    return _padded(page, longest - len(page.encode()))
