"""The ballot's question and its two choices in words: one wording, shared by the members' voting
pages and the printed ballot papers, so a paper says exactly what the screen says."""


def ballot_question(constituency_name: str, sitting_mp: str) -> str:
    return (
        f"Do you want {sitting_mp} to be automatically reselected as the Labour candidate for "
        f"{constituency_name}, or should there be an open selection?"
    )


def choice_labels(sitting_mp: str) -> dict[str, str]:
    """The two choices' words, keyed as the voting page's form values."""
    return {"keep": f"Reselect {sitting_mp} automatically", "open": "Hold an open selection"}
