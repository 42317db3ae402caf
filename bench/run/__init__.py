"""Running the matrix: the runner, the model process, accuracy through lm-eval, the scenario."""
