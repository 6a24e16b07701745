"""The scikit-learn estimator protocol shared by topodim's estimators and transformers, without
requiring scikit-learn.

:class:`ParamsMixin` gives ``get_params`` / ``set_params`` / ``repr`` over the parameters, which
are, as in scikit-learn, the named arguments of the class's ``__init__``, each stored unchanged as
an attribute of the same name by the constructor (which does nothing else). A subclass that
renames the parameters (a constructor of its own) gets its own names. :class:`EstimatorMixin` adds the fitted-state protocol
(``__sklearn_is_fitted__`` from the class's ``_fitted_attr``, :class:`NotFittedError`),
scikit-learn's tags (read only by scikit-learn itself), ``fit_transform`` and ``fit_each``.
"""

from __future__ import annotations

import functools
import inspect

__all__ = ["EstimatorMixin", "NotFittedError", "ParamsMixin"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (a ValueError and an AttributeError, as in scikit-learn)."""


def _same(value, default) -> bool:
    if value is default:
        return True
    try:
        return bool(value == default)
    except Exception:  # noqa: BLE001 - arrays and objects whose == does not give a bool
        return False


@functools.lru_cache(maxsize=None)
def _parameters(cls) -> dict:
    """{name: default} of the named arguments of ``cls.__init__``, in their order."""
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return {p.name: p.default for p in inspect.signature(cls.__init__).parameters.values()
            if p.name != "self" and p.kind not in skip}


class ParamsMixin:
    """``get_params``, ``set_params`` and ``__repr__`` over the constructor's named arguments.

    The repr names the parameters that differ from the constructor's defaults, as scikit-learn's
    does (``PHDim()``, ``PHDim(alpha=0.5)``).
    """

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in _parameters(type(self))}

    def set_params(self, **params):
        names = _parameters(type(self))
        for k, v in params.items():
            if k not in names:
                raise ValueError(f"unknown parameter {k!r} for {type(self).__name__}; "
                                 f"valid: {', '.join(names)}")
            setattr(self, k, v)
        return self

    def __repr__(self):
        changed = [f"{k}={getattr(self, k)!r}" for k, default in _parameters(type(self)).items()
                   if not _same(getattr(self, k), default)]
        return f"{type(self).__name__}({', '.join(changed)})"


class EstimatorMixin(ParamsMixin):
    """The fitted-state protocol, scikit-learn's tags, ``fit_transform`` and ``fit_each``.

    A subclass sets ``_fitted_attr`` (the attribute ``fit`` sets) and defines ``fit(X, y=None)``
    returning ``self`` and ``transform``.
    """

    _fitted_attr: str = ""

    def __sklearn_is_fitted__(self):
        return hasattr(self, self._fitted_attr)

    def _check_fitted(self, what: str) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(X) before {what}")

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags  # noqa: PLC0415 - only sklearn calls this

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), input_tags=InputTags(),
                    transformer_tags=TransformerTags(), non_deterministic=False, requires_fit=True)

    def fit_transform(self, X, y=None):
        """``fit(X)``, then ``transform()`` of the fitted estimator."""
        return self.fit(X, y).transform()

    def fit_each(self, Xs, n_jobs=None, n_threads=None):
        """A fitted copy of this estimator for each input of ``Xs`` (this one is unchanged).

        The inputs run through joblib (:func:`topodim.batch.fit_each`): one after another by
        default, ``n_jobs`` at a time, or on a Dask cluster under
        ``joblib.parallel_config(backend="dask")``; in parallel each on one thread unless
        ``n_threads`` (or the estimator's own) says otherwise.
        """
        from .batch import fit_each  # noqa: PLC0415 - joblib only for batches

        return fit_each(self, Xs, n_jobs=n_jobs, n_threads=n_threads)
