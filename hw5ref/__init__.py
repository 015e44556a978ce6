"""hw5ref: exact reference computations for EECS 182 Homework 5, questions 1-4.

Modules: :mod:`hw5ref.conv` (convolution, transposed convolution, filter recovery),
:mod:`hw5ref.norm` (batch/layer/instance normalization, Q2(b)'s mean-only batch norm),
:mod:`hw5ref.params` (parameter counts), :mod:`hw5ref.dropout` (dropout as Tikhonov
regularization) and :mod:`hw5ref.answers` (the homework's data and every answer).
"""

from hw5ref import answers, conv, dropout, norm, params

__all__ = ["__version__", "answers", "conv", "dropout", "norm", "params"]
__version__ = "0.2.0"
