"""The scikit-learn parameter protocol shared by topodim's transformers (without requiring
scikit-learn): ``get_params`` / ``set_params`` / ``repr`` over the names in ``_param_names``,
each stored as an attribute of the same name by the constructor."""

from __future__ import annotations


class ParamsMixin:
    """``get_params``, ``set_params`` and ``__repr__`` over the class's ``_param_names``."""

    _param_names: tuple = ()

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self._param_names:
                raise ValueError(f"unknown parameter {k!r} for {type(self).__name__}; "
                                 f"valid: {', '.join(self._param_names)}")
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._param_names)
        return f"{type(self).__name__}({args})"
