"""The scikit-learn estimator protocol shared by topodim's estimators and transformers, without
requiring scikit-learn.

:class:`ParamsMixin` gives ``get_params`` / ``set_params`` / ``repr`` over the names in the class's
``_param_names``, each stored unchanged as an attribute of the same name by the constructor (which
does nothing else, as scikit-learn asks). :class:`EstimatorMixin` adds the fitted-state protocol
(``__sklearn_is_fitted__`` from the class's ``_fitted_attr``, :class:`NotFittedError`),
scikit-learn's tags (read only by scikit-learn itself), ``fit_transform`` and ``fit_each``.
"""

from __future__ import annotations

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


class ParamsMixin:
    """``get_params``, ``set_params`` and ``__repr__`` over the class's ``_param_names``.

    The repr names the parameters that differ from the constructor's defaults, as scikit-learn's
    does (``PHDim()``, ``PHDim(alpha=0.5)``).
    """

    _param_names: tuple = ()

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self._param_names:
                raise ValueError(f"invalid parameter {k!r} for estimator {type(self).__name__}; "
                                 f"valid parameters: {', '.join(self._param_names)}")
            setattr(self, k, v)
        return self

    def __repr__(self):
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={getattr(self, k)!r}" for k in self._param_names
                   if not _same(getattr(self, k), defaults.get(k, inspect.Parameter.empty))]
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
