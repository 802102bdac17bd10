"""python -m docgen: the generator's commands."""
COMMANDS = {
    "docs": "regenerate every number, table, diff and figure in docs/ and README.md (--check: only check)",
    "headers": "refill the lesson scripts' Results headers from results/ (--check: only check)",
    "backprop": "recompute docs/backprop.md's worked example (--check: only check)",
    "redraw": "redraw every figure from its record after a change to how figures are drawn (then: docs)",
    "run_all": "re-record every lesson for its full length (--record), then refill the headers",
}

if __name__ == "__main__":
    print("python -m docgen.<command> --help\n")
    for name, what in COMMANDS.items():
        print(f"  {name:<9} {what}")
