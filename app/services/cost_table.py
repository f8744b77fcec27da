"""Measured step costs for the cost estimates of :mod:`app.services.costs`: written by
``python benchmarks/costs.py --write`` (CPU time, the least of several repeats, on the machine that
serves; re-measure there after a change of hardware or of the engine)."""

SIZES = (1, 4, 5, 32)  # lanes in one group: the columns of STEP_US
# microseconds per step of a group of n lanes of one optimizer (planning, engine, body and JSON), for n in
# SIZES without include, then with include: ['state']
STEP_US = {
    'gd': (7.9, 22.9, 22.1, 22.1, 7.9, 22.9, 22.1, 47.1),
    'momentum': (8.2, 30.1, 25.5, 48.3, 14.9, 55.8, 36.8, 89.1),
    'nesterov': (11.0, 18.2, 19.2, 61.1, 15.0, 45.3, 40.8, 103.6),
    'asgd': (7.0, 28.4, 27.7, 74.4, 16.0, 85.5, 46.4, 133.8),
    'adagrad': (5.8, 33.3, 17.5, 55.8, 20.4, 58.7, 46.6, 100.5),
    'rmsprop': (9.2, 21.5, 23.7, 33.3, 12.1, 69.5, 73.1, 74.0),
    'adadelta': (4.5, 21.4, 63.7, 66.3, 19.6, 64.2, 63.7, 95.9),
    'rprop': (6.3, 38.7, 39.0, 61.6, 12.4, 60.9, 68.0, 185.1),
    'adafactor': (41.3, 41.3, 57.0, 57.0, 41.3, 41.6, 57.0, 90.1),
    'adam': (15.5, 27.4, 26.2, 42.7, 25.4, 53.9, 47.7, 74.3),
    'adamw': (7.4, 33.5, 30.5, 45.4, 15.2, 61.0, 51.9, 94.7),
    'nadam': (10.7, 34.0, 26.7, 62.0, 24.3, 72.0, 74.3, 184.4),
    'adamax': (10.2, 24.5, 44.3, 44.3, 13.4, 63.8, 44.3, 98.2),
    'radam': (11.9, 30.8, 29.5, 44.8, 19.4, 99.9, 89.4, 128.1),
    'adabelief': (7.6, 22.4, 28.3, 39.7, 14.9, 73.5, 69.6, 193.2),
    'lion': (7.0, 25.0, 35.1, 69.9, 14.5, 48.8, 51.1, 69.9),
    'muon': (267.5, 307.4, 285.3, 292.7, 307.7, 318.3, 427.9, 475.2),
    'schedule_free_adamw': (40.1, 94.9, 97.9, 116.4, 62.5, 172.6, 101.8, 222.5),
    'prodigy': (99.4, 99.4, 89.9, 194.6, 201.6, 207.9, 257.4, 324.7),
    'newton': (101.2, 112.5, 112.6, 112.6, 136.3, 136.3, 116.3, 131.4),
    'lbfgs': (33824.1, 40190.8, 49790.5, 65823.8, 33824.1, 40752.7, 62836.1, 65823.8),
    'random_search': (24.9, 35.2, 49.3, 170.6, 44.7, 56.3, 49.3, 170.6),
    'random_local_search': (46.1, 46.1, 36.9, 105.2, 46.1, 46.1, 76.5, 113.5),
}
# what a surface adds to one evaluation beyond the quadratic bowl's, microseconds, for 1 and 32 lanes
SURFACE_US = {
    'quadratic': (6.0, 20.2),
    'ravine': (6.5, 0.0),
    'rosenbrock': (0.0, 40.1),
    'beale': (0.9, 71.1),
    'himmelblau': (0.0, 34.9),
    'booth': (1.9, 35.6),
    'matyas': (4.7, 23.9),
    'three_hump_camel': (0.0, 6.2),
    'six_hump_camel': (0.1, 7.7),
    'styblinski_tang': (0.1, 7.4),
    'rastrigin': (1.2, 48.5),
    'ackley': (2.4, 43.7),
    'goldstein_price': (0.9, 59.6),
    'mccormick': (7.9, 50.7),
    'levi': (0.8, 14.3),
    'saddle': (0.0, 7.1),
    'monkey_saddle': (7.8, 0.0),
    'plateau': (7.9, 1.3),
    'flat_sharp': (0.4, 12.9),
    'linreg_mse': (24.4, 36.7),
    'linreg_mae': (46.7, 46.9),
    'linreg_huber': (49.5, 160.3),
    'logreg_ce': (32.7, 215.5),
    'svm_hinge': (61.6, 64.7),
    'separable_hinge': (43.2, 94.5),
    'separable_ce': (44.1, 145.8),
}
CUSTOM_NODE_US = (0.358, 0.62)  # a custom formula: per node of its gradient, 1 and 32 lanes
MODIFIERS = {'numerical': 1.3, 'noise': 1.2, 'batch': 1.49}  # a step's cost times these: numerical gradients, noise, mini-batches
# basin maps and sweeps: nanoseconds per cell and step (10,000 cells), and what a surface adds per cell
CELL_NS = {
    'gd': 5.1,
    'momentum': 9.1,
    'nesterov': 10.3,
    'asgd': 8.1,
    'adagrad': 15.1,
    'rmsprop': 13.9,
    'adadelta': 20.2,
    'rprop': 18.1,
    'adafactor': 25.2,
    'adam': 15.4,
    'adamw': 17.2,
    'nadam': 20.2,
    'adamax': 9.6,
    'radam': 22.3,
    'adabelief': 17.5,
    'lion': 19.3,
    'muon': 118.7,
    'schedule_free_adamw': 23.2,
    'prodigy': 65.4,
    'newton': 79.1,
    'lbfgs': 83850.1,
    'random_search': 19.7,
    'random_local_search': 72.6,
}
SURFACE_CELL_NS = {
    'quadratic': 0.4,
    'ravine': 0.0,
    'rosenbrock': 0.7,
    'beale': 8.0,
    'himmelblau': 4.2,
    'booth': 1.3,
    'matyas': 6.1,
    'three_hump_camel': 7.9,
    'six_hump_camel': 16.1,
    'styblinski_tang': 1.0,
    'rastrigin': 23.8,
    'ackley': 78.7,
    'goldstein_price': 35.8,
    'mccormick': 11.7,
    'levi': 116.2,
    'saddle': 7.2,
    'monkey_saddle': 2.4,
    'plateau': 4.6,
    'flat_sharp': 37.6,
    'linreg_mse': 320.6,
    'linreg_mae': 278.5,
    'linreg_huber': 427.6,
    'logreg_ce': 1070.0,
    'svm_hinge': 367.1,
    'separable_hinge': 273.7,
    'separable_ce': 1052.3,
}
# a custom rule: per node of the rule, microseconds per step (as STEP_US), and nanoseconds per cell-step
RULE_NODE_US = (0.517, 0.767, 1.273, 1.367, 0.563, 1.739, 1.532, 2.909)
RULE_CELL_NS = 0.54
# a POST answer: the bytes of one number of its JSON (its separator included), and nanoseconds per byte
# of sending it (a loopback socket) and of compressing it (gzip level 1) besides writing it (in STEP_US)
ANSWER = {'number_bytes': 19.61, 'send_ns': 0.162, 'gzip_ns': 10.12}
