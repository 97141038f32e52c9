"""Gradient-based optimization algorithms of machine learning, as small pure NumPy pieces.

Every optimizer has a pure ``init``/``step`` pair with the names, defaults and update rules of
``torch.optim``; :mod:`optimizers.schedules` holds learning-rate schedules, :mod:`optimizers.objectives`
test functions with gradients and Hessians, :func:`run` records trajectories, and
:mod:`optimizers.plotting` (which needs matplotlib) draws them in the book's house style.

>>> import optimizers as opt
>>> traj = opt.run(opt.objectives.Square(), 10.0, opt.SGD(lr=0.2), steps=10)
>>> print(f"{traj.x:f}")
0.060466
"""

from . import objectives, schedules
from . import data, models, training  # data sets, models and the training loop (scikit-learn loads lazily)
from ._base import Optimizer
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .rmsprop import RMSprop
from .runner import CriticalPoint, Trajectory, classify_critical_point, classify_hessian, run
from .sgd import SGD

__version__ = "0.1.0"

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW",
    "run", "Trajectory", "classify_critical_point", "classify_hessian", "CriticalPoint",
    "objectives", "schedules", "data", "models", "training", "__version__",
]
