"""The maintainer's generator of docs/, README.md's blocks and the lesson
scripts' Results headers, from the scripts and results/: `python -m docgen`
lists its commands. The learner's commands are in tools/."""
